// The loss-vs-distance chart plots exactly the engine's bins, and clicking a
// bin selects exactly the samples whose own-centroid distance falls in it (of
// the clicked curve's subset, or of both off the markers).
#include "../common/clustered_run.h"
#include "core/analysis/subset_metrics.h"
#include "core/store/run_data.h"
#include "ui/charts/chart_view.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/explorer_session.h"

#include <QGraphicsView>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>
#include <random>

using namespace mnistx;
using BinSubset = ui::LossDistanceChart::BinSubset;

namespace
{

constexpr int kBins = 12;

// The shared synthetic run (tests/common/clustered_run.h) with the own-class
// distances redrawn from a skewed distribution in (2, 16], plus one sample
// exactly on the maximum 20 and one exactly on the minimum 2: with 12 bins of
// 1.5 the bin (17, 18.5) stays empty, the last bin holds only the maximum
// (closed on the right), the outer bins are sparse. Losses grow with the
// distance, as on MNIST. The bins are then computed by the engine.
std::shared_ptr<const store::RunData> syntheticRun()
{
    test::ClusteredRunOptions options;
    options.trainCount = 900;
    options.validationCount = 240;
    std::shared_ptr<store::RunData> run = test::makeClusteredRun(options);
    std::mt19937 rng(2024);
    std::gamma_distribution<float> own(6.0f, 1.2f);
    for (analysis::SubsetAnalysis* a : {&run->train, &run->validation})
        for (int i = 0; i < a->sampleCount(); ++i) {
            const float d = std::min(2.0f + own(rng), 16.0f);
            a->centroidDistances(i, a->labels[i]) = d;
            a->losses[i] = 0.002f * d * d + (a->correct(i) ? 0.0f : 1.5f);
        }
    run->train.centroidDistances(5, run->train.labels[5]) = 20.0f;
    run->validation.centroidDistances(6, run->validation.labels[6]) = 2.0f;
    analysis::computeLossDistanceBins(run->train, run->validation, kBins);
    return run;
}

QGraphicsView* plotViewport(ui::LossDistanceChart& chart)
{
    return chart.chartView()->findChild<QGraphicsView*>();
}

// Clicks at a position given in the chart widget's coordinates, through the
// real mouse path (the Qt Charts view inside ChartView).
void clickChart(ui::LossDistanceChart& chart, const QPointF& position)
{
    QGraphicsView* view = plotViewport(chart);
    const QPoint inViewport = view->viewport()->mapFrom(&chart, position.toPoint());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, inViewport);
}

} // namespace

class TestLossDistanceChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void plottedBinsAreTheEngines();
    void seriesShowTheBins();
    void eachBinSelectsExactlyItsSamples();
    void clickOnMarkerSelectsThatSubset();
    void clickOffMarkersSelectsBothSubsets();
    void clickOutsidePlotSelectsNothing();
    void highlightFollowsSelection();
    void tooltipNamesRangeLossAndCount();
    void noRunShowsPlaceholder();
    void logLossAxisSpansWholeDecades();

private:
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<ui::LossDistanceChart> m_chart;
};

void TestLossDistanceChart::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_session->setRun(syntheticRun(), nullptr);
    m_chart = std::make_unique<ui::LossDistanceChart>(m_session.get());
    m_chart->resize(900, 560);
    m_chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_chart.get()));
}

void TestLossDistanceChart::cleanup()
{
    m_chart.reset();
    m_session.reset();
}

void TestLossDistanceChart::plottedBinsAreTheEngines()
{
    const store::RunData& run = m_session->run();
    for (analysis::Subset s : {analysis::Subset::Train, analysis::Subset::Validation}) {
        const analysis::LossDistanceBins& engine =
            s == analysis::Subset::Train ? run.train.lossVsDistance : run.validation.lossVsDistance;
        const analysis::LossDistanceBins& plotted = m_chart->plottedBins(s);
        QCOMPARE(engine.binCount(), kBins);
        QCOMPARE(plotted.binCount(), engine.binCount());
        QCOMPARE(plotted.minDistance, engine.minDistance);
        QCOMPARE(plotted.maxDistance, engine.maxDistance);
        QCOMPARE(plotted.edges, engine.edges);
        QCOMPARE(plotted.meanLoss, engine.meanLoss);
        QCOMPARE(plotted.stdError, engine.stdError);
        QCOMPARE(plotted.counts, engine.counts);
    }
    // The fixture exercises the edge cases it claims to: an empty bin, and
    // the maximum in the last bin.
    const auto& counts = run.train.lossVsDistance.counts;
    QCOMPARE(run.train.lossVsDistance.minDistance, 2.0);
    QCOMPARE(run.train.lossVsDistance.maxDistance, 20.0);
    QCOMPARE(counts[10], 0LL);
    QCOMPARE(counts[kBins - 1], 1LL);
}

