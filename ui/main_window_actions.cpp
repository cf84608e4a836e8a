#include "core/pipeline/pipeline.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/charts/training_dashboard.h"
#include "ui/common/class_box.h"
#include "ui/dialogs/projection_dialog.h"
#include "ui/dialogs/train_dialog.h"
#include "ui/explorer_session.h"
#include "ui/export/export_notice.h"
#include "ui/export/exporter.h"
#include "ui/export/headless_plots.h"
#include "ui/export/run_report.h"
#include "ui/gallery/selection_gallery.h"
#include "ui/inspector/error_inspector.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/map/query_box.h"
#include "ui/recent_runs_menu.h"
#include "ui/runs/saved_selections_panel.h"
#include "ui/tables/misclassified_view.h"
#include "ui/why/confusion_matrix_view.h"
#include "ui/why/heat_map_panel.h"
#include "ui/why/metadata_dashboard.h"
#include "ui/why/similar_samples_panel.h"
#include "ui/why/why_context.h"
#include "ui/why/why_panels.h"
#include "ui/workers/run_controller.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QToolBar>

namespace mnistx::ui
{

void MainWindow::createActions()
{
    m_openDataAction =
        new QAction(QIcon::fromTheme(QStringLiteral("folder-open")), tr("Open &Dataset…"), this);
    m_openDataAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openDataAction->setStatusTip(
        tr("Train and analyse a model on a dataset folder: IDX files, NumPy files "
           "(train_images.npy, …) or image folders (train/<class>/*.png)"));
    connect(m_openDataAction, &QAction::triggered, this, [this] { chooseDataFolder(); });

    m_openRunAction =
        new QAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open Run…"), this);
    m_openRunAction->setShortcut(QKeySequence::Open);
    m_openRunAction->setStatusTip(tr("Open a stored run (a folder with run.bin)"));
    connect(m_openRunAction, &QAction::triggered, this, &MainWindow::chooseRun);
    m_recentMenu = new RecentRunsMenu(this);
    connect(m_recentMenu, &RecentRunsMenu::runChosen, this, &MainWindow::openRecentRun);

    m_openModelAction = new QAction(tr("Open &Model…"), this);
    m_openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_M));
    m_openModelAction->setStatusTip(
        tr("Evaluate your own TorchScript model (torch.jit.save) on the dataset instead of "
           "training one"));
    connect(m_openModelAction, &QAction::triggered, this, &MainWindow::chooseModel);

    m_openEmbeddingsAction = new QAction(tr("Open &Embeddings…"), this);
    m_openEmbeddingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
    m_openEmbeddingsAction->setStatusTip(
        tr("Explore features computed elsewhere: a folder of features.npy, labels.npy and "
           "logits.npy or probabilities.npy (optional: subset.npy, images.npy, classes.txt, "
           "metadata.csv)"));
    connect(m_openEmbeddingsAction, &QAction::triggered, this, &MainWindow::chooseEmbeddings);

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
    m_exportMapAction =
        exportAction(tr("Export &Map…"), tr("Save the population map as PNG, SVG or PDF"), [this] {
            exportInteractively(
                this, [this](QPainter* p, const QRectF& r) { m_map->render(p, r); },
                QSizeF(m_map->size()), QStringLiteral("population_map.png"), ExportFormat::Png,
                [this](QSize s, qreal scale) { return m_map->renderImage(s, scale); });
        });
    m_exportMapAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportMapAction->setIcon(QIcon::fromTheme(QStringLiteral("document-export")));
    m_exportInspectorAction =
        exportAction(tr("Export &Inspector…"), tr("Save the error inspector as an image"), [this] {
            exportInteractively(
                this, [this](QPainter* p, const QRectF& r) { m_inspector->render(p, r); },
                QSizeF(m_inspector->size()), QStringLiteral("inspector.png"), ExportFormat::Png,
                [this](QSize s, qreal scale) { return m_inspector->renderImage(s, scale); });
        });
    m_exportLossAction = exportAction(
        tr("Export &Loss vs Distance…"), tr("Save the loss-vs-distance chart"), [this] {
            exportInteractively(
                this, [this](QPainter* p, const QRectF& r) { m_lossChart->render(p, r); },
                QSizeF(m_lossChart->size()), QStringLiteral("loss_vs_distance.png"));
        });
    m_exportTrainingAction = exportAction(
        tr("Export &Training Curves…"), tr("Save the loss and accuracy curves"), [this] {
            exportInteractively(
                this, [this](QPainter* p, const QRectF& r) { m_dashboard->renderCharts(p, r); },
                QSizeF(900, 420), QStringLiteral("training_curves.png"));
        });
    m_exportAllAction = exportAction(tr("Export &All Plots to Folder…"),
                                     tr("Write every plot as PNG and SVG into a folder"),
                                     &MainWindow::exportAllPlots);
    m_exportAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportReportAction = exportAction(
        tr("Export &Report…"),
        tr("Write one self-contained HTML page to send: settings, accuracy, both maps, loss vs "
           "distance, confusion matrix, worst errors, label candidates, insights"),
        &MainWindow::exportReport);
    m_exportCsvAction =
        exportAction(tr("Export Samples as &CSV…"),
                     tr("Write one row per sample: labels, losses, probabilities, distances"),
                     &MainWindow::exportSamplesCsv);
    m_exportSelectionAction =
        exportAction(tr("Export S&election as CSV…"), tr("Write the selected samples as CSV"),
                     &MainWindow::exportSelectionCsv);

    m_trainAction =
        new QAction(QIcon::fromTheme(QStringLiteral("system-run")), tr("&Train New Model…"), this);
    m_trainAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_trainAction->setStatusTip(tr("Train again with other settings (epochs, seed, batch size)"));
    connect(m_trainAction, &QAction::triggered, this, &MainWindow::showTrainDialog);

    m_cancelAction =
        new QAction(QIcon::fromTheme(QStringLiteral("process-stop")), tr("&Cancel"), this);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setStatusTip(
        tr("Stop the running job within one batch; nothing stored is lost"));
    connect(m_cancelAction, &QAction::triggered, m_controller, &RunController::cancel);

    m_reprojectAction = new QAction(tr("Recompute &Map…"), this);
    m_reprojectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_reprojectAction->setStatusTip(tr("Project the features again with UMAP, t-SNE or PCA"));
    connect(m_reprojectAction, &QAction::triggered, this, &MainWindow::showProjectionDialog);

    m_compareAction = new QAction(tr("Compare &With…"), this);
    m_compareAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    m_compareAction->setStatusTip(
        tr("Colour the map by what the open run fixed and broke against another stored run of "
           "the same dataset, and select the samples that changed (Ctrl+Shift+W)"));
    connect(m_compareAction, &QAction::triggered, this, &MainWindow::chooseComparison);
    // While a comparison runs, its result is looked for this often.
    m_comparisonPoll.setInterval(30);
    connect(&m_comparisonPoll, &QTimer::timeout, this, &MainWindow::finishComparison);

    m_resetViewAction =
        new QAction(QIcon::fromTheme(QStringLiteral("zoom-fit-best")), tr("&Reset Map View"), this);
    m_resetViewAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_resetViewAction->setStatusTip(tr("Fit all dots into the map (Home in the map)"));
    connect(m_resetViewAction, &QAction::triggered, m_map, &PopulationMap::resetView);

    m_misclassifiedOnlyAction = new QAction(tr("&Misclassified Only"), this);
    m_misclassifiedOnlyAction->setCheckable(true);
    m_misclassifiedOnlyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_misclassifiedOnlyAction->setStatusTip(tr("Show only the samples the model gets wrong"));
    connect(m_misclassifiedOnlyAction, &QAction::toggled, m_map,
            &PopulationMap::setMisclassifiedOnly);

    m_colorClassesAction = new QAction(tr("Colour &Classes…"), this);
    m_colorClassesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_5)); // after Ctrl+1…4
    m_colorClassesAction->setToolTip(
        tr("Choose the classes the class colourings tell apart; the rest turn grey "
           "(for datasets with more classes than colours can keep apart; Ctrl+5)"));
    m_colorClassesAction->setStatusTip(m_colorClassesAction->toolTip());
    m_colorClassesAction->setObjectName(QStringLiteral("colorClassesAction"));
    m_colorClassesAction->setIconText(tr("Classes…")); // the toolbar's short form
    connect(m_colorClassesAction, &QAction::triggered, this, &MainWindow::chooseColoredClasses);

    m_clearFiltersAction =
        new QAction(QIcon::fromTheme(QStringLiteral("edit-clear")), tr("Clear Filters"), this);
    m_clearFiltersAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_clearFiltersAction->setToolTip(
        tr("Show every sample again: both subsets, every class, no "
           "GT/prediction pair, no query, not only misclassified (Ctrl+Shift+X)"));
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

    m_queryAction = new QAction(tr("Filter by &Query…"), this);
    m_queryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_queryAction->setStatusTip(
        tr("Show only the samples a query matches: loss > 2 and label == 4"));
    connect(m_queryAction, &QAction::triggered, this, [this] {
        m_queryBox->setFocus();
        m_queryBox->selectAll();
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
    file->addAction(m_openModelAction);
    file->addAction(m_openEmbeddingsAction);
    file->addAction(m_openRunAction);
    file->addMenu(m_recentMenu);
    file->addAction(m_saveRunAction);
    file->addAction(m_saved->saveAction());
    file->addSeparator();
    file->addAction(m_exportReportAction);
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
        QAction* a =
            colorMenu->addAction(titles[i], this, [this, i] { m_colorBox->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
    }
    colorMenu->addSeparator();
    colorMenu->addAction(m_colorClassesAction);
    view->addAction(m_misclassifiedOnlyAction);
    view->addAction(m_clearFiltersAction);
    view->addAction(m_resetViewAction);
    view->addSeparator();
    for (QDockWidget* d : {m_inspectorDock, m_galleryDock, m_misclassifiedDock, m_dashboardDock,
                           m_lossDock, m_confusionChangeDock, m_runsDock, m_savedDock})
        view->addAction(d->toggleViewAction());
    for (QDockWidget* d : m_why->docks())
        view->addAction(d->toggleViewAction());
    view->addAction(m_restoreLayoutAction);

    QMenu* go = menuBar()->addMenu(tr("&Go"));
    go->addAction(m_findAction);
    go->addAction(m_queryAction);
    go->addAction(m_inspector->previousMisclassifiedAction());
    go->addAction(m_inspector->nextMisclassifiedAction());

    menuBar()->addMenu(m_why->menu());

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_trainAction);
    run->addAction(m_reprojectAction);
    run->addAction(m_compareAction);
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
    // The map's filter box too: the map's own row is full at 1024 px, this
    // one has some 380 px left, and the box grows with the window.
    main->addSeparator();
    m_queryBox = new QueryBox(main);
    m_queryBox->setObjectName(QStringLiteral("queryBox"));
    m_queryBox->setMinimumWidth(200);
    m_queryBox->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(m_queryBox, &QueryBox::queryEntered, this, &MainWindow::applyQuery);
    main->addWidget(m_queryBox);

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
        m_colorBox->addItem(QString::fromUtf8(why::metadataFieldTitle(field)),
                            kMetadataColoring + f);
    }
    m_colorBox->setToolTip(tr("What the dot colours show (Ctrl+1…4); below the line, metadata "
                              "fields on a colour scale"));
    connect(m_colorBox, &QComboBox::currentIndexChanged, this, &MainWindow::applyColoring);
    connect(m_why, &WhyPanels::mapColoredBy, this, [this](int field) {
        const QSignalBlocker block(m_colorBox);
        m_colorBox->setCurrentIndex(m_colorBox->findData(kMetadataColoring + field));
    });
    // The user's metadata.csv fields join the list with their run's metadata.
    connect(m_why->metadata(), &MetadataDashboard::metadataChanged, this,
            &MainWindow::syncUserColorFields);
    // As wide as its usual entries; longer metadata names show in the
    // opened list.
    m_colorBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_colorBox->setMinimumContentsLength(16);
    mapBar->addWidget(m_colorBox);
    mapBar->addAction(m_colorClassesAction);

    mapBar->addWidget(new QLabel(tr("  Show: "), mapBar));
    m_subsetBox = makeSubsetBox(SubsetBoxWords::Toolbar, tr("Which subset the map shows"), mapBar);
    connect(m_subsetBox, &QComboBox::currentIndexChanged, this,
            [this] { m_map->setSubsetFilter(subsetFilterOf(m_subsetBox)); });
    mapBar->addWidget(m_subsetBox);
    mapBar->addAction(m_misclassifiedOnlyAction);

    mapBar->addWidget(new QLabel(tr("  GT: "), mapBar));
    m_pairGroundTruth = new QComboBox(mapBar);
    mapBar->addWidget(m_pairGroundTruth);
    mapBar->addWidget(new QLabel(tr(" → "), mapBar));
    m_pairPrediction = new QComboBox(mapBar);
    mapBar->addWidget(m_pairPrediction);
    for (QComboBox* box : {m_pairGroundTruth, m_pairPrediction}) {
        fillClassBox(box, *m_session); // "any" until a run comes (syncMapControls)
        connect(box, &QComboBox::currentIndexChanged, this, &MainWindow::applyPairFilter);
    }
    m_pairGroundTruth->setToolTip(tr("Show only samples of this ground-truth class…"));

    mapBar->addAction(m_clearFiltersAction);
    connect(m_map, &PopulationMap::filtersChanged, this, &MainWindow::syncFilterControls);

    mapBar->addSeparator();
    m_findEdit = new QLineEdit(mapBar);
    m_findEdit->setPlaceholderText(tr("Find: 123 or v45"));
    m_findEdit->setClearButtonEnabled(true);
    m_findEdit->setMaximumWidth(120);
    m_findEdit->setToolTip(
        tr("Go to a sample: a training index (123, t123) or a validation index (v45)"));
    connect(m_findEdit, &QLineEdit::returnPressed, this, [this] {
        if (!findSample(m_findEdit->text()))
            statusBar()->showMessage(tr("No sample “%1”: type a training index (123) or v and a "
                                        "validation index (v45)")
                                         .arg(m_findEdit->text()),
                                     kStatusMessageMs);
    });
    mapBar->addWidget(m_findEdit);
}

