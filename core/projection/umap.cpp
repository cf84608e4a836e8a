#include "core/projection/umap.h"

#include "core/projection/parallel_tasks.h"

#include <Eigen/Eigenvalues>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace mnistx::projection {

namespace {

using Clock = std::chrono::steady_clock;

// umap-learn's epoch defaults: small data sets get more epochs because each
// epoch is cheap and the layout visibly improves up to ~500.
constexpr int kSmallDataEpochs = 500;
constexpr int kLargeDataEpochs = 200;
constexpr int kSmallDataUpTo = 10000;
// smooth_knn_dist's constants: bisection tolerance on the membership sum,
// step limit, and the floor of sigma relative to the mean neighbour distance
// (keeps sigma > 0 for points whose neighbours all sit at rho).
constexpr double kSmoothKTolerance = 1e-5;
constexpr int kSmoothKSteps = 64;
constexpr double kMinSigmaScale = 1e-3;
// Gradient clip per coordinate (umap-learn, uwot): one sample must not fling a
// point across the map.
constexpr float kGradientClip = 4.0f;

// min/max rather than std::clamp's comparisons: compiles to minss/maxss, no
// unpredictable branches in the SGD's inner loop.
inline float clip(float g)
{
    return std::min(std::max(g, -kGradientClip), kGradientClip);
}
// The repulsive gradient's 0.001 in 1/((0.001 + d²)(1 + a·d^2b)) keeps it
// finite for coincident points (umap-learn's value).
constexpr float kRepulsionEpsilon = 0.001f;
// The initial map spans [0, 10] per axis: umap-learn normalises every
// initialisation to that range, and its gradients (clip 4, min_dist 0.1) are
// tuned to maps of this size.
constexpr float kInitialExtent = 10.0f;
// Noise added to the initial map (map units): separates points with identical
// features, whose repulsion would otherwise push them all the same way
// (umap-learn adds the same amount to its spectral initialisation).
constexpr float kInitialNoise = 1e-4f;
// Points per task of the per-point loops of the graph construction: a few
// hundred microseconds of work, so two threads balance.
constexpr int kPointChunk = 2048;
// Rows per task of the PCA covariance product (2 MB of 64-D rows per task).
constexpr int kPcaRowChunk = 8192;
// Least-squares fit of a, b: Levenberg–Marquardt as scipy's curve_fit, from
// its start (1, 1), on 300 samples of [0, 3·spread] as find_ab_params.
constexpr int kCurveSamples = 300;
constexpr int kCurveIterations = 200;
// Where each step of umapEmbed ends on the progress bar (ProjectionProgress::
// fraction): the measured stage times on MNIST's 70,000 features, kNN graph
// 4.3 s, fuzzy graph 0.2 s, layout 7.1 s (docs/PERFORMANCE.md).
constexpr double kKnnShareEnd = 0.37;
constexpr double kGraphShareEnd = 0.39;

// ---------------------------------------------------------------------------
// Random numbers: independent streams keyed by (seed, stream, item) — item a
// point or an SGD chunk — so that what is drawn never depends on which thread
// draws it or in which order.

std::uint64_t splitMix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

class KeyedRandom {
public:
    KeyedRandom(std::uint64_t seed, std::uint64_t stream, std::uint64_t item)
        : m_state(splitMix(splitMix(seed ^ splitMix(stream)) ^ item))
    {
    }
    std::uint64_t next()
    {
        m_state += 0x9E3779B97F4A7C15ull;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) by multiply-shift (Lemire), no division.
    std::uint32_t below(std::uint32_t n)
    {
        return static_cast<std::uint32_t>(((next() >> 32) * std::uint64_t(n)) >> 32);
    }
    // Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

// Streams of KeyedRandom, so that no two uses draw the same numbers: epoch e's
// negative samples use stream e (< 2^40), the initialisation these.
constexpr std::uint64_t kStreamInitialNoise = 1ull << 40;
constexpr std::uint64_t kStreamRandomInit = (1ull << 40) + 1;

// ---------------------------------------------------------------------------

void validate(const UmapConfig& c)
{
    auto fail = [](const std::string& what) { throw std::invalid_argument("UMAP: " + what); };
    if (c.nNeighbors < 2)
        fail("n_neighbors must be at least 2 (got " + std::to_string(c.nNeighbors) + ")");
    if (!(c.spread > 0) || !std::isfinite(c.spread))
        fail("spread must be positive (got " + std::to_string(c.spread) + ")");
    if (!(c.minDist >= 0) || c.minDist > c.spread)
        fail("min_dist must be in [0, spread] (got " + std::to_string(c.minDist) + ")");
    if (c.epochs < 0)
        fail("epochs must be ≥ 0 (got " + std::to_string(c.epochs) + ")");
    if (!(c.learningRate > 0) || !std::isfinite(c.learningRate))
        fail("learning rate must be positive (got " + std::to_string(c.learningRate) + ")");
    if (c.negativeSampleRate < 0)
        fail("negative sample rate must be ≥ 0");
    if (!(c.repulsionStrength >= 0) || !std::isfinite(c.repulsionStrength))
        fail("repulsion strength must be ≥ 0");
    if (!(c.localConnectivity >= 0) || !std::isfinite(c.localConnectivity))
        fail("local connectivity must be ≥ 0");
    if (c.threads < 0)
        fail("threads must be ≥ 0");
    if (c.layoutEvery < 1)
        fail("layoutEvery must be at least 1");
    if (c.knnMethod != "auto" && c.knnMethod != "hnsw" && c.knnMethod != "exact")
        fail("unknown kNN method '" + c.knnMethod + "' (known: auto, hnsw, exact)");
}

int resolveEpochs(int epochs, int n)
{
    if (epochs > 0)
        return epochs;
    return n <= kSmallDataUpTo ? kSmallDataEpochs : kLargeDataEpochs;
}

// Calls the user's callback; an empty callback never cancels.
class Reporter {
public:
    explicit Reporter(const ProgressCallback& callback) : m_callback(callback) {}
    // The slice [from, to] of the whole run that the next steps' iterations
    // fill (the whole of it when only the layout runs).
    void setShare(double from, double to)
    {
        m_from = from;
        m_to = to;
    }
    // Throws Cancelled when the callback says stop.
    void report(const char* stage, int iteration, int total, const RowMatrixXf* layout = nullptr)
    {
        if (!call(stage, iteration, total, layout))
            throw Cancelled();
    }
    bool call(const char* stage, int iteration, int total, const RowMatrixXf* layout = nullptr)
    {
        if (!m_callback)
            return true;
        ProjectionProgress p;
        p.stage = stage;
        p.iteration = iteration;
        p.totalIterations = total;
        p.layout = layout;
        p.fraction =
            m_from +
            (m_to - m_from) * (total > 0 ? std::clamp(double(iteration) / total, 0.0, 1.0) : 0.0);
        return m_callback(p);
    }

private:
    const ProgressCallback& m_callback;
    double m_from = 0.0;
    double m_to = 1.0;
};

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
    std::int32_t tail;     // in the current numbering (see Layout)
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
class Layout {
public:
    Layout(const FuzzyGraph& graph, const RowMatrixXf& initial, const UmapConfig& config,
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

Layout::Layout(const FuzzyGraph& graph, const RowMatrixXf& initial, const UmapConfig& config,
               int epochs)
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
    const int judgedEpochs = epochs > 10 ? epochs : resolveEpochs(0, graph.n);
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

void Layout::regroup()
{
    if (chunks() == 1)
        return; // one chunk: plain sequential SGD in index order
    // Morton (Z-order) codes on a 2^16 grid: sorting by them keeps runs of
    // points spatially compact. The current number in the low bits breaks ties.
    const float x0 = m_live.col(0).minCoeff(), x1 = m_live.col(0).maxCoeff();
    const float y0 = m_live.col(1).minCoeff(), y1 = m_live.col(1).maxCoeff();
    const float sx = x1 > x0 ? 65535.0f / (x1 - x0) : 0.0f;
    const float sy = y1 > y0 ? 65535.0f / (y1 - y0) : 0.0f;
    auto interleave = [](std::uint32_t v) { // bits 0..15 → even bits 0..30
        v &= 0xFFFFu;
        v = (v | (v << 8)) & 0x00FF00FFu;
        v = (v | (v << 4)) & 0x0F0F0F0Fu;
        v = (v | (v << 2)) & 0x33333333u;
        v = (v | (v << 1)) & 0x55555555u;
        return v;
    };
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(m_n));
    for (int i = 0; i < m_n; ++i) {
        const auto qx = static_cast<std::uint32_t>((m_live(i, 0) - x0) * sx);
        const auto qy = static_cast<std::uint32_t>((m_live(i, 1) - y0) * sy);
        const std::uint64_t code = interleave(qx) | (std::uint64_t(interleave(qy)) << 1);
        keys[static_cast<std::size_t>(i)] = (code << 32) | static_cast<std::uint32_t>(i);
    }
    std::sort(keys.begin(), keys.end());

    // newNumber[old] and the permuted state.
    std::vector<std::int32_t> oldOf(static_cast<std::size_t>(m_n)), newOf(static_cast<std::size_t>(m_n));
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

void Layout::currentMap(RowMatrixXf& out) const
{
    out.resize(m_n, 2);
    for (int i = 0; i < m_n; ++i)
        out.row(m_original[static_cast<std::size_t>(i)]) = m_live.row(i);
}

// ---------------------------------------------------------------------------
// The gradient terms of one edge sample — its attraction and its negative
// samples, all at the point's position before the sample — evaluated four at
// a time with SSE2 (x86-64's baseline) where available. Scalar libm powf was
// a third of the SGD's time; this path computes d^(2b) as exp2(b·log2(d²))
// with Cephes' float polynomials (relative error < 2e-6, far below the
// sampling noise of the SGD) and the whole sample in ~4× fewer instructions.

struct GradientTerms {
    float a, b;
    float attract; // −2ab
    float repel;   // 2γb
};

#if defined(__SSE2__)
#define MNISTX_UMAP_SSE2 1

inline __m128 select(__m128 mask, __m128 ifTrue, __m128 ifFalse)
{
    return _mm_or_ps(_mm_and_ps(mask, ifTrue), _mm_andnot_ps(mask, ifFalse));
}

// log2(x) for positive normal x.
inline __m128 log2Ps(__m128 x)
{
    const __m128i bits = _mm_castps_si128(x);
    const __m128i exponent = _mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127));
    __m128 m = _mm_castsi128_ps(_mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007FFFFF)),
                                             _mm_set1_epi32(0x3F800000))); // [1, 2)
    const __m128 one = _mm_set1_ps(1.0f);
    const __m128 high = _mm_cmpgt_ps(m, _mm_set1_ps(1.41421356f)); // centre on 1: [√½, √2)
    m = select(high, _mm_mul_ps(m, _mm_set1_ps(0.5f)), m);
    const __m128 e = _mm_add_ps(_mm_cvtepi32_ps(exponent), _mm_and_ps(high, one));
    const __m128 t = _mm_sub_ps(m, one);
    const __m128 z = _mm_mul_ps(t, t);
    // Cephes logf: ln(1+t) = t − z/2 + t·z·P(t).
    __m128 p = _mm_set1_ps(7.0376836292e-2f);
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(-1.1514610310e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(1.1676998740e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(-1.2420140846e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(1.4249322787e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(-1.6668057665e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(2.0000714765e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(-2.4999993993e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, t), _mm_set1_ps(3.3333331174e-1f));
    const __m128 ln =
        _mm_add_ps(t, _mm_sub_ps(_mm_mul_ps(_mm_mul_ps(t, z), p), _mm_mul_ps(_mm_set1_ps(0.5f), z)));
    return _mm_add_ps(e, _mm_mul_ps(ln, _mm_set1_ps(1.44269504088896341f)));
}

// 2^y, y clamped to the normal range.
inline __m128 exp2Ps(__m128 y)
{
    y = _mm_min_ps(_mm_max_ps(y, _mm_set1_ps(-126.0f)), _mm_set1_ps(126.0f));
    const __m128 one = _mm_set1_ps(1.0f);
    // i = round(y) via floor(y + ½); truncation rounds negatives up, fix that.
    const __m128 shifted = _mm_add_ps(y, _mm_set1_ps(0.5f));
    __m128 i = _mm_cvtepi32_ps(_mm_cvttps_epi32(shifted));
    i = _mm_sub_ps(i, _mm_and_ps(_mm_cmpgt_ps(i, shifted), one));
    const __m128 f = _mm_sub_ps(y, i); // [−½, ½]
    // Cephes exp2f: 2^f = 1 + f·P(f).
    __m128 p = _mm_set1_ps(1.535336188319500e-4f);
    p = _mm_add_ps(_mm_mul_ps(p, f), _mm_set1_ps(1.339887440266574e-3f));
    p = _mm_add_ps(_mm_mul_ps(p, f), _mm_set1_ps(9.618437357674640e-3f));
    p = _mm_add_ps(_mm_mul_ps(p, f), _mm_set1_ps(5.550332471162809e-2f));
    p = _mm_add_ps(_mm_mul_ps(p, f), _mm_set1_ps(2.402264791363012e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, f), _mm_set1_ps(6.931472028550421e-1f));
    const __m128 mantissa = _mm_add_ps(one, _mm_mul_ps(f, p));
    const __m128i scale = _mm_slli_epi32(_mm_add_epi32(_mm_cvttps_epi32(i), _mm_set1_epi32(127)), 23);
    return _mm_mul_ps(mantissa, _mm_castsi128_ps(scale));
}

// Up to four terms: lanes with attract[l] ≠ 0 are attractions, the others
// repulsions; unused lanes are attractions at distance 0 (they add nothing).
// Adds the clipped gradient components to gx, gy.
inline void addTerms(const GradientTerms& g, const float* dx, const float* dy,
                     const float* isAttraction, __m128& gx, __m128& gy)
{
    const __m128 vx = _mm_loadu_ps(dx);
    const __m128 vy = _mm_loadu_ps(dy);
    const __m128 attraction = _mm_cmpneq_ps(_mm_loadu_ps(isAttraction), _mm_setzero_ps());
    const __m128 d2 = _mm_add_ps(_mm_mul_ps(vx, vx), _mm_mul_ps(vy, vy));
    const __m128 zero = _mm_cmpeq_ps(d2, _mm_setzero_ps());
    const __m128 safe = _mm_max_ps(d2, _mm_set1_ps(std::numeric_limits<float>::min()));
    const __m128 power = exp2Ps(_mm_mul_ps(_mm_set1_ps(g.b), log2Ps(safe))); // d^(2b)
    const __m128 q = _mm_add_ps(_mm_set1_ps(1.0f), _mm_mul_ps(_mm_set1_ps(g.a), power));
    // attraction: −2ab·d^(2b−2)/(1 + a·d^(2b)) = −2ab·d^(2b) / (d²·q)
    // repulsion:  2γb / ((0.001 + d²)·q)
    const __m128 numerator =
        select(attraction, _mm_mul_ps(_mm_set1_ps(g.attract), power), _mm_set1_ps(g.repel));
    const __m128 denominator =
        _mm_mul_ps(select(attraction, safe, _mm_add_ps(d2, _mm_set1_ps(kRepulsionEpsilon))), q);
    const __m128 coeff = _mm_div_ps(numerator, denominator);
    const __m128 lo = _mm_set1_ps(-kGradientClip), hi = _mm_set1_ps(kGradientClip);
    __m128 tx = _mm_min_ps(_mm_max_ps(_mm_mul_ps(coeff, vx), lo), hi);
    __m128 ty = _mm_min_ps(_mm_max_ps(_mm_mul_ps(coeff, vy), lo), hi);
    // Coincident points: attractions add nothing, repulsions umap-learn's
    // fixed push of +4 on both axes.
    const __m128 coincident = select(attraction, _mm_setzero_ps(), hi);
    tx = select(zero, coincident, tx);
    ty = select(zero, coincident, ty);
    gx = _mm_add_ps(gx, tx);
    gy = _mm_add_ps(gy, ty);
}

inline float horizontalSum(__m128 v)
{
    const __m128 pair = _mm_add_ps(v, _mm_movehl_ps(v, v));
    return _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)));
}
#endif

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

void Layout::moveChunk(int chunk, int epoch, float alpha)
{
    const float fe = static_cast<float>(epoch);
    const GradientTerms terms{m_a, m_b, -2.0f * m_a * m_b, 2.0f * m_gamma * m_b};
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
    KeyedRandom random(m_seed, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(chunk));
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
#ifdef MNISTX_UMAP_SSE2
            alignas(16) float dx[4], dy[4], isAttraction[4] = {1.0f, 0.0f, 0.0f, 0.0f};
            dx[0] = x - t[0];
            dy[0] = y - t[1];
            int lanes = 1;
            __m128 gx = _mm_setzero_ps(), gy = _mm_setzero_ps();
            for (int s = 0; s < negatives; ++s) {
                const std::uint32_t k = nextSample();
                if (k == v)
                    continue;
                const float* o = position(k);
                dx[lanes] = x - o[0];
                dy[lanes] = y - o[1];
                isAttraction[lanes] = 0.0f;
                if (++lanes == 4) {
                    addTerms(terms, dx, dy, isAttraction, gx, gy);
                    lanes = 0;
                }
            }
            if (lanes > 0) {
                for (int l = lanes; l < 4; ++l) { // padding: attractions at distance 0
                    dx[l] = dy[l] = 0.0f;
                    isAttraction[l] = 1.0f;
                }
                addTerms(terms, dx, dy, isAttraction, gx, gy);
            }
            x += horizontalSum(gx) * alpha;
            y += horizontalSum(gy) * alpha;
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

RowMatrixXf optimise(const FuzzyGraph& graph, const RowMatrixXf& initial, const UmapConfig& config,
                     Reporter& reporter)
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

    const int epochs = resolveEpochs(config.epochs, n);
    const int threads = detail::resolveThreads(config.threads);
    Layout layout(graph, initial, config, epochs);

    RowMatrixXf map = initial;
    int epoch = 0;
    detail::Heartbeat heartbeat([&] { return reporter.call("optimise", epoch, epochs); });
    reporter.report("optimise", 0, epochs, &map);

    for (epoch = 0; epoch < epochs; ++epoch) {
        if (regroupAt(epoch))
            layout.regroup();
        // umap-learn's schedule: epoch e steps with lr·(1 − e/epochs).
        const float alpha = static_cast<float>(config.learningRate * (1.0 - double(epoch) / epochs));
        const bool carriedOn = detail::parallelTasks(
            layout.chunks(), threads,
            [&](int chunk) { layout.moveChunk(chunk, epoch, alpha); },
            [&] { return heartbeat(); });
        if (!carriedOn)
            throw Cancelled();
        layout.endEpoch();
        if ((epoch + 1) % config.layoutEvery == 0 || epoch + 1 == epochs) {
            layout.currentMap(map);
            reporter.report("optimise", epoch + 1, epochs, &map);
        }
    }
    layout.currentMap(map);
    return map;
}

// ---------------------------------------------------------------------------
// Initialisation.

// Scales each axis to [0, kInitialExtent] and adds the tie-breaking noise.
void normaliseInitialLayout(RowMatrixXf& map, std::uint64_t seed)
{
    for (Eigen::Index c = 0; c < map.cols(); ++c) {
        const float lo = map.col(c).minCoeff();
        const float hi = map.col(c).maxCoeff();
        const float scale = hi > lo ? kInitialExtent / (hi - lo) : 0.0f;
        map.col(c) = ((map.col(c).array() - lo) * scale).matrix();
    }
    for (Eigen::Index i = 0; i < map.rows(); ++i) {
        KeyedRandom random(seed, kStreamInitialNoise, static_cast<std::uint64_t>(i));
        for (Eigen::Index c = 0; c < map.cols(); ++c)
            map(i, c) += kInitialNoise * static_cast<float>(2.0 * random.uniform() - 1.0);
    }
}

RowMatrixXf pcaLayout(const RowMatrixXf& points, int threads)
{
    const Eigen::Index n = points.rows();
    const Eigen::Index d = points.cols();
    const Eigen::RowVectorXd mean = points.cast<double>().colwise().mean();
    const Eigen::RowVectorXf meanF = mean.cast<float>();

    // Covariance by blocks of rows in fixed task order (float products of the
    // centred rows, summed in double), independent of the thread count.
    const int tasks = static_cast<int>((n + kPcaRowChunk - 1) / kPcaRowChunk);
    std::vector<Eigen::MatrixXd> partial(static_cast<std::size_t>(tasks));
    detail::parallelTasks(tasks, threads, [&](int task) {
        const Eigen::Index r0 = Eigen::Index(task) * kPcaRowChunk;
        const Eigen::Index rn = std::min<Eigen::Index>(kPcaRowChunk, n - r0);
        const RowMatrixXf centred = points.middleRows(r0, rn).rowwise() - meanF;
        Eigen::MatrixXf product = Eigen::MatrixXf::Zero(d, d);
        product.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
        partial[static_cast<std::size_t>(task)] = product.cast<double>();
    });
    Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(d, d);
    for (const auto& p : partial)
        covariance += p;
    covariance = covariance.selfadjointView<Eigen::Lower>();

    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    // Eigenvalues ascend: the last columns are the leading components.
    Eigen::MatrixXf components = Eigen::MatrixXf::Zero(d, 2);
    for (int c = 0; c < 2 && c < d; ++c) {
        Eigen::VectorXd v = solver.eigenvectors().col(d - 1 - c);
        // Eigenvectors have no sign: make the largest coefficient positive so
        // that the map does not flip between platforms or library versions.
        Eigen::Index largest = 0;
        v.cwiseAbs().maxCoeff(&largest);
        if (v[largest] < 0)
            v = -v;
        components.col(c) = v.cast<float>();
    }
    RowMatrixXf map(n, 2);
    detail::parallelTasks(tasks, threads, [&](int task) {
        const Eigen::Index r0 = Eigen::Index(task) * kPcaRowChunk;
        const Eigen::Index rn = std::min<Eigen::Index>(kPcaRowChunk, n - r0);
        map.middleRows(r0, rn).noalias() =
            (points.middleRows(r0, rn).rowwise() - meanF) * components;
    });
    return map;
}

RowMatrixXf randomLayout(Eigen::Index n, std::uint64_t seed)
{
    RowMatrixXf map(n, 2);
    for (Eigen::Index i = 0; i < n; ++i) {
        KeyedRandom random(seed, kStreamRandomInit, static_cast<std::uint64_t>(i));
        map(i, 0) = static_cast<float>(random.uniform());
        map(i, 1) = static_cast<float>(random.uniform());
    }
    return map;
}

} // namespace

