// The worker pool every parallel loop of core runs on, and the progress
// reporter of t-SNE and UMAP: every task runs once whatever the thread count,
// the poll runs on the calling thread only and stops a loop promptly, errors
// come back to the caller, a pool serves loop after loop; the reporter's
// fraction stays in its share and its heartbeat is rate-limited.

#include "../common/timing_budget.h"
#include "core/projection/progress_reporter.h"
#include "core/projection/worker_pool.h"

#include <QtTest>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace mnistx;
using namespace mnistx::projection;
using Clock = std::chrono::steady_clock;

class TestWorkerPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyTaskRunsOnce_data();
    void everyTaskRunsOnce();
    void pollRunsOnTheCallingThread();
    void pollStopsTheLoopPromptly();
    void runnerThrowsCancelled();
    void errorsReachTheCaller();
    void reporterFractionStaysInItsShare();
    void reporterHeartbeatIsRateLimited();
};

void TestWorkerPool::everyTaskRunsOnce_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("tasks");
    QTest::newRow("1 thread") << 1 << 1000;
    QTest::newRow("2 threads") << 2 << 1000;
    QTest::newRow("4 threads, fewer tasks") << 4 << 3;
    QTest::newRow("2 threads, one task") << 2 << 1;
    QTest::newRow("2 threads, no task") << 2 << 0;
}

void TestWorkerPool::everyTaskRunsOnce()
{
    QFETCH(int, threads);
    QFETCH(int, tasks);
    detail::WorkerPool pool(threads);
    QCOMPARE(pool.threads(), threads);
    // Loop after loop on one pool: the helpers wait for the next one.
    for (int loop = 0; loop < 200; ++loop) {
        std::vector<std::atomic<int>> runs(static_cast<std::size_t>(tasks));
        QVERIFY(pool.run(tasks, [&](int t) { ++runs[static_cast<std::size_t>(t)]; }));
        for (const auto& r : runs)
            QCOMPARE(r.load(), 1);
    }
}

void TestWorkerPool::pollRunsOnTheCallingThread()
{
    detail::WorkerPool pool(2);
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> elsewhere{false};
    int polls = 0;
    QVERIFY(pool.run(
        500, [](int) { std::this_thread::sleep_for(std::chrono::microseconds(20)); },
        [&] {
            elsewhere = elsewhere || std::this_thread::get_id() != caller;
            ++polls;
            return true;
        }));
    QVERIFY(!elsewhere);
    QVERIFY(polls > 0);
}

void TestWorkerPool::pollStopsTheLoopPromptly()
{
    detail::WorkerPool pool(2);
    std::atomic<int> started{0};
    Clock::time_point stoppedAt;
    int polls = 0;
    const bool finished = pool.run(
        100000,
        [&](int) {
            ++started;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        },
        [&] {
            if (++polls < 10)
                return true;
            stoppedAt = Clock::now();
            return false;
        });
    const double latency =
        std::chrono::duration<double, std::milli>(Clock::now() - stoppedAt).count();
    QVERIFY(!finished);
    QCOMPARE(polls, 10); // not asked again after saying stop
    QVERIFY(started.load() < 100);
    QVERIFY2(latency < 100 * test::kTimingBudgetFactor, qPrintable(QString::number(latency)));
    // The pool carries on with the next loop.
    std::atomic<int> runs{0};
    QVERIFY(pool.run(50, [&](int) { ++runs; }));
    QCOMPARE(runs.load(), 50);
}

void TestWorkerPool::runnerThrowsCancelled()
{
    detail::WorkerPool pool(2);
    const TaskRunner run = pool.runner([] { return false; });
    QVERIFY_THROWS_EXCEPTION(Cancelled, run(10, [](int) {}));
    std::atomic<int> runs{0};
    pool.runner()(10, [&](int) { ++runs; });
    QCOMPARE(runs.load(), 10);
}

void TestWorkerPool::errorsReachTheCaller()
{
    for (int threads : {1, 2}) {
        detail::WorkerPool pool(threads);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, pool.run(100, [](int t) {
            if (t == 37)
                throw std::runtime_error("task 37");
        }));
        QVERIFY_THROWS_EXCEPTION(
            std::logic_error,
            pool.run(
                100, [](int) {}, []() -> bool { throw std::logic_error("poll"); }));
        std::atomic<int> runs{0};
        QVERIFY(pool.run(100, [&](int) { ++runs; }));
        QCOMPARE(runs.load(), 100);
    }
}

void TestWorkerPool::reporterFractionStaysInItsShare()
{
    std::vector<ProjectionProgress> seen;
    const ProgressCallback callback = [&](const ProjectionProgress& p) {
        seen.push_back(p);
        return true;
    };
    detail::ProgressReporter reporter(callback);
    reporter.setShare(0.25, 0.5);
    reporter.setStage("graph", 4);
    reporter.report();
    reporter.setIteration(2);
    reporter.report();
    reporter.setIteration(9); // past the end: the slice's end, no further
    reporter.report();
    QCOMPARE(int(seen.size()), 3);
    QCOMPARE(seen[0].stage, std::string("graph"));
    QCOMPARE(seen[0].fraction, 0.25);
    QCOMPARE(seen[1].fraction, 0.375);
    QCOMPARE(seen[1].iteration, 2);
    QCOMPARE(seen[1].totalIterations, 4);
    QCOMPARE(seen[2].fraction, 0.5);
    QVERIFY(seen[2].layout == nullptr);
}

void TestWorkerPool::reporterHeartbeatIsRateLimited()
{
    int calls = 0;
    bool carryOn = true;
    const ProgressCallback callback = [&](const ProjectionProgress&) {
        ++calls;
        return carryOn;
    };
    detail::ProgressReporter reporter(callback);
    reporter.setStage("optimise", 10);
    // Polled in a tight loop for ~3 poll intervals: a handful of calls, not thousands.
    const auto until = Clock::now() + 3 * detail::kPollInterval;
    while (Clock::now() < until)
        QVERIFY(reporter.heartbeat());
    QVERIFY2(calls >= 1 && calls <= 4, qPrintable(QString::number(calls)));
    carryOn = false;
    QVERIFY_THROWS_EXCEPTION(Cancelled, reporter.report());
    // An empty callback never cancels and is never polled.
    const ProgressCallback none;
    detail::ProgressReporter silent(none);
    QVERIFY(!silent.poll());
    QVERIFY(silent.call());
}

QTEST_GUILESS_MAIN(TestWorkerPool)
#include "tst_worker_pool.moc"
