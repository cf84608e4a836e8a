#pragma once
// Test data of the neighbour searches and projections: `clusters` Gaussian
// blobs (sd 1) around centres drawn with sd `centreSpread`; point i belongs to
// blob i % clusters. At 50-D and spread 10 the blobs are far apart, at lower
// spread they touch, so neighbours are not trivial.

#include "core/util/matrix.h"

#include <cstdint>
#include <random>

namespace mnistx::test
{

inline RowMatrixXf gaussianBlobs(int n, int d, int clusters, float centreSpread, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    RowMatrixXf centres(clusters, d);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = centreSpread * gauss(rng);
    RowMatrixXf points(n, d);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < d; ++c)
            points(i, c) = centres(i % clusters, c) + gauss(rng);
    return points;
}

} // namespace mnistx::test
