#pragma once

// A synthetic store::RunData with every field filled (random values from a
// seed, sizes consistent as saveRun requires), for the store and export
// tests and anything else that needs a complete run without training one,
// plus an exact field-by-field comparison. (clustered_run.h makes one whose
// values a UI test can predict, blob_run.h one whose features agree with its
// labels.)
//
// What the values are:
// - label of sample i of a subset: i % classCount; prediction: the label,
//   except every 7th sample, which is predicted (label + 1) % classCount.
// - logits, features, distances, projection: uniform random; probabilities
//   the softmax of the logits, loss −log p[label]; nearest centroid the
//   argmin of the distances; confusion, per-class figures, accuracy, mean
//   loss and loss-vs-distance bins computed from those.
// - history: `epochs` epochs of `batchesPerEpoch` batches; a sanity check,
//   stage timings, versions, model bytes (with zero bytes in them).
// - awkwardValues adds what a store must keep exactly although JSON cannot
//   hold it plainly: a NaN and an infinite batch loss, -0.0, a denormal, a
//   seed above 2^53, a data folder that is not valid UTF-8, quotes and
//   control characters in strings; class names and training sources with
//   commas, quotes, non-ASCII and non-UTF-8 bytes.

#include "core/store/run_data.h"
#include "synthetic_subset.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace mnistx::test
{

struct SyntheticRunOptions : SyntheticRunSize {
    int epochs = 3;
    int batchesPerEpoch = 4;
    int lossBins = 10;
    bool awkwardValues = false;
};

// Options for a run of these sizes, everything else at its default.
inline SyntheticRunOptions syntheticRunSized(int trainCount, int validationCount,
                                             int classCount = 10, int featureDim = 8)
{
    SyntheticRunOptions o;
    o.trainCount = trainCount;
    o.validationCount = validationCount;
    o.classCount = classCount;
    o.featureDim = featureDim;
    return o;
}

inline store::RunData makeSyntheticRun(const SyntheticRunOptions& o = {})
{
    store::RunData run;
    const int C = o.classCount;
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);

    run.config.epochs = o.epochs;
    run.config.batchSize = 32;
    run.config.learningRate = 0.0021;
    run.config.seed = o.awkwardValues ? std::numeric_limits<std::uint64_t>::max() : o.seed;
    run.config.threads = 2;
    run.config.trainLimit = o.trainCount;
    run.config.validationLimit = o.validationCount;

    long long seen = 0;
    for (int e = 0; e < o.epochs; ++e) {
        for (int b = 0; b < o.batchesPerEpoch; ++b) {
            training::BatchReport r;
            r.epoch = e;
            r.batch = b;
            r.batchesPerEpoch = o.batchesPerEpoch;
            seen += 32;
            r.samplesSeen = seen;
            r.loss = 2.3 * uniform(rng);
            r.runningLoss = 2.0 * uniform(rng);
            r.runningAccuracy = uniform(rng);
            r.learningRate = 1e-3 * uniform(rng);
            r.samplesPerSecond = 5000.0 * uniform(rng);
            r.elapsedSeconds = 0.1 * static_cast<double>(seen) / 32.0;
            r.etaSeconds = 10.0 * uniform(rng);
            run.history.batches.push_back(r);
        }
        training::EpochReport r;
        r.epoch = e;
        r.trainLoss = uniform(rng);
        r.trainAccuracy = uniform(rng);
        r.validationLoss = uniform(rng);
        r.validationAccuracy = uniform(rng);
        r.seconds = 3.0 + uniform(rng);
        run.history.epochs.push_back(r);
    }
    run.history.seconds = 12.5;
    if (o.awkwardValues && run.history.batches.size() >= 3) {
        run.history.batches[0].loss = std::numeric_limits<double>::quiet_NaN();
        run.history.batches[1].loss = std::numeric_limits<double>::infinity();
        run.history.batches[1].etaSeconds = -0.0;
        run.history.batches[2].learningRate = std::numeric_limits<double>::denorm_min();
    }

    run.sanity.sampleCount = 16;
    run.sanity.predictionCounts.assign(static_cast<std::size_t>(C), 0);
    for (int i = 0; i < run.sanity.sampleCount; ++i) {
        const int p = static_cast<int>(rng() % static_cast<std::uint64_t>(C));
        run.sanity.predictions.push_back(p);
        ++run.sanity.predictionCounts[static_cast<std::size_t>(p)];
        if (p == i % C)
            run.sanity.accuracy += 1.0 / run.sanity.sampleCount;
    }

    run.centroids.rows = 28;
    run.centroids.cols = 28;
    run.centroids.means.resize(C, 28 * 28);
    for (Eigen::Index k = 0; k < run.centroids.means.size(); ++k)
        run.centroids.means.data()[k] = uniform(rng);
    run.centroids.counts.assign(static_cast<std::size_t>(C), 0);

    auto fill = [&](analysis::SubsetAnalysis& a, analysis::Subset subset, int n,
                    RowMatrixXf& positions) {
        sizeSyntheticSubset(a, subset, n, C, o.featureDim, positions);
        for (int i = 0; i < n; ++i) {
            const auto k = static_cast<std::size_t>(i);
            const int label = i % C;
            const int prediction = i % 7 == 6 ? (label + 1) % C : label;
            a.labels[k] = static_cast<data::ClassLabel>(label);
            a.predictions[k] = static_cast<data::ClassLabel>(prediction);
            for (int c = 0; c < C; ++c)
                a.logits(i, c) = 4.0f * uniform(rng) - 2.0f;
            a.logits(i, prediction) += 8.0f; // makes it the argmax
            const float top = a.logits.row(i).maxCoeff();
            float sum = 0.0f;
            for (int c = 0; c < C; ++c)
                sum += std::exp(a.logits(i, c) - top);
            for (int c = 0; c < C; ++c)
                a.probabilities(i, c) = std::exp(a.logits(i, c) - top) / sum;
            a.losses[k] = -std::log(a.probabilities(i, label));
            for (int d = 0; d < o.featureDim; ++d)
                a.features(i, d) = uniform(rng);
            for (int c = 0; c < C; ++c)
                a.centroidDistances(i, c) = 4.0f + 6.0f * uniform(rng);
            Eigen::Index nearest = 0;
            a.centroidDistances.row(i).minCoeff(&nearest);
            a.nearestCentroid[k] = static_cast<data::ClassLabel>(nearest);
            positions(i, 0) = 40.0f * uniform(rng) - 20.0f;
            positions(i, 1) = 40.0f * uniform(rng) - 20.0f;
        }
        summariseSyntheticSubset(a);

        auto& b = a.lossVsDistance;
        b.minDistance = 4.0;
        b.maxDistance = 10.0;
        const int bins = o.lossBins;
        for (int k = 0; k <= bins; ++k)
            b.edges.push_back(b.minDistance + (b.maxDistance - b.minDistance) * k / bins);
        b.counts.assign(static_cast<std::size_t>(bins), 0);
        b.meanLoss.assign(static_cast<std::size_t>(bins), 0.0);
        b.stdError.assign(static_cast<std::size_t>(bins), 0.0);
        for (int i = 0; i < n; ++i) {
            const double d = a.distanceToOwnCentroid(i);
            const int k = std::clamp(
                static_cast<int>((d - b.minDistance) / (b.maxDistance - b.minDistance) * bins), 0,
                bins - 1);
            ++b.counts[static_cast<std::size_t>(k)];
            b.meanLoss[static_cast<std::size_t>(k)] += a.losses[static_cast<std::size_t>(i)];
        }
        for (int k = 0; k < bins; ++k) {
            const auto count = b.counts[static_cast<std::size_t>(k)];
            if (count > 0)
                b.meanLoss[static_cast<std::size_t>(k)] /= static_cast<double>(count);
            if (count > 1)
                b.stdError[static_cast<std::size_t>(k)] = 0.1 * uniform(rng);
        }
    };
    fill(run.train, analysis::Subset::Train, o.trainCount, run.projection.train);
    fill(run.validation, analysis::Subset::Validation, o.validationCount,
         run.projection.validation);
    for (const std::uint8_t label : run.train.labels)
        ++run.centroids.counts[label];

    run.projection.method = "tsne";
    run.projection.parameters = {{"perplexity", 30.0}, {"iterations", 500.0}, {"seed", 1.0}};
    run.projection.knnAccuracy = 0.93;
    run.projection.trustworthiness = 0.971;
    run.projection.seconds = 4.25;

    static const char kModelStart[] = "PK\x03\x04\0\0model";
    run.modelBytes.assign(kModelStart, sizeof kModelStart - 1);
    for (int k = 0; k < 300; ++k)
        run.modelBytes += static_cast<char>(rng() & 0xFF);
    run.dataFolder =
        o.awkwardValues ? std::string("/data/mnist-\xe9t\xe9 \"q\"\n\x01") : "/data/mnist";
    run.trainCount = 60000;
    run.validationCount = 10000;
    if (o.awkwardValues) {
        // Names and paths as users have them: commas, quotes, non-ASCII,
        // bytes that are not UTF-8, a line break.
        run.datasetFormat = "image folders";
        for (int c = 0; c < o.classCount; ++c)
            run.classNames.push_back(c == 0   ? std::string("T-shirt/top, \"v\"")
                                     : c == 1 ? std::string("caf\xc3\xa9 \xe9\n")
                                              : "class " + std::to_string(c));
        for (int i = 0; i < run.train.sampleCount(); ++i)
            run.train.sources.push_back("train/" +
                                        run.classNames[run.train.labels[i] % 2 == 0 ? 0 : 2] + "/" +
                                        std::to_string(i) + ".png");
    }
    run.stageSeconds = {
        {"load", 0.4}, {"sanity", 0.05}, {"train", 12.5}, {"analyse", 1.5}, {"project", 4.3}};
    run.versions = {{"app", "0.1.0"},
                    {"libtorch", "2.3.0"},
                    {"eigen", "3.4.0"},
                    {"compiler", o.awkwardValues ? "gcc \"12\"\t\\" : "12.2.0"}};
    run.createdAt = "2024-05-01T12:00:00Z";
    run.peakMemoryBytes = 1234567890LL;
    return run;
}

