#include "core/projection/quality.h"

#include "core/projection/worker_pool.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

namespace mnistx::projection
{

namespace
{

// Points per task: enough work per task to amortise the hand-out, small
// enough that two threads stay balanced.
constexpr int kQueriesPerTask = 2048;

// Uniform grid over the bounding box with about two points per cell: a ring
// search then touches a handful of cells per query.
class Grid2d
{
public:
    explicit Grid2d(const RowMatrixXf& points) : m_points(points)
    {
        const int n = static_cast<int>(points.rows());
        m_minX = points.col(0).minCoeff();
        m_minY = points.col(1).minCoeff();
        const float spanX = std::max(points.col(0).maxCoeff() - m_minX, 1e-12f);
        const float spanY = std::max(points.col(1).maxCoeff() - m_minY, 1e-12f);
        const int side = std::max(1, static_cast<int>(std::sqrt(n / 2.0)));
        m_cellsX = m_cellsY = side;
        m_cellW = spanX / side;
        m_cellH = spanY / side;
        m_start.assign(static_cast<std::size_t>(side) * side + 1, 0);
        std::vector<int> cellOf(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            cellOf[static_cast<std::size_t>(i)] =
                cellIndex(cellX(points(i, 0)), cellY(points(i, 1)));
            ++m_start[static_cast<std::size_t>(cellOf[static_cast<std::size_t>(i)]) + 1];
        }
        std::partial_sum(m_start.begin(), m_start.end(), m_start.begin());
        m_order.resize(static_cast<std::size_t>(n));
        std::vector<int> fill(m_start.begin(), m_start.end() - 1);
        for (int i = 0; i < n; ++i)
            m_order[static_cast<std::size_t>(
                fill[static_cast<std::size_t>(cellOf[static_cast<std::size_t>(i)])]++)] = i;
    }

    // The k nearest points to point q (itself excluded), nearest first, as
    // (squared distance, index) pairs.
    void nearest(int q, int k, std::vector<std::pair<float, int>>& out) const
    {
        out.clear();
        const float x = m_points(q, 0);
        const float y = m_points(q, 1);
        const int cx = cellX(x);
        const int cy = cellY(y);
        const float cellMin = std::min(m_cellW, m_cellH);
        const int maxRing = std::max(m_cellsX, m_cellsY);
        auto worse = [](const std::pair<float, int>& a, const std::pair<float, int>& b) {
            return a < b;
        };
        for (int r = 0; r <= maxRing; ++r) {
            for (int gy = cy - r; gy <= cy + r; ++gy) {
                if (gy < 0 || gy >= m_cellsY)
                    continue;
                const bool edgeRow = (gy == cy - r || gy == cy + r);
                for (int gx = cx - r; gx <= cx + r; gx += (edgeRow || r == 0) ? 1 : 2 * r) {
                    if (gx < 0 || gx >= m_cellsX)
                        continue;
                    const int cell = cellIndex(gx, gy);
                    for (int s = m_start[static_cast<std::size_t>(cell)];
                         s < m_start[static_cast<std::size_t>(cell) + 1]; ++s) {
                        const int j = m_order[static_cast<std::size_t>(s)];
                        if (j == q)
                            continue;
                        const float dx = m_points(j, 0) - x;
                        const float dy = m_points(j, 1) - y;
                        const std::pair<float, int> candidate{dx * dx + dy * dy, j};
                        if (static_cast<int>(out.size()) < k) {
                            out.push_back(candidate);
                            std::push_heap(out.begin(), out.end(), worse);
                        } else if (candidate < out.front()) {
                            std::pop_heap(out.begin(), out.end(), worse);
                            out.back() = candidate;
                            std::push_heap(out.begin(), out.end(), worse);
                        }
                    }
                }
            }
            // Every cell beyond ring r is at least r whole cells away.
            const float reach = r * cellMin;
            if (static_cast<int>(out.size()) == k && out.front().first <= reach * reach)
                break;
        }
        std::sort_heap(out.begin(), out.end(), worse);
    }

private:
    int cellX(float x) const
    {
        return std::clamp(static_cast<int>((x - m_minX) / m_cellW), 0, m_cellsX - 1);
    }
    int cellY(float y) const
    {
        return std::clamp(static_cast<int>((y - m_minY) / m_cellH), 0, m_cellsY - 1);
    }
    int cellIndex(int gx, int gy) const { return gy * m_cellsX + gx; }

