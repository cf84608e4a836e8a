// The worker thread behind the window: training runs off the GUI thread (the
// event loop never stalls more than 50 ms), Cancel stops it and leaves the
// controller usable, a stored run opens, a damaged one is refused.
#include "../common/idx_test_files.h"
#include "../core/mnist_fixture.h"
#include "ui/workers/run_controller.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <fstream>

using namespace mnistx;

class TestRunController : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void guiNeverStallsDuringTraining();
    void cancelStopsTrainingAndControllerStaysUsable();
    void storedRunOpens();
    void damagedRunIsRefused();
    void destroyingDuringTrainingExitsPromptly();

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
    QVERIFY2(worstGap <= 50, qPrintable(QString("GUI stalled %1 ms").arg(worstGap)));

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

QTEST_MAIN(TestRunController)
#include "tst_run_controller.moc"
