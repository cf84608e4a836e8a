#include "ui/common/row_ids.h"

#include <QAbstractItemView>
#include <QItemSelectionModel>
#include <algorithm>

namespace mnistx::ui
{

QVector<int> rowIds(int rowCount, const std::function<int(int row)>& idAt)
{
    QVector<int> ids;
    ids.reserve(std::max(0, rowCount));
    for (int row = 0; row < rowCount; ++row)
        ids.append(idAt(row));
    return ids;
}

QVector<int> selectedRowIds(const QAbstractItemView& view, const std::function<int(int row)>& idAt)
{
    const QItemSelectionModel* selection = view.selectionModel();
    if (!selection)
        return {};
    QModelIndexList rows = selection->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QVector<int> ids;
    ids.reserve(rows.size());
    for (const QModelIndex& index : rows)
        ids.append(idAt(index.row()));
    return ids;
}

void selectOnlyRow(QAbstractItemView& view, const QModelIndex& index)
{
    view.selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                      QItemSelectionModel::Rows);
    if (view.isVisible())
        view.scrollTo(index);
}

void followCurrentRow(QAbstractItemView& view, const QModelIndex& index, MissingRow missing)
{
    QItemSelectionModel* selection = view.selectionModel();
    if (index.isValid()) {
        if (!selection->isRowSelected(index.row(), QModelIndex()))
            selectOnlyRow(view, index);
    } else if (missing == MissingRow::ClearSelection) {
        selection->clearSelection();
    }
}

} // namespace mnistx::ui
