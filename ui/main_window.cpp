#include "ui/main_window.h"

#include "core/data/idx_reader.h"
#include "core/pipeline/pipeline.h"
#include "core/projection/projector_factory.h"
#include "core/store/run_store.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/charts/training_dashboard.h"
#include "ui/dialogs/projection_dialog.h"
#include "ui/dialogs/train_dialog.h"
#include "ui/common/dock_panel.h"
#include "ui/explorer_session.h"
#include "ui/export/export_notice.h"
#include "ui/export/exporter.h"
#include "ui/export/headless_plots.h"
#include "ui/gallery/selection_gallery.h"
#include "ui/inspector/error_inspector.h"
#include "ui/map/population_map.h"
#include "ui/tables/misclassified_view.h"
#include "core/why/label_errors.h"
#include "ui/why/confusion_matrix_view.h"
#include "ui/why/heat_map_panel.h"
#include "ui/why/metadata_dashboard.h"
#include "ui/why/similar_samples_panel.h"
#include "ui/why/why_panels.h"
#include "ui/workers/run_controller.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalBlocker>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QToolBar>

#include <filesystem>

namespace mnistx::ui {

namespace {

// Status-bar messages that report a finished job stay this long.
constexpr int kStatusMessageMs = 8000;
// Below this window width a column of lists left of the map and the
// inspector right of it would leave the map a strip (1024 px: ~280 px).
constexpr int kCompactBelowWidth = 1300;
constexpr int kCompactHysteresis = 60;
// The map is the centre of the tool: docks never take more of the window
// than leaves it these shares of the width and of the height under the bars.
constexpr double kMapWidthShare = 0.4;
constexpr double kMapHeightShare = 0.5;
// The inspector's natural width (its bar charts and 224 px digit), and the
// narrowest a side dock is squeezed to when the window shrinks.
constexpr int kInspectorWidth = 380;
constexpr int kMinSideDockWidth = 220;
constexpr int kMinBottomDockHeight = 180;
// The charts below the map: tall enough for axes and a legend, short enough
// that the map stays the largest view (1000 px: 300 px of charts).
constexpr double kBottomDockShare = 0.3;
// Colour combo data at and above this: a metadata field (data − this).
constexpr int kMetadataColoring = 100;

QString stageTitle(const QString& stage)
{
    static const std::pair<const char*, const char*> titles[] = {
        {"load", QT_TRANSLATE_NOOP("MainWindow", "Loading images")},
        {"sanity", QT_TRANSLATE_NOOP("MainWindow", "Sanity check")},
        {"train", QT_TRANSLATE_NOOP("MainWindow", "Training")},
        {"analyse", QT_TRANSLATE_NOOP("MainWindow", "Analysing both subsets")},
        {"project", QT_TRANSLATE_NOOP("MainWindow", "Projecting the features")},
        {"quality", QT_TRANSLATE_NOOP("MainWindow", "Scoring the map")},
        {"store", QT_TRANSLATE_NOOP("MainWindow", "Saving the run")},
        {"open", QT_TRANSLATE_NOOP("MainWindow", "Opening the run")},
    };
    for (const auto& [key, title] : titles)
        if (stage == QLatin1String(key))
            return QCoreApplication::translate("MainWindow", title);
    return stage;
}

} // namespace

MainWindow::MainWindow(const pipeline::CommandLine& commandLine, QWidget* parent)
    : QMainWindow(parent), m_commandLine(commandLine), m_config(commandLine.pipeline)
{
    setWindowTitle(tr("MNIST Explorer"));
    setDockNestingEnabled(true);
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

QDockWidget* MainWindow::addDock(QWidget* widget, const QString& title, const QString& objectName,
                                 Qt::DockWidgetArea area)
{
    QDockWidget* dock = makeDockPanel(this, widget, title, objectName);
    addDockWidget(area, dock);
    return dock;
}

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
    m_galleryDock = addDock(m_gallery, tr("Selection"), QStringLiteral("gallery"), Qt::LeftDockWidgetArea);
    m_dashboard = new TrainingDashboard(this);
    m_dashboardDock = addDock(m_dashboard, tr("Training"), QStringLiteral("training"),
                              Qt::BottomDockWidgetArea);
    m_lossChart = new LossDistanceChart(m_session, this);
    m_lossDock = addDock(m_lossChart, tr("Loss vs Distance"), QStringLiteral("lossDistance"),
                         Qt::BottomDockWidgetArea);
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
    addExportActions(m_lossChart, [this](QPainter* p, const QRectF& r) { m_lossChart->render(p, r); },
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
    m_runLabel->setToolTip(tr("The run being explored: accuracy and the quality of its map"));
    statusBar()->addWidget(m_stageLabel);
    statusBar()->addWidget(m_progress);
    statusBar()->addPermanentWidget(m_runLabel);

    connect(m_session, &ExplorerSession::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_session, &ExplorerSession::runChanged, this, &MainWindow::updateActions);
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

void MainWindow::createActions()
{
    m_openDataAction = new QAction(QIcon::fromTheme(QStringLiteral("folder-open")),
                                   tr("Open &Data Folder…"), this);
    m_openDataAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openDataAction->setStatusTip(tr("Train and analyse a model on a folder of MNIST IDX files"));
    connect(m_openDataAction, &QAction::triggered, this, [this] { chooseDataFolder(); });

    m_openRunAction = new QAction(QIcon::fromTheme(QStringLiteral("document-open")),
                                  tr("&Open Run…"), this);
    m_openRunAction->setShortcut(QKeySequence::Open);
    m_openRunAction->setStatusTip(tr("Open a stored run (a folder with run.bin)"));
    connect(m_openRunAction, &QAction::triggered, this, &MainWindow::chooseRun);

    m_saveRunAction = new QAction(QIcon::fromTheme(QStringLiteral("document-save-as")),
                                  tr("&Save Run As…"), this);
    m_saveRunAction->setShortcut(QKeySequence::Save);
    m_saveRunAction->setStatusTip(tr("Store the run in another folder"));
    connect(m_saveRunAction, &QAction::triggered, this, &MainWindow::saveRunAs);

    auto exportAction = [this](const QString& text, const QString& tip, auto slot) {
        auto* a = new QAction(text, this);
        a->setStatusTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    m_exportMapAction = exportAction(tr("Export &Map…"), tr("Save the population map as PNG, SVG or PDF"), [this] {
        exportInteractively(
            this, [this](QPainter* p, const QRectF& r) { m_map->render(p, r); }, QSizeF(m_map->size()),
            QStringLiteral("population_map.png"), ExportFormat::Png,
            [this](QSize s, qreal scale) { return m_map->renderImage(s, scale); });
    });
    m_exportMapAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportMapAction->setIcon(QIcon::fromTheme(QStringLiteral("document-export")));
    m_exportInspectorAction = exportAction(tr("Export &Inspector…"), tr("Save the error inspector as an image"), [this] {
        exportInteractively(
            this, [this](QPainter* p, const QRectF& r) { m_inspector->render(p, r); },
            QSizeF(m_inspector->size()), QStringLiteral("inspector.png"), ExportFormat::Png,
            [this](QSize s, qreal scale) { return m_inspector->renderImage(s, scale); });
    });
    m_exportLossAction = exportAction(tr("Export &Loss vs Distance…"), tr("Save the loss-vs-distance chart"), [this] {
        exportInteractively(
            this, [this](QPainter* p, const QRectF& r) { m_lossChart->render(p, r); },
            QSizeF(m_lossChart->size()), QStringLiteral("loss_vs_distance.png"));
    });
    m_exportTrainingAction = exportAction(tr("Export &Training Curves…"), tr("Save the loss and accuracy curves"), [this] {
        exportInteractively(
            this, [this](QPainter* p, const QRectF& r) { m_dashboard->renderCharts(p, r); },
            QSizeF(900, 420), QStringLiteral("training_curves.png"));
    });
    m_exportAllAction = exportAction(tr("Export &All Plots to Folder…"),
                                     tr("Write every plot as PNG and SVG into a folder"),
                                     &MainWindow::exportAllPlots);
    m_exportAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportCsvAction = exportAction(tr("Export Samples as &CSV…"),
                                     tr("Write one row per sample: labels, losses, probabilities, distances"),
                                     &MainWindow::exportSamplesCsv);
    m_exportSelectionAction = exportAction(tr("Export S&election as CSV…"),
                                           tr("Write the selected samples as CSV"),
                                           &MainWindow::exportSelectionCsv);

    m_trainAction = new QAction(QIcon::fromTheme(QStringLiteral("system-run")), tr("&Train New Model…"), this);
    m_trainAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_trainAction->setStatusTip(tr("Train again with other settings (epochs, seed, batch size)"));
    connect(m_trainAction, &QAction::triggered, this, &MainWindow::showTrainDialog);

    m_cancelAction = new QAction(QIcon::fromTheme(QStringLiteral("process-stop")), tr("&Cancel"), this);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setStatusTip(tr("Stop the running job within one batch; nothing stored is lost"));
    connect(m_cancelAction, &QAction::triggered, m_controller, &RunController::cancel);

    m_reprojectAction = new QAction(tr("Recompute &Map…"), this);
    m_reprojectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reprojectAction->setStatusTip(tr("Project the features again with UMAP, t-SNE or PCA"));
    connect(m_reprojectAction, &QAction::triggered, this, &MainWindow::showProjectionDialog);

    m_resetViewAction = new QAction(QIcon::fromTheme(QStringLiteral("zoom-fit-best")), tr("&Reset Map View"), this);
    m_resetViewAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_resetViewAction->setStatusTip(tr("Fit all dots into the map (Home in the map)"));
    connect(m_resetViewAction, &QAction::triggered, m_map, &PopulationMap::resetView);

    m_misclassifiedOnlyAction = new QAction(tr("&Misclassified Only"), this);
    m_misclassifiedOnlyAction->setCheckable(true);
    m_misclassifiedOnlyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_misclassifiedOnlyAction->setStatusTip(tr("Show only the samples the model gets wrong"));
    connect(m_misclassifiedOnlyAction, &QAction::toggled, m_map, &PopulationMap::setMisclassifiedOnly);

    m_clearFiltersAction = new QAction(QIcon::fromTheme(QStringLiteral("edit-clear")), tr("Clear Filters"), this);
    m_clearFiltersAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_clearFiltersAction->setToolTip(tr("Show every sample again: both subsets, every class, no "
                                        "GT/prediction pair, not only misclassified (Ctrl+Shift+X)"));
    m_clearFiltersAction->setStatusTip(m_clearFiltersAction->toolTip());
    m_clearFiltersAction->setObjectName(QStringLiteral("clearFiltersAction"));
    m_clearFiltersAction->setEnabled(false);
    connect(m_clearFiltersAction, &QAction::triggered, m_map, &PopulationMap::clearFilters);

    m_findAction = new QAction(tr("&Find Sample…"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setStatusTip(tr("Go to a sample by index: 123 (train), v45 (validation)"));
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_findEdit->setFocus();
        m_findEdit->selectAll();
    });

    m_restoreLayoutAction = new QAction(tr("Restore &Default Layout"), this);
    connect(m_restoreLayoutAction, &QAction::triggered, this, [this] {
        for (QDockWidget* d : findChildren<QDockWidget*>()) {
            d->setFloating(false);
            d->show();
        }
        arrangeDocks(width() < kCompactBelowWidth);
        applyDefaultDockSizes();
    });
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openDataAction);
    file->addAction(m_openRunAction);
    file->addAction(m_saveRunAction);
    file->addSeparator();
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(m_exportMapAction);
    exportMenu->addAction(m_exportInspectorAction);
    exportMenu->addAction(m_exportLossAction);
    exportMenu->addAction(m_exportTrainingAction);
    exportMenu->addSeparator();
    exportMenu->addAction(m_exportAllAction);
    exportMenu->addSeparator();
    exportMenu->addAction(m_exportCsvAction);
    exportMenu->addAction(m_exportSelectionAction);
    exportMenu->addActions(m_why->exportActions());
    exportMenu->addSeparator();
    const std::pair<QString, QList<QAction*>> viewExports[] = {
        {tr("&Heat Maps"), m_why->heatMaps()->exportActions()},
        {tr("&Similar Samples"), m_why->similar()->exportActions()},
        {tr("&Confusion Matrix"), m_why->confusion()->exportActions()},
        {tr("Loss by &Metadata"), m_why->metadata()->exportActions()}};
    for (const auto& [title, actions] : viewExports)
        exportMenu->addMenu(title)->addActions(actions);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QMenu* colorMenu = view->addMenu(tr("&Colour Dots By"));
    const QString titles[] = {tr("&Ground Truth"), tr("&Prediction"), tr("&Correct / Wrong"),
                              tr("&Subset")};
    for (int i = 0; i < 4; ++i) {
        QAction* a = colorMenu->addAction(titles[i], this,
                                          [this, i] { m_colorBox->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    }
    view->addAction(m_misclassifiedOnlyAction);
    view->addAction(m_clearFiltersAction);
    view->addAction(m_resetViewAction);
    view->addSeparator();
    for (QDockWidget* d : {m_inspectorDock, m_galleryDock, m_misclassifiedDock, m_dashboardDock, m_lossDock})
        view->addAction(d->toggleViewAction());
    for (QDockWidget* d : m_why->docks())
        view->addAction(d->toggleViewAction());
    view->addAction(m_restoreLayoutAction);

    QMenu* go = menuBar()->addMenu(tr("&Go"));
    go->addAction(m_findAction);
    go->addAction(m_inspector->previousMisclassifiedAction());
    go->addAction(m_inspector->nextMisclassifiedAction());

    menuBar()->addMenu(m_why->menu());

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_trainAction);
    run->addAction(m_reprojectAction);
    run->addAction(m_cancelAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard and Mouse"), this, &MainWindow::showShortcuts)
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About MNIST Explorer"), this, &MainWindow::showAbout);
}

void MainWindow::createToolBars()
{
    QToolBar* main = addToolBar(tr("Main"));
    m_mainToolBar = main;
    main->setObjectName(QStringLiteral("mainToolBar"));
    main->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    main->addAction(m_openRunAction);
    main->addAction(m_trainAction);
    main->addAction(m_cancelAction);
    main->addAction(m_exportMapAction);
    // The map's view actions ride on the first row: it has the room, and the
    // map's own row then fits a 1024 px window whole.
    main->addSeparator();
    main->addAction(m_resetViewAction);
    main->addAction(m_reprojectAction);

    QToolBar* mapBar = addToolBar(tr("Map"));
    m_mapToolBar = mapBar;
    mapBar->setObjectName(QStringLiteral("mapToolBar"));
    mapBar->addWidget(new QLabel(tr(" Colour: "), mapBar));
    m_colorBox = new QComboBox(mapBar);
    for (auto mode : {PopulationMap::ColorBy::GroundTruth, PopulationMap::ColorBy::Prediction,
                      PopulationMap::ColorBy::Correctness, PopulationMap::ColorBy::Subset}) {
        // Sentence case like the metadata fields below ("Distance to own centroid").
        QString name = PopulationMap::colorByName(mode);
        name[0] = name[0].toUpper();
        m_colorBox->addItem(name, static_cast<int>(mode));
    }
    m_colorBox->insertSeparator(m_colorBox->count());
    // Metadata fields after the separator: data kMetadataColoring + field.
    for (int f = 0; f < why::kMetadataFieldCount; ++f) {
        const auto field = static_cast<why::MetadataField>(f);
        if (field == why::MetadataField::Label || field == why::MetadataField::Prediction)
            continue; // the same as ground truth / prediction above
        m_colorBox->addItem(QString::fromUtf8(why::metadataFieldTitle(field)), kMetadataColoring + f);
    }
    m_colorBox->setToolTip(tr("What the dot colours show (Ctrl+1…4); below the line, metadata "
                              "fields on a colour scale"));
    connect(m_colorBox, &QComboBox::currentIndexChanged, this, &MainWindow::applyColoring);
    connect(m_why, &WhyPanels::mapColoredBy, this, [this](int field) {
        const QSignalBlocker block(m_colorBox);
        m_colorBox->setCurrentIndex(m_colorBox->findData(kMetadataColoring + field));
    });
    // As wide as its usual entries; longer metadata names show in the
    // opened list.
    m_colorBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_colorBox->setMinimumContentsLength(16);
    mapBar->addWidget(m_colorBox);

    mapBar->addWidget(new QLabel(tr("  Show: "), mapBar));
    m_subsetBox = new QComboBox(mapBar);
    m_subsetBox->addItem(tr("Train + validation"), static_cast<int>(PopulationMap::SubsetFilter::Both));
    m_subsetBox->addItem(tr("Training set"), static_cast<int>(PopulationMap::SubsetFilter::Train));
    m_subsetBox->addItem(tr("Validation set"), static_cast<int>(PopulationMap::SubsetFilter::Validation));
    m_subsetBox->setToolTip(tr("Which subset the map shows"));
    connect(m_subsetBox, &QComboBox::currentIndexChanged, this, [this] {
        m_map->setSubsetFilter(
            static_cast<PopulationMap::SubsetFilter>(m_subsetBox->currentData().toInt()));
    });
    mapBar->addWidget(m_subsetBox);
    mapBar->addAction(m_misclassifiedOnlyAction);

    mapBar->addWidget(new QLabel(tr("  GT: "), mapBar));
    m_pairGroundTruth = new QComboBox(mapBar);
    mapBar->addWidget(m_pairGroundTruth);
    mapBar->addWidget(new QLabel(tr(" → "), mapBar));
    m_pairPrediction = new QComboBox(mapBar);
    mapBar->addWidget(m_pairPrediction);
    for (QComboBox* box : {m_pairGroundTruth, m_pairPrediction}) {
        box->addItem(tr("any"), -1);
        for (int c = 0; c < 10; ++c)
            box->addItem(QString::number(c), c);
        connect(box, &QComboBox::currentIndexChanged, this, &MainWindow::applyPairFilter);
    }
    m_pairGroundTruth->setToolTip(tr("Show only samples of this ground-truth class…"));
    m_pairPrediction->setToolTip(tr("…predicted as this class (e.g. GT 1 predicted 7)"));

    mapBar->addAction(m_clearFiltersAction);
    connect(m_map, &PopulationMap::filtersChanged, this, &MainWindow::syncFilterControls);

    mapBar->addSeparator();
    m_findEdit = new QLineEdit(mapBar);
    m_findEdit->setPlaceholderText(tr("Find: 123 or v45"));
    m_findEdit->setClearButtonEnabled(true);
    m_findEdit->setMaximumWidth(120);
    m_findEdit->setToolTip(tr("Go to a sample: a training index (123, t123) or a validation index (v45)"));
    connect(m_findEdit, &QLineEdit::returnPressed, this, [this] {
        if (!findSample(m_findEdit->text()))
            statusBar()->showMessage(tr("No sample “%1”: type a training index (123) or v and a "
                                        "validation index (v45)")
                                         .arg(m_findEdit->text()),
                                     kStatusMessageMs);
    });
    mapBar->addWidget(m_findEdit);
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
    connect(w, &PipelineWorker::saved, this, [this](const QString& dir) {
        m_job = Job::None;
        // The label marks travel with the run (the store copies only its own
        // files); marks already in the target folder are not overwritten.
        const QString marks = QString::fromStdString(why::labelMarksPath(m_runDir.toStdString()));
        const QString target = QString::fromStdString(why::labelMarksPath(dir.toStdString()));
        if (!m_runDir.isEmpty() && dir != m_runDir && QFileInfo::exists(marks) && !QFileInfo::exists(target))
            QFile::copy(marks, target);
        m_runDir = dir;
        m_why->setRunDir(dir);
        m_progress->hide();
        m_stageLabel->clear();
        statusBar()->showMessage(tr("Run saved to %1").arg(QDir::toNativeSeparators(dir)),
                                 kStatusMessageMs);
        updateActions();
    });
    connect(m_controller, &RunController::busyChanged, this, &MainWindow::updateActions);
}

void MainWindow::arrangeDocks(bool compact)
{
    m_arranging = true;
    m_compactLayout = compact;
    const QList<QDockWidget*> perSample{m_inspectorDock, m_why->heatMapDock(), m_why->similarDock()};
    const QList<QDockWidget*> lists{m_misclassifiedDock, m_galleryDock, m_why->candidatesDock(),
                                    m_why->insightsDock()};
    const QList<QDockWidget*> charts{m_lossDock, m_dashboardDock, m_why->confusionDock(),
                                     m_why->metadataDock()};
    // The tab each group shows, and which docks the user closed, survive.
    QList<QDockWidget*> raised, closed;
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        // A tab behind another keeps its view action checked: only closed
        // docks have it unchecked (before the window is shown, all do).
        if (isVisible() && !d->toggleViewAction()->isChecked())
            closed << d;
        else if (!d->visibleRegion().isEmpty())
            raised << d;
    }
    auto group = [this](Qt::DockWidgetArea area, const QList<QDockWidget*>& docks) {
        addDockWidget(area, docks.front());
        for (int i = 1; i < docks.size(); ++i)
            tabifyDockWidget(docks[i - 1], docks[i]);
    };
    group(Qt::RightDockWidgetArea, perSample);
    // Narrow windows: the lists join the charts at the bottom, so the map
    // keeps the middle of the window instead of a strip between two columns.
    if (compact) {
        group(Qt::BottomDockWidgetArea, lists + charts);
    } else {
        group(Qt::LeftDockWidgetArea, lists);
        group(Qt::BottomDockWidgetArea, charts);
    }
    for (QDockWidget* d : closed)
        d->hide();
    // Defaults for a first layout; else the tabs that were shown (the lists
    // before the charts when they now share a group).
    if (raised.isEmpty())
        raised = {m_inspectorDock, m_lossDock, m_misclassifiedDock};
    std::stable_sort(raised.begin(), raised.end(), [&](QDockWidget* a, QDockWidget* b) {
        return charts.contains(a) && !charts.contains(b);
    });
    for (QDockWidget* d : raised)
        d->raise();
    m_layoutIsDefault = true;
    m_arranging = false;
}

void MainWindow::applyDefaultDockSizes()
{
    const int sides = static_cast<int>(width() * (1.0 - kMapWidthShare));
    // Without a column of lists on the left the inspector may take all the
    // docks' share of the width.
    const int inspector = std::min(kInspectorWidth, m_compactLayout ? sides : sides / 2);
    if (m_compactLayout) {
        resizeDocks({m_inspectorDock}, {inspector}, Qt::Horizontal);
    } else {
        // The table no wider than its columns (known once a run is shown).
        const int columns = m_session->hasRun() ? m_misclassified->columnsWidth() : 340;
        resizeDocks({m_inspectorDock, m_misclassifiedDock}, {inspector, std::min(columns, sides - inspector)},
                    Qt::Horizontal);
    }
    resizeDocks({m_lossDock}, {std::max(kMinBottomDockHeight, static_cast<int>(height() * kBottomDockShare))},
                Qt::Vertical);
}

void MainWindow::keepMapLargest()
{
    // Docks in the side and bottom areas, one per tab group (the shown tab).
    auto shownDocks = [this](std::initializer_list<Qt::DockWidgetArea> areas) {
        QList<QDockWidget*> docks;
        for (QDockWidget* d : findChildren<QDockWidget*>())
            if (d->isVisible() && !d->visibleRegion().isEmpty() && !d->isFloating() &&
                std::find(areas.begin(), areas.end(), dockWidgetArea(d)) != areas.end())
                docks << d;
        return docks;
    };
    auto shrink = [this](const QList<QDockWidget*>& docks, int deficit, Qt::Orientation o,
                         int minimum) {
        QList<int> sizes;
        int total = 0;
        for (QDockWidget* d : docks) {
            sizes << (o == Qt::Horizontal ? d->width() : d->height());
            total += sizes.back();
        }
        if (total <= 0)
            return;
        for (int& size : sizes)
            size = std::max(minimum, size - deficit * size / total);
        resizeDocks(docks, sizes, o);
    };
    // The default layout follows the window across the compact threshold
    // (with a margin, so that a width near it does not flip back and forth).
    if (m_layoutIsDefault) {
        const bool compact = m_compactLayout ? width() < kCompactBelowWidth + kCompactHysteresis
                                             : width() < kCompactBelowWidth;
        if (compact != m_compactLayout) {
            arrangeDocks(compact);
            applyDefaultDockSizes();
            return;
        }
    }
    const int mapWidth = m_map->width(), wanted = static_cast<int>(width() * kMapWidthShare);
    if (mapWidth < wanted)
        shrink(shownDocks({Qt::LeftDockWidgetArea, Qt::RightDockWidgetArea}), wanted - mapWidth,
               Qt::Horizontal, kMinSideDockWidth);
    const QList<QDockWidget*> bottom = shownDocks({Qt::BottomDockWidgetArea});
    if (!bottom.isEmpty()) {
        const int below = m_map->height() + bottom.front()->height();
        const int wantedHeight = static_cast<int>(below * kMapHeightShare);
        if (m_map->height() < wantedHeight)
            shrink({bottom.front()}, wantedHeight - m_map->height(), Qt::Vertical,
                   kMinBottomDockHeight);
    }
}

void MainWindow::updateToolBarRows()
{
    // The map's controls on a row of their own when both bars do not fit in
    // one: otherwise the GT, prediction and find boxes vanish into the
    // overflow menu.
    const int needed = m_mainToolBar->sizeHint().width() + m_mapToolBar->sizeHint().width();
    const bool twoRows = needed > width();
    if (twoRows != toolBarBreak(m_mapToolBar)) {
        if (twoRows)
            insertToolBarBreak(m_mapToolBar);
        else
            removeToolBarBreak(m_mapToolBar);
    }
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    updateToolBarRows();
    // After the layout has placed the docks at the new size.
    m_balanceTimer.start();
}

bool MainWindow::event(QEvent* event)
{
    // The dock tab bars QMainWindow creates as docks are tabified: whole
    // titles with scroll arrows, never "Sel…".
    if (event->type() == QEvent::ChildPolished) {
        if (auto* bar = qobject_cast<QTabBar*>(static_cast<QChildEvent*>(event)->child())) {
            bar->setElideMode(Qt::ElideNone);
            bar->setUsesScrollButtons(true);
        }
    }
    return QMainWindow::event(event);
}

void MainWindow::readSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    // A geometry saved on a larger screen (or an over-wide one saved before
    // this was fixed) is clamped to this screen.
    if (const QScreen* screen = this->screen()) {
        const QRect available = screen->availableGeometry();
        const QSize size = this->size().boundedTo(available.size());
        if (size != this->size())
            resize(size);
        QRect frame = frameGeometry();
        if (!available.contains(frame)) {
            frame.moveLeft(std::clamp(frame.left(), available.left(), available.right() - frame.width() + 1));
            frame.moveTop(std::clamp(frame.top(), available.top(), available.bottom() - frame.height() + 1));
            move(frame.topLeft());
        }
    }
    m_layoutFromSettings = restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (m_layoutFromSettings) {
        m_compactLayout = s.value(QStringLiteral("window/compactLayout"), false).toBool();
        m_layoutIsDefault = s.value(QStringLiteral("window/defaultLayout"), false).toBool();
    }
    m_colorBox->setCurrentIndex(std::clamp(s.value(QStringLiteral("map/colorBy"), 0).toInt(), 0, 3));
}

void MainWindow::writeSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/compactLayout"), m_compactLayout);
    s.setValue(QStringLiteral("window/defaultLayout"), m_layoutIsDefault);
    s.setValue(QStringLiteral("map/colorBy"), m_colorBox->currentIndex());
    if (!m_runDir.isEmpty())
        s.setValue(QStringLiteral("lastRun"), m_runDir);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    writeSettings();
    // The controller's destructor cancels the job and joins the worker: the
    // pipeline checks the flag every batch / few iterations, so this is quick.
    m_controller->cancel();
    event->accept();
}

void MainWindow::start()
{
    const QString runDir = QString::fromStdString(m_commandLine.runDir);
    const QString outDir = QString::fromStdString(m_commandLine.pipeline.outDir);
    if (!runDir.isEmpty()) {
        openRun(runDir);
        return;
    }
    if (!m_commandLine.pipeline.retrain && !outDir.isEmpty() && store::hasRun(outDir.toStdString())) {
        openRun(outDir);
        return;
    }
    train(m_commandLine.pipeline);
}

void MainWindow::openRun(const QString& dir)
{
    if (m_controller->busy())
        return;
    // A folder without run.bin is not a damaged run: say what is there
    // before any work starts.
    if (!QFileInfo::exists(QDir(dir).filePath(QStringLiteral("run.bin")))) {
        offerAlternatives(dir, QString());
        return;
    }
    m_job = Job::Open;
    m_jobTarget = dir;
    m_jobClock.start();
    const QString data = m_commandLine.dataGiven ? QString::fromStdString(m_commandLine.pipeline.dataFolder)
                                                 : QString();
    m_stageLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(dir)));
    m_controller->openRun(dir, data);
}

