#include "ui/why/label_candidates_proxy.h"

namespace mnistx::ui
{

LabelCandidatesProxy::LabelCandidatesProxy(QObject* parent) : TypedSampleProxy(parent)
{
    setSortRole(LabelCandidatesModel::SortRole);
}

void LabelCandidatesProxy::setHideMarked(bool hide)
{
    if (hide == m_hideMarked)
        return;
    m_hideMarked = hide;
    invalidateRowsFilter();
}

bool LabelCandidatesProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    if (!source())
        return true;
    if (!acceptsSubset(source()->candidate(sourceRow).subset))
        return false;
    return !(m_hideMarked && source()->markAt(sourceRow) != 0);
}

bool LabelCandidatesProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!source())
        return QSortFilterProxyModel::lessThan(left, right);
    // Ties in ranking order whichever way the column is sorted.
    return lessByValue(source()->sortValue(left.row(), left.column()),
                       source()->sortValue(right.row(), right.column()), left.row(), right.row());
}

} // namespace mnistx::ui
