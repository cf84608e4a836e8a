#pragma once

#include "core/util/matrix.h"
#include "ui/map/map_view.h"
#include "ui/map/spatial_grid.h"

#include <QPolygonF>
#include <QRectF>
#include <QVector>
#include <cstdint>
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
    void invalidate() { m_gridDirty = true; }

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

    std::shared_ptr<const RowMatrixXf> m_positions;
    std::vector<std::uint8_t> m_sizeBuckets;
    mutable SpatialGrid m_grid;
    mutable bool m_gridDirty = true;
};

} // namespace mnistx::ui
