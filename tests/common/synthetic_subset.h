#pragma once

// What the synthetic runs of the tests share: their size, and what they do
// alike to each subset: size its arrays, and derive the summary figures from
// its labels, predictions and losses the way the analysis does. The
// generators (synthetic_run.h, clustered_run.h, blob_run.h) differ only in
// the values.

#include "core/analysis/analysis_types.h"

#include <cstddef>
#include <cstdint>

namespace mnistx::test
{

// How big a synthetic run is and the seed of its values; each generator's
// options add what it varies, and may start from other sizes.
struct SyntheticRunSize {
    int trainCount = 50;
    int validationCount = 20;
    int classCount = 10;
    int featureDim = 8;
    std::uint64_t seed = 1;
};

// Sizes every per-sample array of `a` and the subset's map positions
// (sampleCount × 2) for sampleCount samples, all zero.
inline void sizeSyntheticSubset(analysis::SubsetAnalysis& a, analysis::Subset subset,
                                int sampleCount, int classCount, int featureDim,
                                RowMatrixXf& positions)
{
    const auto n = static_cast<std::size_t>(sampleCount);
    a.subset = subset;
    a.classCount = classCount;
    a.labels.assign(n, 0);
    a.predictions.assign(n, 0);
    a.losses.assign(n, 0.0f);
    a.nearestCentroid.assign(n, 0);
    a.logits = RowMatrixXf::Zero(sampleCount, classCount);
    a.probabilities = RowMatrixXf::Zero(sampleCount, classCount);
    a.features = RowMatrixXf::Zero(sampleCount, featureDim);
    a.centroidDistances = RowMatrixXf::Zero(sampleCount, classCount);
    positions = RowMatrixXf::Zero(sampleCount, 2);
}

// The confusion matrix, per-class figures, accuracy and mean loss of `a` from
// its labels, predictions and losses (summed in sample order).
inline void summariseSyntheticSubset(analysis::SubsetAnalysis& a)
{
    const int n = a.sampleCount();
    a.confusion = MatrixXi64::Zero(a.classCount, a.classCount);
    a.perClass.assign(static_cast<std::size_t>(a.classCount), {});
    double lossSum = 0.0;
    long long correct = 0;
    for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        a.confusion(a.labels[k], a.predictions[k]) += 1;
        auto& stats = a.perClass[a.labels[k]];
        ++stats.count;
        stats.meanLoss += a.losses[k];
        lossSum += a.losses[k];
        if (a.correct(i)) {
            ++stats.correct;
            ++correct;
        }
    }
    for (auto& stats : a.perClass) {
        stats.accuracy = stats.count ? static_cast<double>(stats.correct) / stats.count : 0.0;
        stats.meanLoss = stats.count ? stats.meanLoss / stats.count : 0.0;
    }
    a.accuracy = n ? static_cast<double>(correct) / n : 0.0;
    a.meanLoss = n ? lossSum / n : 0.0;
}

} // namespace mnistx::test
