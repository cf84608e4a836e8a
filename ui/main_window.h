#pragma once

#include "core/pipeline/command_line.h"
#include "ui/map/comparison_coloring.h"
#include "ui/workers/pipeline_worker.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QTimer>
#include <future>
#include <memory>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QProgressBar;
class QToolBar;

namespace mnistx::ui
{

class ErrorInspector;
class ExplorerSession;
class LossDistanceChart;
class MisclassifiedView;
class PopulationMap;
class QueryBox;
class RecentRunsMenu;
class RunsPanel;
class SavedSelectionsPanel;
class ConfusionChangeView;
class RunController;
class SelectionGallery;
class TrainingDashboard;
class WhyPanels;

// The explorer's main window: the population map in the middle; docks for
// the error inspector, the selection gallery, the misclassified table, the
// training dashboard and the loss-vs-distance chart (layout remembered in
// QSettings). All long work (training, analysis, projection, opening and
// saving runs) runs on the RunController's worker thread; results arrive as
// immutable values through queued signals.
//
// Start-up (from the command line): --run DIR opens that stored run; else the
// run stored in the --out (or --name) folder, or without either the newest
// run under runs/, is opened; else training starts on the data folder, into
// a new run folder.
//
// The implementation is split by concern: main_window.cpp (the widgets,
// their wiring, the map's filter controls), main_window_actions.cpp
// (actions, menus, toolbars, exports), main_window_docks.cpp (the dock
// layout and the remembered window state), main_window_runs.cpp (opening,
// training and re-projecting runs, and what to offer when that fails).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const pipeline::CommandLine& commandLine, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Decides what to do first (see the class comment). Called by main() after
    // show(); separate so tests can build a window without starting work.
    void start();

    ExplorerSession* session() const { return m_session; }
    PopulationMap* populationMap() const { return m_map; }
    ErrorInspector* inspector() const { return m_inspector; }
    ConfusionChangeView* confusionChange() const { return m_confusionChange; }
    RunController* controller() const { return m_controller; }
    const QString& runDir() const { return m_runDir; }

    // Opens a stored run; trains a model on a data folder (settings from the
    // command line unless given).
    void openRun(const QString& dir);
    void train(const pipeline::PipelineConfig& config);
    // Computes the map of the shown run again (Run > Recompute Map); the
    // current sample, the selection and the open tabs stay.
    void reproject(const QString& method, const std::map<std::string, double>& parameters = {});
    // Selects the sample "123" (training index), "t123", "v45" or "validation 45".
    bool findSample(const QString& text);
    // Run ▸ Compare With…: the open run (B) against the stored run in dir (A)
    // of the same dataset: the map coloured by change (fixed, broken, wrong
    // in both, right in both), the fixed and broken samples selected, largest
    // loss change first. Run A is read and compared on a thread of its own
    // (a million-row run takes seconds); comparisonDone says how it ended.
    // Returns false when nothing started (no run shown, or a comparison
    // already under way).
    bool compareWith(const QString& dir);
    // Colours the map by the shown comparison (its colour-box entry).
    void applyComparisonColoring();
    void applyLossChangeColoring();
    // Removes the comparison's colour-box entry (a new run is shown).
    void forgetComparison();
    // Removes the colour box's entry with this data, if there; when it was
    // shown, the map goes back to ground truth.
    void dropColorEntry(int data);
    // The colour box's entry with this data (a colouring made outside the
    // map: comparison, loss change, saved selections) with this text and
    // tooltip, added after the class colourings and the entries of its kind
    // already there; returns its index. Signals blocked; the current entry
    // stays as it is.
    int placeColorEntry(int data, const QString& text, const QString& tip);

Q_SIGNALS:
    // Emitted when a run is shown, after it finished loading or computing.
    void runShown();
    // A comparison started by compareWith ended: problem is empty when the
    // map shows it, else why not (also shown in a message box).
    void comparisonDone(const QString& problem);

protected:
    void closeEvent(QCloseEvent* event) override;
    // A folder dropped on the window: a stored run is opened, a dataset is
    // offered for training (the train dialog).
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    // Status-bar messages that report a finished job stay this long.
    static constexpr int kStatusMessageMs = 8000;
    // Below this window width a column of lists left of the map and the
    // inspector right of it would leave the map a strip (1024 px: ~280 px).
    static constexpr int kCompactBelowWidth = 1300;
    // Colour combo data at and above this: a metadata field (data − this).
    static constexpr int kMetadataColoring = 100;
    // Colour combo data of the comparison's entry ("Change from <run>"),
    // there while a comparison of the shown run is.
    static constexpr int kComparisonColoring = -2;
    // … and of the colouring by saved selections, there once asked for.
    static constexpr int kSavedSelectionsColoring = -3;
    // … and of the comparison by loss change, there with the comparison.
    static constexpr int kLossChangeColoring = -4;

