// UMAP's layout: the deterministic parallel SGD.

#include "core/projection/keyed_random.h"
#include "core/projection/morton_code.h"
#include "core/projection/umap_steps.h"
#include "core/projection/umap_terms.h"
#include "core/util/vector_kernels.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::projection
{

namespace
{

#ifndef MNISTX_UMAP_VECTOR_TERMS
// min/max rather than std::clamp's comparisons: compiles to minss/maxss, no
// unpredictable branches in the SGD's inner loop.
inline float clip(float g)
{
    return std::min(std::max(g, -kGradientClip), kGradientClip);
}
#endif

// ---------------------------------------------------------------------------
// SGD layout.
//
// umap-learn walks the edges in order; every sample moves both ends and reads
// live coordinates, and its threads race on them (Hogwild), so parallel runs
// are not reproducible. Here the points are cut into chunks of neighbouring
// points (equal-count runs of a Morton order of the current map, recomputed
// as the map takes shape) and each epoch runs the chunks in parallel. Within
// its chunk a task replays each point's samples in order as plain sequential
// SGD: the point moves itself, reading live positions of points in its own
// chunk and start-of-epoch positions of all others. A point is written only by
// its chunk and read elsewhere only from the snapshot, so an epoch is a pure
// function of its inputs, whatever the thread count or schedule. Because most
// neighbours share a chunk, this behaves like sequential SGD: reading every
// neighbour from the snapshot (a Jacobi step) lets mutually attracted pairs
// overshoot each other while the learning rate is high, and cost 0.008 in
// trustworthiness on 70,000 MNIST points; the chunks recover the value of a
// faithful sequential umap-learn replay (0.957 on the PCA-of-pixels stand-in,
// umap-learn itself 0.956). Moving only the head of each sample (umap-learn
// also moves the tail) measured as good as moving both, and keeps writes
// private to the chunk.

struct Edge {
    std::int32_t tail;     // in the current numbering (see UmapLayout)
    float epochsPerSample; // epochs between two samples = w_max / w
    float nextSample;      // epoch of the next attractive sample
    float nextNegative;    // epoch of the next negative sample
};

// Points per chunk of the SGD: large enough that most of a point's graph
// neighbours share its chunk (4,096 keeps the trustworthiness of sequential
// SGD on MNIST; 273 lost 0.005), small enough for ~2 ms tasks at 70,000 points
// so two threads balance and cancellation stays prompt.
constexpr int kChunkPoints = 4096;

// The SGD state. Points are renumbered so that every chunk is a contiguous
// range: its edges and coordinates then stream through the cache in order
// (random rows of a 20+ MB edge list cost a cache miss per point otherwise),
// and "same chunk" is a range test.
class UmapLayout
{
public:
    UmapLayout(const FuzzyGraph& graph, const RowMatrixXf& initial, const UmapConfig& config,
               int epochs);

    int chunks() const { return static_cast<int>(m_chunkStart.size()) - 1; }
    // Renumbers the points so that chunks hold neighbours on the current map.
    void regroup();
    // One epoch of the points of `chunk`: reads the snapshot (the map at the
    // start of the epoch) for other chunks, writes the chunk's rows of live.
    void moveChunk(int chunk, int epoch, float alpha);
    // After all chunks of an epoch.
    void endEpoch() { m_snapshot = m_live; }
    // The current map in the caller's order.
    void currentMap(RowMatrixXf& out) const;

private:
    int m_n = 0;
    float m_a = 0, m_b = 0, m_gamma = 0, m_negativeRate = 0;
    std::uint64_t m_seed = 0;
    std::vector<std::int32_t> m_original; // current number → caller's index
    std::vector<std::int64_t> m_rowStart;
    std::vector<Edge> m_edges;
    std::vector<std::int32_t> m_chunkStart; // chunk → first point, chunks + 1
    RowMatrixXf m_live;
    RowMatrixXf m_snapshot;
};

UmapLayout::UmapLayout(const FuzzyGraph& graph, const RowMatrixXf& initial,
                       const UmapConfig& config, int epochs)
    : m_n(graph.n), m_live(initial), m_snapshot(initial)
{
    const UmapCurve curve = fitUmapCurve(config.minDist, config.spread);
    m_a = static_cast<float>(curve.a);
    m_b = static_cast<float>(curve.b);
    m_gamma = static_cast<float>(config.repulsionStrength);
    m_negativeRate = static_cast<float>(config.negativeSampleRate);
    m_seed = config.seed;

    float maxWeight = 0.0f;
    for (const float w : graph.weights)
        maxWeight = std::max(maxWeight, w);
    // umap-learn drops edges that would be sampled less than once in the run
    // (with ≤ 10 epochs it judges by the default count instead).
    const int judgedEpochs = epochs > 10 ? epochs : detail::umapEpochs(0, graph.n);
    const float threshold = maxWeight / static_cast<float>(judgedEpochs);

    m_rowStart.assign(static_cast<std::size_t>(m_n) + 1, 0);
    m_edges.reserve(graph.weights.size());
    for (int i = 0; i < m_n; ++i) {
        for (std::int64_t e = graph.rowStart[i]; e < graph.rowStart[i + 1]; ++e) {
            const float w = graph.weights[static_cast<std::size_t>(e)];
            if (w < threshold || w <= 0.0f)
                continue;
            const float epochsPerSample = maxWeight / w;
            const float epochsPerNegative =
                m_negativeRate > 0 ? epochsPerSample / m_negativeRate : 0.0f;
            m_edges.push_back({graph.columns[static_cast<std::size_t>(e)], epochsPerSample,
                               epochsPerSample, epochsPerNegative});
        }
        m_rowStart[static_cast<std::size_t>(i) + 1] = static_cast<std::int64_t>(m_edges.size());
    }
    m_original.resize(static_cast<std::size_t>(m_n));
    for (int i = 0; i < m_n; ++i)
        m_original[static_cast<std::size_t>(i)] = i;

    const int chunks = std::max(1, (m_n + kChunkPoints / 2) / kChunkPoints);
    m_chunkStart.resize(static_cast<std::size_t>(chunks) + 1);
    for (int c = 0; c <= chunks; ++c)
        m_chunkStart[static_cast<std::size_t>(c)] =
            static_cast<std::int32_t>(std::int64_t(c) * m_n / chunks);
}

void UmapLayout::regroup()
{
    if (chunks() == 1)
        return; // one chunk: plain sequential SGD in index order
    // Morton (Z-order) codes on a 2^16 grid: sorting by them keeps runs of
    // points spatially compact. The current number in the low bits breaks ties.
    const float x0 = m_live.col(0).minCoeff(), x1 = m_live.col(0).maxCoeff();
    const float y0 = m_live.col(1).minCoeff(), y1 = m_live.col(1).maxCoeff();
    const float sx = x1 > x0 ? 65535.0f / (x1 - x0) : 0.0f;
    const float sy = y1 > y0 ? 65535.0f / (y1 - y0) : 0.0f;
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(m_n));
    for (int i = 0; i < m_n; ++i) {
        const auto qx = static_cast<std::uint32_t>((m_live(i, 0) - x0) * sx);
        const auto qy = static_cast<std::uint32_t>((m_live(i, 1) - y0) * sy);
        const std::uint64_t code = detail::mortonCode(qx, qy);
        keys[static_cast<std::size_t>(i)] = (code << 32) | static_cast<std::uint32_t>(i);
    }
    std::sort(keys.begin(), keys.end());

    // newNumber[old] and the permuted state.
    std::vector<std::int32_t> oldOf(static_cast<std::size_t>(m_n)),
        newOf(static_cast<std::size_t>(m_n));
    for (int i = 0; i < m_n; ++i) {
        const auto old = static_cast<std::int32_t>(keys[static_cast<std::size_t>(i)] & 0xFFFFFFFFu);
        oldOf[static_cast<std::size_t>(i)] = old;
        newOf[static_cast<std::size_t>(old)] = i;
    }
    std::vector<std::int32_t> original(static_cast<std::size_t>(m_n));
    std::vector<std::int64_t> rowStart(static_cast<std::size_t>(m_n) + 1, 0);
    std::vector<Edge> edges(m_edges.size());
    RowMatrixXf live(m_n, 2);
    for (int i = 0; i < m_n; ++i) {
        const auto old = static_cast<std::size_t>(oldOf[static_cast<std::size_t>(i)]);
        original[static_cast<std::size_t>(i)] = m_original[old];
        live.row(i) = m_live.row(static_cast<Eigen::Index>(old));
        std::int64_t at = rowStart[static_cast<std::size_t>(i)];
        for (std::int64_t e = m_rowStart[old]; e < m_rowStart[old + 1]; ++e) {
            Edge edge = m_edges[static_cast<std::size_t>(e)];
            edge.tail = newOf[static_cast<std::size_t>(edge.tail)];
            edges[static_cast<std::size_t>(at++)] = edge;
        }
        rowStart[static_cast<std::size_t>(i) + 1] = at;
    }
    m_original.swap(original);
    m_rowStart.swap(rowStart);
    m_edges.swap(edges);
    m_live = std::move(live);
    m_snapshot = m_live;
}

void UmapLayout::currentMap(RowMatrixXf& out) const
{
    out.resize(m_n, 2);
    for (int i = 0; i < m_n; ++i)
        out.row(m_original[static_cast<std::size_t>(i)]) = m_live.row(i);
}

inline void prefetch(const void* address)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address);
#else
    (void)address;
