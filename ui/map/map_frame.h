#pragma once

#include <QFont>
#include <QRectF>
#include <QSizeF>

namespace mnistx::ui
{

class MapLegend;

// Where the population map's title, plot and legend go in an output of a
// given size (the widget, a PNG, an SVG page), in its logical pixels: the
// legend beside the plot while it takes no more than its share of the
// width, else a band across the top (a box floating over the map would hide
// dots and take the clicks meant for them). A plain value.
struct MapFrame {
    QRectF titleRect;
    QRectF plotRect;
    QRectF legendArea;
    bool stripLegend = false; // the legend is a band above the map, not a box beside it

    static MapFrame forSize(const QSizeF& size, const QFont& font, const MapLegend& legend);
    // Lays legend out in legendArea, as a box or as a band.
    void layoutLegend(MapLegend& legend, const QFont& font) const;
};

} // namespace mnistx::ui
