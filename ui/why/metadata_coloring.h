#pragma once

#include "core/why/sample_metadata.h"
#include "ui/map/map_legend.h"

#include <QColor>
#include <QRgb>
#include <QString>
#include <QStringList>
#include <QVector>
#include <limits>
#include <vector>

namespace mnistx::ui
{

// A population-map colouring built from one metadata field of both subsets,
// ready for PopulationMap::setCustomColoring(name, perSample, legend,
// entryOfSample).
//
// Categorical fields get one colour per value: the class colours
// (classColor) for label, prediction and nearest centroid, so they match the
// map's ground-truth colouring; a fixed pair for even/odd, closed loop and
// correct/wrong; the class palette for the categories of the user's own
// fields (metadata.csv). Continuous fields get a perceptually uniform
// sequential scale (dark violet → blue → green → yellow, like viridis) over
// a robust range, and a legend of kColorScaleBins equal-width steps of that
// range. Samples without a value (gaps in the user's fields) are grey, under
// a last legend entry "(missing)".
struct MetadataColoring {
    QString name;                   // the field's title: legend title and map title
    std::vector<QRgb> perSample;    // one opaque colour per sample: train rows, then validation
    QVector<MapLegendEntry> legend; // with the number of samples of each entry
    std::vector<int> entryOfSample; // the legend entry of every sample (same length as perSample)
    // Continuous fields only (else empty / NaN): one edge more than the
    // colour steps (the legend's entries but "(missing)"). The first step also holds everything
    // below edges.front(), the last everything above edges.back(); values are coloured
    // continuously, scaleMin → the scale's start, scaleMax → its end.
    std::vector<double> binEdges;
    double scaleMin = std::numeric_limits<double>::quiet_NaN();
    double scaleMax = std::numeric_limits<double>::quiet_NaN();
    bool isEmpty() const { return perSample.empty(); }
};

// Legend steps of a continuous colouring: six read at a glance and still show
// the gradient; legend clicks then hide one sixth of the range at a time.
inline constexpr int kColorScaleBins = 6;
// The continuous range ignores this share of samples at each end (clamped to
// the scale's ends instead): one extreme outlier must not squeeze everyone
// else into one colour. Bounded fields (confidence in [0,1]) use their full
// observed range, because their tail is what the user looks for.
inline constexpr double kRobustRangeQuantile = 0.01;

// The colouring of `field` for train followed by validation (session ids).
// Pure function, any thread. Empty (isEmpty()) when a subset lacks the field
// (ink without images) or both subsets are empty.
MetadataColoring metadataColoring(const why::SubsetMetadata& train,
                                  const why::SubsetMetadata& validation, why::MetadataField field);

// The sequential scale: t in [0,1] (clamped; NaN → 0) to an opaque colour.
// Lightness rises monotonically from t = 0 to t = 1.
QRgb sequentialColor(double t);

// The colour of a categorical field's value as the map and the dashboard's
// bars show it (classColor for the class fields). Invalid for continuous fields.
QColor metadataCategoryColor(why::MetadataField field, int value);
// The name of a categorical value as the user reads it: "3", "even", "odd",
// "closed loop", "no loop", "correct", "wrong".
QString metadataCategoryName(why::MetadataField field, int value);

// Formats increasing edges, each with the fewest significant digits (at
// least minDigits) that tell it from its neighbours: {0.1234, 0.3456} →
// "0.123", "0.346"; {0.2427, 0.99991, 0.99997} → "0.243", "0.99991", "0.99997".
QStringList formatDistinctEdges(const std::vector<double>& edges, int minDigits = 3);

} // namespace mnistx::ui
