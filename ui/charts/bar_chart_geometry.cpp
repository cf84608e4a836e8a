#include "ui/charts/bar_chart_geometry.h"

#include <QPaintDevice>
#include <cmath>

namespace mnistx::ui
{

namespace barchart
{

QFont scaled(const QFont& base, double factor, bool bold)
{
    QFont f = base;
    if (base.pointSizeF() > 0)
        f.setPointSizeF(base.pointSizeF() * factor);
    else
        f.setPixelSize(std::max(6, static_cast<int>(std::lround(base.pixelSize() * factor))));
    f.setBold(bold);
    return f;
}

QFontMetricsF metrics(const QFont& font, const QPaintDevice* device)
{
    return device ? QFontMetricsF(font, device) : QFontMetricsF(font);
}

double niceStep(double range, int maxTicks)
{
    if (!(range > 0.0))
        return 1.0;
    const double raw = range / std::max(1, maxTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw * (1.0 - 1e-9))
            return m * magnitude;
    return 10.0 * magnitude;
}

bool finite(double v)
{
    return std::isfinite(v);
}

} // namespace barchart

using namespace barchart;

BarChartWidget::Geometry BarChartWidget::geometry(const QRectF& target,
                                                  const QPaintDevice* device) const
{
    Geometry g;
    g.target = target;
    g.vertical = m_orientation == Qt::Vertical;
    const QFont base = font();
    g.titleFont = scaled(base, 1.05, true);
    g.tickFont = scaled(base, 0.85);
    g.axisTitleFont = scaled(base, 0.85);
    g.labelFont = scaled(base, 1.0, true);
    g.tagFont = scaled(base, 0.8, true);
    g.valueFont = scaled(base, 0.85);
    g.legendFont = scaled(base, 0.85);
    const QFontMetricsF titleFm = metrics(g.titleFont, device);
    const QFontMetricsF tickFm = metrics(g.tickFont, device);
    const QFontMetricsF axisTitleFm = metrics(g.axisTitleFont, device);
    const QFontMetricsF labelFm = metrics(g.labelFont, device);
    const QFontMetricsF tagFm = metrics(g.tagFont, device);
    const QFontMetricsF legendFm = metrics(g.legendFont, device);
    const int n = barCount();

    double top = target.top() + kPad;
    const double left = target.left() + kPad;
    const double right = target.right() - kPad;
    if (!m_title.isEmpty()) {
        g.titleRect = QRectF(left, top, right - left, titleFm.height());
        top += titleFm.height() + 2.0;
    }
    if (!m_legend.isEmpty()) {
        // Flow layout: entries left to right, wrapping to a new line.
        const double swatch = std::round(legendFm.height() * 0.7);
        double x = left;
        double lineTop = top;
        for (int i = 0; i < m_legend.size(); ++i) {
            const double textWidth = legendFm.horizontalAdvance(m_legend[i].text);
            const double itemWidth =
                swatch * (m_legend[i].dashedLine ? 2.0 : 1.0) + 4.0 + textWidth;
            if (x > left && x + itemWidth > right) {
                x = left;
                lineTop += legendFm.height();
            }
            Geometry::LegendItem item;
            const double swatchWidth = swatch * (m_legend[i].dashedLine ? 2.0 : 1.0);
            item.swatch =
                QRectF(x, lineTop + (legendFm.height() - swatch) / 2.0, swatchWidth, swatch);
            item.text = QRectF(x + swatchWidth + 4.0, lineTop, textWidth + 1.0, legendFm.height());
            item.entry = i;
            g.legendItems.append(item);
            x += itemWidth + 14.0;
        }
        top = lineTop + legendFm.height() + 4.0;
    }
    double bottom = target.bottom() - kPad;
    if (n == 0) {
        g.plot = QRectF(left, top, std::max(0.0, right - left), std::max(0.0, bottom - top));
        return g;
    }

    double minValue = 0.0, maxValue = 0.0;
    for (double v : m_values)
        if (finite(v)) {
            minValue = std::min(minValue, v);
            maxValue = std::max(maxValue, v);
        }
    const bool fixedRange = m_rangeMax > m_rangeMin;
    const auto tickText = [this](double v) {
        return m_tickFormat ? m_tickFormat(v) : QString::number(v, 'g', 6);
    };
    // Ticks for a value axis `length` px long with at most maxTicks intervals.
    const auto makeTicks = [&](int maxTicks) {
        double lo = fixedRange ? m_rangeMin : minValue;
        double hi = fixedRange ? m_rangeMax : maxValue;
        if (!(hi > lo))
            hi = lo + 1.0;
        const double step = niceStep(hi - lo, maxTicks);
        if (!fixedRange) {
            hi = std::ceil(hi / step - 1e-9) * step;
            lo = std::floor(lo / step + 1e-9) * step;
        }
        g.vMin = lo;
        g.vMax = hi;
        g.ticks.clear();
        for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-6; t += step)
            g.ticks.append(std::abs(t) < step * 1e-9 ? 0.0 : t);
    };
    const auto widestTick = [&]() {
        double w = 0.0;
        for (double t : g.ticks)
            w = std::max(w, tickFm.horizontalAdvance(tickText(t)));
        return w;
    };
    const auto tagLines = [&](int bar) {
        return m_markTags.value(bar).isEmpty()
                   ? 0
                   : static_cast<int>(m_markTags[bar].count(QLatin1Char('\n'))) + 1;
    };
    const auto tagText = [&](int bar) {
        return g.vertical
                   ? m_markTags.value(bar)
                   : QString(m_markTags.value(bar)).replace(QLatin1Char('\n'), QLatin1Char(' '));
    };
    bool anyIcon = false;
    for (const QImage& icon : m_icons)
        anyIcon = anyIcon || !icon.isNull();
    g.valueRects.resize(n);
    g.slots.resize(n);
    g.bars.resize(n);
    g.iconRects.resize(n);
    g.labelRects.resize(n);
    g.tagRects.resize(n);

