#include "ui/map/population_map.h"

#include "ui/explorer_session.h"
#include "ui/map/lasso_polygon.h"
#include "ui/map/map_style.h"

#include <QApplication>
#include <QBuffer>
#include <QElapsedTimer>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QKeyEvent>
#include <QLineF>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScopedValueRollback>
#include <QSignalBlocker>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <vector>
#include <cmath>
#include <limits>
#include <numeric>

namespace mnistx::ui
{

namespace
{

// STYLE: the GUI coalesces worker updates with a 30–50 ms single-shot timer
// (PlotJuggler replots at 40 ms).
constexpr int kLayoutThrottleMs = 40;
// Re-render on every view change while a full render is faster than this
// (smooth at 70k dots); slower maps show a scaled preview of the last render
// during the gesture and re-render once it rests for kDeferredRenderMs.
constexpr double kFastRenderMs = 25.0;
constexpr int kDeferredRenderMs = 60;
constexpr qreal kMargin = 8.0;         // around the title, the map and the legend
constexpr qreal kLegendGap = 8.0;      // between the map's plot area and the legend
constexpr qreal kMinPlotWidth = 160.0; // narrower than this beside the legend, it goes on top
// The legend box beside the map takes at most this share of the map's width;
// a map too small for that gets the one-band legend across its top.
constexpr double kMaxLegendShare = 0.3;
// Zoom limits relative to "fit": out far enough to find the map again, in
// far enough to separate single dots of a million-dot map.
constexpr double kMinZoom = 0.25;
constexpr double kMaxZoom = 5000.0;
// centerOn zooms to at least this (relative to fit): a neighbourhood of the
// sample, a few hundred dots of a 70k map.
constexpr double kCenterOnZoom = 8.0;
// Framing a view's samples: long enough to follow where the map went, short
// enough not to wait for (Qt's own view transitions take 150–300 ms).
constexpr int kFrameAnimationMs = 250;
// Framed dots keep this far from the plot's edges: the largest dot, its
// selection ring and the current-sample marker's ticks.
constexpr qreal kFrameMargin = mapstyle::kMaxDotRadius + 14.0;
constexpr double kWheelZoomPerNotch = 1.25; // one wheel notch (120 units = 15°)
constexpr double kKeyZoom = 1.25;
constexpr qreal kLassoStep = 2.0;  // px between recorded lasso vertices: smooth, few edges
constexpr int kThumbnailScale = 4; // 28 px digits shown at 112 px in tooltips
// A dot's anti-aliased rim: the renderer's coverage reaches this far past its
// radius, so a cursor there already sees the dot's colour.
constexpr double kAntialiasRim = 0.5;
// Off-screen dots at the plot edge still count as inside the fitted view.
constexpr qreal kFitPadding = mapstyle::kMaxDotRadius + 2.0;

// One axis of the box the view fits: all values, unless a few far outliers
// (UMAP strands the odd sample far from everything) would squeeze the rest
// into a corner. Then the central 99.8 % of the values (at least the extreme
// one left out), widened by a tenth on each side; the outliers are a wheel
// turn away.
std::pair<double, double> fitRangeOf(std::vector<float>& values)
{
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double full0 = *lo, full1 = *hi;
    const size_t n = values.size();
    // Below 100 dots every one of them counts.
    if (n < 100)
        return {full0, full1};
    const size_t k0 = std::max<size_t>(1, n / 1000), k1 = n - 1 - k0;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k0), values.end());
    const double q0 = values[k0];
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k1), values.end());
    const double q1 = values[k1];
    // 1.5×: outliers that cost a third of the view or more.
    if (!(full1 - full0 > 1.5 * (q1 - q0)))
        return {full0, full1};
    const double pad = 0.1 * (q1 - q0);
    return {std::max(full0, q0 - pad), std::min(full1, q1 + pad)};
}

