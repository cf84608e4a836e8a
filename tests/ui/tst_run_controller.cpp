// The worker thread behind the window: training runs off the GUI thread (the
// event loop never stalls more than 50 ms), Cancel stops it and leaves the
// controller usable (also cancelled and restarted again and again), a stored
// run opens, a damaged one is refused, and destroying the controller in any
// stage (training, analysis, projection, saving) returns within 2 s.
#include "../common/idx_test_files.h"
#include "../common/timing_budget.h"
#include "../core/mnist_fixture.h"
#include "core/store/run_store.h"
#include "ui/workers/run_controller.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <fstream>

using namespace mnistx;

class TestRunController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void guiNeverStallsDuringTraining();
    void cancelStopsTrainingAndControllerStaysUsable();
    void storedRunOpens();
    void damagedRunIsRefused();
    void destroyingDuringTrainingExitsPromptly();
    void cancelAndRestartRepeatedly();
    void destroyingInEveryStageExitsPromptly_data();
    void destroyingInEveryStageExitsPromptly();
    void destroyingWhileSavingLeavesWholeRunOrNone();

private:
    pipeline::PipelineConfig smallConfig(const QString& outDir, int epochs) const;
    QTemporaryDir m_dataDir;
    QTemporaryDir m_runDir;
};

void TestRunController::initTestCase()
{
    MNISTX_REQUIRE_MNIST(mnist);
    // 6,000 + 1,000 samples: a real pipeline run in a few seconds.
    testing::writeMnistSubset(*mnist, 6000, 1000, m_dataDir.path().toStdString());
}

pipeline::PipelineConfig TestRunController::smallConfig(const QString& outDir, int epochs) const
{
    pipeline::PipelineConfig c;
    c.dataFolder = m_dataDir.path().toStdString();
    c.outDir = outDir.toStdString();
    c.train.epochs = epochs;
    c.retrain = true;
    return c;
}

void TestRunController::guiNeverStallsDuringTraining()
{
    ui::RunController controller;
    QSignalSpy finished(controller.worker(), &ui::PipelineWorker::finished);
    QSignalSpy failed(controller.worker(), &ui::PipelineWorker::failed);
    QSignalSpy batches(controller.worker(), &ui::PipelineWorker::batches);
    QSignalSpy epochs(controller.worker(), &ui::PipelineWorker::epoch);

    // A 5 ms timer on the GUI thread; the largest gap between its ticks
    // while the worker trains is the longest the window could freeze.
    QElapsedTimer clock;
    qint64 last = -1, worstGap = 0;
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        if (last >= 0 && !batches.isEmpty() && finished.isEmpty())
            worstGap = std::max(worstGap, now - last);
        last = now;
        ++ticks;
    });
    clock.start();
    ticker.start();
    controller.startPipeline(smallConfig(m_runDir.path(), 2));
    QVERIFY(controller.busy());
    QVERIFY2(finished.wait(180000) || !finished.isEmpty(),
             failed.isEmpty() ? "timeout" : qPrintable(failed.first().first().toString()));
    ticker.stop();
    QVERIFY(!controller.busy());
    QCOMPARE(epochs.count(), 2);
    QVERIFY(batches.count() > 0);
    QVERIFY(ticks > 100);
    qInfo("largest GUI-thread gap while training: %lld ms over %d ticks", worstGap, ticks);
    // ASan: 93 ms measured in CI with another process busy on the second core.
    QVERIFY2(worstGap <= 50 * test::kTimingBudgetFactor,
             qPrintable(QString("GUI stalled %1 ms").arg(worstGap)));

    const auto run = finished.first().at(0).value<ui::RunPtr>();
    const auto data = finished.first().at(1).value<ui::DataPtr>();
    QVERIFY(run && data);
    QCOMPARE(run->train.sampleCount(), 6000);
    QCOMPARE(run->validation.sampleCount(), 1000);
    QCOMPARE(data->train.count, 6000);
    QVERIFY(run->validation.accuracy > 0.9);
}

void TestRunController::cancelStopsTrainingAndControllerStaysUsable()
{
    QTemporaryDir out;
    ui::RunController controller;
    QSignalSpy batches(controller.worker(), &ui::PipelineWorker::batches);
    QSignalSpy cancelled(controller.worker(), &ui::PipelineWorker::cancelled);
    QSignalSpy finished(controller.worker(), &ui::PipelineWorker::finished);
    controller.startPipeline(smallConfig(out.path(), 20));
    QVERIFY(batches.wait(60000));
    QElapsedTimer t;
    t.start();
    controller.cancel();
    QVERIFY(cancelled.wait(5000));
    qInfo("cancel acknowledged after %lld ms", t.elapsed());
    QVERIFY(t.elapsed() < 2000);
    QVERIFY(!controller.busy());
    QVERIFY(finished.isEmpty());
    // Nothing half-written was stored.
    QVERIFY(!QFile::exists(out.filePath("run.bin")));

    // The controller takes the next job.
    controller.startPipeline(smallConfig(out.path(), 1));
    QVERIFY(finished.wait(180000));
    QVERIFY(QFile::exists(out.filePath("run.bin")));
}

