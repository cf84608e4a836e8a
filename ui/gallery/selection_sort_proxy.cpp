#include "ui/gallery/selection_sort_proxy.h"

namespace mnistx::ui
{

SelectionSortProxy::SelectionSortProxy(QObject* parent) : TypedSampleProxy(parent) {}

void SelectionSortProxy::setSourceModel(QAbstractItemModel* model)
{
    TypedSampleProxy::setSourceModel(model);
    m_model = qobject_cast<SampleListModel*>(model);
    setSortKey(m_key);
}

void SelectionSortProxy::setSortKey(SortKey key)
{
    m_key = key;
    // The model sorts: this proxy keeps its rows' order (no sort column).
    if (!m_model)
        return;
    SampleListModel* model = m_model;
    switch (key) {
    case SortKey::LossDescending:
        model->setOrder(SampleListModel::Order::LossDescending);
        break;
    case SortKey::LossAscending:
        model->setOrder(SampleListModel::Order::LossAscending);
        break;
    case SortKey::Index:
        model->setOrder(SampleListModel::Order::Id);
        break;
    case SortKey::AsSelected:
        model->setOrder(SampleListModel::Order::AsSelected);
        break;
    }
}

} // namespace mnistx::ui
