#include "ui/main_window.h"

#include "core/projection/projector_factory.h"
#include "core/store/run_library.h"
#include "core/store/run_store.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/charts/training_dashboard.h"
#include "ui/common/class_box.h"
#include "ui/common/folder_path.h"
#include "ui/dialogs/class_picker_dialog.h"
#include "ui/explorer_session.h"
#include "ui/export/exporter.h"
#include "ui/gallery/selection_gallery.h"
#include "ui/inspector/error_inspector.h"
#include "ui/map/population_map.h"
#include "ui/map/query_box.h"
#include "ui/recent_runs_menu.h"
#include "ui/runs/runs_panel.h"
#include "ui/runs/saved_selections_panel.h"
#include "ui/tables/misclassified_view.h"
#include "ui/why/confusion_change_view.h"
#include "ui/why/metadata_dashboard.h"
#include "ui/why/why_panels.h"
#include "ui/workers/run_controller.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalBlocker>
#include <QStatusBar>

namespace mnistx::ui
{

MainWindow::MainWindow(const pipeline::CommandLine& commandLine, QWidget* parent)
    : QMainWindow(parent), m_commandLine(commandLine), m_config(commandLine.pipeline)
{
    setWindowTitle(tr("MNIST Explorer"));
    setDockNestingEnabled(true);
    setAcceptDrops(true); // a run or dataset folder dropped on the window opens it
    // Room for the map and two dock columns, but never more than the screen
    // has (a smaller one would cut the toolbar and the docks off).
    QSize size(1440, 900);
    if (const QScreen* s = screen())
        size = size.boundedTo(s->availableGeometry().size());
    resize(size);
    m_session = new ExplorerSession(this);
    m_controller = new RunController(this);
    createWidgets();
    createActions();
    createMenus();
    createToolBars();
    connectWorker();
    m_balanceTimer.setSingleShot(true);
    m_balanceTimer.setInterval(0);
    connect(&m_balanceTimer, &QTimer::timeout, this, &MainWindow::keepMapLargest);
    readSettings();
    updateActions();
    updateRunLabel();
}

MainWindow::~MainWindow() = default;

void MainWindow::createWidgets()
{
    m_map = new PopulationMap(m_session, this);
    m_map->setToolTip(QString()); // the map shows its own per-dot tooltips
    setCentralWidget(m_map);

    m_inspector = new ErrorInspector(m_session, this);
    m_inspectorDock = addDock(m_inspector, tr("Error Inspector"), QStringLiteral("inspector"),
                              Qt::RightDockWidgetArea);
    m_misclassified = new MisclassifiedView(m_session, this);
    m_misclassifiedDock = addDock(m_misclassified, tr("Misclassified Samples"),
                                  QStringLiteral("misclassified"), Qt::LeftDockWidgetArea);
    m_gallery = new SelectionGallery(m_session, this);
    m_galleryDock =
        addDock(m_gallery, tr("Selection"), QStringLiteral("gallery"), Qt::LeftDockWidgetArea);
    m_dashboard = new TrainingDashboard(this);
    m_dashboardDock =
        addDock(m_dashboard, tr("Training"), QStringLiteral("training"), Qt::BottomDockWidgetArea);
    m_runs = new RunsPanel(this);
    m_runs->setFolder(QString::fromStdString(runsFolder()));
    m_runsDock = addDock(m_runs, tr("Runs"), QStringLiteral("runs"), Qt::LeftDockWidgetArea);
    connect(m_runs, &RunsPanel::openRequested, this, [this](const QString& dir) {
        if (absoluteFolder(dir) != absoluteFolder(m_runDir))
            openRun(dir);
    });
    connect(m_runs, &RunsPanel::runRenamed, this, &MainWindow::onRunRenamed);
    connect(m_runs, &RunsPanel::compareRequested, this, &MainWindow::compareWith);
    m_saved = new SavedSelectionsPanel(m_session, this);
    m_savedDock =
        addDock(m_saved, tr("Saved"), QStringLiteral("savedSelections"), Qt::LeftDockWidgetArea);
    connect(m_saved, &SavedSelectionsPanel::colourRequested, this,
            &MainWindow::colourBySavedSelections);
    connect(m_saved, &SavedSelectionsPanel::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusMessageMs); });
    m_lossChart = new LossDistanceChart(m_session, this);
    m_lossDock = addDock(m_lossChart, tr("Loss vs Distance"), QStringLiteral("lossDistance"),
                         Qt::BottomDockWidgetArea);
    m_confusionChange = new ConfusionChangeView(m_session, this);
    m_confusionChangeDock = addDock(m_confusionChange, tr("Confusion Change"),
                                    QStringLiteral("confusionChange"), Qt::BottomDockWidgetArea);
    // The inspector runs the full height (its image, bars and verdict need
    // it); the charts run under the map and the lists, whose long columns
    // would otherwise take more of the window than the map.
    setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);

    // Why the model got it wrong: per-sample views beside the inspector,
    // ranked lists beside the misclassified table, whole-set charts beside
    // the loss chart (arrangeDocks places them).
    m_why = new WhyPanels(this, m_session, m_map);
    for (QDockWidget* d : m_why->docks())
        addDockWidget(Qt::BottomDockWidgetArea, d);
    arrangeDocks(width() < kCompactBelowWidth);
    // A dock the user moves makes the layout theirs: it is no longer
    // rearranged when the window changes size.
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        connect(d, &QDockWidget::dockLocationChanged, this, [this] {
            if (!m_arranging)
                m_layoutIsDefault = false;
        });
        connect(d, &QDockWidget::topLevelChanged, this, [this] {
            if (!m_arranging)
                m_layoutIsDefault = false;
        });
    }
    connect(m_why, &WhyPanels::pairFilterRequested, m_map, &PopulationMap::setPairFilter);
    applyDefaultDockSizes();

    // Every view exports itself from its context menu too.
    addExportActions(
        m_map, [this](QPainter* p, const QRectF& r) { m_map->render(p, r); },
        QStringLiteral("population_map"), {},
        [this](QSize size, qreal scale) { return m_map->renderImage(size, scale); });
    addExportActions(
        m_inspector, [this](QPainter* p, const QRectF& r) { m_inspector->render(p, r); },
        QStringLiteral("inspector"), {},
        [this](QSize size, qreal scale) { return m_inspector->renderImage(size, scale); });
    addExportActions(
        m_lossChart, [this](QPainter* p, const QRectF& r) { m_lossChart->render(p, r); },
        QStringLiteral("loss_vs_distance"));
    addExportActions(
        m_dashboard, [this](QPainter* p, const QRectF& r) { m_dashboard->renderCharts(p, r); },
        QStringLiteral("training_curves"), [] { return QSizeF(900, 420); });

    m_stageLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_runLabel = new QLabel(this);
    m_runLabel->setContentsMargins(12, 0, 0, 0); // apart from a long message it clips
    m_runLabel->setToolTip(tr("The run being explored: accuracy and the quality of its map"));
    statusBar()->addWidget(m_stageLabel);
    statusBar()->addWidget(m_progress);
    statusBar()->addPermanentWidget(m_runLabel);

    connect(m_session, &ExplorerSession::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_session, &ExplorerSession::runChanged, this, &MainWindow::updateActions);
    // A comparison belongs to the run it was made for.
    connect(m_session, &ExplorerSession::runChanged, this, &MainWindow::forgetComparison);
    // So does the colouring by saved selections (read again for the new run).
    connect(m_session, &ExplorerSession::runChanged, this,
            [this] { dropColorEntry(kSavedSelectionsColoring); });
    // The map's class filters list the run's classes by name.
    connect(m_session, &ExplorerSession::runChanged, this, [this] {
        fillClassBox(m_pairGroundTruth, *m_session);
        fillClassBox(m_pairPrediction, *m_session);
        syncScoredControls();
        reapplyQuery();
        syncFilterControls();
    });
    connect(m_session, &ExplorerSession::selectionChanged, this, [this] {
        updateActions();
        const QVector<int>& selection = m_session->selection();
        if (selection.isEmpty())
            return;
        // A new selection from the map or a chart: show it in the gallery,
        // and on the map (filters that hide part of it are lifted, the view
        // frames it).
        if (!m_misclassified->isAncestorOf(focusWidget()))
            m_galleryDock->raise();
        reportClearedFilters(tr("the selection on the map"), m_map->revealSamples(selection));
    });
    connect(m_dashboard, &TrainingDashboard::cancelRequested, m_controller, &RunController::cancel);
}

