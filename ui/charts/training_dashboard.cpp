#include "ui/charts/training_dashboard.h"

#include "ui/charts/chart_view.h"
#include "ui/charts/downsample.h"
#include "ui/common/elided_label.h"
#include "ui/common/sample_format.h"
#include "ui/map/map_style.h"

#include <QBoxLayout>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// Progress bar resolution: per mille gives smooth movement and exact percents.
constexpr int kProgressSteps = 1000;
// Below this width the two charts stack vertically (each needs ≈ 380 px for
// its axis labels and legend).
constexpr int kSideBySideMinWidth = 760;
// Below this height two stacked charts lose their axis labels to elision.
constexpr int kStackedMinHeight = 560;

QColor subsetColor(bool train)
{
    return QColor(train ? mapstyle::trainColor() : mapstyle::validationColor());
}

// Per-batch curves are noisy and dense: a light, thin line of the train
// colour, so the epoch markers on top stay readable.
QColor batchColor()
{
    QColor c = subsetColor(true).lighter(135);
    c.setAlphaF(0.75);
    return c;
}

// The texts the throughput label must fit: while training, and once it is
// over (the ETA is hidden then and leaves its room).
const QString& liveThroughputSample()
{
    static const QString text = QStringLiteral("00,000 samples/s");
    return text;
}
const QString& finalThroughputSample()
{
    static const QString text = QStringLiteral("00,000 samples/s average");
    return text;
}

// Words for the pipeline's stage names (core/pipeline/pipeline.h).
QString stageWords(const QString& stage)
{
    static const std::pair<const char*, const char*> names[] = {
        {"load", QT_TRANSLATE_NOOP("TrainingDashboard", "loading data")},
        {"sanity", QT_TRANSLATE_NOOP("TrainingDashboard", "checking the untrained model")},
        {"train", QT_TRANSLATE_NOOP("TrainingDashboard", "training")},
        {"analyse", QT_TRANSLATE_NOOP("TrainingDashboard", "analysing")},
        {"project", QT_TRANSLATE_NOOP("TrainingDashboard", "projecting")},
        {"quality", QT_TRANSLATE_NOOP("TrainingDashboard", "measuring map quality")},
        {"store", QT_TRANSLATE_NOOP("TrainingDashboard", "saving the run")},
        {"open", QT_TRANSLATE_NOOP("TrainingDashboard", "opening the run")},
        {"images", QT_TRANSLATE_NOOP("TrainingDashboard", "loading images")},
    };
    for (const auto& [key, words] : names)
        if (stage == QLatin1String(key))
            return TrainingDashboard::tr(words);
    return stage;
}

// A log axis range holding [lo, hi] with a little room above and below,
// spanning at least one decade so there are always labelled powers of ten.
std::pair<double, double> logRange(double lo, double hi)
{
    if (!(lo > 0) || !(hi > 0) || !std::isfinite(lo) || !std::isfinite(hi))
        return {0.0095, 10.5}; // just beyond 0.01 and 10, so both get labels
    const double top = hi * 1.5;
    const double bottom = std::min(lo / 1.5, top / 10.0);
    return {bottom, top};
}

// The accuracy axis: from a round value below the data to 100 %, with its
// tick step. Before the first epoch ends it spans everything (the first
// batches sit near chance, 10 %). Afterwards it zooms to where the epoch
// figures are (e.g. 90–100 %), where training is decided; the first batches'
// climb from chance then runs in from below the axis.
std::pair<double, double>
accuracyAxis(double batchMin, const std::vector<training::EpochReport>& epochs, int maxTicks)
{
    double low = batchMin;
    if (!epochs.empty()) {
        double epochMin = 100.0;
        for (const training::EpochReport& e : epochs)
            epochMin = std::min({epochMin, 100.0 * e.trainAccuracy, 100.0 * e.validationAccuracy});
        low = std::max(batchMin, epochMin - std::max(0.5 * (100.0 - epochMin), 1.0));
    }
    low = std::clamp(low, 0.0, 99.0);
    for (double step : {0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0})
        if ((100.0 - std::floor(low / step) * step) / step <= maxTicks)
            return {std::floor(low / step) * step, step};
    return {0.0, 50.0};
}