    // main_window.cpp: the widgets and their wiring, the filter controls.
    void createWidgets();
    void connectWorker();
    void updateActions();
    // Disables (with the reason) what needs model scores when the run has none.
    void syncScoredControls();
    void updateRunLabel();
    void onCurrentChanged(int id);
    void applyPairFilter();
    void syncFilterControls();

    // main_window_query.cpp: the map's filter box. Applies a query (empty:
    // lifts it) to the map and the misclassified table; an error marks the
    // box; selectMatches also makes the matches the selection.
    void applyQuery(const QString& text, bool selectMatches);
    // A new run: the box's words, and the query in force checked again.
    void reapplyQuery();

    // main_window_saved.cpp: the map coloured by the saved selections (an
    // entry of the colour box of its own while shown).
    void colourBySavedSelections();
    void applySavedSelectionsColoring();
    // "Showing <shown>: cleared the filter “misclassified only”" in the
    // status bar when revealing samples lifted filters; nothing otherwise.
    void reportClearedFilters(const QString& shown, const QStringList& cleared);
    void applyColoring();
    // Colour Classes…: the classes the class colourings tell apart.
    void chooseColoredClasses();

    // main_window_actions.cpp: actions, menus, toolbars and what only they do.
    void createActions();
    void createMenus();
    void createToolBars();
    void exportAllPlots();
    // File ▸ Export Report…: report.html (ui/export/run_report.h).
    void exportReport();
    void exportSamplesCsv();
    // The colour box's entries for the user's metadata.csv fields.
    void syncUserColorFields();
    void exportSelectionCsv();
    void showShortcuts();
    void showAbout();

    // main_window_docks.cpp: the dock layout and the remembered window state.
    QDockWidget* addDock(QWidget* widget, const QString& title, const QString& objectName,
                         Qt::DockWidgetArea area);
    // The default places of the docks: per-sample views right of the map;
    // lists left of it and charts below it, or (compact, narrow windows)
    // lists and charts as tabs below it. Keeps closed docks closed and the
    // shown tabs shown.
    void arrangeDocks(bool compact);
    // Dock sizes of the default layout for the window's size (the table no
    // wider than its columns once a run is shown).
    void applyDefaultDockSizes();
    // Hides tab bars QMainWindow left visible without tabs (arrangeDocks).
    void hideEmptyDockTabBars();
    // After a resize: shrinks the docks that leave the map less than its
    // share of the window.
    void keepMapLargest();
    // One toolbar row when both bars fit, else the map's bar on a second.
    void updateToolBarRows();
    void readSettings();
    void writeSettings() const;

    // main_window_runs.cpp: opening, training and re-projecting runs.
    void onAnalysed(const RunPtr& run, const DataPtr& data, const MapFactsPtr& mapFacts);
    void onFinished(const RunPtr& run, const DataPtr& data, const QString& dir,
                    const MapFactsPtr& mapFacts);
    void onFailed(const QString& message);
    // The run being opened was made on other data than the folder given:
    // offers to open it with its own data or to train a new run on the new.
    void onDataMismatch(const QString& runDir, const QString& dataFolder, const QString& message);
    void onCancelled();
    void onStage(const QString& stage, double fraction);

    // A run folder that cannot be opened (problem: why; empty: it holds no
    // run.bin): says what is there and what is missing, and offers what can
    // work (train here or on this data folder, choose a data folder, open
    // another run).
    void offerAlternatives(const QString& dir, const QString& problem);
    // The data folder to train on: the configured one, resolved against the
    // working folder or the checkout of the executable; "" when none exists.
    QString usableDataFolder() const;
    // A folder holding a dataset of any format (data::holdsDataset).
    static bool isDataFolder(const QString& dir);
    // Asks for a data folder, then the training settings, and trains; the
    // run goes to outDir when given, else where the settings say.
    void chooseDataFolder(const QString& outDir = QString());
    // File ▸ Open Model…: evaluate the user's TorchScript model on the
    // current dataset into a run folder of its own.
    void chooseModel();
    // File ▸ Open Embeddings…: explore features computed elsewhere (a folder
    // of features.npy, labels.npy, logits.npy …) in a run folder of its own.
    void chooseEmbeddings();
    // The train dialog for a data folder (outDir: where the run goes, empty:
    // the configured one).
    void offerTraining(const QString& dataFolder, const QString& outDir = QString());
    void chooseRun();
    // File ▸ Open Recent: opens the run, or asks whether to forget one whose
    // folder no longer holds run.bin.
    void openRecentRun(const QString& dir);
    // The shown run is stored in dir ("" = in memory only): its label marks,
    // the recent runs and the Runs panel follow.
    void setRunFolder(const QString& dir);
    // The Runs panel renamed a run folder: when it is the open run, follow it.
    void onRunRenamed(const QString& from, const QString& to);
    void saveRunAs();
    void showTrainDialog();
    // Where new runs go: the folder of the last run's folder (runs/).
    std::string runsFolder() const;
    void showProjectionDialog();
    void chooseComparison(); // asks for the run to compare with

