#pragma once

// What BarChartWidget's layout (bar_chart_geometry.cpp) and its painting
// (bar_chart_widget.cpp) share: the tuning constants, the fonts' helpers and
// the computed geometry. Private to the two files.

#include "ui/charts/bar_chart_widget.h"

#include <QFont>
#include <QFontMetricsF>
#include <QRectF>
#include <QVector>
#include <algorithm>

namespace mnistx::ui
{

namespace barchart
{

inline constexpr double kPad = 6.0;          // outer margin, logical px
inline constexpr double kTickLength = 4.0;   // tick marks on the value axis
inline constexpr double kMaxIconSide = 56.0; // 2× a 28×28 image: larger only costs space
inline constexpr double kMinIconSide = 14.0; // below half size a 28×28 image is unreadable
inline constexpr double kBarFill = 0.7;      // bar thickness as a share of its slot
inline constexpr double kMaxBarThickness = 48.0;
inline constexpr double kTagGap = 3.0; // between two neighbouring bars' tags

inline const QColor kText(0x22, 0x22, 0x22);
inline const QColor kAxisText(0x44, 0x44, 0x44);
inline const QColor kGrid(0xe4, 0xe6, 0xea);
inline const QColor kAxis(0x66, 0x66, 0x66);

// base at factor × its size (points or pixels, whichever it is set in).
QFont scaled(const QFont& base, double factor, bool bold = false);
// Metrics for device when there is one (a printer or SVG resolution), else the screen's.
QFontMetricsF metrics(const QFont& font, const QPaintDevice* device);
// 1, 2 or 5 × 10^k, the smallest at least range / maxTicks.
double niceStep(double range, int maxTicks);
bool finite(double v);

} // namespace barchart

struct BarChartWidget::Geometry {
    QFont titleFont, tickFont, axisTitleFont, labelFont, tagFont, valueFont, legendFont;
    QRectF target;
    QRectF titleRect;
    struct LegendItem {
        QRectF swatch;
        QRectF text;
        int entry;
    };
    QVector<LegendItem> legendItems;
    QRectF plot; // the value area: vMin..vMax spans it along the value direction
    double vMin = 0.0;
    double vMax = 1.0;
    QVector<double> ticks;
    QRectF axisTitleRect; // horizontal orientation: under the tick labels
    bool valueLabels = false;
    bool valueLabelsTurned = false; // vertical bars: labels read bottom to top above the bars
    QVector<QRectF> slots;          // per bar: its share of the category axis, full value extent
    QVector<QRectF> bars;
    QVector<QRectF> valueRects;
    QVector<QRectF> iconRects;
    QVector<QRectF> labelRects;
    QVector<QRectF> tagRects;
    bool vertical = true;

    // Position along the value direction (y for vertical bars, x otherwise).
    double toPos(double v) const
    {
        const double t = (v - vMin) / std::max(vMax - vMin, 1e-300);
        return vertical ? plot.bottom() - t * plot.height() : plot.left() + t * plot.width();
    }
};

} // namespace mnistx::ui