QString MainWindow::usableDataFolder() const
{
    const QString folder = QString::fromStdString(m_config.dataFolder);
    QStringList candidates{folder};
    // The default "data/mnist" is relative to the checkout; the app may be
    // started from elsewhere (build/app/mnist-explorer lives two levels down).
    if (QDir::isRelativePath(folder))
        candidates << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../../") + folder);
    for (const QString& c : candidates)
        if (isDataFolder(c))
            return QDir(c).absolutePath();
    return {};
}

bool MainWindow::isDataFolder(const QString& dir)
{
    return data::holdsMnistFiles(dir.toStdString());
}

void MainWindow::offerAlternatives(const QString& dir, const QString& problem)
{
    const QString shown = QDir::toNativeSeparators(dir);
    const QFileInfo info(dir);
    const bool dataHere = isDataFolder(dir);
    QString title, text;
    if (!problem.isEmpty()) {
        title = tr("Cannot open the run");
        text = tr("The run in “%1” cannot be opened:\n\n%2").arg(shown, problem);
    } else if (!info.exists()) {
        title = tr("No such folder");
        text = tr("“%1” does not exist.").arg(shown);
    } else if (!info.isDir()) {
        title = tr("Not a run folder");
        text = tr("“%1” is a file. A run is a folder holding run.bin.").arg(shown);
    } else {
        title = tr("No run in this folder");
        const QStringList entries = QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name);
        QString contents;
        if (dataHere)
            contents = tr("It holds MNIST IDX files: it is a data folder, which can be trained on.");
        else if (entries.isEmpty())
            contents = tr("It is empty.");
        else {
            const QString names = QStringList(entries.mid(0, 5)).join(QStringLiteral(", ")) +
                                  (entries.size() > 5 ? QStringLiteral(", …") : QString());
            contents = entries.size() == 1
                           ? tr("It holds one item: %1.").arg(names)
                           : tr("It holds %1 items: %2.").arg(entries.size()).arg(names);
        }
        text = tr("“%1” holds no run: run.bin, which the app and its headless mode write into "
                  "a run folder, is missing.\n\n%2")
                   .arg(shown, contents);
    }

    // What can work from here: train on this folder when it is a data
    // folder; else train into it from a data folder that exists.
    const QString data = dataHere ? QDir(dir).absolutePath() : usableDataFolder();
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("runAlternatives"));
    QPushButton* trainButton = nullptr;
    if (dataHere) {
        trainButton = box.addButton(tr("&Train on This Data"), QMessageBox::AcceptRole);
        trainButton->setToolTip(tr("Train a model on %1 and store the run in %2")
                                    .arg(shown, QDir::toNativeSeparators(QString::fromStdString(m_config.outDir))));
    } else if (!data.isEmpty() && (!info.exists() || info.isDir())) {
        trainButton = box.addButton(problem.isEmpty() ? tr("&Train Here") : tr("&Recompute Here"),
                                    QMessageBox::AcceptRole);
        trainButton->setToolTip(tr("Train a model on %1 and store the run in %2%3")
                                    .arg(QDir::toNativeSeparators(data), shown,
                                         problem.isEmpty() ? QString()
                                                           : tr("; the damaged files are replaced "
                                                                "only when the new run is complete")));
    }
    QPushButton* chooseData = box.addButton(tr("Choose &Data Folder…"), QMessageBox::ActionRole);
    chooseData->setToolTip(tr("Pick a folder of MNIST IDX files to train on"));
    QPushButton* chooseRunButton = box.addButton(tr("&Open Another Run…"), QMessageBox::ActionRole);
    if (trainButton) {
        box.setDefaultButton(trainButton);
        box.setInformativeText(trainButton->toolTip() + QLatin1Char('.'));
    }
    box.exec();
    QAbstractButton* clicked = box.clickedButton();
    if (clicked && clicked == trainButton) {
        pipeline::PipelineConfig c = m_config;
        c.dataFolder = data.toStdString();
        c.retrain = true;
        if (!dataHere)
            c.outDir = dir.toStdString();
        train(c);
    } else if (clicked == chooseData) {
        chooseDataFolder(info.exists() && !info.isDir() ? QString() : dir);
    } else if (clicked == chooseRunButton) {
        chooseRun();
    }
}

