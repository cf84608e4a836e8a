#pragma once

#include "ui/common/sample_proxy.h"
#include "ui/gallery/sample_list_model.h"

namespace mnistx::ui
{

// The selection gallery's proxy over a SampleListModel that follows the
// selection: a subset filter, and the order by loss (either way) or by sample
// (session id: training samples by index, then validation samples by index),
// which it hands to the model (SampleListModel::setOrder: sorting 400,000
// rows here, through Qt's proxy sort, took a second). Ties keep the id order,
// so the order is the same on every run.
// GUI thread only.
class SelectionSortProxy : public TypedSampleProxy<SampleListModel>
{
    Q_OBJECT
public:
    // AsSelected: the order the selection came in (a comparison's: the
    // largest change of loss first).
    enum class SortKey { LossDescending, LossAscending, Index, AsSelected };
    Q_ENUM(SortKey)

    explicit SelectionSortProxy(QObject* parent = nullptr);

    // The source must be a SampleListModel.
    void setSourceModel(QAbstractItemModel* model) override;
    void setSortKey(SortKey key);
    SortKey sortKey() const { return m_key; }

private:
    SortKey m_key = SortKey::LossDescending;
    SampleListModel* m_model = nullptr; // the source, which sorts
};

} // namespace mnistx::ui
