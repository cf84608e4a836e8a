// The training dashboard under a realistic report stream: thousands of batch
// reports are coalesced into one replot, every series stays within the point
// budget (spikes survive the downsampling), progress/ETA/status follow the
// last report, Cancel emits cancelRequested, a stored history is shown.
// As a user reads it: the ETA counts down smoothly through noisy timings, no
// live throughput or ETA outlives training, the projection's progress never
// goes back (driven by the real worker), the sanity line fits a narrow dock
// and the chart legends show whole names at the dock's default size.
#include "../common/clustered_run.h"
#include "../common/timing_budget.h"
#include "ui/charts/chart_view.h"
#include "ui/charts/downsample.h"
#include "ui/charts/training_dashboard.h"
#include "ui/workers/pipeline_worker.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>

using namespace mnistx;
using Curve = ui::TrainingDashboard::Curve;

namespace
{

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

// A training run as a busy machine reports it: ~0.05 s per batch with ±30 %
// noise, slow first batches (allocations, thread start-up), a few batches
// stalled 20× by another process, and a 1 s validation pass at the end of
// each epoch that no batch report covers. Throughput and ETA fields are what
// the trainer puts there (samples and seconds since the start).
struct NoisyRun {
    static constexpr int kEpochs = 3;
    static constexpr int kBatchesPerEpoch = 200;
    static constexpr int kBatchSize = 128;
    static constexpr double kValidationSeconds = 1.0;
    std::vector<training::BatchReport> batches;
    std::vector<double> secondsLeft; // the truth after each batch, validation passes included
};

NoisyRun noisyRun(std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::lognormal_distribution<double> noise(0.0, 0.3);
    const int total = NoisyRun::kEpochs * NoisyRun::kBatchesPerEpoch;
    NoisyRun run;
    double clock = 0.0;
    for (int i = 0; i < total; ++i) {
        const int epoch = i / NoisyRun::kBatchesPerEpoch, batch = i % NoisyRun::kBatchesPerEpoch;
        if (i > 0 && batch == 0)
            clock += NoisyRun::kValidationSeconds;
        double seconds = 0.05 * noise(rng);
        if (i == 0)
            seconds = 2.0;
        else if (i == 1)
            seconds = 0.5;
        else if (i == 12 || i == 100 || i == 333 || i == 480)
            seconds = 1.0;
        clock += seconds;
        training::BatchReport r;
        r.epoch = epoch;
        r.batch = batch;
        r.batchesPerEpoch = NoisyRun::kBatchesPerEpoch;
        r.samplesSeen = static_cast<long long>(i + 1) * NoisyRun::kBatchSize;
        r.loss = 2.3 * std::exp(-3.0 * i / total);
        r.runningLoss = r.loss;
        r.runningAccuracy = 0.1 + 0.8 * i / total;
        r.elapsedSeconds = clock;
        r.samplesPerSecond = r.samplesSeen / clock;
        r.etaSeconds = (static_cast<double>(total) * NoisyRun::kBatchSize - r.samplesSeen) /
                       r.samplesPerSecond;
        run.batches.push_back(r);
    }
    const double end = clock + NoisyRun::kValidationSeconds;
    for (const training::BatchReport& r : run.batches)
        run.secondsLeft.push_back(end - r.elapsedSeconds);
    return run;
}

// "ETA 1:02:09" → 3729; negative when no duration is shown.
double shownEtaSeconds(const QString& text)
{
    static const QRegularExpression duration(QStringLiteral("(\\d+):(\\d\\d)(?::(\\d\\d))?"));
    const QRegularExpressionMatch m = duration.match(text);
    if (!m.hasMatch())
        return -1.0;
    if (m.captured(3).isEmpty())
        return m.captured(1).toInt() * 60 + m.captured(2).toInt();
    return m.captured(1).toInt() * 3600 + m.captured(2).toInt() * 60 + m.captured(3).toInt();
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

class TestTrainingDashboard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void thousandsOfBatchesCoalesceIntoBudgetedSeries();
    void progressEtaAndStatusFollowTheLastReport();
    void cancelButtonEmitsCancelRequested();
    void longFailureMessageWrapsInsteadOfWidening();
    void stagesShowTheirProgress();
    void storedHistoryIsShown();
    void etaCountsDownSmoothlyThroughNoisyTimings();
    void noLiveThroughputOrEtaOutlivesTraining_data();
    void noLiveThroughputOrEtaOutlivesTraining();
    void projectionProgressNeverGoesBack_data();
    void projectionProgressNeverGoesBack();
    void sanityLineFitsANarrowDock();
    void legendsShowWholeNamesInTheDock();
    void noChartTextIsCutInALowDock();
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

    for (Curve c :
         {Curve::BatchLoss, Curve::EpochTrainLoss, Curve::EpochValidationLoss, Curve::BatchAccuracy,
          Curve::EpochTrainAccuracy, Curve::EpochValidationAccuracy})
        QVERIFY2(dashboard.plottedPoints(c).size() <= ui::TrainingDashboard::kMaxPlottedPoints,
                 qPrintable(QString::number(dashboard.plottedPoints(c).size())));

    const QList<QPointF> loss = dashboard.plottedPoints(Curve::BatchLoss);
    QVERIFY(loss.size() >= ui::TrainingDashboard::kMaxPlottedPoints - 2);
    // x in epochs: the first batch at 1/1000, the last at exactly 3.
    QCOMPARE(loss.front().x(), 1.0 / kBatchesPerEpoch);
    QCOMPARE(loss.back().x(), 3.0);
    QVERIFY(std::is_sorted(loss.begin(), loss.end(),
                           [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
    const double maxPlotted = std::max_element(loss.begin(), loss.end(), [](auto a, auto b) {
                                  return a.y() < b.y();
                              })->y();
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
    // The ETA comes from the reports' timings: 1,500 × 64 samples at 12,345/s.
    QCOMPARE(dashboard.etaText(), QStringLiteral("ETA 0:08"));
    QVERIFY2(dashboard.throughputText().startsWith(QLocale().toString(12345)),
             qPrintable(dashboard.throughputText()));
    QVERIFY2(dashboard.statusText().startsWith(QStringLiteral("training epoch 2/3")),
             qPrintable(dashboard.statusText()));
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("validation accuracy 92.00 %")),
             qPrintable(dashboard.statusText()));

    // The last batch, 1,500 batches later at the same rate: nothing is left.
    training::BatchReport late = last;
    late.epoch = 2;
    late.batch = 999;
    late.elapsedSeconds += 1500.0 * kBatchSize / late.samplesPerSecond;
    dashboard.addBatch(late);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard.plottedPoints(Curve::BatchLoss).size(), 1501, 2000);
    QCOMPARE(dashboard.etaText(), QStringLiteral("ETA 0:00"));
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
    QVERIFY(dashboard.plottedPoints(Curve::BatchAccuracy).size() <=
            ui::TrainingDashboard::kMaxPlottedPoints);
    QVERIFY(!dashboard.plottedPoints(Curve::BatchAccuracy).isEmpty());
    QCOMPARE(dashboard.progressBar()->value(), dashboard.progressBar()->maximum());
    QVERIFY(!dashboard.cancelButton()->isEnabled());
    QVERIFY(dashboard.etaText().isEmpty());
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("3 epochs")),
             qPrintable(dashboard.statusText()));
}

