#pragma once

#include <QPolygonF>
#include <QRectF>
#include <vector>

namespace mnistx::ui
{

// Point-in-polygon for lasso selection over many points. Gives exactly the
// answer of QPolygonF::containsPoint(p, Qt::OddEvenFill) (same crossing rule,
// same arithmetic), but visits only the edges that cross the point's
// horizontal band: O(edges / bands) per point instead of O(edges), so a
// 300-vertex lasso over a million dots stays interactive.
// Coordinates are whatever the caller uses (the map uses widget pixels).
class LassoPolygon
{
public:
    explicit LassoPolygon(const QPolygonF& polygon);

    bool contains(const QPointF& p) const;
    QRectF boundingRect() const { return m_bounds; }
    bool isEmpty() const { return m_edges.empty(); }

private:
    struct Edge {
        double x1, y1, y2, slope; // y1 < y2 after orientation; slope = dx/dy
    };
    int bandOf(double y) const;

    QRectF m_bounds;
    std::vector<Edge> m_edges;
    // Edges overlapping band b: m_bandEdges[m_bandStart[b] .. m_bandStart[b+1]).
    std::vector<int> m_bandStart;
    std::vector<int> m_bandEdges;
    double m_bandY0 = 0.0;
    double m_invBandHeight = 0.0;
    int m_bands = 0;
};

} // namespace mnistx::ui
