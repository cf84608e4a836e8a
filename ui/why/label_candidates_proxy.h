#pragma once

#include "ui/common/sample_proxy.h"
#include "ui/why/label_candidates_model.h"

namespace mnistx::ui
{

// Filters a LabelCandidatesModel by subset and hides marked rows on request;
// sorts numerically (LabelCandidatesModel::sortValue), ties in ranking order
// in both directions. GUI thread only.
class LabelCandidatesProxy : public TypedSampleProxy<LabelCandidatesModel>
{
    Q_OBJECT
public:
    explicit LabelCandidatesProxy(QObject* parent = nullptr);

    void setHideMarked(bool hide);
    bool hideMarked() const { return m_hideMarked; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    bool m_hideMarked = false;
};

} // namespace mnistx::ui
