// UMAP's graph: the curve fit of a and b, the smooth-kNN calibration and the
// fuzzy simplicial set.

#include "core/projection/umap_steps.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mnistx::projection
{

namespace
{

// smooth_knn_dist's constants: bisection tolerance on the membership sum,
// step limit, and the floor of sigma relative to the mean neighbour distance
// (keeps sigma > 0 for points whose neighbours all sit at rho).
constexpr double kSmoothKTolerance = 1e-5;
constexpr int kSmoothKSteps = 64;
constexpr double kMinSigmaScale = 1e-3;
// Points per task of the per-point loops of the graph construction: a few
// hundred microseconds of work, so two threads balance.
constexpr int kPointChunk = 2048;
// Least-squares fit of a, b: Levenberg–Marquardt as scipy's curve_fit, from
// its start (1, 1), on 300 samples of [0, 3·spread] as find_ab_params.
constexpr int kCurveSamples = 300;
constexpr int kCurveIterations = 200;

} // namespace

UmapCurve fitUmapCurve(double minDist, double spread)
{
    if (!(spread > 0) || !std::isfinite(spread))
        throw std::invalid_argument("UMAP: spread must be positive");
    if (!(minDist >= 0) || minDist > spread)
        throw std::invalid_argument("UMAP: min_dist must be in [0, spread]");

    std::vector<double> xs(kCurveSamples), ys(kCurveSamples);
    for (int i = 0; i < kCurveSamples; ++i) {
        xs[i] = 3.0 * spread * i / (kCurveSamples - 1);
        ys[i] = xs[i] < minDist ? 1.0 : std::exp(-(xs[i] - minDist) / spread);
    }
    // Residuals and Jacobian of f(x) = 1 / (1 + a·x^(2b)).
    auto evaluate = [&](double a, double b, Eigen::VectorXd& r, Eigen::MatrixXd* jacobian) {
        double sse = 0;
        for (int i = 0; i < kCurveSamples; ++i) {
            const double x = xs[i];
            const double x2b = x > 0 ? std::pow(x, 2 * b) : 0.0;
            const double denom = 1.0 + a * x2b;
            r[i] = 1.0 / denom - ys[i];
            sse += r[i] * r[i];
            if (jacobian) {
                (*jacobian)(i, 0) = -x2b / (denom * denom);
                (*jacobian)(i, 1) = x > 0 ? -a * x2b * 2.0 * std::log(x) / (denom * denom) : 0.0;
            }
        }
        return sse;
    };
    double a = 1.0, b = 1.0, lambda = 1e-3;
    Eigen::VectorXd r(kCurveSamples), trial(kCurveSamples);
    Eigen::MatrixXd jacobian(kCurveSamples, 2);
    double sse = evaluate(a, b, r, &jacobian);
    for (int iteration = 0; iteration < kCurveIterations; ++iteration) {
        const Eigen::Matrix2d jtj = jacobian.transpose() * jacobian;
        const Eigen::Vector2d jtr = jacobian.transpose() * r;
        Eigen::Matrix2d damped = jtj;
        damped.diagonal() *= (1.0 + lambda);
        const Eigen::Vector2d step = damped.ldlt().solve(-jtr);
        const double candidate = evaluate(a + step[0], b + step[1], trial, nullptr);
        if (std::isfinite(candidate) && candidate <= sse) {
            a += step[0];
            b += step[1];
            const bool converged = sse - candidate <= 1e-15 * std::max(1.0, sse) &&
                                   step.norm() <= 1e-12 * (1.0 + std::abs(a) + std::abs(b));
            sse = evaluate(a, b, r, &jacobian);
            lambda = std::max(lambda / 10.0, 1e-12);
            if (converged)
                break;
        } else {
            lambda *= 10.0;
            if (lambda > 1e12)
                break;
        }
    }
    return {a, b};
}

SmoothKnn detail::smoothKnnCalibration(const KnnGraph& graph, double localConnectivity,
                                       const TaskRunner& run)
{
    const int n = graph.n;
    const int k = graph.k;
    if (k < 1 || static_cast<std::int64_t>(graph.distances.size()) != std::int64_t(n) * k)
        throw std::invalid_argument("UMAP: malformed kNN graph");
    // umap-learn's target counts the point itself among the n_neighbors.
    const double target = std::log2(double(k) + 1.0);
    double total = 0.0;
    for (const float d : graph.distances)
        total += d;
    // The graph leaves out each point itself (distance 0), umap-learn's mean
    // counts it.
    const double meanDistance = n > 0 ? total / (double(n) * (k + 1)) : 0.0;

    SmoothKnn out;
    out.rho.assign(static_cast<std::size_t>(n), 0.0f);
    out.sigma.assign(static_cast<std::size_t>(n), 0.0f);
    const int tasks = (n + kPointChunk - 1) / kPointChunk;
    run(tasks, [&](int task) {
        const int begin = task * kPointChunk;
        const int end = std::min(n, begin + kPointChunk);
        for (int i = begin; i < end; ++i) {
            const float* d = graph.distances.data() + static_cast<std::size_t>(i) * k;
            // Distances ascend, so the non-zero ones are a suffix.
            int firstNonZero = 0;
            while (firstNonZero < k && !(d[firstNonZero] > 0.0f))
                ++firstNonZero;
            const int nonZero = k - firstNonZero;
            const float* nz = d + firstNonZero;
            double rho = 0.0;
            if (nonZero >= localConnectivity) {
                const int index = static_cast<int>(std::floor(localConnectivity));
                const double interpolation = localConnectivity - index;
                if (index > 0) {
                    rho = nz[index - 1];
                    if (interpolation > kSmoothKTolerance)
                        rho += interpolation * (nz[index] - nz[index - 1]);
                } else {
                    rho = interpolation * nz[0];
                }
            } else if (nonZero > 0) {
                rho = nz[nonZero - 1];
            }

            double lo = 0.0, hi = std::numeric_limits<double>::infinity(), mid = 1.0;
            for (int step = 0; step < kSmoothKSteps; ++step) {
                double sum = 0.0;
                for (int j = 0; j < k; ++j) {
                    const double excess = d[j] - rho;
                    sum += excess > 0 ? std::exp(-excess / mid) : 1.0;
                }
                if (std::abs(sum - target) < kSmoothKTolerance)
                    break;
                if (sum > target) {
                    hi = mid;
                    mid = (lo + hi) / 2.0;
                } else {
                    lo = mid;
                    mid = std::isinf(hi) ? mid * 2.0 : (lo + hi) / 2.0;
                }
            }
            double sigma = mid;
            if (rho > 0.0) {
                double rowSum = 0.0;
                for (int j = 0; j < k; ++j)
                    rowSum += d[j];
                sigma = std::max(sigma, kMinSigmaScale * rowSum / (k + 1));
            } else {
                sigma = std::max(sigma, kMinSigmaScale * meanDistance);
            }
            out.rho[static_cast<std::size_t>(i)] = static_cast<float>(rho);
            out.sigma[static_cast<std::size_t>(i)] = static_cast<float>(sigma);
        }
    });
    return out;
}

FuzzyGraph detail::fuzzySimplicialSet(const KnnGraph& graph, const SmoothKnn& calibration,
                                      const TaskRunner& run)
{
    const int n = graph.n;
    const int k = graph.k;
    if (static_cast<int>(calibration.rho.size()) != n ||
        static_cast<int>(calibration.sigma.size()) != n)
        throw std::invalid_argument("UMAP: calibration does not match the kNN graph");
    const int tasks = (n + kPointChunk - 1) / kPointChunk;

    // Directed memberships, each row sorted by neighbour index for merging.
    std::vector<std::pair<std::int32_t, float>> directed(static_cast<std::size_t>(n) * k);
    run(tasks, [&](int task) {
        const int begin = task * kPointChunk;
        const int end = std::min(n, begin + kPointChunk);
        for (int i = begin; i < end; ++i) {
            const double rho = calibration.rho[static_cast<std::size_t>(i)];
            const double sigma = calibration.sigma[static_cast<std::size_t>(i)];
            auto* row = directed.data() + static_cast<std::size_t>(i) * k;
            for (int j = 0; j < k; ++j) {
                const std::size_t at = static_cast<std::size_t>(i) * k + j;
                const double excess = graph.distances[at] - rho;
                const double w = (excess <= 0.0 || sigma == 0.0) ? 1.0 : std::exp(-excess / sigma);
                row[j] = {graph.indices[at], static_cast<float>(w)};
            }
            std::sort(row, row + k);
        }
    });

    // The transpose: for every point, who has it as a neighbour (sources
    // ascending, because rows are visited in order).
    std::vector<std::int64_t> inStart(static_cast<std::size_t>(n) + 1, 0);
    for (const auto& entry : directed)
        ++inStart[static_cast<std::size_t>(entry.first) + 1];
    for (int i = 0; i < n; ++i)
        inStart[static_cast<std::size_t>(i) + 1] += inStart[static_cast<std::size_t>(i)];
    std::vector<std::pair<std::int32_t, float>> incoming(directed.size());
    {
        std::vector<std::int64_t> fill(inStart.begin(), inStart.end() - 1);
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < k; ++j) {
                const auto& entry = directed[static_cast<std::size_t>(i) * k + j];
                incoming[static_cast<std::size_t>(fill[static_cast<std::size_t>(entry.first)]++)] =
                    {i, entry.second};
            }
        }
    }

    // Fuzzy union w + wᵀ − w∘wᵀ, row by row: count, then fill.
    auto mergeRow = [&](int i, std::int32_t* columns, float* weights) {
        const auto* out = directed.data() + static_cast<std::size_t>(i) * k;
        const auto* outEnd = out + k;
        const auto* in = incoming.data() + inStart[static_cast<std::size_t>(i)];
        const auto* inEnd = incoming.data() + inStart[static_cast<std::size_t>(i) + 1];
        int count = 0;
        while (out != outEnd || in != inEnd) {
            std::int32_t column;
            float w;
            if (in == inEnd || (out != outEnd && out->first < in->first)) {
                column = out->first;
                w = out->second;
                ++out;
            } else if (out == outEnd || in->first < out->first) {
                column = in->first;
                w = in->second;
                ++in;
            } else {
                column = out->first;
                w = out->second + in->second - out->second * in->second;
                ++out;
                ++in;
            }
            if (w > 0.0f && column != i) {
                if (columns) {
                    columns[count] = column;
                    weights[count] = w;
                }
                ++count;
            }
        }
        return count;
    };
    FuzzyGraph fuzzy;
    fuzzy.n = n;
    fuzzy.rowStart.assign(static_cast<std::size_t>(n) + 1, 0);
    run(tasks, [&](int task) {
        const int end = std::min(n, (task + 1) * kPointChunk);
        for (int i = task * kPointChunk; i < end; ++i)
            fuzzy.rowStart[static_cast<std::size_t>(i) + 1] = mergeRow(i, nullptr, nullptr);
    });
    for (int i = 0; i < n; ++i)
        fuzzy.rowStart[static_cast<std::size_t>(i) + 1] +=
            fuzzy.rowStart[static_cast<std::size_t>(i)];
    fuzzy.columns.resize(static_cast<std::size_t>(fuzzy.rowStart.back()));
    fuzzy.weights.resize(static_cast<std::size_t>(fuzzy.rowStart.back()));
    run(tasks, [&](int task) {
        const int end = std::min(n, (task + 1) * kPointChunk);
        for (int i = task * kPointChunk; i < end; ++i) {
            const auto at = static_cast<std::size_t>(fuzzy.rowStart[static_cast<std::size_t>(i)]);
            mergeRow(i, fuzzy.columns.data() + at, fuzzy.weights.data() + at);
        }
    });
    return fuzzy;
}
SmoothKnn smoothKnnCalibration(const KnnGraph& graph, double localConnectivity, int threads)
{
    detail::WorkerPool pool(threads);
    return detail::smoothKnnCalibration(graph, localConnectivity, pool.runner());
}

FuzzyGraph fuzzySimplicialSet(const KnnGraph& graph, const SmoothKnn& calibration, int threads)
{
    detail::WorkerPool pool(threads);
    return detail::fuzzySimplicialSet(graph, calibration, pool.runner());
}

} // namespace mnistx::projection