void MainWindow::connectWorker()
{
    PipelineWorker* w = m_controller->worker();
    connect(w, &PipelineWorker::batches, m_dashboard, &TrainingDashboard::addBatches);
    connect(w, &PipelineWorker::epoch, m_dashboard, &TrainingDashboard::addEpoch);
    connect(w, &PipelineWorker::sanityChecked, m_dashboard, &TrainingDashboard::setSanityCheck);
    connect(w, &PipelineWorker::stageChanged, this, &MainWindow::onStage);
    connect(w, &PipelineWorker::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusMessageMs); });
    connect(w, &PipelineWorker::analysed, this, &MainWindow::onAnalysed);
    connect(w, &PipelineWorker::layout, m_session, &ExplorerSession::setMapLayout);
    connect(w, &PipelineWorker::finished, this, &MainWindow::onFinished);
    connect(w, &PipelineWorker::failed, this, &MainWindow::onFailed);
    connect(w, &PipelineWorker::cancelled, this, &MainWindow::onCancelled);
    connect(w, &PipelineWorker::dataMismatch, this, &MainWindow::onDataMismatch);
    connect(w, &PipelineWorker::saved, this, [this](const QString& dir) {
        m_job = Job::None;
        // The label marks and saved selections travel with the run (the
        // store copies only its own files); the target folder's own are not
        // overwritten.
        if (!m_runDir.isEmpty() && absoluteFolder(dir) != absoluteFolder(m_runDir)) {
            try {
                store::copyRunKeepsakes(m_runDir.toStdString(), dir.toStdString());
            } catch (const std::exception& e) {
                QMessageBox::warning(this, tr("Save Run As"),
                                     tr("The run was stored, but not what was kept with it: %1")
                                         .arg(QString::fromUtf8(e.what())));
            }
        }
        setRunFolder(dir);
        m_progress->hide();
        m_stageLabel->clear();
        statusBar()->showMessage(tr("Run saved to %1").arg(QDir::toNativeSeparators(dir)),
                                 kStatusMessageMs);
        updateActions();
    });
    connect(m_controller, &RunController::busyChanged, this, &MainWindow::updateActions);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    writeSettings();
    // The controller's destructor cancels the job and joins the worker: the
    // pipeline checks the flag every batch / few iterations, so this is quick.
    m_controller->cancel();
    event->accept();
}

