#pragma once

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace mnistx::ui
{

// A read-only table of samples, one a row (the misclassified table, the label
// candidates): whole rows selected, several with Ctrl/Shift; rows of a fixed
// height (no per-row size queries: fast with tens of thousands of rows); no
// row numbers; columns the user resizes; sorted by sortColumn, largest first,
// until a header is clicked. GUI thread.
QTableView* makeSampleTable(QAbstractItemModel* model, int rowHeight, int sortColumn,
                            QWidget* parent);

} // namespace mnistx::ui
