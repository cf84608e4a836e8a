#pragma once

#include "core/compare/run_comparison.h"
#include "core/data/dataset.h"
#include "core/store/run_data.h"

#include <QSize>
#include <QString>
#include <memory>

namespace mnistx::ui
{

// Sizes of the headless plots in logical pixels; PNGs are written at
// kHeadlessPngScale (2×: crisp), SVGs at logical size.
inline constexpr QSize kHeadlessMapSize{1000, 800};
inline constexpr QSize kHeadlessChartSize{900, 560};
inline constexpr double kHeadlessPngScale = 2.0;

// The --headless mode's pictures, drawn by the same code as the window (the
// population map, the loss-vs-distance chart) into outDir:
//   embedding_train.png / .svg       the map of the training samples
//   embedding_validation.png / .svg  the map of the validation samples
//   loss_vs_distance.png / .svg      the loss-vs-distance chart (not for a
//                                    run without model scores)
// data may be null (the maps need no images). Needs a QApplication (the views
// are widgets; they are never shown): with no display, start it with the
// "offscreen" platform (QT_QPA_PLATFORM=offscreen or -platform offscreen).
// GUI thread. Throws std::runtime_error naming the file on a write error.
void writeHeadlessPlots(const store::RunData& run, std::shared_ptr<const data::DatasetSplits> data,
                        const QString& outDir);

// compare_map.png for --compare: run B's map, its dots coloured by what
// changed from run A (fixed green, broken red, wrong in both amber, right in
// both grey; counts in the legend), sized by B's loss. Needs a
// QApplication, as above; throws std::runtime_error naming the file.
// runBName: how the legend names run B ("fixed by <runBName>").
void writeComparisonMap(const store::RunData& runB, const compare::RunComparison& comparison,
                        const QString& runBName, const QString& path);

} // namespace mnistx::ui