// The map-space box a reset view shows (normalised, y up); empty when no
// position is finite.
QRectF boundsOf(const RowMatrixXf& positions)
{
    std::vector<float> xs, ys;
    xs.reserve(static_cast<size_t>(positions.rows()));
    ys.reserve(static_cast<size_t>(positions.rows()));
    for (Eigen::Index i = 0; i < positions.rows(); ++i) {
        const float x = positions(i, 0), y = positions(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        xs.push_back(x);
        ys.push_back(y);
    }
    if (xs.empty())
        return {};
    const auto [x0, x1] = fitRangeOf(xs);
    const auto [y0, y1] = fitRangeOf(ys);
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

QString samplesText(int n)
{
    return n == 1 ? QStringLiteral("1 sample")
                  : QStringLiteral("%1 samples").arg(QLocale(QLocale::English).toString(n));
}

QFont boldFont(QFont f, qreal scale = 1.0)
{
    f.setBold(true);
    if (scale != 1.0)
        f.setPixelSize(std::max(1, static_cast<int>(std::lround(f.pixelSize() * scale))));
    return f;
}

} // namespace

PopulationMap::PopulationMap(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    Q_ASSERT(session);
    setMouseTracking(true);
    setFocusPolicy(Qt::WheelFocus);
    setAttribute(Qt::WA_OpaquePaintEvent); // the cached image covers every pixel
    setAccessibleName(tr("Population map"));

    m_layoutTimer.setSingleShot(true);
    m_layoutTimer.setInterval(kLayoutThrottleMs);
    connect(&m_layoutTimer, &QTimer::timeout, this, &PopulationMap::applyLayoutSnapshot);
    m_viewAnimation.setDuration(kFrameAnimationMs);
    m_viewAnimation.setStartValue(0.0);
    m_viewAnimation.setEndValue(1.0);
    m_viewAnimation.setEasingCurve(QEasingCurve::InOutCubic);
    connect(&m_viewAnimation, &QVariantAnimation::valueChanged, this, [this](const QVariant& value) {
        if (m_viewAnimation.state() != QAbstractAnimation::Running)
            return; // the final value comes with finished()
        // Scale on a log scale (a zoom feels even), the centre in screen terms.
        const double t = value.toDouble();
        MapView v;
        v.plotRect = m_frame.plotRect;
        v.scale = m_animationFrom.scale * std::pow(m_animationTo.scale / m_animationFrom.scale, t);
        v.center = m_animationFrom.center + (m_animationTo.center - m_animationFrom.center) * t;
        setView(v, false);
    });
    connect(&m_viewAnimation, &QVariantAnimation::finished, this, [this] {
        MapView v = m_animationTo;
        v.plotRect = m_frame.plotRect;
        setView(m_animationToFitted ? fittedView(m_frame.plotRect) : v, m_animationToFitted);
    });
    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(kDeferredRenderMs);
    connect(&m_renderTimer, &QTimer::timeout, this, [this] {
        m_cacheDirty = true;
        update();
    });

    connect(m_session, &ExplorerSession::runChanged, this, &PopulationMap::onRunChanged);
    connect(m_session, &ExplorerSession::layoutChanged, this, &PopulationMap::onLayoutChanged);
    connect(m_session, &ExplorerSession::currentChanged, this, [this] { update(); });
    connect(m_session, &ExplorerSession::selectionChanged, this, [this] {
        packRings();
        m_cacheDirty = true;
        update();
    });
    onRunChanged();
}

PopulationMap::~PopulationMap() = default;

// ---------------------------------------------------------------- run data

void PopulationMap::onRunChanged()
{
    m_layoutTimer.stop();
    m_hovered = -1;
    m_positions.reset();
    m_bounds = QRectF();
    m_sizeBuckets.clear();
    m_drawOrder.clear();
    m_customName.clear();
    m_customColors.clear();
    m_customLegend.clear();
    m_customEntryOf.clear();
    if (m_colorBy == ColorBy::Custom) {
        m_colorBy = ColorBy::GroundTruth; // the custom colouring described the old run
        Q_EMIT coloringChanged();
    }
    m_gridDirty = true;
    m_fitted = true;

    if (m_session->hasRun()) {
        const int n = m_session->sampleCount();
        m_positions = m_session->mapPositionsPtr();
        m_bounds = m_positions ? boundsOf(*m_positions) : QRectF();
        m_sizeBuckets.resize(static_cast<size_t>(n));
        std::vector<float> key(static_cast<size_t>(n));
        for (int id = 0; id < n; ++id) {
            const float loss = m_session->loss(id);
            m_sizeBuckets[static_cast<size_t>(id)] =
                static_cast<std::uint8_t>(mapstyle::sizeBucketForLoss(loss));
            // Wrong samples after all correct ones, each group by ascending
            // loss: what we look for is drawn last, on top.
            const float l = std::isfinite(loss) ? loss : std::numeric_limits<float>::max();
            key[static_cast<size_t>(id)] = l;
        }
        m_drawOrder.resize(static_cast<size_t>(n));
        std::iota(m_drawOrder.begin(), m_drawOrder.end(), 0);
        std::sort(m_drawOrder.begin(), m_drawOrder.end(), [&](int a, int b) {
            const bool wa = !m_session->correct(a), wb = !m_session->correct(b);
            if (wa != wb)
                return wb;
            const float ka = key[static_cast<size_t>(a)], kb = key[static_cast<size_t>(b)];
            return ka != kb ? ka < kb : a < b;
        });
    }
    applyColoring(); // also updates what is shown and the legend
    Q_EMIT filtersChanged();
}

void PopulationMap::onLayoutChanged()
{
    // A projection streams layouts; draw at most one per throttle interval.
    if (!m_layoutTimer.isActive())
        m_layoutTimer.start();
}

void PopulationMap::applyLayoutSnapshot()
{
    if (!m_session->hasRun())
        return;
    auto positions = m_session->mapPositionsPtr();
    if (!positions || positions->rows() != static_cast<Eigen::Index>(m_sizeBuckets.size()))
        return;
    m_positions = std::move(positions);
    m_bounds = boundsOf(*m_positions);
    m_gridDirty = true;
    packDots(m_shownOrder, m_shownDots);
    packRings();
    if (m_fitted)
        m_view = fittedView(m_frame.plotRect);
    m_cacheDirty = true;
    update();
    Q_EMIT viewChanged();
}

// ---------------------------------------------------------------- colouring

QString PopulationMap::colorByName(ColorBy colorBy)
{
    switch (colorBy) {
    case ColorBy::GroundTruth:
        return tr("ground-truth class");
    case ColorBy::Prediction:
        return tr("prediction");
    case ColorBy::Correctness:
        return tr("correct / wrong");
    case ColorBy::Subset:
        return tr("subset");
    case ColorBy::Custom:
        return tr("custom");
    }
    return {};
}

QString PopulationMap::colorByName() const
{
    return m_colorBy == ColorBy::Custom && !m_customName.isEmpty() ? m_customName
                                                                   : colorByName(m_colorBy);
}

void PopulationMap::setColorBy(ColorBy colorBy)
{
    if (colorBy == ColorBy::Custom && m_customColors.empty())
        return; // nothing to show: setCustomColoring first
    if (colorBy == m_colorBy)
        return;
    m_colorBy = colorBy;
    applyColoring();
    Q_EMIT coloringChanged();
    Q_EMIT filtersChanged(); // hidden entries were reset
}

bool PopulationMap::setCustomColoring(const QString& name, std::vector<QRgb> perSample,
                                      QVector<MapLegendEntry> legend,
                                      std::vector<int> entryOfSample)
{
    const size_t n = m_sizeBuckets.size();
    if (n == 0 || perSample.size() != n || (!entryOfSample.empty() && entryOfSample.size() != n))
        return false;
    m_customName = name;
    m_customColors = std::move(perSample);
    m_customLegend = std::move(legend);
    m_customEntryOf = std::move(entryOfSample);
    m_colorBy = ColorBy::Custom;
    applyColoring();
    Q_EMIT coloringChanged();
    Q_EMIT filtersChanged();
    return true;
}

void PopulationMap::applyColoring()
{
    const int n = static_cast<int>(m_sizeBuckets.size());
    m_colors.assign(static_cast<size_t>(n), qRgb(0x80, 0x80, 0x80));
    m_entryOf.assign(static_cast<size_t>(n), -1);
    QVector<MapLegendEntry> entries;
    QString legendTitle;

    switch (m_colorBy) {
    case ColorBy::GroundTruth:
    case ColorBy::Prediction: {
        const bool gt = m_colorBy == ColorBy::GroundTruth;
        legendTitle = gt ? tr("Ground truth") : tr("Prediction");
        const int classes = n > 0 ? m_session->classCount() : 0;
        std::vector<QRgb> palette(static_cast<size_t>(classes));
        for (int c = 0; c < classes; ++c) {
            palette[static_cast<size_t>(c)] = classColor(c).rgb();
            entries.append({QString::number(c), classColor(c), 0});
        }
        for (int id = 0; id < n; ++id) {
            const int c = gt ? m_session->label(id) : m_session->prediction(id);
            if (c >= 0 && c < classes) {
                m_colors[static_cast<size_t>(id)] = palette[static_cast<size_t>(c)];
                m_entryOf[static_cast<size_t>(id)] = c;
            }
        }
        break;
    }
    case ColorBy::Correctness:
        legendTitle = tr("Outcome");
        entries = {{tr("correct"), QColor(mapstyle::correctColor()), 0},
                   {tr("wrong"), QColor(mapstyle::wrongColor()), 0}};
        for (int id = 0; id < n; ++id) {
            const bool ok = m_session->correct(id);
            m_colors[static_cast<size_t>(id)] =
                ok ? mapstyle::correctColor() : mapstyle::wrongColor();
            m_entryOf[static_cast<size_t>(id)] = ok ? 0 : 1;
        }
        break;
    case ColorBy::Subset:
        legendTitle = tr("Subset");
        entries = {{tr("train"), QColor(mapstyle::trainColor()), 0},
                   {tr("validation"), QColor(mapstyle::validationColor()), 0}};
        for (int id = 0; id < n; ++id) {
            const bool train = m_session->subsetOf(id) == analysis::Subset::Train;
            m_colors[static_cast<size_t>(id)] =
                train ? mapstyle::trainColor() : mapstyle::validationColor();
            m_entryOf[static_cast<size_t>(id)] = train ? 0 : 1;
        }
        break;
    case ColorBy::Custom:
        legendTitle = m_customName;
        entries = m_customLegend;
        for (int id = 0; id < n; ++id) {
            m_colors[static_cast<size_t>(id)] =
                m_customColors[static_cast<size_t>(id)] | 0xff000000u;
            if (!m_customEntryOf.empty()) {
                const int e = m_customEntryOf[static_cast<size_t>(id)];
                m_entryOf[static_cast<size_t>(id)] = e >= 0 && e < entries.size() ? e : -1;
            }
        }
        break;
    }
    m_legend.setTitle(legendTitle);
    m_legend.setEntries(entries);
    m_hiddenEntries.assign(static_cast<size_t>(entries.size()), false);
    m_isolatedEntry = -1;
    updateShown();
    relayout(); // the legend's width may have changed
}

// ---------------------------------------------------------------- filters

void PopulationMap::updateShown()
{
    const int n = static_cast<int>(m_sizeBuckets.size());
    const int entryCount = static_cast<int>(m_hiddenEntries.size());
    std::vector<qint64> counts(static_cast<size_t>(entryCount), 0);
    m_shown.assign(static_cast<size_t>(n), 0);
    for (int id = 0; id < n; ++id) {
        const bool train = m_session->subsetOf(id) == analysis::Subset::Train;
        if ((m_subsetFilter == SubsetFilter::Train && !train) ||
            (m_subsetFilter == SubsetFilter::Validation && train))
            continue;
        const int gt = m_session->label(id), pred = m_session->prediction(id);
        if (m_misclassifiedOnly && gt == pred)
            continue;
        if ((m_pairGroundTruth >= 0 && gt != m_pairGroundTruth) ||
            (m_pairPrediction >= 0 && pred != m_pairPrediction))
            continue;
        // Counts ignore hidden entries, so a hidden class still shows how
        // many dots it would bring back.
        const int e = m_entryOf[static_cast<size_t>(id)];
        if (e >= 0 && e < entryCount) {
            ++counts[static_cast<size_t>(e)];
            if (m_hiddenEntries[static_cast<size_t>(e)])
                continue;
        }
        m_shown[static_cast<size_t>(id)] = 1;
    }
    m_shownOrder.clear();
    m_shownOrder.reserve(static_cast<size_t>(n));
    for (int id : m_drawOrder)
        if (m_shown[static_cast<size_t>(id)])
            m_shownOrder.push_back(id);

    QVector<MapLegendEntry> entries = m_legend.entries();
    // Custom legends without per-sample entries keep the caller's counts.
    const bool counted = m_colorBy != ColorBy::Custom || !m_customEntryOf.empty();
    if (counted)
        for (int i = 0; i < entries.size() && i < entryCount; ++i)
            entries[i].count = counts[static_cast<size_t>(i)];
    m_legend.setEntries(entries);
    m_legend.setHidden(m_hiddenEntries);
    packDots(m_shownOrder, m_shownDots);
    packRings();
    m_cacheDirty = true;
    update();
}

void PopulationMap::packRings()
{
    std::vector<int> order;
    auto shownPart = [this, &order](const QVector<int>& ids, MapDots& out) {
        order.clear();
        for (int id : ids)
            if (id >= 0 && id < static_cast<int>(m_shown.size()) &&
                m_shown[static_cast<size_t>(id)])
                order.push_back(id);
        packDots(order, out);
    };
    shownPart(m_session->hasRun() ? m_session->selection() : QVector<int>(), m_selectionDots);
    shownPart(m_highlighted, m_highlightDots);
}

void PopulationMap::packDots(const std::vector<int>& order, MapDots& out) const
{
    out.resize(m_positions ? order.size() : 0);
    if (!m_positions)
        return;
    const RowMatrixXf& pos = *m_positions;
    for (size_t k = 0; k < order.size(); ++k) {
        const auto id = static_cast<size_t>(order[k]);
        out[k] = {pos(order[k], 0), pos(order[k], 1), m_colors[id], m_sizeBuckets[id],
                  !m_session->correct(order[k])};
    }
}

bool PopulationMap::isEntryHidden(int entry) const
{
    return entry >= 0 && entry < static_cast<int>(m_hiddenEntries.size()) &&
           m_hiddenEntries[static_cast<size_t>(entry)];
}

void PopulationMap::setEntryHidden(int entry, bool hidden)
{
    if (entry < 0 || entry >= static_cast<int>(m_hiddenEntries.size()) ||
        m_hiddenEntries[static_cast<size_t>(entry)] == hidden)
        return;
    // Toggling the isolated entry itself is the first click of the double-
    // click that undoes the isolation: keep remembering it.
    if (entry != m_isolatedEntry)
        m_isolatedEntry = -1;
    m_hiddenEntries[static_cast<size_t>(entry)] = hidden;
    filtersUpdated();
}

void PopulationMap::isolateEntry(int entry)
{
    if (entry < 0 || entry >= static_cast<int>(m_hiddenEntries.size()))
        return;
    if (m_isolatedEntry == entry) {
        showAllEntries();
        return;
    }
    std::fill(m_hiddenEntries.begin(), m_hiddenEntries.end(), true);
    m_hiddenEntries[static_cast<size_t>(entry)] = false;
    m_isolatedEntry = entry;
    filtersUpdated();
}

void PopulationMap::showAllEntries()
{
    std::fill(m_hiddenEntries.begin(), m_hiddenEntries.end(), false);
    m_isolatedEntry = -1;
    filtersUpdated();
}

void PopulationMap::setSubsetFilter(SubsetFilter filter)
{
    if (filter == m_subsetFilter)
        return;
    m_subsetFilter = filter;
    filtersUpdated();
}

void PopulationMap::setMisclassifiedOnly(bool on)
{
    if (on == m_misclassifiedOnly)
        return;
    m_misclassifiedOnly = on;
    filtersUpdated();
}

bool PopulationMap::hasFilters() const
{
    return m_subsetFilter != SubsetFilter::Both || m_misclassifiedOnly || m_pairGroundTruth >= 0 ||
           m_pairPrediction >= 0 ||
           std::find(m_hiddenEntries.begin(), m_hiddenEntries.end(), true) != m_hiddenEntries.end();
}

void PopulationMap::clearFilters()
{
    if (!hasFilters())
        return;
    m_subsetFilter = SubsetFilter::Both;
    m_misclassifiedOnly = false;
    m_pairGroundTruth = m_pairPrediction = -1;
    std::fill(m_hiddenEntries.begin(), m_hiddenEntries.end(), false);
    m_isolatedEntry = -1;
    filtersUpdated();
}

void PopulationMap::filtersUpdated()
{
    updateShown();
    Q_EMIT filtersChanged();
    // A filter that leaves nothing in sight would show an empty map: frame
    // what it shows instead.
    if (!m_positions || m_shownOrder.empty())
        return;
    const QRectF visible = visibleArea();
    const RowMatrixXf& pos = *m_positions;
    for (int id : m_shownOrder)
        if (visible.contains(m_view.toScreen(pos(id, 0), pos(id, 1))))
            return;
    frameSamples(QVector<int>(m_shownOrder.begin(), m_shownOrder.end()));
}

void PopulationMap::setPairFilter(int groundTruth, int prediction)
{
    groundTruth = std::max(groundTruth, -1);
    prediction = std::max(prediction, -1);
    if (groundTruth == m_pairGroundTruth && prediction == m_pairPrediction)
        return;
    m_pairGroundTruth = groundTruth;
    m_pairPrediction = prediction;
    filtersUpdated();
}

bool PopulationMap::isSampleShown(int id) const
{
    return id >= 0 && id < static_cast<int>(m_shown.size()) && m_shown[static_cast<size_t>(id)];
}

void PopulationMap::setHighlighted(QVector<int> ids)
{
    m_highlighted = std::move(ids);
    packRings();
    m_cacheDirty = true;
    update();
}

// ---------------------------------------------------------------- layout and view

QFont PopulationMap::mapFont() const
{
    // Pixel-sized, so the widget, PNG, SVG and PDF lay out alike whatever the
    // output device's resolution.
    QFont f = font();
    f.setPixelSize(std::max(1, QFontInfo(font()).pixelSize()));
    return f;
}

PopulationMap::Frame PopulationMap::frameFor(const QSizeF& size, const QFont& font) const
{
    const QFontMetricsF title(boldFont(font, 1.15));
    const QFontMetricsF body(font);
    const qreal titleHeight = kMargin + title.height() + body.height() + 6.0;
    const qreal legendWidth =
        m_legend.preferredWidth(font, std::max(size.height() - titleHeight - kMargin, 1.0));
    Frame f;
    f.titleRect =
        QRectF(kMargin, kMargin, std::max(size.width() - 2 * kMargin, 1.0), titleHeight - kMargin);
    // Beside the map while it takes no more than its share of the width;
    // on smaller maps a band across the top instead: a box floating over
    // the map would hide dots and take the clicks meant for them.
    const qreal plotHeight = std::max(size.height() - titleHeight - kMargin, 10.0);
    const qreal widthBeside = size.width() - 2 * kMargin - legendWidth - kLegendGap;
    f.stripLegend = widthBeside < std::max(kMinPlotWidth, (1.0 - kMaxLegendShare) * size.width());
    if (!f.stripLegend) {
        f.legendArea = QRectF(size.width() - kMargin - legendWidth, titleHeight, legendWidth, plotHeight);
        f.plotRect = QRectF(kMargin, titleHeight, std::max(widthBeside, 10.0), plotHeight);
    } else {
        const qreal width = std::max(size.width() - 2 * kMargin, 1.0);
        f.legendArea = QRectF(kMargin, titleHeight, width, m_legend.stripHeight(font, width));
        f.plotRect = QRectF(kMargin, f.legendArea.bottom() + kLegendGap / 2, width,
                            std::max(plotHeight - f.legendArea.height() - kLegendGap / 2, 10.0));
    }
    return f;
}

void PopulationMap::layoutLegend(MapLegend& legend, const Frame& frame, const QFont& font)
{
    if (frame.stripLegend)
        legend.layoutStrip(frame.legendArea, font);
    else
        legend.layout(frame.legendArea, font);
}

MapView PopulationMap::fittedView(const QRectF& plotRect) const
{
    MapView v;
    v.plotRect = plotRect;
    v.center = m_bounds.center();
    const double w = plotRect.width() - 2 * kFitPadding;
    const double h = plotRect.height() - 2 * kFitPadding;
    const double sx = m_bounds.width() > 1e-12 ? w / m_bounds.width() : 0.0;
    const double sy = m_bounds.height() > 1e-12 ? h / m_bounds.height() : 0.0;
    double scale = sx > 0 && sy > 0 ? std::min(sx, sy) : std::max(sx, sy);
    if (!(scale > 0) || !std::isfinite(scale))
        scale = 1.0; // every sample at one point (a layout not computed yet)
    v.scale = scale;
    return v;
}

double PopulationMap::fitScale() const
{
    return fittedView(m_frame.plotRect).scale;
}

MapView PopulationMap::viewFor(const Frame& frame) const
{
    if (m_fitted)
        return fittedView(frame.plotRect);
    MapView v = m_view;
    const double f = std::min(frame.plotRect.width() / std::max(m_view.plotRect.width(), 1.0),
                              frame.plotRect.height() / std::max(m_view.plotRect.height(), 1.0));
    v.scale *= f;
    v.plotRect = frame.plotRect;
    return v;
}

void PopulationMap::relayout()
{
    m_frame = frameFor(size(), mapFont());
    layoutLegend(m_legend, m_frame, mapFont());
    if (m_fitted) {
        m_view = fittedView(m_frame.plotRect);
    } else {
        m_view.plotRect = m_frame.plotRect;
    }
    m_cacheDirty = true;
    update();
}

void PopulationMap::setView(const MapView& view, bool fitted)
{
    m_view = view;
    m_fitted = fitted;
    update();
    Q_EMIT viewChanged();
}

void PopulationMap::resetView()
{
    stopAnimation();
    setView(fittedView(m_frame.plotRect), true);
}

void PopulationMap::stopAnimation()
{
    if (m_viewAnimation.state() != QAbstractAnimation::Stopped) {
        const QSignalBlocker block(m_viewAnimation); // no jump to the end
        m_viewAnimation.stop();
    }
}

bool PopulationMap::isAnimating() const
{
    return m_viewAnimation.state() == QAbstractAnimation::Running;
}

void PopulationMap::animateTo(const MapView& target, bool fitted)
{
    stopAnimation();
    if (!isVisible() || !(m_view.scale > 0) || !(target.scale > 0)) {
        setView(target, fitted);
        return;
    }
    m_animationFrom = m_view;
    m_animationTo = target;
    m_animationToFitted = fitted;
    m_viewAnimation.start();
}

QRectF PopulationMap::visibleArea() const
{
    // The legend sits beside the plot or in a band above it, never over it.
    return m_frame.plotRect;
}

QRectF PopulationMap::framingArea() const
{
    const QRectF visible = visibleArea();
    const QRectF area = visible.adjusted(kFrameMargin, kFrameMargin, -kFrameMargin, -kFrameMargin);
    return area.width() >= 1.0 && area.height() >= 1.0 ? area : visible;
}

bool PopulationMap::isInView(int id) const
{
    if (!m_positions || id < 0 || id >= m_positions->rows())
        return false;
    return visibleArea().contains(mapToScreen(id));
}

void PopulationMap::frameSamples(const QVector<int>& ids)
{
    if (!m_positions)
        return;
    const RowMatrixXf& pos = *m_positions;
    const QRectF visible = visibleArea();
    const QRectF area = framingArea();
    double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
    bool allInView = true;
    for (int id : ids) {
        if (id < 0 || id >= pos.rows() || !std::isfinite(pos(id, 0)) || !std::isfinite(pos(id, 1)))
            continue;
        x0 = std::min<double>(x0, pos(id, 0));
        x1 = std::max<double>(x1, pos(id, 0));
        y0 = std::min<double>(y0, pos(id, 1));
        y1 = std::max<double>(y1, pos(id, 1));
        allInView = allInView && visible.contains(m_view.toScreen(pos(id, 0), pos(id, 1)));
    }
    if (!(x0 <= x1) || allInView)
        return; // nothing to frame, or the user's view already shows them
    // The box in map space, centred in the framing area.
    const QRectF box(QPointF(x0, y0), QPointF(x1, y1));
    const double fit = fitScale();
    double scale = m_view.scale;
    if (box.width() * scale > area.width() || box.height() * scale > area.height()) {
        const double sx = box.width() > 0 ? area.width() / box.width() : scale;
        const double sy = box.height() > 0 ? area.height() / box.height() : scale;
        scale = std::max(std::min({sx, sy, scale}), fit * kMinZoom);
    }
    // What the fitted view shows suffices: go back to "fit" (it then follows
    // resizes and live layouts, as after Home).
    const MapView fitted = fittedView(m_frame.plotRect);
    if (scale <= fit && area.contains(fitted.toScreen(x0, y0)) &&
        area.contains(fitted.toScreen(x1, y1))) {
        animateTo(fitted, true);
        return;
    }
    MapView v = m_view;
    v.plotRect = m_frame.plotRect;
    v.scale = scale;
    const QPointF offset = area.center() - m_frame.plotRect.center(); // widget px
    v.center = QPointF(box.center().x() - offset.x() / scale, box.center().y() + offset.y() / scale);
    animateTo(v, false);
}

QStringList PopulationMap::revealSamples(const QVector<int>& ids)
{
    QStringList cleared;
    // A rectangle or lasso drawn on the map selects what the user sees
    // where they see it: nothing to bring into sight.
    if (m_selectingItself)
        return cleared;
    const int n = static_cast<int>(m_sizeBuckets.size());
    bool train = false, validation = false, correct = false, offPair = false;
    std::vector<bool> entries(m_hiddenEntries.size(), false);
    for (int id : ids) {
        if (id < 0 || id >= n)
            continue;
        (m_session->subsetOf(id) == analysis::Subset::Train ? train : validation) = true;
        correct = correct || m_session->correct(id);
        offPair = offPair ||
                  (m_pairGroundTruth >= 0 && m_session->label(id) != m_pairGroundTruth) ||
                  (m_pairPrediction >= 0 && m_session->prediction(id) != m_pairPrediction);
        const int e = m_entryOf[static_cast<size_t>(id)];
        if (e >= 0 && e < static_cast<int>(entries.size()))
            entries[static_cast<size_t>(e)] = true;
    }
    bool changed = false;
    if ((m_subsetFilter == SubsetFilter::Train && validation) ||
        (m_subsetFilter == SubsetFilter::Validation && train)) {
        cleared << (m_subsetFilter == SubsetFilter::Train ? tr("training set only")
                                                          : tr("validation set only"));
        m_subsetFilter = SubsetFilter::Both;
        changed = true;
    }
    if (m_misclassifiedOnly && correct) {
        cleared << tr("misclassified only");
        m_misclassifiedOnly = false;
        changed = true;
    }
    if (offPair) {
        cleared << pairFilterText();
        m_pairGroundTruth = m_pairPrediction = -1;
        changed = true;
    }
    bool shownEntry = false;
    for (size_t e = 0; e < entries.size(); ++e)
        if (entries[e] && m_hiddenEntries[e]) {
            m_hiddenEntries[e] = false;
            shownEntry = true;
        }
    if (shownEntry) {
        cleared << tr("hidden legend entries");
        m_isolatedEntry = -1;
        changed = true;
    }
    if (changed) {
        updateShown();
        Q_EMIT filtersChanged();
    }
    frameSamples(ids);
    return cleared;
}

void PopulationMap::zoomBy(double factor, const QPointF& anchor)
{
    if (!(factor > 0))
        return;
    stopAnimation();
    const double fit = fitScale();
    const double scale = std::clamp(m_view.scale * factor, fit * kMinZoom, fit * kMaxZoom);
    const QPointF m = m_view.toMap(anchor);
    MapView v = m_view;
    v.scale = scale;
    const QPointF c = v.plotRect.center();
    v.center = QPointF(m.x() - (anchor.x() - c.x()) / scale, m.y() + (anchor.y() - c.y()) / scale);
    setView(v, false);
}

void PopulationMap::centerOn(int id)
{
    if (!m_positions || id < 0 || id >= m_positions->rows())
        return;
    MapView v = m_view;
    const double fit = fitScale();
    v.scale = std::clamp(std::max(v.scale, fit * kCenterOnZoom), fit * kMinZoom, fit * kMaxZoom);
    v.plotRect = m_frame.plotRect;
    v.center = QPointF((*m_positions)(id, 0), (*m_positions)(id, 1));
    animateTo(v, false);
    m_session->setCurrent(id);
}

QPointF PopulationMap::mapToScreen(int id) const
{
    if (!m_positions || id < 0 || id >= m_positions->rows())
        return {};
    return m_view.toScreen((*m_positions)(id, 0), (*m_positions)(id, 1));
}

// ---------------------------------------------------------------- picking

void PopulationMap::ensureGrid() const
{
    if (!m_gridDirty)
        return;
    if (m_positions)
        m_grid.build(*m_positions, m_drawOrder);
    else
        m_grid.clear();
    m_gridDirty = false;
}

int PopulationMap::pickAt(const QPointF& widgetPos) const
{
    if (!m_positions)
        return -1;
    const RowMatrixXf& pos = *m_positions;
    // How far from its centre a dot still shows its colour: the disc and its
    // anti-aliased rim (the renderer's coverage reaches half a pixel further).
    auto drawnRadius = [this](int id) {
        return mapstyle::radiusOfBucket(m_sizeBuckets[static_cast<size_t>(id)]) + kAntialiasRim;
    };
    // The current sample's marker is painted over every dot.
    const int current = m_session->current();
    if (current >= 0 && current < pos.rows()) {
        const QPointF s = m_view.toScreen(pos(current, 0), pos(current, 1));
        if (QLineF(s, widgetPos).length() <= drawnRadius(current))
            return current;
    }
    if (m_shownOrder.empty())
        return -1;
    ensureGrid();
    // Distances in widget pixels: map-space offsets times the view's scale.
    const QPointF cursor = m_view.toMap(widgetPos);
    const double scale = m_view.scale;
    auto squaredDistance = [&](float x, float y) {
        const double dx = (x - cursor.x()) * scale, dy = (y - cursor.y()) * scale;
        return dx * dx + dy * dy;
    };
    auto around = [&](double pixels) {
        const double r = pixels / scale;
        return QRectF(cursor.x() - r, cursor.y() - r, 2 * r, 2 * r);
    };

    // The front-most dot whose disc holds the cursor. Cells list their dots
    // front-most first: a cell is read until its first hit, or until its
    // dots lie under the best hit so far.
    const double maxDrawn = mapstyle::kMaxDotRadius + kAntialiasRim;
    int top = -1, topRank = -1;
    m_grid.forEachCellOf(around(maxDrawn), [&](const SpatialGrid::Cell& cell) {
        for (int k = 0; k < cell.count && cell.ranks[k] > topRank; ++k) {
            const double d2 = squaredDistance(cell.xs[k], cell.ys[k]);
            if (d2 > maxDrawn * maxDrawn)
                continue;
            const int id = cell.ids[k];
            const double r = drawnRadius(id);
            if (d2 <= r * r && m_shown[static_cast<size_t>(id)]) {
                top = id;
                topRank = cell.ranks[k];
                break;
            }
        }
    });
    if (top >= 0)
        return top;

    // Else the dot whose edge is nearest, within the pick slack (the
    // front-most of equally near ones).
    const double maxReach = maxDrawn + mapstyle::kPickSlack;
    int nearest = -1, nearestRank = -1;
    double nearestGap = mapstyle::kPickSlack;
    m_grid.forEachCellOf(around(maxReach), [&](const SpatialGrid::Cell& cell) {
        for (int k = 0; k < cell.count; ++k) {
            const double d2 = squaredDistance(cell.xs[k], cell.ys[k]);
            if (d2 > maxReach * maxReach)
                continue;
            const int id = cell.ids[k];
            if (!m_shown[static_cast<size_t>(id)])
                continue;
            const double gap = std::sqrt(d2) - drawnRadius(id);
            if (gap < nearestGap || (gap == nearestGap && nearest >= 0 && cell.ranks[k] > nearestRank)) {
                nearestGap = gap;
                nearest = id;
                nearestRank = cell.ranks[k];
            }
        }
    });
    return nearest;
}

QVector<int> PopulationMap::samplesInRect(const QRectF& widgetRect) const
{
    QVector<int> ids;
    if (!m_positions || m_shownOrder.empty() || widgetRect.isEmpty())
        return ids;
    ensureGrid();
    const RowMatrixXf& pos = *m_positions;
    m_grid.forEachInCellsOf(m_view.toMap(widgetRect), [&](int id) {
        if (m_shown[static_cast<size_t>(id)] &&
            widgetRect.contains(m_view.toScreen(pos(id, 0), pos(id, 1))))
            ids.append(id);
    });
    std::sort(ids.begin(), ids.end());
    return ids;
}

QVector<int> PopulationMap::samplesInPolygon(const QPolygonF& widgetPolygon) const
{
    QVector<int> ids;
    const LassoPolygon lasso(widgetPolygon);
    if (!m_positions || m_shownOrder.empty() || lasso.isEmpty())
        return ids;
    ensureGrid();
    const RowMatrixXf& pos = *m_positions;
    m_grid.forEachInCellsOf(m_view.toMap(lasso.boundingRect()), [&](int id) {
        if (m_shown[static_cast<size_t>(id)] &&
            lasso.contains(m_view.toScreen(pos(id, 0), pos(id, 1))))
            ids.append(id);
    });
    std::sort(ids.begin(), ids.end());
    return ids;
}

QString PopulationMap::tooltipHtml(int id) const
{
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount())
        return {};
    QString thumbnail;
    const QImage image = m_session->image(id);
    if (!image.isNull()) {
        // Nearest-neighbour: the digit's pixels stay crisp squares.
        const QImage big = image.scaled(image.size() * kThumbnailScale, Qt::IgnoreAspectRatio,
                                        Qt::FastTransformation);
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        big.save(&buffer, "PNG");
        thumbnail = QStringLiteral("<td><img src='data:image/png;base64,%1' width='%2' "
                                   "height='%3'></td>")
                        .arg(QString::fromLatin1(png.toBase64()))
                        .arg(big.width())
                        .arg(big.height());
    }
    const int gt = m_session->label(id);
    const int pred = m_session->prediction(id);
    const auto& a = m_session->analysisOf(id);
    const int row = m_session->indexInSubset(id);
    QString confidence;
    if (a.probabilities.rows() > row && a.probabilities.cols() > pred)
        confidence = tr(" (p = %1)").arg(a.probabilities(row, pred), 0, 'f', 3);
    const QString outcome =
        gt == pred
            ? tr("correct")
            : QStringLiteral("<span style='color:#d62728'><b>%1</b></span>").arg(tr("wrong"));
    return QStringLiteral("<table cellspacing='0' cellpadding='2'><tr>%1"
                          "<td style='padding-left:6px'><b>%2</b><br>%3<br>%4<br>%5<br>%6</td>"
                          "</tr></table>")
        .arg(thumbnail, m_session->describe(id).toHtmlEscaped(), tr("GT: %1").arg(gt),
             tr("Prediction: %1%2").arg(pred).arg(confidence), outcome,
             tr("Loss: %1").arg(static_cast<double>(m_session->loss(id)), 0, 'f', 3));
}

