#include "ui/charts/loss_distance_chart.h"

#include "ui/charts/chart_view.h"
#include "ui/common/sample_format.h"
#include "ui/explorer_session.h"
#include "ui/map/map_style.h"

#include <QAction>
#include <QLocale>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// A click within this many pixels of a marker selects that curve's subset
// only; farther away it selects the bin in both subsets.
constexpr double kMarkerPickRadius = 14.0;
// The count bars use the lower part of the plot (right axis up to this
// multiple of the largest count), so they stay behind the loss curves as
// context instead of competing with them.
constexpr double kCountAxisHeadroom = 1.6;

QColor subsetColor(analysis::Subset s)
{
    return QColor(s == analysis::Subset::Train ? mapstyle::trainColor()
                                               : mapstyle::validationColor());
}

// Decimals that tell neighbouring bin edges apart: 1 for bins ≈ 0.5 wide.
int decimalsFor(double binWidth)
{
    if (!(binWidth > 0))
        return 2;
    return std::clamp(static_cast<int>(-std::floor(std::log10(binWidth))), 0, 6);
}

// The smallest 1, 2 or 5 × 10^k that is >= x: round tick steps.
double niceStep(double x)
{
    if (!(x > 0) || !std::isfinite(x))
        return 1.0;
    const double decade = std::pow(10.0, std::floor(std::log10(x)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * decade >= x * (1 - 1e-9))
            return m * decade;
    return 10.0 * decade;
}

QString subsetWords(LossDistanceChart::BinSubset s)
{
    switch (s) {
    case LossDistanceChart::BinSubset::Train:
        return LossDistanceChart::tr("train");
    case LossDistanceChart::BinSubset::Validation:
        return LossDistanceChart::tr("validation");
    case LossDistanceChart::BinSubset::Both:
        return LossDistanceChart::tr("train + validation");
    }
    return {};
}

} // namespace

LossDistanceChart::LossDistanceChart(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_chart = new ChartView(this);
    m_chart->setTitle(tr("Loss vs distance to own class centroid"));
    m_chart->setAxisTitles(distanceAxisTitle(), lossAxisTitle(), tr("samples (bars)"));
    m_chart->setLabelFormats(QStringLiteral("%g"), QStringLiteral("%g"), QStringLiteral("%d"));
    m_chart->setToolTip(QString()); // the hover tooltip is per bin (binTooltip)

    SeriesStyle counts;
    counts.kind = SeriesKind::Histogram;
    counts.axis = AxisSide::Right;
    // The bars share their curve's colour and the right axis says what they
    // are; two legend entries fewer keep the legend whole in a narrow dock.
    counts.inLegend = false;
    SeriesStyle highlight = counts;
    highlight.color = QColor(0x70, 0x70, 0x70, 40); // a faint grey band
    highlight.inLegend = false;
    SeriesStyle loss;
    loss.kind = SeriesKind::LineWithMarkers;
    loss.lineWidth = 2.0;
    loss.markerSize = 8.0;

    // First added, drawn first: the selected bin's band lies behind the bars.
    m_highlight = m_chart->addSeries(QString(), highlight);
    counts.color = subsetColor(analysis::Subset::Train);
    m_trainCounts = m_chart->addSeries(tr("train samples per bin"), counts);
    counts.color = subsetColor(analysis::Subset::Validation);
    m_validationCounts = m_chart->addSeries(tr("validation samples per bin"), counts);
    loss.color = subsetColor(analysis::Subset::Train).darker(115);
    m_trainLoss = m_chart->addSeries(tr("train mean loss ± s.e."), loss);
    loss.color = subsetColor(analysis::Subset::Validation);
    loss.penStyle = Qt::DashLine; // tells the curves apart without colour too
    m_validationLoss = m_chart->addSeries(tr("validation mean loss ± s.e."), loss);

    m_logAction = new QAction(tr("Logarithmic loss axis"), this);
    m_logAction->setCheckable(true);
    m_logAction->setChecked(true);
    m_logAction->setToolTip(tr("Mean loss spans orders of magnitude from the centre of a class "
                               "to its outskirts; a log axis shows all of it"));
    connect(m_logAction, &QAction::toggled, this, &LossDistanceChart::setLogarithmicLoss);
    addAction(m_logAction);
    setContextMenuPolicy(Qt::ActionsContextMenu);
    m_chart->setLeftAxisLogarithmic(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_chart);

    connect(m_chart, &ChartView::hovered, this, &LossDistanceChart::onHovered);
    connect(m_chart, &ChartView::hoverLeft, this, [] { QToolTip::hideText(); });
    connect(m_chart, &ChartView::clicked, this,
            [this](QPointF, QPointF position, Qt::MouseButton button) {
                if (button == Qt::LeftButton)
                    clickAt(position);
            });
    connect(m_session, &ExplorerSession::runChanged, this, &LossDistanceChart::onRunChanged);
    connect(m_session, &ExplorerSession::selectionChanged, this,
            &LossDistanceChart::onSelectionChanged);
    onRunChanged();
}

