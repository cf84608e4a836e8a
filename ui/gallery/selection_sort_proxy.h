#pragma once

#include "ui/common/sample_proxy.h"
#include "ui/gallery/sample_list_model.h"

namespace mnistx::ui
{

// Orders a SampleListModel by loss (either way) or by sample (session id:
// training samples by index, then validation samples by index). Compares the
// source's values directly instead of through QVariant: sorting a selection
// of all 70,000 samples then takes milliseconds. Ties keep the id order, so
// the order is the same on every run.
// GUI thread only.
class SelectionSortProxy : public TypedSampleProxy<SampleListModel>
{
    Q_OBJECT
public:
    enum class SortKey { LossDescending, LossAscending, Index };
    Q_ENUM(SortKey)

    explicit SelectionSortProxy(QObject* parent = nullptr);

    // The source must be a SampleListModel.
    void setSourceModel(QAbstractItemModel* model) override;
    void setSortKey(SortKey key);
    SortKey sortKey() const { return m_key; }

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    SortKey m_key = SortKey::LossDescending;
};

} // namespace mnistx::ui