// ---------------------------------------------------------------- rendering

void PopulationMap::invalidateCache()
{
    m_cacheDirty = true;
    update();
}

void PopulationMap::renderCache()
{
    QElapsedTimer timer;
    timer.start();
    const qreal dpr = devicePixelRatioF();
    const QSize deviceSize(std::max(1, static_cast<int>(std::lround(width() * dpr))),
                           std::max(1, static_cast<int>(std::lround(height() * dpr))));
    if (m_cache.size() != deviceSize)
        m_cache = QImage(deviceSize, QImage::Format_ARGB32_Premultiplied);
    m_cache.setDevicePixelRatio(dpr);
    m_cache.fill(Qt::white);
    m_renderer.setDevicePixelRatio(dpr);
    if (m_positions) {
        m_renderer.drawDots(m_cache, m_shownDots, m_view);
        m_renderer.drawRings(m_cache, m_selectionDots, m_view, mapstyle::selectionRingColor(),
                             false);
        m_renderer.drawRings(m_cache, m_highlightDots, m_view, mapstyle::highlightRingColor(),
                             true);
    }
    m_cacheView = m_view;
    m_cacheDirty = false;
    m_lastRenderMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

QString PopulationMap::titleText() const
{
    return tr("Population map — %1").arg(colorByName());
}

QString PopulationMap::pairFilterText() const
{
    auto any = [](int c) { return c >= 0 ? QString::number(c) : tr("any"); };
    return tr("GT %1 → predicted %2").arg(any(m_pairGroundTruth), any(m_pairPrediction));
}

QString PopulationMap::subtitleText() const
{
    if (!m_session->hasRun())
        return {};
    const QLocale en(QLocale::English);
    QStringList parts;
    parts << tr("%1 of %2 shown")
                 .arg(en.toString(shownCount()), samplesText(m_session->sampleCount()));
    if (m_subsetFilter == SubsetFilter::Train)
        parts << tr("training set");
    else if (m_subsetFilter == SubsetFilter::Validation)
        parts << tr("validation set");
    if (m_misclassifiedOnly)
        parts << tr("misclassified only");
    if (m_pairGroundTruth >= 0 || m_pairPrediction >= 0)
        parts << pairFilterText();
    const auto hidden = std::count(m_hiddenEntries.begin(), m_hiddenEntries.end(), true);
    if (hidden > 0)
        parts << tr("%1 of %2 legend entries hidden").arg(hidden).arg(m_hiddenEntries.size());
    return parts.join(QStringLiteral(" · "));
}

void PopulationMap::paintOverlay(QPainter& p, const Frame& frame, const MapView& view,
                                 const MapLegend& legend, const QFont& font, bool interactive) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QColor ink(0x20, 0x20, 0x20);
    if (!m_session->hasRun()) {
        p.setFont(font);
        p.setPen(QColor(0x80, 0x80, 0x80));
        p.drawText(frame.plotRect, Qt::AlignCenter, tr("No run loaded"));
        p.restore();
        return;
    }

    // The current sample: its dot opaque, a white-haloed black ring and four
    // ticks, drawn even when filters hide the sample (it is what the
    // inspector shows).
    const int current = m_session->current();
    if (m_positions && current >= 0 && current < m_positions->rows()) {
        const QPointF s = view.toScreen((*m_positions)(current, 0), (*m_positions)(current, 1));
        const qreal r = mapstyle::radiusOfBucket(m_sizeBuckets[static_cast<size_t>(current)]);
        p.setPen(QPen(Qt::white, 1.0));
        p.setBrush(QColor(m_colors[static_cast<size_t>(current)]));
        p.drawEllipse(s, r, r);
        const qreal ring = r + 4.0;
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 4.0));
        p.drawEllipse(s, ring, ring);
        p.setPen(QPen(Qt::black, 2.0));
        p.drawEllipse(s, ring, ring);
        for (const QPointF d : {QPointF(1, 0), QPointF(-1, 0), QPointF(0, 1), QPointF(0, -1)}) {
            p.setPen(QPen(Qt::white, 4.0, Qt::SolidLine, Qt::RoundCap));
            p.drawLine(s + d * (ring + 3.0), s + d * (ring + 9.0));
            p.setPen(QPen(Qt::black, 2.0, Qt::SolidLine, Qt::FlatCap));
            p.drawLine(s + d * (ring + 3.0), s + d * (ring + 9.0));
        }
    }

    if (m_shownOrder.empty()) {
        p.setFont(font);
        p.setPen(QColor(0x80, 0x80, 0x80));
        p.drawText(frame.plotRect, Qt::AlignCenter, tr("No samples match the filters."));
    }

    // Title and filter summary, on a translucent band so panned dots under
    // them do not make them unreadable.
    const QFont titleFont = boldFont(font, 1.15);
    const QFontMetricsF titleMetrics(titleFont);
    const QFontMetricsF bodyMetrics(font);
    const QString title = titleText();
    const QString subtitle =
        bodyMetrics.elidedText(subtitleText(), Qt::ElideRight, frame.titleRect.width());
    const qreal textWidth =
        std::max(titleMetrics.horizontalAdvance(title), bodyMetrics.horizontalAdvance(subtitle));
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 220));
    p.drawRect(QRectF(frame.titleRect.left() - 4, frame.titleRect.top() - 4, textWidth + 8,
                      titleMetrics.height() + bodyMetrics.height() + 8));
    p.setFont(titleFont);
    p.setPen(ink);
    p.drawText(
        QRectF(frame.titleRect.topLeft(), QSizeF(frame.titleRect.width(), titleMetrics.height())),
        Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setFont(font);
    p.setPen(QColor(0x60, 0x60, 0x60));
    p.drawText(QRectF(frame.titleRect.left(), frame.titleRect.top() + titleMetrics.height(),
                      frame.titleRect.width(), bodyMetrics.height()),
               Qt::AlignLeft | Qt::AlignVCenter, subtitle);

    legend.paint(p);

    if (interactive && (m_dragMode == DragMode::RubberBand || m_dragMode == DragMode::Lasso)) {
        const QColor accent(mapstyle::selectionRingColor()); // what it selects gets this ring
        QColor fill = accent;
        fill.setAlpha(28);
        p.setPen(QPen(accent, 1.2, Qt::DashLine));
        p.setBrush(fill);
        if (m_dragMode == DragMode::RubberBand) {
            p.drawRect(QRectF(m_pressPos, m_lastPos).normalized());
        } else if (m_lasso.size() > 1) {
            QPolygonF closed = m_lasso;
            closed << m_lastPos;
            p.drawPolygon(closed);
        }
    }
    p.restore();
}

