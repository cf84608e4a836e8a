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

} // namespace mnistx::ui
