#pragma once

#include <QVector>

#include <functional>

class QAbstractItemView;
class QModelIndex;

namespace mnistx::ui
{

// The sample ids behind a view's rows, for the tables and lists that hand
// their rows to the session (select, export, show on the map). idAt maps a
// row of the view's model (usually a sorting/filtering proxy) to a session id.

// Every row, top to bottom: rows 0 … rowCount − 1.
QVector<int> rowIds(int rowCount, const std::function<int(int row)>& idAt);
// The selected rows of view, top to bottom (whatever order they were
// selected in). GUI thread.
QVector<int> selectedRowIds(const QAbstractItemView& view, const std::function<int(int row)>& idAt);

// Makes index's row the view's current and only selected row, scrolled into
// sight when the view is shown (a hidden view has no viewport size yet:
// scrolling then would push the top rows out of view; its showEvent scrolls
// instead). GUI thread.
void selectOnlyRow(QAbstractItemView& view, const QModelIndex& index);

} // namespace mnistx::ui