namespace detail
{

// Bitwise, so that NaN equals NaN and -0.0 differs from 0.0.
inline bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

template <typename Matrix> bool sameMatrix(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           (a.size() == 0 ||
            std::memcmp(a.data(), b.data(), sizeof(typename Matrix::Scalar) * a.size()) == 0);
}

inline bool sameDoubles(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t k = 0; k < a.size(); ++k)
        if (!sameBits(a[k], b[k]))
            return false;
    return true;
}

inline std::string subsetDifference(const analysis::SubsetAnalysis& a,
                                    const analysis::SubsetAnalysis& b, const std::string& name)
{
    if (a.subset != b.subset)
        return name + ".subset";
    if (a.classCount != b.classCount)
        return name + ".classCount";
    if (a.labels != b.labels)
        return name + ".labels";
    if (a.predictions != b.predictions)
        return name + ".predictions";
    if (a.losses.size() != b.losses.size() ||
        (!a.losses.empty() &&
         std::memcmp(a.losses.data(), b.losses.data(), a.losses.size() * sizeof(float)) != 0))
        return name + ".losses";
    if (!sameMatrix(a.logits, b.logits))
        return name + ".logits";
    if (!sameMatrix(a.probabilities, b.probabilities))
        return name + ".probabilities";
    if (!sameMatrix(a.features, b.features))
        return name + ".features";
    if (!sameMatrix(a.centroidDistances, b.centroidDistances))
        return name + ".centroidDistances";
    if (a.nearestCentroid != b.nearestCentroid)
        return name + ".nearestCentroid";
    if (a.sources != b.sources)
        return name + ".sources";
    if (!sameMatrix(a.confusion, b.confusion))
        return name + ".confusion";
    if (a.perClass.size() != b.perClass.size())
        return name + ".perClass";
    for (std::size_t k = 0; k < a.perClass.size(); ++k) {
        const auto& x = a.perClass[k];
        const auto& y = b.perClass[k];
        if (x.count != y.count || x.correct != y.correct || !sameBits(x.accuracy, y.accuracy) ||
            !sameBits(x.meanLoss, y.meanLoss))
            return name + ".perClass[" + std::to_string(k) + "]";
    }
    if (!sameBits(a.accuracy, b.accuracy))
        return name + ".accuracy";
    if (!sameBits(a.meanLoss, b.meanLoss))
        return name + ".meanLoss";
    const auto& x = a.lossVsDistance;
    const auto& y = b.lossVsDistance;
    if (!sameBits(x.minDistance, y.minDistance) || !sameBits(x.maxDistance, y.maxDistance) ||
        !sameDoubles(x.edges, y.edges) || !sameDoubles(x.meanLoss, y.meanLoss) ||
        !sameDoubles(x.stdError, y.stdError) || x.counts != y.counts)
        return name + ".lossVsDistance";
    return {};
}

} // namespace detail