void TestRunController::storedRunOpens()
{
    QVERIFY2(QFile::exists(m_runDir.filePath("run.bin")), "guiNeverStallsDuringTraining stores it");
    ui::RunController controller;
    QSignalSpy finished(controller.worker(), &ui::PipelineWorker::finished);
    QElapsedTimer t;
    t.start();
    controller.openRun(m_runDir.path());
    QVERIFY(finished.wait(10000));
    qInfo("stored run opened in %lld ms", t.elapsed());
    const auto run = finished.first().at(0).value<ui::RunPtr>();
    QCOMPARE(run->train.sampleCount(), 6000);
    QVERIFY(finished.first().at(1).value<ui::DataPtr>());
    QCOMPARE(finished.first().at(2).toString(), m_runDir.path());
}

void TestRunController::damagedRunIsRefused()
{
    QTemporaryDir dir;
    {
        std::ofstream f(dir.filePath("run.bin").toStdString(), std::ios::binary);
        f << "MNXRUN01 but then nothing sensible";
    }
    ui::RunController controller;
    QSignalSpy failed(controller.worker(), &ui::PipelineWorker::failed);
    controller.openRun(dir.path());
    QVERIFY(failed.wait(10000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains("run.bin"), qPrintable(message));
    QVERIFY(!controller.busy());
}

void TestRunController::destroyingDuringTrainingExitsPromptly()
{
    QTemporaryDir out;
    QElapsedTimer t;
    {
        ui::RunController controller;
        QSignalSpy batches(controller.worker(), &ui::PipelineWorker::batches);
        controller.startPipeline(smallConfig(out.path(), 20));
        QVERIFY(batches.wait(60000));
        t.start();
    } // the destructor cancels and joins the thread
    qInfo("controller destroyed %lld ms after the request", t.elapsed());
    QVERIFY(t.elapsed() < 2000);
}

void TestRunController::cancelAndRestartRepeatedly()
{
    QTemporaryDir out;
    ui::RunController controller;
    QSignalSpy batches(controller.worker(), &ui::PipelineWorker::batches);
    QSignalSpy cancelled(controller.worker(), &ui::PipelineWorker::cancelled);
    QSignalSpy finished(controller.worker(), &ui::PipelineWorker::finished);
    QSignalSpy failed(controller.worker(), &ui::PipelineWorker::failed);
    constexpr int kCycles = 6;
    for (int i = 0; i < kCycles; ++i) {
        batches.clear();
        controller.startPipeline(smallConfig(out.path(), 20));
        QVERIFY2(batches.wait(60000), qPrintable(QStringLiteral("cycle %1: no batch").arg(i)));
        controller.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), i + 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!controller.busy(), 5000);
    }
    QVERIFY(finished.isEmpty());
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    // Still usable: a whole run to the end.
    controller.startPipeline(smallConfig(out.path(), 1));
    QVERIFY2(finished.wait(180000) || !finished.isEmpty(),
             failed.isEmpty() ? "timeout" : qPrintable(failed.first().first().toString()));
    QCOMPARE(cancelled.size(), kCycles);
}

void TestRunController::destroyingInEveryStageExitsPromptly_data()
{
    QTest::addColumn<QString>("stage");
    QTest::newRow("training") << "train";
    QTest::newRow("analysis") << "analyse";
    QTest::newRow("projection") << "project";
}

void TestRunController::destroyingInEveryStageExitsPromptly()
{
    QFETCH(QString, stage);
    QTemporaryDir out;
    QElapsedTimer t;
    bool reached = false;
    {
        ui::RunController controller;
        QSignalSpy finished(controller.worker(), &ui::PipelineWorker::finished);
        // Queued from the worker: by the time it arrives here the worker is in
        // that stage or past it; "reached" records that it got there. The
        // controller is the context: stage changes still queued when it is
        // destroyed are dropped with it, instead of reaching this lambda
        // after `reached` has gone out of scope (UBSan found that).
        connect(controller.worker(), &ui::PipelineWorker::stageChanged, &controller,
                [&](const QString& s) { reached = reached || s == stage; });
        controller.startPipeline(smallConfig(out.path(), 1));
        QTRY_VERIFY_WITH_TIMEOUT(reached || !finished.isEmpty(), 120000);
        QVERIFY2(reached, "the pipeline finished before the stage was seen");
        t.start();
    } // the destructor cancels and joins the thread
    qInfo("destroyed during %s %lld ms after the request", qPrintable(stage), t.elapsed());
    QVERIFY(t.elapsed() < 2000);
}

void TestRunController::destroyingWhileSavingLeavesWholeRunOrNone()
{
    ui::RunPtr run;
    {
        QTemporaryDir source;
        ui::RunController controller;
        QSignalSpy finished(controller.worker(), &ui::PipelineWorker::finished);
        controller.startPipeline(smallConfig(source.path(), 1));
        QVERIFY(finished.wait(180000) || !finished.isEmpty());
        run = finished.first().first().value<ui::RunPtr>();
    }
    QVERIFY(run);
    QTemporaryDir out;
    QElapsedTimer t;
    {
        ui::RunController controller;
        controller.saveRun(run, out.path());
        t.start();
    } // destroyed while (or before) the worker saves
    qInfo("destroyed during a save %lld ms after the request", t.elapsed());
    QVERIFY(t.elapsed() < 2000);
    // The folder holds the whole run or none: never half of one.
    if (QFileInfo::exists(out.filePath(QStringLiteral("run.bin")))) {
        const store::RunData loaded = store::loadRun(out.path().toStdString());
        QCOMPARE(loaded.train.sampleCount(), run->train.sampleCount());
    }
}

QTEST_MAIN(TestRunController)
#include "tst_run_controller.moc"
