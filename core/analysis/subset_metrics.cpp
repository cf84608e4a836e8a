#include "core/analysis/subset_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace mnistx::analysis
{

namespace
{

// The label of sample i; throws std::invalid_argument when it is not one of
// the classes.
int checkedLabel(const SubsetAnalysis& a, int i, int classes)
{
    const int label = a.labels[static_cast<std::size_t>(i)];
    if (label >= classes)
        throw std::invalid_argument("label " + std::to_string(label) + " of sample " +
                                    std::to_string(i) + " is outside the " +
                                    std::to_string(classes) + " classes");
    return label;
}

} // namespace

void fillFromLogits(SubsetAnalysis& a)
{
    const int n = static_cast<int>(a.labels.size());
    const int classes = static_cast<int>(a.logits.cols());
    if (a.logits.rows() != n)
        throw std::invalid_argument("logits have " + std::to_string(a.logits.rows()) +
                                    " rows for " + std::to_string(n) + " labels");
    if (classes < 1)
        throw std::invalid_argument("logits have no classes");
    a.classCount = classes;
    a.probabilities.resize(n, classes);
    a.predictions.assign(static_cast<std::size_t>(n), 0);
    a.losses.assign(static_cast<std::size_t>(n), 0.0f);
    a.confusion = MatrixXi64::Zero(classes, classes);
    std::vector<double> lossSums(static_cast<std::size_t>(classes), 0.0);
    double totalLoss = 0.0;
    long long correct = 0;
    for (int i = 0; i < n; ++i) {
        const int label = checkedLabel(a, i, classes);
        const float* z = a.logits.row(i).data();
        int best = 0;
        for (int c = 1; c < classes; ++c)
            if (z[c] > z[best])
                best = c;
        // Softmax and loss relative to the largest logit: never overflows.
        double sum = 0.0;
        for (int c = 0; c < classes; ++c)
            sum += std::exp(double(z[c]) - z[best]);
        for (int c = 0; c < classes; ++c)
            a.probabilities(i, c) = static_cast<float>(std::exp(double(z[c]) - z[best]) / sum);
        const double loss = std::log(sum) + z[best] - z[label];
        a.predictions[static_cast<std::size_t>(i)] = static_cast<data::ClassLabel>(best);
        a.losses[static_cast<std::size_t>(i)] = static_cast<float>(loss);
        ++a.confusion(label, best);
        lossSums[static_cast<std::size_t>(label)] += loss;
        totalLoss += loss;
        correct += (best == label);
    }
    a.perClass.assign(static_cast<std::size_t>(classes), ClassStats{});
    for (int c = 0; c < classes; ++c) {
        ClassStats& s = a.perClass[static_cast<std::size_t>(c)];
        s.count = a.confusion.row(c).sum();
        s.correct = a.confusion(c, c);
        s.accuracy = s.count > 0 ? double(s.correct) / s.count : 0.0;
        s.meanLoss = s.count > 0 ? lossSums[static_cast<std::size_t>(c)] / s.count : 0.0;
    }
    a.accuracy = n > 0 ? double(correct) / n : 0.0;
    a.meanLoss = n > 0 ? totalLoss / n : 0.0;
}

void fillUnscored(SubsetAnalysis& a)
{
    const int n = a.sampleCount();
    const int classes = a.classCount;
    if (classes < 1)
        throw std::invalid_argument("a subset without scores still needs its class count");
    std::vector<ClassStats> perClass(static_cast<std::size_t>(classes));
    for (int i = 0; i < n; ++i)
        ++perClass[static_cast<std::size_t>(checkedLabel(a, i, classes))].count;
    a.scored = false;
    a.predictions.clear();
    a.losses.clear();
    a.logits.resize(n, 0);
    a.probabilities.resize(n, 0);
    a.confusion = MatrixXi64::Zero(classes, classes);
    a.perClass = std::move(perClass);
    a.accuracy = 0.0;
    a.meanLoss = 0.0;
}

void fillNearestCentroid(SubsetAnalysis& a)
{
    const Eigen::Index n = a.centroidDistances.rows();
    a.nearestCentroid.assign(static_cast<std::size_t>(n), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
        Eigen::Index best = 0;
        a.centroidDistances.row(i).minCoeff(&best);
        a.nearestCentroid[static_cast<std::size_t>(i)] = static_cast<data::ClassLabel>(best);
    }
}

LossDistanceBins lossDistanceBins(const SubsetAnalysis& a, double minDistance, double maxDistance,
                                  int binCount)
{
    if (binCount < 1)
        throw std::invalid_argument("the loss-vs-distance chart needs at least one bin (got " +
                                    std::to_string(binCount) + ")");
    if (!(maxDistance >= minDistance))
        throw std::invalid_argument("loss-vs-distance range is empty");
    LossDistanceBins b;
    b.minDistance = minDistance;
    b.maxDistance = maxDistance;
    const double width = (maxDistance - minDistance) / binCount;
    b.edges.resize(static_cast<std::size_t>(binCount) + 1);
    for (int k = 0; k <= binCount; ++k)
        b.edges[static_cast<std::size_t>(k)] = minDistance + width * k;
    b.edges.back() = maxDistance;
    b.counts.assign(static_cast<std::size_t>(binCount), 0);
    b.meanLoss.assign(static_cast<std::size_t>(binCount), 0.0);
    b.stdError.assign(static_cast<std::size_t>(binCount), 0.0);
    std::vector<double> sumSquares(static_cast<std::size_t>(binCount), 0.0);
    const bool haveDistances =
        a.centroidDistances.rows() == a.sampleCount() && a.centroidDistances.cols() > 0;
    if (!haveDistances || a.losses.size() != a.labels.size())
        return b;
    for (int i = 0; i < a.sampleCount(); ++i) {
        const double d = a.distanceToOwnCentroid(i);
        int k = width > 0 ? static_cast<int>(std::floor((d - minDistance) / width)) : 0;
        k = std::clamp(k, 0, binCount - 1);
        const double loss = a.losses[static_cast<std::size_t>(i)];
        ++b.counts[static_cast<std::size_t>(k)];
        b.meanLoss[static_cast<std::size_t>(k)] += loss;
        sumSquares[static_cast<std::size_t>(k)] += loss * loss;
    }
    for (int k = 0; k < binCount; ++k) {
        const auto idx = static_cast<std::size_t>(k);
        const long long n = b.counts[idx];
        if (n == 0)
            continue;
        const double mean = b.meanLoss[idx] / n;
        b.meanLoss[idx] = mean;
        if (n >= 2) {
            const double variance = std::max(0.0, (sumSquares[idx] - n * mean * mean) / (n - 1));
            b.stdError[idx] = std::sqrt(variance / n);
        }
    }
    return b;
}

void computeLossDistanceBins(SubsetAnalysis& train, SubsetAnalysis& validation, int binCount)
{
    if (binCount < 1)
        throw std::invalid_argument("the loss-vs-distance chart needs at least one bin (got " +
                                    std::to_string(binCount) + ")");
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const SubsetAnalysis* a : {&train, &validation}) {
        if (a->centroidDistances.rows() != a->sampleCount())
            continue;
        for (int i = 0; i < a->sampleCount(); ++i) {
            const double d = a->distanceToOwnCentroid(i);
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
    }
    if (!(hi >= lo))
        lo = hi = 0.0;
    if (!train.scored || !validation.scored) {
        train.lossVsDistance = {};
        validation.lossVsDistance = {};
        return;
    }
    train.lossVsDistance = lossDistanceBins(train, lo, hi, binCount);
    validation.lossVsDistance = lossDistanceBins(validation, lo, hi, binCount);
}

} // namespace mnistx::analysis
