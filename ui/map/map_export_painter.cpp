#include "ui/map/map_export_painter.h"

#include <QBuffer>
#include <QByteArray>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

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

// A white image of size logical px at scale device px per logical px; null
// when it cannot be allocated.
QImage whiteImage(const QSizeF& size, qreal scale)
{
    QImage image(QSize(std::max(1, static_cast<int>(std::lround(size.width() * scale))),
                       std::max(1, static_cast<int>(std::lround(size.height() * scale)))),
                 QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return {};
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    return image;
}

// dots (in draw order) drawn by the widget's renderer at `scale` device px
// per logical px, opaque on white, covering `size` logical px.
QImage denseLayerAt(const MapDots& dots, const MapView& view, const QSizeF& size, qreal scale)
{
    QImage image = whiteImage(size, scale);
    if (image.isNull())
        return {};
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

void MapExportPainter::drawLayers(MapRenderer& renderer, QImage& target, const MapDots& dots,
                                  const MapDots& selection, const MapDots& highlight,
                                  const MapView& view)
{
    renderer.drawDots(target, dots, view);
    renderer.drawRings(target, selection, view, mapstyle::selectionRingColor(), false);
    renderer.drawRings(target, highlight, view, mapstyle::highlightRingColor(), true);
}

QImage MapExportPainter::rasterImage(QSize size, qreal scale, const MapDots& dots,
                                     const MapDots& selection, const MapDots& highlight,
                                     const MapView& view)
{
    if (size.isEmpty() || !(scale > 0))
        return {};
    QImage image = whiteImage(size, scale);
    if (image.isNull())
        return image;
    MapRenderer renderer; // sprites for this scale, not the widget's
    renderer.setDevicePixelRatio(scale);
    drawLayers(renderer, image, dots, selection, highlight, view);
    return image;
}

void MapExportPainter::paintVector(QPainter& painter, const QRectF& bounds, const MapDots& dots,
                                   const MapDots& selection, const MapDots& highlight,
                                   const MapView& view)
{
    // Tens of thousands of correct dots as vector circles made a 15 MB SVG
    // that took seconds to open: they are drawn first (in draw order), so
    // they go in as one image, and what a reader looks at stays vector on
    // top in the widget's order: misclassified dots, then rings (the caller
    // adds the marker, title and legend).
    auto firstVector =
        std::find_if(dots.begin(), dots.end(), [](const MapDot& dot) { return dot.outlined; });
    if (dots.end() - firstVector > kMaxVectorDots)
        firstVector = dots.end() - kMaxVectorDots;
    const QImage dense = denseLayer(MapDots(dots.begin(), firstVector), view, bounds.size());
    if (!dense.isNull())
        painter.drawImage(bounds, dense, QRectF(dense.rect()));
    MapRenderer::paintDots(painter, MapDots(firstVector, dots.end()), view, bounds);
    MapRenderer::paintRings(painter, selection, view, bounds, mapstyle::selectionRingColor(),
                            false);
    MapRenderer::paintRings(painter, highlight, view, bounds, mapstyle::highlightRingColor(), true);
}

} // namespace mnistx::ui
