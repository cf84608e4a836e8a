#pragma once

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QRgb>
#include <QString>
#include <QVector>
#include <vector>

class QPainter;

namespace mnistx::ui
{

// One entry of the colour legend: a class, "wrong", "train", a colour-scale stop...
struct MapLegendEntry {
    QString name;
    QColor color;
    qint64 count = -1; // shown after the name; -1: no count
};

// A colouring made outside the map (PopulationMap::setCustomColoring): one
// opaque colour and one legend entry (-1: none) per sample in the session's
// order, and the entries.
struct SampleColoring {
    std::vector<QRgb> colours;
    QVector<MapLegendEntry> legend;
    std::vector<int> entries;
};

// The map's legend, drawn beside the plot (and into exports): the colour
// entries (with counts, hidden ones hollow and grey) and the dot legend
// (three example losses, the misclassified outline); on small maps a band
// above the plot (layoutStrip). Lays itself out for a font and an area, then
// paints and hit-tests in those logical coordinates. Entries that do not fit
// (hundreds of classes) scroll: the legend shows a window of rows, a line
// saying which, and scrollBy moves the window (the map turns the wheel over
// the legend into it).
class MapLegend
{
public:
    void setTitle(const QString& title) { m_title = title; }
    // Another number of entries (another colouring) scrolls back to the top.
    void setEntries(QVector<MapLegendEntry> entries)
    {
        if (entries.size() != m_entries.size())
            m_firstRow = 0;
        m_entries = std::move(entries);
    }
    const QVector<MapLegendEntry>& entries() const { return m_entries; }
    // hidden[i]: entry i is hidden (drawn hollow); shorter vectors mean "shown".
    void setHidden(std::vector<bool> hidden) { m_hidden = std::move(hidden); }
    // Dots sized by the distance to the own class centroid relative to the
    // class (a run without model scores: PopulationMap::sizeBucket), or by
    // the loss.
    void setDistanceSizes(bool on) { m_distanceSizes = on; }

    // Width the legend needs with this font (logical px) when it may be
    // availableHeight tall: entries go into more columns when one is too long.
    qreal preferredWidth(const QFont& font, qreal availableHeight) const;
    // Lays the legend out as a box in the top-right corner of area (beside
    // the map).
    void layout(const QRectF& area, const QFont& font);

    // The compact form for small maps: one band across the top of the map,
    // the title then the entries left to right (names, no counts: those are
    // in the entries' tooltips), wrapping onto more rows; no dot-size
    // section. Height it needs in a band of this width:
    qreal stripHeight(const QFont& font, qreal width) const;
    // Lays it out in area (its full width, stripHeight tall).
    void layoutStrip(const QRectF& area, const QFont& font);
    bool isStrip() const { return m_strip; }
    QRectF boundingRect() const { return m_bounds; }
    // Entry under a point, -1 when none; valid after layout().
    int entryAt(const QPointF& p) const;
    // Empty for an entry scrolled out of view.
    QRectF entryRect(int entry) const;
    void paint(QPainter& painter) const;

    // Whether some entries are out of view, and moving the window of rows by
    // `rows` (positive: down), clamped; true when it moved. Lays the legend
    // out again in its last area.
    bool isScrollable() const { return m_rowsShown < m_rowsTotal; }
    bool scrollBy(int rows);
    int firstRow() const { return m_firstRow; }

private:
    QString countText(qint64 count) const;
    qreal rowHeight(const QFont& font) const;
    int columnsFor(const QFont& font, qreal availableHeight) const;
    qreal entryColumnWidth(const QFont& font) const;
    // Where each strip entry goes (and the title), for a band of this width
    // at the origin; returns the rows used.
    int stripPositions(const QFont& font, qreal width, QRectF* titleRect,
                       QVector<QRectF>* entryRects, QVector<int>* entryRows = nullptr) const;
    // Rows of entries a box legend of this height has room for.
    int rowsAvailable(const QFont& font, qreal availableHeight) const;
    QString scrollText() const;
    QString sizeTitle() const;
    QString sizeLabel(int i) const;
    float sizeExample(int i) const; // the loss-like value row i's dot is drawn for
    int sizeRows() const;

    QString m_title;
    QVector<MapLegendEntry> m_entries;
    std::vector<bool> m_hidden;

    QFont m_font;
    QRectF m_bounds;
    QRectF m_titleRect;
    QVector<QRectF> m_entryRects;
    QRectF m_sizeTitleRect;
    QVector<QRectF> m_sizeRects; // three example losses, then "misclassified"
    bool m_distanceSizes = false;
    int m_columns = 1;
    bool m_strip = false;
    QRectF m_area; // of the last layout, for scrollBy
    int m_firstRow = 0;
    int m_rowsShown = 0;
    int m_rowsTotal = 0;
    QRectF m_scrollRect; // the "rows a–b of n" line; empty when all fit
};

} // namespace mnistx::ui