// ---------------------------------------------------------------------------

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

SmoothKnn smoothKnnCalibration(const KnnGraph& graph, double localConnectivity, int threads)
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
    detail::parallelTasks(tasks, detail::resolveThreads(threads), [&](int task) {
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

FuzzyGraph fuzzySimplicialSet(const KnnGraph& graph, const SmoothKnn& calibration, int threads)
{
    const int n = graph.n;
    const int k = graph.k;
    if (static_cast<int>(calibration.rho.size()) != n || static_cast<int>(calibration.sigma.size()) != n)
        throw std::invalid_argument("UMAP: calibration does not match the kNN graph");
    threads = detail::resolveThreads(threads);
    const int tasks = (n + kPointChunk - 1) / kPointChunk;

    // Directed memberships, each row sorted by neighbour index for merging.
    std::vector<std::pair<std::int32_t, float>> directed(static_cast<std::size_t>(n) * k);
    detail::parallelTasks(tasks, threads, [&](int task) {
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
    detail::parallelTasks(tasks, threads, [&](int task) {
        const int end = std::min(n, (task + 1) * kPointChunk);
        for (int i = task * kPointChunk; i < end; ++i)
            fuzzy.rowStart[static_cast<std::size_t>(i) + 1] = mergeRow(i, nullptr, nullptr);
    });
    for (int i = 0; i < n; ++i)
        fuzzy.rowStart[static_cast<std::size_t>(i) + 1] += fuzzy.rowStart[static_cast<std::size_t>(i)];
    fuzzy.columns.resize(static_cast<std::size_t>(fuzzy.rowStart.back()));
    fuzzy.weights.resize(static_cast<std::size_t>(fuzzy.rowStart.back()));
    detail::parallelTasks(tasks, threads, [&](int task) {
        const int end = std::min(n, (task + 1) * kPointChunk);
        for (int i = task * kPointChunk; i < end; ++i) {
            const auto at = static_cast<std::size_t>(fuzzy.rowStart[static_cast<std::size_t>(i)]);
            mergeRow(i, fuzzy.columns.data() + at, fuzzy.weights.data() + at);
        }
    });
    return fuzzy;
}

RowMatrixXf umapInitialLayout(const RowMatrixXf& points, const UmapConfig& config)
{
    validate(config);
    if (points.rows() < 1 || points.cols() < 1)
        throw std::invalid_argument("UMAP: no points to lay out");
    RowMatrixXf map = config.initialisation == UmapInitialisation::Pca
                          ? pcaLayout(points, detail::resolveThreads(config.threads))
                          : randomLayout(points.rows(), config.seed);
    normaliseInitialLayout(map, config.seed);
    return map;
}

RowMatrixXf umapOptimise(const FuzzyGraph& graph, const RowMatrixXf& initial,
                         const UmapConfig& config, const ProgressCallback& progress)
{
    validate(config);
    Reporter reporter(progress);
    return optimise(graph, initial, config, reporter);
}

RowMatrixXf umapEmbed(const RowMatrixXf& points, const UmapConfig& config,
                      const ProgressCallback& progress)
{
    validate(config);
    const Eigen::Index n = points.rows();
    if (n < 2)
        throw std::invalid_argument("UMAP: needs at least 2 points (got " + std::to_string(n) + ")");
    if (points.cols() < 1)
        throw std::invalid_argument("UMAP: points have no coordinates");
    if (!points.allFinite())
        throw std::invalid_argument("UMAP: a feature value is NaN or infinite");
    Reporter reporter(progress);
    const int threads = detail::resolveThreads(config.threads);

    reporter.setShare(0.0, kKnnShareEnd);
    reporter.report("knn", 0, 100);
    KnnConfig knn;
    knn.k = static_cast<int>(std::min<Eigen::Index>(config.nNeighbors, n) - 1);
    knn.threads = threads;
    knn.seed = config.seed;
    knn.method = config.knnMethod;
    const KnnGraph graph = buildKnnGraph(points, knn, [&](double fraction) {
        return reporter.call("knn", static_cast<int>(std::lround(100 * fraction)), 100);
    });
    reporter.report("knn", 100, 100);

    reporter.setShare(kKnnShareEnd, kGraphShareEnd);
    reporter.report("graph", 0, 2);
    const SmoothKnn calibration = smoothKnnCalibration(graph, config.localConnectivity, threads);
    const FuzzyGraph fuzzy = fuzzySimplicialSet(graph, calibration, threads);
    reporter.report("graph", 1, 2);
    RowMatrixXf initial = umapInitialLayout(points, config);
    reporter.report("graph", 2, 2);
    reporter.setShare(kGraphShareEnd, 1.0);
    return optimise(fuzzy, initial, config, reporter);
}

UmapProjector::UmapProjector(UmapConfig config) : m_config(std::move(config))
{
    validate(m_config);
}

Projection UmapProjector::project(const RowMatrixXf& train, const RowMatrixXf& validation,
                                  const ProgressCallback& progress)
{
    const auto start = Clock::now();
    if (validation.rows() > 0 && validation.cols() != train.cols())
        throw std::invalid_argument("UMAP: train and validation features differ in width (" +
                                    std::to_string(train.cols()) + " vs " +
                                    std::to_string(validation.cols()) + ")");
    RowMatrixXf all(train.rows() + validation.rows(), train.cols());
    all.topRows(train.rows()) = train;
    if (validation.rows() > 0)
        all.bottomRows(validation.rows()) = validation;
    const RowMatrixXf map = umapEmbed(all, m_config, progress);

    Projection out;
    out.method = "umap";
    out.train = map.topRows(train.rows());
    out.validation = map.bottomRows(validation.rows());
    out.parameters = {
        {"n_neighbors", double(m_config.nNeighbors)},
        {"min_dist", m_config.minDist},
        {"epochs", double(resolveEpochs(m_config.epochs, static_cast<int>(all.rows())))},
        {"seed", double(m_config.seed)},
    };
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

} // namespace mnistx::projection