void TestLossDistanceChart::seriesShowTheBins()
{
    const ui::ChartView* view = m_chart->chartView();
    for (analysis::Subset s : {analysis::Subset::Train, analysis::Subset::Validation}) {
        const analysis::LossDistanceBins& b = m_chart->plottedBins(s);
        const QList<QPointF> means = view->points(m_chart->lossSeries(s));
        const QList<qreal> errors = view->errorBars(m_chart->lossSeries(s));
        const QList<QPointF> counts = view->points(m_chart->countSeries(s));
        QCOMPARE(means.size(), b.binCount());
        QCOMPARE(errors.size(), b.binCount());
        QCOMPARE(counts.size(), b.binCount());
        for (int i = 0; i < b.binCount(); ++i) {
            const double centre = (b.edges[i] + b.edges[i + 1]) / 2;
            QCOMPARE(means[i].x(), centre);
            QCOMPARE(counts[i], QPointF(centre, static_cast<double>(b.counts[i])));
            if (b.counts[i] == 0) {
                QVERIFY(std::isnan(means[i].y())); // no marker for an empty bin
            } else {
                QCOMPARE(means[i].y(), b.meanLoss[i]);
                QCOMPARE(errors[i], b.counts[i] > 1 ? b.stdError[i] : 0.0);
            }
        }
    }
}

void TestLossDistanceChart::eachBinSelectsExactlyItsSamples()
{
    const store::RunData& run = m_session->run();
    const auto& edges = run.train.lossVsDistance.edges;
    int total = 0;
    for (int bin = 0; bin < kBins; ++bin) {
        for (analysis::Subset s : {analysis::Subset::Train, analysis::Subset::Validation}) {
            const analysis::SubsetAnalysis& a =
                s == analysis::Subset::Train ? run.train : run.validation;
            m_chart->selectBin(bin, s == analysis::Subset::Train ? BinSubset::Train
                                                                 : BinSubset::Validation);
            const QVector<int> ids = m_session->selection();
            // As many as the engine counted, each within the bin's edges.
            QCOMPARE(ids.size(), static_cast<int>(a.lossVsDistance.counts[bin]));
            double lossSum = 0.0;
            for (int id : ids) {
                QCOMPARE(m_session->subsetOf(id), s);
                const int i = m_session->indexInSubset(id);
                const double d = a.distanceToOwnCentroid(i);
                QVERIFY2(d >= edges[bin] &&
                             (d < edges[bin + 1] || (bin == kBins - 1 && d <= edges[bin + 1])),
                         qPrintable(QStringLiteral("bin %1, distance %2").arg(bin).arg(d)));
                lossSum += a.losses[i];
            }
            if (!ids.isEmpty())
                QVERIFY(std::abs(lossSum / ids.size() - a.lossVsDistance.meanLoss[bin]) < 1e-5);
            total += ids.size();
        }
        m_chart->selectBin(bin, BinSubset::Both);
        QCOMPARE(m_session->selection().size(),
                 static_cast<int>(run.train.lossVsDistance.counts[bin] +
                                  run.validation.lossVsDistance.counts[bin]));
    }
    // Every sample is in exactly one bin.
    QCOMPARE(total, m_session->sampleCount());
}

void TestLossDistanceChart::clickOnMarkerSelectsThatSubset()
{
    QSignalSpy spy(m_session.get(), &ui::ExplorerSession::selectionChanged);
    // The fullest bin: both markers exist there.
    const auto& counts = m_chart->plottedBins(analysis::Subset::Validation).counts;
    const int bin =
        static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    for (analysis::Subset s : {analysis::Subset::Train, analysis::Subset::Validation}) {
        const QPointF marker = m_chart->markerPosition(bin, s);
        QVERIFY(!marker.isNull());
        QVERIFY(m_chart->chartView()->plotArea().contains(marker));
        clickChart(*m_chart, marker);
        const BinSubset which =
            s == analysis::Subset::Train ? BinSubset::Train : BinSubset::Validation;
        QCOMPARE(m_session->selection(), m_chart->samplesInBin(bin, which));
        QCOMPARE(m_session->selectionDescription(), m_chart->binDescription(bin, which));
        QCOMPARE(m_chart->selectedBin(), bin);
    }
    QCOMPARE(spy.count(), 2);
    const QString train = m_chart->binDescription(bin, BinSubset::Train);
    QVERIFY2(train.startsWith(QStringLiteral("distance ")) &&
                 train.endsWith(QStringLiteral(" from own centroid (train)")),
             qPrintable(train));
}

void TestLossDistanceChart::clickOffMarkersSelectsBothSubsets()
{
    const auto& counts = m_chart->plottedBins(analysis::Subset::Train).counts;
    const int bin =
        static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    // Near the bottom of the plot, in the bin's column: far from both markers.
    const QRectF plot = m_chart->chartView()->plotArea();
    const QPointF marker = m_chart->markerPosition(bin, analysis::Subset::Train);
    const QPointF below(marker.x(), plot.bottom() - 3);
    QVERIFY(std::abs(below.y() - marker.y()) > 20);
    QVERIFY(std::abs(below.y() - m_chart->markerPosition(bin, analysis::Subset::Validation).y()) >
            20);
    clickChart(*m_chart, below);
    QCOMPARE(m_session->selection(), m_chart->samplesInBin(bin, BinSubset::Both));
    QVERIFY(m_session->selectionDescription().endsWith(QStringLiteral("(train + validation)")));
}

