#pragma once

#include "ui/map/map_renderer.h"
#include "ui/map/map_view.h"

#include <QImage>
#include <QSize>

class QPainter;

namespace mnistx::ui
{

// The population map's dots rendered once into an image the widget blits,
// re-rendered only when data, colouring, filters or the view change. While
// a full render is fast it follows every view change; slower maps show the
// last render moved and scaled to the view during a gesture, and the
// widget re-renders once the gesture rests. GUI thread only.
class MapDotCache
{
public:
    // The dots changed: the next paint renders them again.
    void invalidate() { m_dirty = true; }
    // Milliseconds the last full render took.
    double lastRenderMilliseconds() const { return m_lastRenderMs; }

    // Paints the layers (see MapExportPainter::drawLayers) as view shows
    // them over a white widget of size logical px at dpr device px per
    // logical px. Returns true when it painted a preview of the last render
    // (the caller then invalidates and repaints once the gesture rests).
    bool paint(QPainter& painter, const QSize& size, qreal dpr, const MapView& view,
               const MapDots& dots, const MapDots& selection, const MapDots& highlight);

private:
    void render(const QSize& deviceSize, qreal dpr, const MapView& view, const MapDots& dots,
                const MapDots& selection, const MapDots& highlight);

    QImage m_image;
    MapView m_view; // the view m_image was rendered for
    bool m_dirty = true;
    double m_lastRenderMs = 0.0;
    MapRenderer m_renderer;
};

} // namespace mnistx::ui
