#include "ui/why/label_candidates_panel.h"

#include "core/store/run_store.h"
#include "ui/common/elided_label.h"
#include "ui/common/hint_stack.h"
#include "ui/common/row_ids.h"
#include "ui/common/sample_table.h"
#include "ui/explorer_session.h"
#include "ui/export/export_notice.h"
#include "ui/export/exporter.h"
#include "ui/why/why_context.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFont>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>

namespace mnistx::ui
{

LabelCandidatesPanel::LabelCandidatesPanel(WhyContext* context, QWidget* parent)
    : QWidget(parent), m_context(context), m_session(context->session())
{
    m_model = new LabelCandidatesModel(m_session, this);
    m_proxy = new LabelCandidatesProxy(this);
    m_proxy->setSourceModel(m_model);

    m_status = new ElidedLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_subsetBox =
        makeSubsetBox(SubsetBoxWords::Short,
                      tr("Show candidates of the training set, the validation set or both"), this);
    m_hideMarkedBox = new QCheckBox(tr("&Hide marked"), this);
    m_hideMarkedBox->setToolTip(tr("Hide the candidates you have already marked"));
    m_count = new ElidedLabel(this);

    m_errorText = new QLabel(this);
    m_errorText->setWordWrap(true);
    m_errorText->setTextFormat(Qt::PlainText);
    m_errorText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorButton = new QPushButton(this);
    m_errorBanner = new QFrame(this);
    m_errorBanner->setObjectName(QStringLiteral("marksErrorBanner"));
    // Dark red text on a pale red ground: unmistakable, and readable in light and dark themes.
    m_errorBanner->setStyleSheet(
        QStringLiteral("#marksErrorBanner { background: #fde8e8; border: 1px solid #d9534f; "
                       "border-radius: 3px; } #marksErrorBanner QLabel { color: #8a1c1c; }"));
    auto* bannerLayout = new QHBoxLayout(m_errorBanner);
    bannerLayout->setContentsMargins(8, 6, 8, 6);
    bannerLayout->addWidget(m_errorText, 1);
    bannerLayout->addWidget(m_errorButton, 0, Qt::AlignTop);
    m_errorBanner->hide();

    // Rows as high as the thumbnail plus a small margin.
    m_table = makeSampleTable(m_proxy, 28 * LabelCandidatesModel::kThumbnailScale + 4,
                              LabelCandidatesModel::ScoreColumn, this);
    m_table->setIconSize(QSize(28, 28) * LabelCandidatesModel::kThumbnailScale);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setToolTip(tr("Click a row to inspect the sample. L: mislabeled, F: fine, U: clear "
                           "the mark of the selected rows."));

    m_stack = new HintStack(m_table, this);

    // Plain keys, active only while focus is inside this panel: no clash with
    // the main window's Ctrl shortcuts.
    const auto rowsSelected = [this] { return m_table->selectionModel()->hasSelection(); };
    const auto markAction = [&](const QString& text, const QString& tip, Qt::Key key,
                                const char* name, std::optional<why::LabelMark> mark) {
        QAction* action = m_markActions.add(
            this, text, tip, QKeySequence(key), [this, mark] { markSelected(mark); }, rowsSelected);
        action->setObjectName(QLatin1String(name));
    };
    markAction(tr("Mis&labeled"), tr("Mark the selected samples as mislabeled (L)"), Qt::Key_L,
               "markMislabeledAction", why::LabelMark::ConfirmedMislabeled);
    markAction(tr("&Fine"), tr("Mark the selected samples' labels as fine (F)"), Qt::Key_F,
               "markFineAction", why::LabelMark::Fine);
    markAction(tr("Clear Mark"), tr("Remove the mark of the selected samples (U)"), Qt::Key_U,
               "clearMarkAction", std::nullopt);
    m_exportActions.add(
        this, tr("Export Label Candidates as CSV…"),
        tr("Save the candidates as shown (filter and order) as a CSV table"), QKeySequence(),
        [this] { exportCandidatesInteractively(); },
        [this] { return m_state == State::Ready && m_proxy->rowCount() > 0; });
    m_exportActions.add(
        this, tr("Export Label Marks as CSV…"), tr("Save every mark of this run as a CSV table"),
        QKeySequence(), [this] { exportMarksInteractively(); },
        [this] { return m_session->hasRun() && !m_model->marks().empty(); });

    // The button rows' shorter names (the menus keep the actions' own).
    const QStringList buttonTexts{tr("Mislabeled (L)"), tr("Fine (F)"), tr("Clear (U)"),
                                  tr("Export Candidates…"), tr("Export Marks…")};
    const QList<QAction*> rowActions = m_markActions.all() + m_exportActions.all();
    for (int i = 0; i < rowActions.size(); ++i)
        rowActions[i]->setIconText(buttonTexts[i]);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_status, 1);
    auto* subsetLabel = new QLabel(tr("&Subset:"), this);
    subsetLabel->setBuddy(m_subsetBox);
    filters->addWidget(subsetLabel);
    filters->addWidget(m_subsetBox);
    filters->addSpacing(6);
    filters->addWidget(m_hideMarkedBox);
    // Tool bars: in a narrow dock the buttons that do not fit move into a
    // "»" menu and the count elides, instead of the panel growing wider.
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(actionButtonRow(this, m_markActions.all()));
    buttons->addWidget(m_count, 1);
    buttons->addWidget(actionButtonRow(this, m_exportActions.all()));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(filters);
    layout->addWidget(m_errorBanner);
    layout->addWidget(m_stack, 1);
    layout->addLayout(buttons);

