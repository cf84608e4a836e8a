#include "ui/map/population_map.h"

#include "ui/explorer_session.h"
#include "ui/map/lasso_polygon.h"
#include "ui/map/map_export_painter.h"
#include "ui/map/map_overlay_painter.h"
#include "ui/map/map_style.h"
#include "ui/map/map_tooltip.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QKeyEvent>
#include <QLineF>
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
    m_gridDirty = true;
    m_fitted = true;

    MapFilterState::Samples samples;
    if (m_session->hasRun()) {
        const int n = m_session->sampleCount();
        m_positions = m_session->mapPositionsPtr();
        m_bounds = m_positions ? boundsOf(*m_positions) : QRectF();
        m_sizeBuckets.resize(static_cast<size_t>(n));
        samples.classCount = m_session->classCount();
        samples.labels.resize(static_cast<size_t>(n));
        samples.predictions.resize(static_cast<size_t>(n));
        samples.inTraining.resize(static_cast<size_t>(n));
        samples.losses.resize(static_cast<size_t>(n));
        for (int id = 0; id < n; ++id) {
            const auto i = static_cast<size_t>(id);
            const float loss = m_session->loss(id);
            m_sizeBuckets[i] = static_cast<std::uint8_t>(mapstyle::sizeBucketForLoss(loss));
            samples.labels[i] = m_session->label(id);
            samples.predictions[i] = m_session->prediction(id);
            samples.inTraining[i] = m_session->subsetOf(id) == analysis::Subset::Train;
            samples.losses[i] = loss;
        }
    }
    const bool coloringReset = m_state.setSamples(std::move(samples));
    applyColoring(); // also updates what is shown and the legend
    if (coloringReset)
        Q_EMIT coloringChanged(); // the custom colouring described the old run
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
    packDots(m_state.shownOrder(), m_shownDots);
    packRings();
    if (m_fitted)
        m_view = fittedView(m_frame.plotRect);
    m_cacheDirty = true;
    update();
    Q_EMIT viewChanged();
}

// ---------------------------------------------------------------- colouring

void PopulationMap::setColorBy(ColorBy colorBy)
{
    if (!m_state.setColorBy(colorBy))
        return;
    applyColoring();
    Q_EMIT coloringChanged();
    Q_EMIT filtersChanged(); // hidden entries were reset
}

bool PopulationMap::setCustomColoring(const QString& name, std::vector<QRgb> perSample,
                                      QVector<MapLegendEntry> legend,
                                      std::vector<int> entryOfSample)
{
    if (!m_state.setCustomColoring(name, std::move(perSample), std::move(legend),
                                   std::move(entryOfSample)))
        return false;
    applyColoring();
    Q_EMIT coloringChanged();
    Q_EMIT filtersChanged();
    return true;
}

void PopulationMap::applyColoring()
{
    updateShown();
    relayout(); // the legend's width may have changed
}

// ---------------------------------------------------------------- filters

void PopulationMap::updateShown()
{
    m_legend.setTitle(m_state.legendTitle());
    m_legend.setEntries(m_state.legendEntries());
    m_legend.setHidden(m_state.hiddenEntries());
    packDots(m_state.shownOrder(), m_shownDots);
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
            if (m_state.isSampleShown(id))
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
        out[k] = {pos(order[k], 0), pos(order[k], 1), m_state.colorOf(order[k]), m_sizeBuckets[id],
                  !m_session->correct(order[k])};
    }
}

void PopulationMap::setEntryHidden(int entry, bool hidden)
{
    if (m_state.setEntryHidden(entry, hidden))
        filtersUpdated();
}

void PopulationMap::isolateEntry(int entry)
{
    if (m_state.isolateEntry(entry))
        filtersUpdated();
}

void PopulationMap::showAllEntries()
{
    m_state.showAllEntries();
    filtersUpdated();
}

void PopulationMap::setSubsetFilter(SubsetFilter filter)
{
    if (m_state.setSubsetFilter(filter))
        filtersUpdated();
}

void PopulationMap::setMisclassifiedOnly(bool on)
{
    if (m_state.setMisclassifiedOnly(on))
        filtersUpdated();
}

void PopulationMap::setPairFilter(int groundTruth, int prediction)
{
    if (m_state.setPairFilter(groundTruth, prediction))
        filtersUpdated();
}

void PopulationMap::clearFilters()
{
    if (m_state.clearFilters())
        filtersUpdated();
}

