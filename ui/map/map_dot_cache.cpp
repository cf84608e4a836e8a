#include "ui/map/map_dot_cache.h"

#include "ui/map/map_export_painter.h"

#include <QElapsedTimer>
#include <QPainter>
#include <QTransform>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// Re-render on every view change while a full render is faster than this
// (smooth at 70k dots); slower maps show a scaled preview of the last render
// during the gesture.
constexpr double kFastRenderMs = 25.0;

} // namespace

void MapDotCache::render(const QSize& deviceSize, qreal dpr, const MapView& view,
                         const MapDots& dots, const MapDots& selection, const MapDots& highlight)
{
    QElapsedTimer timer;
    timer.start();
    if (m_image.size() != deviceSize)
        m_image = QImage(deviceSize, QImage::Format_ARGB32_Premultiplied);
    m_image.setDevicePixelRatio(dpr);
    m_image.fill(Qt::white);
    m_renderer.setDevicePixelRatio(dpr);
    MapExportPainter::drawLayers(m_renderer, m_image, dots, selection, highlight, view);
    m_view = view;
    m_dirty = false;
    m_lastRenderMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

bool MapDotCache::paint(QPainter& p, const QSize& size, qreal dpr, const MapView& view,
                        const MapDots& dots, const MapDots& selection, const MapDots& highlight)
{
    const QSize deviceSize(std::max(1, static_cast<int>(std::lround(size.width() * dpr))),
                           std::max(1, static_cast<int>(std::lround(size.height() * dpr))));
    bool preview = false;
    if (m_dirty || m_image.size() != deviceSize || m_image.devicePixelRatio() != dpr ||
        m_view.plotRect != view.plotRect) {
        render(deviceSize, dpr, view, dots, selection, highlight);
    } else if (m_view != view) {
        if (m_lastRenderMs <= kFastRenderMs)
            render(deviceSize, dpr, view, dots, selection, highlight);
        else
            preview = true;
    }

    if (!preview) {
        p.drawImage(QPointF(0, 0), m_image);
        return false;
    }
    // The last render, moved and scaled to the current view: screen' =
    // f·screen + t, exact for dots (they just lag in size until the re-render).
    const double f = view.scale / m_view.scale;
    const QPointF c = view.plotRect.center();
    const double tx = c.x() * (1 - f) + (m_view.center.x() - view.center.x()) * view.scale;
    const double ty = c.y() * (1 - f) - (m_view.center.y() - view.center.y()) * view.scale;
    p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    p.save();
    p.setTransform(QTransform(f, 0, 0, f, tx, ty), true);
    p.drawImage(QPointF(0, 0), m_image);
    p.restore();
    return true;
}

} // namespace mnistx::ui