    pipeline::CommandLine m_commandLine;
    pipeline::PipelineConfig m_config; // of the last training asked for
    QString m_runDir;                  // where the shown run is stored ("" = in memory)
    enum class Job { None, Open, Train, Reproject, Save };
    Job m_job = Job::None;
    QString m_jobTarget; // the folder being opened or saved
    QElapsedTimer m_jobClock;

    ExplorerSession* m_session = nullptr;
    RunController* m_controller = nullptr;
    PopulationMap* m_map = nullptr;
    ErrorInspector* m_inspector = nullptr;
    SelectionGallery* m_gallery = nullptr;
    MisclassifiedView* m_misclassified = nullptr;
    TrainingDashboard* m_dashboard = nullptr;
    LossDistanceChart* m_lossChart = nullptr;
    WhyPanels* m_why = nullptr; // heat maps, similar samples, label candidates, insights, ...
    QDockWidget* m_inspectorDock = nullptr;
    QDockWidget* m_galleryDock = nullptr;
    QDockWidget* m_misclassifiedDock = nullptr;
    QDockWidget* m_dashboardDock = nullptr;
    QDockWidget* m_lossDock = nullptr;
    RunsPanel* m_runs = nullptr; // the run library: open, rename, delete
    QDockWidget* m_runsDock = nullptr;
    SavedSelectionsPanel* m_saved = nullptr;          // the run's saved selections (tags)
    ConfusionChangeView* m_confusionChange = nullptr; // the confusion matrix against a compared run
    QDockWidget* m_confusionChangeDock = nullptr;
    QDockWidget* m_savedDock = nullptr;

    QComboBox* m_colorBox = nullptr;
    QComboBox* m_subsetBox = nullptr;
    QComboBox* m_pairGroundTruth = nullptr;
    QComboBox* m_pairPrediction = nullptr;
    QLineEdit* m_findEdit = nullptr;
    QueryBox* m_queryBox = nullptr;
    QLabel* m_stageLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_runLabel = nullptr;

    QAction* m_openDataAction = nullptr;
    QAction* m_openRunAction = nullptr;
    QAction* m_compareAction = nullptr;
    // The last comparison of the shown run (Compare With…): its colouring,
    // reapplied when its colour-box entry is chosen again.
    struct ShownComparison {
        QString name; // "change from <run>"
        ComparisonColoring coloring;
        ComparisonColoring lossColoring; // by loss_b − loss_a
        QString runName;                 // the other run's folder name
    };
    std::unique_ptr<ShownComparison> m_comparison;
    // A comparison under way: run A read and compared on its thread; a
    // timer looks for the result (the future waits for its thread when the
    // window goes: tens of ms for a 70,000-row run).
    struct PendingComparison {
        QString dir;
        std::shared_ptr<const store::RunData> shown; // the run B it is for
        // The comparison and the other run (the inspector shows its figures).
        std::future<std::pair<compare::RunComparison, std::shared_ptr<const store::RunData>>>
            result;
    };
    std::unique_ptr<PendingComparison> m_pendingComparison;
    QTimer m_comparisonPoll;
    void finishComparison();
    RecentRunsMenu* m_recentMenu = nullptr;
    QAction* m_openModelAction = nullptr;
    QAction* m_openEmbeddingsAction = nullptr;
    QAction* m_saveRunAction = nullptr;
    QAction* m_exportMapAction = nullptr;
    QAction* m_exportInspectorAction = nullptr;
    QAction* m_exportLossAction = nullptr;
    QAction* m_exportTrainingAction = nullptr;
    QAction* m_exportAllAction = nullptr;
    QAction* m_exportReportAction = nullptr;
    QAction* m_exportCsvAction = nullptr;
    QAction* m_exportSelectionAction = nullptr;
    QAction* m_trainAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_reprojectAction = nullptr;
    QAction* m_resetViewAction = nullptr;
    QAction* m_misclassifiedOnlyAction = nullptr;
    QAction* m_findAction = nullptr;
    QAction* m_queryAction = nullptr;
    QAction* m_clearFiltersAction = nullptr;
    QAction* m_colorClassesAction = nullptr;
    QAction* m_restoreLayoutAction = nullptr;
    QToolBar* m_mainToolBar = nullptr;
    QToolBar* m_mapToolBar = nullptr;
    bool m_compactLayout = false;      // lists at the bottom (narrow screens)
    bool m_layoutFromSettings = false; // the user's saved layout was restored
    bool m_tableWidthFitted = false;   // the default layout's table width follows its columns
    QTimer m_balanceTimer;             // keepMapLargest once the layout settled
    bool m_layoutIsDefault = true;     // arranged by arrangeDocks, not moved by the user since
    bool m_arranging = false;          // arrangeDocks is moving docks
};

} // namespace mnistx::ui
