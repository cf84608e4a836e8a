// t-SNE's affinities: the perplexity calibration on the kNN graph and the
// symmetric joint probabilities.

#include "core/projection/tsne_steps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace mnistx::projection
{

namespace
{

// The search for β stops at this entropy error (nats): 100× tighter than the
// tested 1e-3, and reached in a few Newton steps.
constexpr double kEntropyTolerance = 1e-5;
// Step limit: even pure bisection (doubling/halving from the start value)
// spans 2^±100 within it, wider than float distances can need.
constexpr int kCalibrationSteps = 200;

} // namespace

PerplexityCalibration calibratePerplexity(const KnnGraph& graph, double perplexity,
                                          const TaskRunner& run)
{
    const int n = graph.n, k = graph.k;
    if (!(perplexity > 1) || perplexity > k)
        throw std::invalid_argument("perplexity calibration: perplexity " +
                                    std::to_string(perplexity) +
                                    " must be in (1, k = " + std::to_string(k) + "]");
    if (graph.distances.size() != std::size_t(n) * k || graph.indices.size() != std::size_t(n) * k)
        throw std::invalid_argument("perplexity calibration: malformed kNN graph");
    PerplexityCalibration out;
    out.n = n;
    out.k = k;
    out.conditional.resize(std::size_t(n) * k);
    out.beta.resize(n);
    const double target = std::log(perplexity);
    run(detail::tsneRowTasks(n), [&](int t) {
        const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
        std::vector<double> d2(k), p(k);
        for (int i = i0; i < i1; ++i) {
            const float* dist = graph.distances.data() + std::size_t(i) * k;
            // Distances relative to the nearest: the same p, no underflow.
            double dmin = std::numeric_limits<double>::infinity();
            for (int j = 0; j < k; ++j)
                dmin = std::min(dmin, double(dist[j]) * dist[j]);
            double mean = 0.0;
            for (int j = 0; j < k; ++j) {
                d2[j] = double(dist[j]) * dist[j] - dmin;
                mean += d2[j];
            }
            mean /= k;
            // Start where exp(−β d²) is ~1/e at the mean distance: a few steps
            // from the answer for any scale of the features.
            double beta = mean > 0 ? 1.0 / mean : 1.0;
            // Newton steps on H(β), whose slope is −β·Var_p(d²), kept inside
            // the bracket [lo, hi] that every step narrows; bisection when
            // a step would leave it. H falls as β grows.
            double lo = 0.0, hi = std::numeric_limits<double>::infinity();
            for (int step = 0; step < kCalibrationSteps; ++step) {
                double sum = 0.0, m1 = 0.0, m2 = 0.0;
                for (int j = 0; j < k; ++j) {
                    p[j] = std::exp(-beta * d2[j]);
                    sum += p[j];
                    m1 += d2[j] * p[j];
                    m2 += d2[j] * d2[j] * p[j];
                }
                m1 /= sum;
                m2 /= sum;
                const double entropy = std::log(sum) + beta * m1;
                if (std::abs(entropy - target) < kEntropyTolerance)
                    break;
                if (entropy > target)
                    lo = beta;
                else
                    hi = beta;
                const double slope = beta * (m2 - m1 * m1);
                const double newton = beta + (entropy - target) / slope;
                if (slope > 0 && std::isfinite(newton) && newton > lo && newton < hi)
                    beta = newton;
                else
                    beta = std::isinf(hi) ? beta * 2.0 : 0.5 * (lo + hi);
            }
            double sum = 0.0;
            for (int j = 0; j < k; ++j) {
                p[j] = std::exp(-beta * d2[j]);
                sum += p[j];
            }
            float* row = out.conditional.data() + std::size_t(i) * k;
            for (int j = 0; j < k; ++j)
                row[j] = float(p[j] / sum);
            out.beta[i] = beta;
        }
    });
    return out;
}

SparseAffinities detail::symmetricAffinities(const KnnGraph& graph,
                                             const PerplexityCalibration& cond,
                                             const TaskRunner& run,
                                             const std::function<void()>& beat)
{
    const int n = graph.n, k = graph.k;
    if (cond.n != n || cond.k != k)
        throw std::invalid_argument("t-SNE affinities: calibration does not match the kNN graph");
    for (std::int32_t j : graph.indices)
        if (j < 0 || j >= n)
            throw std::invalid_argument("t-SNE affinities: kNN graph index out of range");
    // Transpose: for every point, who has it as a neighbour (ascending source,
    // since filled in source order) and with which p_{i|source}.
    // Rows per slice of the serial passes: ~5 ms of work between beats.
    constexpr int kSerialSlice = 1 << 16;
    auto beatAt = [&](int i) {
        if (beat && i % kSerialSlice == 0)
            beat();
    };
    std::vector<std::int64_t> tStart(std::size_t(n) + 1, 0);
    for (int i = 0; i < n; ++i) {
        beatAt(i);
        for (int e = 0; e < k; ++e)
            ++tStart[std::size_t(graph.indices[std::size_t(i) * k + e]) + 1];
    }
    for (int i = 0; i < n; ++i)
        tStart[i + 1] += tStart[i];
    std::vector<std::int32_t> tSource(graph.indices.size());
    std::vector<float> tValue(graph.indices.size());
    {
        std::vector<std::int64_t> fill(tStart.begin(), tStart.end() - 1);
        for (int i = 0; i < n; ++i) {
            beatAt(i);
            for (int e = 0; e < k; ++e) {
                const std::size_t at = std::size_t(i) * k + e;
                const std::int64_t to = fill[graph.indices[at]]++;
                tSource[to] = i;
                tValue[to] = cond.conditional[at];
            }
        }
    }
    // Row i of P: merge the sorted kNN row with the transposed list. Two
    // passes (sizes, then values) so rows can be written in parallel.
    const double scale = 1.0 / (2.0 * n);
    SparseAffinities P;
    P.n = n;
    P.rowStart.assign(std::size_t(n) + 1, 0);
    auto sortedRow = [&](int i, std::vector<std::pair<std::int32_t, float>>& row) {
        row.resize(k);
        for (int e = 0; e < k; ++e) {
            const std::size_t at = std::size_t(i) * k + e;
            row[e] = {graph.indices[at], cond.conditional[at]};
        }
        std::sort(row.begin(), row.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
    };
    // Emits the entries of row i in non-decreasing column order, the kNN
    // entry before the transposed one of the same column; the callers merge
    // equal columns (one from each side, or repeats in a faulty graph).
    auto mergeRow = [&](int i, const std::vector<std::pair<std::int32_t, float>>& row,
                        auto&& emit) {
        std::size_t a = 0;
        std::int64_t b = tStart[i];
        const std::int64_t bEnd = tStart[i + 1];
        while (a < row.size() || b < bEnd) {
            if (b == bEnd || (a < row.size() && row[a].first <= tSource[b])) {
                emit(row[a].first, row[a].second);
                ++a;
            } else {
                emit(tSource[b], tValue[b]);
                ++b;
            }
        }
    };
    const int tasks = detail::tsneRowTasks(n);
    run(tasks, [&](int t) {
        const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
        std::vector<std::pair<std::int32_t, float>> row;
        for (int i = i0; i < i1; ++i) {
            sortedRow(i, row);
            std::int64_t count = 0;
            int last = -1;
            mergeRow(i, row, [&](std::int32_t c, float) {
                count += (c != last);
                last = c;
            });
            P.rowStart[std::size_t(i) + 1] = count;
        }
    });
    for (int i = 0; i < n; ++i)
        P.rowStart[i + 1] += P.rowStart[i];
    P.columns.resize(std::size_t(P.rowStart[n]));
    P.values.resize(std::size_t(P.rowStart[n]));
    run(tasks, [&](int t) {
        const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
        std::vector<std::pair<std::int32_t, float>> row;
        for (int i = i0; i < i1; ++i) {
            sortedRow(i, row);
            std::int64_t at = P.rowStart[i] - 1;
            int last = -1;
            mergeRow(i, row, [&](std::int32_t c, float v) {
                if (c != last) {
                    ++at;
                    P.columns[at] = c;
                    P.values[at] = 0.0f;
                    last = c;
                }
                P.values[at] += float(v * scale);
            });
        }
    });
    return P;
}

SparseAffinities symmetricAffinities(const KnnGraph& graph,
                                     const PerplexityCalibration& conditional,
                                     const TaskRunner& run)
{
    return detail::symmetricAffinities(graph, conditional, run, {});
}

} // namespace mnistx::projection