bool MainWindow::findSample(const QString& text)
{
    if (!m_session->hasRun())
        return false;
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(t|train|v|val|validation)?\\s*#?\\s*(\\d+)\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    const bool validation = match.captured(1).startsWith(QLatin1Char('v'), Qt::CaseInsensitive);
    bool ok = false;
    const int index = match.captured(2).toInt(&ok);
    const int count = validation ? m_session->validationCount() : m_session->trainCount();
    if (!ok || index < 0 || index >= count)
        return false;
    const int id =
        m_session->idOf(validation ? analysis::Subset::Validation : analysis::Subset::Train, index);
    // Found means seen: filters that hide it are lifted, or the map would
    // centre on a marker among nothing.
    const QStringList cleared = m_map->revealSamples({id});
    m_session->setCurrent(id);
    m_map->centerOn(id);
    reportClearedFilters(m_session->describe(id), cleared);
    return true;
}

void MainWindow::onCurrentChanged(int id)
{
    if (id < 0)
        return;
    // Keep the current sample in view when it was chosen outside the map.
    const QPointF p = m_map->mapToScreen(id);
    if (!m_map->rect().adjusted(20, 20, -20, -20).contains(p.toPoint()))
        m_map->centerOn(id);
    if (!m_inspectorDock->isVisible())
        m_inspectorDock->show();
}

