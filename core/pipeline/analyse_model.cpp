#include "core/pipeline/analyse_model.h"

#include "core/analysis/centroids.h"
#include "core/analysis/subset_metrics.h"

#include <cmath>
#include <string>

namespace mnistx::pipeline
{

namespace
{

// Inference batch size: large enough to amortise per-call overhead, small
// enough that activations stay in cache (one 10,000 batch was 5× slower).
constexpr int kInferenceBatch = 500;

// A model that returns NaN or ±∞ would make every figure after it NaN;
// name the first sample it happened on instead.
void checkFinite(const RowMatrixXf& m, const char* what, analysis::Subset which)
{
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j)))
                throw model::ModelError(std::string("the model returned ") +
                                        (std::isnan(m(i, j)) ? "NaN" : "an infinity") + " for " +
                                        analysis::subsetName(which) + " sample " +
                                        std::to_string(i) + " (" + what + " " + std::to_string(j) +
                                        "); the run is refused");
}

bool analyseSubset(const model::Classifier& model, const data::Dataset& d,
                   const analysis::ClassCentroids& centroids, analysis::Subset which,
                   analysis::SubsetAnalysis& out, double progressStart, double progressSpan,
                   const FractionCallback& progress, const std::atomic<bool>* cancel)
{
    out.subset = which;
    out.classCount = d.classCount;
    if (d.classCount > analysis::kMaxAnalysedClasses)
        throw std::invalid_argument("the analysis takes at most " +
                                    std::to_string(analysis::kMaxAnalysedClasses) +
                                    " classes, the data has " + std::to_string(d.classCount));
    out.labels.assign(d.labels.begin(), d.labels.end());
    out.sources = d.sources;
    bool completed = true;
    auto outputs = model.infer(
        d.images.data(), d.count, d.shape(), kInferenceBatch,
        [&](int done, int total) {
            if (progress)
                progress(progressStart + progressSpan * 0.95 * done / total);
            return !(cancel && cancel->load());
        },
        &completed);
    if (!completed)
        return false;
    checkFinite(outputs.logits, "logit", which);
    checkFinite(outputs.features, "feature", which);
    out.logits = std::move(outputs.logits);
    out.features = std::move(outputs.features);
    analysis::fillFromLogits(out);
    out.centroidDistances = analysis::distancesToCentroids(d, centroids);
    analysis::fillNearestCentroid(out);
    if (progress)
        progress(progressStart + progressSpan);
    return true;
}

} // namespace

AnalysisOutput analyseModel(const model::Classifier& model, const data::DatasetSplits& data,
                            int lossBins, const FractionCallback& progress,
                            const std::atomic<bool>* cancel)
{
    AnalysisOutput out;
    out.centroids = analysis::computeClassCentroids(data.train);
    const double trainShare = static_cast<double>(data.train.count) /
                              std::max(1, data.train.count + data.validation.count);
    if (!analyseSubset(model, data.train, out.centroids, analysis::Subset::Train, out.train, 0.0,
                       trainShare, progress, cancel) ||
        !analyseSubset(model, data.validation, out.centroids, analysis::Subset::Validation,
                       out.validation, trainShare, 1.0 - trainShare, progress, cancel))
        return {};
    analysis::computeLossDistanceBins(out.train, out.validation, lossBins);
    return out;
}

} // namespace mnistx::pipeline