void MainWindow::train(const pipeline::PipelineConfig& config)
{
    if (m_controller->busy())
        return;
    const QString folder = QString::fromStdString(config.dataFolder);
    if (!QFileInfo(folder).isDir()) {
        QMessageBox box(QMessageBox::Warning, tr("No MNIST data"),
                        tr("The data folder “%1” does not exist.\n\nscripts/setup fetches MNIST into "
                           "data/mnist; or choose a folder that holds the four MNIST IDX files.")
                            .arg(QDir::toNativeSeparators(folder)),
                        QMessageBox::Cancel, this);
        QPushButton* choose = box.addButton(tr("Choose Folder…"), QMessageBox::AcceptRole);
        box.exec();
        if (box.clickedButton() == choose)
            chooseDataFolder();
        return;
    }
    m_config = config;
    m_job = Job::Train;
    m_jobTarget = QString::fromStdString(config.outDir);
    m_jobClock.start();
    m_dashboard->reset(config.train.epochs, 0);
    m_dashboardDock->show();
    m_dashboardDock->raise();
    // The map and the side panels are empty until the analysis: give the
    // curves the room.
    resizeDocks({m_dashboardDock}, {height() / 2}, Qt::Vertical);
    if (!m_session->hasRun() && !m_compactLayout)
        resizeDocks({m_misclassifiedDock, m_inspectorDock}, {200, 200}, Qt::Horizontal);
    m_controller->startPipeline(config);
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
    const int id = m_session->idOf(validation ? analysis::Subset::Validation : analysis::Subset::Train, index);
    // Found means seen: filters that hide it are lifted, or the map would
    // centre on a marker among nothing.
    const QStringList cleared = m_map->revealSamples({id});
    m_session->setCurrent(id);
    m_map->centerOn(id);
    reportClearedFilters(m_session->describe(id), cleared);
    return true;
}

