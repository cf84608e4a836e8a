// The main window as a person uses it, driven through real events where a
// person would use them: clicking through every view never changes the
// window's size and a saved over-large geometry is clamped to the screen;
// whatever a view selects (a confusion cell, an insight, a loss bin, a find)
// comes into sight on the map, lifting the filters that hid it, and a pair
// filter set by a view shows in the toolbar with a one-click clear; a folder
// without a run says what is there and offers what can work; a
// re-projection keeps the selection, the inspected sample and the open tabs
// and clicks on the animated map still inspect the dot under the cursor; at
// 1024×700 and 1600×1000 the map has the most room, the legend stays off the
// dots, the toolbar keeps every control and no tab title is cut; the menus
// are in title case.
//
// The run: 6,000 + 1,000 real MNIST images and labels with synthetic model
// outputs (tests/common/synthetic_run.h), stored like a run the app wrote.
#include "../common/idx_test_files.h"
#include "../common/synthetic_run.h"
#include "../core/mnist_fixture.h"
#include "core/store/run_store.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/common/dock_panel.h"
#include "ui/explorer_session.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/recent_runs_menu.h"
#include "ui/tables/misclassified_view.h"
#include "ui/why/confusion_matrix_view.h"
#include "ui/why/insights_panel.h"
#include "ui/why/label_candidates_panel.h"
#include "ui/why/why_panels.h"
#include "ui/workers/pipeline_worker.h"
#include "ui/workers/run_controller.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>
#include <fstream>

using namespace mnistx;
using ui::PopulationMap;

namespace
{

constexpr int kTrainCount = 6000;
constexpr int kValidationCount = 1000;

QDockWidget* dockNamed(QMainWindow& w, const QString& name)
{
    return w.findChild<QDockWidget*>(name);
}

// The map toolbar's combo box whose tooltip starts with tip (how a person
// tells them apart), or null.
QComboBox* comboWithTip(QMainWindow& w, const QString& tip)
{
    auto* bar = w.findChild<QToolBar*>(QStringLiteral("mapToolBar"));
    for (QComboBox* box : bar ? bar->findChildren<QComboBox*>() : QList<QComboBox*>())
        if (box->toolTip().startsWith(tip))
            return box;
    return nullptr;
}

// Clicks row `row` of a table view where a person would: the middle of its
// first visible cell.
void clickRow(QTableView* table, int row)
{
    const QModelIndex index = table->model()->index(row, 0);
    table->scrollTo(index);
    const QRect cell = table->visualRect(index);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
}

} // namespace

class TestWindowBehaviour : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();

    void clickingThroughViewsNeverResizesTheWindow();
    void restoredGeometryFitsTheScreen();
    void viewSelectionsComeIntoSight_data();
    void viewSelectionsComeIntoSight();
    void selectionInViewKeepsTheUsersZoom();
    void selectionHiddenByFiltersLiftsThem();
    void pairFilterShowsInToolbarWithOneClickClear();
    void folderWithoutRunSaysWhatIsThere_data();
    void folderWithoutRunSaysWhatIsThere();
    void reprojectionKeepsTheUsersState();
    void everySizeGivesTheMapTheMostRoom_data();
    void everySizeGivesTheMapTheMostRoom();
    void menusUseTitleCase();

private:
    pipeline::CommandLine commandLine(const QString& runDir) const;
    // The stored run, opened in a shown window of this size (layout settled).
    std::unique_ptr<ui::MainWindow> openedWindow(QSize size = {1440, 900});
    // Zooms the map far into its top-left corner, away from most samples.
    static void zoomIntoCorner(PopulationMap* map);
    static bool allInView(const PopulationMap* map, const QVector<int>& ids);

    QTemporaryDir m_data; // the 6,000 + 1,000 MNIST images as IDX files
    QTemporaryDir m_runDir;
};

pipeline::CommandLine TestWindowBehaviour::commandLine(const QString& runDir) const
{
    pipeline::CommandLine cl;
    cl.pipeline.dataFolder = m_data.path().toStdString();
    cl.pipeline.outDir = runDir.toStdString();
    cl.pipeline.train.epochs = 1;
    return cl;
}

