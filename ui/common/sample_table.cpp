#include "ui/common/sample_table.h"

#include <QHeaderView>
#include <QTableView>

namespace mnistx::ui
{

QTableView* makeSampleTable(QAbstractItemModel* model, int rowHeight, int sortColumn,
                            QWidget* parent)
{
    auto* table = new QTableView(parent);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(rowHeight);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Fitting the columns measures the rows in view and this many more (Qt's
    // default, 1,000, costs 25 ms of the GUI thread when a million-row run
    // opens); the cells of a column are of one kind and width.
    table->horizontalHeader()->setResizeContentsPrecision(100);
    table->horizontalHeader()->setSortIndicator(sortColumn, Qt::DescendingOrder);
    table->setSortingEnabled(true);
    return table;
}

} // namespace mnistx::ui
