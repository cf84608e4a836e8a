#pragma once

#include <QVector>

#include <functional>

class QAbstractItemView;

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

} // namespace mnistx::ui