LossDistanceChart::~LossDistanceChart() = default;

const analysis::LossDistanceBins& LossDistanceChart::plottedBins(analysis::Subset subset) const
{
    return subset == analysis::Subset::Train ? m_train : m_validation;
}

int LossDistanceChart::binCount() const
{
    return m_train.binCount();
}

int LossDistanceChart::binOf(double distance) const
{
    // The engine's rule (core/analysis): equal-width bins over
    // [minDistance, maxDistance], index floor((d - min) / width), the maximum
    // itself in the last bin.
    const int n = m_train.binCount();
    if (n == 0 || !std::isfinite(distance) || distance < m_train.minDistance ||
        distance > m_train.maxDistance)
        return -1;
    const double width = (m_train.maxDistance - m_train.minDistance) / n;
    if (!(width > 0))
        return 0;
    return std::min(static_cast<int>((distance - m_train.minDistance) / width), n - 1);
}

int LossDistanceChart::binAt(double distance) const
{
    return binOf(distance);
}

QVector<int> LossDistanceChart::samplesInBin(int bin, BinSubset subset) const
{
    QVector<int> ids;
    if (!m_session->hasRun() || bin < 0 || bin >= binCount())
        return ids;
    const auto collect = [&](analysis::Subset s) {
        const analysis::SubsetAnalysis& a =
            s == analysis::Subset::Train ? m_session->run().train : m_session->run().validation;
        if (a.centroidDistances.rows() != a.sampleCount())
            return;
        for (int i = 0; i < a.sampleCount(); ++i)
            if (binOf(a.distanceToOwnCentroid(i)) == bin)
                ids.append(m_session->idOf(s, i));
    };
    if (subset != BinSubset::Validation)
        collect(analysis::Subset::Train);
    if (subset != BinSubset::Train)
        collect(analysis::Subset::Validation);
    return ids; // train ids precede validation ids: ascending
}

QString LossDistanceChart::binDescription(int bin, BinSubset subset) const
{
    if (bin < 0 || bin >= binCount())
        return {};
    const double from = m_train.edges[bin], to = m_train.edges[bin + 1];
    const int decimals = decimalsFor(to - from);
    return tr("distance %1–%2 from own centroid (%3)")
        .arg(from, 0, 'f', decimals)
        .arg(to, 0, 'f', decimals)
        .arg(subsetWords(subset));
}

QString LossDistanceChart::binTooltip(int bin) const
{
    if (bin < 0 || bin >= binCount())
        return {};
    const double from = m_train.edges[bin], to = m_train.edges[bin + 1];
    const int decimals = decimalsFor(to - from);
    const QLocale locale;
    QString html =
        QStringLiteral("<b>%1</b>")
            .arg(tr("distance %1–%2").arg(from, 0, 'f', decimals).arg(to, 0, 'f', decimals));
    for (analysis::Subset s : {analysis::Subset::Train, analysis::Subset::Validation}) {
        const analysis::LossDistanceBins& b = plottedBins(s);
        if (bin >= b.binCount())
            continue;
        long long total = 0;
        for (long long c : b.counts)
            total += c;
        const QString name = s == analysis::Subset::Train ? tr("train") : tr("validation");
        const QString count = tr("%1 samples (%2 % of %3)")
                                  .arg(locale.toString(b.counts[bin]))
                                  .arg(total > 0 ? 100.0 * b.counts[bin] / total : 0.0, 0, 'f', 1)
                                  .arg(name);
        const QString loss =
            b.counts[bin] > 0 ? tr("mean loss %1 ± %2")
                                    .arg(formatLoss(b.meanLoss[bin]), formatLoss(b.stdError[bin]))
                              : tr("no samples");
        html += QStringLiteral("<br><span style='color:%1'>■</span> %2: %3, %4")
                    .arg(subsetColor(s).name(), name.toHtmlEscaped(), loss, count);
    }
    html += QStringLiteral("<br><i>%1</i>").arg(tr("click to select these samples on the map"));
    return html;
}

QPointF LossDistanceChart::markerPosition(int bin, analysis::Subset subset) const
{
    const analysis::LossDistanceBins& b = plottedBins(subset);
    if (bin < 0 || bin >= b.binCount() || b.counts[bin] == 0)
        return {};
    const double x = (b.edges[bin] + b.edges[bin + 1]) / 2;
    return m_chart->positionOf({x, b.meanLoss[bin]}, AxisSide::Left);
}

