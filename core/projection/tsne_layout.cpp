// t-SNE's layout: gradient descent of the KL divergence, the attraction over
// the sparse affinities, the repulsion by FFT interpolation.

#include "core/projection/morton_code.h"
#include "core/projection/tsne_steps.h"
#include "core/util/vector_clones.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mnistx::projection
{

namespace
{

// Delta-bar-delta gains (Jacobs 1988) with the constants of every reference
// implementation: +0.2 when the gradient changes sign, ×0.8 otherwise, ≥ 0.01.
constexpr double kGainIncrease = 0.2;
constexpr double kGainDecay = 0.8;
constexpr double kMinGain = 0.01;

// Σ_j p_ij (y_i − y_j)/(1 + |y_i − y_j|²) over the entries [e0, e1) of row i,
// with the map's coordinates in two arrays (px, py) so the compiler can
// vectorise the gathers. kLanes independent partial sums, added in a fixed
// order at the end: one running sum chains every addition to the previous
// (the loop then runs at the adder's latency), and the fixed order keeps the
// result identical on every run. 16 lanes measured fastest (8.8M entries of
// MNIST: 1.1 ns/entry against 1.4 for one lane and 2.1 for 8 interleaved).
constexpr int kLanes = 16;
// An AVX2 clone beside the baseline, picked at load time (twice the width,
// twice the registers for the 32 partial sums).
MNISTX_VECTOR_CLONES
void attraction(const std::int32_t* __restrict columns, const float* __restrict values,
                std::int64_t e0, std::int64_t e1, const float* __restrict px,
                const float* __restrict py, float xi, float yi, float& outX, float& outY)
{
    float accX[kLanes] = {}, accY[kLanes] = {};
    std::int64_t e = e0;
    for (; e + kLanes <= e1; e += kLanes)
        for (int l = 0; l < kLanes; ++l) {
            const std::int32_t j = columns[e + l];
            const float dx = xi - px[j], dy = yi - py[j];
            const float w = values[e + l] / (1.0f + dx * dx + dy * dy);
            accX[l] += w * dx;
            accY[l] += w * dy;
        }
    for (int l = 0; e < e1; ++e, ++l) {
        const std::int32_t j = columns[e];
        const float dx = xi - px[j], dy = yi - py[j];
        const float w = values[e] / (1.0f + dx * dx + dy * dy);
        accX[l] += w * dx;
        accY[l] += w * dy;
    }
    for (int width = kLanes / 2; width > 0; width /= 2)
        for (int l = 0; l < width; ++l) {
            accX[l] += accX[l + width];
            accY[l] += accY[l + width];
        }
    outX = accX[0];
    outY = accY[0];
}

// Points in Morton (Z-curve) order of their cell in a 65536² grid over the
// map, ties by index. Points close in the map end up close in memory, so the
// attraction loop's reads of neighbours' coordinates mostly hit L1 instead of
// L2 (−14% of a whole MNIST run, single thread).
std::vector<std::int32_t> localityOrder(const RowMatrixXf& y)
{
    const int n = int(y.rows());
    const Eigen::RowVector2f lo = y.colwise().minCoeff(), hi = y.colwise().maxCoeff();
    std::vector<std::pair<std::uint32_t, std::int32_t>> keyed(n);
    for (int i = 0; i < n; ++i) {
        std::uint32_t q[2];
        for (int c = 0; c < 2; ++c) {
            const float range = hi[c] - lo[c];
            const float t = range > 0 ? (y(i, c) - lo[c]) / range : 0.0f;
            q[c] = std::uint32_t(std::min(65535.0f, std::max(0.0f, t * 65535.0f)));
        }
        keyed[i] = {detail::mortonCode(q[0], q[1]), i};
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::int32_t> order(n);
    for (int i = 0; i < n; ++i)
        order[i] = keyed[i].second;
    return order;
}

// P with rows and columns renumbered: new row r is old row order[r].
SparseAffinities permuted(const SparseAffinities& P, const std::vector<std::int32_t>& order,
                          const TaskRunner& run)
{
    const int n = P.n;
    std::vector<std::int32_t> rank(n);
    for (int r = 0; r < n; ++r)
        rank[order[r]] = r;
    SparseAffinities Q;
    Q.n = n;
    Q.rowStart.resize(std::size_t(n) + 1);
    Q.rowStart[0] = 0;
    for (int r = 0; r < n; ++r)
        Q.rowStart[r + 1] = Q.rowStart[r] + (P.rowStart[order[r] + 1] - P.rowStart[order[r]]);
    Q.columns.resize(P.columns.size());
    Q.values.resize(P.values.size());
    run(detail::tsneRowTasks(n), [&](int t) {
        const int r0 = t * detail::kTsneRowChunk, r1 = std::min(n, r0 + detail::kTsneRowChunk);
        for (int r = r0; r < r1; ++r) {
            std::int64_t to = Q.rowStart[r];
            for (std::int64_t e = P.rowStart[order[r]]; e < P.rowStart[order[r] + 1]; ++e, ++to) {
                Q.columns[to] = rank[P.columns[e]];
                Q.values[to] = P.values[e];
            }
        }
    });
    return Q;
}

template <typename Matrix> void permuteRows(Matrix& m, const std::vector<std::int32_t>& order)
{
    Matrix out(m.rows(), m.cols());
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        out.row(r) = m.row(order[r]);
    m.swap(out);
}

} // namespace

// Gradient descent of the KL divergence. State y in double (the updates are
// small against the coordinates late on); forces from a float copy.
RowMatrixXf detail::tsneLayout(const SparseAffinities& affinities, const RowMatrixXf& initial,
                               const TsneConfig& config, double learningRate, WorkerPool& pool,
                               ProgressReporter& reporter)
{
    const int n = affinities.n;
    if (initial.rows() != n || initial.cols() != 2)
        throw std::invalid_argument("t-SNE: the initial map must be n×2");
    if (!initial.allFinite())
        throw std::invalid_argument("t-SNE: the initial map has non-finite values");
    const TaskRunner run = pool.runner(reporter.poll());
    RowMatrixXd y = initial.cast<double>();
    RowMatrixXf yf = initial, yfNext(n, 2);
    // The same map as columns, for the attraction loop's gathers.
    std::vector<float> px(n), py(n), pxNext(n), pyNext(n);
    RowMatrixXd update = RowMatrixXd::Zero(n, 2);
    RowMatrixXd gains = RowMatrixXd::Ones(n, 2);
    RowMatrixXf repulsion;
    FftRepulsion fft(config.repulsion);

    // Internally the points are renumbered for memory locality (see
    // localityOrder); original[r] is the caller's index of point r.
    const SparseAffinities* P = &affinities;
    SparseAffinities reordered;
    std::vector<std::int32_t> original;
    RowMatrixXf callerOrder; // a layout in the caller's order, for reports
    auto layoutForCaller = [&]() -> const RowMatrixXf* {
        if (original.empty())
            return &yf;
        callerOrder.resize(n, 2);
        for (int r = 0; r < n; ++r)
            callerOrder.row(original[r]) = yf.row(r);
        return &callerOrder;
    };
    auto renumber = [&] {
        const std::vector<std::int32_t> order = localityOrder(yf);
        reordered = permuted(*P, order, run);
        P = &reordered;
        permuteRows(y, order);
        permuteRows(yf, order);
        permuteRows(update, order);
        permuteRows(gains, order);
        if (original.empty()) {
            original = order;
        } else {
            std::vector<std::int32_t> composed(n);
            for (int r = 0; r < n; ++r)
                composed[r] = original[order[r]];
            original.swap(composed);
        }
    };
    // Renumber at the start (the initial map, PCA by default, already puts
    // neighbours near each other), once the map has its coarse shape (a third
    // into early exaggeration: clusters have formed) and again when it is
    // final in shape (exaggeration off); each costs about one iteration.
    const int renumberAt[3] = {0, config.exaggerationIterations / 3, config.exaggerationIterations};
    const auto renumbersAt = [&](int it) {
        return it == renumberAt[0] || it == renumberAt[1] || it == renumberAt[2];
    };

    const int total = config.iterations;
    reporter.setStage("optimise", total);
    reporter.setIteration(0);
    reporter.report(&yf);
    const double maxStep2 = config.maxStepNorm * config.maxStepNorm;
    const int tasks = detail::tsneRowTasks(n);
    for (int it = 0; it < total; ++it) {
        if (n >= detail::kTsneRowChunk && renumbersAt(it))
            renumber();
        if (renumbersAt(it))
            for (int i = 0; i < n; ++i) {
                px[i] = yf(i, 0);
                py[i] = yf(i, 1);
            }
        const bool early = it < config.exaggerationIterations;
        const double exaggeration = early ? config.earlyExaggeration : 1.0;
        const double momentum = early ? config.momentumEarly : config.momentumLate;
        const double Z = fft.compute(yf, repulsion, run);
        const double invZ = Z > 0 ? 1.0 / Z : 0.0;
        const std::int64_t* rowStart = P->rowStart.data();
        const std::int32_t* columns = P->columns.data();
        const float* values = P->values.data();
        run(tasks, [&](int t) {
            const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
            for (int i = i0; i < i1; ++i) {
                const float xi = px[i], yi = py[i];
                float ax = 0.0f, ay = 0.0f;
                attraction(columns, values, rowStart[i], rowStart[i + 1], px.data(), py.data(), xi,
                           yi, ax, ay);
                const double grad[2] = {exaggeration * ax - repulsion(i, 0) * invZ,
                                        exaggeration * ay - repulsion(i, 1) * invZ};
                double step[2];
                for (int c = 0; c < 2; ++c) {
                    double& g = gains(i, c);
                    const double u = update(i, c);
                    g = (u * grad[c] < 0.0) ? g + kGainIncrease : g * kGainDecay;
                    g = std::max(g, kMinGain);
                    step[c] = momentum * u - learningRate * g * grad[c];
                }
                const double norm2 = step[0] * step[0] + step[1] * step[1];
                if (norm2 > maxStep2) {
                    const double s = config.maxStepNorm / std::sqrt(norm2);
                    step[0] *= s;
                    step[1] *= s;
                }
                for (int c = 0; c < 2; ++c) {
                    update(i, c) = step[c];
                    y(i, c) += step[c];
                    yfNext(i, c) = float(y(i, c));
                }
                pxNext[i] = yfNext(i, 0);
                pyNext[i] = yfNext(i, 1);
            }
        });
        yf.swap(yfNext);
        px.swap(pxNext);
        py.swap(pyNext);
        reporter.setIteration(it + 1);
        if ((it + 1) % config.layoutEvery == 0 || it + 1 == total)
            reporter.report(layoutForCaller());
        else
            reporter.beat();
    }
    return *layoutForCaller();
}

RowMatrixXf tsneOptimise(const SparseAffinities& affinities, const RowMatrixXf& initial,
                         const TsneConfig& config, const ProgressCallback& progress)
{
    validateTsneConfig(config);
    detail::ProgressReporter reporter(progress);
    detail::WorkerPool pool(config.threads);
    const double lr =
        config.learningRate > 0 ? config.learningRate : detail::tsneAutoLearningRate(affinities.n);
    return detail::tsneLayout(affinities, initial, config, lr, pool, reporter);
}

} // namespace mnistx::projection