    const RowMatrixXf& m_points;
    float m_minX = 0, m_minY = 0, m_cellW = 1, m_cellH = 1;
    int m_cellsX = 1, m_cellsY = 1;
    std::vector<int> m_start;
    std::vector<int> m_order;
};

} // namespace

double knnAccuracy2d(const RowMatrixXf& points, const std::vector<data::ClassLabel>& labels, int k,
                     int threads)
{
    const int n = static_cast<int>(points.rows());
    if (points.cols() != 2)
        throw std::invalid_argument("k-NN accuracy in 2D needs N × 2 points, got " +
                                    std::to_string(points.cols()) + " columns");
    if (static_cast<std::size_t>(n) != labels.size())
        throw std::invalid_argument("k-NN accuracy: " + std::to_string(n) + " points but " +
                                    std::to_string(labels.size()) + " labels");
    if (k < 1 || n <= k)
        throw std::invalid_argument("k-NN accuracy with k = " + std::to_string(k) +
                                    " needs more than " + std::to_string(k) + " points, got " +
                                    std::to_string(n));
    if (!points.allFinite())
        throw std::invalid_argument("k-NN accuracy: the map has non-finite coordinates");

    const Grid2d grid(points);
    const int tasks = (n + kQueriesPerTask - 1) / kQueriesPerTask;
    // One vote counter per class: as many as the largest label needs.
    const std::size_t classes =
        labels.empty() ? 1 : std::size_t(*std::max_element(labels.begin(), labels.end())) + 1;
    std::vector<int> correctPerTask(static_cast<std::size_t>(tasks), 0);
    detail::parallelTasks(tasks, detail::resolveThreads(threads), [&](int task) {
        std::vector<std::pair<float, int>> neighbours;
        std::vector<int> votes(classes, 0);
        int correct = 0;
        const int end = std::min(n, (task + 1) * kQueriesPerTask);
        for (int q = task * kQueriesPerTask; q < end; ++q) {
            grid.nearest(q, k, neighbours);
            int top = 0;
            for (const auto& nb : neighbours)
                top = std::max(top, ++votes[labels[static_cast<std::size_t>(nb.second)]]);
            // Majority; among tied classes the one with the nearest member wins.
            int winner = -1;
            for (const auto& nb : neighbours)
                if (votes[labels[static_cast<std::size_t>(nb.second)]] == top) {
                    winner = labels[static_cast<std::size_t>(nb.second)];
                    break;
                }
            for (const auto& nb : neighbours)
                votes[labels[static_cast<std::size_t>(nb.second)]] = 0;
            correct += (winner == labels[static_cast<std::size_t>(q)]);
        }
        correctPerTask[static_cast<std::size_t>(task)] = correct;
    });
    const long long correct = std::accumulate(correctPerTask.begin(), correctPerTask.end(), 0LL);
    return static_cast<double>(correct) / n;
}

double trustworthiness(const RowMatrixXf& high, const RowMatrixXf& low, int k, int sampleSize,
                       std::uint64_t seed, int threads)
{
    const int n = static_cast<int>(high.rows());
    if (low.rows() != high.rows())
        throw std::invalid_argument("trustworthiness: " + std::to_string(high.rows()) +
                                    " feature rows but " + std::to_string(low.rows()) +
                                    " map rows");
    std::vector<int> subset(static_cast<std::size_t>(n));
    std::iota(subset.begin(), subset.end(), 0);
    if (sampleSize > 0 && n > sampleSize) {
        std::mt19937_64 rng(seed);
        for (int i = 0; i < sampleSize; ++i) {
            std::uniform_int_distribution<int> pick(i, n - 1);
            std::swap(subset[static_cast<std::size_t>(i)],
                      subset[static_cast<std::size_t>(pick(rng))]);
        }
        subset.resize(static_cast<std::size_t>(sampleSize));
        std::sort(subset.begin(), subset.end());
    }
    const int m = static_cast<int>(subset.size());
    if (k < 1 || m < 3 * k + 2)
        throw std::invalid_argument("trustworthiness@" + std::to_string(k) + " needs at least " +
                                    std::to_string(3 * k + 2) + " points, got " +
                                    std::to_string(m));

    RowMatrixXf x(m, high.cols());
    RowMatrixXf y(m, low.cols());
    for (int i = 0; i < m; ++i) {
        x.row(i) = high.row(subset[static_cast<std::size_t>(i)]);
        y.row(i) = low.row(subset[static_cast<std::size_t>(i)]);
    }
    const Eigen::VectorXf xNorms = x.rowwise().squaredNorm();

    // Rows per task: a 64 × m block of feature-space distances from one product.
    constexpr int kRowsPerTask = 64;
    const int tasks = (m + kRowsPerTask - 1) / kRowsPerTask;
    std::vector<double> penaltyPerTask(static_cast<std::size_t>(tasks), 0.0);
    detail::parallelTasks(tasks, detail::resolveThreads(threads), [&](int task) {
        const int begin = task * kRowsPerTask;
        const int rows = std::min(m, begin + kRowsPerTask) - begin;
        RowMatrixXf dHigh = -2.0f * (x.middleRows(begin, rows) * x.transpose());
        dHigh.colwise() += xNorms.segment(begin, rows);
        dHigh.rowwise() += xNorms.transpose();
        std::vector<std::pair<float, int>> lowOrder(static_cast<std::size_t>(m));
        double penalty = 0.0;
        for (int r = 0; r < rows; ++r) {
            const int i = begin + r;
            for (int j = 0; j < m; ++j) {
                const float dx = y(j, 0) - y(i, 0);
                const float dy = y.cols() > 1 ? y(j, 1) - y(i, 1) : 0.0f;
                lowOrder[static_cast<std::size_t>(j)] = {j == i ? INFINITY : dx * dx + dy * dy, j};
            }
            std::partial_sort(lowOrder.begin(), lowOrder.begin() + k, lowOrder.end());
            const float* row = dHigh.row(r).data();
            for (int t = 0; t < k; ++t) {
                const int j = lowOrder[static_cast<std::size_t>(t)].second;
                const float dij = row[j];
                // Rank of j among i's feature-space neighbours (1 = nearest).
                int rank = 1;
                for (int l = 0; l < m; ++l)
                    rank += (l != i && l != j && row[l] < dij);
                penalty += std::max(0, rank - k);
            }
        }
        penaltyPerTask[static_cast<std::size_t>(task)] = penalty;
    });
    const double penalty = std::accumulate(penaltyPerTask.begin(), penaltyPerTask.end(), 0.0);
    return 1.0 - 2.0 / (double(m) * k * (2.0 * m - 3.0 * k - 1.0)) * penalty;
}

void evaluate(Projection& p, const RowMatrixXf& trainFeatures,
              const RowMatrixXf& validationFeatures,
              const std::vector<data::ClassLabel>& trainLabels,
              const std::vector<data::ClassLabel>& validationLabels, int threads)
{
    constexpr int kNeighbours = 10;    // the figures the issue and the peers quote
    constexpr int kTrustSample = 5000; // trustworthiness is O(sample²): 5,000 takes ~1 s
    p.knnAccuracy = -1.0;
    p.trustworthiness = -1.0;
    const Eigen::Index n = p.train.rows() + p.validation.rows();
    if (p.train.rows() != trainFeatures.rows() ||
        p.validation.rows() != validationFeatures.rows() ||
        (validationFeatures.rows() > 0 && validationFeatures.cols() != trainFeatures.cols()) ||
        trainLabels.size() != std::size_t(trainFeatures.rows()) ||
        validationLabels.size() != std::size_t(validationFeatures.rows()))
        throw std::invalid_argument(
            "projection quality: map, features and labels disagree in size");
    if (n < 3 * kNeighbours + 2)
        return;
    RowMatrixXf map(n, 2);
    map << p.train, p.validation;
    RowMatrixXf features(n, trainFeatures.cols());
    features << trainFeatures, validationFeatures;
    std::vector<data::ClassLabel> labels(trainLabels);
    labels.insert(labels.end(), validationLabels.begin(), validationLabels.end());
    p.knnAccuracy = knnAccuracy2d(map, labels, kNeighbours, threads);
    p.trustworthiness = trustworthiness(features, map, kNeighbours, kTrustSample, 1, threads);
}

} // namespace mnistx::projection
