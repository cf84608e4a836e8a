#include "ui/gallery/selection_sort_proxy.h"

#include "ui/gallery/sample_list_model.h"

#include <cassert>

namespace mnistx::ui
{

SelectionSortProxy::SelectionSortProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
}

void SelectionSortProxy::setSourceModel(QAbstractItemModel* model)
{
    m_selection = qobject_cast<const SampleListModel*>(model);
    assert(m_selection || !model); // lessThan reads the SampleListModel directly
    QSortFilterProxyModel::setSourceModel(model);
    setSortKey(m_key);
}

void SelectionSortProxy::setSortKey(SortKey key)
{
    m_key = key;
    // lessThan always answers "ascending by the key"; descending loss is the
    // same order reversed, which Qt does for us.
    const Qt::SortOrder order =
        key == SortKey::LossDescending ? Qt::DescendingOrder : Qt::AscendingOrder;
    if (sortColumn() == 0 && sortOrder() == order)
        invalidate(); // same column and order, another key: sort() alone would do nothing
    else
        sort(0, order);
}

int SelectionSortProxy::idAt(int proxyRow) const
{
    if (!m_selection || proxyRow < 0 || proxyRow >= rowCount())
        return -1;
    return m_selection->idAt(mapToSource(index(proxyRow, 0)).row());
}

bool SelectionSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const int a = m_selection->idAt(left.row());
    const int b = m_selection->idAt(right.row());
    if (m_key != SortKey::Index) {
        const float la = m_selection->lossAt(left.row());
        const float lb = m_selection->lossAt(right.row());
        if (la != lb)
            return la < lb;
    }
    // Ties (and the index order): by ascending id, also when Qt reverses the
    // comparison for the descending loss order.
    return sortOrder() == Qt::DescendingOrder ? a > b : a < b;
}

} // namespace mnistx::ui