bool LossDistanceChart::clickAt(const QPointF& widgetPosition)
{
    if (!m_session->hasRun() || !m_chart->plotArea().contains(widgetPosition))
        return false;
    const int bin = binOf(m_chart->valueAt(widgetPosition).x());
    if (bin < 0)
        return false;
    BinSubset subset = BinSubset::Both;
    double best = kMarkerPickRadius;
    for (analysis::Subset s : {analysis::Subset::Train, analysis::Subset::Validation}) {
        const QPointF marker = markerPosition(bin, s);
        if (marker.isNull())
            continue;
        const double distance =
            std::hypot(marker.x() - widgetPosition.x(), marker.y() - widgetPosition.y());
        if (distance <= best) {
            best = distance;
            subset = s == analysis::Subset::Train ? BinSubset::Train : BinSubset::Validation;
        }
    }
    selectBin(bin, subset);
    return true;
}

void LossDistanceChart::selectBin(int bin, BinSubset subset)
{
    if (bin < 0 || bin >= binCount())
        return;
    const QString description = binDescription(bin, subset);
    // Set before the session signals back, so onSelectionChanged keeps the
    // highlight for our own selection.
    m_selectedBin = bin;
    m_selectedDescription = description;
    m_session->setSelection(samplesInBin(bin, subset), description);
    updateHighlight();
}

void LossDistanceChart::onSelectionChanged()
{
    if (m_selectedBin >= 0 && m_session->selectionDescription() != m_selectedDescription) {
        m_selectedBin = -1;
        updateHighlight();
    }
}

void LossDistanceChart::updateHighlight()
{
    if (m_selectedBin < 0 || m_selectedBin >= binCount()) {
        m_chart->setHistogram(m_highlight, {}, {});
        return;
    }
    // A grey band over the whole plot height behind the selected bin.
    m_chart->setHistogram(m_highlight,
                          {m_train.edges[m_selectedBin], m_train.edges[m_selectedBin + 1]},
                          {m_countAxisMax});
}

void LossDistanceChart::onHovered(QPointF value, QPointF position, QPoint globalPosition)
{
    const int bin = m_chart->plotArea().contains(position) ? binOf(value.x()) : -1;
    if (bin < 0) {
        m_chart->unsetCursor();
        QToolTip::hideText();
        return;
    }
    m_chart->setCursor(Qt::PointingHandCursor); // a bin is clickable
    QToolTip::showText(globalPosition, binTooltip(bin), this);
}

QString LossDistanceChart::distanceAxisTitle() const
{
    return tr("distance to own class centroid (%1)")
        .arg(QString::fromLatin1(m_session->hasRun() ? m_session->run().centroidSpace()
                                                     : "pixel space"));
}

void LossDistanceChart::onRunChanged()
{
    m_chart->setAxisTitles(distanceAxisTitle(), lossAxisTitle(), tr("samples (bars)"));
    m_selectedBin = -1;
    m_selectedDescription.clear();
    m_train = {};
    m_validation = {};
    if (m_session->hasRun()) {
        m_train = m_session->run().train.lossVsDistance;
        m_validation = m_session->run().validation.lossVsDistance;
        // The engine gives both subsets the same edges; a run that does not
        // (an older store) is shown by the training edges only.
        if (m_validation.edges != m_train.edges)
            m_validation = {};
    }
    const bool empty = m_train.binCount() == 0;
    QString why = tr("no run loaded");
    if (m_session->hasRun())
        why = m_session->scored() ? tr("this run has no loss-vs-distance bins")
                                  : ExplorerSession::noScoresReason();
    m_chart->setPlaceholderText(empty ? why : QString());
    // No legend for series that have nothing to show.
    m_chart->setLegendVisible(!empty);

    double lossMax = 0.0, lossMin = HUGE_VAL;
    long long countMax = 0;
    const auto plot = [&](const analysis::LossDistanceBins& b, int lossSeries, int countSeries) {
        QList<QPointF> means;
        QList<qreal> errors;
        QList<qreal> counts;
        for (int i = 0; i < b.binCount(); ++i) {
            const double x = (b.edges[i] + b.edges[i + 1]) / 2;
            // Empty bins get no marker (NaN points are not drawn).
            means.append({x, b.counts[i] > 0 ? b.meanLoss[i] : qQNaN()});
            errors.append(b.counts[i] > 1 ? b.stdError[i] : 0.0);
            counts.append(static_cast<qreal>(b.counts[i]));
            if (b.counts[i] > 0) {
                lossMax =
                    std::max(lossMax, b.meanLoss[i] + (b.counts[i] > 1 ? b.stdError[i] : 0.0));
                if (b.meanLoss[i] > 0)
                    lossMin = std::min(lossMin, b.meanLoss[i]);
            }
            countMax = std::max(countMax, b.counts[i]);
        }
        m_chart->setPoints(lossSeries, means);
        m_chart->setErrorBars(lossSeries, errors);
        m_chart->setHistogram(countSeries, b.edges, counts);
    };
    plot(m_train, m_trainLoss, m_trainCounts);
    plot(m_validation, m_validationLoss, m_validationCounts);

    m_lossMax = lossMax;
    m_lossMin = lossMin;
    m_countMax = countMax;
    updateAxes();
    updateHighlight();
}

