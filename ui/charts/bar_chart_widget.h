#pragma once

#include <QColor>
#include <QFontMetricsF>
#include <QImage>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <functional>

class QPainter;
class QPaintDevice;

namespace mnistx::ui
{

// A small categorical bar chart painted with QPainter: one bar per category
// (a class), a value axis with "nice" ticks and a title, per-bar colours,
// marked bars (a thick outline plus a tag such as "GT" or "pred" by the
// category label), optional small images beside the category labels (class
// centroids), a dashed reference line and a one-line legend.
//
// Drawn by hand rather than with Qt Charts: ten bars with marks and images
// are simpler and crisper this way, and render() gives vector output for the
// export (SVG/PDF) from the same code that paints the widget.
//
// Text never overlaps: value labels are shrunk once, then (vertical bars)
// turned upright above their bar, and left out only when not even a line of
// text fits a slot; tick spacing grows until tick labels fit;
// category labels and tags are elided to their slot.
//
// Coordinates: "values" are data values on the value axis; rectangles are
// logical pixels in the widget (or in render()'s target). GUI thread only.
class BarChartWidget : public QWidget
{
    Q_OBJECT
public:
    struct LegendEntry {
        QString text;
        QColor color;
        bool dashedLine = false; // a dashed line sample instead of a filled swatch
    };

    explicit BarChartWidget(QWidget* parent = nullptr);
    ~BarChartWidget() override;

    // Qt::Vertical (default): bars grow upwards, categories along the bottom.
    // Qt::Horizontal: bars grow to the right, categories down the left side.
    void setOrientation(Qt::Orientation orientation);
    Qt::Orientation orientation() const { return m_orientation; }

    // One bar per value. Non-finite values draw no bar and no label.
    void setValues(const QVector<double>& values);
    const QVector<double>& values() const { return m_values; }
    int barCount() const { return static_cast<int>(m_values.size()); }
    // Category labels ("0".."9"); missing ones are empty.
    void setLabels(const QStringList& labels);
    const QStringList& labels() const { return m_labels; }
    // Fill colour per bar; missing ones use defaultBarColor().
    void setBarColors(const QVector<QColor>& colors);
    QColor barColor(int bar) const;
    static QColor defaultBarColor() { return QColor(0xc4, 0xcb, 0xd4); }
    // Small images drawn by the category labels (e.g. class centroids), scaled
    // to fit the slot; null images are skipped. Empty: none.
    void setBarIcons(const QVector<QImage>& icons);

    // Emphasises a bar: a thick outline in `color` and `tag` (lines separated
    // by '\n'; joined by a space in the horizontal orientation) drawn by its
    // category label in `color`. An empty tag with a valid colour outlines only.
    void setMark(int bar, const QString& tag, const QColor& color);
    void clearMarks();
    QString markTag(int bar) const;
    QColor markColor(int bar) const; // invalid when unmarked

    // A second set of values, one per bar, drawn as a short thick tick
    // across each bar at its value (another run's figure beside this one's);
    // empty: none. Non-finite values draw no tick.
    void setComparisonValues(const QVector<double>& values, const QColor& color);
    const QVector<double>& comparisonValues() const { return m_comparison; }

    // A dashed line across the bars at `value` (NaN: none).
    void setReferenceLine(double value, const QColor& color = QColor(0x33, 0x33, 0x33));
    double referenceLine() const { return m_referenceValue; }

    void setLegend(const QVector<LegendEntry>& entries);
    const QVector<LegendEntry>& legend() const { return m_legend; }

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    void setValueAxisTitle(const QString& title);
    QString valueAxisTitle() const { return m_valueAxisTitle; }
    // Fixed value range; max <= min (the default) means automatic: from
    // min(0, smallest value) to a nice number at or above the largest value.
    void setValueRange(double min, double max);
    // How a bar's value label prints (default: 3 significant digits) and how
    // tick labels print (default: shortest form of the tick value).
    void setValueFormatter(std::function<QString(double)> format);
    void setTickFormatter(std::function<QString(double)> format);
    QString formatValue(double value) const;
    void setValueLabelsVisible(bool visible);

    // Drawn in the middle when there are no bars.
    void setPlaceholderText(const QString& text);
    QString placeholderText() const { return m_placeholder; }

    // Where bar `bar` is drawn in the widget (full bar, from the axis base to
    // its value); empty when out of range or not finite.
    QRectF barRect(int bar) const;
    // Whether the value labels fit and are drawn at the widget's current size.
    bool valueLabelsShown() const;
    // Vertical bars: whether the value labels are turned upright (read
    // bottom to top above each bar) because they are wider than a bar's slot.
    bool valueLabelsTurned() const;
    // Vertical bars: a line of a bar's tag as drawn at the widget's size
    // (elided when even the room its neighbours leave is too small), "" when
    // there is none.
    QString drawnTagLine(int bar, int line) const;
    // Where bar's value label is drawn in the widget: the text's own extent
    // (as wide as the text, not the slot); empty when labels are not shown.
    QRectF valueLabelRect(int bar) const;
    // The bar under a widget position (its slot, not only the bar), or -1.
    int barAt(const QPointF& position) const;

    // Draws the whole chart (white background, title, legend, axis, bars,
    // labels) into target at target's size, whether or not the widget is
    // shown: paintEvent uses it, and so does the export (SVG, PDF, PNG).
    using QWidget::render;
    void render(QPainter* painter, const QRectF& target) const;
    // The chart as an image of logicalSize × scale device pixels (device pixel
    // ratio = scale).
    QImage renderImage(QSize logicalSize, qreal scale = 2.0) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void barClicked(int bar);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Geometry;
    Geometry geometry(const QRectF& target, const QPaintDevice* device) const;
    double tagLineWidth(const Geometry& g, const QFontMetricsF& tagFm, int bar, int line) const;
    void changed();

    Qt::Orientation m_orientation = Qt::Vertical;
    QVector<double> m_values;
    QVector<double> m_comparison;
    QColor m_comparisonColor;
    QStringList m_labels;
    QVector<QColor> m_colors;
    QVector<QImage> m_icons;
    QVector<QString> m_markTags;
    QVector<QColor> m_markColors;
    QVector<LegendEntry> m_legend;
    double m_referenceValue;
    QColor m_referenceColor;
    QString m_title;
    QString m_valueAxisTitle;
    QString m_placeholder;
    double m_rangeMin = 0.0;
    double m_rangeMax = 0.0;
    std::function<QString(double)> m_valueFormat;
    std::function<QString(double)> m_tickFormat;
    bool m_valueLabelsVisible = true;
};

} // namespace mnistx::ui