// The ETA a user reads during a run with noisy timings (a new user saw
// 2:59 → 7:07 → 4:56 → 1:19): none before a few batches are timed, then
// from one update to the next it counts down with the clock, give or take
// 10 % (and the label's rounding to whole seconds); it stays near the truth
// and ends near 0.
void TestTrainingDashboard::etaCountsDownSmoothlyThroughNoisyTimings()
{
    const NoisyRun run = noisyRun(11);
    ui::TrainingDashboard dashboard;
    dashboard.reset(NoisyRun::kEpochs, 0);

    struct Shown {
        int batches;
        double clock, eta, truth;
    };
    std::vector<Shown> shown;
    QVector<training::BatchReport> pending;
    double lastFlush = 0.0;
    for (std::size_t i = 0; i < run.batches.size(); ++i) {
        const training::BatchReport& r = run.batches[i];
        pending.append(r);
        // As PipelineWorker sends them: every 50 ms of its clock (here 250 ms,
        // to keep the test short) and at each epoch's end.
        const bool epochEnd = r.batch + 1 == r.batchesPerEpoch;
        if (r.elapsedSeconds - lastFlush < 0.25 && !epochEnd && i + 1 < run.batches.size())
            continue;
        lastFlush = r.elapsedSeconds;
        const int before = dashboard.replotCount();
        dashboard.addBatches(pending);
        pending.clear();
        if (epochEnd)
            dashboard.addEpoch(epochReport(r.epoch));
        QTRY_VERIFY_WITH_TIMEOUT(dashboard.replotCount() > before, 2000);
        const double eta = shownEtaSeconds(dashboard.etaText());
        if (i < 10)
            QVERIFY2(
                eta < 0,
                qPrintable(
                    QStringLiteral("after %1 batches: %2").arg(i + 1).arg(dashboard.etaText())));
        if (eta >= 0)
            shown.push_back({static_cast<int>(i + 1), r.elapsedSeconds, eta, run.secondsLeft[i]});
    }
    QVERIFY(shown.size() > 50);
    QVERIFY2(shown.front().batches <= 40, qPrintable(QString::number(shown.front().batches)));
    for (std::size_t k = 1; k < shown.size(); ++k) {
        const Shown& a = shown[k - 1];
        const Shown& b = shown[k];
        const double expected = a.eta - (b.clock - a.clock);
        QVERIFY2(std::abs(b.eta - expected) <= 0.10 * a.eta + 1.0,
                 qPrintable(
                     QStringLiteral("after %1 batches ETA %2 s, after %3 batches %4 s (%5 s later)")
                         .arg(a.batches)
                         .arg(a.eta)
                         .arg(b.batches)
                         .arg(b.eta)
                         .arg(b.clock - a.clock)));
    }
    for (const Shown& x : shown)
        QVERIFY2(std::abs(x.eta - x.truth) <= 0.3 * x.truth + 2.0,
                 qPrintable(QStringLiteral("after %1 batches ETA %2 s, %3 s left")
                                .arg(x.batches)
                                .arg(x.eta)
                                .arg(x.truth)));
    // The last batch: only the last validation pass (1 s) is left.
    QCOMPARE(shown.back().batches, NoisyRun::kEpochs * NoisyRun::kBatchesPerEpoch);
    QVERIFY2(shown.back().eta <= 2.0, qPrintable(dashboard.etaText()));
}

