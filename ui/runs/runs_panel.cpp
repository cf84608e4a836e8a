#include "ui/runs/runs_panel.h"

#include "core/store/store_error.h"
#include "ui/common/folder_path.h"
#include "ui/common/hint_stack.h"
#include "ui/common/view_actions.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// "2026-12-07 09:30" in local time, from the stored ISO 8601 UTC time.
QString localDate(const std::string& iso)
{
    const QDateTime time = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODate);
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                          : QString::fromStdString(iso);
}

} // namespace

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent)
{
    m_model = new QStandardItemModel(0, 6, this);
    m_model->setHorizontalHeaderLabels(
        {tr("Run"), tr("Dataset"), tr("Model"), tr("Accuracy"), tr("Samples"), tr("Created")});
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    // The figures keep their width; the name takes what is left, elided in
    // the middle so that its date and time stay readable.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->setToolTip(tr("The runs stored in this folder, newest first. Double-click (or Enter) "
                           "opens one; F2 renames it, Del deletes it."));
    m_stack = new HintStack(m_table, this);

    const auto chosen = [this] { return !currentRun().isEmpty(); };
    const auto chosenOther = [this] {
        return !currentRun().isEmpty() && currentRun() != m_openRun;
    };
    // Enter and double-click open through the view's activated().
    QAction* open = m_actions.add(
        m_table, tr("&Open"), tr("Open the chosen run (Enter or double-click)"), QKeySequence(),
        [this, chosen] {
            if (chosen())
                Q_EMIT openRequested(currentRun());
        },
        chosen);
    m_actions.add(
        m_table, tr("&Compare"),
        tr("Colour the map by what the open run fixed and broke against the chosen run"),
        QKeySequence(),
        [this, chosenOther] {
            if (chosenOther())
                Q_EMIT compareRequested(currentRun());
        },
        [this, chosenOther] { return chosenOther() && !m_openRun.isEmpty(); });
    m_actions.add(
        m_table, tr("&Rename…"), tr("Rename the chosen run's folder (F2)"),
        QKeySequence(Qt::Key_F2), [this] { askRename(); }, chosen);
    m_deleteAction = m_actions.add(
        m_table, tr("&Delete…"), deleteTip(false), QKeySequence::Delete, [this] { askDelete(); },
        chosenOther);
    m_actions.add(m_table, tr("Re&fresh"), tr("List the folder's runs again (F5)"),
                  QKeySequence::Refresh, [this] { refresh(); });
    connect(m_table, &QTableView::activated, open, &QAction::trigger);

    m_folderLabel = new QLabel(this);
    m_folderLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folderLabel->setToolTip(tr("The folder the runs are listed from: where new runs go"));
    QToolBar* buttons = actionButtonRow(this, m_actions.all());
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_folderLabel);
    layout->addWidget(m_stack, 1);
    layout->addWidget(buttons);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RunsPanel::updateActions);
    refresh();
}

void RunsPanel::setFolder(const QString& root, const QString& openRun)
{
    m_root = absoluteFolder(root);
    m_openRun = absoluteFolder(openRun);
    refresh();
}