void PopulationMap::filtersUpdated()
{
    updateShown();
    Q_EMIT filtersChanged();
    // A filter that leaves nothing in sight would show an empty map: frame
    // what it shows instead.
    const std::vector<int>& shown = m_state.shownOrder();
    if (!m_positions || shown.empty())
        return;
    const QRectF visible = visibleArea();
    const RowMatrixXf& pos = *m_positions;
    for (int id : shown)
        if (visible.contains(m_view.toScreen(pos(id, 0), pos(id, 1))))
            return;
    frameSamples(QVector<int>(shown.begin(), shown.end()));
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
    const QFontMetricsF title(MapOverlayPainter::titleFont(font));
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
    cleared = m_state.revealSamples(ids);
    if (!cleared.isEmpty()) {
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
        m_grid.build(*m_positions, m_state.drawOrder());
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
    if (m_state.shownCount() == 0)
        return -1;
    ensureGrid();
    const std::vector<std::uint8_t>& shown = m_state.shownFlags();
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
            if (d2 <= r * r && shown[static_cast<size_t>(id)]) {
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
            if (!shown[static_cast<size_t>(id)])
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
    if (!m_positions || m_state.shownCount() == 0 || widgetRect.isEmpty())
        return ids;
    ensureGrid();
    const RowMatrixXf& pos = *m_positions;
    m_grid.forEachInCellsOf(m_view.toMap(widgetRect), [&](int id) {
        if (m_state.isSampleShown(id) &&
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
    if (!m_positions || m_state.shownCount() == 0 || lasso.isEmpty())
        return ids;
    ensureGrid();
    const RowMatrixXf& pos = *m_positions;
    m_grid.forEachInCellsOf(m_view.toMap(lasso.boundingRect()), [&](int id) {
        if (m_state.isSampleShown(id) &&
            lasso.contains(m_view.toScreen(pos(id, 0), pos(id, 1))))
            ids.append(id);
    });
    std::sort(ids.begin(), ids.end());
    return ids;
}

QString PopulationMap::tooltipHtml(int id) const
{
    return MapTooltip::html(*m_session, id);
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
    if (m_positions)
        MapExportPainter::drawLayers(m_renderer, m_cache, m_shownDots, m_selectionDots,
                                     m_highlightDots, m_view);
    m_cacheView = m_view;
    m_cacheDirty = false;
    m_lastRenderMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

QString PopulationMap::titleText() const
{
    return tr("Population map — %1").arg(colorByName());
}

QString PopulationMap::subtitleText() const
{
    return m_session->hasRun() ? m_state.summary() : QString();
}

void PopulationMap::paintOverlay(QPainter& p, const Frame& frame, const MapView& view,
                                 const MapLegend& legend, const QFont& font, bool interactive) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    if (!m_session->hasRun()) {
        MapOverlayPainter::paintNoRun(p, frame.plotRect, font);
        p.restore();
        return;
    }
    // The current sample is marked even when filters hide it (it is what
    // the inspector shows).
    const int current = m_session->current();
    if (m_positions && current >= 0 && current < m_positions->rows())
        MapOverlayPainter::paintCurrentMarker(
            p, view.toScreen((*m_positions)(current, 0), (*m_positions)(current, 1)),
            mapstyle::radiusOfBucket(m_sizeBuckets[static_cast<size_t>(current)]),
            m_state.colorOf(current));
    if (m_state.shownCount() == 0)
        MapOverlayPainter::paintNoMatch(p, frame.plotRect, font);
    MapOverlayPainter::paintTitle(p, frame.titleRect, font, titleText(), subtitleText());
    legend.paint(p);
    if (interactive && m_dragMode == DragMode::RubberBand)
        MapOverlayPainter::paintRubberBand(p, m_pressPos, m_lastPos);
    else if (interactive && m_dragMode == DragMode::Lasso)
        MapOverlayPainter::paintLasso(p, m_lasso, m_lastPos);
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
    const QFont font = mapFont();
    const Frame frame = frameFor(size, font);
    const MapView view = viewFor(frame);
    MapLegend legend = m_legend;
    layoutLegend(legend, frame, font);
    // Without positions every layer is empty: white, with the overlay.
    QImage image = MapExportPainter::rasterImage(size, scale, m_shownDots, m_selectionDots,
                                                 m_highlightDots, view);
    if (image.isNull())
        return image;
    QPainter p(&image);
    paintOverlay(p, frame, view, legend, font, false);
    return image;
}

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
    if (m_positions)
        MapExportPainter::paintVector(*painter, bounds, m_shownDots, m_selectionDots,
                                      m_highlightDots, view);
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
                e.count >= 0 ? tr("%1: %2\n").arg(e.name, MapFilterState::samplesText(static_cast<int>(e.count)))
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