// Vertical room a tick label needs, and what of a chart's height is not its
// plot (title, x axis and its title, legend).
constexpr int kMinTickSpacing = 24;
constexpr int kChartChromeHeight = 110;

// Tick interval for an epoch axis of `epochs`: whole epochs, at most ~10 ticks.
double epochTickInterval(int epochs)
{
    for (double step : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0})
        if (epochs / step <= 10.0)
            return step;
    return std::ceil(epochs / 10.0);
}

} // namespace

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    const long long s = std::llround(seconds);
    const long long h = s / 3600, m = (s / 60) % 60, sec = s % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(sec, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(sec, 2, 10, QLatin1Char('0'));
}

TrainingDashboard::TrainingDashboard(QWidget* parent) : QWidget(parent)
{
    m_status = new QLabel(this);
    QFont statusFont = m_status->font();
    statusFont.setBold(true);
    m_status->setFont(statusFont);
    m_status->setToolTip(tr("What the pipeline is doing now"));
    // A failure's message names the file and the problem and may be longer
    // than the dock is wide: wrap it, and let the user copy the path.
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_sanity = new ElidedLabel(this);
    m_sanity->hide();

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, kProgressSteps);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setTextVisible(true);
    m_progress->setToolTip(tr("Progress of the current stage"));

    m_eta = new QLabel(this);
    m_eta->setToolTip(tr("Estimated time until training ends"));
    m_eta->setMinimumWidth(m_eta->fontMetrics().horizontalAdvance(QStringLiteral("ETA 00:00:00")));
    m_throughput = new QLabel(this);
    m_throughput->setToolTip(tr("Training throughput, mean since training started"));
    m_throughput->setMinimumWidth(
        m_throughput->fontMetrics().horizontalAdvance(liveThroughputSample()));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop the running stage (training stops within one batch)"));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancelRequested = true;
        m_cancel->setEnabled(false);
        m_cancel->setText(tr("Cancelling…"));
        Q_EMIT cancelRequested();
    });

    m_lossChart = new ChartView(this);
    m_lossChart->setTitle(tr("Cross-entropy loss"));
    // Short (the chart title says cross-entropy, the ticks show the log scale):
    // a longer title is cut to "cross-en..." in a low dock.
    m_lossChart->setAxisTitles(tr("epoch"), tr("loss"));
    m_lossChart->setLeftAxisLogarithmic(true);
    m_lossChart->setLabelFormats(QStringLiteral("%g"), QStringLiteral("%g"));
    m_lossChart->setToolTip(tr("batch: the training loss of every batch; train and validation: "
                               "the loss over each subset at the end of each epoch"));
    m_accuracyChart = new ChartView(this);
    m_accuracyChart->setTitle(tr("Accuracy (%)"));
    m_accuracyChart->setAxisTitles(tr("epoch"), tr("%"));
    m_accuracyChart->setLabelFormats(QStringLiteral("%g"), QStringLiteral("%g"));
    m_accuracyChart->setToolTip(tr("batch: the running training accuracy within each epoch; train "
                                   "and validation: the accuracy on each subset at the end of each "
                                   "epoch"));

    SeriesStyle batch;
    batch.kind = SeriesKind::Line;
    batch.color = batchColor();
    batch.lineWidth = 1.0;
    SeriesStyle epochTrain;
    epochTrain.kind = SeriesKind::LineWithMarkers;
    epochTrain.color = subsetColor(true).darker(115);
    epochTrain.lineWidth = 2.0;
    epochTrain.markerSize = 8.0;
    SeriesStyle epochValidation = epochTrain;
    epochValidation.color = subsetColor(false);
    epochValidation.penStyle = Qt::DashLine; // tells the two apart without colour too

    // Short names, the same in both charts: Qt Charts puts the legend in one
    // row and elides every name once they do not fit, and in a 1,024 px
    // window each chart is under 300 px wide ("batch (…", "validati…"). The
    // charts' tooltips say what each curve is; the line styles tell per-batch
    // (thin) from end-of-epoch (markers) figures.
    m_lossBatch = m_lossChart->addSeries(tr("batch"), batch);
    m_lossEpochTrain = m_lossChart->addSeries(tr("train"), epochTrain);
    m_lossEpochValidation = m_lossChart->addSeries(tr("validation"), epochValidation);
    m_accBatch = m_accuracyChart->addSeries(tr("batch"), batch);
    m_accEpochTrain = m_accuracyChart->addSeries(tr("train"), epochTrain);
    m_accEpochValidation = m_accuracyChart->addSeries(tr("validation"), epochValidation);

    m_replotTimer = new QTimer(this);
    m_replotTimer->setSingleShot(true);
    m_replotTimer->setInterval(kReplotDelayMs);
    connect(m_replotTimer, &QTimer::timeout, this, &TrainingDashboard::replot);

    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_eta);
    progressRow->addWidget(m_throughput);
    progressRow->addWidget(m_cancel);

    m_chartsLayout = new QBoxLayout(QBoxLayout::LeftToRight);
    m_chartsLayout->addWidget(m_lossChart, 1);
    m_chartsLayout->addWidget(m_accuracyChart, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_sanity);
    layout->addLayout(progressRow);
    layout->addLayout(m_chartsLayout, 1);

    m_status->setText(tr("no training running"));
    replot();
}