void PopulationMap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const qreal dpr = devicePixelRatioF();
    const QSize deviceSize(std::max(1, static_cast<int>(std::lround(width() * dpr))),
                           std::max(1, static_cast<int>(std::lround(height() * dpr))));
    bool preview = false;
    if (m_cacheDirty || m_cache.size() != deviceSize || m_cache.devicePixelRatio() != dpr ||
        m_cacheView.plotRect != m_view.plotRect) {
        renderCache();
    } else if (m_cacheView != m_view) {
        if (m_lastRenderMs <= kFastRenderMs) {
            renderCache();
        } else {
            preview = true;
            m_renderTimer.start(); // restarts: re-render once the gesture rests
        }
    }

    if (!preview) {
        p.drawImage(QPointF(0, 0), m_cache);
    } else {
        // The last render, moved and scaled to the current view: screen' =
        // f·screen + t, exact for dots (they just lag in size until the re-render).
        const double f = m_view.scale / m_cacheView.scale;
        const QPointF c = m_view.plotRect.center();
        const double tx =
            c.x() * (1 - f) + (m_cacheView.center.x() - m_view.center.x()) * m_view.scale;
        const double ty =
            c.y() * (1 - f) - (m_cacheView.center.y() - m_view.center.y()) * m_view.scale;
        p.fillRect(rect(), Qt::white);
        p.save();
        p.setTransform(QTransform(f, 0, 0, f, tx, ty), true);
        p.drawImage(QPointF(0, 0), m_cache);
        p.restore();
    }
    paintOverlay(p, m_frame, m_view, m_legend, mapFont(), true);
}