void TestWindowBehaviour::initTestCase()
{
    MNISTX_REQUIRE_MNIST(mnist);
    QCoreApplication::setOrganizationName(QStringLiteral("mnistx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("window-behaviour"));
    testing::writeMnistSubset(*mnist, kTrainCount, kValidationCount, m_data.path().toStdString());
    test::SyntheticRunOptions options =
        test::syntheticRunSized(kTrainCount, kValidationCount, 10, 16);
    store::RunData run = test::makeSyntheticRun(options);
    run.dataFolder = m_data.path().toStdString();
    run.train.labels.assign(mnist->train.labels.begin(), mnist->train.labels.begin() + kTrainCount);
    run.validation.labels.assign(mnist->validation.labels.begin(),
                                 mnist->validation.labels.begin() + kValidationCount);
    store::saveRun(run, m_runDir.path().toStdString());
}

void TestWindowBehaviour::init()
{
    QSettings().clear(); // every test starts from the default layout
}

std::unique_ptr<ui::MainWindow> TestWindowBehaviour::openedWindow(QSize size)
{
    auto w = std::make_unique<ui::MainWindow>(commandLine(m_runDir.path()));
    w->resize(size);
    w->show();
    if (!QTest::qWaitForWindowExposed(w.get()))
        return nullptr;
    QSignalSpy shown(w.get(), &ui::MainWindow::runShown);
    w->start();
    if (!shown.wait(20000))
        return nullptr;
    QTest::qWait(50); // the layout settles (docks sized after the run is shown)
    return w;
}

void TestWindowBehaviour::zoomIntoCorner(PopulationMap* map)
{
    const QRectF plot = map->visibleArea();
    for (int i = 0; i < 12; ++i)
        map->zoomBy(1.5, plot.topLeft() + QPointF(4, 4));
}

bool TestWindowBehaviour::allInView(const PopulationMap* map, const QVector<int>& ids)
{
    for (int id : ids)
        if (!map->isSampleShown(id) || !map->isInView(id)) {
            qWarning("sample %d: shown %d, at (%.1f, %.1f), visible area (%.1f, %.1f)–(%.1f, %.1f)",
                     id, map->isSampleShown(id), map->mapToScreen(id).x(), map->mapToScreen(id).y(),
                     map->visibleArea().left(), map->visibleArea().top(),
                     map->visibleArea().right(), map->visibleArea().bottom());
            return false;
        }
    return true;
}

// The defect: clicking a label-candidate row grew the window 1250 → 1453 →
// 1611 px on a 1600 px screen. Every view is raised, rows of every list are
// clicked, samples are walked; the window keeps the size the user gave it.
void TestWindowBehaviour::clickingThroughViewsNeverResizesTheWindow()
{
    const QSize size(1440, 860); // lists left of the map, in a column ~400 px wide
    auto w = openedWindow(size);
    QVERIFY(w);
    QCOMPARE(w->size(), size); // opening the run did not widen it either
    auto same = [&](const char* step) {
        QCoreApplication::processEvents();
        if (w->size() != size)
            qWarning("after %s: %d×%d, was %d×%d", step, w->width(), w->height(), size.width(),
                     size.height());
        return w->size() == size;
    };
    auto* why = w->findChild<ui::WhyPanels*>();
    QVERIFY(why);
    for (QDockWidget* dock : w->findChildren<QDockWidget*>()) {
        dock->raise();
        QVERIFY2(same(qPrintable(dock->objectName())), qPrintable(dock->objectName()));
    }

    // Label candidates: the rows, clicked.
    why->candidatesDock()->raise();
    QTRY_COMPARE_WITH_TIMEOUT(why->candidates()->state(), ui::LabelCandidatesPanel::State::Ready,
                              60000);
    auto* candidates = ui::dockPanel(why->candidatesDock())->findChild<QTableView*>();
    QVERIFY(candidates && candidates->model()->rowCount() > 5);
    for (int row = 0; row < 8; ++row) {
        clickRow(candidates, row);
        QVERIFY(w->session()->current() >= 0);
        QVERIFY2(same("a label-candidate row"), qPrintable(QString::number(row)));
    }
    // The misclassified table.
    w->findChild<QDockWidget*>(QStringLiteral("misclassified"))->raise();
    auto* table = w->findChild<ui::MisclassifiedView*>()->tableView();
    for (int row = 0; row < 8; ++row) {
        clickRow(table, row);
        QVERIFY2(same("a misclassified row"), qPrintable(QString::number(row)));
    }
    // Insights, then the per-sample views while samples change.
    why->insightsDock()->raise();
    QTRY_COMPARE_WITH_TIMEOUT(why->insights()->state(), ui::InsightsPanel::State::Ready, 60000);
    for (int i = 0; i < std::min<int>(4, static_cast<int>(why->insights()->insights().size()));
         ++i) {
        why->insights()->selectButton(i)->click();
        QVERIFY(same("an insight's Select"));
    }
    for (QDockWidget* dock : {why->heatMapDock(), why->similarDock(),
                              w->findChild<QDockWidget*>(QStringLiteral("inspector"))}) {
        dock->raise();
        for (int id : {3, 12, kTrainCount + 7, 4321})
            w->session()->setCurrent(id);
        QVERIFY2(same(qPrintable(dock->objectName())), qPrintable(dock->objectName()));
    }
    QVERIFY(w->minimumSizeHint().width() <= size.width());
}

void TestWindowBehaviour::restoredGeometryFitsTheScreen()
{
    const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
    {
        ui::MainWindow w(commandLine(m_runDir.path()));
        w.show();
        w.resize(available.width() + 700, available.height() + 300); // as the defect saved it
        QVERIFY(w.width() > available.width());
        w.close(); // saves the geometry
    }
    ui::MainWindow again(commandLine(m_runDir.path()));
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QVERIFY2(again.width() <= available.width() && again.height() <= available.height(),
             qPrintable(QStringLiteral("%1×%2 on %3×%4")
                            .arg(again.width())
                            .arg(again.height())
                            .arg(available.width())
                            .arg(available.height())));
    QVERIFY(available.contains(again.frameGeometry().topLeft()));
}

void TestWindowBehaviour::viewSelectionsComeIntoSight_data()
{
    QTest::addColumn<QString>("view");
    QTest::newRow("confusion cell") << "confusion";
    QTest::newRow("insight") << "insight";
    QTest::newRow("loss bin") << "loss bin";
    QTest::newRow("find") << "find";
}

// The defect: a view selected samples outside the map's view and the map
// showed nothing. The map is zoomed into a corner first; afterwards every
// selected sample is drawn inside the visible part of the map.
void TestWindowBehaviour::viewSelectionsComeIntoSight()
{
    QFETCH(QString, view);
    auto w = openedWindow();
    QVERIFY(w);
    PopulationMap* map = w->populationMap();
    auto* why = w->findChild<ui::WhyPanels*>();
    zoomIntoCorner(map);
    QVERIFY(!map->isFitted());

    QVector<int> wanted;
    if (view == QLatin1String("confusion")) {
        ui::ConfusionMatrixView* confusion = why->confusion();
        why->confusionDock()->raise();
        int label = -1, prediction = -1;
        for (int l = 0; l < 10 && label < 0; ++l)
            for (int p = 0; p < 10; ++p)
                if (l != p && confusion->cellCount(l, p) > 0) {
                    label = l;
                    prediction = p;
                    break;
                }
        QVERIFY(label >= 0);
        QCoreApplication::processEvents();
        const QRectF cell = confusion->cellRect(label, prediction);
        QVERIFY(!cell.isEmpty());
        QTest::mouseClick(confusion->matrixWidget(), Qt::LeftButton, {}, cell.center().toPoint());
        QCOMPARE(map->pairFilterGroundTruth(), label);
        QCOMPARE(map->pairFilterPrediction(), prediction);
        wanted = w->session()->selection();
    } else if (view == QLatin1String("insight")) {
        QTRY_COMPARE_WITH_TIMEOUT(why->insights()->state(), ui::InsightsPanel::State::Ready, 60000);
        QVERIFY(!why->insights()->insights().empty());
        why->insightsDock()->raise();
        why->insights()->selectButton(0)->click();
        wanted = w->session()->selection();
    } else if (view == QLatin1String("loss bin")) {
        auto* chart = w->findChild<ui::LossDistanceChart*>();
        w->findChild<QDockWidget*>(QStringLiteral("lossDistance"))->raise();
        QCoreApplication::processEvents();
        int bin = -1;
        for (int b = 0; b < chart->binCount() && bin < 0; ++b)
            if (chart->samplesInBin(b, ui::LossDistanceChart::BinSubset::Validation).size() >= 20 &&
                !chart->markerPosition(b, analysis::Subset::Validation).isNull())
                bin = b;
        QVERIFY(bin >= 0);
        // The click lands on the widget under the marker (the chart's view).
        const QPoint at = chart->markerPosition(bin, analysis::Subset::Validation).toPoint();
        QWidget* target = chart->childAt(at) ? chart->childAt(at) : chart;
        QTest::mouseClick(target, Qt::LeftButton, {}, target->mapFrom(chart, at));
        QCOMPARE(chart->selectedBin(), bin);
        wanted = w->session()->selection();
    } else {
        QLineEdit* find = nullptr;
        for (QLineEdit* edit : w->findChildren<QLineEdit*>())
            if (edit->placeholderText().startsWith(QStringLiteral("Find")))
                find = edit;
        QVERIFY(find);
        // A filter that hides the sample: found, it must not be a marker
        // among nothing.
        const int id = kTrainCount + 45;
        map->setPairFilter(w->session()->label(id), (w->session()->prediction(id) + 1) % 10);
        zoomIntoCorner(map);
        QVERIFY(!map->isSampleShown(id));
        find->setText(QStringLiteral("v45"));
        QTest::keyClick(find, Qt::Key_Return);
        QCOMPARE(w->session()->current(), id);
        QVERIFY(!map->hasFilters());
        wanted = {id};
    }
    QVERIFY(!wanted.isEmpty());
    QTRY_VERIFY(!map->isAnimating());
    QVERIFY(allInView(map, wanted));
}

// Already in sight: the map does not move (the user's zoom stays).
void TestWindowBehaviour::selectionInViewKeepsTheUsersZoom()
{
    auto w = openedWindow();
    QVERIFY(w);
    PopulationMap* map = w->populationMap();
    map->zoomBy(1.3, map->visibleArea().center());
    const ui::MapView before = map->view();
    QVector<int> inView;
    for (int id = 0; id < w->session()->sampleCount() && inView.size() < 30; ++id)
        if (map->isInView(id))
            inView << id;
    QCOMPARE(inView.size(), 30);
    w->session()->setSelection(inView, QStringLiteral("thirty in view"));
    QVERIFY(!map->isAnimating());
    QVERIFY(map->view() == before);

    // A rectangle drawn over the whole map, margins included (dots drawn
    // beside the plot too): the user selected what they see, nothing moves.
    const QPoint from(2, 2), to(map->width() - 3, map->height() - 3);
    QTest::mousePress(map, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(map, (from + to) / 2);
    QTest::mouseMove(map, to);
    QTest::mouseRelease(map, Qt::LeftButton, {}, to);
    QCOMPARE(w->session()->selectionDescription(), QStringLiteral("Rectangle on the map"));
    bool outsidePlot = false;
    for (int id : w->session()->selection())
        outsidePlot = outsidePlot || !map->isInView(id);
    QVERIFY(outsidePlot); // the case that must not move the map
    QVERIFY(!map->isAnimating());
    QVERIFY(map->view() == before);
}

// Filters that hide part of a view's selection are lifted, the toolbar says
// so, and the status bar says why.
void TestWindowBehaviour::selectionHiddenByFiltersLiftsThem()
{
    auto w = openedWindow();
    QVERIFY(w);
    PopulationMap* map = w->populationMap();
    QComboBox* subsetBox = comboWithTip(*w, QStringLiteral("Which subset"));
    QVERIFY(subsetBox);
    subsetBox->setCurrentIndex(1); // training set only
    map->setMisclassifiedOnly(true);
    QCOMPARE(map->subsetFilter(), ui::SubsetFilter::Train);

    auto* chart = w->findChild<ui::LossDistanceChart*>();
    int bin = -1;
    for (int b = 0; b < chart->binCount() && bin < 0; ++b)
        if (chart->samplesInBin(b, ui::LossDistanceChart::BinSubset::Validation).size() >= 20)
            bin = b;
    QVERIFY(bin >= 0);
    chart->selectBin(bin, ui::LossDistanceChart::BinSubset::Validation);
    const QVector<int> selection = w->session()->selection();
    QCOMPARE(map->subsetFilter(), ui::SubsetFilter::Both);
    QVERIFY(!map->misclassifiedOnly());     // the bin holds correct samples too
    QCOMPARE(subsetBox->currentIndex(), 0); // the toolbar follows
    QTRY_VERIFY(!map->isAnimating());
    QVERIFY(allInView(map, selection));
    QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("cleared")),
             qPrintable(w->statusBar()->currentMessage()));
}

void TestWindowBehaviour::pairFilterShowsInToolbarWithOneClickClear()
{
    auto w = openedWindow();
    QVERIFY(w);
    PopulationMap* map = w->populationMap();
    auto* why = w->findChild<ui::WhyPanels*>();
    auto* clear = w->findChild<QAction*>(QStringLiteral("clearFiltersAction"));
    QVERIFY(clear);
    QVERIFY(!clear->isEnabled());
    why->confusion()->activateCell(4, 9);
    QCOMPARE(map->pairFilterGroundTruth(), 4);
    QCOMPARE(map->pairFilterPrediction(), 9);
    QComboBox* gt = comboWithTip(*w, QStringLiteral("Show only samples of this ground-truth"));
    QComboBox* predicted = comboWithTip(*w, QStringLiteral("…predicted as"));
    QVERIFY(gt && predicted);
    QCOMPARE(gt->currentData().toInt(), 4);
    QCOMPARE(predicted->currentData().toInt(), 9);
    QVERIFY(clear->isEnabled());
    // The one click: a visible toolbar button.
    auto* bar = w->findChild<QToolBar*>(QStringLiteral("mapToolBar"));
    QWidget* button = bar->widgetForAction(clear);
    QVERIFY(button && button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(map->pairFilterGroundTruth(), -1);
    QCOMPARE(map->pairFilterPrediction(), -1);
    QVERIFY(!map->hasFilters());
    QCOMPARE(gt->currentData().toInt(), -1);
    QCOMPARE(predicted->currentData().toInt(), -1);
    QCOMPARE(map->shownCount(), w->session()->sampleCount());
    QVERIFY(!clear->isEnabled());
}

void TestWindowBehaviour::folderWithoutRunSaysWhatIsThere_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("says");
    QTest::addColumn<QStringList>("offers");
    QTest::addColumn<QStringList>("doesNotOffer");
    QTest::newRow("folder of notes")
        << "notes" << QStringList{"holds no run", "run.bin", "notes.txt"}
        << QStringList{"Train Here", "Choose Data Folder…", "Open Another Run…"}
        << QStringList{"Recompute"};
    QTest::newRow("data folder") << "data" << QStringList{"holds no run", "data folder"}
                                 << QStringList{"Train on This Data", "Choose Data Folder…"}
                                 << QStringList{"Train Here"};
    QTest::newRow("missing folder")
        << "missing" << QStringList{"does not exist"}
        << QStringList{"Train Here", "Choose Data Folder…"} << QStringList{"Recompute"};
    QTest::newRow("no data anywhere")
        << "no data" << QStringList{"holds no run"} << QStringList{"Choose Data Folder…"}
        << QStringList{"Train Here", "Recompute"};
}

// The defect: --run on a plain folder was reported as "damaged files …
// replaced", and its offer to recompute used a relative data/mnist that did
// not exist, which led to a second error.
void TestWindowBehaviour::folderWithoutRunSaysWhatIsThere()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, says);
    QFETCH(QStringList, offers);
    QFETCH(QStringList, doesNotOffer);
    QTemporaryDir scratch;
    QString folder = scratch.filePath(QStringLiteral("plain"));
    QDir().mkpath(folder);
    {
        std::ofstream(QDir(folder).filePath(QStringLiteral("notes.txt")).toStdString())
            << "hello\n";
    }
    pipeline::CommandLine cl = commandLine(scratch.filePath(QStringLiteral("out")));
    if (kind == QLatin1String("data"))
        folder = m_data.path();
    else if (kind == QLatin1String("missing"))
        folder = scratch.filePath(QStringLiteral("nothing/here"));
    else if (kind == QLatin1String("no data"))
        cl.pipeline.dataFolder = "no/such/data/mnist"; // relative, and nowhere
    cl.runDir = folder.toStdString();

    ui::MainWindow w(cl);
    w.show();
    QStringList texts, buttons;
    QAbstractButton* trainHere = nullptr;
    QTimer poll;
    connect(&poll, &QTimer::timeout, this, [&] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box)
            return;
        texts << box->text() + QLatin1Char('\n') + box->informativeText();
        for (QAbstractButton* b : box->buttons()) {
            buttons << b->text().remove(QLatin1Char('&'));
            if (b->text().remove(QLatin1Char('&')) == QLatin1String("Train Here"))
                trainHere = b;
        }
        if (trainHere && kind == QLatin1String("notes"))
            trainHere->click(); // what can work: it trains into that folder
        else
            box->reject();
    });
    poll.start(20);
    w.start();
    QTRY_VERIFY_WITH_TIMEOUT(!texts.isEmpty(), 10000);
    poll.stop();
    qInfo("%s\n  buttons: %s", qPrintable(texts.first()),
          qPrintable(buttons.join(QStringLiteral(" | "))));
    QCOMPARE(texts.size(), 1);
    QVERIFY(texts.first().contains(QDir::toNativeSeparators(folder)));
    QVERIFY2(!texts.first().contains(QStringLiteral("damaged")), qPrintable(texts.first()));
    for (const QString& s : says)
        QVERIFY2(texts.first().contains(s), qPrintable(s));
    for (const QString& o : offers)
        QVERIFY2(buttons.contains(o), qPrintable(o));
    for (const QString& o : doesNotOffer)
        for (const QString& b : buttons)
            QVERIFY2(!b.contains(o), qPrintable(b));
    if (kind == QLatin1String("notes")) {
        // Train Here trains on the data folder that exists, into the folder.
        QVERIFY(w.controller()->busy());
        QSignalSpy batches(w.controller()->worker(), &ui::PipelineWorker::batches);
        QVERIFY(batches.wait(60000));
        w.controller()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!w.controller()->busy(), 10000);
        QVERIFY(!store::hasRun(folder.toStdString()));
    } else {
        QTest::qWait(100);
        QVERIFY(!w.controller()->busy());
    }
    QVERIFY(!w.session()->hasRun());
}