void MainWindow::onAnalysed(const RunPtr& run, const DataPtr& data)
{
    // A PCA preview while the real projection optimises: the map animates.
    m_session->setRun(run, data);
    m_map->resetView();
    updateRunLabel();
}

void MainWindow::onFinished(const RunPtr& run, const DataPtr& data, const QString& dir)
{
    const Job job = m_job;
    m_job = Job::None;
    // A new map of the shown run keeps what the user was doing: the current
    // sample, the selection, the open tabs and, once they moved it, their
    // view.
    const bool newMapOnly = job == Job::Reproject && m_session->setProjection(run);
    if (!newMapOnly) {
        m_session->setRun(run, data);
        m_map->resetView();
    }
    m_runDir = dir;
    m_why->setRunDir(dir); // after setRun: the marks belong to the new run
    m_progress->hide();
    m_stageLabel->clear();
    m_dashboard->setHistory(run->history);
    if (job == Job::Train || job == Job::Open)
        (m_compactLayout ? m_misclassifiedDock : m_lossDock)->raise();
    // The default layout, now that the table's columns are known; after a
    // training, the curves' extra room goes back to the map.
    if (job == Job::Train || (!m_layoutFromSettings && !m_tableWidthFitted)) {
        applyDefaultDockSizes();
        m_tableWidthFitted = true;
    }
    const double seconds = m_jobClock.isValid() ? m_jobClock.elapsed() / 1000.0 : 0.0;
    QString text;
    if (job == Job::Open)
        text = tr("Opened %1 in %2 s").arg(QDir::toNativeSeparators(dir)).arg(seconds, 0, 'f', 2);
    else if (job == Job::Reproject)
        text = tr("Map recomputed with %1 in %2 s")
                   .arg(QString::fromStdString(projection::projectorTitle(run->projection.method)))
                   .arg(seconds, 0, 'f', 1);
    else
        text = tr("Trained and analysed in %1 s%2")
                   .arg(seconds, 0, 'f', 1)
                   .arg(dir.isEmpty() ? QString() : tr("; stored in %1").arg(QDir::toNativeSeparators(dir)));
    statusBar()->showMessage(text, kStatusMessageMs);
    setWindowTitle(dir.isEmpty() ? tr("MNIST Explorer")
                                 : tr("%1 — MNIST Explorer").arg(QDir::toNativeSeparators(dir)));
    updateRunLabel();
    updateActions();
    Q_EMIT runShown();
}