QImage PopulationMap::renderImage(QSize size, qreal scale) const
{
    if (size.isEmpty() || !(scale > 0))
        return {};
    QImage image(QSize(std::max(1, static_cast<int>(std::lround(size.width() * scale))),
                       std::max(1, static_cast<int>(std::lround(size.height() * scale)))),
                 QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    const QFont font = mapFont();
    const Frame frame = frameFor(size, font);
    const MapView view = viewFor(frame);
    MapLegend legend = m_legend;
    layoutLegend(legend, frame, font);
    if (m_positions) {
        MapRenderer renderer; // sprites for this scale, not the widget's
        renderer.setDevicePixelRatio(scale);
        renderer.drawDots(image, m_shownDots, view);
        renderer.drawRings(image, m_selectionDots, view, mapstyle::selectionRingColor(), false);
        renderer.drawRings(image, m_highlightDots, view, mapstyle::highlightRingColor(), true);
    }
    QPainter p(&image);
    paintOverlay(p, frame, view, legend, font, false);
    return image;
}

namespace
{

// The correct dots of a vector export go in as one image of this many pixels
// per logical pixel: as sharp as a 2× screen or a 192 dpi print of the map.
constexpr qreal kVectorLayerScale = 2.0;
// At most this many pixels in that image (2000 × 1600), however large the
// export: a viewer decodes it at once.
constexpr qreal kVectorLayerMaxPixels = 3.2e6;
// At most this many bytes of PNG (what an SVG embeds, a third more in
// base64): with the vector dots below, a file stays under 3 MB. Dots of one
// colour per cluster need ~1 MB at 2×; a continuous colouring turns the
// clusters into noise, and the image then gets a coarser scale, down to 1×.
constexpr qsizetype kVectorLayerMaxBytes = 1'400'000;
constexpr qreal kVectorLayerMinScale = 1.0;
// At most this many misclassified dots stay vector (the most confidently
// wrong, drawn last); more join the image. 6,000 (8.5 % of MNIST, several
// times a trained model's errors) cost up to ~1 MB of SVG in mixed colours.
constexpr std::ptrdiff_t kMaxVectorDots = 6000;

// dots (in draw order) drawn by the widget's renderer at `scale` device px
// per logical px, opaque on white, covering `size` logical px.
QImage denseLayerAt(const MapDots& dots, const MapView& view, const QSizeF& size, qreal scale)
{
    QImage image(QSize(std::max(1, static_cast<int>(std::lround(size.width() * scale))),
                       std::max(1, static_cast<int>(std::lround(size.height() * scale)))),
                 QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return {};
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    MapRenderer renderer; // sprites for this scale, not the widget's
    renderer.setDevicePixelRatio(scale);
    renderer.drawDots(image, dots, view);
    // Opaque: no alpha channel in the PNG an SVG embeds, no soft mask in a PDF.
    return image.convertToFormat(QImage::Format_RGB32);
}

// The image layer of a vector export: the sharpest scale up to
// kVectorLayerScale whose PNG fits kVectorLayerMaxBytes. Null when there is
// nothing to draw.
QImage denseLayer(const MapDots& dots, const MapView& view, const QSizeF& size)
{
    if (dots.empty() || size.isEmpty())
        return {};
    qreal scale = std::min(kVectorLayerScale,
                           std::sqrt(kVectorLayerMaxPixels / (size.width() * size.height())));
    for (;;) {
        QImage image = denseLayerAt(dots, view, size, scale);
        if (image.isNull() || scale <= kVectorLayerMinScale)
            return image;
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG"); // as QSvgGenerator encodes it
        if (png.size() <= kVectorLayerMaxBytes)
            return image;
        // PNG bytes grow about with the pixel count; 0.95 leaves a margin
        // so one retry usually fits.
        scale = std::max(kVectorLayerMinScale,
                         scale * 0.95 *
                             std::sqrt(static_cast<double>(kVectorLayerMaxBytes) / png.size()));
    }
}

} // namespace

void PopulationMap::render(QPainter* painter, const QRectF& target) const
{
    if (!painter || target.isEmpty())
        return;
    const QFont font = mapFont();
    const QSizeF size = target.size();
    const Frame frame = frameFor(size, font);
    const MapView view = viewFor(frame);
    MapLegend legend = m_legend;
    layoutLegend(legend, frame, font);
    const QRectF bounds(QPointF(0, 0), size);

    painter->save();
    painter->translate(target.topLeft());
    painter->setClipRect(bounds);
    painter->fillRect(bounds, Qt::white);
    if (m_positions) {
        // Tens of thousands of correct dots as vector circles made a 15 MB SVG
        // that took seconds to open: they are drawn first (m_drawOrder), so
        // they go in as one image, and what a reader looks at stays vector on
        // top in the widget's order: misclassified dots, rings, then the
        // marker, title and legend.
        auto firstVector = std::find_if(m_shownDots.begin(), m_shownDots.end(),
                                        [](const MapDot& dot) { return dot.outlined; });
        if (m_shownDots.end() - firstVector > kMaxVectorDots)
            firstVector = m_shownDots.end() - kMaxVectorDots;
        const QImage dense = denseLayer(MapDots(m_shownDots.begin(), firstVector), view, size);
        if (!dense.isNull())
            painter->drawImage(bounds, dense, QRectF(dense.rect()));
        MapRenderer::paintDots(*painter, MapDots(firstVector, m_shownDots.end()), view, bounds);
        MapRenderer::paintRings(*painter, m_selectionDots, view, bounds,
                                mapstyle::selectionRingColor(), false);
        MapRenderer::paintRings(*painter, m_highlightDots, view, bounds,
                                mapstyle::highlightRingColor(), true);
    }
    paintOverlay(*painter, frame, view, legend, font, false);
    painter->restore();
}

// ---------------------------------------------------------------- events

void PopulationMap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void PopulationMap::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        relayout();
}

void PopulationMap::setHovered(int id, const QPoint& globalPos)
{
    if (id == m_hovered)
        return;
    m_hovered = id;
    if (id >= 0) {
        const QPoint s = mapToScreen(id).toPoint();
        // The tooltip closes when the mouse leaves the dot.
        const int reach =
            static_cast<int>(std::ceil(mapstyle::kMaxDotRadius + mapstyle::kPickSlack));
        QToolTip::showText(globalPos, tooltipHtml(id), this,
                           QRect(s - QPoint(reach, reach), QSize(2 * reach + 1, 2 * reach + 1)));
    } else {
        QToolTip::hideText();
    }
    Q_EMIT hoveredChanged(id);
}

void PopulationMap::mousePressEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    m_pressPos = m_lastPos = pos;
    m_dragMode = DragMode::None;
    stopAnimation(); // the user takes the view over
    if (event->button() == Qt::LeftButton) {
        const int entry = m_legend.entryAt(pos);
        if (entry >= 0) {
            setEntryHidden(entry, !isEntryHidden(entry));
            return;
        }
        if (m_legend.boundingRect().contains(pos))
            return; // the legend's titles and size examples do nothing
        const Qt::KeyboardModifiers mods = event->modifiers();
        if (mods & Qt::ShiftModifier) {
            m_dragMode = DragMode::RubberBand;
        } else if (mods & (Qt::ControlModifier | Qt::AltModifier)) {
            m_dragMode = DragMode::Lasso;
            m_lasso = QPolygonF{pos};
        } else {
            m_dragMode = DragMode::PendingClick;
        }
    } else if (event->button() == Qt::MiddleButton) {
        m_dragMode = DragMode::Pan;
    } else {
        QWidget::mousePressEvent(event);
        return;
    }
    setHovered(-1, {});
}

