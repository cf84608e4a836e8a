#include "ui/runs/saved_selections_panel.h"

#include "core/store/store_error.h"
#include "ui/common/hint_stack.h"
#include "ui/common/view_actions.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QStandardItemModel>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace mnistx::ui
{

SavedSelectionsPanel::SavedSelectionsPanel(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = new QStandardItemModel(0, 3, this);
    m_model->setHorizontalHeaderLabels({tr("Name"), tr("Samples"), tr("Made from")});
    m_view = new QTreeView(this);
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_view->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->setToolTip(tr("Selections kept with this run (in its selections.json). Double-click "
                          "(or Enter) selects one again; F2 renames it, Del deletes it."));
    m_stack = new HintStack(m_view, this);
    m_problemLabel = new QLabel(this);
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #b00020"));
    m_problemLabel->hide();

    const auto writable = [this] {
        return !m_dir.isEmpty() && m_session->hasRun() && m_problem.isEmpty();
    };
    const auto chosen = [this] { return currentRow() >= 0; };
    const auto selection = [this] { return !m_session->selection().isEmpty(); };
    auto* save = new QAction(tr("&Save Selection…"), this);
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    save->setToolTip(tr("Keep the current selection with the run under a name (Ctrl+Shift+S)"));
    save->setStatusTip(save->toolTip());
    m_view->addAction(save);
    m_saveAction = m_actions.add(
        save, [this] { askSave(); }, [=] { return writable() && selection(); });
    m_actions.add(
        m_view, tr("&Add To"),
        tr("Add the current selection's samples to the chosen saved selection"), QKeySequence(),
        [this] {
            const QString problem = addSelectionTo(currentRow());
            if (!problem.isEmpty())
                QMessageBox::warning(this, tr("Add to saved selection"), problem);
        },
        [=] { return writable() && selection() && chosen(); });
    QAction* open = m_actions.add(
        m_view, tr("&Open"),
        tr("Select the chosen saved selection's samples (Enter or double-click)"), QKeySequence(),
        [this] { openSelection(currentRow()); }, chosen);
    const auto writableAndChosen = [=] { return writable() && chosen(); };
    m_actions.add(
        m_view, tr("&Rename…"), tr("Rename the chosen saved selection (F2)"), Qt::Key_F2,
        [this] { askRename(); }, writableAndChosen);
    m_actions.add(
        m_view, tr("&Delete…"), tr("Delete the chosen saved selection (Del)"), QKeySequence::Delete,
        [this] { askDelete(); }, writableAndChosen);
    m_actions.add(
        m_view, tr("&Export CSV…"),
        tr("Write the chosen saved selection's samples as a CSV table "
           "(samples.csv's columns)"),
        QKeySequence(), [this] { exportCsv(); }, chosen);
    m_actions.add(
        m_view, tr("&Colour Map"), tr("Colour the map by the saved selections, one colour each"),
        QKeySequence(), [this] { Q_EMIT colourRequested(); },
        [this] { return !m_selections.empty(); });
    connect(m_view, &QTreeView::activated, open, &QAction::trigger);

    QToolBar* buttons = actionButtonRow(this, m_actions.all());
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_problemLabel);
    layout->addWidget(m_stack, 1);
    layout->addWidget(buttons);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { m_actions.update(); });
    // A new run lives in a folder setRunFolder names next: until then the
    // old folder's selections are not the new run's (and are not read).
    connect(m_session, &ExplorerSession::runChanged, this, [this] { setRunFolder(QString()); });
    connect(m_session, &ExplorerSession::selectionChanged, this, [this] { m_actions.update(); });
    reload();
}

void SavedSelectionsPanel::setRunFolder(const QString& dir)
{
    m_dir = dir;
    reload();
}

void SavedSelectionsPanel::reload()
{
    m_selections.clear();
    m_problem.clear();
    if (!m_dir.isEmpty() && m_session->hasRun()) {
        try {
            m_selections = store::loadSelections(m_dir.toStdString(), m_session->trainCount(),
                                                 m_session->validationCount());
        } catch (const std::exception& e) {
            m_problem = QString::fromUtf8(e.what());
        }
    }
    m_problemLabel->setText(
        m_problem.isEmpty()
            ? QString()
            : tr("%1\nThe file is left as it is; move it away to save selections here.")
                  .arg(m_problem));
    m_problemLabel->setVisible(!m_problem.isEmpty());
    fill();
}

