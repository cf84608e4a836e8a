#pragma once

#include "core/data/dataset.h"
#include "core/projection/projection.h"

#include <cstdint>
#include <vector>

namespace mnistx::projection
{

// Leave-one-out k-NN classification accuracy of a 2D map: the share of points
// whose k nearest other points (Euclidean, map space) vote for the point's own
// label (majority; a tie goes to the tied class with the nearest member).
// points: N × 2, labels: N. Exact, via a uniform grid; `threads` 0 = all
// cores. Throws std::invalid_argument when N ≤ k, sizes differ, points are
// not 2D or not finite.
double knnAccuracy2d(const RowMatrixXf& points, const std::vector<data::ClassLabel>& labels,
                     int k = 10, int threads = 0);

// Trustworthiness@k (Venna & Kaski) of `low` (N × 2, map space) as an image
// of `high` (N × D, feature space): 1 minus the normalised rank penalty of
// map neighbours that are not feature-space neighbours. 1 is perfect. When
// N > sampleSize it is computed on a seeded random subset of sampleSize
// points (the same subset for the same seed and N). Throws
// std::invalid_argument when the rows differ or the (sub)set has fewer than
// 3k + 2 points.
double trustworthiness(const RowMatrixXf& high, const RowMatrixXf& low, int k = 10,
                       int sampleSize = 5000, std::uint64_t seed = 1, int threads = 0);

// Fills p.knnAccuracy (10-NN, all points) and p.trustworthiness (@10, 5,000
// samples) for a map of train + validation, rows in that order. Leaves both at
// −1 when there are too few points to say anything.
void evaluate(Projection& p, const RowMatrixXf& trainFeatures,
              const RowMatrixXf& validationFeatures,
              const std::vector<data::ClassLabel>& trainLabels,
              const std::vector<data::ClassLabel>& validationLabels, int threads = 0);

} // namespace mnistx::projection