void TestTrainingDashboard::noLiveThroughputOrEtaOutlivesTraining_data()
{
    QTest::addColumn<QString>("end");
    QTest::newRow("later stage") << QStringLiteral("stage");
    QTest::newRow("done") << QStringLiteral("done");
    QTest::newRow("cancelled") << QStringLiteral("cancelled");
    QTest::newRow("failed") << QStringLiteral("failed");
}

// "468 samples/s" stayed up after training. Once training is over the
// throughput says it is the run's final average (or is gone) and no ETA is
// shown, whether the pipeline goes on, finishes, is cancelled or fails.
void TestTrainingDashboard::noLiveThroughputOrEtaOutlivesTraining()
{
    QFETCH(QString, end);
    const NoisyRun run = noisyRun(5);
    ui::TrainingDashboard dashboard;
    dashboard.reset(NoisyRun::kEpochs, 0);
    dashboard.addBatches(QVector<training::BatchReport>(run.batches.begin(), run.batches.end()));
    for (int e = 0; e < NoisyRun::kEpochs; ++e)
        dashboard.addEpoch(epochReport(e));
    QTRY_VERIFY_WITH_TIMEOUT(!dashboard.plottedPoints(Curve::BatchLoss).isEmpty(), 2000);
    const QString live = dashboard.throughputText();
    QVERIFY2(live.endsWith(QStringLiteral("samples/s")), qPrintable(live));
    QVERIFY2(shownEtaSeconds(dashboard.etaText()) >= 0, qPrintable(dashboard.etaText()));

    training::TrainingHistory history;
    history.batches = run.batches;
    for (int e = 0; e < NoisyRun::kEpochs; ++e)
        history.epochs.push_back(epochReport(e));
    history.seconds = run.batches.back().elapsedSeconds;
    if (end == QLatin1String("stage")) {
        dashboard.setStage(QStringLiteral("Analysing both subsets"), 0.4);
    } else if (end == QLatin1String("done")) {
        dashboard.setFinished(QStringLiteral("done"));
        dashboard.setHistory(history); // what MainWindow::onFinished does
    } else if (end == QLatin1String("cancelled")) {
        dashboard.setFinished(QStringLiteral("Cancelled; nothing was stored"));
    } else {
        dashboard.setFinished(QStringLiteral("Failed: disk full"));
    }
    // Also after any replot still pending from the last reports.
    QTest::qWait(3 * ui::TrainingDashboard::kReplotDelayMs);
    QVERIFY2(dashboard.etaText().isEmpty(), qPrintable(dashboard.etaText()));
    const QString final = dashboard.throughputText();
    QVERIFY2(final.isEmpty() || (final != live && final.contains(QStringLiteral("average"))),
             qPrintable(final));
    if (!final.isEmpty()) {
        // The run's mean: all samples over all seconds.
        const training::BatchReport& last = run.batches.back();
        QVERIFY2(final.startsWith(
                     QLocale().toString(std::llround(last.samplesSeen / last.elapsedSeconds))),
                 qPrintable(final));
    }
}

