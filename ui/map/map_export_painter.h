#pragma once

#include "ui/map/map_renderer.h"
#include "ui/map/map_view.h"

#include <QImage>
#include <QRectF>
#include <QSize>

class QPainter;

namespace mnistx::ui
{

// The dot layers of the population map, drawn into the widget's cache and
// into exports alike: the shown dots (back to front), then the rings of the
// selection (thin) and of the highlighted samples (thick). Title, legend
// and markers are MapOverlayPainter's. GUI thread (or any one thread per
// MapRenderer).
class MapExportPainter
{
public:
    // Draws the three layers into target (already filled) with renderer.
    static void drawLayers(MapRenderer& renderer, QImage& target, const MapDots& dots,
                           const MapDots& selection, const MapDots& highlight, const MapView& view);
    // The layers on white, size logical pixels at scale device pixels per
    // logical pixel (2: crisp); null for an empty size or a scale <= 0.
    static QImage rasterImage(QSize size, qreal scale, const MapDots& dots,
                              const MapDots& selection, const MapDots& highlight,
                              const MapView& view);
    // The layers for vector output (QSvgGenerator, QPdfWriter) into bounds
    // (painter coordinates, origin at the map's top-left): the misclassified
    // dots (up to 6,000, the most confidently wrong) and the rings as
    // QPainter primitives over one embedded image of the other dots, so a
    // 70,000-dot map stays a file of a few MB that opens at once.
    static void paintVector(QPainter& painter, const QRectF& bounds, const MapDots& dots,
                            const MapDots& selection, const MapDots& highlight,
                            const MapView& view);
};

} // namespace mnistx::ui
