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
    table->horizontalHeader()->setSortIndicator(sortColumn, Qt::DescendingOrder);
    table->setSortingEnabled(true);
    return table;
}

} // namespace mnistx::ui
