#pragma once

#include <QModelIndex>
#include <QScopedValueRollback>
#include <QSortFilterProxyModel>
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

// Makes index's row the view's current and only selected row, scrolled into
// sight when the view is shown (a hidden view has no viewport size yet:
// scrolling then would push the top rows out of view; its showEvent scrolls
// instead). GUI thread.
void selectOnlyRow(QAbstractItemView& view, const QModelIndex& index);

// What a table does when the session's current sample is not among its rows.
enum class MissingRow { KeepSelection, ClearSelection };
// A table following the session's current sample: index (a row of the view's
// model, invalid when the sample is not listed) becomes the only selected
// row, unless it is already among the selected rows (a multi-row selection
// the user made stays). GUI thread.
void followCurrentRow(QAbstractItemView& view, const QModelIndex& index, MissingRow missing);

// A view and the session echo each other's changes (a row clicked makes a
// sample current, a current sample selects its row): runs sync() with
// `syncing` set, unless a sync is already under way. GUI thread.
template <class Sync> void syncOnce(bool& syncing, const Sync& sync)
{
    if (syncing)
        return;
    const QScopedValueRollback<bool> during(syncing, true);
    sync();
}

// The proxy's index of sample id, through a source model with rowOf(id)
// (−1 when the sample is not listed); invalid when not listed or filtered out.
template <class SourceModel>
QModelIndex proxyIndexOf(const SourceModel& model, const QSortFilterProxyModel& proxy, int id)
{
    const int sourceRow = model.rowOf(id);
    return sourceRow < 0 ? QModelIndex() : proxy.mapFromSource(model.index(sourceRow, 0));
}

} // namespace mnistx::ui
