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

} // namespace mnistx::ui