void MainWindow::onFailed(const QString& message)
{
    const Job job = m_job;
    m_job = Job::None;
    m_progress->hide();
    m_stageLabel->clear();
    m_dashboard->setFinished(tr("Failed: %1").arg(message));
    updateActions();
    if (job == Job::Open) {
        offerAlternatives(m_jobTarget, message);
        return;
    }
    QMessageBox::warning(this, tr("MNIST Explorer"), message);
}

void MainWindow::onCancelled()
{
    const Job job = m_job;
    m_job = Job::None;
    m_progress->hide();
    m_stageLabel->clear();
    m_dashboard->setFinished(tr("Cancelled; nothing was stored"));
    statusBar()->showMessage(job == Job::Reproject ? tr("Map recomputation cancelled; the previous map stays")
                                                   : tr("Cancelled; nothing stored was changed"),
                             kStatusMessageMs);
    // A cancelled projection leaves an intermediate layout on the map:
    // restore the run's own (keeping the current sample and the selection).
    if (m_session->hasRun())
        m_session->setProjection(m_session->runPtr());
    updateActions();
}

void MainWindow::onStage(const QString& stage, double fraction)
{
    m_stageLabel->setText(stageTitle(stage) + QStringLiteral("…"));
    m_progress->setValue(static_cast<int>(fraction * 1000));
    m_progress->show();
    if (stage != QLatin1String("train"))
        m_dashboard->setStage(stageTitle(stage), fraction);
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
    m_trainAction->setEnabled(!busy);
    m_saveRunAction->setEnabled(!busy && haveRun && m_job == Job::None);
    m_reprojectAction->setEnabled(!busy && haveRun);
    for (QAction* a : {m_exportMapAction, m_exportInspectorAction, m_exportLossAction,
                       m_exportAllAction, m_exportCsvAction})
        a->setEnabled(haveRun);
    m_exportSelectionAction->setEnabled(haveRun && !m_session->selection().isEmpty());
    m_exportTrainingAction->setEnabled(m_dashboard->batchCount() > 0 || m_dashboard->epochCount() > 0);
}

