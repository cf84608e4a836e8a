// The training dashboard under a realistic report stream: thousands of batch
// reports are coalesced into one replot, every series stays within the point
// budget (spikes survive the downsampling), progress/ETA/status follow the
// last report, Cancel emits cancelRequested, a stored history is shown.
#include "ui/charts/chart_view.h"
#include "ui/charts/downsample.h"
#include "ui/charts/training_dashboard.h"
#include "../common/timing_budget.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace mnistx;
using Curve = ui::TrainingDashboard::Curve;

namespace {

constexpr int kEpochs = 3;
constexpr int kBatchesPerEpoch = 1000;
constexpr int kBatchSize = 64;

// Loss decaying from 2.3 towards 0.03 with multiplicative noise; running
// accuracy rising from chance; throughput and ETA as the trainer reports them.
training::BatchReport batchReport(int epoch, int batch, std::mt19937& rng)
{
    std::normal_distribution<double> noise(0.0, 0.25);
    const int global = epoch * kBatchesPerEpoch + batch;
    const double t = static_cast<double>(global) / (kEpochs * kBatchesPerEpoch);
    training::BatchReport r;
    r.epoch = epoch;
    r.batch = batch;
    r.batchesPerEpoch = kBatchesPerEpoch;
    r.samplesSeen = static_cast<long long>(global + 1) * kBatchSize;
    r.loss = (0.03 + 2.27 * std::exp(-12.0 * t)) * std::exp(noise(rng));
    r.runningLoss = 0.03 + 2.27 * std::exp(-12.0 * t);
    r.runningAccuracy = std::min(0.995, 0.1 + 0.9 * (1.0 - std::exp(-15.0 * t)));
    r.samplesPerSecond = 12345.0;
    r.elapsedSeconds = (global + 1) * kBatchSize / r.samplesPerSecond;
    r.etaSeconds = (kEpochs * kBatchesPerEpoch - global - 1) * kBatchSize / r.samplesPerSecond;
    return r;
}

training::EpochReport epochReport(int epoch)
{
    training::EpochReport e;
    e.epoch = epoch;
    e.trainLoss = 0.3 / (epoch + 1);
    e.trainAccuracy = 0.9 + 0.03 * epoch;
    e.validationLoss = 0.25 / (epoch + 1);
    e.validationAccuracy = 0.92 + 0.025 * epoch;
    e.seconds = 5.0;
    return e;
}

} // namespace

class TestTrainingDashboard : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void thousandsOfBatchesCoalesceIntoBudgetedSeries();
    void progressEtaAndStatusFollowTheLastReport();
    void cancelButtonEmitsCancelRequested();
    void longFailureMessageWrapsInsteadOfWidening();
    void stagesShowTheirProgress();
    void storedHistoryIsShown();
    void downsamplingKeepsEnvelopeAndEnds();
    void durationsAreFormatted_data();
    void durationsAreFormatted();
};

