#include "ui/charts/downsample.h"

#include <algorithm>

namespace mnistx::ui
{

QList<QPointF> downsampleMinMax(const std::vector<QPointF>& points, int maxPoints)
{
    const int n = static_cast<int>(points.size());
    QList<QPointF> out;
    if (n <= maxPoints) {
        out.reserve(n);
        for (const QPointF& p : points)
            out.append(p);
        return out;
    }
    maxPoints = std::max(maxPoints, 4);
    // First and last point are kept as they are; the rest goes into buckets
    // of two points each.
    const int buckets = (maxPoints - 2) / 2;
    const int inner = n - 2;
    out.reserve(maxPoints);
    out.append(points.front());
    for (int b = 0; b < buckets; ++b) {
        const int begin = 1 + static_cast<int>(static_cast<long long>(inner) * b / buckets);
        const int end = 1 + static_cast<int>(static_cast<long long>(inner) * (b + 1) / buckets);
        if (begin >= end)
            continue;
        int lo = begin, hi = begin;
        for (int i = begin + 1; i < end; ++i) {
            if (points[i].y() < points[lo].y())
                lo = i;
            if (points[i].y() > points[hi].y())
                hi = i;
        }
        out.append(points[std::min(lo, hi)]);
        if (lo != hi)
            out.append(points[std::max(lo, hi)]);
    }
    out.append(points.back());
    return out;
}

} // namespace mnistx::ui