void MainWindow::updateRunLabel()
{
    if (!m_session->hasRun()) {
        m_runLabel->setText(tr("No run"));
        return;
    }
    const store::RunData& r = m_session->run();
    QString text = tr("Validation accuracy %1 · train %2 · %3 + %4 samples")
                       .arg(r.validation.accuracy, 0, 'f', 4)
                       .arg(r.train.accuracy, 0, 'f', 4)
                       .arg(r.train.sampleCount())
                       .arg(r.validation.sampleCount());
    if (r.projection.knnAccuracy >= 0)
        text += tr(" · %1 map: 10-NN %2, trust %3")
                    .arg(QString::fromStdString(projection::projectorTitle(r.projection.method)))
                    .arg(r.projection.knnAccuracy, 0, 'f', 3)
                    .arg(r.projection.trustworthiness, 0, 'f', 3);
    m_runLabel->setText(text);
}

void MainWindow::chooseDataFolder(const QString& outDir)
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Folder with the MNIST IDX files"), QString::fromStdString(m_config.dataFolder));
    if (dir.isEmpty())
        return;
    pipeline::PipelineConfig c = m_config;
    c.dataFolder = dir.toStdString();
    if (!outDir.isEmpty())
        c.outDir = outDir.toStdString();
    c.retrain = true;
    TrainDialog dialog(c, this);
    if (dialog.exec() == QDialog::Accepted)
        train(dialog.config());
}