void TestTrainingDashboard::thousandsOfBatchesCoalesceIntoBudgetedSeries()
{
    ui::TrainingDashboard dashboard;
    dashboard.resize(1280, 500);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    dashboard.reset(kEpochs, kBatchesPerEpoch);
    const int replotsBefore = dashboard.replotCount();

    std::mt19937 rng(7);
    double spike = 0.0;
    for (int e = 0; e < kEpochs; ++e) {
        for (int b = 0; b < kBatchesPerEpoch; ++b) {
            training::BatchReport r = batchReport(e, b, rng);
            if (e == 1 && b == 234) {
                r.loss = 9.5; // one diverging batch: must stay visible after downsampling
                spike = r.loss;
            }
            dashboard.addBatch(r);
        }
        dashboard.addEpoch(epochReport(e));
    }
    // addBatch/addEpoch only stored: nothing replotted yet.
    QCOMPARE(dashboard.replotCount(), replotsBefore);
    QCOMPARE(dashboard.batchCount(), kEpochs * kBatchesPerEpoch);
    QVERIFY(dashboard.plottedPoints(Curve::BatchLoss).isEmpty());

    // One replot after the coalescing timer, not 3,003.
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.replotCount(), replotsBefore + 1, 2000);
    QTest::qWait(3 * ui::TrainingDashboard::kReplotDelayMs);
    QCOMPARE(dashboard.replotCount(), replotsBefore + 1);

    for (Curve c : {Curve::BatchLoss, Curve::EpochTrainLoss, Curve::EpochValidationLoss,
                    Curve::BatchAccuracy, Curve::EpochTrainAccuracy, Curve::EpochValidationAccuracy})
        QVERIFY2(dashboard.plottedPoints(c).size() <= ui::TrainingDashboard::kMaxPlottedPoints,
                 qPrintable(QString::number(dashboard.plottedPoints(c).size())));

    const QList<QPointF> loss = dashboard.plottedPoints(Curve::BatchLoss);
    QVERIFY(loss.size() >= ui::TrainingDashboard::kMaxPlottedPoints - 2);
    // x in epochs: the first batch at 1/1000, the last at exactly 3.
    QCOMPARE(loss.front().x(), 1.0 / kBatchesPerEpoch);
    QCOMPARE(loss.back().x(), 3.0);
    QVERIFY(std::is_sorted(loss.begin(), loss.end(),
                           [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
    const double maxPlotted =
        std::max_element(loss.begin(), loss.end(), [](auto a, auto b) { return a.y() < b.y(); })->y();
    QCOMPARE(maxPlotted, spike);

    QCOMPARE(dashboard.plottedPoints(Curve::EpochTrainLoss).size(), kEpochs);
    QCOMPARE(dashboard.plottedPoints(Curve::EpochValidationAccuracy).size(), kEpochs);
    QCOMPARE(dashboard.plottedPoints(Curve::EpochValidationLoss).back(), QPointF(3.0, 0.25 / 3));
    QCOMPARE(dashboard.plottedPoints(Curve::EpochValidationAccuracy).front(), QPointF(1.0, 92.0));

    // A replot of 3,000 batches costs the GUI thread a few ms, not a frame.
    qInfo("replot of %d batches: %.2f ms", dashboard.batchCount(), dashboard.lastReplotMs());
    QVERIFY2(dashboard.lastReplotMs() < 30.0 * test::kTimingBudgetFactor,
             qPrintable(QString::number(dashboard.lastReplotMs())));
    QVERIFY(dashboard.lossChart()->leftAxisLogarithmic());
}

void TestTrainingDashboard::progressEtaAndStatusFollowTheLastReport()
{
    ui::TrainingDashboard dashboard;
    dashboard.reset(kEpochs, kBatchesPerEpoch);
    QCOMPARE(dashboard.statusText(), QStringLiteral("training epoch 1/3"));
    QCOMPARE(dashboard.progressBar()->value(), 0);

    std::mt19937 rng(3);
    training::BatchReport last;
    for (int i = 0; i < 1500; ++i) {
        last = batchReport(i / kBatchesPerEpoch, i % kBatchesPerEpoch, rng);
        dashboard.addBatch(last);
    }
    dashboard.addEpoch(epochReport(0));
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.plottedPoints(Curve::BatchLoss).size(), 1500, 2000);
    // 1,500 of 3,000 batches; 1,500 × 64 samples left at 12,345/s = 7.8 s.
    QCOMPARE(dashboard.progressBar()->value(), dashboard.progressBar()->maximum() / 2);
    QCOMPARE(dashboard.progressBar()->text(), QStringLiteral("50%"));
    QCOMPARE(dashboard.etaText(), QStringLiteral("ETA 0:08"));
    QVERIFY2(dashboard.throughputText().startsWith(QLocale().toString(12345)),
             qPrintable(dashboard.throughputText()));
    QVERIFY2(dashboard.statusText().startsWith(QStringLiteral("training epoch 2/3")), qPrintable(dashboard.statusText()));
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("validation accuracy 92.00 %")),
             qPrintable(dashboard.statusText()));

    training::BatchReport late = last;
    late.epoch = 2;
    late.batch = 999;
    late.etaSeconds = 14.4;
    dashboard.addBatch(late);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.plottedPoints(Curve::BatchLoss).size(), 1501, 2000);
    QCOMPARE(dashboard.etaText(), QStringLiteral("ETA 0:14"));
    QCOMPARE(dashboard.progressBar()->value(), dashboard.progressBar()->maximum());
    QVERIFY(dashboard.statusText().startsWith(QStringLiteral("training epoch 3/3")));

    dashboard.setFinished(QStringLiteral("done: validation accuracy 0.991"));
    QCOMPARE(dashboard.statusText(), QStringLiteral("done: validation accuracy 0.991"));
    QVERIFY(dashboard.etaText().isEmpty());
    QVERIFY(!dashboard.cancelButton()->isEnabled());
}

