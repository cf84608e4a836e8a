#include "core/why/why_report.h"

#include "core/data/dataset_folder.h"
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
    if (run.train.sampleCount() + run.validation.sampleCount() >= 2) {
        const FeatureIndex index(run.train.features, run.validation.features);
        candidates = rankLabelCandidates(run, index);
    }
    writeLabelCandidatesCsv(candidates, dir + "/label_candidates.csv");
    summary.candidates = static_cast<int>(candidates.size());

    std::optional<data::DatasetSplits> loaded;
    if (!images && !run.dataFolder.empty()) {
        try {
            loaded = data::loadDataset(run.dataFolder);
            images = &*loaded;
        } catch (const std::exception&) {
            images = nullptr; // ink is optional: the rest needs no pixels
        }
    }
    auto pixels = [&](const data::Dataset& set, int count) -> const std::uint8_t* {
        return images && set.count >= count && set.valuesPerImage() == 28 * 28 ? set.image(0)
                                                                               : nullptr;
    };
    const std::uint8_t* trainPixels =
        images ? pixels(images->train, run.train.sampleCount()) : nullptr;
    const std::uint8_t* validationPixels =
        images ? pixels(images->validation, run.validation.sampleCount()) : nullptr;
    summary.haveInk = trainPixels && validationPixels;
    const SubsetMetadata train =
        computeMetadata(run.train, summary.haveInk ? trainPixels : nullptr);
    const SubsetMetadata validation =
        computeMetadata(run.validation, summary.haveInk ? validationPixels : nullptr);
    const std::vector<Insight> insights = findRunInsights(run, train, validation);
    writeInsightsJson(insights, dir + "/insights.json");
    summary.insights = static_cast<int>(insights.size());

    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace mnistx::why
