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

// The map coloured by how much the loss changed from run A to run B
// (loss_b − loss_a, nats), on a diverging scale in five bins with counts:
// "loss down by more than 1", "down 0.1–1", "about the same (±0.1)",
// "up 0.1–1", "up by more than 1"; blue for lower (better), red for
// higher. A sample with a non-finite loss counts as about the same.
ComparisonColoring lossChangeColoring(const compare::RunComparison& comparison);

// The colour of each change.
QColor changeColor(compare::Change change);

} // namespace mnistx::ui