void TestTrainingDashboard::projectionProgressNeverGoesBack_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("umap") << QStringLiteral("umap");
    QTest::newRow("tsne") << QStringLiteral("tsne");
    QTest::newRow("pca") << QStringLiteral("pca");
}

// The real re-projection of PipelineWorker on small synthetic features, its
// stage reports shown by the dashboard as MainWindow::onStage passes them: the
// percentage of one stage never decreases (it went 81 % → 63 % when the
// kNN graph, the fuzzy graph and the layout each counted 0..100 % under
// "project"), and it reaches 100 %.
void TestTrainingDashboard::projectionProgressNeverGoesBack()
{
    QFETCH(QString, method);
    test::ClusteredRunOptions options;
    options.trainCount = 800;
    options.validationCount = 200;
    const std::shared_ptr<const store::RunData> run = test::makeClusteredRun(options);
    const std::shared_ptr<const data::DatasetSplits> images = test::makeSyntheticImages(*run);

    ui::TrainingDashboard dashboard;
    ui::PipelineWorker worker(std::make_shared<std::atomic<bool>>(false));
    struct Step {
        QString stage, status;
        int value;
    };
    std::vector<Step> steps;
    connect(&worker, &ui::PipelineWorker::stageChanged, this,
            [&](const QString& stage, double fraction) {
                dashboard.setStage(stage, fraction);
                steps.push_back({stage, dashboard.statusText(), dashboard.progressBar()->value()});
            });
    QSignalSpy finished(&worker, &ui::PipelineWorker::finished);
    QSignalSpy failed(&worker, &ui::PipelineWorker::failed);
    worker.reproject(run, method, {}, QString(), images);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
    QCOMPARE(finished.size(), 1);

    int projectSteps = 0, maxValue = 0;
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (steps[k].stage != QLatin1String("project"))
            continue;
        ++projectSteps;
        QVERIFY2(steps[k].status.startsWith(QStringLiteral("projecting")),
                 qPrintable(steps[k].status));
        QVERIFY2(steps[k].value >= maxValue,
                 qPrintable(QStringLiteral("%1 after %2 (‰)").arg(steps[k].value).arg(maxValue)));
        maxValue = steps[k].value;
    }
    QVERIFY(projectSteps >= 2);
    QCOMPARE(maxValue, dashboard.progressBar()->maximum());
}

