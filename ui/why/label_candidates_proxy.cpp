#include "ui/why/label_candidates_proxy.h"

namespace mnistx::ui
{

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

} // namespace mnistx::ui
