#include "ui/map/map_legend.h"

#include "ui/map/map_renderer.h"
#include "ui/map/map_style.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{
constexpr qreal kPadding = 8.0;        // inside the legend box
constexpr qreal kSwatchColumn = 18.0;  // room for the largest example dot (radius 7)
constexpr qreal kCountGap = 14.0;      // between a name and its count
constexpr qreal kSectionGap = 8.0;     // between the colour and the size legend
constexpr qreal kColumnGap = 12.0;     // between columns of entries (short legends)
constexpr int kMaxColumns = 4;         // beyond that the legend would crowd the map
constexpr qreal kStripEntryGap = 10.0; // between entries of the strip legend
constexpr int kMaxStripRows = 3;       // a taller band would squeeze the map; the rest scrolls

QFont boldFont(QFont f)
{
    f.setBold(true);
    return f;
}

} // namespace

QString MapLegend::sizeTitle() const
{
    return m_distanceSizes
               ? QCoreApplication::translate("MapLegend", "Dot size: distance to own centroid")
               : QCoreApplication::translate("MapLegend", "Dot size: loss");
}

int MapLegend::sizeRows() const
{
    return m_distanceSizes ? 3 : 4; // without scores nothing is misclassified
}

// Rows of the dot legend: three example losses, then the outline; or three
// distances, each relative to the sample's own class.
QString MapLegend::sizeLabel(int i) const
{
    if (m_distanceSizes) {
        const char* const rows[3] = {"≤ its class's median", "farther",
                                     "≥ its class's 99th percentile"};
        return QCoreApplication::translate("MapLegend", rows[std::clamp(i, 0, 2)]);
    }
    if (i == 3)
        return QCoreApplication::translate("MapLegend", "misclassified");
    const float loss = mapstyle::kSizeLegendLosses[i];
    // The last example is the clamp: every larger loss gets the same dot.
    return i == 2 ? QStringLiteral("≥ %1").arg(loss, 0, 'f', 1)
                  : QString::number(static_cast<double>(loss), 'g', 2);
}

float MapLegend::sizeExample(int i) const
{
    // A distance at its class's median or nearer gets the smallest dot.
    return m_distanceSizes && i == 0 ? 0.0f : mapstyle::kSizeLegendLosses[i];
}

QString MapLegend::countText(qint64 count) const
{
    return count < 0 ? QString() : QLocale(QLocale::English).toString(count);
}

qreal MapLegend::rowHeight(const QFont& font) const
{
    return std::max<qreal>(QFontMetricsF(font).height() + 3.0, 17.0);
}

qreal MapLegend::entryColumnWidth(const QFont& font) const
{
    const QFontMetricsF fm(font);
    qreal names = 0, counts = 0;
    for (const auto& e : m_entries) {
        names = std::max(names, fm.horizontalAdvance(e.name));
        counts = std::max(counts, fm.horizontalAdvance(countText(e.count)));
    }
    return kSwatchColumn + names + (counts > 0 ? kCountGap + counts : 0.0);
}

int MapLegend::rowsAvailable(const QFont& font, qreal availableHeight) const
{
    // Fixed part: padding, the two titles, the section gap, the four dot rows.
    const qreal row = rowHeight(font);
    const qreal fixed = 2 * kPadding + 2 * row + kSectionGap + sizeRows() * row;
    return std::max(1, static_cast<int>((availableHeight - fixed) / row));
}

int MapLegend::columnsFor(const QFont& font, qreal availableHeight) const
{
    const int rows = rowsAvailable(font, availableHeight);
    const int n = static_cast<int>(m_entries.size());
    return std::clamp((n + rows - 1) / rows, 1, kMaxColumns);
}

QString MapLegend::scrollText() const
{
    return QCoreApplication::translate("MapLegend", "rows %1–%2 of %3 · scroll")
        .arg(m_firstRow + 1)
        .arg(m_firstRow + m_rowsShown)
        .arg(m_rowsTotal);
}

bool MapLegend::scrollBy(int rows)
{
    const int first = std::clamp(m_firstRow + rows, 0, std::max(0, m_rowsTotal - m_rowsShown));
    if (first == m_firstRow)
        return false;
    m_firstRow = first;
    if (m_strip)
        layoutStrip(m_area, m_font);
    else
        layout(m_area, m_font);
    return true;
}

qreal MapLegend::preferredWidth(const QFont& font, qreal availableHeight) const
{
    const QFontMetricsF fm(font);
    const QFontMetricsF bold(boldFont(font));
    const int columns = columnsFor(font, availableHeight);
    qreal content = columns * entryColumnWidth(font) + (columns - 1) * kColumnGap;
    content = std::max(content, bold.horizontalAdvance(m_title));
    content = std::max(content, bold.horizontalAdvance(sizeTitle()));
    for (int i = 0; i < sizeRows(); ++i)
        content = std::max(content, kSwatchColumn + fm.horizontalAdvance(sizeLabel(i)));
    return std::ceil(content + 2 * kPadding);
}

