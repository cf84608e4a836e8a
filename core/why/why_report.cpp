#include "core/why/why_report.h"

#include "core/data/dataset_folder.h"
#include "core/projection/knn_graph.h"
#include "core/why/feature_index.h"
#include "core/why/insights.h"
#include "core/why/label_errors.h"
#include "core/why/sample_metadata.h"

#include <chrono>
#include <optional>

namespace mnistx::why
{

WhyReportSummary writeWhyReport(const store::RunData& run, const std::string& dir,
                                const data::DatasetSplits* images)
{
    const auto start = std::chrono::steady_clock::now();
    WhyReportSummary summary;

    std::vector<LabelCandidate> candidates;
    const int n = run.train.sampleCount() + run.validation.sampleCount();
    const int k = LabelErrorConfig{}.neighbours;
    const auto& projected = run.projection.neighbours;
    if (projected && projected->n == n && projected->k >= k) {
        // The projection's kNN graph is over the same features, in the same
        // order: its first k neighbours are the vote's (the ranking reads
        // the first LabelErrorConfig::neighbours columns; at a million points,
        // searching again took three minutes).
        NeighbourGraph graph;
        graph.n = n;
        graph.k = projected->k;
        graph.ids = projected->indices;
        graph.distances = projected->distances;
        candidates = rankLabelCandidates(run, graph);
    } else if (n >= 2) {
        const FeatureIndex index(run.train.features, run.validation.features);
        candidates = rankLabelCandidates(run, index);
    }
    writeLabelCandidatesCsv(candidates, dir + "/label_candidates.csv");
    summary.candidates = static_cast<int>(candidates.size());
    summary.candidateList =
        std::make_shared<const std::vector<LabelCandidate>>(std::move(candidates));

    std::optional<data::DatasetSplits> loaded;
    if (!images && !run.dataFolder.empty()) {
        try {
            loaded = data::loadDataset(run.dataFolder);
            images = &*loaded;
        } catch (const std::exception&) {
            images = nullptr; // ink is optional: the rest needs no pixels
        }
    }
    summary.haveInk = images && images->train.count >= run.train.sampleCount() &&
                      images->validation.count >= run.validation.sampleCount();
    auto metadata = [&](const analysis::SubsetAnalysis& subset, const data::Dataset* set) {
        SubsetMetadata m = summary.haveInk
                               ? computeMetadata(subset, set->image(0), set->valuesPerImage())
                               : computeMetadata(subset);
        m.classNames = run.classNames;
        if (summary.haveInk)
            addUserFields(m, images->metadata);
        return m;
    };
    const SubsetMetadata train = metadata(run.train, images ? &images->train : nullptr);
    const SubsetMetadata validation =
        metadata(run.validation, images ? &images->validation : nullptr);
    auto insights =
        std::make_shared<const std::vector<Insight>>(findRunInsights(run, train, validation));
    writeInsightsJson(*insights, dir + "/insights.json");
    summary.insights = static_cast<int>(insights->size());
    summary.insightList = std::move(insights);

    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace mnistx::why
