#include "ui/map/map_frame.h"

#include "ui/map/map_legend.h"
#include "ui/map/map_overlay_painter.h"

#include <QFontMetricsF>
#include <algorithm>

namespace mnistx::ui
{

namespace
{

constexpr qreal kMargin = 8.0;         // around the title, the map and the legend
constexpr qreal kLegendGap = 8.0;      // between the map's plot area and the legend
constexpr qreal kMinPlotWidth = 160.0; // narrower than this beside the legend, it goes on top
// The legend box beside the map takes at most this share of the map's width;
// a map too small for that gets the one-band legend across its top.
constexpr double kMaxLegendShare = 0.3;

} // namespace

MapFrame MapFrame::forSize(const QSizeF& size, const QFont& font, const MapLegend& legend)
{
    const QFontMetricsF title(MapOverlayPainter::titleFont(font));
    const QFontMetricsF body(font);
    const qreal titleHeight = kMargin + title.height() + body.height() + 6.0;
    const qreal legendWidth =
        legend.preferredWidth(font, std::max(size.height() - titleHeight - kMargin, 1.0));
    MapFrame f;
    f.titleRect =
        QRectF(kMargin, kMargin, std::max(size.width() - 2 * kMargin, 1.0), titleHeight - kMargin);
    // Beside the map while it takes no more than its share of the width;
    // on smaller maps a band across the top instead: a box floating over
    // the map would hide dots and take the clicks meant for them.
    const qreal plotHeight = std::max(size.height() - titleHeight - kMargin, 10.0);
    const qreal widthBeside = size.width() - 2 * kMargin - legendWidth - kLegendGap;
    f.stripLegend = widthBeside < std::max(kMinPlotWidth, (1.0 - kMaxLegendShare) * size.width());
    if (!f.stripLegend) {
        f.legendArea =
            QRectF(size.width() - kMargin - legendWidth, titleHeight, legendWidth, plotHeight);
        f.plotRect = QRectF(kMargin, titleHeight, std::max(widthBeside, 10.0), plotHeight);
    } else {
        const qreal width = std::max(size.width() - 2 * kMargin, 1.0);
        f.legendArea = QRectF(kMargin, titleHeight, width, legend.stripHeight(font, width));
        f.plotRect = QRectF(kMargin, f.legendArea.bottom() + kLegendGap / 2, width,
                            std::max(plotHeight - f.legendArea.height() - kLegendGap / 2, 10.0));
    }
    return f;
}

void MapFrame::layoutLegend(MapLegend& legend, const QFont& font) const
{
    if (stripLegend)
        legend.layoutStrip(legendArea, font);
    else
        legend.layout(legendArea, font);
}

} // namespace mnistx::ui