// The defect: during a re-projection clicks were ignored; afterwards the
// selection was cleared and the bottom tab had switched.
void TestWindowBehaviour::reprojectionKeepsTheUsersState()
{
    auto w = openedWindow();
    QVERIFY(w);
    auto* why = w->findChild<ui::WhyPanels*>();
    PopulationMap* map = w->populationMap();
    why->confusion()->activateCell(3, 5);
    const QVector<int> selection = w->session()->selection();
    QVERIFY(!selection.isEmpty());
    map->clearFilters();
    w->session()->setCurrent(selection.first());
    why->confusionDock()->raise();
    QCoreApplication::processEvents();
    QVERIFY(!why->confusionDock()->visibleRegion().isEmpty());

    QSignalSpy shown(w.get(), &ui::MainWindow::runShown);
    QSignalSpy layouts(w->controller()->worker(), &ui::PipelineWorker::layout);
    w->reproject(QStringLiteral("umap"));
    QVERIFY(w->controller()->busy());
    QVERIFY(layouts.wait(60000)); // the map animates
    QTRY_VERIFY(map->isFitted() && !map->isAnimating());
    // A click on the moving map inspects the dot under the cursor.
    int clicked = -1;
    const QRectF area = map->visibleArea();
    for (int id = 100; id < w->session()->sampleCount() && clicked < 0; id += 37) {
        const QPoint at = map->mapToScreen(id).toPoint();
        if (area.contains(at) && map->pickAt(at) == id && id != w->session()->current()) {
            QTest::mouseClick(map, Qt::LeftButton, {}, at);
            clicked = id;
        }
    }
    QVERIFY(clicked >= 0);
    QVERIFY2(w->controller()->busy(), "the projection ended before the click");
    QCOMPARE(w->session()->current(), clicked);

    QVERIFY(shown.wait(120000));
    QCOMPARE(w->session()->selection(), selection);
    QCOMPARE(w->session()->current(), clicked);
    QCoreApplication::processEvents();
    QVERIFY(!why->confusionDock()->visibleRegion().isEmpty());
    QVERIFY(w->findChild<QDockWidget*>(QStringLiteral("lossDistance"))->visibleRegion().isEmpty());
    QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("UMAP")));
}

