#pragma once

// A synthetic run for the "why" tests whose features, probabilities and
// labels agree the way a trained model's do: class c's samples sit in a
// Gaussian blob around centre c in feature space, and the probabilities are
// the softmax of −(squared distance to every centre) / temperature, so a
// sample's nearest neighbours share its class and the model is confident
// on it. Tests then flip labels or plant a weak group and check that the
// code finds them.

#include "synthetic_run.h"
#include "synthetic_subset.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <set>

namespace mnistx::test
{

// The sizes of a blob run (3,000 + 1,000 samples of 16 features, seed 7 by
// default) and its blobs; the tests give them in the constructor's order.
struct BlobRunOptions : SyntheticRunSize {
    BlobRunOptions() : BlobRunOptions(3000, 1000, 10, 16, 6.0f, 2.0f, 7) {}
    BlobRunOptions(int train, int validation, int classes, int dimensions, float spread,
                   float softmaxTemperature, std::uint64_t randomSeed)
        : SyntheticRunSize{train, validation, classes, dimensions, randomSeed},
          centreSpread(spread), temperature(softmaxTemperature)
    {
    }
    float centreSpread; // sd of the centres; samples have sd 1 around them
    float temperature;  // of the softmax over −squared distances
};

// Recomputes predictions, losses, logits, probabilities, confusion, per-class
// figures, accuracy and mean loss of a subset from its labels and features.
inline void refreshSubset(analysis::SubsetAnalysis& a, const RowMatrixXf& centres,
                          float temperature)
{
    const int n = a.sampleCount();
    const int C = a.classCount;
    a.logits.resize(n, C);
    a.probabilities.resize(n, C);
    a.predictions.resize(static_cast<std::size_t>(n));
    a.losses.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        for (int c = 0; c < C; ++c)
            a.logits(i, c) = -(a.features.row(i) - centres.row(c)).squaredNorm() / temperature;
        Eigen::Index best = 0;
        const float top = a.logits.row(i).maxCoeff(&best);
        float sum = 0.0f;
        for (int c = 0; c < C; ++c)
            sum += std::exp(a.logits(i, c) - top);
        for (int c = 0; c < C; ++c)
            a.probabilities(i, c) = std::exp(a.logits(i, c) - top) / sum;
        const auto k = static_cast<std::size_t>(i);
        const int label = a.labels[k];
        a.predictions[k] = static_cast<data::ClassLabel>(best);
        a.losses[k] = -(a.logits(i, label) - top - std::log(sum));
    }
    summariseSyntheticSubset(a);
}

struct BlobRun {
    store::RunData run;
    RowMatrixXf centres; // classCount × featureDim
    float temperature = 2.0f;
};

inline BlobRun makeBlobRun(const BlobRunOptions& o = {})
{
    SyntheticRunOptions base;
    static_cast<SyntheticRunSize&>(base) = o;
    BlobRun out;
    out.run = makeSyntheticRun(base);
    out.temperature = o.temperature;
    std::mt19937_64 rng(o.seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    out.centres.resize(o.classCount, o.featureDim);
    for (Eigen::Index k = 0; k < out.centres.size(); ++k)
        out.centres.data()[k] = o.centreSpread * gauss(rng);
    for (auto* a : {&out.run.train, &out.run.validation}) {
        for (int i = 0; i < a->sampleCount(); ++i)
            for (int d = 0; d < o.featureDim; ++d)
                a->features(i, d) =
                    out.centres(a->labels[static_cast<std::size_t>(i)], d) + gauss(rng);
        refreshSubset(*a, out.centres, o.temperature);
    }
    return out;
}

// Appends `count` samples labelled 3 to the validation set, in a blob of
// their own (sd 0.5) half-way between the centres of classes 3 and 5: the
// model is unsure on them (high loss) while the rest of the set is easy.
// Their centroid distances are all 5 and the subset's figures are
// recomputed; the projection and counts of the run are left to the caller.
// Returns their indices in the validation set.
inline std::set<int> plantWeakCluster(BlobRun& blob, int count)
{
    analysis::SubsetAnalysis& a = blob.run.validation;
    const int n = a.sampleCount();
    std::mt19937_64 rng(4);
    std::normal_distribution<float> gauss(0.0f, 0.5f);
    a.labels.resize(static_cast<std::size_t>(n + count), 3);
    a.features.conservativeResize(n + count, Eigen::NoChange);
    a.centroidDistances.conservativeResize(n + count, Eigen::NoChange);
    a.nearestCentroid.resize(static_cast<std::size_t>(n + count), 3);
    std::set<int> planted;
    for (int i = n; i < n + count; ++i) {
        for (int d = 0; d < a.features.cols(); ++d)
            a.features(i, d) = 0.5f * (blob.centres(3, d) + blob.centres(5, d)) + gauss(rng);
        a.centroidDistances.row(i).setConstant(5.0f);
        planted.insert(i);
    }
    refreshSubset(a, blob.centres, blob.temperature);
    return planted;
}

} // namespace mnistx::test
