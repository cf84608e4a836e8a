#pragma once

#include "core/util/matrix.h"
#include "ui/map/map_view.h"

#include <QRectF>

namespace mnistx::ui
{

// What the population map's reset ("fit") view shows. GUI thread (plain
// functions of their arguments).
class MapFit
{
public:
    // The map-space box a reset view shows (normalised, y up) for N×2
    // row-major positions: every finite position, unless a few far outliers
    // would squeeze the rest into a corner (then they are left aside);
    // empty when no position is finite.
    static QRectF boundsOf(const RowMatrixXf& positions);
    // The view that shows bounds whole in plotRect (logical px), clear of
    // its edges by the largest dot; scale 1 when bounds is a point.
    static MapView fittedView(const QRectF& bounds, const QRectF& plotRect);
    // The view that brings box (map space) into area (logical px, inside
    // view.plotRect), centred: view's scale when box fits at it, else zoomed
    // out just far enough, never below minScale. fitted (the fitted view)
    // instead when that shows box in area without zooming in; *toFitted says
    // which.
    static MapView framingView(const QRectF& box, const MapView& view, const QRectF& area,
                               const MapView& fitted, double minScale, bool* toFitted);
};

} // namespace mnistx::ui