void TestWindowBehaviour::everySizeGivesTheMapTheMostRoom_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("resized"); // opened larger, then resized to size
    QTest::newRow("1024×700") << QSize(1024, 700) << false;
    QTest::newRow("1440×900 resized to 1024×700") << QSize(1024, 700) << true;
    QTest::newRow("1600×1000") << QSize(1600, 1000) << false;
}

void TestWindowBehaviour::everySizeGivesTheMapTheMostRoom()
{
    QFETCH(QSize, size);
    QFETCH(bool, resized);
    auto w = openedWindow(resized ? QSize(1440, 900) : size);
    QVERIFY(w);
    PopulationMap* map = w->populationMap();
    if (resized)
        w->resize(size);
    QCOMPARE(w->size(), size);
    // The docks are rearranged and balanced once the resize has been laid
    // out (a zero-timer): slower under the sanitizers.
    QTRY_VERIFY2_WITH_TIMEOUT(map->width() >= 0.4 * w->width(),
                              qPrintable(QString::number(map->width())), 10000);
    QTest::qWait(50);
    const double mapArea = double(map->width()) * map->height();
    for (QDockWidget* dock : w->findChildren<QDockWidget*>()) {
        if (dock->visibleRegion().isEmpty())
            continue;
        QVERIFY2(mapArea >= double(dock->width()) * dock->height(),
                 qPrintable(QStringLiteral("%1 is %2×%3, the map %4×%5")
                                .arg(dock->objectName())
                                .arg(dock->width())
                                .arg(dock->height())
                                .arg(map->width())
                                .arg(map->height())));
    }
    // The legend never lies over the dots (nor takes their clicks).
    const QRectF plot = map->view().plotRect;
    for (int entry = 0; entry < map->legendEntries().size(); ++entry)
        QVERIFY(!plot.intersects(map->legendEntryRect(entry)));
    // Every map control is on screen, none in the toolbar's overflow menu.
    auto* bar = w->findChild<QToolBar*>(QStringLiteral("mapToolBar"));
    QVERIFY(bar->geometry().right() <= w->width());
    auto* more = bar->findChild<QToolButton*>(QStringLiteral("qt_toolbar_ext_button"));
    QVERIFY(!more || !more->isVisible());
    for (QAction* action : bar->actions()) {
        if (action->isSeparator())
            continue;
        QWidget* widget = bar->widgetForAction(action);
        QVERIFY2(widget && widget->isVisible(), qPrintable(action->text()));
    }
    // Dock tabs show whole titles.
    for (QTabBar* tabs : w->findChildren<QTabBar*>()) {
        if (!tabs->isVisible())
            continue;
        QCOMPARE(tabs->elideMode(), Qt::ElideNone);
        for (int i = 0; i < tabs->count(); ++i)
            QVERIFY2(tabs->tabRect(i).width() >=
                         tabs->fontMetrics().horizontalAdvance(tabs->tabText(i)),
                     qPrintable(tabs->tabText(i)));
    }
    // No tab bar without tabs is left in sight (one took the clicks of the
    // tabs beneath it after a resize from 1600 to 1024 px).
    QTest::qWait(10);
    for (QTabBar* tabs : w->findChildren<QTabBar*>())
        QVERIFY2(!tabs->isVisible() || tabs->count() > 0,
                 qPrintable(QString("an empty tab bar at %1,%2")
                                .arg(tabs->geometry().x())
                                .arg(tabs->geometry().y())));
    // Every dock tab in sight answers a click: its dock comes to the front.
    for (QTabBar* tabs : w->findChildren<QTabBar*>()) {
        if (!tabs->isVisible())
            continue;
        for (int i = 0; i < tabs->count(); ++i) {
            const QPoint centre = tabs->tabRect(i).center();
            if (!tabs->rect().contains(centre) || tabs->tabAt(centre) != i)
                continue; // scrolled out of sight, or under the scroll buttons
            // Nothing lies over it (a click there reaches the tab).
            QWidget* under = w->childAt(w->mapFromGlobal(tabs->mapToGlobal(centre)));
            QVERIFY2(under == tabs || tabs->isAncestorOf(under),
                     qPrintable(tabs->tabText(i) + " is under " +
                                (under ? under->metaObject()->className() + QString(" ") +
                                             under->objectName()
                                       : QString("nothing"))));
            QTest::mouseClick(tabs, Qt::LeftButton, {}, centre);
            QVERIFY2(tabs->currentIndex() == i, qPrintable(tabs->tabText(i)));
        }
    }
    // Beside the map, the table is no wider than its columns need.
    QDockWidget* tableDock = w->findChild<QDockWidget*>(QStringLiteral("misclassified"));
    if (w->dockWidgetArea(tableDock) == Qt::LeftDockWidgetArea)
        QVERIFY(tableDock->width() <= w->findChild<ui::MisclassifiedView*>()->columnsWidth() + 24);
}