#endif
}

// Negative samples drawn ahead of use: the random points do not depend on any
// position, so a chunk's stream is drawn kLookahead samples early and their
// coordinates prefetched. At 1,000,000 points the map (8 MB) no longer fits
// in L2 and waiting for each negative sample's cache miss cost more than all
// the arithmetic.
constexpr int kLookahead = 32; // power of two; ~6 edge samples ahead

void UmapLayout::moveChunk(int chunk, int epoch, float alpha)
{
    const float fe = static_cast<float>(epoch);
    const GradientTerms terms{m_a, m_b, -2.0f * m_a * m_b, 2.0f * m_gamma * m_b};
#ifdef MNISTX_UMAP_VECTOR_TERMS
    const bool avx2 = util::avx2KernelsEnabled();
#endif
    const auto n = static_cast<std::uint32_t>(m_n);
    const auto lo = static_cast<std::uint32_t>(m_chunkStart[static_cast<std::size_t>(chunk)]);
    const auto hi = static_cast<std::uint32_t>(m_chunkStart[static_cast<std::size_t>(chunk) + 1]);
    float* live = m_live.data();
    const float* snapshot = m_snapshot.data();
    // Own chunk live, others as at the start of the epoch (one unsigned
    // comparison tests lo ≤ u < hi).
    auto position = [&](std::uint32_t u) {
        return (u - lo < hi - lo ? live : snapshot) + 2 * static_cast<std::size_t>(u);
    };
    // One stream per (seed, epoch, chunk): chunks do not depend on the thread
    // count, so neither do the samples.
    detail::KeyedRandom random(m_seed, static_cast<std::uint64_t>(epoch),
                               static_cast<std::uint64_t>(chunk));
    std::uint32_t ahead[kLookahead];
    for (std::uint32_t& k : ahead) {
        k = random.below(n);
        prefetch(position(k));
    }
    unsigned head = 0;
    auto nextSample = [&] {
        const std::uint32_t k = ahead[head];
        const std::uint32_t refill = random.below(n);
        ahead[head] = refill;
        prefetch(position(refill));
        head = (head + 1) & (kLookahead - 1);
        return k;
    };

    for (std::uint32_t v = lo; v < hi; ++v) {
        float x = live[2 * static_cast<std::size_t>(v)];
        float y = live[2 * static_cast<std::size_t>(v) + 1];
        Edge* edge = m_edges.data() + m_rowStart[v];
        Edge* const stop = m_edges.data() + m_rowStart[std::size_t(v) + 1];
        for (; edge != stop; ++edge) {
            if (edge->nextSample > fe)
                continue;
            edge->nextSample += edge->epochsPerSample;
            int negatives = 0;
            if (m_negativeRate > 0.0f) {
                const float epochsPerNegative = edge->epochsPerSample / m_negativeRate;
                negatives = static_cast<int>((fe - edge->nextNegative) / epochsPerNegative);
                edge->nextNegative += static_cast<float>(negatives) * epochsPerNegative;
            }
            // The attraction and this sample's negative samples are all taken
            // at the point's position before the sample: independent terms
            // overlap in the CPU (and share SIMD lanes) instead of forming one
            // chain of dependent latencies (2× faster even in scalar code;
            // umap-learn applies them one after another, which measured no
            // better: trustworthiness 0.955 either way).
            const float* t = position(static_cast<std::uint32_t>(edge->tail));
#ifdef MNISTX_UMAP_VECTOR_TERMS
            // The terms go eight at a time into the vector kernel (one AVX2
            // pass or two SSE2 ones) and are added up as four lanes in the
            // order they came, whichever kernel ran (umap_terms.h).
            alignas(32) float dx[8], dy[8], isAttraction[8], tx[8], ty[8];
            float gx[4] = {0.0f, 0.0f, 0.0f, 0.0f}, gy[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            dx[0] = x - t[0];
            dy[0] = y - t[1];
            isAttraction[0] = 1.0f;
            int lanes = 1;
            const auto flush = [&] {
                for (int l = lanes; l < 8; ++l) { // padding: attractions at distance 0
                    dx[l] = dy[l] = 0.0f;
                    isAttraction[l] = 1.0f;
                }
                if (avx2) {
                    evaluateTermsAvx2(terms, dx, dy, isAttraction, tx, ty);
                } else {
                    evaluateTerms<4>(terms, dx, dy, isAttraction, tx, ty);
                    if (lanes > 4)
                        evaluateTerms<4>(terms, dx + 4, dy + 4, isAttraction + 4, tx + 4, ty + 4);
                }
                for (int half = 0; half < (lanes > 4 ? 2 : 1); ++half)
                    for (int l = 0; l < 4; ++l) {
                        gx[l] += tx[4 * half + l];
                        gy[l] += ty[4 * half + l];
                    }
                lanes = 0;
            };
            for (int s = 0; s < negatives; ++s) {
                const std::uint32_t k = nextSample();
                if (k == v)
                    continue;
                const float* o = position(k);
                dx[lanes] = x - o[0];
                dy[lanes] = y - o[1];
                isAttraction[lanes] = 0.0f;
                if (++lanes == 8)
                    flush();
            }
            if (lanes > 0)
                flush();
            x += ((gx[0] + gx[2]) + (gx[1] + gx[3])) * alpha;
            y += ((gy[0] + gy[2]) + (gy[1] + gy[3])) * alpha;
#else
            float gx = 0.0f;
            float gy = 0.0f;
            {
                const float dx = x - t[0];
                const float dy = y - t[1];
                const float d2 = dx * dx + dy * dy;
                if (d2 > 0.0f) {
                    const float p = std::pow(d2, terms.b - 1.0f); // d^(2b−2)
                    const float coeff = terms.attract * p / (terms.a * p * d2 + 1.0f);
                    gx += clip(coeff * dx);
                    gy += clip(coeff * dy);
                }
            }
            for (int s = 0; s < negatives; ++s) {
                const std::uint32_t k = nextSample();
                if (k == v)
                    continue;
                const float* o = position(k);
                const float dx = x - o[0];
                const float dy = y - o[1];
                const float d2 = dx * dx + dy * dy;
                if (d2 > 0.0f) {
                    const float coeff = terms.repel / ((kRepulsionEpsilon + d2) *
                                                       (terms.a * std::pow(d2, terms.b) + 1.0f));
                    gx += clip(coeff * dx);
                    gy += clip(coeff * dy);
                } else { // coincident points: umap-learn's fixed push
                    gx += kGradientClip;
                    gy += kGradientClip;
                }
            }
            x += gx * alpha;
            y += gy * alpha;
#endif
        }
        live[2 * static_cast<std::size_t>(v)] = x;
        live[2 * static_cast<std::size_t>(v) + 1] = y;
    }
}

// Epochs at which the chunks are regrouped on the current map: 0, 5, 10, 20,
// 40 and then every 40, often while the clusters form and rarely once they
// have settled (as good as every 10 epochs, measured, at a fraction of the
// renumbering).
bool regroupAt(int epoch)
{
    return epoch == 0 || epoch == 5 || epoch == 10 || epoch == 20 || epoch % 40 == 0;
}

} // namespace