void TestTrainingDashboard::cancelButtonEmitsCancelRequested()
{
    ui::TrainingDashboard dashboard;
    QSignalSpy spy(&dashboard, &ui::TrainingDashboard::cancelRequested);
    QVERIFY(!dashboard.cancelButton()->isEnabled()); // nothing to cancel yet
    dashboard.reset(1, 10);
    QVERIFY(dashboard.cancelButton()->isEnabled());
    QTest::mouseClick(dashboard.cancelButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    // Pressed once: disabled until the run ends, so a second click cannot queue.
    QVERIFY(!dashboard.cancelButton()->isEnabled());
    QTest::mouseClick(dashboard.cancelButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    dashboard.setFinished(QStringLiteral("cancelled"));
    dashboard.reset(1, 10);
    QVERIFY(dashboard.cancelButton()->isEnabled());
    QCOMPARE(dashboard.cancelButton()->text(), QStringLiteral("Cancel"));
}

// A failure names the file and the problem in one long line. The dashboard
// (a dock) wraps it: before, its minimum width grew with the text and
// pushed the main window past the screen's edge, and that width was saved.
void TestTrainingDashboard::longFailureMessageWrapsInsteadOfWidening()
{
    ui::TrainingDashboard dashboard;
    dashboard.setFinished(QStringLiteral("Failed: no such folder"));
    const int shortWidth = dashboard.minimumSizeHint().width();
    const QString message =
        QStringLiteral("Failed: /home/someone/data/mnist/train-labels-idx1-ubyte: label 10 at "
                       "index 10 is out of range 0..9; the labels go up to 25, as in a dataset "
                       "of 26 classes: is this the labels file of another dataset?");
    dashboard.setFinished(message);
    QCOMPARE(dashboard.statusText(), message); // all of it, not elided
    QVERIFY2(dashboard.minimumSizeHint().width() <= shortWidth + 20,
             qPrintable(QStringLiteral("%1 px wide for the long message, %2 px for a short one")
                            .arg(dashboard.minimumSizeHint().width())
                            .arg(shortWidth)));
}

void TestTrainingDashboard::stagesShowTheirProgress()
{
    ui::TrainingDashboard dashboard;
    dashboard.reset(1, 10);
    dashboard.setStage(QStringLiteral("analyse"), 0.61);
    QCOMPARE(dashboard.statusText(), QStringLiteral("analysing 61%"));
    QCOMPARE(dashboard.progressBar()->text(), QStringLiteral("61%"));
    dashboard.setStage(QStringLiteral("project"), -1.0);
    QCOMPARE(dashboard.statusText(), QStringLiteral("projecting"));
    QCOMPARE(dashboard.progressBar()->maximum(), 0); // busy indicator
    dashboard.setFinished(QStringLiteral("ready"));
    QVERIFY(dashboard.progressBar()->maximum() > 0);
}

void TestTrainingDashboard::storedHistoryIsShown()
{
    training::TrainingHistory history;
    std::mt19937 rng(5);
    for (int e = 0; e < kEpochs; ++e) {
        for (int b = 0; b < kBatchesPerEpoch; ++b)
            history.batches.push_back(batchReport(e, b, rng));
        history.epochs.push_back(epochReport(e));
    }
    history.seconds = 42.0;
    ui::TrainingDashboard dashboard;
    dashboard.setHistory(history);
    // Shown at once (no live run to coalesce).
    QCOMPARE(dashboard.plottedPoints(Curve::EpochTrainAccuracy).size(), kEpochs);
    QVERIFY(dashboard.plottedPoints(Curve::BatchAccuracy).size() <= ui::TrainingDashboard::kMaxPlottedPoints);
    QVERIFY(!dashboard.plottedPoints(Curve::BatchAccuracy).isEmpty());
    QCOMPARE(dashboard.progressBar()->value(), dashboard.progressBar()->maximum());
    QVERIFY(!dashboard.cancelButton()->isEnabled());
    QVERIFY(dashboard.etaText().isEmpty());
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("3 epochs")), qPrintable(dashboard.statusText()));
}

void TestTrainingDashboard::downsamplingKeepsEnvelopeAndEnds()
{
    std::vector<QPointF> points;
    for (int i = 0; i < 10000; ++i)
        points.emplace_back(i, std::sin(i * 0.01));
    points[5000].setY(-7.0);
    const QList<QPointF> out = ui::downsampleMinMax(points, 2000);
    QVERIFY(out.size() <= 2000);
    QCOMPARE(out.front(), points.front());
    QCOMPARE(out.back(), points.back());
    QVERIFY(out.contains(points[5000]));
    // Short curves pass through unchanged.
    const std::vector<QPointF> few(points.begin(), points.begin() + 100);
    QCOMPARE(ui::downsampleMinMax(few, 2000).size(), 100);
}

void TestTrainingDashboard::durationsAreFormatted_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("14 s") << 14.2 << QStringLiteral("0:14");
    QTest::newRow("rounds") << 59.6 << QStringLiteral("1:00");
    QTest::newRow("minutes") << 725.0 << QStringLiteral("12:05");
    QTest::newRow("hours") << 3729.0 << QStringLiteral("1:02:09");
    QTest::newRow("negative") << -1.0 << QStringLiteral("–");
    QTest::newRow("nan") << std::nan("") << QStringLiteral("–");
}

void TestTrainingDashboard::durationsAreFormatted()
{
    QFETCH(double, seconds);
    QFETCH(QString, text);
    QCOMPARE(ui::formatDuration(seconds), text);
}

QTEST_MAIN(TestTrainingDashboard)
#include "tst_training_dashboard.moc"