void MainWindow::updateActions()
{
    const bool busy = m_controller->busy();
    const bool haveRun = m_session->hasRun();
    m_cancelAction->setEnabled(busy);
    m_openDataAction->setEnabled(!busy);
    m_openRunAction->setEnabled(!busy);
    m_recentMenu->setEnabled(!busy);
    m_openModelAction->setEnabled(!busy);
    m_openEmbeddingsAction->setEnabled(!busy);
    m_trainAction->setEnabled(!busy);
    m_saveRunAction->setEnabled(!busy && haveRun && m_job == Job::None);
    m_reprojectAction->setEnabled(!busy && haveRun);
    // A run without model scores has nothing to compare or plot against its loss.
    const bool scored = haveRun && m_session->scored();
    m_compareAction->setEnabled(!busy && scored && !m_pendingComparison);
    m_colorClassesAction->setEnabled(haveRun);
    for (QAction* a : {m_exportMapAction, m_exportInspectorAction, m_exportAllAction,
                       m_exportReportAction, m_exportCsvAction})
        a->setEnabled(haveRun);
    m_exportLossAction->setEnabled(scored);
    m_exportSelectionAction->setEnabled(haveRun && !m_session->selection().isEmpty());
    m_exportTrainingAction->setEnabled(m_dashboard->batchCount() > 0 ||
                                       m_dashboard->epochCount() > 0);
}

void MainWindow::updateRunLabel()
{
    if (!m_session->hasRun()) {
        m_runLabel->setText(tr("No run"));
        return;
    }
    const store::RunData& r = m_session->run();
    QString text;
    QString tip;
    if (r.datasetFormat == "embeddings") {
        text = tr("Embeddings %1 · ").arg(QDir(QString::fromStdString(r.dataFolder)).dirName());
        tip = tr("Features computed elsewhere (%1): no model runs here; distances to class "
                 "centroids in %2.")
                  .arg(QDir::toNativeSeparators(QString::fromStdString(r.dataFolder)),
                       QString::fromLatin1(r.centroidSpace()));
    }
    if (!r.importedModel.empty()) {
        const QString file = QString::fromStdString(r.importedModel);
        text = tr("TorchScript %1 · ").arg(QFileInfo(file).fileName());
        tip = tr("Imported model %1: evaluated, not trained here.")
                  .arg(QDir::toNativeSeparators(file));
        if (r.featuresAreLogits) {
            text += tr("features = logits · ");
            tip += QLatin1Char(' ') + tr("It returns logits only: the map, similar samples and "
                                         "label candidates use its %1 logits as features.")
                                          .arg(r.train.classCount);
        }
    }
    if (!r.train.scored) {
        text += tr("no model scores · ");
        tip += QLatin1Char(' ') + ExplorerSession::noScoresReason();
    }
    m_runLabel->setToolTip(tip);
    if (r.train.scored)
        text += tr("Validation accuracy %1 · train %2 · ")
                    .arg(r.validation.accuracy, 0, 'f', 4)
                    .arg(r.train.accuracy, 0, 'f', 4);
    text += tr("%1 + %2 samples").arg(r.train.sampleCount()).arg(r.validation.sampleCount());
    if (r.projection.knnAccuracy >= 0)
        text += tr(" · %1 map: 10-NN %2, trust %3")
                    .arg(QString::fromStdString(projection::projectorTitle(r.projection.method)))
                    .arg(r.projection.knnAccuracy, 0, 'f', 3)
                    .arg(r.projection.trustworthiness, 0, 'f', 3);
    m_runLabel->setText(text);
}

