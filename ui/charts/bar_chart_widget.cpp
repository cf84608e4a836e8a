#include "ui/charts/bar_chart_widget.h"

#include "ui/common/render_to_image.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

namespace mnistx::ui
{

namespace
{

constexpr double kPad = 6.0;          // outer margin, logical px
constexpr double kTickLength = 4.0;   // tick marks on the value axis
constexpr double kMaxIconSide = 56.0; // 2× a 28×28 image: larger only costs space
constexpr double kMinIconSide = 14.0; // below half size a 28×28 image is unreadable
constexpr double kBarFill = 0.7;      // bar thickness as a share of its slot
constexpr double kMaxBarThickness = 48.0;
constexpr double kTagGap = 3.0; // between two neighbouring bars' tags

const QColor kText(0x22, 0x22, 0x22);
const QColor kAxisText(0x44, 0x44, 0x44);
const QColor kGrid(0xe4, 0xe6, 0xea);
const QColor kAxis(0x66, 0x66, 0x66);

QFont scaled(const QFont& base, double factor, bool bold = false)
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

// 1, 2 or 5 × 10^k, the smallest at least range / maxTicks.
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

} // namespace

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
    QVector<QRectF> slots; // per bar: its share of the category axis, full value extent
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

BarChartWidget::BarChartWidget(QWidget* parent)
    : QWidget(parent), m_referenceValue(std::numeric_limits<double>::quiet_NaN())
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent); // render() fills the whole widget
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

BarChartWidget::~BarChartWidget() = default;

void BarChartWidget::changed()
{
    updateGeometry();
    update();
}

void BarChartWidget::setOrientation(Qt::Orientation orientation)
{
    m_orientation = orientation;
    changed();
}

void BarChartWidget::setValues(const QVector<double>& values)
{
    m_values = values;
    m_markTags.resize(m_values.size());
    m_markColors.resize(m_values.size());
    changed();
}

void BarChartWidget::setLabels(const QStringList& labels)
{
    m_labels = labels;
    changed();
}

void BarChartWidget::setBarColors(const QVector<QColor>& colors)
{
    m_colors = colors;
    update();
}

QColor BarChartWidget::barColor(int bar) const
{
    if (bar >= 0 && bar < m_colors.size() && m_colors[bar].isValid())
        return m_colors[bar];
    return defaultBarColor();
}

void BarChartWidget::setBarIcons(const QVector<QImage>& icons)
{
    m_icons = icons;
    changed();
}

void BarChartWidget::setMark(int bar, const QString& tag, const QColor& color)
{
    if (bar < 0 || bar >= m_values.size())
        return;
    m_markTags[bar] = tag;
    m_markColors[bar] = color;
    changed();
}

void BarChartWidget::clearMarks()
{
    m_markTags.fill(QString());
    m_markColors.fill(QColor());
    changed();
}

QString BarChartWidget::markTag(int bar) const
{
    return bar >= 0 && bar < m_markTags.size() ? m_markTags[bar] : QString();
}

QColor BarChartWidget::markColor(int bar) const
{
    return bar >= 0 && bar < m_markColors.size() ? m_markColors[bar] : QColor();
}

void BarChartWidget::setReferenceLine(double value, const QColor& color)
{
    m_referenceValue = value;
    m_referenceColor = color;
    update();
}

void BarChartWidget::setLegend(const QVector<LegendEntry>& entries)
{
    m_legend = entries;
    changed();
}

void BarChartWidget::setTitle(const QString& title)
{
    m_title = title;
    changed();
}

void BarChartWidget::setValueAxisTitle(const QString& title)
{
    m_valueAxisTitle = title;
    changed();
}

void BarChartWidget::setValueRange(double min, double max)
{
    m_rangeMin = min;
    m_rangeMax = max;
    update();
}

void BarChartWidget::setValueFormatter(std::function<QString(double)> format)
{
    m_valueFormat = std::move(format);
    update();
}

