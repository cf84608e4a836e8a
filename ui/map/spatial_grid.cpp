#include "ui/map/spatial_grid.h"

#include <limits>

namespace mnistx::ui
{

namespace
{
// About two points per cell on average: a pick disc of ~10 px then touches a
// handful of cells even inside dense clusters, and the cell table stays
// smaller than the id table.
constexpr double kPointsPerCell = 2.0;
// Caps the cell table (4M ints = 16 MB) for very large maps.
constexpr int kMaxCellsPerSide = 2048;
} // namespace

void SpatialGrid::clear()
{
    m_ids.clear();
    m_xs.clear();
    m_ys.clear();
    m_ranks.clear();
    m_cellStart.clear();
    m_columns = m_rows = 0;
}

void SpatialGrid::build(const RowMatrixXf& positions, const std::vector<int>& drawOrder)
{
    clear();
    const int n = static_cast<int>(positions.rows());
    if (n == 0 || positions.cols() != 2)
        return;

    double x0 = std::numeric_limits<double>::infinity(), y0 = x0;
    double x1 = -x0, y1 = -x0;
    int finite = 0;
    for (int i = 0; i < n; ++i) {
        const float x = positions(i, 0), y = positions(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        x0 = std::min<double>(x0, x);
        x1 = std::max<double>(x1, x);
        y0 = std::min<double>(y0, y);
        y1 = std::max<double>(y1, y);
        ++finite;
    }
    if (finite == 0)
        return;

    // Square cells sized so the bounding box holds finite/kPointsPerCell of them.
    const double w = std::max(x1 - x0, 1e-9), h = std::max(y1 - y0, 1e-9);
    const double cellArea = w * h * kPointsPerCell / finite;
    double cell = std::sqrt(cellArea);
    // A degenerate (line-like) layout: do not let one side collapse to 0 cells.
    cell = std::max({cell, w / kMaxCellsPerSide, h / kMaxCellsPerSide});
    m_columns = std::clamp(static_cast<int>(std::ceil(w / cell)), 1, kMaxCellsPerSide);
    m_rows = std::clamp(static_cast<int>(std::ceil(h / cell)), 1, kMaxCellsPerSide);
    m_invCell = 1.0 / cell;
    m_x0 = x0;
    m_y0 = y0;
    m_x1 = x1;
    m_y1 = y1;

    // Counting sort of the points by cell.
    const size_t cellCount = static_cast<size_t>(m_columns) * m_rows;
    m_cellStart.assign(cellCount + 1, 0);
    std::vector<int> cellOf(static_cast<size_t>(n), -1);
    for (int i = 0; i < n; ++i) {
        const float x = positions(i, 0), y = positions(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        const int c = rowOf(y) * m_columns + columnOf(x);
        cellOf[static_cast<size_t>(i)] = c;
        ++m_cellStart[static_cast<size_t>(c) + 1];
    }
    for (size_t c = 0; c < cellCount; ++c)
        m_cellStart[c + 1] += m_cellStart[c];
    m_ids.resize(static_cast<size_t>(finite));
    m_xs.resize(m_ids.size());
    m_ys.resize(m_ids.size());
    m_ranks.resize(m_ids.size());
    std::vector<int> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    auto place = [&](int id, int rank) {
        const int c = cellOf[static_cast<size_t>(id)];
        if (c < 0)
            return;
        const auto k = static_cast<size_t>(fill[static_cast<size_t>(c)]++);
        m_ids[k] = id;
        m_xs[k] = positions(id, 0);
        m_ys[k] = positions(id, 1);
        m_ranks[k] = rank;
    };
    if (static_cast<int>(drawOrder.size()) == n) {
        // Front-most first: the reverse of the order the dots are drawn in.
        for (int k = n - 1; k >= 0; --k)
            place(drawOrder[static_cast<size_t>(k)], k);
    } else {
        // Drawn in id order: front-most is the highest id.
        for (int i = n - 1; i >= 0; --i)
            place(i, i);
    }
}

} // namespace mnistx::ui