void MainWindow::chooseRun()
{
    const QString start = m_runDir.isEmpty() ? QStringLiteral("runs") : m_runDir;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a stored run"), start);
    if (!dir.isEmpty())
        openRun(dir);
}

void MainWindow::saveRunAs()
{
    if (!m_session->hasRun())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Store the run in"), m_runDir);
    if (dir.isEmpty())
        return;
    m_job = Job::Save;
    m_jobTarget = dir;
    m_stageLabel->setText(tr("Saving to %1…").arg(QDir::toNativeSeparators(dir)));
    m_controller->saveRun(m_session->runPtr(), dir);
}

void MainWindow::showTrainDialog()
{
    TrainDialog dialog(m_config, this);
    if (dialog.exec() == QDialog::Accepted)
        train(dialog.config());
}

void MainWindow::showProjectionDialog()
{
    if (!m_session->hasRun() || m_controller->busy())
        return;
    ProjectionDialog dialog(QString::fromStdString(m_session->run().projection.method), this);
    if (dialog.exec() == QDialog::Accepted)
        reproject(dialog.method(), dialog.parameters());
}

void MainWindow::reproject(const QString& method, const std::map<std::string, double>& parameters)
{
    if (!m_session->hasRun() || m_controller->busy())
        return;
    m_job = Job::Reproject;
    m_jobClock.start();
    // The new layout shares nothing with the old one: watch it form whole
    // (the map follows it while fitted; zooming in takes over).
    m_map->resetView();
    m_controller->reproject(m_session->runPtr(), method, parameters, m_runDir, m_session->dataPtr());
}