void TestLossDistanceChart::clickOutsidePlotSelectsNothing()
{
    QSignalSpy spy(m_session.get(), &ui::ExplorerSession::selectionChanged);
    const QRectF plot = m_chart->chartView()->plotArea();
    clickChart(*m_chart, QPointF(plot.center().x(), plot.bottom() + 15)); // on the x axis labels
    clickChart(*m_chart, QPointF(plot.left() - 20, plot.center().y()));   // on the y axis labels
    QCOMPARE(spy.count(), 0);
    QVERIFY(!m_chart->clickAt(QPointF(-5, -5)));
}

void TestLossDistanceChart::highlightFollowsSelection()
{
    m_chart->selectBin(3, BinSubset::Both);
    QCOMPARE(m_chart->selectedBin(), 3);
    m_session->setSelection({1, 2, 3}, QStringLiteral("lasso"));
    QCOMPARE(m_chart->selectedBin(), -1);
}

void TestLossDistanceChart::tooltipNamesRangeLossAndCount()
{
    const analysis::LossDistanceBins& b = m_chart->plottedBins(analysis::Subset::Train);
    int bin = 0;
    while (b.counts[bin] < 2)
        ++bin;
    const QString tip = m_chart->binTooltip(bin);
    QVERIFY2(tip.contains(QStringLiteral("mean loss")) && tip.contains(QStringLiteral("±")),
             qPrintable(tip));
    QVERIFY2(tip.contains(QLocale().toString(b.counts[bin]) + QStringLiteral(" samples")),
             qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("train")) && tip.contains(QStringLiteral("validation")),
             qPrintable(tip));
    QVERIFY(m_chart->binTooltip(-1).isEmpty());
}

void TestLossDistanceChart::noRunShowsPlaceholder()
{
    ui::ExplorerSession empty;
    ui::LossDistanceChart chart(&empty);
    QCOMPARE(chart.binCount(), 0);
    QVERIFY(chart.samplesInBin(0, BinSubset::Both).isEmpty());
    QVERIFY(!chart.clickAt(QPointF(100, 100)));
    // A run arriving later is plotted.
    empty.setRun(m_session->runPtr(), nullptr);
    QCOMPARE(chart.binCount(), kBins);
}

// The logarithmic loss axis runs from one power of ten to another, so that
// Qt labels it at powers of ten: mean losses all within 0.012–0.018 (a
// million embeddings of an accurate model) got six-digit labels at odd
// places, each elided to "…".
void TestLossDistanceChart::logLossAxisSpansWholeDecades()
{
    ui::ChartView* view = m_chart->chartView();
    QVERIFY(view->leftAxisLogarithmic());
    const auto isPowerOfTen = [](double v) {
        const double e = std::log10(v);
        return std::abs(e - std::round(e)) < 1e-9;
    };
    const auto [lo, hi] = view->range(Qt::Vertical, ui::AxisSide::Left);
    QVERIFY2(isPowerOfTen(lo) && isPowerOfTen(hi),
             qPrintable(QStringLiteral("%1 %2").arg(lo).arg(hi)));
    QVERIFY(hi > lo);

    // A bin whose only sample has a loss of 1e-9 (validation #6 alone at
    // the smallest distance): the axis still spans five decades at most
    // (four below the top loss, snapped outwards), not ten.
    auto tiny = std::make_shared<store::RunData>(*m_session->runPtr());
    tiny->validation.losses[6] = 1e-9f;
    analysis::computeLossDistanceBins(tiny->train, tiny->validation, kBins);
    ui::ExplorerSession session;
    session.setRun(tiny, nullptr);
    ui::LossDistanceChart chart(&session);
    const auto [tinyLo, tinyHi] = chart.chartView()->range(Qt::Vertical, ui::AxisSide::Left);
    qInfo("log loss axis with a 1e-9 bin: %g – %g", tinyLo, tinyHi);
    QVERIFY(isPowerOfTen(tinyLo) && isPowerOfTen(tinyHi));
    QVERIFY2(tinyHi / tinyLo <= 1e5 * (1 + 1e-9), qPrintable(QString::number(tinyHi / tinyLo)));

    view->setYRange(ui::AxisSide::Left, 0.012, 0.018);
    QCOMPARE(view->range(Qt::Vertical, ui::AxisSide::Left), std::make_pair(0.01, 0.1));
    view->setYRange(ui::AxisSide::Left, 0.003, 2.5);
    QCOMPARE(view->range(Qt::Vertical, ui::AxisSide::Left), std::make_pair(0.001, 10.0));
}

QTEST_MAIN(TestLossDistanceChart)
#include "tst_loss_distance_chart.moc"