// The sanity check's line at the width of the training dock in a 1,024 px
// window, and narrower: one line that fits the dashboard (it was clipped),
// whole at the default width, elided at narrower ones with the whole
// sentence in its tooltip.
void TestTrainingDashboard::sanityLineFitsANarrowDock()
{
    ui::TrainingDashboard dashboard;
    dashboard.reset(3, 0);
    QVERIFY(!dashboard.sanityLabel()->isVisibleTo(&dashboard)); // no check yet
    training::SanityCheck check;
    check.sampleCount = 1000;
    check.accuracy = 0.098;
    check.predictionCounts.assign(10, 100);
    const int minimumWidth = dashboard.minimumSizeHint().width();
    dashboard.setSanityCheck(check);
    for (int width : {600, 420}) {
        dashboard.resize(width, 300);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QTRY_COMPARE_WITH_TIMEOUT(dashboard.width(), width, 2000);
        const QLabel* line = dashboard.sanityLabel();
        QVERIFY(line->isVisible());
        QVERIFY2(line->toolTip().contains(
                     QStringLiteral("9.8 % of %1 samples").arg(QLocale().toString(1000))),
                 qPrintable(line->toolTip()));
        // The text as drawn fits the label, and the label the dashboard.
        QTRY_VERIFY_WITH_TIMEOUT(line->fontMetrics().horizontalAdvance(line->text()) <=
                                     line->contentsRect().width(),
                                 2000);
        QVERIFY2(line->geometry().right() < dashboard.width(),
                 qPrintable(QStringLiteral("%1 px wide dashboard: line ends at %2")
                                .arg(width)
                                .arg(line->geometry().right())));
        QVERIFY(!line->wordWrap());
        const bool whole = !line->text().endsWith(QChar(0x2026));
        if (width == 600)
            QVERIFY2(whole && line->text().contains(QStringLiteral("(chance: 10 %)")),
                     qPrintable(line->text()));
        else
            QVERIFY2(!whole && line->toolTip().startsWith(line->text().chopped(1)),
                     qPrintable(line->text()));
    }
    // The line never widens the dock.
    QCOMPARE(dashboard.minimumSizeHint().width(), minimumWidth);
    dashboard.reset(3, 0); // a new run: no line until its own check
    QVERIFY(!dashboard.sanityLabel()->isVisible());
}

// In a 1,024 × 700 window the training dock is ~600 × 300 px: both charts
// side by side, and every legend entry whole ("batch (…" and "validati…"
// were cut), also while the sanity line takes its room above.
void TestTrainingDashboard::legendsShowWholeNamesInTheDock()
{
    ui::TrainingDashboard dashboard;
    dashboard.reset(3, 0);
    training::SanityCheck check;
    check.sampleCount = 1000;
    check.accuracy = 0.098;
    check.predictionCounts.assign(10, 100);
    dashboard.setSanityCheck(check);
    // The default size, and a dock 80 px narrower (wider side docks).
    for (int width : {600, 520}) {
        dashboard.resize(width, 300);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QTRY_COMPARE_WITH_TIMEOUT(dashboard.size(), QSize(width, 300), 2000);
        for (const ui::ChartView* chart : {dashboard.lossChart(), dashboard.accuracyChart()}) {
            QTRY_VERIFY_WITH_TIMEOUT(chart->width() > 0 && chart->width() <= width / 2, 2000);
            const QStringList labels = chart->legendLabels();
            QCOMPARE(labels.size(), chart->seriesCount());
            for (const QString& label : labels)
                QVERIFY2(!label.contains(QChar(0x2026)) && !label.endsWith(QStringLiteral("...")),
                         qPrintable(QStringLiteral("%1 px wide chart: %2")
                                        .arg(chart->width())
                                        .arg(labels.join(QStringLiteral(" | ")))));
        }
    }
}

// In the compact layout's bottom dock (about 600×300, less while training
// shares it) the accuracy axis had ten tick labels for ~150 px: Qt Charts
// elided every one of them to "..."; the loss axis title read "cross-entropy
// loss (l...". Every text the charts draw is whole, at two dock heights.
void TestTrainingDashboard::noChartTextIsCutInALowDock()
{
    ui::TrainingDashboard dashboard;
    dashboard.reset(kEpochs, kBatchesPerEpoch);
    std::mt19937 rng(5);
    for (int e = 0; e < 2; ++e) {
        for (int b = 0; b < kBatchesPerEpoch; ++b)
            dashboard.addBatch(batchReport(e, b, rng));
        dashboard.addEpoch(epochReport(e));
    }
    for (const QSize size : {QSize(620, 330), QSize(620, 270)}) {
        dashboard.resize(size);
        dashboard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
        QTRY_COMPARE_WITH_TIMEOUT(dashboard.size(), size, 2000);
        QTest::qWait(3 * ui::TrainingDashboard::kReplotDelayMs); // the replot after the resize
        for (const ui::ChartView* chart : {dashboard.lossChart(), dashboard.accuracyChart()}) {
            const QStringList texts = chart->drawnTexts();
            QVERIFY(texts.size() > 5);
            for (const QString& text : texts)
                QVERIFY2(!text.contains(QChar(0x2026)) && !text.contains(QStringLiteral("...")),
                         qPrintable(QStringLiteral("%1×%2 chart: %3")
                                        .arg(chart->width())
                                        .arg(chart->height())
                                        .arg(texts.join(QStringLiteral(" | ")))));
        }
    }
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