    connect(m_errorButton, &QPushButton::clicked, this, [this] { saveMarks(true); });
    connect(m_subsetBox, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setSubsetFilter(subsetFilterOf(m_subsetBox));
        updateStatus();
    });
    connect(m_hideMarkedBox, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setHideMarked(on);
        updateStatus();
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &LabelCandidatesPanel::updateStatus);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LabelCandidatesPanel::updateStatus);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LabelCandidatesPanel::onTableCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &LabelCandidatesPanel::updateActions);
    connect(m_table, &QWidget::customContextMenuRequested, this,
            &LabelCandidatesPanel::showContextMenu);
    // After the model's own runChanged handler (connected in its constructor).
    connect(m_session, &ExplorerSession::runChanged, this, &LabelCandidatesPanel::onRunChanged);
    connect(m_session, &ExplorerSession::currentChanged, this,
            &LabelCandidatesPanel::onSessionCurrentChanged);
    onRunChanged();
    m_context->follow(this, [this] { followContext(); });
    setState(State::NoRun);
    followContext();
}

void LabelCandidatesPanel::setRunDir(const QString& runDir)
{
    if (runDir == m_runDir)
        return;
    // Marks made while the run had no folder belong to this run: keep them.
    const bool merge = m_runDir.isEmpty() && m_unsavedMarks;
    m_runDir = runDir;
    loadMarks(merge);
}

void LabelCandidatesPanel::onRunChanged()
{
    m_rankingError.clear();
    m_unsavedMarks = false;
    loadMarks(false);
}

void LabelCandidatesPanel::loadMarks(bool mergeUnsaved)
{
    const why::LabelMarks unsaved = mergeUnsaved ? m_model->marks() : why::LabelMarks{};
    m_marksFileUnreadable = false;
    m_marksError.clear();
    m_errorBanner->hide();
    why::LabelMarks marks;
    if (!m_runDir.isEmpty() && m_session->hasRun()) {
        try {
            marks = why::loadLabelMarks(QDir::toNativeSeparators(m_runDir).toStdString());
        } catch (const std::exception& e) {
            m_marksFileUnreadable = true;
            showMarksError(tr("The marks of this run could not be read: %1\nMarks you make now "
                              "are kept in memory but not saved, so that file is not "
                              "overwritten. Repair or move it and reopen the run, or replace it "
                              "with the marks made here.")
                               .arg(QString::fromStdString(e.what())),
                           tr("Replace file"));
        }
    }
    for (const auto& [key, mark] : unsaved.all())
        marks.set(static_cast<analysis::Subset>(key.first), key.second, mark);
    m_model->setMarks(std::move(marks));
    m_unsavedMarks = false;
    if (!unsaved.empty())
        saveMarks(); // the marks made before the run had a folder
    updateStatus();
    Q_EMIT marksChanged();
}