    // Value labels: the base size, then one step smaller, else none.
    const QFont valueFonts[] = {scaled(base, 0.85), scaled(base, 0.75)};
    double widestValue[2] = {0.0, 0.0};
    for (int k = 0; k < 2; ++k) {
        QFont bold = valueFonts[k]; // marked bars' labels are bold: measure the wider form
        bold.setBold(true);
        const QFontMetricsF fm = metrics(bold, device);
        for (double v : m_values)
            if (finite(v))
                widestValue[k] = std::max(widestValue[k], fm.horizontalAdvance(formatValue(v)));
    }

    if (g.vertical) {
        int maxTagLines = 0;
        for (int i = 0; i < n; ++i)
            maxTagLines = std::max(maxTagLines, tagLines(i));
        const double labelsHeight = labelFm.height() + maxTagLines * tagFm.height();
        const double minTickSpacing = tickFm.height() * 1.8;
        double iconSide = 0.0;
        double categoryTop = bottom;
        // Lays out the plot below `valueReserve` px kept for the value labels.
        const auto layOut = [&](double valueReserve) {
            double plotLeft = left;
            iconSide = 0.0;
            // Two passes: the margin and the icon size depend on each other.
            for (int pass = 0; pass < 2; ++pass) {
                const double plotHeight =
                    std::max(10.0, bottom - top - valueReserve - labelsHeight - iconSide - 6.0 -
                                       kTickLength);
                makeTicks(std::max(1, static_cast<int>(plotHeight / minTickSpacing)));
                plotLeft = left + widestTick() + kTickLength + 3.0 +
                           (m_valueAxisTitle.isEmpty() ? 0.0 : axisTitleFm.height() + 4.0);
                const double slot = (right - plotLeft) / n;
                iconSide = 0.0;
                if (anyIcon) {
                    iconSide = std::min({kMaxIconSide, slot - 4.0, (bottom - top) * 0.22});
                    if (iconSide < kMinIconSide)
                        iconSide = 0.0;
                    else if (iconSide >= 28.0)
                        iconSide = 28.0 * std::floor(iconSide / 28.0 * 2.0) /
                                   2.0; // 1×, 1.5×, 2×: even pixels
                }
            }
            categoryTop = bottom - labelsHeight - (iconSide > 0 ? iconSide + 3.0 : 0.0);
            g.plot = QRectF(plotLeft, top + valueReserve, std::max(1.0, right - plotLeft),
                            std::max(1.0, categoryTop - kTickLength - (top + valueReserve)));
            makeTicks(std::max(1, static_cast<int>(g.plot.height() / minTickSpacing)));
        };
        layOut(m_valueLabelsVisible ? metrics(valueFonts[0], device).height() + 2.0 : 0.0);

        // Value labels across the bar's slot; where even the smaller font is
        // wider than a slot (a narrow dock, "10.23" over ten bars), turned
        // upright above the bar, so that every bar keeps its value.
        double slot = g.plot.width() / n;
        int valueFontIndex = -1;
        if (m_valueLabelsVisible) {
            for (int k = 0; k < 2 && valueFontIndex < 0; ++k)
                if (widestValue[k] <= slot - 2.0)
                    valueFontIndex = k;
            for (int k = 0; k < 2 && valueFontIndex < 0; ++k)
                if (metrics(valueFonts[k], device).height() <= slot - 2.0) {
                    valueFontIndex = k;
                    g.valueLabelsTurned = true;
                }
        }
        if (g.valueLabelsTurned) {
            layOut(widestValue[valueFontIndex] + 4.0);
            slot = g.plot.width() / n;
        }
        if (!m_valueAxisTitle.isEmpty())
            g.axisTitleRect = QRectF(left, g.plot.top(), axisTitleFm.height(), g.plot.height());
        g.valueLabels = valueFontIndex >= 0;
        if (g.valueLabels)
            g.valueFont = valueFonts[valueFontIndex];
        const double valueHeight = metrics(g.valueFont, device).height();
        const double thickness = std::min(slot * kBarFill, kMaxBarThickness);
        const double base0 = g.toPos(std::clamp(0.0, g.vMin, g.vMax));
        for (int i = 0; i < n; ++i) {
            const double x0 = g.plot.left() + i * slot;
            const double cx = x0 + slot / 2.0;
            g.slots[i] = QRectF(x0, g.plot.top(), slot, g.plot.height());
            const double v = m_values[i];
            if (finite(v)) {
                const double y = g.toPos(std::clamp(v, g.vMin, g.vMax));
                g.bars[i] = QRectF(QPointF(cx - thickness / 2.0, std::min(y, base0)),
                                   QPointF(cx + thickness / 2.0, std::max(y, base0)));
                if (g.valueLabelsTurned) {
                    // Upright: as wide as a line of text, as tall as the widest value.
                    const double length = widestValue[valueFontIndex] + 2.0;
                    g.valueRects[i] =
                        v >= 0 ? QRectF(cx - valueHeight / 2.0, g.bars[i].top() - length - 2.0,
                                        valueHeight, length)
                               : QRectF(cx - valueHeight / 2.0, g.bars[i].bottom() + 2.0,
                                        valueHeight, length);
                } else {
                    g.valueRects[i] =
                        v >= 0 ? QRectF(x0, g.bars[i].top() - valueHeight - 1.0, slot, valueHeight)
                               : QRectF(x0, g.bars[i].bottom() + 1.0, slot, valueHeight);
                }
            }
            double y = categoryTop;
            if (iconSide > 0 && i < m_icons.size() && !m_icons[i].isNull())
                g.iconRects[i] = QRectF(cx - iconSide / 2.0, y, iconSide, iconSide);
            if (iconSide > 0)
                y += iconSide + 3.0;
            g.labelRects[i] = QRectF(x0, y, slot, labelFm.height());
            y += labelFm.height();
            g.tagRects[i] = QRectF(x0 - slot * 0.15, y, slot * 1.3, tagLines(i) * tagFm.height());
        }
    } else {
        // Horizontal bars: categories down the left, ticks along the bottom.
        const double bottomReserve =
            tickFm.height() + kTickLength + 2.0 +
            (m_valueAxisTitle.isEmpty() ? 0.0 : axisTitleFm.height() + 2.0);
        const double plotTop = top;
        const double plotHeight = std::max(10.0, bottom - bottomReserve - plotTop);
        const double row = plotHeight / n;
        double iconSide = 0.0;
        if (anyIcon) {
            iconSide = std::min(kMaxIconSide, row - 2.0);
            if (iconSide < kMinIconSide)
                iconSide = 0.0;
        }
        double labelWidth = 0.0, tagWidth = 0.0;
        for (int i = 0; i < n; ++i) {
            labelWidth = std::max(labelWidth, labelFm.horizontalAdvance(m_labels.value(i)));
            tagWidth = std::max(tagWidth, tagFm.horizontalAdvance(tagText(i)));
        }
        const double categoryLeft = left;
        const double plotLeft = categoryLeft + (tagWidth > 0 ? tagWidth + 5.0 : 0.0) + labelWidth +
                                5.0 + (iconSide > 0 ? iconSide + 4.0 : 0.0);
        int valueFontIndex = -1;
        if (m_valueLabelsVisible)
            for (int k = 0; k < 2 && valueFontIndex < 0; ++k)
                if (metrics(valueFonts[k], device).height() <= row + 1.0)
                    valueFontIndex = k;
        g.valueLabels = valueFontIndex >= 0;
        if (g.valueLabels)
            g.valueFont = valueFonts[valueFontIndex];
        const double valueReserve = g.valueLabels ? widestValue[valueFontIndex] + 5.0 : 0.0;
        const double plotWidth = std::max(10.0, right - valueReserve - plotLeft);
        g.plot = QRectF(plotLeft, plotTop, plotWidth, plotHeight);
        // Fewer ticks until their labels have room between them.
        for (int maxTicks = std::max(1, static_cast<int>(plotWidth / 40.0)); maxTicks >= 1;
             --maxTicks) {
            makeTicks(maxTicks);
            const double spacing = g.ticks.size() > 1
                                       ? plotWidth * (g.ticks[1] - g.ticks[0]) / (g.vMax - g.vMin)
                                       : plotWidth;
            if (widestTick() + 10.0 <= spacing)
                break;
        }
        if (!m_valueAxisTitle.isEmpty())
            g.axisTitleRect =
                QRectF(plotLeft, bottom - axisTitleFm.height(), plotWidth, axisTitleFm.height());
        const double valueHeight = metrics(g.valueFont, device).height();
        const double thickness = std::min(row * kBarFill, kMaxBarThickness);
        const double base0 = g.toPos(std::clamp(0.0, g.vMin, g.vMax));
        for (int i = 0; i < n; ++i) {
            const double y0 = plotTop + i * row;
            const double cy = y0 + row / 2.0;
            g.slots[i] = QRectF(plotLeft, y0, plotWidth, row);
            const double v = m_values[i];
            if (finite(v)) {
                const double x = g.toPos(std::clamp(v, g.vMin, g.vMax));
                g.bars[i] = QRectF(QPointF(std::min(x, base0), cy - thickness / 2.0),
                                   QPointF(std::max(x, base0), cy + thickness / 2.0));
                g.valueRects[i] =
                    QRectF(g.bars[i].right() + 3.0, cy - valueHeight / 2.0,
                           widestValue[std::max(0, valueFontIndex)] + 2.0, valueHeight);
            }
            double x = plotLeft - 4.0;
            if (iconSide > 0) {
                if (i < m_icons.size() && !m_icons[i].isNull())
                    g.iconRects[i] = QRectF(x - iconSide, cy - iconSide / 2.0, iconSide, iconSide);
                x -= iconSide + 4.0;
            }
            g.labelRects[i] =
                QRectF(x - labelWidth, cy - labelFm.height() / 2.0, labelWidth, labelFm.height());
            x -= labelWidth + 5.0;
            g.tagRects[i] = QRectF(categoryLeft, cy - tagFm.height() / 2.0,
                                   std::max(0.0, x - categoryLeft), tagFm.height());
        }
    }
    return g;
}

} // namespace mnistx::ui