void MainWindow::exportReport()
{
    if (!m_session->hasRun())
        return;
    const QString name = m_runDir.isEmpty() ? QStringLiteral("run")
                                            : QFileInfo(QDir::cleanPath(m_runDir)).fileName();
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export Report"),
                                     QDir(m_runDir.isEmpty() ? QDir::homePath() : m_runDir)
                                         .filePath(QStringLiteral("report.html")),
                                     tr("HTML page (*.html)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".html");
    // The why-results as far as they are: a section still being computed
    // says so in the report.
    const WhyContext* why = m_why->context();
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        writeRunReport(
            {m_session->runPtr(), m_session->dataPtr(), why->candidates(), why->insights(), name},
            path);
        QApplication::restoreOverrideCursor();
        notifyExported(this, path, tr("Report written to %1").arg(QDir::toNativeSeparators(path)));
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(e.what()));
    }
}

void MainWindow::exportAllPlots()
{
    if (!m_session->hasRun())
        return;
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Export all plots into"), m_runDir);
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
                            QSizeF(m_inspector->size()),
                            QDir(dir).filePath(QStringLiteral("inspector.png")), kDefaultPngScale,
                            &error);
        if (ok && m_dashboard->epochCount() > 0)
            ok = exportView(
                [this](QPainter* p, const QRectF& r) { m_dashboard->renderCharts(p, r); },
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

void MainWindow::syncScoredControls()
{
    // Without model scores there are no predictions: the colourings and
    // filters that need them are disabled and say why.
    const bool scored = !m_session->hasRun() || m_session->scored();
    const QString why = scored ? QString() : ExplorerSession::noScoresReason();
    const auto* model = qobject_cast<const QStandardItemModel*>(m_colorBox->model());
    for (int i = 0; model && i < m_colorBox->count(); ++i) {
        const QVariant data = m_colorBox->itemData(i);
        if (!data.isValid()) // the separator
            continue;
        const int value = data.toInt();
        const int field = value - kMetadataColoring;
        const bool needsScores = value == static_cast<int>(PopulationMap::ColorBy::Prediction) ||
                                 value == static_cast<int>(PopulationMap::ColorBy::Correctness) ||
                                 (field >= 0 && field < why::kMetadataFieldCount &&
                                  why::needsScores(static_cast<why::MetadataField>(field)));
        if (QStandardItem* item = needsScores ? model->item(i) : nullptr) {
            item->setEnabled(scored);
            item->setToolTip(why);
        }
    }
    const QStandardItem* current = model ? model->item(m_colorBox->currentIndex()) : nullptr;
    if (current && !current->isEnabled())
        m_colorBox->setCurrentIndex(0); // the ground truth
    m_misclassifiedOnlyAction->setEnabled(scored);
    m_misclassifiedOnlyAction->setToolTip(scored ? m_misclassifiedOnlyAction->statusTip() : why);
    m_pairPrediction->setEnabled(scored);
    m_pairPrediction->setToolTip(scored ? tr("…predicted as this class (e.g. GT 1 predicted 7)")
                                        : why);
}

void MainWindow::syncUserColorFields()
{
    const MetadataDashboard* dashboard = m_why->metadata();
    const int firstUser = kMetadataColoring + why::kMetadataFieldCount;
    QStringList titles, shown;
    for (int f = why::kMetadataFieldCount; f < dashboard->fieldCount(); ++f)
        titles << dashboard->fieldTitle(static_cast<why::MetadataField>(f));
    for (int i = 0; i < m_colorBox->count(); ++i)
        if (m_colorBox->itemData(i).toInt() >= firstUser)
            shown << m_colorBox->itemText(i);
    if (titles == shown)
        return;
    const QSignalBlocker block(m_colorBox);
    const int current = m_colorBox->currentData().toInt();
    for (int i = m_colorBox->count() - 1; i >= 0; --i)
        if (m_colorBox->itemData(i).toInt() >= firstUser)
            m_colorBox->removeItem(i);
    for (int k = 0; k < titles.size(); ++k) {
        m_colorBox->addItem(titles[k], firstUser + k);
        m_colorBox->setItemData(m_colorBox->count() - 1,
                                tr("Your metadata.csv's column \"%1\"").arg(titles[k]),
                                Qt::ToolTipRole);
    }
    const int index = m_colorBox->findData(current);
    if (index >= 0) {
        m_colorBox->setCurrentIndex(index);
    } else { // the field left with its run: back to the classes
        m_colorBox->setCurrentIndex(0);
        applyColoring();
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
    const auto data = m_session->dataPtr();
    if (!writeAllSamplesCsv(m_session->run(), path, &error, data ? &data->metadata : nullptr))
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
    const auto data = m_session->dataPtr();
    if (!writeSelectionCsv(m_session->run(), m_session->selection(), path, &error,
                           data ? &data->metadata : nullptr))
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        notifyExported(this, path,
                       tr("Selection written to %1").arg(QDir::toNativeSeparators(path)));
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
           "<tr><td><b>Legend click / double-click</b></td><td>hide a class / show only "
           "it</td></tr>"
           "<tr><td><b>Home, Ctrl+0</b></td><td>reset the map view</td></tr>"
           "<tr><td><b>N / P</b></td><td>next / previous misclassified sample by loss</td></tr>"
           "<tr><td><b>Ctrl+1…4</b></td><td>colour by ground truth, prediction, correctness, "
           "subset</td></tr>"
           "<tr><td><b>Ctrl+5</b></td><td>choose the classes the class colourings tell "
           "apart</td></tr>"
           "<tr><td><b>Ctrl+M</b></td><td>misclassified only</td></tr>"
           "<tr><td><b>Ctrl+F</b></td><td>find a sample by index</td></tr>"
           "<tr><td><b>Ctrl+Shift+S</b></td><td>save the selection with the run (the Saved "
           "tab)</td></tr>"
           "<tr><td><b>Ctrl+Shift+F</b></td><td>filter by a query (<tt>loss &gt; 2 and "
           "label == 4</tt>); Shift+Enter also selects the matches</td></tr>"
           "<tr><td><b>Ctrl+T / Esc</b></td><td>train a new model / cancel</td></tr>"
           "<tr><td><b>Ctrl+Alt+M / E</b></td><td>open your TorchScript model / embeddings "
           "computed elsewhere</td></tr>"
           "<tr><td><b>Ctrl+R</b></td><td>recompute the map (UMAP, t-SNE, PCA)</td></tr>"
           "<tr><td><b>Ctrl+Shift+W</b></td><td>compare with another run: the map by what "
           "changed</td></tr>"
           "<tr><td><b>Ctrl+E</b></td><td>export the map</td></tr>"
           "<tr><td><b>Ctrl+Shift+H / N</b></td><td>heat maps / similar samples of the current "
           "sample</td></tr>"
           "<tr><td><b>Ctrl+Shift+L / I</b></td><td>label candidates / insights</td></tr>"
           "<tr><td><b>Ctrl+Shift+C / M</b></td><td>confusion matrix / loss by metadata</td></tr>"
           "<tr><td><b>L / F / U</b></td><td>in Label Candidates: mark mislabeled / fine / "
           "unmarked</td></tr>"
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