void LabelCandidatesPanel::saveMarks(bool replaceUnreadable)
{
    if (m_runDir.isEmpty()) {
        m_unsavedMarks = !m_model->marks().empty();
        return;
    }
    if (m_marksFileUnreadable && !replaceUnreadable) {
        m_unsavedMarks = true;
        return; // the banner already says why
    }
    try {
        why::saveLabelMarks(m_model->marks(), QDir::toNativeSeparators(m_runDir).toStdString());
        m_unsavedMarks = false;
        m_marksFileUnreadable = false;
        m_marksError.clear();
        m_errorBanner->hide();
    } catch (const std::exception& e) {
        m_unsavedMarks = true;
        showMarksError(tr("The marks could not be saved: %1\nThey are kept in memory; Retry, or "
                          "export them with “Export Marks…”.")
                           .arg(QString::fromStdString(e.what())),
                       tr("Retry"));
    }
}

void LabelCandidatesPanel::showMarksError(const QString& message, const QString& buttonText)
{
    m_marksError = message;
    m_errorText->setText(message);
    m_errorButton->setText(buttonText);
    m_errorBanner->show();
    Q_EMIT marksError(message);
}

void LabelCandidatesPanel::followContext()
{
    using Status = WhyContext::Status;
    State state = State::Ranking;
    switch (m_context->status(WhyContext::Step::Candidates)) {
    case Status::NoRun:
        state = State::NoRun;
        break;
    case Status::Pending:
        state = m_context->index() ? State::Ranking : State::WaitingForIndex;
        break;
    case Status::Running:
        break;
    case Status::Ready:
        state = State::Ready;
        break;
    case Status::Failed:
        state = State::Failed;
        break;
    }
    const auto candidates = state == State::Ready ? m_context->candidates() : nullptr;
    const bool shown =
        candidates ? &m_model->candidates() == candidates.get() : m_model->rowCount() == 0;
    if (state == m_state && shown)
        return; // the context moved on elsewhere
    if (!shown)
        m_model->setCandidates(candidates, m_context->labelErrorConfig().neighbours);
    m_rankingError = m_context->errorText(WhyContext::Step::Candidates);
    if (state == State::Ready)
        m_table->resizeColumnsToContents();
    setState(state);
    if (state == State::Ready) {
        onSessionCurrentChanged(m_session->current());
        Q_EMIT candidatesReady(static_cast<int>(candidates->size()));
    } else if (state == State::Failed) {
        Q_EMIT rankingFailed(m_rankingError);
    }
}

void LabelCandidatesPanel::setState(State state)
{
    m_state = state;
    switch (state) {
    case State::NoRun:
        m_stack->setHintText(tr("No run loaded.\n\nOpen or train a run to list the samples whose "
                                "label is probably wrong."));
        break;
    case State::WaitingForIndex:
        m_stack->setHintText(
            tr("Waiting for the neighbour index…\n\nThe candidates are ranked from "
               "the model's confidence and the labels of each sample's neighbours "
               "in feature space."));
        break;
    case State::Ranking:
        m_stack->setHintText(tr("Ranking label candidates…"));
        break;
    case State::Failed:
        m_stack->setHintText(tr("The candidates could not be ranked:\n%1").arg(m_rankingError));
        break;
    case State::Ready:
        if (m_session->hasRun() && !m_session->scored())
            m_stack->setHintText(ExplorerSession::noScoresReason() +
                                 tr("\n\nThe candidates are ranked from the model's confidence "
                                    "in each label, so there are none."));
        else
            m_stack->setHintText(
                tr("No label candidates: no sample is below its class's confidence "
                   "threshold with a score of at least %1.")
                    .arg(m_context->labelErrorConfig().minScore));
        break;
    }
    const bool table = state == State::Ready && m_model->rowCount() > 0;
    m_stack->setContentShown(table);
    updateStatus();
}

QString LabelCandidatesPanel::statusText() const
{
    return m_status->fullText();
}

void LabelCandidatesPanel::updateStatus()
{
    const QLocale locale;
    QString status;
    switch (m_state) {
    case State::NoRun:
        status = tr("No run");
        break;
    case State::WaitingForIndex:
        status = tr("Waiting for the neighbour index…");
        break;
    case State::Ranking:
        status = tr("Ranking…");
        break;
    case State::Failed:
        status = tr("Ranking failed");
        break;
    case State::Ready:
        status = tr("%1 label candidates").arg(locale.toString(m_model->rowCount()));
        break;
    }
    m_status->setFullText(status);
    const why::LabelMarks& marks = m_model->marks();
    int mislabeled = 0;
    for (const auto& entry : marks.all())
        mislabeled += entry.second == why::LabelMark::ConfirmedMislabeled ? 1 : 0;
    QString count = m_state == State::Ready ? tr("%1 of %2 shown")
                                                  .arg(locale.toString(m_proxy->rowCount()),
                                                       locale.toString(m_model->rowCount()))
                                            : QString();
    if (!marks.empty()) {
        if (!count.isEmpty())
            count += QStringLiteral(" · ");
        count += tr("%1 marked (%2 mislabeled)").arg(marks.size()).arg(mislabeled);
        if (m_unsavedMarks)
            count +=
                m_runDir.isEmpty() ? tr(", in memory until the run is saved") : tr(", not saved");
    }
    m_count->setFullText(count);
    updateActions();
}

