#pragma once

#include "ui/common/sample_proxy.h"
#include "ui/why/label_candidates_model.h"

namespace mnistx::ui
{

// Filters a LabelCandidatesModel by subset and hides marked rows on request;
// sorts numerically (LabelCandidatesModel::sortValue), ties in ranking order
// in both directions. GUI thread only.
class LabelCandidatesProxy : public ColumnSortedSampleProxy<LabelCandidatesModel>
{
    Q_OBJECT
public:
    using ColumnSortedSampleProxy::ColumnSortedSampleProxy;

    void setHideMarked(bool hide);
    bool hideMarked() const { return m_hideMarked; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    // Ties in ranking order, which is the model's row order.
    int tieKeyAt(int sourceRow) const override { return sourceRow; }

private:
    bool m_hideMarked = false;
};

} // namespace mnistx::ui