void SavedSelectionsPanel::fill()
{
    const int keep = currentRow();
    m_model->setRowCount(0);
    const QLocale locale;
    for (const store::SavedSelection& s : m_selections) {
        auto* name = new QStandardItem(QString::fromStdString(s.name));
        auto* count = new QStandardItem(locale.toString(s.size()));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        count->setToolTip(tr("%1 training, %2 validation samples")
                              .arg(locale.toString(static_cast<int>(s.train.size())),
                                   locale.toString(static_cast<int>(s.validation.size()))));
        auto* made = new QStandardItem(QString::fromStdString(s.description));
        const QDateTime at =
            QDateTime::fromString(QString::fromStdString(s.createdAt), Qt::ISODate);
        const QString when = at.isValid() ? at.toLocalTime().toString("yyyy-MM-dd HH:mm") : "";
        for (QStandardItem* item : {name, made})
            item->setToolTip(QString::fromStdString(s.description) +
                             (when.isEmpty() ? QString() : tr("\nsaved %1").arg(when)));
        m_model->appendRow({name, count, made});
    }
    m_view->resizeColumnToContents(0);
    if (m_selections.empty())
        m_stack->showHint(!m_session->hasRun() || m_dir.isEmpty()
                              ? tr("Saved selections belong to a stored run: open or train one.")
                              : tr("No saved selections yet.\n\nSelect samples (a lasso on the "
                                   "map, a query with Shift+Enter, rows of a table), then Save "
                                   "Selection… (Ctrl+Shift+S)."));
    else
        m_stack->showContent();
    setCurrentRow(std::min(keep, static_cast<int>(m_selections.size()) - 1));
    m_actions.update();
}

int SavedSelectionsPanel::currentRow() const
{
    const QModelIndex i = m_view->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void SavedSelectionsPanel::setCurrentRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_view->setCurrentIndex(m_model->index(row, 0));
}