void PopulationMap::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    switch (m_dragMode) {
    case DragMode::PendingClick:
        // m_lastPos stays at the press until the drag starts: the pan then
        // moves the map by the whole way the mouse went.
        if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance())
            return;
        m_dragMode = DragMode::Pan;
        [[fallthrough]];
    case DragMode::Pan: {
        MapView v = m_view;
        v.center.rx() -= (pos.x() - m_lastPos.x()) / v.scale;
        v.center.ry() += (pos.y() - m_lastPos.y()) / v.scale;
        setView(v, false);
        break;
    }
    case DragMode::RubberBand:
        update();
        break;
    case DragMode::Lasso:
        if (QLineF(m_lasso.last(), pos).length() >= kLassoStep)
            m_lasso << pos;
        update();
        break;
    case DragMode::None: {
        const int entry = m_legend.entryAt(pos);
        if (entry >= 0) {
            setHovered(-1, {});
            const MapLegendEntry& e = m_legend.entries()[entry];
            const QString count =
                e.count >= 0 ? tr("%1: %2\n").arg(e.name, samplesText(static_cast<int>(e.count)))
                             : QString();
            QToolTip::showText(event->globalPosition().toPoint(),
                               count + tr("Click: hide or show “%1” · double-click: show only “%1”")
                                           .arg(e.name),
                               this, m_legend.entryRect(entry).toAlignedRect());
        } else {
            setHovered(m_legend.boundingRect().contains(pos) ? -1 : pickAt(pos),
                       event->globalPosition().toPoint());
        }
        break;
    }
    }
    m_lastPos = pos;
}

