#include "ui/gallery/selection_sort_proxy.h"

namespace mnistx::ui
{

SelectionSortProxy::SelectionSortProxy(QObject* parent) : TypedSampleProxy(parent) {}

void SelectionSortProxy::setSourceModel(QAbstractItemModel* model)
{
    TypedSampleProxy::setSourceModel(model);
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

bool SelectionSortProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const int a = source()->idAt(left.row());
    const int b = source()->idAt(right.row());
    if (m_key != SortKey::Index) {
        const float la = source()->lossAt(left.row());
        const float lb = source()->lossAt(right.row());
        if (la != lb)
            return la < lb;
    }
    // Ties (and the index order): by ascending id, also when Qt reverses the
    // comparison for the descending loss order.
    return tieOrder(a, b);
}

} // namespace mnistx::ui