TrainingDashboard::~TrainingDashboard() = default;

QList<QPointF> TrainingDashboard::plottedPoints(Curve curve) const
{
    switch (curve) {
    case Curve::BatchLoss:
        return m_lossChart->points(m_lossBatch);
    case Curve::EpochTrainLoss:
        return m_lossChart->points(m_lossEpochTrain);
    case Curve::EpochValidationLoss:
        return m_lossChart->points(m_lossEpochValidation);
    case Curve::BatchAccuracy:
        return m_accuracyChart->points(m_accBatch);
    case Curve::EpochTrainAccuracy:
        return m_accuracyChart->points(m_accEpochTrain);
    case Curve::EpochValidationAccuracy:
        return m_accuracyChart->points(m_accEpochValidation);
    }
    return {};
}

QString TrainingDashboard::etaText() const
{
    return m_eta->text();
}
QString TrainingDashboard::throughputText() const
{
    return m_throughput->text();
}
QString TrainingDashboard::statusText() const
{
    return m_status->text();
}
const QLabel* TrainingDashboard::sanityLabel() const
{
    return m_sanity;
}

void TrainingDashboard::reset(int epochs, int batchesPerEpoch)
{
    m_totalEpochs = std::max(epochs, 1);
    m_batchesPerEpoch = std::max(batchesPerEpoch, 1);
    m_batches.clear();
    m_batches.reserve(static_cast<size_t>(m_totalEpochs) * m_batchesPerEpoch);
    m_epochs.clear();
    m_etaEstimator.reset();
    m_live = true;
    m_stageMode = false;
    m_progress->setRange(0, kProgressSteps);
    m_progress->setValue(0);
    m_eta->setText(tr("ETA –"));
    m_eta->show();
    m_throughput->clear();
    m_throughput->setToolTip(tr("Training throughput, mean since training started"));
    m_throughput->setMinimumWidth(
        m_throughput->fontMetrics().horizontalAdvance(liveThroughputSample()));
    m_sanity->setFullText({}, {});
    m_sanity->hide();
    m_status->setText(tr("training epoch 1/%1").arg(m_totalEpochs));
    m_cancelRequested = false;
    m_cancel->setText(tr("Cancel"));
    m_cancel->setEnabled(true);
    m_replotTimer->stop();
    replot();
}

void TrainingDashboard::addBatch(const training::BatchReport& report)
{
    if (report.epochs > 0) // automatic epochs are known once training starts
        m_totalEpochs = report.epochs;
    m_batches.push_back(report);
    if (m_live)
        m_etaEstimator.add(report, m_totalEpochs);
    m_stageMode = false;
    scheduleReplot();
}