int MapLegend::stripPositions(const QFont& font, qreal width, QRectF* titleRect,
                              QVector<QRectF>* entryRects, QVector<int>* entryRows) const
{
    const QFontMetricsF fm(font);
    const QFontMetricsF bold(boldFont(font));
    const qreal row = rowHeight(font);
    const qreal inner = std::max(width - 2 * kPadding, 1.0);
    *titleRect =
        QRectF(kPadding, kPadding, bold.horizontalAdvance(m_title + QLatin1Char(':')), row);
    qreal x = titleRect->right() + kStripEntryGap;
    int rows = 1;
    entryRects->clear();
    if (entryRows)
        entryRows->clear();
    for (const auto& e : m_entries) {
        const qreal w = kSwatchColumn + fm.horizontalAdvance(e.name);
        if (x + w > kPadding + inner && x > kPadding) { // wrap, unless first on its row
            x = kPadding;
            ++rows;
        }
        entryRects->append(QRectF(x, kPadding + (rows - 1) * row, w, row));
        if (entryRows)
            entryRows->append(rows - 1);
        x += w + kStripEntryGap;
    }
    return rows;
}

qreal MapLegend::stripHeight(const QFont& font, qreal width) const
{
    QRectF title;
    QVector<QRectF> entries;
    const int rows = stripPositions(font, width, &title, &entries);
    // Past kMaxStripRows the band keeps that many and a line for the scroll text.
    const int shown = rows > kMaxStripRows ? kMaxStripRows + 1 : rows;
    return 2 * kPadding + shown * rowHeight(font);
}

void MapLegend::layoutStrip(const QRectF& area, const QFont& font)
{
    m_font = font;
    m_strip = true;
    m_columns = 0;
    m_area = area;
    QVector<int> entryRows;
    m_rowsTotal = stripPositions(font, area.width(), &m_titleRect, &m_entryRects, &entryRows);
    m_rowsShown = std::min(m_rowsTotal, kMaxStripRows);
    m_firstRow = std::clamp(m_firstRow, 0, m_rowsTotal - m_rowsShown);
    const qreal row = rowHeight(font);
    for (int i = 0; i < m_entryRects.size(); ++i) {
        const int r = entryRows[i] - m_firstRow;
        // The first row also holds the title: scrolled rows start after it.
        m_entryRects[i] =
            r < 0 || r >= m_rowsShown
                ? QRectF()
                : m_entryRects[i].translated(area.topLeft() + QPointF(0, -m_firstRow * row));
    }
    // The title opens the first row: it scrolls away with it.
    m_titleRect = m_firstRow > 0 ? QRectF() : m_titleRect.translated(area.topLeft());
    m_scrollRect = isScrollable()
                       ? QRectF(area.left() + kPadding, area.top() + kPadding + m_rowsShown * row,
                                std::max(area.width() - 2 * kPadding, 1.0), row)
                       : QRectF();
    m_sizeTitleRect = QRectF();
    m_sizeRects.clear();
    m_bounds = QRectF(area.topLeft(), QSizeF(area.width(), stripHeight(font, area.width())));
}

void MapLegend::layout(const QRectF& area, const QFont& font)
{
    m_font = font;
    m_strip = false;
    m_area = area;
    m_columns = columnsFor(font, area.height());
    const qreal width = preferredWidth(font, area.height());
    const qreal row = rowHeight(font);
    const qreal left = area.right() - width;
    const qreal inner = width - 2 * kPadding;
    const qreal columnWidth = entryColumnWidth(font);
    qreal y = area.top() + kPadding;

    m_titleRect = QRectF(left + kPadding, y, inner, row);
    y += row;
    m_entryRects.clear();
    const int n = static_cast<int>(m_entries.size());
    m_rowsTotal = (n + m_columns - 1) / m_columns;
    const int available = rowsAvailable(font, area.height());
    // Too many for the room: a window of rows in reading order (row-major, so
    // that scrolling moves whole rows) above the line that says which.
    const bool scrolled = m_rowsTotal > available;
    m_rowsShown = scrolled ? std::max(1, available - 1) : m_rowsTotal;
    m_firstRow = std::clamp(m_firstRow, 0, m_rowsTotal - m_rowsShown);
    for (int i = 0; i < n; ++i) {
        // Column-major, like reading a list. One column: rows span the whole
        // legend width, easy to hit with the mouse.
        const int rowsUsed = std::max(m_rowsTotal, 1);
        const int column = scrolled ? i % m_columns : i / rowsUsed;
        const int r = (scrolled ? i / m_columns : i % rowsUsed) - m_firstRow;
        if (r < 0 || r >= m_rowsShown)
            m_entryRects.append(QRectF());
        else if (m_columns == 1)
            m_entryRects.append(QRectF(left, y + r * row, width, row));
        else
            m_entryRects.append(QRectF(left + kPadding + column * (columnWidth + kColumnGap),
                                       y + r * row, columnWidth, row));
    }
    y += m_rowsShown * row;
    m_scrollRect = scrolled ? QRectF(left + kPadding, y, inner, row) : QRectF();
    if (scrolled)
        y += row;
    y += kSectionGap;
    m_sizeTitleRect = QRectF(left + kPadding, y, inner, row);
    y += row;
    m_sizeRects.clear();
    for (int i = 0; i < sizeRows(); ++i) {
        m_sizeRects.append(QRectF(left, y, width, row));
        y += row;
    }
    m_bounds = QRectF(left, area.top(), width, y + kPadding - area.top());
}