QString SavedSelectionsPanel::write(std::vector<store::SavedSelection> selections)
{
    if (m_dir.isEmpty() || !m_session->hasRun())
        return tr("The run is not stored yet: there is nowhere to keep selections.");
    if (!m_problem.isEmpty())
        return m_problem;
    try {
        store::saveSelections(selections, m_dir.toStdString());
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    m_selections = std::move(selections);
    fill();
    return {};
}

QString SavedSelectionsPanel::saveSelection(const QString& name)
{
    const QVector<int>& ids = m_session->selection();
    if (ids.isEmpty())
        return tr("Nothing is selected.");
    const std::string n = name.trimmed().toStdString();
    const std::string problem = store::selectionNameProblem(n, m_selections);
    if (!problem.empty())
        return QString::fromStdString(problem);
    auto next = m_selections;
    next.push_back(store::selectionOfIds(n, m_session->selectionDescription().toStdString(),
                                         std::vector<int>(ids.begin(), ids.end()),
                                         m_session->trainCount()));
    const QString error = write(std::move(next));
    if (error.isEmpty()) {
        setCurrentRow(static_cast<int>(m_selections.size()) - 1);
        Q_EMIT message(
            tr("Saved “%1”: %2").arg(name.trimmed(), tr("%n sample(s)", nullptr, int(ids.size()))));
    }
    return error;
}

QString SavedSelectionsPanel::addSelectionTo(int row)
{
    if (row < 0 || row >= static_cast<int>(m_selections.size()))
        return tr("Choose a saved selection first.");
    const QVector<int>& ids = m_session->selection();
    if (ids.isEmpty())
        return tr("Nothing is selected.");
    auto next = m_selections;
    store::SavedSelection& s = next[static_cast<std::size_t>(row)];
    std::vector<int> all = store::idsOfSelection(s, m_session->trainCount());
    all.insert(all.end(), ids.begin(), ids.end());
    const store::SavedSelection merged =
        store::selectionOfIds(s.name, s.description, all, m_session->trainCount());
    const int added = merged.size() - s.size();
    s.train = merged.train;
    s.validation = merged.validation;
    const QString name = QString::fromStdString(s.name);
    const QString error = write(std::move(next));
    if (error.isEmpty())
        Q_EMIT message(tr("Added %1 to “%2”").arg(tr("%n sample(s)", nullptr, added), name));
    return error;
}

QString SavedSelectionsPanel::renameSelection(int row, const QString& name)
{
    if (row < 0 || row >= static_cast<int>(m_selections.size()))
        return tr("Choose a saved selection first.");
    auto next = m_selections;
    const std::string n = name.trimmed().toStdString();
    if (n == next[static_cast<std::size_t>(row)].name)
        return {};
    auto others = next;
    others.erase(others.begin() + row);
    const std::string problem = store::selectionNameProblem(n, others);
    if (!problem.empty())
        return QString::fromStdString(problem);
    next[static_cast<std::size_t>(row)].name = n;
    return write(std::move(next));
}

QString SavedSelectionsPanel::deleteSelection(int row)
{
    if (row < 0 || row >= static_cast<int>(m_selections.size()))
        return tr("Choose a saved selection first.");
    auto next = m_selections;
    next.erase(next.begin() + row);
    return write(std::move(next));
}

void SavedSelectionsPanel::openSelection(int row)
{
    if (row < 0 || row >= static_cast<int>(m_selections.size()) || !m_session->hasRun())
        return;
    const store::SavedSelection& s = m_selections[static_cast<std::size_t>(row)];
    const std::vector<int> ids = store::idsOfSelection(s, m_session->trainCount());
    m_session->setSelection(QVector<int>(ids.begin(), ids.end()),
                            tr("saved “%1”").arg(QString::fromStdString(s.name)));
}

void SavedSelectionsPanel::askSave()
{
    bool ok = false;
    // The selection's description as a name: a query's text without its
    // "query “…”" wrapping.
    QString suggested = m_session->selectionDescription();
    const QString queryPrefix = tr("query “");
    if (suggested.startsWith(queryPrefix) && suggested.endsWith(QStringLiteral("”")))
        suggested = suggested.mid(queryPrefix.size(), suggested.size() - queryPrefix.size() - 1);
    suggested = suggested.left(60);
    const QString name = QInputDialog::getText(
        this, tr("Save Selection"),
        tr("Keep the %1 selected with the run as:")
            .arg(tr("%n sample(s)", nullptr, static_cast<int>(m_session->selection().size()))),
        QLineEdit::Normal, suggested, &ok);
    if (!ok)
        return;
    const QString problem = saveSelection(name);
    if (!problem.isEmpty())
        QMessageBox::warning(this, tr("Save Selection"), tr("Not saved: %1").arg(problem));
}

void SavedSelectionsPanel::askRename()
{
    const int row = currentRow();
    if (row < 0)
        return;
    bool ok = false;
    const QString old = QString::fromStdString(m_selections[static_cast<std::size_t>(row)].name);
    const QString name = QInputDialog::getText(this, tr("Rename Saved Selection"), tr("New name:"),
                                               QLineEdit::Normal, old, &ok);
    if (!ok)
        return;
    const QString problem = renameSelection(row, name);
    if (!problem.isEmpty())
        QMessageBox::warning(this, tr("Rename Saved Selection"), problem);
}

void SavedSelectionsPanel::askDelete()
{
    const int row = currentRow();
    if (row < 0)
        return;
    const store::SavedSelection& s = m_selections[static_cast<std::size_t>(row)];
    if (QMessageBox::question(
            this, tr("Delete Saved Selection"),
            tr("Delete the saved selection “%1” (%2)? The samples stay in the run.")
                .arg(QString::fromStdString(s.name), tr("%n sample(s)", nullptr, s.size()))) !=
        QMessageBox::Yes)
        return;
    const QString problem = deleteSelection(row);
    if (!problem.isEmpty())
        QMessageBox::warning(this, tr("Delete Saved Selection"), problem);
}

void SavedSelectionsPanel::exportCsv()
{
    const int row = currentRow();
    if (row < 0 || !m_session->hasRun())
        return;
    const store::SavedSelection& s = m_selections[static_cast<std::size_t>(row)];
    const QString path = askCsvPath(
        this, QString::fromStdString(s.name).replace(QLatin1Char('/'), QLatin1Char('_')));
    if (path.isEmpty())
        return;
    const std::vector<int> ids = store::idsOfSelection(s, m_session->trainCount());
    const auto data = m_session->dataPtr();
    QString error;
    if (!writeSelectionCsv(m_session->run(), QVector<int>(ids.begin(), ids.end()), path, &error,
                           data ? &data->metadata : nullptr))
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        Q_EMIT message(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace mnistx::ui
