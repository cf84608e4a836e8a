#include "ui/map/map_run_facts.h"

#include "ui/explorer_session.h"
#include "ui/map/map_fit.h"
#include "ui/map/map_style.h"

#include <algorithm>

namespace mnistx::ui
{

MapFilterState::Samples MapRunFacts::samplesOf(const store::RunData& run)
{
    MapFilterState::Samples samples;
    samples.classCount = run.train.classCount;
    for (int c = 0; c < samples.classCount; ++c)
        samples.classNames << QString::fromStdString(run.className(c));
    samples.scored = run.train.scored;
    const size_t n = static_cast<size_t>(run.train.sampleCount()) +
                     static_cast<size_t>(run.validation.sampleCount());
    samples.labels.reserve(n);
    samples.predictions.reserve(n);
    samples.inTraining.reserve(n);
    samples.losses.reserve(n);
    for (const analysis::SubsetAnalysis* a : {&run.train, &run.validation}) {
        const bool training = a == &run.train;
        for (int i = 0; i < a->sampleCount(); ++i) {
            const int label = a->labels[static_cast<size_t>(i)];
            samples.labels.push_back(label);
            samples.inTraining.push_back(training);
            if (samples.scored) {
                samples.predictions.push_back(a->predictions[static_cast<size_t>(i)]);
                samples.losses.push_back(a->losses[static_cast<size_t>(i)]);
            } else {
                samples.predictions.push_back(label);
                samples.losses.push_back(a->distanceToOwnCentroid(i));
            }
        }
    }
    return samples;
}

std::vector<std::pair<float, float>>
MapRunFacts::distanceSizeRanges(const std::vector<int>& labels, const std::vector<float>& distances,
                                int classCount)
{
    std::vector<std::vector<float>> byClass(static_cast<size_t>(std::max(classCount, 0)));
    for (size_t i = 0; i < labels.size() && i < distances.size(); ++i)
        if (labels[i] >= 0 && labels[i] < classCount)
            byClass[static_cast<size_t>(labels[i])].push_back(distances[i]);
    std::vector<std::pair<float, float>> out(byClass.size());
    for (size_t c = 0; c < byClass.size(); ++c) {
        std::vector<float>& v = byClass[c];
        if (v.empty())
            continue;
        const auto at = [&v](size_t percent) {
            const auto k = static_cast<std::ptrdiff_t>((v.size() - 1) * percent / 100);
            std::nth_element(v.begin(), v.begin() + k, v.end());
            return v[static_cast<size_t>(k)];
        };
        const float far = at(99);
        out[c] = {at(50), far};
    }
    return out;
}

std::shared_ptr<MapRunFacts> MapRunFacts::of(const store::RunData& run)
{
    auto facts = std::make_shared<MapRunFacts>();
    facts->run = &run;
    MapFilterState::Samples& samples = facts->samples;
    samples = samplesOf(run);
    facts->drawOrder =
        MapFilterState::drawOrderOf(samples.labels, samples.predictions, samples.losses);
    // Without scores, samples.losses are the distances to the own centroid.
    const std::vector<std::pair<float, float>> ranges =
        samples.scored ? std::vector<std::pair<float, float>>()
                       : distanceSizeRanges(samples.labels, samples.losses, samples.classCount);
    facts->sizeBuckets.resize(samples.losses.size());
    for (size_t id = 0; id < samples.losses.size(); ++id) {
        const float v = samples.losses[id];
        const auto c = static_cast<size_t>(samples.labels[id]);
        facts->sizeBuckets[id] = static_cast<std::uint8_t>(
            samples.scored ? mapstyle::sizeBucketForLoss(v)
                           : mapstyle::sizeBucketForDistance(v, ranges[c].first, ranges[c].second));
    }
    facts->bounds = MapFit::boundsOf(*ExplorerSession::storedPositions(run));
    return facts;
}

} // namespace mnistx::ui
