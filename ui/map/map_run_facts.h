#pragma once

#include "core/store/run_data.h"
#include "ui/map/map_filter_state.h"

#include <QMetaType>
#include <QRectF>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace mnistx::ui
{

// What the population map derives from a run alone, whatever the colouring
// and the filters: the per-sample facts, the draw order, the dot sizes and
// the box the view fits. A pure function of the run: the worker that made
// or loaded a run computes it and hands it over with the run, so that a
// million-dot run does not stall the GUI thread for it when it opens (some
// 50 ms); PopulationMap computes it itself for a run that comes without.
// The hand-over is one way: the map takes (moves) the contents out, so
// nobody else may read a MapFactsPtr once it was given to the map.
struct MapRunFacts {
    // The run it describes: compared with the shown one, never read.
    const store::RunData* run = nullptr;
    MapFilterState::Samples samples;
    std::vector<int> drawOrder;            // MapFilterState::drawOrderOf of samples
    std::vector<std::uint8_t> sizeBuckets; // per sample, PopulationMap::sizeBucket
    QRectF bounds;                         // MapFit::boundsOf of the stored projection

    // Any thread.
    static std::shared_ptr<MapRunFacts> of(const store::RunData& run);

    // The samples' facts (ids: training samples, then validation ones).
    static MapFilterState::Samples samplesOf(const store::RunData& run);
    // Per class, the distances to the own centroid that get the smallest and
    // the largest dot in a run without scores: the class's median and 99th
    // percentile (mapstyle::sizeBucketForDistance).
    static std::vector<std::pair<float, float>>
    distanceSizeRanges(const std::vector<int>& labels, const std::vector<float>& distances,
                       int classCount);
};

using MapFactsPtr = std::shared_ptr<MapRunFacts>;

} // namespace mnistx::ui

Q_DECLARE_METATYPE(mnistx::ui::MapFactsPtr)