void RunsPanel::refresh()
{
    const QString keep = currentRun();
    m_runs =
        m_root.isEmpty() ? std::vector<store::RunEntry>{} : store::listRuns(m_root.toStdString());
    m_folderLabel->setText(
        m_root.isEmpty() ? QString() : tr("Runs in %1").arg(QDir::toNativeSeparators(m_root)));
    m_model->setRowCount(0);
    for (const store::RunEntry& run : m_runs) {
        const QString dir = absoluteFolder(QString::fromStdString(run.dir));
        QList<QStandardItem*> row;
        for (int c = 0; c < m_model->columnCount(); ++c)
            row << new QStandardItem;
        row[NameColumn]->setText(QString::fromStdString(run.name));
        row[NameColumn]->setData(dir, Qt::UserRole);
        if (run.problem.empty()) {
            row[DatasetColumn]->setText(QString::fromStdString(run.dataset));
            row[ModelColumn]->setText(QString::fromStdString(run.model));
            row[AccuracyColumn]->setText(
                std::isfinite(run.validationAccuracy)
                    ? QLocale().toString(run.validationAccuracy * 100.0, 'f', 2) +
                          QStringLiteral(" %")
                    : QStringLiteral("—"));
            row[SamplesColumn]->setText(QLocale().toString(run.sampleCount));
            row[DateColumn]->setText(localDate(run.createdAt));
            for (QStandardItem* item : row)
                item->setToolTip(QDir::toNativeSeparators(dir));
        } else {
            for (QStandardItem* item : row) {
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
                item->setToolTip(QString::fromStdString(run.problem));
            }
        }
        row[AccuracyColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        row[SamplesColumn]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (dir == m_openRun) { // its name in bold (the figures keep their columns' width)
            QFont bold = row[NameColumn]->font();
            bold.setBold(true);
            row[NameColumn]->setFont(bold);
            row[NameColumn]->setToolTip(tr("%1 (open)").arg(row[NameColumn]->toolTip()));
        }
        m_model->appendRow(row);
    }
    m_stack->setHintText(m_root.isEmpty()
                             ? tr("No run folder yet.\n\nRuns are listed here once one is stored.")
                             : tr("No runs in %1 yet.\n\nTrain one (Ctrl+T), or open a model or "
                                  "embeddings from the File menu.")
                                   .arg(QDir::toNativeSeparators(m_root)));
    m_stack->setContentShown(!m_runs.empty());
    setCurrentRun(keep.isEmpty() ? m_openRun : keep);
    updateActions();
}

QString RunsPanel::cellText(int row, int column) const
{
    const QStandardItem* item = m_model->item(row, column);
    return item ? item->text() : QString();
}

QString RunsPanel::currentRun() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid()
               ? m_model->item(current.row(), NameColumn)->data(Qt::UserRole).toString()
               : QString();
}

void RunsPanel::setCurrentRun(const QString& dir)
{
    const QString wanted = absoluteFolder(dir);
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (m_model->item(r, NameColumn)->data(Qt::UserRole).toString() == wanted) {
            m_table->setCurrentIndex(m_model->index(r, NameColumn));
            return;
        }
}

void RunsPanel::updateActions()
{
    m_actions.update();
    m_deleteAction->setToolTip(deleteTip(!currentRun().isEmpty() && currentRun() == m_openRun));
}

QString RunsPanel::deleteTip(bool openRunChosen)
{
    return openRunChosen ? tr("The open run cannot be deleted: open another one first")
                         : tr("Delete the chosen run's folder and everything in it, after "
                              "asking (Del)");
}

QString RunsPanel::renameRun(const QString& dir, const QString& newName)
{
    try {
        const QString renamed = absoluteFolder(QString::fromStdString(
            store::renameRun(absoluteFolder(dir).toStdString(), newName.toStdString())));
        const QString from = absoluteFolder(dir);
        if (from == m_openRun)
            m_openRun = renamed;
        refresh();
        setCurrentRun(renamed);
        Q_EMIT runRenamed(from, renamed);
        return {};
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
}

QString RunsPanel::deleteRun(const QString& dir)
{
    if (absoluteFolder(dir) == m_openRun)
        return tr("%1 is the open run: open another run before deleting it")
            .arg(QDir::toNativeSeparators(dir));
    try {
        store::deleteRun(absoluteFolder(dir).toStdString());
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    refresh();
    return {};
}

void RunsPanel::askRename()
{
    const QString run = currentRun();
    if (run.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Run"), tr("New folder name:"),
                                               QLineEdit::Normal, QFileInfo(run).fileName(), &ok);
    if (!ok || name == QFileInfo(run).fileName())
        return;
    const QString problem = renameRun(run, name);
    if (!problem.isEmpty())
        QMessageBox::warning(this, tr("Rename Run"), problem);
}

void RunsPanel::askDelete()
{
    const QString run = currentRun();
    if (run.isEmpty() || run == m_openRun)
        return;
    const auto answer = QMessageBox::question(
        this, tr("Delete Run"),
        tr("Delete %1 and everything in it (the model, the analysis, the exports and the label "
           "marks)? This cannot be undone.")
            .arg(QDir::toNativeSeparators(run)),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    const QString problem = deleteRun(run);
    if (!problem.isEmpty())
        QMessageBox::warning(this, tr("Delete Run"), problem);
}

} // namespace mnistx::ui
