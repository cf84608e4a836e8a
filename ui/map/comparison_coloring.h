#pragma once

#include "core/compare/run_comparison.h"
#include "ui/map/map_legend.h"

#include <QColor>
#include <QRgb>
#include <QString>
#include <QVector>
#include <vector>

namespace mnistx::ui
{

// The map coloured by what changed from run A to run B (compare::compareRuns):
// fixed green, broken red, wrong in both amber, right in both grey, in that
// order in the legend ("fixed by <runB>", …), with counts. One colour and
// legend entry per sample, in the comparison's (the session's) order. For the
// window's "Compare With…" and the headless compare_map.png.
using ComparisonColoring = SampleColoring;
ComparisonColoring comparisonColoring(const compare::RunComparison& comparison,
                                      const QString& runB);

// The colour of each change.
QColor changeColor(compare::Change change);

} // namespace mnistx::ui
