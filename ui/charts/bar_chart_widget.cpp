#include "ui/charts/bar_chart_widget.h"

#include "ui/charts/bar_chart_geometry.h"
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

using namespace barchart;

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

void BarChartWidget::setComparisonValues(const QVector<double>& values, const QColor& color)
{
    m_comparison = values;
    m_comparisonColor = color;
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
    // The comparison's ticks, across each bar (and a little beyond it).
    painter->setPen(QPen(m_comparisonColor, 3.0, Qt::SolidLine, Qt::FlatCap));
    for (int i = 0; i < n && i < m_comparison.size(); ++i) {
        const double v = m_comparison[i];
        if (g.bars[i].isNull() || !finite(v))
            continue;
        const double p = g.toPos(std::clamp(v, g.vMin, g.vMax));
        const QRectF& b = g.bars[i];
        if (g.vertical)
            painter->drawLine(QPointF(b.left() - 3.0, p), QPointF(b.right() + 3.0, p));
        else
            painter->drawLine(QPointF(p, b.top() - 3.0), QPointF(p, b.bottom() + 3.0));
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
    return renderToImage(
        [this](QPainter* painter, const QRectF& target) { render(painter, target); }, logicalSize,
        scale);
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