int MapLegend::entryAt(const QPointF& p) const
{
    for (int i = 0; i < m_entryRects.size(); ++i)
        if (m_entryRects[i].contains(p))
            return i;
    return -1;
}

QRectF MapLegend::entryRect(int entry) const
{
    return entry >= 0 && entry < m_entryRects.size() ? m_entryRects[entry] : QRectF();
}

void MapLegend::paint(QPainter& painter) const
{
    if (m_bounds.isEmpty())
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    // Nearly opaque: dots panned under the legend must not make it unreadable.
    painter.setPen(QColor(0xd0, 0xd0, 0xd0));
    painter.setBrush(QColor(255, 255, 255, 235));
    painter.drawRoundedRect(m_bounds.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);

    const QColor text(0x20, 0x20, 0x20);
    const QColor muted(0x70, 0x70, 0x70);
    const QColor hiddenText(0xb0, 0xb0, 0xb0);
    painter.setFont(boldFont(m_font));
    painter.setPen(text);
    if (!m_titleRect.isEmpty())
        painter.drawText(m_titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                         m_strip ? m_title + QLatin1Char(':') : m_title);

    painter.setFont(m_font);
    for (int i = 0; i < m_entries.size() && i < m_entryRects.size(); ++i) {
        if (m_entryRects[i].isEmpty())
            continue; // scrolled out of view
        const auto& e = m_entries[i];
        const bool hidden = i < static_cast<int>(m_hidden.size()) && m_hidden[i];
        const QRectF r =
            m_columns == 1 ? m_entryRects[i].adjusted(kPadding, 0, -kPadding, 0) : m_entryRects[i];
        // The strip has no room for counts (its tooltips give them).
        const bool showCount = e.count >= 0 && !m_strip;
        const QPointF swatch(r.left() + kSwatchColumn / 2 - 2, r.center().y());
        if (hidden) {
            painter.setPen(QPen(hiddenText, 1.2));
            painter.setBrush(Qt::NoBrush);
        } else {
            painter.setPen(Qt::NoPen);
            painter.setBrush(e.color);
        }
        painter.drawEllipse(swatch, 5.0, 5.0);
        painter.setPen(hidden ? hiddenText : text);
        const QRectF textRect = r.adjusted(kSwatchColumn, 0, 0, 0);
        painter.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, e.name);
        if (showCount) {
            painter.setPen(hidden ? hiddenText : muted);
            painter.drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, countText(e.count));
        }
    }

    if (!m_scrollRect.isEmpty()) {
        painter.setPen(muted);
        painter.drawText(m_scrollRect, Qt::AlignLeft | Qt::AlignVCenter, scrollText());
    }
    if (m_strip) {
        painter.restore();
        return;
    }
    painter.setFont(boldFont(m_font));
    painter.setPen(text);
    painter.drawText(m_sizeTitleRect, Qt::AlignLeft | Qt::AlignVCenter, sizeTitle());
    painter.setFont(m_font);
    QColor example(0x80, 0x80, 0x80);
    example.setAlphaF(mapstyle::kDotAlpha);
    for (int i = 0; i < m_sizeRects.size(); ++i) {
        const QRectF r = m_sizeRects[i].adjusted(kPadding, 0, -kPadding, 0);
        const QPointF center(r.left() + kSwatchColumn / 2 - 2, r.center().y());
        painter.setPen(Qt::NoPen);
        painter.setBrush(example);
        if (i < 3) {
            const qreal radius = mapstyle::radiusForLoss(sizeExample(i));
            painter.drawEllipse(center, radius, radius);
        } else {
            // A misclassified sample's dot: outlined (MapRenderer's edge).
            const qreal radius = mapstyle::radiusForLoss(1.2f);
            const qreal w = MapRenderer::kEdgeWidth;
            painter.drawEllipse(center, radius, radius);
            painter.setPen(QPen(QColor(MapRenderer::edgeColor(example.rgb())), w));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(center, radius - w / 2, radius - w / 2);
        }
        painter.setPen(text);
        painter.drawText(r.adjusted(kSwatchColumn, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                         sizeLabel(i));
    }
    painter.restore();
}

} // namespace mnistx::ui
