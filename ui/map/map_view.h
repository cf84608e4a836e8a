#pragma once

#include <QPointF>
#include <QRectF>

namespace mnistx::ui
{

// Where map space lands on screen: a uniform scale and a translation, y up
// (map y grows upwards as in a plot, screen y grows downwards).
// plotRect is the area the map is fitted into, in logical pixels; center is
// the map-space point shown at plotRect's centre; scale is logical pixels per
// map unit. A plain value: the widget, the export and the renderer share it.
struct MapView {
    QRectF plotRect;
    QPointF center;
    double scale = 1.0;

    QPointF toScreen(double x, double y) const
    {
        return {plotRect.center().x() + (x - center.x()) * scale,
                plotRect.center().y() - (y - center.y()) * scale};
    }
    QPointF toScreen(const QPointF& p) const { return toScreen(p.x(), p.y()); }
    QPointF toMap(const QPointF& s) const
    {
        return {center.x() + (s.x() - plotRect.center().x()) / scale,
                center.y() - (s.y() - plotRect.center().y()) / scale};
    }
    // The map-space rectangle (normalised, y up) covered by a screen rectangle.
    QRectF toMap(const QRectF& s) const
    {
        return QRectF(toMap(s.bottomLeft()), toMap(s.topRight())).normalized();
    }
    bool operator==(const MapView& o) const
    {
        return plotRect == o.plotRect && center == o.center && scale == o.scale;
    }
    bool operator!=(const MapView& o) const { return !(*this == o); }
};

} // namespace mnistx::ui
