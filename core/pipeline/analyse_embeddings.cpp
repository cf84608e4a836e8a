#include "core/pipeline/analyse_embeddings.h"

#include "core/analysis/centroids.h"
#include "core/analysis/subset_metrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mnistx::pipeline
{

namespace
{

// Probabilities of exactly 0 would make the loss infinite; the smallest
// positive float32 probability a softmax gives is about 1e-45, so 1e-30
// changes nothing a float32 model could have said (loss ≤ 69 nats).
constexpr float kSmallestProbability = 1e-30f;

data::Dataset imagesOf(const data::EmbeddingSet& set, const data::EmbeddingSplit& split)
{
    data::Dataset d;
    d.count = split.count();
    d.rows = set.imageShape.rows;
    d.cols = set.imageShape.cols;
    d.channels = set.imageShape.channels;
    d.classCount = set.classCount;
    d.images = split.images;
    d.labels = split.labels;
    return d;
}

void analyseSplit(const data::EmbeddingSet& set, const data::EmbeddingSplit& split,
                  analysis::Subset which, const analysis::ClassCentroids& centroids,
                  bool featureSpace, analysis::SubsetAnalysis& out)
{
    out.subset = which;
    out.classCount = set.classCount;
    out.labels = split.labels;
    out.features = split.features;
    if (split.empty()) // keep the columns: the store and the views expect them
        out.features.resize(0, set.featureDim);
    if (set.scores == data::EmbeddingScores::None) {
        analysis::fillUnscored(out);
    } else if (split.empty()) {
        out.logits.resize(0, set.classCount);
    } else if (set.scores == data::EmbeddingScores::Logits) {
        out.logits = split.scores;
    } else {
        out.logits = split.scores.unaryExpr(
            [](float p) { return std::log(std::max(p, kSmallestProbability)); });
    }
    if (out.scored)
        analysis::fillFromLogits(out);
    out.centroidDistances = featureSpace
                                ? analysis::featureDistances(out.features, centroids)
                                : analysis::distancesToCentroids(imagesOf(set, split), centroids);
    analysis::fillNearestCentroid(out);
}

} // namespace

AnalysisOutput analyseEmbeddings(const data::EmbeddingSet& set, int lossBins, bool* featureSpace)
{
    const bool inFeatureSpace = !set.hasImages;
    if (featureSpace)
        *featureSpace = inFeatureSpace;
    const data::EmbeddingSplit& source = set.train.empty() ? set.validation : set.train;
    AnalysisOutput out;
    out.centroids = inFeatureSpace
                        ? analysis::featureCentroids(source.features, source.labels, set.classCount)
                        : analysis::computeClassCentroids(imagesOf(set, source));
    analyseSplit(set, set.train, analysis::Subset::Train, out.centroids, inFeatureSpace, out.train);
    analyseSplit(set, set.validation, analysis::Subset::Validation, out.centroids, inFeatureSpace,
                 out.validation);
    analysis::computeLossDistanceBins(out.train, out.validation, lossBins);
    return out;
}

} // namespace mnistx::pipeline
