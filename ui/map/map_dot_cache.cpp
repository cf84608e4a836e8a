#include "ui/map/map_dot_cache.h"

#include "ui/map/map_export_painter.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <QPainter>
#include <QTransform>
#include <algorithm>
#include <cmath>
#include <utility>

namespace mnistx::ui
{

namespace
{

// Re-render on every view change while a full render is faster than this
// (smooth at 70k dots); slower maps show a scaled preview of the last render
// during the gesture.
constexpr double kFastRenderMs = 25.0;

} // namespace

// A render request: copies of what to draw (the map repacks its vectors on
// the GUI thread meanwhile), and the image it fills.
struct MapDotCache::Job {
    QSize deviceSize;
    qreal dpr = 1.0;
    MapView view;
    MapDots dots, selection, highlight;
    QImage image;
    double milliseconds = 0.0;
};

MapDotCache::MapDotCache(QObject* context, std::function<void()> rendered)
    : m_context(context), m_rendered(std::move(rendered))
{
}

MapDotCache::~MapDotCache()
{
    if (m_thread.joinable())
        m_thread.join();
}

double MapDotCache::draw(MapRenderer& renderer, QImage& image, const QSize& deviceSize, qreal dpr,
                         const MapView& view, const MapDots& dots, const MapDots& selection,
                         const MapDots& highlight)
{
    QElapsedTimer timer;
    timer.start();
    // An image of the same size is reused: no fresh pages to fault in (a
    // million dots' render paid ~10 ms for them).
    if (image.size() != deviceSize)
        image = QImage(deviceSize, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::white);
    renderer.setDevicePixelRatio(dpr);
    MapExportPainter::drawLayers(renderer, image, dots, selection, highlight, view);
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void MapDotCache::render(const QSize& deviceSize, qreal dpr, const MapView& view,
                         const MapDots& dots, const MapDots& selection, const MapDots& highlight)
{
    m_lastRenderMs = draw(m_renderer, m_image, deviceSize, dpr, view, dots, selection, highlight);
    m_view = view;
    m_dirty = false;
}

void MapDotCache::startJob(std::unique_ptr<Job> job)
{
    if (m_thread.joinable())
        m_thread.join(); // finished: jobFinished runs after the thread's last step
    m_job = std::move(job);
    Job* running = m_job.get();
    QObject* context = m_context.data();
    m_thread = std::thread([this, running, context] {
        // A recycled job brings the image shown two renders ago.
        running->milliseconds =
            draw(m_renderer, running->image, running->deviceSize, running->dpr, running->view,
                 running->dots, running->selection, running->highlight);
        // Back on the GUI thread. The context outlives this cache (the cache
        // is its member and joins this thread first), and a call still queued
        // when it is deleted is dropped with its other events.
        QMetaObject::invokeMethod(
            context, [this] { jobFinished(); }, Qt::QueuedConnection);
    });
}

void MapDotCache::jobFinished()
{
    if (m_thread.joinable())
        m_thread.join();
    if (!m_job)
        return;
    std::swap(m_image, m_job->image);
    m_view = m_job->view;
    m_lastRenderMs = m_job->milliseconds;
    m_spare = std::move(m_job); // its vectors and image serve the next request
    if (m_waiting)
        startJob(std::move(m_waiting));
    if (m_rendered)
        m_rendered();
}

void MapDotCache::paintMoved(QPainter& p, const QSize& size, const MapView& view) const
{
    p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    if (m_image.isNull())
        return;
    if (m_view == view) {
        p.drawImage(QPointF(0, 0), m_image);
        return;
    }
    // The last render, moved and scaled to the current view: screen' =
    // f·screen + t, exact for dots (they just lag in size until the re-render).
    const double f = view.scale / m_view.scale;
    const QPointF c = view.plotRect.center();
    const double tx = c.x() * (1 - f) + (m_view.center.x() - view.center.x()) * view.scale;
    const double ty = c.y() * (1 - f) - (m_view.center.y() - view.center.y()) * view.scale;
    p.save();
    p.setTransform(QTransform(f, 0, 0, f, tx, ty), true);
    p.drawImage(QPointF(0, 0), m_image);
    p.restore();
}

bool MapDotCache::paint(QPainter& p, const QSize& size, qreal dpr, const MapView& view,
                        const MapDots& dots, const MapDots& selection, const MapDots& highlight)
{
    const QSize deviceSize(std::max(1, static_cast<int>(std::lround(size.width() * dpr))),
                           std::max(1, static_cast<int>(std::lround(size.height() * dpr))));
    const bool stale = m_dirty || m_image.size() != deviceSize ||
                       m_image.devicePixelRatio() != dpr || m_view.plotRect != view.plotRect;
    const bool moved = !stale && m_view != view;
    const bool background =
        m_background && m_context &&
        (rendering() || dots.size() + selection.size() + highlight.size() >= kBackgroundFromDots);

    if (background && (stale || (moved && !rendering()))) {
        if (moved && m_lastRenderMs > kFastRenderMs) {
            paintMoved(p, size, view); // a gesture: the caller re-renders once it rests
            return true;
        }
        std::unique_ptr<Job> job = m_spare ? std::move(m_spare) : std::make_unique<Job>();
        job->deviceSize = deviceSize;
        job->dpr = dpr;
        job->view = view;
        job->dots = dots;
        job->selection = selection;
        job->highlight = highlight;
        m_dirty = false;
        if (m_job)
            m_waiting = std::move(job); // replaces an older waiting request
        else
            startJob(std::move(job));
        paintMoved(p, size, view);
        return false;
    }
    if (background) { // a render is on its way: show the last one meanwhile
        paintMoved(p, size, view);
        return false;
    }

    bool preview = false;
    if (stale) {
        render(deviceSize, dpr, view, dots, selection, highlight);
    } else if (moved) {
        if (m_lastRenderMs <= kFastRenderMs)
            render(deviceSize, dpr, view, dots, selection, highlight);
        else
            preview = true;
    }
    if (!preview) {
        p.drawImage(QPointF(0, 0), m_image);
        return false;
    }
    paintMoved(p, size, view);
    return true;
}

} // namespace mnistx::ui
