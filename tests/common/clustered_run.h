#pragma once

// A small, fully consistent synthetic run for UI tests, values a test can
// predict (synthetic_run.h's are random, for the store): every array of
// store::RunData sized and filled as the pipeline would (labels, predictions,
// losses, logits, probabilities, features, centroid distances, confusion,
// per-class figures, loss-vs-distance bins, a 2D projection), plus matching
// 28×28 images. Deterministic for a given options struct.
//
// What the values are, so tests can predict them:
// - label of the i-th sample of a subset: i % classCount.
// - misclassified: every misclassifiedEvery-th sample across both subsets
//   (id % misclassifiedEvery == misclassifiedEvery - 1, ids as in
//   ExplorerSession: train first, then validation); its prediction is
//   (label + 6) % classCount, so GT 1 is predicted 7.
// - loss: correct samples in [0.02, 0.22], wrong ones in [1.0, 3.0].
// - map position: class c's cluster is centred on a circle of radius
//   clusterRadius at angle 2πc/classCount, spread clusterSpread (Gaussian);
//   a misclassified sample sits in its *predicted* class's cluster, as real
//   errors do.
// - image: black, a white vertical bar 2 px wide at x = 4 + 2·label (rows
//   4..23); the bottom row encodes the sample: pixel (27, 0) = index & 0xff,
//   (27, 1) = index >> 8, (27, 2) = 0 for train, 1 for validation.

#include "core/data/dataset.h"
#include "core/store/run_data.h"
#include "synthetic_subset.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>

