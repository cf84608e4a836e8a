// Window responsiveness benchmark, printed as "key value" lines for
// tests/bench/run_window_bench.sh: the main window opens a stored run
// (--run DIR, e.g. a million rows of embeddings) and is driven the way a
// person drives it, while a 5 ms timer on the GUI thread measures the
// longest time the event loop went without running it (a "stall": what a
// person feels as a frozen window). Per phase:
//   stall_<phase>_ms: the longest gap between two ticks during the phase.
//   seconds_<phase>: how long the phase took.
// Phases: open (from start() until the views show the run), settle (the
// background work after it: metadata, label candidates, the neighbour
// index, up to --settle seconds), hover (200 mouse moves over the map),
// click (20 clicks on dots: the inspector follows), select (a rectangle over
// the left third of the map: the gallery and its summary follow), gallery
// (scrolling the selection to its end), filter (misclassified only, one
// subset, back), zoom (in and out around a dot), table (sorting the
// misclassified table by each of its first columns), similar (the similar
// samples of five dots, once the index is there). Target: no stall over
// 100 ms.
//
//   bench_window --run DIR [--settle SECONDS] [--size 1600x1000]
#include "core/pipeline/command_line.h"
#include "ui/explorer_session.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/workers/run_controller.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace mnistx;

namespace
{

// The longest gap between two ticks of a 5 ms timer since restart().
class StallMeter
{
public:
    StallMeter()
    {
        QObject::connect(&m_ticker, &QTimer::timeout,
                         [this] { m_longest = std::max(m_longest, m_sinceTick.restart()); });
        m_ticker.start(5);
        m_sinceTick.start();
    }
    void restart()
    {
        QCoreApplication::processEvents();
        m_longest = 0;
        m_sinceTick.restart();
        m_phase.restart();
    }
    // The phase's figures, printed; the longest stall is returned.
    qint64 report(const char* phase)
    {
        // A gap still open counts too.
        const qint64 longest = std::max(m_longest, m_sinceTick.elapsed());
        std::printf("stall_%s_ms %lld\nseconds_%s %.3f\n", phase, static_cast<long long>(longest),
                    phase, m_phase.elapsed() / 1000.0);
        std::fflush(stdout);
        return longest;
    }

private:
    QTimer m_ticker;
    QElapsedTimer m_sinceTick, m_phase;
    qint64 m_longest = 0;
};

// Waits (the event loop running) until done() or `seconds` have passed.
template <typename Done> bool waitFor(Done done, double seconds)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > seconds * 1000)
            return false;
        QTest::qWait(20);
    }
    return true;
}

