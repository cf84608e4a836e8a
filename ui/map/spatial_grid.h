#pragma once

#include "core/util/matrix.h"

#include <QRectF>
#include <algorithm>
#include <cmath>
#include <vector>

namespace mnistx::ui
{

// A uniform grid over map space for picking and area selection: every point
// lands in one cell; a query visits the cells a rectangle overlaps. Stored
// compactly (ids, positions and draw ranks ordered by cell, + cell offsets):
// building is a counting sort, O(N), and a query allocates nothing.
//
// Built from an N×2 row-major matrix of map-space positions (the snapshot the
// map draws); ids are row indices. Points with non-finite coordinates are left
// out (never picked). Within a cell the points come front-most first (the
// reverse of drawOrder, the ids back to front; when drawOrder does not list
// them all, as if drawn in id order), each with its rank in drawOrder, and with its position next
// to it: a pick reads a crowded cell sequentially and stops at the first dot
// under the cursor. GUI thread only, like the map that owns it.
class SpatialGrid
{
public:
    // One cell's points, front-most first: ids[k] at (xs[k], ys[k]), drawn as
    // the ranks[k]-th dot (higher: later, on top).
    struct Cell {
        const int* ids;
        const float* xs;
        const float* ys;
        const int* ranks;
        int count;
    };

    void build(const RowMatrixXf& positions, const std::vector<int>& drawOrder = {});
    void clear();
    bool isEmpty() const { return m_ids.empty(); }
    int cellColumns() const { return m_columns; }
    int cellRows() const { return m_rows; }

    // Calls visit(id) for every point in the cells that overlap mapRect (map
    // space). A superset of the points inside: callers test each one exactly.
    template <typename Visit> void forEachInCellsOf(const QRectF& mapRect, Visit&& visit) const
    {
        forEachCellOf(mapRect, [&](const Cell& cell) {
            for (int k = 0; k < cell.count; ++k)
                visit(cell.ids[k]);
        });
    }

    // Calls visit(cell) for every non-empty cell that overlaps mapRect.
    template <typename Visit> void forEachCellOf(const QRectF& mapRect, Visit&& visit) const
    {
        if (m_ids.empty() || mapRect.right() < m_x0 || mapRect.left() > m_x1 ||
            mapRect.bottom() < m_y0 || mapRect.top() > m_y1)
            return;
        const int c0 = columnOf(mapRect.left());
        const int c1 = columnOf(mapRect.right());
        const int r0 = rowOf(mapRect.top());
        const int r1 = rowOf(mapRect.bottom());
        for (int r = r0; r <= r1; ++r) {
            const int* cells = m_cellStart.data() + static_cast<size_t>(r) * m_columns;
            for (int c = c0; c <= c1; ++c) {
                const int begin = cells[c], count = cells[c + 1] - begin;
                if (count > 0)
                    visit(Cell{m_ids.data() + begin, m_xs.data() + begin, m_ys.data() + begin,
                               m_ranks.data() + begin, count});
            }
        }
    }

private:
    int columnOf(double x) const
    {
        return std::clamp(static_cast<int>(std::floor((x - m_x0) * m_invCell)), 0, m_columns - 1);
    }
    int rowOf(double y) const
    {
        return std::clamp(static_cast<int>(std::floor((y - m_y0) * m_invCell)), 0, m_rows - 1);
    }

    double m_x0 = 0, m_y0 = 0, m_x1 = 0, m_y1 = 0;
    double m_invCell = 1.0;
    int m_columns = 0;
    int m_rows = 0;
    // Ids of cell (r, c) are m_ids[m_cellStart[r*columns + c] .. m_cellStart[r*columns + c + 1]).
    std::vector<int> m_cellStart;
    std::vector<int> m_ids;
    std::vector<float> m_xs, m_ys; // the ids' positions, in the same order
    std::vector<int> m_ranks;      // the ids' ranks in drawOrder, in the same order
};

} // namespace mnistx::ui