void MainWindow::applyColoring()
{
    const int data = m_colorBox->currentData().toInt();
    if (data == kComparisonColoring) {
        m_why->colorMapBy(std::nullopt);
        applyComparisonColoring();
        return;
    }
    if (data == kLossChangeColoring) {
        m_why->colorMapBy(std::nullopt);
        applyLossChangeColoring();
        return;
    }
    if (data == kSavedSelectionsColoring) {
        m_why->colorMapBy(std::nullopt);
        applySavedSelectionsColoring();
        return;
    }
    if (data >= kMetadataColoring) {
        const auto field = static_cast<why::MetadataField>(data - kMetadataColoring);
        if (!m_why->colorMapBy(field))
            statusBar()->showMessage(tr("The map cannot be coloured by %1 for this run")
                                         .arg(m_why->metadata()->fieldTitle(field)),
                                     kStatusMessageMs);
        return;
    }
    m_why->colorMapBy(std::nullopt);
    const auto wanted = static_cast<PopulationMap::ColorBy>(data);
    m_map->setColorBy(wanted);
    if (m_map->colorBy() != wanted) { // a colouring by predictions, without scores
        statusBar()->showMessage(ExplorerSession::noScoresReason(), kStatusMessageMs);
        const QSignalBlocker block(m_colorBox);
        m_colorBox->setCurrentIndex(m_colorBox->findData(static_cast<int>(m_map->colorBy())));
    }
}

void MainWindow::chooseColoredClasses()
{
    if (!m_session->hasRun())
        return;
    QStringList names;
    for (int c = 0; c < m_session->classCount(); ++c)
        names << m_session->className(c);
    ClassPickerDialog dialog(names, m_map->coloredClasses(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_map->setColoredClasses(dialog.chosenClasses());
    // The chosen classes show in the class colourings: switch to one.
    const auto by = m_map->colorBy();
    if (by != PopulationMap::ColorBy::GroundTruth && by != PopulationMap::ColorBy::Prediction)
        m_colorBox->setCurrentIndex(
            m_colorBox->findData(static_cast<int>(PopulationMap::ColorBy::GroundTruth)));
}

void MainWindow::reportClearedFilters(const QString& shown, const QStringList& cleared)
{
    if (!cleared.isEmpty())
        statusBar()->showMessage(tr("Showing %1: cleared the filter “%2”")
                                     .arg(shown, cleared.join(QStringLiteral("”, “"))),
                                 kStatusMessageMs);
}

void MainWindow::syncFilterControls()
{
    // The map's filters may change from a view (a confusion cell, a
    // selection that needed them lifted): the controls show what is in force.
    // Combo signals are blocked (setting one box would filter by a half-set
    // pair); the action is not (its buttons follow its signals, and the map
    // ignores a filter it already has).
    showSubsetFilter(m_subsetBox, m_map->subsetFilter());
    const QSignalBlocker blockGt(m_pairGroundTruth), blockPrediction(m_pairPrediction);
    m_pairGroundTruth->setCurrentIndex(m_pairGroundTruth->findData(m_map->pairFilterGroundTruth()));
    m_pairPrediction->setCurrentIndex(m_pairPrediction->findData(m_map->pairFilterPrediction()));
    m_misclassifiedOnlyAction->setChecked(m_map->misclassifiedOnly());
    m_clearFiltersAction->setEnabled(m_map->hasFilters());
    // The query in force, lifted by Clear Filters or a selection it hid,
    // or dropped with a run; a wrong text being fixed in the box stays.
    if (!m_queryBox->hasError() && m_queryBox->appliedText() != m_map->queryText())
        m_queryBox->setAppliedText(m_map->queryText());
    m_misclassified->setQueryFilter(m_map->queryText(), m_map->filterState().queryMatches());
}

void MainWindow::applyPairFilter()
{
    m_map->setPairFilter(m_pairGroundTruth->currentData().toInt(),
                         m_pairPrediction->currentData().toInt());
}

} // namespace mnistx::ui