namespace mnistx::test
{

struct ClusteredRunOptions : SyntheticRunSize {
    ClusteredRunOptions()
    {
        trainCount = 200;
        validationCount = 50;
    }
    int misclassifiedEvery = 13; // 0: every sample correct
    double clusterRadius = 10.0; // map space
    double clusterSpread = 1.2;
};

inline bool syntheticMisclassified(const ClusteredRunOptions& o, int id)
{
    return o.misclassifiedEvery > 0 && id % o.misclassifiedEvery == o.misclassifiedEvery - 1;
}

inline void syntheticImage(int label, int index, int subset, std::uint8_t* pixels)
{
    std::fill(pixels, pixels + 28 * 28, std::uint8_t{0});
    const int x = std::clamp(4 + 2 * label, 0, 26);
    for (int y = 4; y <= 23; ++y)
        pixels[y * 28 + x] = pixels[y * 28 + x + 1] = 255;
    pixels[27 * 28 + 0] = static_cast<std::uint8_t>(index & 0xff);
    pixels[27 * 28 + 1] = static_cast<std::uint8_t>((index >> 8) & 0xff);
    pixels[27 * 28 + 2] = static_cast<std::uint8_t>(subset);
}

inline std::shared_ptr<store::RunData> makeClusteredRun(const ClusteredRunOptions& o = {})
{
    auto run = std::make_shared<store::RunData>();
    const int C = o.classCount;
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::normal_distribution<double> gauss(0.0, 1.0);

    // Centroids: the class's bar image in [0,1].
    run->centroids.rows = 28;
    run->centroids.cols = 28;
    run->centroids.means = RowMatrixXf::Zero(C, 28 * 28);
    run->centroids.counts.assign(static_cast<size_t>(C), 0);
    for (int c = 0; c < C; ++c) {
        std::uint8_t pixels[28 * 28];
        syntheticImage(c, 0, 0, pixels);
        for (int p = 0; p < 27 * 28; ++p) // the bottom (code) row stays 0
            run->centroids.means(c, p) = pixels[p] / 255.0f;
    }

    auto fill = [&](analysis::SubsetAnalysis& a, analysis::Subset subset, int count, int idOffset,
                    RowMatrixXf& positions) {
        sizeSyntheticSubset(a, subset, count, C, o.featureDim, positions);
        for (int i = 0; i < count; ++i) {
            const int label = i % C;
            const bool wrong = syntheticMisclassified(o, idOffset + i);
            const int pred = wrong ? (label + 6) % C : label;
            const double loss = wrong ? 1.0 + 2.0 * uniform(rng) : 0.02 + 0.2 * uniform(rng);
            a.labels[static_cast<size_t>(i)] = static_cast<data::ClassLabel>(label);
            a.predictions[static_cast<size_t>(i)] = static_cast<data::ClassLabel>(pred);
            a.losses[static_cast<size_t>(i)] = static_cast<float>(loss);

            // Probabilities consistent with the loss (−log p[label]) and the
            // prediction (argmax).
            const double pLabel = std::exp(-loss);
            for (int c = 0; c < C; ++c) {
                double p;
                if (c == label)
                    p = pLabel;
                else if (wrong && c == pred)
                    p = 0.9 * (1.0 - pLabel);
                else
                    p = (wrong ? 0.1 : 1.0) * (1.0 - pLabel) / std::max(1, C - (wrong ? 2 : 1));
                a.probabilities(i, c) = static_cast<float>(p);
                a.logits(i, c) = static_cast<float>(std::log(std::max(p, 1e-12)));
            }
            a.features(i, pred % o.featureDim) = 1.0f;
            a.features(i, (pred + 1) % o.featureDim) += static_cast<float>(0.1 * uniform(rng));

            // Pixel-space distances: near the own class, nearer the predicted
            // one when wrong.
            int nearest = 0;
            for (int c = 0; c < C; ++c) {
                double d = 8.0 + 0.4 * std::abs(c - label) + 0.5 * uniform(rng);
                if (c == label)
                    d = 5.0 + 2.0 * uniform(rng) + (wrong ? 3.0 : 0.0);
                if (wrong && c == pred)
                    d = 5.5 + uniform(rng);
                a.centroidDistances(i, c) = static_cast<float>(d);
                if (a.centroidDistances(i, c) < a.centroidDistances(i, nearest))
                    nearest = c;
            }
            a.nearestCentroid[static_cast<size_t>(i)] = static_cast<data::ClassLabel>(nearest);

            const double angle = 2.0 * M_PI * pred / C;
            positions(i, 0) = static_cast<float>(o.clusterRadius * std::cos(angle) +
                                                 o.clusterSpread * gauss(rng));
            positions(i, 1) = static_cast<float>(o.clusterRadius * std::sin(angle) +
                                                 o.clusterSpread * gauss(rng));
        }
        summariseSyntheticSubset(a);
    };
    fill(run->train, analysis::Subset::Train, o.trainCount, 0, run->projection.train);
    fill(run->validation, analysis::Subset::Validation, o.validationCount, o.trainCount,
         run->projection.validation);
    for (int i = 0; i < o.trainCount; ++i)
        ++run->centroids.counts[run->train.labels[static_cast<size_t>(i)]];

    // Loss vs distance to the own centroid: 10 equal bins over the common range.
    double lo = 1e300, hi = -1e300;
    for (const auto* a : {&run->train, &run->validation})
        for (int i = 0; i < a->sampleCount(); ++i) {
            lo = std::min<double>(lo, a->distanceToOwnCentroid(i));
            hi = std::max<double>(hi, a->distanceToOwnCentroid(i));
        }
    constexpr int kBins = 10;
    for (auto* a : {&run->train, &run->validation}) {
        auto& b = a->lossVsDistance;
        b.minDistance = a->sampleCount() ? lo : 0.0;
        b.maxDistance = a->sampleCount() ? hi : 0.0;
        b.edges.resize(kBins + 1);
        for (int k = 0; k <= kBins; ++k)
            b.edges[static_cast<size_t>(k)] =
                b.minDistance + (b.maxDistance - b.minDistance) * k / kBins;
        b.counts.assign(kBins, 0);
        b.meanLoss.assign(kBins, 0.0);
        b.stdError.assign(kBins, 0.0);
        std::vector<double> sumSq(kBins, 0.0);
        for (int i = 0; i < a->sampleCount(); ++i) {
            const double d = a->distanceToOwnCentroid(i);
            const double width = std::max(b.maxDistance - b.minDistance, 1e-12);
            const int k =
                std::clamp(static_cast<int>((d - b.minDistance) / width * kBins), 0, kBins - 1);
            ++b.counts[static_cast<size_t>(k)];
            b.meanLoss[static_cast<size_t>(k)] += a->losses[static_cast<size_t>(i)];
            sumSq[static_cast<size_t>(k)] +=
                double(a->losses[static_cast<size_t>(i)]) * a->losses[static_cast<size_t>(i)];
        }
        for (int k = 0; k < kBins; ++k) {
            const auto n = b.counts[static_cast<size_t>(k)];
            if (n == 0)
                continue;
            const double mean = b.meanLoss[static_cast<size_t>(k)] / n;
            b.meanLoss[static_cast<size_t>(k)] = mean;
            if (n >= 2) {
                const double var =
                    std::max(0.0, (sumSq[static_cast<size_t>(k)] - n * mean * mean) / (n - 1));
                b.stdError[static_cast<size_t>(k)] = std::sqrt(var / n);
            }
        }
    }

    run->projection.method = "synthetic";
    run->projection.parameters = {{"clusterRadius", o.clusterRadius},
                                  {"clusterSpread", o.clusterSpread}};
    run->dataFolder = "synthetic";
    run->trainCount = o.trainCount;
    run->validationCount = o.validationCount;
    run->modelBytes.clear();
    run->createdAt = "2024-01-01T00:00:00Z";
    run->versions = {{"app", "test"}};
    return run;
}

// Images matching a clustered run (see the header comment for their content).
inline std::shared_ptr<data::DatasetSplits> makeSyntheticImages(const store::RunData& run)
{
    auto images = std::make_shared<data::DatasetSplits>();
    images->folder = "synthetic";
    auto fill = [](data::Dataset& d, const analysis::SubsetAnalysis& a, int subset) {
        d.count = a.sampleCount();
        d.rows = 28;
        d.cols = 28;
        d.classCount = a.classCount;
        d.labels.assign(a.labels.begin(), a.labels.end());
        d.images.resize(static_cast<size_t>(d.count) * 28 * 28);
        for (int i = 0; i < d.count; ++i)
            syntheticImage(a.labels[static_cast<size_t>(i)], i, subset,
                           d.images.data() + static_cast<size_t>(i) * 28 * 28);
    };
    fill(images->train, run.train, 0);
    fill(images->validation, run.validation, 1);
    return images;
}

} // namespace mnistx::test