void LossDistanceChart::setLogarithmicLoss(bool logarithmic)
{
    if (m_logAction->isChecked() != logarithmic)
        m_logAction->setChecked(logarithmic); // comes back through toggled
    if (m_chart->leftAxisLogarithmic() == logarithmic)
        return;
    m_chart->setLeftAxisLogarithmic(logarithmic);
    m_chart->setAxisTitles(distanceAxisTitle(), lossAxisTitle(), tr("samples (bars)"));
    updateAxes();
    updateHighlight();
}

bool LossDistanceChart::logarithmicLoss() const
{
    return m_chart->leftAxisLogarithmic();
}

QString LossDistanceChart::lossAxisTitle() const
{
    // The tick labels (0.001, 0.01, 0.1, 1) show the log scale; a longer
    // title is cut short on a chart in a low dock.
    return tr("mean loss");
}

void LossDistanceChart::updateAxes()
{
    if (m_train.binCount() == 0) {
        m_chart->setXRange(0.0, 1.0);
        m_chart->setYRange(AxisSide::Left, m_chart->leftAxisLogarithmic() ? 0.01 : 0.0, 1.0);
        // Ticks at 0 and 1 only: the count axis labels whole numbers, and
        // quarter steps all read "0".
        m_chart->setTickCount(Qt::Vertical, 2);
        m_chart->setYRange(AxisSide::Right, 0.0, 1.0);
        m_countAxisMax = 1.0;
        return;
    }
    // x: exactly the bins, with room for the outer markers, ticks at round
    // distances.
    const double span = m_train.maxDistance - m_train.minDistance;
    const double pad = span > 0 ? 0.015 * span : 0.5;
    m_chart->setTickInterval(Qt::Horizontal, niceStep(std::max(span, 1e-9) / 8.0));
    m_chart->setXRange(m_train.minDistance - pad, m_train.maxDistance + pad);

    const double countTop = std::max<double>(m_countMax, 1) * kCountAxisHeadroom;
    if (m_chart->leftAxisLogarithmic()) {
        const double hi = m_lossMax > 0 ? m_lossMax * 1.5 : 1.0;
        // At most four decades below the top: a bin whose few samples have
        // a loss of 1e-9 stretched the axis over ten decades, its labels too
        // long for the axis and elided to "…"; such a bin sits at the
        // bottom edge instead.
        const double lo = std::isfinite(m_lossMin) && m_lossMin > 0
                              ? std::max(std::min(m_lossMin / 1.5, hi / 10), hi * 1e-4)
                              : hi / 100;
        m_chart->setYRange(AxisSide::Left, lo, hi);
        // No shared grid with a log axis: the count axis gets its own round ticks.
        const double step = niceStep(countTop / 5);
        m_chart->setTickInterval(Qt::Vertical, step);
        m_countAxisMax = std::ceil(countTop / step) * step;
        m_chart->setYRange(AxisSide::Right, 0.0, m_countAxisMax);
    } else {
        // Both linear axes get the same number of ticks, so the left axis's
        // grid lines also mark round counts on the right.
        const double lossTop = m_lossMax > 0 ? m_lossMax * 1.05 : 1.0;
        const double lossStep = niceStep(lossTop / 5);
        const int intervals = std::max(1, static_cast<int>(std::ceil(lossTop / lossStep - 1e-9)));
        const double countStep = niceStep(countTop / intervals);
        m_countAxisMax = countStep * intervals;
        m_chart->setTickCount(Qt::Vertical, intervals + 1);
        m_chart->setYRange(AxisSide::Left, 0.0, lossStep * intervals);
        m_chart->setYRange(AxisSide::Right, 0.0, m_countAxisMax);
    }
}

void LossDistanceChart::render(QPainter* painter, const QRectF& target)
{
    m_chart->render(painter, target);
}

} // namespace mnistx::ui
