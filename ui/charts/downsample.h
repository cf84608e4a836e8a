#pragma once

#include <QList>
#include <QPointF>
#include <vector>

namespace mnistx::ui
{

// Reduces a curve sorted by x to at most maxPoints points for plotting,
// keeping its visual envelope: the points are split into maxPoints / 2
// consecutive buckets and each bucket contributes its lowest and highest
// point, in x order (a single loss spike survives, unlike with striding or
// averaging). The first and last points are always kept. Curves with at most
// maxPoints points are returned unchanged. O(n), no allocation beyond the
// result. maxPoints must be >= 4.
QList<QPointF> downsampleMinMax(const std::vector<QPointF>& points, int maxPoints);

} // namespace mnistx::ui
