#pragma once

#include <QSortFilterProxyModel>

namespace mnistx::ui
{

class LabelCandidatesModel;

// Filters a LabelCandidatesModel by subset and hides marked rows on request;
// sorts numerically (LabelCandidatesModel::sortValue), ties in ranking order
// in both directions. GUI thread only.
class LabelCandidatesProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class SubsetFilter { Both, Train, Validation };
    Q_ENUM(SubsetFilter)

    explicit LabelCandidatesProxy(QObject* parent = nullptr);
    // The source must be a LabelCandidatesModel.
    void setSourceModel(QAbstractItemModel* model) override;

    void setSubsetFilter(SubsetFilter filter);
    SubsetFilter subsetFilter() const { return m_subset; }
    void setHideMarked(bool hide);
    bool hideMarked() const { return m_hideMarked; }

    int idAt(int proxyRow) const; // -1 when out of range
    int sourceRowAt(int proxyRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    const LabelCandidatesModel* m_source = nullptr;
    SubsetFilter m_subset = SubsetFilter::Both;
    bool m_hideMarked = false;
};

} // namespace mnistx::ui
