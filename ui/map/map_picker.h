#pragma once

#include "core/util/matrix.h"
#include "ui/map/map_view.h"
#include "ui/map/spatial_grid.h"

#include <QPolygonF>
#include <QRectF>
#include <QVector>
#include <cstdint>
#include <future>
#include <memory>
#include <vector>

namespace mnistx::ui
{

class MapFilterState;

// Which of the population map's dots lie under the cursor or inside a
// rectangle or lasso, through a SpatialGrid over map space built lazily
// from the positions and the state's draw order. Every query honours the
// filters (MapFilterState::shownFlags) and takes the view it is asked in;
// coordinates are widget logical pixels. GUI thread only.
class MapPicker
{
public:
    // The layout snapshot drawn (N×2 row-major map space; null: none) and
    // each sample's mapstyle size bucket (N long). Rebuild the index.
    void setPositions(std::shared_ptr<const RowMatrixXf> positions);
    void setSizeBuckets(std::vector<std::uint8_t> sizeBuckets);
    // The draw order changed (a new run): rebuild the index.
    void invalidate()
    {
        m_gridDirty = true;
        ++m_generation;
    }
    // Starts building the index on a thread of its own (a million dots:
    // ~100 ms, which the first hover paid on the GUI thread); the first query
    // takes it over, waiting for the rest of the build if need be. Call after
    // the positions and draw order are set.
    void prepare(const MapFilterState& state);

    // The dot the user sees at widgetPos: of the dots whose drawn disc
    // contains it, the one painted last (on top: current's marker, then
    // errors above correct dots, larger losses above smaller); only when no
    // disc contains it, the dot whose edge is nearest within
    // mapstyle::kPickSlack; else -1. current (-1: none) counts while its
    // marker is drawn, even when filters hide it.
    int pickAt(const QPointF& widgetPos, const MapView& view, const MapFilterState& state,
               int current) const;
    // Shown samples whose dot centre lies in the rectangle / polygon
    // (QPolygonF::containsPoint odd-even rule), ascending ids.
    QVector<int> samplesInRect(const QRectF& widgetRect, const MapView& view,
                               const MapFilterState& state) const;
    QVector<int> samplesInPolygon(const QPolygonF& widgetPolygon, const MapView& view,
                                  const MapFilterState& state) const;

private:
    void ensureGrid(const MapFilterState& state) const;
    // Shown samples in the grid cells under widgetBounds whose dot centre
    // (widget px) satisfies inside, ascending ids.
    template <typename Inside>
    QVector<int> samplesInside(const QRectF& widgetBounds, const MapView& view,
                               const MapFilterState& state, Inside&& inside) const;

    std::shared_ptr<const RowMatrixXf> m_positions;
    std::vector<std::uint8_t> m_sizeBuckets;
    mutable SpatialGrid m_grid;
    mutable bool m_gridDirty = true;
    // Bumped by every change the index depends on; a background build for
    // an older generation is dropped.
    std::uint64_t m_generation = 0;
    mutable std::future<SpatialGrid> m_building;
    mutable std::uint64_t m_buildingGeneration = 0;
};

} // namespace mnistx::ui
