#pragma once
// Automatic insights: the groups of samples where the model is weakest, found
// without being asked, each as one sentence with its numbers and its samples.

#include "core/analysis/analysis_types.h"
#include "core/store/run_data.h"
#include "core/why/sample_metadata.h"
#include "core/why/why_progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::why
{

enum class InsightKind : int {
    FeatureCluster = 0, // a k-means cluster of the penultimate-layer features
    ConfusionPair,      // samples of one ground truth predicted as one other class
    MetadataGroup,      // one value (or quantile bin) of a metadata field
};
const char*
insightKindName(InsightKind kind); // "feature_cluster", "confusion_pair", "metadata_group"

struct Insight {
    InsightKind kind = InsightKind::FeatureCluster;
    analysis::Subset subset = analysis::Subset::Validation;
    // A short name of the group for a list: what it is, its size and error
    // rate, e.g. "4s and 9s near the 4/9 border · 312 samples · 18 % wrong",
    // "5s predicted as 6 · 42 samples · 100 % wrong", "ink 0.31–0.36 ·
    // 1,000 samples · 4.1 % wrong" (English, UTF-8).
    std::string title;
    std::string sentence;        // one English sentence with the numbers, for the user
    std::vector<int> samples;    // indices within the subset, ascending (what "select" selects)
    double meanLoss = 0.0;       // of the group, nats
    double subsetMeanLoss = 0.0; // of the whole subset, nats
    double errorRate = 0.0;      // share of the group misclassified
    // Share of the subset's total loss that the group carries beyond the
    // subset's mean: count·(meanLoss − subsetMeanLoss) / (N·subsetMeanLoss).
    // Insights are ranked by it (a large group a little worse and a small one
    // far worse can both matter).
    double excessLossShare = 0.0;
    // Kind-specific: cluster id, or (label, prediction), or (field, group).
    int first = -1;
    int second = -1;
};

struct InsightConfig {
    int clusters = 40;         // k-means k: ~4 per class, groups of a few hundred samples
    int kmeansIterations = 25; // Lloyd iterations; assignments settle in ~15 on MNIST features
    std::uint64_t seed = 1;    // k-means++ seeding
    double minLossRatio = 2.0; // a cluster / metadata group is weak at ≥ 2× the subset's mean loss
    int minGroupSize = 20;     // fewer samples are anecdotes, not groups
    int maxConfusionPairs = 5;   // the pairs accounting for most errors, at most this many
    double confusionCover = 0.5; // ... until they cover this share of the errors
    int minPairErrors = 3;       // a pair needs at least this many errors
    int bins = 10;               // quantile bins of continuous metadata
    int maxPerSubset = 12;       // insights kept per subset, best first
};

// Insights of one subset, best first (by excessLossShare). metadata must
// belong to `analysis` (same samples). Pure function; any thread. ~0.5 s for
// 60,000 samples (the k-means). progress is asked on the calling thread
// between blocks of a few milliseconds; Cancelled is thrown when it says stop.
// None for an unscored subset: the insights rank groups by their loss.
std::vector<Insight> findInsights(const analysis::SubsetAnalysis& analysis,
                                  const SubsetMetadata& metadata, const InsightConfig& config = {},
                                  const WhyProgress& progress = {});

// Validation insights first, then training ones.
std::vector<Insight> findRunInsights(const store::RunData& run, const SubsetMetadata& train,
                                     const SubsetMetadata& validation,
                                     const InsightConfig& config = {},
                                     const WhyProgress& progress = {});

// {"format":"mnistx-insights","version":1,"insights":[{"kind":..,"subset":..,
// "title":..,"sentence":..,"count":..,"mean_loss":..,"subset_mean_loss":..,"error_rate":..,
// "excess_loss_share":..,"samples":[..]}, ...]}, pretty-printed, ending in a
// newline. Pure function; any thread.
std::string insightsJson(const std::vector<Insight>& insights);
// Atomically; throws store::StoreError naming the path.
void writeInsightsJson(const std::vector<Insight>& insights, const std::string& path);

// Assigns every row of `features` (N × D) to one of `clusters` k-means
// clusters (k-means++ seeding from `seed`, then Lloyd). Returns N cluster ids
// in [0, clusters); deterministic for a seed. clusters is clamped to N.
// progress: as for findInsights.
std::vector<int> kMeansClusters(const RowMatrixXf& features, int clusters, int iterations,
                                std::uint64_t seed, const WhyProgress& progress = {});

} // namespace mnistx::why