void TrainingDashboard::addBatches(const QVector<training::BatchReport>& reports)
{
    if (!reports.isEmpty() && reports.back().epochs > 0)
        m_totalEpochs = reports.back().epochs; // automatic epochs resolved
    m_batches.insert(m_batches.end(), reports.begin(), reports.end());
    if (m_live)
        for (const training::BatchReport& r : reports)
            m_etaEstimator.add(r, m_totalEpochs);
    if (!reports.isEmpty()) {
        m_stageMode = false;
        scheduleReplot();
    }
}

void TrainingDashboard::addEpoch(const training::EpochReport& report)
{
    m_epochs.push_back(report);
    scheduleReplot();
}

void TrainingDashboard::setSanityCheck(const training::SanityCheck& check)
{
    const double chance =
        check.predictionCounts.empty() ? 0.1 : 1.0 / check.predictionCounts.size();
    m_sanity->setFullText(
        tr("Sanity check: the untrained model gets %1 % of %2 samples right (chance: %3 %)")
            .arg(100.0 * check.accuracy, 0, 'f', 1)
            .arg(QLocale().toString(check.sampleCount))
            .arg(100.0 * chance, 0, 'g', 3),
        tr("Before training, the untrained network classifies the first training samples. It "
           "should score near chance: far above it, the labels leak into the input; far below "
           "it, the labels do not match the images."));
    m_sanity->show();
}

void TrainingDashboard::setStage(const QString& stage, double fraction)
{
    // While batches arrive they drive the progress widgets (finer and with
    // an ETA); the pipeline's own "train" progress would only duplicate them.
    if (stage == QLatin1String("train") && !m_batches.empty() && m_live)
        return;
    m_stageMode = true;
    const QString words = stageWords(stage);
    if (fraction >= 0) {
        const double f = std::clamp(fraction, 0.0, 1.0);
        m_progress->setRange(0, kProgressSteps);
        m_progress->setValue(static_cast<int>(std::lround(f * kProgressSteps)));
        m_status->setText(QStringLiteral("%1 %2%").arg(words).arg(std::lround(f * 100)));
    } else {
        m_progress->setRange(0, 0); // busy indicator: the stage cannot tell how far it is
        m_status->setText(words);
    }
    // Training is over, or has not begun (its batches come after the sanity
    // check): no ETA, and the throughput only as the final average.
    showFinalThroughput();
    if (m_live)
        m_cancel->setEnabled(!m_cancelRequested);
}

void TrainingDashboard::setHistory(const training::TrainingHistory& history)
{
    m_replotTimer->stop();
    m_batches = history.batches;
    m_epochs = history.epochs;
    const bool wasLive = m_live;
    m_live = false;
    m_stageMode = false;
    m_batchesPerEpoch = m_batches.empty() ? 1 : std::max(m_batches.back().batchesPerEpoch, 1);
    int epochs = static_cast<int>(m_epochs.size());
    if (!m_batches.empty())
        epochs = std::max(epochs, m_batches.back().epoch + 1);
    m_totalEpochs = std::max(epochs, 1);
    m_cancelRequested = false;
    m_cancel->setEnabled(false);
    m_cancel->setText(tr("Cancel"));
    // The sanity line of a training that just ended stays with the run it
    // made; a run shown while nothing trained (opened, re-projected) has none.
    if (!wasLive) {
        m_sanity->setFullText({}, {});
        m_sanity->hide();
    }
    replot();
    showFinalThroughput();
    m_progress->setRange(0, kProgressSteps);
    m_progress->setValue(history.cancelled ? m_progress->value() : kProgressSteps);
    QString status =
        m_epochs.empty() && m_batches.empty()
            ? tr("stored run without a training history")
            : (m_epochs.size() == 1 ? tr("stored run: 1 epoch in %1")
                                    : tr("stored run: %1 epochs in %2").arg(m_epochs.size()))
                  .arg(formatDuration(history.seconds));
    if (history.cancelled)
        status += tr(" (training was cancelled)");
    if (!m_epochs.empty())
        status += QStringLiteral("  ·  ") + lastEpochSummary();
    m_status->setText(status);
}