// Dots on top under points spread over the map (at a million dots most
// lie under others: the one a click inspects is the one on top).
struct Dot {
    int id;
    QPoint at;
};
std::vector<Dot> shownDots(const ui::PopulationMap& map, int wanted)
{
    std::vector<Dot> dots;
    for (int i = 0; i < wanted * 20 && static_cast<int>(dots.size()) < wanted; ++i) {
        const QPoint p(map.width() * (i % 23 + 1) / 24, map.height() * (i / 23 % 17 + 1) / 18);
        const int id = map.pickAt(p);
        if (id >= 0 && std::none_of(dots.begin(), dots.end(), [id](Dot d) { return d.id == id; }))
            dots.push_back({id, p});
    }
    return dots;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QString run;
    double settle = 300.0;
    QSize size(1600, 1000);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--run"))
            run = QString::fromLocal8Bit(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--settle"))
            settle = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--size"))
            std::sscanf(argv[i + 1], "%dx%d", &size.rwidth(), &size.rheight());
    }
    if (run.isEmpty()) {
        std::fprintf(stderr, "usage: bench_window --run DIR [--settle SECONDS] [--size WxH]\n");
        return 2;
    }

    pipeline::CommandLine cl;
    cl.runDir = run.toStdString();
    ui::MainWindow window(cl);
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        std::fprintf(stderr, "the window was not shown\n");
        return 1;
    }
    StallMeter meter;
    qint64 worst = 0;
    const auto phase = [&](const char* name) { worst = std::max(worst, meter.report(name)); };

    meter.restart();
    QSignalSpy shown(&window, &ui::MainWindow::runShown);
    window.start();
    if (!shown.wait(600000)) {
        std::fprintf(stderr, "the run did not open within 10 minutes\n");
        return 1;
    }
    phase("open");
    ui::ExplorerSession* session = window.session();
    ui::PopulationMap* map = window.populationMap();
    const int n = session->sampleCount();
    std::printf("samples %d\n", n);

    meter.restart();
    waitFor([&] { return !window.controller()->busy() && map->isFitted(); }, settle);
    QTest::qWait(static_cast<int>(std::min(settle, 3.0) * 1000));
    phase("settle");

    meter.restart();
    for (int i = 0; i < 200; ++i) {
        const QPoint p(map->width() * (i % 20 + 1) / 22, map->height() * (i / 20 + 1) / 12);
        QTest::mouseMove(map, p);
        QTest::qWait(5);
    }
    phase("hover");

    const std::vector<Dot> dots = shownDots(*map, 20);
    std::printf("clickable_dots %zu\n", dots.size());
    meter.restart();
    int followed = 0;
    for (const Dot& dot : dots) {
        QTest::mouseClick(map, Qt::LeftButton, {}, dot.at);
        QTest::qWait(20);
        followed += session->current() == dot.id;
    }
    phase("click");
    std::printf("clicks_inspected_the_dot %d\n", followed);

    meter.restart();
    const QPoint from(2, 2), to(map->width() / 3, map->height() - 2);
    QTest::mousePress(map, Qt::LeftButton, Qt::ShiftModifier, from);
    for (int s = 1; s <= 10; ++s)
        QTest::mouseMove(map, from + (to - from) * s / 10);
    QTest::mouseRelease(map, Qt::LeftButton, Qt::ShiftModifier, to);
    QTest::qWait(300);
    phase("select");
    std::printf("selected %d\n", static_cast<int>(session->selection().size()));

    meter.restart();
    for (QAbstractItemView* view : window.findChildren<QAbstractItemView*>()) {
        if (!view->isVisible() || !view->model() || view->model()->rowCount() < 100)
            continue;
        QScrollBar* bar = view->verticalScrollBar();
        for (int s = 0; s <= 20; ++s) {
            bar->setValue(bar->minimum() + (bar->maximum() - bar->minimum()) * s / 20);
            QTest::qWait(10);
        }
    }
    phase("gallery");

    meter.restart();
    map->setMisclassifiedOnly(true);
    QTest::qWait(100);
    map->setSubsetFilter(ui::SubsetFilter::Validation);
    QTest::qWait(100);
    map->clearFilters();
    QTest::qWait(100);
    phase("filter");

    meter.restart();
    const QPointF anchor = dots.empty() ? QPointF(map->rect().center()) : QPointF(dots[0].at);
    for (int z = 0; z < 8; ++z) {
        map->zoomBy(1.5, anchor);
        QTest::qWait(30);
    }
    map->resetView();
    QTest::qWait(300);
    phase("zoom");

    meter.restart();
    for (QTableView* table : window.findChildren<QTableView*>()) {
        if (!table->model() || table->model()->rowCount() < 100 || !table->isSortingEnabled())
            continue;
        for (int c = 0; c < std::min(4, table->model()->columnCount()); ++c) {
            table->sortByColumn(c, Qt::DescendingOrder);
            QTest::qWait(20);
        }
    }
    phase("table");

    meter.restart();
    for (std::size_t i = 0; i < std::min<std::size_t>(5, dots.size()); ++i) {
        session->setCurrent(dots[i].id);
        QTest::qWait(200);
    }
    phase("similar");

    std::printf("worst_stall_ms %lld\n", static_cast<long long>(worst));
    window.close();
    return 0;
}
