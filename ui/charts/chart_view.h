#pragma once

#include <QColor>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <utility>
#include <vector>

class QPainter;

namespace mnistx::ui
{

// Our small chart interface. Every chart of the explorer talks to this class,
// never to Qt Charts directly: Qt Charts is deprecated from Qt 6.10 in favour
// of Qt Graphs, and switching then touches only ui/charts/. No Qt Charts type
// appears in this header.
//
// Coordinates: "values" are data coordinates of the plot; "positions" are
// logical pixels in this widget.
// GUI thread only.

enum class SeriesKind {
    Line,            // a polyline through the points
    LineWithMarkers, // polyline plus a marker at every point
    Markers,         // markers only
    Histogram,       // light filled bars between bin edges (setHistogram)
};

enum class AxisSide { Left, Right };

struct SeriesStyle {
    SeriesKind kind = SeriesKind::Line;
    QColor color = QColor(0x4e, 0x79, 0xa7);
    qreal lineWidth = 1.5;  // logical pixels
    qreal markerSize = 8.0; // diameter in logical pixels
    Qt::PenStyle penStyle = Qt::SolidLine;
    AxisSide axis = AxisSide::Left;
    bool inLegend = true;
};

class ChartView : public QWidget
{
    Q_OBJECT
public:
    explicit ChartView(QWidget* parent = nullptr);
    ~ChartView() override;

    // Returns the series' handle (0, 1, 2, ... in order of creation). A series
    // on AxisSide::Right makes the right axis appear.
    int addSeries(const QString& name, const SeriesStyle& style);
    int seriesCount() const;

    // Replaces all points of a series in one go (one repaint, not one per
    // point). Points with a non-finite coordinate are dropped; on a
    // logarithmic axis non-positive y values are too.
    void setPoints(int series, const QList<QPointF>& points);
    // Whiskers y ± halfWidths[i] at every point (same length as the points;
    // 0 or NaN: no whisker for that point). An empty list removes them.
    void setErrorBars(int series, const QList<qreal>& halfWidths);
    // A Histogram series: bars between edges[i] and edges[i+1] of height
    // heights[i] (heights.size() + 1 == edges.size()).
    void setHistogram(int series, const std::vector<double>& edges, const QList<qreal>& heights);
    // What the series shows: its points, or for a histogram (bin centre,
    // height) pairs. Read-only, for tests and tooltips.
    QList<QPointF> points(int series) const;
    QList<qreal> errorBars(int series) const;
    void setSeriesVisible(int series, bool visible);

    void setTitle(const QString& title);
    void setAxisTitles(const QString& x, const QString& yLeft, const QString& yRight = {});
    // printf-style tick label formats, e.g. "%.1f", "%d%%", "%g".
    void setLabelFormats(const QString& x, const QString& yLeft, const QString& yRight = {});
    void setXRange(double min, double max);
    void setYRange(AxisSide side, double min, double max);
    // The current range of the x axis (Horizontal) or a y axis.
    std::pair<double, double> range(Qt::Orientation orientation,
                                    AxisSide side = AxisSide::Left) const;
    // Rounds the axis to "nice" tick values (1, 2, 5 × 10^k) after setting a range.
    void setNiceNumbers(Qt::Orientation orientation, AxisSide side = AxisSide::Left);
    // Base-10 logarithmic left axis; points with y <= 0 are then dropped.
    void setLeftAxisLogarithmic(bool logarithmic);
    bool leftAxisLogarithmic() const;
    // Evenly spaced ticks, count including both ends (x axis, or both y axes).
    // Set ticks before ranges: Qt Charts lays labels out on range changes.
    void setTickCount(Qt::Orientation orientation, int count);
    // Ticks every `interval` values from `anchor` (whole epochs, 10 %, ...),
    // on the x axis or on both y axes.
    void setTickInterval(Qt::Orientation orientation, double interval, double anchor = 0.0);
    void setLegendVisible(bool visible);
    void setLegendAlignment(Qt::Alignment alignment);
    // The legend's labels as drawn at the chart's current size, left to
    // right: a label that did not fit is elided and ends in "…" (tests).
    QStringList legendLabels() const;
    // Every text the chart draws at its current size (title, axis titles
    // and tick labels, legend), top to bottom: Qt Charts elides what does
    // not fit, to "…" or "..." (tests).
    QStringList drawnTexts() const;

    // A message drawn in the middle of the plot (e.g. "no run loaded");
    // empty to remove.
    void setPlaceholderText(const QString& text);
    QString placeholderText() const;

    // Mapping between values and positions in this widget (for hit tests).
    QPointF valueAt(const QPointF& position, AxisSide side = AxisSide::Left) const;
    QPointF positionOf(const QPointF& value, AxisSide side = AxisSide::Left) const;
    // The plot area (inside the axes) in widget coordinates.
    QRectF plotArea() const;

    // Draws the whole chart (title, axes, legend, series) into target at
    // target's size, independent of the widget's current size and whether it
    // is shown: the export and the headless mode use this.
    void render(QPainter* painter, const QRectF& target);

Q_SIGNALS:
    // The mouse moved over the chart (value in left-axis coordinates).
    void hovered(QPointF value, QPointF position, QPoint globalPosition);
    void hoverLeft();
    void clicked(QPointF value, QPointF position, Qt::MouseButton button);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace mnistx::ui