void TrainingDashboard::setFinished(QString message)
{
    m_live = false;
    m_replotTimer->stop();
    replot(); // the last reports, now
    m_cancelRequested = false;
    m_cancel->setEnabled(false);
    m_cancel->setText(tr("Cancel"));
    showFinalThroughput();
    if (m_progress->maximum() == 0) // a busy bar would keep spinning
        m_progress->setRange(0, kProgressSteps);
    m_status->setText(message);
}

void TrainingDashboard::scheduleReplot()
{
    if (!m_replotTimer->isActive())
        m_replotTimer->start();
}

void TrainingDashboard::setChartsXRange()
{
    const double interval = epochTickInterval(m_totalEpochs);
    const double epochs = std::max(m_totalEpochs, 1);
    for (ChartView* c : {m_lossChart, m_accuracyChart}) {
        c->setTickInterval(Qt::Horizontal, interval);
        // 2 % room on the right: the last epoch's markers are not cut in half.
        c->setXRange(0.0, epochs * 1.02);
    }
}

void TrainingDashboard::replot()
{
    QElapsedTimer clock;
    clock.start();

    std::vector<QPointF> loss, accuracy;
    loss.reserve(m_batches.size());
    accuracy.reserve(m_batches.size());
    double lossMin = HUGE_VAL, lossMax = -HUGE_VAL, accMin = 100.0;
    for (const training::BatchReport& b : m_batches) {
        const int perEpoch =
            b.batchesPerEpoch > 0 ? b.batchesPerEpoch : std::max(m_batchesPerEpoch, 1);
        const double x = b.epoch + static_cast<double>(b.batch + 1) / perEpoch;
        loss.emplace_back(x, b.loss);
        accuracy.emplace_back(x, 100.0 * b.runningAccuracy);
        if (b.loss > 0) {
            lossMin = std::min(lossMin, b.loss);
            lossMax = std::max(lossMax, b.loss);
        }
        accMin = std::min(accMin, 100.0 * b.runningAccuracy);
    }
    QList<QPointF> trainLoss, validationLoss, trainAcc, validationAcc;
    for (const training::EpochReport& e : m_epochs) {
        const double x = e.epoch + 1.0; // the epoch's figures hold at its end
        trainLoss.append({x, e.trainLoss});
        validationLoss.append({x, e.validationLoss});
        trainAcc.append({x, 100.0 * e.trainAccuracy});
        validationAcc.append({x, 100.0 * e.validationAccuracy});
        for (double v : {e.trainLoss, e.validationLoss})
            if (v > 0) {
                lossMin = std::min(lossMin, v);
                lossMax = std::max(lossMax, v);
            }
        accMin = std::min({accMin, 100.0 * e.trainAccuracy, 100.0 * e.validationAccuracy});
    }

    m_lossChart->setPoints(m_lossBatch, downsampleMinMax(loss, kMaxPlottedPoints));
    m_lossChart->setPoints(m_lossEpochTrain, trainLoss);
    m_lossChart->setPoints(m_lossEpochValidation, validationLoss);
    m_accuracyChart->setPoints(m_accBatch, downsampleMinMax(accuracy, kMaxPlottedPoints));
    m_accuracyChart->setPoints(m_accEpochTrain, trainAcc);
    m_accuracyChart->setPoints(m_accEpochValidation, validationAcc);

    setChartsXRange();
    const auto [lo, hi] = logRange(lossMin, lossMax);
    m_lossChart->setYRange(AxisSide::Left, lo, hi);
    // No more tick labels than the chart's height holds: denser ones overlap
    // and Qt Charts elides every one of them to "…" (a 300 px dock).
    const int maxTicks =
        std::clamp((m_accuracyChart->height() - kChartChromeHeight) / kMinTickSpacing, 3, 10);
    const auto [accLow, accStep] =
        accuracyAxis(m_batches.empty() && m_epochs.empty() ? 0.0 : accMin, m_epochs, maxTicks);
    // Interval before range: Qt Charts lays the labels out on the range change.
    m_accuracyChart->setTickInterval(Qt::Vertical, accStep);
    // A little room above 100 % so markers at the top are not cut in half.
    m_accuracyChart->setYRange(AxisSide::Left, accLow, 100.0 + 0.02 * (100.0 - accLow));

    const bool empty = m_batches.empty() && m_epochs.empty();
    const QString waiting = m_live ? tr("waiting for the first batch…") : tr("no training curves");
    m_lossChart->setPlaceholderText(empty ? waiting : QString());
    m_accuracyChart->setPlaceholderText(empty ? waiting : QString());

    updateProgressWidgets();
    ++m_replotCount;
    m_lastReplotMs = clock.nsecsElapsed() / 1e6;
}