void LabelCandidatesPanel::updateActions()
{
    m_markActions.update();
    m_exportActions.update();
}

void LabelCandidatesPanel::setMark(int id, std::optional<why::LabelMark> mark)
{
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount())
        return;
    m_model->setMark(m_session->subsetOf(id), m_session->indexInSubset(id), mark);
    saveMarks();
    updateStatus();
    Q_EMIT marksChanged();
}

void LabelCandidatesPanel::markSelected(std::optional<why::LabelMark> mark)
{
    const QVector<int> ids = selectedIds();
    if (ids.isEmpty() || !m_session->hasRun())
        return;
    for (int id : ids)
        m_model->setMark(m_session->subsetOf(id), m_session->indexInSubset(id), mark);
    saveMarks();
    updateStatus();
    Q_EMIT marksChanged();
}

bool LabelCandidatesPanel::exportCandidatesCsv(const QString& path, QString* error) const
{
    std::vector<why::LabelCandidate> rows;
    rows.reserve(static_cast<std::size_t>(m_proxy->rowCount()));
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        rows.push_back(m_model->candidate(m_proxy->sourceRowAt(row)));
    try {
        why::writeLabelCandidatesCsv(rows, QDir::toNativeSeparators(path).toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

bool LabelCandidatesPanel::exportMarksCsv(const QString& path, QString* error) const
{
    if (!m_session->hasRun()) {
        if (error)
            *error = tr("No run loaded");
        return false;
    }
    try {
        why::writeLabelMarksCsv(m_model->marks(), m_session->run(),
                                QDir::toNativeSeparators(path).toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void LabelCandidatesPanel::exportCsvInteractively(const QString& baseName, const QString& title,
                                                  CsvWriter write)
{
    const QString path = askCsvPath(this, baseName);
    if (path.isEmpty())
        return;
    QString error;
    if (!(this->*write)(path, &error))
        QMessageBox::warning(this, title, error);
    else
        notifyExported(this, path);
}

void LabelCandidatesPanel::exportCandidatesInteractively()
{
    exportCsvInteractively(QStringLiteral("label_candidates"), tr("Export Candidates"),
                           &LabelCandidatesPanel::exportCandidatesCsv);
}

void LabelCandidatesPanel::exportMarksInteractively()
{
    exportCsvInteractively(QStringLiteral("label_marks"), tr("Export Marks"),
                           &LabelCandidatesPanel::exportMarksCsv);
}

QVector<int> LabelCandidatesPanel::shownIds() const
{
    return rowIds(m_proxy->rowCount(), [this](int row) { return m_proxy->idAt(row); });
}

QVector<int> LabelCandidatesPanel::selectedIds() const
{
    return selectedRowIds(*m_table, [this](int row) { return m_proxy->idAt(row); });
}

void LabelCandidatesPanel::onTableCurrentChanged()
{
    syncOnce(m_syncing, [this] {
        const QModelIndex current = m_table->selectionModel()->currentIndex();
        if (current.isValid() && m_table->selectionModel()->isRowSelected(current.row(), {}))
            m_session->setCurrent(m_proxy->idAt(current.row()));
    });
}

void LabelCandidatesPanel::onSessionCurrentChanged(int id)
{
    // A sample that is not listed keeps the user's rows.
    syncOnce(m_syncing, [&] {
        followCurrentRow(*m_table, proxyIndexOf(*m_model, *m_proxy, id), MissingRow::KeepSelection);
    });
}

void LabelCandidatesPanel::showContextMenu(const QPoint& position)
{
    // popup(), not exec(): no nested event loop.
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addActions(m_markActions.all());
    menu->addSeparator();
    menu->addActions(m_exportActions.all());
    menu->popup(m_table->viewport()->mapToGlobal(position));
}

} // namespace mnistx::ui