void PopulationMap::mouseReleaseEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    m_lastPos = pos;
    const DragMode mode = m_dragMode;
    m_dragMode = DragMode::None;
    switch (mode) {
    case DragMode::PendingClick: {
        const int id = pickAt(pos);
        if (id >= 0)
            m_session->setCurrent(id);
        break;
    }
    case DragMode::RubberBand: {
        const QRectF band = QRectF(m_pressPos, pos).normalized();
        if (band.width() >= 1 || band.height() >= 1) {
            const QVector<int> ids = samplesInRect(band);
            const QScopedValueRollback<bool> own(m_selectingItself, true);
            m_session->setSelection(ids, tr("Rectangle on the map"));
        }
        break;
    }
    case DragMode::Lasso: {
        if (m_lasso.last() != pos)
            m_lasso << pos;
        if (m_lasso.size() >= 3) {
            const QVector<int> ids = samplesInPolygon(m_lasso);
            const QScopedValueRollback<bool> own(m_selectingItself, true);
            m_session->setSelection(ids, tr("Lasso on the map"));
        }
        m_lasso.clear();
        break;
    }
    case DragMode::Pan:
    case DragMode::None:
        break;
    }
    update();
}

void PopulationMap::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        const int entry = m_legend.entryAt(event->position());
        if (entry >= 0) {
            isolateEntry(entry);
            return;
        }
    }
    mousePressEvent(event); // elsewhere a double-click is a second click
}

void PopulationMap::wheelEvent(QWheelEvent* event)
{
    double notches = event->angleDelta().y() / 120.0;
    if (notches == 0.0 && !event->pixelDelta().isNull())
        notches = event->pixelDelta().y() / 50.0; // touchpads: ~50 px per notch-like step
    if (notches == 0.0) {
        event->ignore();
        return;
    }
    zoomBy(std::pow(kWheelZoomPerNotch, notches), event->position());
    event->accept();
}

void PopulationMap::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Home:
    case Qt::Key_R:
        resetView();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(kKeyZoom, m_view.plotRect.center());
        break;
    case Qt::Key_Minus:
        zoomBy(1.0 / kKeyZoom, m_view.plotRect.center());
        break;
    case Qt::Key_Escape:
        if (m_dragMode != DragMode::None) {
            m_dragMode = DragMode::None;
            m_lasso.clear();
            update();
            break;
        }
        [[fallthrough]];
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void PopulationMap::leaveEvent(QEvent* event)
{
    setHovered(-1, {});
    QWidget::leaveEvent(event);
}

} // namespace mnistx::ui
