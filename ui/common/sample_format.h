#pragma once

#include <QString>

namespace mnistx::ui
{

// How every view writes a sample's numbers, so the same loss reads the same
// in the inspector, the gallery, the tables and the why-views. Pure
// functions of their argument; any thread. Non-finite input reads "–".

// Cross-entropy loss in nats for a caption or a sentence: two decimals
// ("2.31"), two significant digits below 0.01 ("0.0034") so a confident
// right answer does not read as "0.00".
QString formatLoss(double loss);
// The same for a thumbnail cell: one significant digit below 0.01 ("0.003"),
// so the loss and "GT→pred" fit under a 28 px digit at ×3.
QString formatLossShort(double loss);
// Three fixed decimals ("0.047", "2.310") for a table column: the values of
// a column line up and sort by eye, which a varying precision would break.
QString formatLossFixed(double loss);

// A softmax probability as a whole percent: "97%", "<1%" for a probability
// that is positive but rounds to 0 (it is not impossible).
QString formatProbability(double p);
// The same probability with three decimals ("0.973"), where one sample's
// exact value is the point (a tooltip or the heat maps' explanation).
QString formatProbabilityExact(double p);

// A fraction in [0,1] as a whole percent: 0.4 → "40%" (progress, axis ticks).
QString formatPercent(double fraction);

// A Euclidean distance (pixel or feature space): two decimals, "6.83".
QString formatDistance(double distance);

} // namespace mnistx::ui