// Menus in title case, as the platforms' guidelines have them: every word
// capitalised but short joining words ("Loss vs Distance", "Export Samples
// as CSV…"); "ground-truth class" beside "Reset Map View" read as unfinished.
void TestWindowBehaviour::menusUseTitleCase()
{
    ui::rememberRecentRun(m_runDir.path()); // listed under its own (lower-case) name
    ui::MainWindow w(commandLine(m_runDir.path()));
    ui::forgetRecentRun(m_runDir.path());
    static const QStringList small{"a",  "an", "and", "as",  "at", "by", "for", "in",
                                   "of", "on", "or",  "the", "to", "vs", "with"};
    QStringList wrong;
    std::function<void(QMenu*)> walk = [&](QMenu* menu) {
        for (QAction* action : menu->actions()) {
            // Separators, and the recent runs' folder names: the user's words.
            if (action->isSeparator() ||
                (qobject_cast<ui::RecentRunsMenu*>(menu) && !action->data().toString().isEmpty()))
                continue;
            QString text = action->text().remove(QLatin1Char('&'));
            const QStringList words =
                text.split(QRegularExpression(QStringLiteral("[\\s/]+")), Qt::SkipEmptyParts);
            for (int i = 0; i < words.size(); ++i) {
                const QString& word = words[i];
                if (!word.front().isLetter() || (i > 0 && small.contains(word)))
                    continue;
                if (!word.front().isUpper())
                    wrong << menu->title().remove(QLatin1Char('&')) + QStringLiteral(" › ") + text;
            }
            if (action->menu())
                walk(action->menu());
        }
    };
    for (QAction* top : w.menuBar()->actions())
        if (top->menu())
            walk(top->menu());
    wrong.removeDuplicates();
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QStringLiteral("\n"))));
}

QTEST_MAIN(TestWindowBehaviour)
#include "tst_window_behaviour.moc"