void TrainingDashboard::updateProgressWidgets()
{
    if (m_batches.empty() || m_stageMode)
        return;
    const training::BatchReport& last = m_batches.back();
    const int perEpoch = last.batchesPerEpoch > 0 ? last.batchesPerEpoch : m_batchesPerEpoch;
    const double total = static_cast<double>(std::max(m_totalEpochs, last.epoch + 1)) * perEpoch;
    const double done = static_cast<double>(last.epoch) * perEpoch + last.batch + 1;
    m_progress->setRange(0, kProgressSteps);
    m_progress->setValue(
        static_cast<int>(std::lround(std::clamp(done / total, 0.0, 1.0) * kProgressSteps)));
    if (!m_live) {
        showFinalThroughput();
        return;
    }
    // Negative while too few batches are timed: formatDuration shows "–".
    m_eta->setText(tr("ETA %1").arg(formatDuration(m_etaEstimator.secondsLeft())));
    m_eta->show();
    m_throughput->setMinimumWidth(
        m_throughput->fontMetrics().horizontalAdvance(liveThroughputSample()));
    QString status =
        tr("training epoch %1/%2").arg(last.epoch + 1).arg(std::max(m_totalEpochs, last.epoch + 1));
    if (!m_epochs.empty())
        status += QStringLiteral("  ·  ") + lastEpochSummary();
    m_status->setText(status);
    m_throughput->setText(
        tr("%1 samples/s").arg(QLocale().toString(std::llround(last.samplesPerSecond))));
}

void TrainingDashboard::showFinalThroughput()
{
    // No ETA once training is over (or before it begins); the final text is
    // longer and gets the ETA's room.
    m_eta->clear();
    m_eta->hide();
    if (m_batches.empty() || !(m_batches.back().elapsedSeconds > 0)) {
        m_throughput->clear();
        return;
    }
    m_throughput->setMinimumWidth(
        m_throughput->fontMetrics().horizontalAdvance(finalThroughputSample()));
    const training::BatchReport& last = m_batches.back();
    m_throughput->setText(
        tr("%1 samples/s average")
            .arg(QLocale().toString(std::llround(last.samplesSeen / last.elapsedSeconds))));
    m_throughput->setToolTip(
        tr("Training throughput, mean over the whole training (it has ended)"));
}

QString TrainingDashboard::lastEpochSummary() const
{
    const training::EpochReport& e = m_epochs.back();
    return tr("after epoch %1: validation accuracy %2 %, loss %3")
        .arg(e.epoch + 1)
        .arg(100.0 * e.validationAccuracy, 0, 'f', 2)
        .arg(formatLoss(e.validationLoss));
}

void TrainingDashboard::renderCharts(QPainter* painter, const QRectF& target)
{
    const bool sideBySide = target.width() >= target.height();
    QRectF first = target, second = target;
    if (sideBySide) {
        first.setWidth(target.width() / 2);
        second.setLeft(first.right());
    } else {
        first.setHeight(target.height() / 2);
        second.setTop(first.bottom());
    }
    m_lossChart->render(painter, first);
    m_accuracyChart->render(painter, second);
}

void TrainingDashboard::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // Side by side when wide, or when too short to stack two readable charts.
    const bool sideBySide =
        event->size().width() >= kSideBySideMinWidth || event->size().height() < kStackedMinHeight;
    m_chartsLayout->setDirection(sideBySide ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom);
    // The accuracy axis' tick count follows the charts' height.
    if (event->size().height() != event->oldSize().height())
        scheduleReplot();
}

} // namespace mnistx::ui