RowMatrixXf detail::umapLayout(const FuzzyGraph& graph, const RowMatrixXf& initial,
                               const UmapConfig& config, WorkerPool& pool,
                               ProgressReporter& reporter)
{
    const int n = graph.n;
    if (initial.rows() != n || initial.cols() != 2)
        throw std::invalid_argument("UMAP: the starting map must be " + std::to_string(n) +
                                    "×2 (got " + std::to_string(initial.rows()) + "×" +
                                    std::to_string(initial.cols()) + ")");
    if (!initial.allFinite())
        throw std::invalid_argument("UMAP: the starting map has NaN or infinite coordinates");
    if (static_cast<std::int64_t>(graph.rowStart.size()) != std::int64_t(n) + 1)
        throw std::invalid_argument("UMAP: malformed fuzzy graph");

    const int epochs = umapEpochs(config.epochs, n);
    UmapLayout layout(graph, initial, config, epochs);

    RowMatrixXf map = initial;
    reporter.setStage("optimise", epochs);
    reporter.report(&map);
    const std::function<bool()> poll = reporter.poll();
    int epoch = 0;
    float alpha = 0.0f;
    const std::function<void(int)> moveChunk = [&](int chunk) {
        layout.moveChunk(chunk, epoch, alpha);
    };
    for (epoch = 0; epoch < epochs; ++epoch) {
        if (regroupAt(epoch))
            layout.regroup();
        // umap-learn's schedule: epoch e steps with lr·(1 − e/epochs).
        alpha = static_cast<float>(config.learningRate * (1.0 - double(epoch) / epochs));
        reporter.setIteration(epoch); // what heartbeats during the epoch say
        if (!pool.run(layout.chunks(), moveChunk, poll))
            throw Cancelled();
        layout.endEpoch();
        if ((epoch + 1) % config.layoutEvery == 0 || epoch + 1 == epochs) {
            layout.currentMap(map);
            reporter.setIteration(epoch + 1);
            reporter.report(&map);
        }
    }
    layout.currentMap(map);
    return map;
}

RowMatrixXf umapOptimise(const FuzzyGraph& graph, const RowMatrixXf& initial,
                         const UmapConfig& config, const ProgressCallback& progress)
{
    validateUmapConfig(config);
    detail::ProgressReporter reporter(progress);
    detail::WorkerPool pool(config.threads);
    return detail::umapLayout(graph, initial, config, pool, reporter);
}

} // namespace mnistx::projection
