#include "ui/why/label_candidates_proxy.h"

#include "ui/why/label_candidates_model.h"

namespace mnistx::ui
{

LabelCandidatesProxy::LabelCandidatesProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(LabelCandidatesModel::SortRole);
    setDynamicSortFilter(true);
}

void LabelCandidatesProxy::setSourceModel(QAbstractItemModel* model)
{
    m_source = qobject_cast<const LabelCandidatesModel*>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

void LabelCandidatesProxy::setSubsetFilter(SubsetFilter filter)
{
    if (filter == m_subset)
        return;
    m_subset = filter;
    invalidateRowsFilter();
}

void LabelCandidatesProxy::setHideMarked(bool hide)
{
    if (hide == m_hideMarked)
        return;
    m_hideMarked = hide;
    invalidateRowsFilter();
}

int LabelCandidatesProxy::sourceRowAt(int proxyRow) const
{
    if (proxyRow < 0 || proxyRow >= rowCount())
        return -1;
    return mapToSource(index(proxyRow, 0)).row();
}

int LabelCandidatesProxy::idAt(int proxyRow) const
{
    return m_source ? m_source->idAt(sourceRowAt(proxyRow)) : -1;
}

bool LabelCandidatesProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    if (!m_source)
        return true;
    const auto& c = m_source->candidate(sourceRow);
    if (m_subset == SubsetFilter::Train && c.subset != analysis::Subset::Train)
        return false;
    if (m_subset == SubsetFilter::Validation && c.subset != analysis::Subset::Validation)
        return false;
    return !(m_hideMarked && m_source->markAt(sourceRow) != 0);
}

bool LabelCandidatesProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_source)
        return QSortFilterProxyModel::lessThan(left, right);
    const double a = m_source->sortValue(left.row(), left.column());
    const double b = m_source->sortValue(right.row(), right.column());
    if (a != b)
        return a < b;
    // Ties in ranking order whichever way the column is sorted.
    return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
}

} // namespace mnistx::ui
