#pragma once

#include "ui/common/subset_filter.h"

#include <QSortFilterProxyModel>

namespace mnistx::ui
{

// What the sort/filter proxies over a list of samples share (the selection
// gallery, the misclassified table, the label candidates): a proxy row's
// session id, a subset filter, and a tie order that stays the same whichever
// way a column is sorted. GUI thread only.
class SampleProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit SampleProxy(QObject* parent = nullptr);

    // The session id of a row of this proxy, -1 when out of range.
    int idAt(int proxyRow) const;
    // The source row of a row of this proxy, -1 when out of range.
    int sourceRowAt(int proxyRow) const;

    void setSubsetFilter(SubsetFilter filter);
    SubsetFilter subsetFilter() const { return m_subset; }

protected:
    // The session id of a source row (-1 when there is none).
    virtual int sourceIdAt(int sourceRow) const = 0;
    bool acceptsSubset(analysis::Subset subset) const { return subsetAccepts(m_subset, subset); }
    // For lessThan on equal keys: ascending `a`, `b` (ids, ranks) in either sort
    // order, which Qt reverses for a descending sort.
    bool tieOrder(int a, int b) const { return sortOrder() == Qt::DescendingOrder ? a > b : a < b; }
    // lessThan on numeric keys: NaN (a value the run lacks) after every
    // number, equal keys by tieOrder(tieA, tieB).
    bool lessByValue(double a, double b, int tieA, int tieB) const;

private:
    SubsetFilter m_subset = SubsetFilter::Both;
};

// A SampleProxy over a Model (a QAbstractItemModel with idAt(row)), read
// directly in filterAcceptsRow and lessThan instead of through QVariant:
// sorting 70,000 rows then takes milliseconds.
template <class Model> class TypedSampleProxy : public SampleProxy
{
public:
    using SampleProxy::SampleProxy;

    // The source must be a Model.
    void setSourceModel(QAbstractItemModel* model) override
    {
        m_source = qobject_cast<const Model*>(model);
        Q_ASSERT(m_source || !model);
        SampleProxy::setSourceModel(model);
    }

protected:
    const Model* source() const { return m_source; }
    int sourceIdAt(int sourceRow) const override
    {
        return m_source ? m_source->idAt(sourceRow) : -1;
    }

private:
    const Model* m_source = nullptr;
};

// A TypedSampleProxy over a table whose Model gives the number behind each
// cell (double sortValue(row, column), NaN where the run lacks it, and a
// SortRole): sorts by that number, NaN after every number, equal numbers by
// tieKeyAt in either direction.
template <class Model> class ColumnSortedSampleProxy : public TypedSampleProxy<Model>
{
public:
    explicit ColumnSortedSampleProxy(QObject* parent = nullptr) : TypedSampleProxy<Model>(parent)
    {
        this->setSortRole(Model::SortRole);
    }

protected:
    // The tie order of a source row: its session id unless a table orders
    // ties otherwise.
    virtual int tieKeyAt(int sourceRow) const { return this->sourceIdAt(sourceRow); }

    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override
    {
        const Model* model = this->source();
        if (!model)
            return QSortFilterProxyModel::lessThan(left, right);
        return this->lessByValue(model->sortValue(left.row(), left.column()),
                                 model->sortValue(right.row(), right.column()),
                                 tieKeyAt(left.row()), tieKeyAt(right.row()));
    }
};

} // namespace mnistx::ui
