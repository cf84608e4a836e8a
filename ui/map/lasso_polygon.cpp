#include "ui/map/lasso_polygon.h"

#include <QtGlobal>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

LassoPolygon::LassoPolygon(const QPolygonF& polygon)
{
    if (polygon.size() < 3)
        return;
    m_bounds = polygon.boundingRect();

    // Edges as QPolygonF::containsPoint walks them: consecutive vertices, then
    // the implicit closing edge; horizontal edges never count (scan rule).
    auto addEdge = [this](const QPointF& p1, const QPointF& p2) {
        double x1 = p1.x(), y1 = p1.y(), x2 = p2.x(), y2 = p2.y();
        if (qFuzzyCompare(y1, y2))
            return;
        if (y2 < y1) {
            std::swap(x1, x2);
            std::swap(y1, y2);
        }
        m_edges.push_back({x1, y1, y2, (x2 - x1) / (y2 - y1)});
    };
    for (int i = 1; i < polygon.size(); ++i)
        addEdge(polygon[i - 1], polygon[i]);
    if (polygon.last() != polygon.first())
        addEdge(polygon.last(), polygon.first());
    if (m_edges.empty())
        return;

    // About one band per two edges: each band then holds a few edges (those
    // crossing it), whatever the lasso's shape.
    m_bands = std::clamp(static_cast<int>(m_edges.size() / 2), 1, 4096);
    m_bandY0 = m_bounds.top();
    m_invBandHeight = m_bounds.height() > 0 ? m_bands / m_bounds.height() : 0.0;
    std::vector<int> counts(static_cast<size_t>(m_bands) + 1, 0);
    for (const Edge& e : m_edges)
        for (int b = bandOf(e.y1), last = bandOf(e.y2); b <= last; ++b)
            ++counts[static_cast<size_t>(b) + 1];
    for (int b = 0; b < m_bands; ++b)
        counts[static_cast<size_t>(b) + 1] += counts[static_cast<size_t>(b)];
    m_bandStart = counts;
    m_bandEdges.resize(static_cast<size_t>(counts.back()));
    for (int i = 0; i < static_cast<int>(m_edges.size()); ++i)
        for (int b = bandOf(m_edges[i].y1), last = bandOf(m_edges[i].y2); b <= last; ++b)
            m_bandEdges[static_cast<size_t>(counts[static_cast<size_t>(b)]++)] = i;
}

int LassoPolygon::bandOf(double y) const
{
    return std::clamp(static_cast<int>(std::floor((y - m_bandY0) * m_invBandHeight)), 0,
                      m_bands - 1);
}

bool LassoPolygon::contains(const QPointF& p) const
{
    if (m_edges.empty() || p.y() < m_bounds.top() || p.y() > m_bounds.bottom() ||
        p.x() < m_bounds.left())
        return false;
    const double y = p.y();
    const int b = bandOf(y);
    int crossings = 0;
    for (int k = m_bandStart[static_cast<size_t>(b)]; k < m_bandStart[static_cast<size_t>(b) + 1];
         ++k) {
        const Edge& e = m_edges[static_cast<size_t>(m_bandEdges[static_cast<size_t>(k)])];
        if (y >= e.y1 && y < e.y2) {
            const double x = e.x1 + e.slope * (y - e.y1);
            if (x <= p.x())
                ++crossings;
        }
    }
    return (crossings % 2) != 0;
}

} // namespace mnistx::ui