// Empty when a and b hold the same values in every field (doubles and
// floats compared bit for bit), else the name of the first field that
// differs ("validation.features").
inline std::string runDifference(const store::RunData& a, const store::RunData& b)
{
    using detail::sameBits;
    const auto& c = a.config;
    const auto& d = b.config;
    if (c.architecture != d.architecture || c.epochs != d.epochs || c.batchSize != d.batchSize ||
        !sameBits(c.learningRate, d.learningRate) || c.schedule != d.schedule || c.seed != d.seed ||
        c.threads != d.threads || c.trainLimit != d.trainLimit ||
        c.validationLimit != d.validationLimit)
        return "config";
    if (a.history.cancelled != b.history.cancelled ||
        !sameBits(a.history.seconds, b.history.seconds))
        return "history";
    if (a.history.batches.size() != b.history.batches.size())
        return "history.batches.size";
    for (std::size_t k = 0; k < a.history.batches.size(); ++k) {
        const auto& x = a.history.batches[k];
        const auto& y = b.history.batches[k];
        if (x.epoch != y.epoch || x.batch != y.batch || x.batchesPerEpoch != y.batchesPerEpoch ||
            x.samplesSeen != y.samplesSeen || !sameBits(x.loss, y.loss) ||
            !sameBits(x.runningLoss, y.runningLoss) ||
            !sameBits(x.runningAccuracy, y.runningAccuracy) ||
            !sameBits(x.learningRate, y.learningRate) ||
            !sameBits(x.samplesPerSecond, y.samplesPerSecond) ||
            !sameBits(x.elapsedSeconds, y.elapsedSeconds) || !sameBits(x.etaSeconds, y.etaSeconds))
            return "history.batches[" + std::to_string(k) + "]";
    }
    if (a.history.epochs.size() != b.history.epochs.size())
        return "history.epochs.size";
    for (std::size_t k = 0; k < a.history.epochs.size(); ++k) {
        const auto& x = a.history.epochs[k];
        const auto& y = b.history.epochs[k];
        if (x.epoch != y.epoch || !sameBits(x.trainLoss, y.trainLoss) ||
            !sameBits(x.trainAccuracy, y.trainAccuracy) ||
            !sameBits(x.validationLoss, y.validationLoss) ||
            !sameBits(x.validationAccuracy, y.validationAccuracy) ||
            !sameBits(x.seconds, y.seconds))
            return "history.epochs[" + std::to_string(k) + "]";
    }
    if (a.sanity.sampleCount != b.sanity.sampleCount ||
        !sameBits(a.sanity.accuracy, b.sanity.accuracy) ||
        a.sanity.predictions != b.sanity.predictions ||
        a.sanity.predictionCounts != b.sanity.predictionCounts)
        return "sanity";
    if (a.centroids.rows != b.centroids.rows || a.centroids.cols != b.centroids.cols ||
        !detail::sameMatrix(a.centroids.means, b.centroids.means) ||
        a.centroids.counts != b.centroids.counts)
        return "centroids";
    for (const std::string& difference :
         {detail::subsetDifference(a.train, b.train, "train"),
          detail::subsetDifference(a.validation, b.validation, "validation")})
        if (!difference.empty())
            return difference;
    const auto& p = a.projection;
    const auto& q = b.projection;
    if (p.method != q.method || !detail::sameMatrix(p.train, q.train) ||
        !detail::sameMatrix(p.validation, q.validation) ||
        p.parameters.size() != q.parameters.size() ||
        !std::equal(p.parameters.begin(), p.parameters.end(), q.parameters.begin(),
                    [](const auto& x, const auto& y) {
                        return x.first == y.first && sameBits(x.second, y.second);
                    }) ||
        !sameBits(p.knnAccuracy, q.knnAccuracy) ||
        !sameBits(p.trustworthiness, q.trustworthiness) || !sameBits(p.seconds, q.seconds))
        return "projection";
    if (a.modelBytes != b.modelBytes)
        return "modelBytes";
    if (a.dataFolder != b.dataFolder || a.trainCount != b.trainCount ||
        a.validationCount != b.validationCount)
        return "dataFolder/counts";
    if (a.datasetFormat != b.datasetFormat || a.classNames != b.classNames)
        return "datasetFormat/classNames";
    if (a.stageSeconds.size() != b.stageSeconds.size() ||
        !std::equal(a.stageSeconds.begin(), a.stageSeconds.end(), b.stageSeconds.begin(),
                    [](const auto& x, const auto& y) {
                        return x.first == y.first && sameBits(x.second, y.second);
                    }))
        return "stageSeconds";
    if (a.versions != b.versions)
        return "versions";
    if (a.createdAt != b.createdAt)
        return "createdAt";
    if (a.peakMemoryBytes != b.peakMemoryBytes)
        return "peakMemoryBytes";
    return {};
}

} // namespace mnistx::test