void BarChartWidget::setTickFormatter(std::function<QString(double)> format)
{
    m_tickFormat = std::move(format);
    update();
}

QString BarChartWidget::formatValue(double value) const
{
    return m_valueFormat ? m_valueFormat(value) : QString::number(value, 'g', 3);
}

void BarChartWidget::setValueLabelsVisible(bool visible)
{
    m_valueLabelsVisible = visible;
    update();
}

void BarChartWidget::setPlaceholderText(const QString& text)
{
    m_placeholder = text;
    update();
}

QSize BarChartWidget::sizeHint() const
{
    return m_orientation == Qt::Vertical ? QSize(420, 240) : QSize(300, 240);
}

QSize BarChartWidget::minimumSizeHint() const
{
    return m_orientation == Qt::Vertical ? QSize(220, 150) : QSize(180, 160);
}

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

void BarChartWidget::render(QPainter* painter, const QRectF& target) const
{
    const Geometry g = geometry(target, painter->device());
    painter->save();
    painter->setClipRect(target);
    painter->fillRect(target, Qt::white);
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setRenderHint(QPainter::TextAntialiasing, true);

    if (!m_title.isEmpty()) {
        painter->setFont(g.titleFont);
        painter->setPen(kText);
        painter->drawText(g.titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                          QFontMetricsF(g.titleFont, painter->device())
                              .elidedText(m_title, Qt::ElideRight, g.titleRect.width()));
    }
    painter->setFont(g.legendFont);
    for (const auto& item : g.legendItems) {
        const LegendEntry& e = m_legend[item.entry];
        if (e.dashedLine) {
            painter->setPen(QPen(e.color, 1.5, Qt::DashLine));
            const double y = item.swatch.center().y();
            painter->drawLine(QPointF(item.swatch.left(), y), QPointF(item.swatch.right(), y));
        } else {
            painter->setPen(Qt::NoPen);
            painter->setBrush(e.color);
            painter->drawRect(item.swatch);
        }
        painter->setPen(kAxisText);
        painter->drawText(item.text, Qt::AlignLeft | Qt::AlignVCenter, e.text);
    }

    const int n = barCount();
    if (n == 0) {
        painter->setFont(font());
        painter->setPen(QColor(0x80, 0x80, 0x80));
        painter->drawText(g.plot, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        painter->restore();
        return;
    }

    // Grid and ticks.
    painter->setFont(g.tickFont);
    const QFontMetricsF tickFm(g.tickFont, painter->device());
    const auto tickText = [this](double v) {
        return m_tickFormat ? m_tickFormat(v) : QString::number(v, 'g', 6);
    };
    for (double t : g.ticks) {
        const double p = g.toPos(t);
        painter->setPen(QPen(kGrid, 1.0));
        const QString text = tickText(t);
        if (g.vertical) {
            painter->drawLine(QPointF(g.plot.left(), p), QPointF(g.plot.right(), p));
            painter->setPen(QPen(kAxis, 1.0));
            painter->drawLine(QPointF(g.plot.left() - kTickLength, p), QPointF(g.plot.left(), p));
            painter->setPen(kAxisText);
            painter->drawText(QRectF(g.target.left(), p - tickFm.height() / 2.0,
                                     g.plot.left() - kTickLength - 3.0 - g.target.left(),
                                     tickFm.height()),
                              Qt::AlignRight | Qt::AlignVCenter, text);
        } else {
            painter->drawLine(QPointF(p, g.plot.top()), QPointF(p, g.plot.bottom()));
            painter->setPen(QPen(kAxis, 1.0));
            painter->drawLine(QPointF(p, g.plot.bottom()),
                              QPointF(p, g.plot.bottom() + kTickLength));
            painter->setPen(kAxisText);
            const double w = tickFm.horizontalAdvance(text) + 2.0;
            painter->drawText(
                QRectF(p - w / 2.0, g.plot.bottom() + kTickLength + 1.0, w, tickFm.height()),
                Qt::AlignCenter, text);
        }
    }
    // The value axis line and the zero base line.
    painter->setPen(QPen(kAxis, 1.0));
    const double base0 = g.toPos(std::clamp(0.0, g.vMin, g.vMax));
    if (g.vertical) {
        painter->drawLine(QPointF(g.plot.left(), g.plot.top()),
                          QPointF(g.plot.left(), g.plot.bottom()));
        painter->drawLine(QPointF(g.plot.left(), base0), QPointF(g.plot.right(), base0));
    } else {
        painter->drawLine(QPointF(g.plot.left(), g.plot.bottom()),
                          QPointF(g.plot.right(), g.plot.bottom()));
        painter->drawLine(QPointF(base0, g.plot.top()), QPointF(base0, g.plot.bottom()));
    }
    if (!m_valueAxisTitle.isEmpty()) {
        painter->setFont(g.axisTitleFont);
        painter->setPen(kAxisText);
        const QFontMetricsF fm(g.axisTitleFont, painter->device());
        if (g.vertical) {
            painter->save();
            painter->translate(g.axisTitleRect.center());
            painter->rotate(-90.0);
            const QRectF r(-g.axisTitleRect.height() / 2.0, -g.axisTitleRect.width() / 2.0,
                           g.axisTitleRect.height(), g.axisTitleRect.width());
            painter->drawText(r, Qt::AlignCenter,
                              fm.elidedText(m_valueAxisTitle, Qt::ElideRight, r.width()));
            painter->restore();
        } else {
            painter->drawText(
                g.axisTitleRect, Qt::AlignCenter,
                fm.elidedText(m_valueAxisTitle, Qt::ElideRight, g.axisTitleRect.width()));
        }
    }

    // Bars, marked ones outlined inside their rectangle (so neighbours keep
    // their gap).
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i < n; ++i) {
        if (g.bars[i].isNull())
            continue;
        painter->setPen(Qt::NoPen);
        painter->setBrush(barColor(i));
        painter->drawRect(g.bars[i]);
        const QColor mark = markColor(i);
        if (mark.isValid()) {
            painter->setBrush(Qt::NoBrush);
            painter->setPen(QPen(mark, 2.0, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
            painter->drawRect(g.bars[i].adjusted(1.0, 1.0, -1.0, -1.0));
        }
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    if (finite(m_referenceValue) && m_referenceValue >= g.vMin && m_referenceValue <= g.vMax) {
        const double p = g.toPos(m_referenceValue);
        painter->setPen(QPen(m_referenceColor, 1.5, Qt::DashLine));
        if (g.vertical)
            painter->drawLine(QPointF(g.plot.left(), p), QPointF(g.plot.right(), p));
        else
            painter->drawLine(QPointF(p, g.plot.top()), QPointF(p, g.plot.bottom()));
    }

    if (g.valueLabels) {
        painter->setFont(g.valueFont);
        for (int i = 0; i < n; ++i) {
            if (g.valueRects[i].isNull())
                continue;
            const QColor mark = markColor(i);
            QFont f = g.valueFont;
            f.setBold(mark.isValid());
            painter->setFont(f);
            // A white backing so the reference line or grid never runs through the text.
            const QFontMetricsF fm(f, painter->device());
            const double w = fm.horizontalAdvance(formatValue(m_values[i])) + 2.0;
            const QRectF r = g.valueRects[i];
            if (g.valueLabelsTurned) {
                // Read bottom to top, starting at the bar's end.
                painter->save();
                painter->translate(r.center());
                painter->rotate(-90.0);
                const QRectF turned(-r.height() / 2.0, -r.width() / 2.0, r.height(), r.width());
                const bool above = m_values[i] >= 0;
                painter->fillRect(
                    above ? QRectF(turned.left(), turned.top(), w, turned.height())
                          : QRectF(turned.right() - w, turned.top(), w, turned.height()),
                    Qt::white);
                painter->setPen(mark.isValid() ? mark : kAxisText);
                painter->drawText(turned,
                                  (above ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter,
                                  formatValue(m_values[i]));
                painter->restore();
                continue;
            }
            painter->fillRect(g.vertical ? QRectF(r.center().x() - w / 2.0, r.top(), w, r.height())
                                         : QRectF(r.left() - 1.0, r.top(), w, r.height()),
                              Qt::white);
            painter->setPen(mark.isValid() ? mark : kAxisText);
            painter->drawText(g.valueRects[i],
                              (g.vertical ? Qt::AlignHCenter : Qt::AlignLeft) | Qt::AlignVCenter,
                              formatValue(m_values[i]));
        }
    }

    // Category axis: icons, labels, tags.
    const QFontMetricsF labelFm(g.labelFont, painter->device());
    const QFontMetricsF tagFm(g.tagFont, painter->device());
    for (int i = 0; i < n; ++i) {
        if (!g.iconRects[i].isNull()) {
            const QImage& icon = m_icons[i];
            const QRectF r = g.iconRects[i];
            const double factor = r.width() / std::max(1, icon.width());
            // Whole-number scales stay crisp with nearest-neighbour; others are smoothed.
            const bool whole = std::abs(factor - std::round(factor)) < 1e-6;
            painter->setRenderHint(QPainter::SmoothPixmapTransform, !whole);
            painter->drawImage(r, icon);
            painter->setPen(QPen(QColor(0x99, 0x99, 0x99), 1.0));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(r);
            const QColor mark = markColor(i);
            if (mark.isValid()) {
                painter->setPen(QPen(mark, 2.0));
                painter->drawRect(r.adjusted(-1.5, -1.5, 1.5, 1.5));
            }
        }
        const QColor mark = markColor(i);
        painter->setFont(g.labelFont);
        painter->setPen(mark.isValid() ? mark : kText);
        const QString label =
            labelFm.elidedText(m_labels.value(i), Qt::ElideRight, g.labelRects[i].width());
        painter->drawText(g.labelRects[i],
                          (g.vertical ? Qt::AlignHCenter : Qt::AlignRight) | Qt::AlignVCenter,
                          label);
        const QString tag = m_markTags.value(i);
        if (!tag.isEmpty() && !g.tagRects[i].isEmpty()) {
            painter->setFont(g.tagFont);
            painter->setPen(mark.isValid() ? mark : kText);
            if (g.vertical) {
                const QStringList lines = tag.split(QLatin1Char('\n'));
                for (int k = 0; k < lines.size(); ++k) {
                    const double width = tagLineWidth(g, tagFm, i, k);
                    const QRectF r(g.tagRects[i].center().x() - width / 2,
                                   g.tagRects[i].top() + k * tagFm.height(), width, tagFm.height());
                    painter->drawText(r, Qt::AlignHCenter | Qt::AlignVCenter,
                                      tagFm.elidedText(lines[k], Qt::ElideRight, r.width()));
                }
            } else {
                const QString line = QString(tag).replace(QLatin1Char('\n'), QLatin1Char(' '));
                painter->drawText(g.tagRects[i], Qt::AlignRight | Qt::AlignVCenter,
                                  tagFm.elidedText(line, Qt::ElideRight, g.tagRects[i].width()));
            }
        }
    }
    painter->restore();
}

QImage BarChartWidget::renderImage(QSize logicalSize, qreal scale) const
{
    return renderToImage([this](QPainter* painter, const QRectF& target) { render(painter, target); },
                         logicalSize, scale);
}

QRectF BarChartWidget::barRect(int bar) const
{
    if (bar < 0 || bar >= barCount())
        return {};
    return geometry(QRectF(rect()), this).bars[bar];
}

bool BarChartWidget::valueLabelsShown() const
{
    return geometry(QRectF(rect()), this).valueLabels;
}

double BarChartWidget::tagLineWidth(const Geometry& g, const QFontMetricsF& tagFm, int bar,
                                    int line) const
{
    // A tag's line may spill towards its neighbours as far as their own line
    // at that height leaves free: up to the centre of an untagged neighbour,
    // less beside "GT" ("nearest" is wider than a slot of ten).
    const double centre = g.tagRects[bar].center().x();
    auto halfWidthTowards = [&](int neighbour) {
        if (neighbour < 0 || neighbour >= static_cast<int>(g.tagRects.size()))
            return g.tagRects[bar].width() / 2; // the chart's edge
        const double pitch = std::abs(g.tagRects[neighbour].center().x() - centre);
        const QString other = m_markTags.value(neighbour).split(QLatin1Char('\n')).value(line);
        if (other.isEmpty())
            return pitch;
        return pitch - tagFm.horizontalAdvance(other) / 2 - kTagGap;
    };
    return std::max(g.tagRects[bar].width(),
                    2 * std::min(halfWidthTowards(bar - 1), halfWidthTowards(bar + 1)));
}

QString BarChartWidget::drawnTagLine(int bar, int line) const
{
    const Geometry g = geometry(QRectF(rect()), this);
    const QString text = m_markTags.value(bar).split(QLatin1Char('\n')).value(line);
    if (!g.vertical || bar < 0 || bar >= static_cast<int>(g.tagRects.size()) ||
        g.tagRects[bar].isEmpty() || text.isEmpty())
        return {};
    const QFontMetricsF tagFm = metrics(g.tagFont, this);
    return tagFm.elidedText(text, Qt::ElideRight, tagLineWidth(g, tagFm, bar, line));
}

bool BarChartWidget::valueLabelsTurned() const
{
    const Geometry g = geometry(QRectF(rect()), this);
    return g.valueLabels && g.valueLabelsTurned;
}

QRectF BarChartWidget::valueLabelRect(int bar) const
{
    if (bar < 0 || bar >= barCount() || !finite(m_values[bar]))
        return {};
    const Geometry g = geometry(QRectF(rect()), this);
    if (!g.valueLabels)
        return {};
    QFont f = g.valueFont;
    f.setBold(markColor(bar).isValid()); // as drawn
    const double width = QFontMetricsF(f, this).horizontalAdvance(formatValue(m_values[bar]));
    const QRectF slot = g.valueRects[bar];
    if (g.valueLabelsTurned)
        return m_values[bar] >= 0 ? QRectF(slot.left(), slot.bottom() - width, slot.width(), width)
                                  : QRectF(slot.left(), slot.top(), slot.width(), width);
    if (g.vertical)
        return QRectF(slot.center().x() - width / 2.0, slot.top(), width, slot.height());
    return QRectF(slot.left(), slot.top(), width, slot.height());
}

int BarChartWidget::barAt(const QPointF& position) const
{
    const Geometry g = geometry(QRectF(rect()), this);
    for (int i = 0; i < g.slots.size(); ++i) {
        QRectF slot = g.slots[i];
        // The slot plus its category labels below (vertical) or beside (horizontal).
        if (g.vertical)
            slot.setBottom(
                std::max({slot.bottom(), g.labelRects[i].bottom(), g.tagRects[i].bottom()}));
        else
            slot.setLeft(g.target.left());
        if (slot.contains(position))
            return i;
    }
    return -1;
}

void BarChartWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    render(&painter, QRectF(rect()));
}

void BarChartWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        const int bar = barAt(event->position());
        if (bar >= 0)
            Q_EMIT barClicked(bar);
    }
    QWidget::mouseReleaseEvent(event);
}

bool BarChartWidget::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int bar = barAt(help->pos());
        if (bar < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        QString text =
            QStringLiteral("%1: %2").arg(m_labels.value(bar), formatValue(m_values[bar]));
        const QString tag = markTag(bar);
        if (!tag.isEmpty())
            text += QStringLiteral(" (%1)").arg(
                QString(tag).replace(QLatin1Char('\n'), QStringLiteral(", ")));
        QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace mnistx::ui