void MainWindow::exportAllPlots()
{
    if (!m_session->hasRun())
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export all plots into"), m_runDir);
    if (dir.isEmpty())
        return;
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        writeHeadlessPlots(m_session->run(), m_session->dataPtr(), dir);
        const QSizeF inspectorSize(760, 720);
        QString error;
        bool ok = true;
        if (m_session->current() >= 0)
            ok = exportView([this](QPainter* p, const QRectF& r) { m_inspector->render(p, r); },
                            QSizeF(m_inspector->size()), QDir(dir).filePath(QStringLiteral("inspector.png")),
                            kDefaultPngScale, &error);
        if (ok && m_dashboard->epochCount() > 0)
            ok = exportView([this](QPainter* p, const QRectF& r) { m_dashboard->renderCharts(p, r); },
                            QSizeF(900, 420), QDir(dir).filePath(QStringLiteral("training_curves.png")),
                            kDefaultPngScale, &error);
        QApplication::restoreOverrideCursor();
        if (!ok)
            QMessageBox::warning(this, tr("Export failed"), error);
        else
            notifyExported(this, dir, tr("Plots written to %1").arg(QDir::toNativeSeparators(dir)));
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(e.what()));
    }
}

void MainWindow::exportSamplesCsv()
{
    if (!m_session->hasRun())
        return;
    const QString path = askCsvPath(this, QStringLiteral("samples.csv"));
    if (path.isEmpty())
        return;
    QString error;
    if (!writeAllSamplesCsv(m_session->run(), path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        notifyExported(this, path, tr("Samples written to %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::exportSelectionCsv()
{
    if (!m_session->hasRun() || m_session->selection().isEmpty())
        return;
    const QString path = askCsvPath(this, QStringLiteral("selection.csv"));
    if (path.isEmpty())
        return;
    QString error;
    if (!writeSelectionCsv(m_session->run(), m_session->selection(), path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        notifyExported(this, path,
                       tr("Selection written to %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::applyColoring()
{
    const int data = m_colorBox->currentData().toInt();
    if (data >= kMetadataColoring) {
        const auto field = static_cast<why::MetadataField>(data - kMetadataColoring);
        if (!m_why->colorMapBy(field))
            statusBar()->showMessage(tr("The map cannot be coloured by %1 for this run")
                                         .arg(QString::fromUtf8(why::metadataFieldTitle(field))),
                                     kStatusMessageMs);
        return;
    }
    m_why->colorMapBy(std::nullopt);
    m_map->setColorBy(static_cast<PopulationMap::ColorBy>(data));
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
    const QSignalBlocker blockSubset(m_subsetBox), blockGt(m_pairGroundTruth),
        blockPrediction(m_pairPrediction);
    m_subsetBox->setCurrentIndex(m_subsetBox->findData(static_cast<int>(m_map->subsetFilter())));
    m_pairGroundTruth->setCurrentIndex(m_pairGroundTruth->findData(m_map->pairFilterGroundTruth()));
    m_pairPrediction->setCurrentIndex(m_pairPrediction->findData(m_map->pairFilterPrediction()));
    m_misclassifiedOnlyAction->setChecked(m_map->misclassifiedOnly());
    m_clearFiltersAction->setEnabled(m_map->hasFilters());
}

void MainWindow::applyPairFilter()
{
    m_map->setPairFilter(m_pairGroundTruth->currentData().toInt(),
                         m_pairPrediction->currentData().toInt());
}

void MainWindow::showShortcuts()
{
    QMessageBox::information(
        this, tr("Keyboard and Mouse"),
        tr("<table>"
           "<tr><td><b>Wheel</b></td><td>zoom the map about the cursor</td></tr>"
           "<tr><td><b>Drag</b></td><td>pan the map</td></tr>"
           "<tr><td><b>Click</b></td><td>inspect a sample</td></tr>"
           "<tr><td><b>Shift+drag</b></td><td>select a rectangle</td></tr>"
           "<tr><td><b>Ctrl+drag</b></td><td>select with a lasso</td></tr>"
           "<tr><td><b>Legend click / double-click</b></td><td>hide a class / show only it</td></tr>"
           "<tr><td><b>Home, Ctrl+0</b></td><td>reset the map view</td></tr>"
           "<tr><td><b>N / P</b></td><td>next / previous misclassified sample by loss</td></tr>"
           "<tr><td><b>Ctrl+1…4</b></td><td>colour by ground truth, prediction, correctness, subset</td></tr>"
           "<tr><td><b>Ctrl+M</b></td><td>misclassified only</td></tr>"
           "<tr><td><b>Ctrl+F</b></td><td>find a sample by index</td></tr>"
           "<tr><td><b>Ctrl+T / Esc</b></td><td>train a new model / cancel</td></tr>"
           "<tr><td><b>Ctrl+R</b></td><td>recompute the map (UMAP, t-SNE, PCA)</td></tr>"
           "<tr><td><b>Ctrl+E</b></td><td>export the map</td></tr>"
           "<tr><td><b>Ctrl+Shift+H / N</b></td><td>heat maps / similar samples of the current sample</td></tr>"
           "<tr><td><b>Ctrl+Shift+L / I</b></td><td>label candidates / insights</td></tr>"
           "<tr><td><b>Ctrl+Shift+C / M</b></td><td>confusion matrix / loss by metadata</td></tr>"
           "<tr><td><b>L / F / U</b></td><td>in Label Candidates: mark mislabeled / fine / unmarked</td></tr>"
           "</table>"));
}

void MainWindow::showAbout()
{
    QString text = tr("<b>MNIST Explorer</b><br>Error analysis of an MNIST classifier.<br><br>");
    for (const auto& [name, version] : pipeline::libraryVersions())
        text += QString::fromStdString(name).toHtmlEscaped() + QStringLiteral(": ") +
                QString::fromStdString(version).toHtmlEscaped() + QStringLiteral("<br>");
    text += QStringLiteral("Qt: ") + QString::fromLatin1(qVersion());
    QMessageBox::about(this, tr("About MNIST Explorer"), text);
}

} // namespace mnistx::ui
