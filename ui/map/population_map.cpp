#include "ui/map/population_map.h"

#include "ui/explorer_session.h"
#include "ui/map/map_export_painter.h"
#include "ui/map/map_fit.h"
#include "ui/map/map_overlay_painter.h"
#include "ui/map/map_style.h"
#include "ui/map/map_tooltip.h"

#include <QApplication>
#include <QFontInfo>
#include <QKeyEvent>
#include <QLineF>
#include <QMouseEvent>
#include <QPainter>
#include <QScopedValueRollback>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace mnistx::ui
{

namespace
{

// STYLE: the GUI coalesces worker updates with a 30–50 ms single-shot timer
// (PlotJuggler replots at 40 ms).
constexpr int kLayoutThrottleMs = 40;
// Slow maps show a scaled preview of the last render during a gesture
// (MapDotCache) and re-render once it rests this long.
constexpr int kDeferredRenderMs = 60;
// Zoom limits relative to "fit": out far enough to find the map again, in
// far enough to separate single dots of a million-dot map.
constexpr double kMinZoom = 0.25;
constexpr double kMaxZoom = 5000.0;
// centerOn zooms to at least this (relative to fit): a neighbourhood of the
// sample, a few hundred dots of a 70k map.
constexpr double kCenterOnZoom = 8.0;
// Framed dots keep this far from the plot's edges: the largest dot, its
// selection ring and the current-sample marker's ticks.
constexpr qreal kFrameMargin = mapstyle::kMaxDotRadius + 14.0;
} // namespace

PopulationMap::PopulationMap(ExplorerSession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_dotCache(this, [this] { update(); })
{
    Q_ASSERT(session);
    setMouseTracking(true);
    setFocusPolicy(Qt::WheelFocus);
    setAttribute(Qt::WA_OpaquePaintEvent); // the cached image covers every pixel
    setAccessibleName(tr("Population map"));

    m_layoutTimer.setSingleShot(true);
    m_layoutTimer.setInterval(kLayoutThrottleMs);
    connect(&m_layoutTimer, &QTimer::timeout, this, &PopulationMap::applyLayoutSnapshot);
    connect(&m_viewAnimation, &MapViewAnimation::stepped, this,
            [this](double scale, const QPointF& center) {
                MapView v;
                v.plotRect = m_frame.plotRect;
                v.scale = scale;
                v.center = center;
                setView(v, false);
            });
    connect(&m_viewAnimation, &MapViewAnimation::finished, this,
            [this](const MapView& target, bool fitted) {
                MapView v = target;
                v.plotRect = m_frame.plotRect;
                setView(fitted ? fittedView(m_frame.plotRect) : v, fitted);
            });
    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(kDeferredRenderMs);
    connect(&m_renderTimer, &QTimer::timeout, this, [this] {
        m_dotCache.invalidate();
        update();
    });

    connect(m_session, &ExplorerSession::runChanged, this, &PopulationMap::onRunChanged);
    connect(m_session, &ExplorerSession::layoutChanged, this, &PopulationMap::onLayoutChanged);
    connect(m_session, &ExplorerSession::currentChanged, this, [this] { update(); });
    connect(m_session, &ExplorerSession::selectionChanged, this, [this] {
        packRings();
        m_dotCache.invalidate();
        update();
    });
    onRunChanged();
}

PopulationMap::~PopulationMap() = default;

// ---------------------------------------------------------------- run data

void PopulationMap::setPreparedFacts(MapFactsPtr facts)
{
    m_preparedFacts = std::move(facts);
}

void PopulationMap::onRunChanged()
{
    m_layoutTimer.stop();
    m_hovered = -1;
    m_positions.reset();
    m_bounds = QRectF();
    m_sizeBuckets.clear();
    m_fitted = true;

    // The worker's facts when they describe this run, else computed here.
    MapFactsPtr facts = std::move(m_preparedFacts);
    if (!m_session->hasRun())
        facts.reset();
    else if (!facts || facts->run != &m_session->run())
        facts = MapRunFacts::of(m_session->run());
    MapFilterState::Samples samples;
    std::vector<int> drawOrder;
    if (facts) { // taken, not copied: a million dots' facts are 20 MB
        m_positions = m_session->mapPositionsPtr();
        m_bounds = facts->bounds;
        m_sizeBuckets = std::move(facts->sizeBuckets);
        samples = std::move(facts->samples);
        drawOrder = std::move(facts->drawOrder);
    }
    m_legend.setDistanceSizes(!samples.scored);
    const bool coloringReset = m_state.setSamples(std::move(samples), std::move(drawOrder));
    m_picker.setPositions(m_positions);
    m_picker.setSizeBuckets(m_sizeBuckets);
    m_picker.invalidate(); // a new draw order
    m_picker.prepare(m_state);
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
    m_bounds = MapFit::boundsOf(*m_positions);
    m_picker.setPositions(m_positions);
    packDots(m_state.shownOrder(), m_shownDots);
    packRings();
    if (m_fitted)
        m_view = fittedView(m_frame.plotRect);
    m_dotCache.invalidate();
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

void PopulationMap::setColoredClasses(std::vector<int> classes)
{
    if (!m_state.setColoredClasses(std::move(classes)))
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
    m_dotCache.invalidate();
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
    out.clear();
    if (!m_positions)
        return;
    const RowMatrixXf& pos = *m_positions;
    const auto dotOf = [&](int id) {
        return MapDot{pos(id, 0), pos(id, 1), m_state.colorOf(id),
                      m_sizeBuckets[static_cast<size_t>(id)], m_state.isWrong(id)};
    };
    const auto oneByOne = [&] {
        out.reserve(order.size());
        for (const int id : order)
            out.push_back(dotOf(id));
    };
    // A few dots (the selection's rings): one by one.
    const size_t n = m_sizeBuckets.size();
    if (order.size() < n / 8)
        return oneByOne();
    // Most of the map: the draw order is no order of the ids, so read every
    // per-sample array in id order and write each dot to its place (two
    // scattered writes a dot instead of five scattered reads). An id twice
    // (never in the draw order) takes the slow way.
    std::vector<int> rank(n, -1);
    for (size_t k = 0; k < order.size(); ++k) {
        int& r = rank[static_cast<size_t>(order[k])];
        if (r >= 0)
            return oneByOne();
        r = static_cast<int>(k);
    }
    out.resize(order.size());
    for (size_t id = 0; id < n; ++id)
        if (rank[id] >= 0)
            out[static_cast<size_t>(rank[id])] = dotOf(static_cast<int>(id));
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

bool PopulationMap::setQueryFilter(const QString& text,
                                   std::shared_ptr<const std::vector<std::uint8_t>> matches)
{
    if (!m_state.setQueryFilter(text, std::move(matches)))
        return text.isEmpty() ? true : m_state.queryText() == text;
    filtersUpdated();
    return true;
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
    m_dotCache.invalidate();
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

MapView PopulationMap::fittedView(const QRectF& plotRect) const
{
    return MapFit::fittedView(m_bounds, plotRect);
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
    m_frame = MapFrame::forSize(size(), mapFont(), m_legend);
    m_frame.layoutLegend(m_legend, mapFont());
    if (m_fitted) {
        m_view = fittedView(m_frame.plotRect);
    } else {
        m_view.plotRect = m_frame.plotRect;
    }
    m_dotCache.invalidate();
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
    m_viewAnimation.stop();
}

bool PopulationMap::isAnimating() const
{
    return m_viewAnimation.isRunning();
}

void PopulationMap::animateTo(const MapView& target, bool fitted)
{
    stopAnimation();
    if (!isVisible() || !(m_view.scale > 0) || !(target.scale > 0)) {
        setView(target, fitted);
        return;
    }
    m_viewAnimation.start(m_view, target, fitted);
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
    MapView current = m_view;
    current.plotRect = m_frame.plotRect;
    bool toFitted = false;
    const MapView v =
        MapFit::framingView(QRectF(QPointF(x0, y0), QPointF(x1, y1)), current, area,
                            fittedView(m_frame.plotRect), fitScale() * kMinZoom, &toFitted);
    animateTo(v, toFitted);
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

int PopulationMap::pickAt(const QPointF& widgetPos) const
{
    return m_picker.pickAt(widgetPos, m_view, m_state, m_session->current());
}

QVector<int> PopulationMap::samplesInRect(const QRectF& widgetRect) const
{
    return m_picker.samplesInRect(widgetRect, m_view, m_state);
}

QVector<int> PopulationMap::samplesInPolygon(const QPolygonF& widgetPolygon) const
{
    return m_picker.samplesInPolygon(widgetPolygon, m_view, m_state);
}

QString PopulationMap::tooltipHtml(int id) const
{
    return MapTooltip::html(*m_session, id);
}

// ---------------------------------------------------------------- rendering

void PopulationMap::invalidateCache()
{
    m_dotCache.invalidate();
    update();
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
    if (m_dotCache.paint(p, size(), devicePixelRatioF(), m_view, m_shownDots, m_selectionDots,
                         m_highlightDots))
        m_renderTimer.start(); // a preview: restarts, re-render once the gesture rests
    paintOverlay(p, m_frame, m_view, m_legend, mapFont(), true);
}

QImage PopulationMap::renderImage(QSize size, qreal scale) const
{
    if (size.isEmpty() || !(scale > 0))
        return {};
    const QFont font = mapFont();
    const Frame frame = MapFrame::forSize(size, font, m_legend);
    const MapView view = viewFor(frame);
    MapLegend legend = m_legend;
    frame.layoutLegend(legend, font);
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
    const Frame frame = MapFrame::forSize(size, font, m_legend);
    const MapView view = viewFor(frame);
    MapLegend legend = m_legend;
    frame.layoutLegend(legend, font);
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

} // namespace mnistx::ui
