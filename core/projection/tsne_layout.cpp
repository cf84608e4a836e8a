// t-SNE's layout: gradient descent of the KL divergence, the attraction over
// the sparse affinities, the repulsion by FFT interpolation.

#include "core/projection/morton_code.h"
#include "core/projection/tsne_attraction.h"
#include "core/projection/tsne_steps.h"
#include "core/util/vector_kernels.h"

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
        // From the caller's affinities by the whole renumbering, the last copy
        // freed first: two copies of P at most (the caller's and ours), where
        // renumbering our copy again held three for a moment (a million
        // points: 1.05 GB each). The same matrix: a renumbering keeps the
        // order of the entries within a row.
        reordered = SparseAffinities();
        reordered = permuted(affinities, original, run);
        P = &reordered;
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
    const bool avx2 = util::avx2KernelsEnabled();
    for (int it = 0; it < total; ++it) {
        if (n >= detail::kTsneRowChunk && renumbersAt(it))
            renumber();
        const bool early = it < config.exaggerationIterations;
        const double exaggeration = early ? config.earlyExaggeration : 1.0;
        const double momentum = early ? config.momentumEarly : config.momentumLate;
        const double Z = fft.compute(yf, repulsion, run);
        const double invZ = Z > 0 ? 1.0 / Z : 0.0;
        const detail::AttractionInput input{P->rowStart.data(), P->columns.data(), P->values.data(),
                                            yf.data()};
        const float* rep = repulsion.data();
        double* yd = y.data();
        double* upd = update.data();
        double* gain = gains.data();
        float* next = yfNext.data();
        run(tasks, [&](int t) {
            const int i0 = t * detail::kTsneRowChunk, i1 = std::min(n, i0 + detail::kTsneRowChunk);
            float attraction[2 * detail::kTsneRowChunk];
            if (avx2)
                detail::attractionRowsAvx2(input, i0, i1, attraction);
            else
                detail::attractionRowsPortable(input, i0, i1, attraction);
            for (int i = i0; i < i1; ++i) {
                const std::int64_t k0 = 2 * std::int64_t(i);
                double step[2];
                for (int c = 0; c < 2; ++c) {
                    const std::int64_t k = k0 + c;
                    const double grad = exaggeration * attraction[2 * (i - i0) + c] - rep[k] * invZ;
                    const double u = upd[k];
                    // Both outcomes, then a select: the sign test is a coin
                    // flip, and a branch on it mispredicts half the time.
                    const double grown = gain[k] + kGainIncrease, shrunk = gain[k] * kGainDecay;
                    const double g = std::max(u * grad < 0.0 ? grown : shrunk, kMinGain);
                    gain[k] = g;
                    step[c] = momentum * u - learningRate * g * grad;
                }
                const double norm2 = step[0] * step[0] + step[1] * step[1];
                if (norm2 > maxStep2) {
                    const double s = config.maxStepNorm / std::sqrt(norm2);
                    step[0] *= s;
                    step[1] *= s;
                }
                for (int c = 0; c < 2; ++c) {
                    upd[k0 + c] = step[c];
                    yd[k0 + c] += step[c];
                    next[k0 + c] = float(yd[k0 + c]);
                }
            }
        });
        yf.swap(yfNext);
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
