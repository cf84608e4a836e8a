#pragma once
// The explorer's look for a Qt Charts chart, shared by the classes of
// ui/charts/ (private to this folder: Qt Charts stays behind them).

class QAbstractAxis;
class QChart;

namespace mnistx::ui
{

// Square corners, small margins, a bold 10.5 pt title and an 8.5 pt legend
// below the plot: readable in a dock, compact in an export.
void styleChart(QChart* chart);
// 8.5 pt tick labels, a plain 9 pt title, light grid lines and dark grey
// text and axis line: the data stays the darkest thing on the chart.
void styleAxis(QAbstractAxis* axis);

// How Qt Charts lays out an axis (read from its sources and measured on Qt
// 6.4), for charts that fit their labels to it.
namespace chartgeometry
{
// The category axis (labels and title) gets at most this share of the
// chart's height (CartesianChartLayout's maxAxisPortion); labels longer than
// what is left above the title are elided.
inline constexpr double kAxisShare = 0.4;
// A label's box is its text and a document margin on each side (3 px).
inline constexpr double kLabelMargins = 6.0;
// The padding between an axis's labels and its title (4 px) and 2 px to spare.
inline constexpr double kAxisPadding = 6.0;
} // namespace chartgeometry

} // namespace mnistx::ui
