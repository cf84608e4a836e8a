#include "core/projection/fft_interpolation.h"

#include "core/util/vector_clones.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace mnistx::projection
{

namespace
{

constexpr double kPi = 3.14159265358979323846;

// Column slice a task transforms through all FFT stages: 64 floats are four
// cache lines per row, and M rows of a slice (four planes) stay within L2.
constexpr int kSliceWidth = 64;
// Points per task in the per-point loops: large enough to amortise the task
// hand-out, small enough that two threads balance and cancellation polls often.
constexpr int kPointChunk = 4096;
// Square tiles of the blocked transposes: 32×32 floats of source and
// destination fit in L1 together.
constexpr int kTile = 32;
// Largest FFT size per axis: the grid of the transposed pass takes 16·M² bytes
// (256 MB here); beyond it the boxes just get wider than intervalWidth.
constexpr int kMaxFftSize = 4096;
// Box widths come in steps of 2^(1/8) (9%): fine enough to cost little
// accuracy, coarse enough that the width (and the kernel's transform) only
// changes every few iterations while the map grows.
constexpr double kWidthStepsPerOctave = 8.0;

// ---------------------------------------------------------------------------
// Complex FFT along axis 0 of a row-major array of split real/imaginary
// planes: every column is an independent transform, and a butterfly combines
// whole row segments, so the inner loops run over contiguous floats with one
// scalar twiddle and vectorise. Stockham autosort (no bit reversal), decimation
// in frequency, radices 4, 2 and 3.

struct FftStage {
    int radix = 2;
    int m = 1; // sub-transform length after this stage
    int s = 1; // interleaved sub-transforms before this stage
    // w^(p·u) for p < m, u = 1..radix-1 at [p·(radix-1) + u-1], w = exp(-2πi/(radix·m)).
    std::vector<float> twRe, twIm;
};

struct FftPlan {
    int size = 0;
    std::vector<FftStage> stages;
};

FftPlan makePlan(int size)
{
    std::vector<int> radices;
    int rest = size;
    while (rest % 4 == 0) {
        radices.push_back(4);
        rest /= 4;
    }
    while (rest % 2 == 0) {
        radices.push_back(2);
        rest /= 2;
    }
    while (rest % 3 == 0) {
        radices.push_back(3);
        rest /= 3;
    }
    if (rest != 1)
        throw std::logic_error("FFT size with a prime factor above 3");
    FftPlan plan;
    plan.size = size;
    int length = size;
    int s = 1;
    for (int r : radices) {
        FftStage st;
        st.radix = r;
        st.m = length / r;
        st.s = s;
        st.twRe.resize(std::size_t(st.m) * (r - 1));
        st.twIm.resize(st.twRe.size());
        for (int p = 0; p < st.m; ++p)
            for (int u = 1; u < r; ++u) {
                const double angle = -2.0 * kPi * double(p) * u / double(length);
                st.twRe[std::size_t(p) * (r - 1) + u - 1] = float(std::cos(angle));
                st.twIm[std::size_t(p) * (r - 1) + u - 1] = float(std::sin(angle));
            }
        plan.stages.push_back(std::move(st));
        length /= r;
        s *= r;
    }
    return plan;
}

// Four floats as one SSE register (GCC's and Clang's vector extension): the
// four charges or potentials of an interpolation node.
typedef float Float4 __attribute__((vector_size(16)));

inline Float4 load4(const float* at)
{
    Float4 v;
    __builtin_memcpy(&v, at, sizeof v);
    return v;
}

inline void store4(float* at, Float4 v)
{
    __builtin_memcpy(at, &v, sizeof v);
}

struct Planes {
    std::vector<float> re, im;
    void resize(std::size_t n)
    {
        re.resize(n);
        im.resize(n);
    }
};

// MNISTX_VECTOR_CLONES (core/util/vector_clones.h): an AVX2 clone next to
// the baseline one, picked at load time, so the butterflies run twice as wide.

// One stage on columns [c0, c0+w) of rows of stride L. sign = +1 forward, -1
// inverse (conjugate twiddles and roots of unity). The radix inputs are rows
// inStep apart below a[], the outputs rows outStep apart below b[]: four
// __restrict pointers in the loops' scope, which with the ivdep hint (the row
// segments never overlap) is what GCC needs to vectorise the butterflies.
MNISTX_VECTOR_CLONES
void fftStage(const FftStage& st, float sign, const float* xr, const float* xi, float* yr,
              float* yi, std::size_t L, int c0, int w)
{
    const int r = st.radix, m = st.m, s = st.s;
    const std::size_t i1 = std::size_t(s) * m * L, i2 = 2 * i1, i3 = 3 * i1; // radix inputs
    const std::size_t o1 = std::size_t(s) * L, o2 = 2 * o1, o3 = 3 * o1;     // radix outputs
    for (int p = 0; p < m; ++p) {
        const float* twr = st.twRe.data() + std::size_t(p) * (r - 1);
        const float* twi = st.twIm.data() + std::size_t(p) * (r - 1);
        const float w1r = twr[0], w1i = sign * twi[0];
        const float w2r = r > 2 ? twr[1] : 0.0f, w2i = r > 2 ? sign * twi[1] : 0.0f;
        const float w3r = r > 3 ? twr[2] : 0.0f, w3i = r > 3 ? sign * twi[2] : 0.0f;
        for (int q = 0; q < s; ++q) {
            const std::size_t in = (std::size_t(q) + std::size_t(s) * p) * L + c0;
            const std::size_t out = (std::size_t(q) + std::size_t(s) * r * p) * L + c0;
            const float* __restrict ar = xr + in;
            const float* __restrict ai = xi + in;
            float* __restrict br = yr + out;
            float* __restrict bi = yi + out;
            if (r == 2) {
#pragma GCC ivdep
                for (int e = 0; e < w; ++e) {
                    const float dr = ar[e] - ar[i1 + e], di = ai[e] - ai[i1 + e];
                    br[e] = ar[e] + ar[i1 + e];
                    bi[e] = ai[e] + ai[i1 + e];
                    br[o1 + e] = dr * w1r - di * w1i;
                    bi[o1 + e] = dr * w1i + di * w1r;
                }
            } else if (r == 4) {
#pragma GCC ivdep
                for (int e = 0; e < w; ++e) {
                    const float t0r = ar[e] + ar[i2 + e], t0i = ai[e] + ai[i2 + e];
                    const float t1r = ar[e] - ar[i2 + e], t1i = ai[e] - ai[i2 + e];
                    const float t2r = ar[i1 + e] + ar[i3 + e], t2i = ai[i1 + e] + ai[i3 + e];
                    const float t3r = ar[i1 + e] - ar[i3 + e], t3i = ai[i1 + e] - ai[i3 + e];
                    // ∓i·t3: the fourth root of unity of this direction.
                    const float jr = sign * t3i, ji = -sign * t3r;
                    br[e] = t0r + t2r;
                    bi[e] = t0i + t2i;
                    const float c1r = t1r + jr, c1i = t1i + ji;
                    const float c2r = t0r - t2r, c2i = t0i - t2i;
                    const float c3r = t1r - jr, c3i = t1i - ji;
                    br[o1 + e] = c1r * w1r - c1i * w1i;
                    bi[o1 + e] = c1r * w1i + c1i * w1r;
                    br[o2 + e] = c2r * w2r - c2i * w2i;
                    bi[o2 + e] = c2r * w2i + c2i * w2r;
                    br[o3 + e] = c3r * w3r - c3i * w3i;
                    bi[o3 + e] = c3r * w3i + c3i * w3r;
                }
            } else {                                            // r == 3
                const float h = sign * 0.86602540378443864676f; // sin(2π/3)
#pragma GCC ivdep
                for (int e = 0; e < w; ++e) {
                    const float sr = ar[i1 + e] + ar[i2 + e], si = ai[i1 + e] + ai[i2 + e];
                    const float dr = ar[i1 + e] - ar[i2 + e], di = ai[i1 + e] - ai[i2 + e];
                    const float mr = ar[e] - 0.5f * sr, mi = ai[e] - 0.5f * si;
                    br[e] = ar[e] + sr;
                    bi[e] = ai[e] + si;
                    const float c1r = mr + h * di, c1i = mi - h * dr;
                    const float c2r = mr - h * di, c2i = mi + h * dr;
                    br[o1 + e] = c1r * w1r - c1i * w1i;
                    bi[o1 + e] = c1r * w1i + c1i * w1r;
                    br[o2 + e] = c2r * w2r - c2i * w2i;
                    bi[o2 + e] = c2r * w2i + c2i * w2r;
                }
            }
        }
    }
}

// Transforms columns [c0, c0+w) along axis 0, ping-ponging between a and b.
// Returns true when the result ended in b (the same for every slice).
bool fftColumns(const FftPlan& plan, bool inverse, Planes& a, Planes& b, std::size_t L, int c0,
                int w)
{
    const float sign = inverse ? -1.0f : 1.0f;
    bool inB = false;
    for (const auto& st : plan.stages) {
        Planes& src = inB ? b : a;
        Planes& dst = inB ? a : b;
        fftStage(st, sign, src.re.data(), src.im.data(), dst.re.data(), dst.im.data(), L, c0, w);
        inB = !inB;
    }
    return inB;
}

bool resultInSecond(const FftPlan& plan)
{
    return plan.stages.size() % 2 == 1;
}

int slices(int width)
{
    return (width + kSliceWidth - 1) / kSliceWidth;
}

// Where a blocked transpose reads and writes: element (i, j) of a plane pair
// at data + i·stride + j, and with `half` > 0 a second matrix `half` floats
// to the right of the first (the two halves of the padded grid's rows).
struct TransposeSide {
    std::size_t stride = 0;
    std::size_t half = 0;
};

// dst(j, i) = src(i, j) for i < rows, j < cols (and the same between the
// second halves), on tasks of kTile destination rows; destination rows
// [cols, dstRows) are the zero padding and are cleared over their stride.
void transposeBlocked(const TaskRunner& run, const Planes& src, TransposeSide from, Planes& dst,
                      TransposeSide to, int rows, int cols, int dstRows)
{
    run((dstRows + kTile - 1) / kTile, [&](int t) {
        const int j0 = t * kTile, j1 = std::min(dstRows, j0 + kTile);
        for (int j = std::max(j0, cols); j < j1; ++j) {
            std::fill_n(dst.re.begin() + std::size_t(j) * to.stride, to.stride, 0.0f);
            std::fill_n(dst.im.begin() + std::size_t(j) * to.stride, to.stride, 0.0f);
        }
        const int jEnd = std::min(j1, cols);
        for (int i0 = 0; i0 < rows; i0 += kTile)
            for (int j = j0; j < jEnd; ++j)
                for (int i = i0; i < std::min(rows, i0 + kTile); ++i) {
                    const std::size_t a = std::size_t(i) * from.stride + j;
                    const std::size_t b = std::size_t(j) * to.stride + i;
                    dst.re[b] = src.re[a];
                    dst.im[b] = src.im[a];
                    if (from.half > 0) {
                        dst.re[b + to.half] = src.re[a + from.half];
                        dst.im[b + to.half] = src.im[a + from.half];
                    }
                }
    });
}

// Smallest 2^a·3^b ≥ n.
int smoothSizeAtLeast(int n)
{
    int best = std::numeric_limits<int>::max();
    for (long long p2 = 1; p2 < 2LL * n + 2; p2 *= 2)
        for (long long v = p2; v < 2LL * n + 2; v *= 3)
            if (v >= n && v < best)
                best = int(v);
    return best;
}

} // namespace

struct FftRepulsion::Impl {
    FftRepulsionConfig config;
    FftPlan plan;
    int boxes = 0;
    // The Lagrange nodes t_l = (l+½)/p inside a box, and 1 / Π_{j≠l}(t_l − t_j).
    std::vector<double> lagrangeNode, lagrangeScale;

    // Per point: its box, and the p Lagrange weights of its position inside
    // along each axis (N×p), shared by spreading and interpolation.
    std::vector<std::int32_t> boxX, boxY;
    std::vector<float> weightX, weightY;
    // Points sorted by box row (stable): each spreading task owns whole box
    // rows, i.e. disjoint grid rows, and adds in index order → deterministic.
    std::vector<std::int32_t> order;
    std::vector<std::int32_t> rowStart;

    // The n × n interpolation nodes with their four charges (or potentials)
    // side by side, [1, x, y, x²+y²] per node: a point's spreading and
    // interpolation then work on all four at once, a vector per node.
    std::vector<float> nodes4;
    Planes grid[2];               // M × 2n: charges [1, x | y, x²+y²] as re/im, then potentials
    Planes wide[2];               // M × 2M: after the first axis, transposed (a | b side by side)
    Planes kernel[2];             // M × M kernel grid and its transform
    std::vector<float> kernelHat; // M × M, real, scaled by 1/M²
    int kernelSize = 0;           // M and node spacing kernelHat was made for
    double kernelSpacing = 0.0;

    std::vector<double> chunkZ;
    std::vector<float> chunkMin, chunkMax;
    std::vector<char> chunkBad;

    // Weights of the p nodes for a position f ∈ [0,1] inside a box: for node l,
    // scale_l · Π_{j≠l} (f − t_j) multiplied up in the order of j, as two
    // loops around l (one loop testing j ≠ l branched on every factor).
    template <int FixedP> void lagrangeWeights(double f, float* w) const
    {
        const int p = FixedP > 0 ? FixedP : config.nodesPerInterval;
        double offset[16]; // p ≤ 16 (checked by the constructor)
        for (int j = 0; j < p; ++j)
            offset[j] = f - lagrangeNode[j];
        for (int l = 0; l < p; ++l) {
            double num = lagrangeScale[l];
            for (int j = 0; j < l; ++j)
                num *= offset[j];
            for (int j = l + 1; j < p; ++j)
                num *= offset[j];
            w[l] = float(num);
        }
    }

    // FftRepulsion::compute with p = FixedP nodes per box, a constant the
    // per-point loops unroll (FixedP = 0: p as configured). With p = 3 fixed,
    // one repulsion of a million points took 46–47 ms instead of 58–59 ms
    // (one thread), the million-point layout 7 % less.
    template <int FixedP>
    double compute(const RowMatrixXf& y, RowMatrixXf& forces, const TaskRunner& run);
};

FftRepulsion::FftRepulsion(FftRepulsionConfig config) : m_impl(std::make_unique<Impl>())
{
    if (config.nodesPerInterval < 1 || config.nodesPerInterval > 16)
        throw std::invalid_argument("FFT repulsion: nodesPerInterval must be in [1, 16]");
    if (!(config.intervalWidth > 0))
        throw std::invalid_argument("FFT repulsion: intervalWidth must be positive");
    if (config.minIntervals < 1)
        throw std::invalid_argument("FFT repulsion: minIntervals must be at least 1");
    m_impl->config = config;
    const int p = config.nodesPerInterval;
    m_impl->lagrangeNode.resize(p);
    for (int l = 0; l < p; ++l)
        m_impl->lagrangeNode[l] = (l + 0.5) / p;
    m_impl->lagrangeScale.resize(p);
    for (int l = 0; l < p; ++l) {
        double d = 1.0;
        for (int j = 0; j < p; ++j)
            if (j != l)
                d *= double(l - j) / p;
        m_impl->lagrangeScale[l] = 1.0 / d;
    }
}

FftRepulsion::~FftRepulsion() = default;

int FftRepulsion::fftSize() const
{
    return m_impl->plan.size;
}
int FftRepulsion::intervals() const
{
    return m_impl->boxes;
}

double FftRepulsion::compute(const RowMatrixXf& y, RowMatrixXf& forces, const TaskRunner& run)
{
    // FIt-SNE's and our default, 3 nodes per box, as a constant.
    return m_impl->config.nodesPerInterval == 3 ? m_impl->compute<3>(y, forces, run)
                                                : m_impl->compute<0>(y, forces, run);
}

template <int FixedP>
double FftRepulsion::Impl::compute(const RowMatrixXf& y, RowMatrixXf& forces, const TaskRunner& run)
{
    Impl& d = *this;
    const int N = int(y.rows());
    if (y.cols() != 2)
        throw std::invalid_argument("FFT repulsion: the map must have two columns");
    forces.resize(N, 2);
    if (N == 0)
        return 0.0;
    // A constant expression when FixedP is set: then the loops' lambdas use
    // the constant, not a captured copy.
    const int p = FixedP > 0 ? FixedP : d.config.nodesPerInterval;
    const int pointTasks = (N + kPointChunk - 1) / kPointChunk;

    // Bounding square of the map (both axes share one interval grid).
    d.chunkMin.assign(pointTasks, 0.0f);
    d.chunkMax.assign(pointTasks, 0.0f);
    d.chunkBad.assign(pointTasks, 0);
    run(pointTasks, [&](int t) {
        const int i0 = t * kPointChunk, i1 = std::min(N, i0 + kPointChunk);
        float lo = std::numeric_limits<float>::infinity(), hi = -lo;
        bool bad = false;
        for (int i = i0; i < i1; ++i)
            for (int c = 0; c < 2; ++c) {
                const float v = y(i, c);
                bad |= !std::isfinite(v);
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        d.chunkMin[t] = lo;
        d.chunkMax[t] = hi;
        d.chunkBad[t] = bad;
    });
    if (std::any_of(d.chunkBad.begin(), d.chunkBad.end(), [](char b) { return b != 0; }))
        throw std::invalid_argument("FFT repulsion: non-finite map coordinates");
    const float lo = *std::min_element(d.chunkMin.begin(), d.chunkMin.end());
    const float hi = *std::max_element(d.chunkMax.begin(), d.chunkMax.end());
    // A map of coincident points still needs a non-empty box; 1e-6 is far
    // below any distance the kernel resolves.
    const double extent = std::max(double(hi) - double(lo), 1e-6);
    const double centre = 0.5 * (double(lo) + double(hi));

    // Grid: M = 2^a·3^b ≥ 2·p·B with B ≥ the boxes the extent needs; then as
    // many boxes as fit that M, since the FFT costs the same either way.
    const double need =
        std::max<double>(d.config.minIntervals, std::ceil(extent / d.config.intervalWidth));
    const int M = std::min(smoothSizeAtLeast(int(std::min<double>(2.0 * p * need, kMaxFftSize))),
                           kMaxFftSize);
    const int B = std::max(1, M / (2 * p));
    const int n = p * B;
    // Box width: the narrowest of intervalWidth·2^(−k/8), k ≥ 0, with which B
    // boxes cover the map — at most 9% wider than extent/B, and the same from
    // one iteration to the next while the map grows by less than that, so
    // the kernel's transform (which depends on the node spacing) is reused.
    const double steps =
        std::floor(kWidthStepsPerOctave * std::log2(d.config.intervalWidth * B / extent));
    double boxWidth =
        d.config.intervalWidth * std::exp2(-std::max(0.0, steps) / kWidthStepsPerOctave);
    if (boxWidth * B < extent) // rounding at a step's edge, or M at its cap
        boxWidth = extent / B;
    const double spacing = boxWidth / p; // between neighbouring grid nodes
    if (d.plan.size != M) {
        d.plan = makePlan(M);
        for (auto& g : d.grid)
            g.resize(std::size_t(M) * 2 * n);
        for (auto& g : d.wide)
            g.resize(std::size_t(M) * 2 * M);
        for (auto& g : d.kernel)
            g.resize(std::size_t(M) * M);
        d.kernelHat.resize(std::size_t(M) * M);
    }
    d.boxes = B;
    const std::size_t Lg = std::size_t(2) * n; // grid row length (a | b)
    const std::size_t Lw = std::size_t(2) * M; // wide row length (a | b)

    // Box of every point and the interpolation weights of its position inside.
    d.boxX.resize(N);
    d.boxY.resize(N);
    d.weightX.resize(std::size_t(N) * p);
    d.weightY.resize(std::size_t(N) * p);
    const double invBox = 1.0 / boxWidth;
    run(pointTasks, [&](int t) {
        const int i0 = t * kPointChunk, i1 = std::min(N, i0 + kPointChunk);
        for (int i = i0; i < i1; ++i) {
            const double gx = (double(y(i, 0)) - lo) * invBox;
            const double gy = (double(y(i, 1)) - lo) * invBox;
            const int bx = std::min(B - 1, std::max(0, int(gx)));
            const int by = std::min(B - 1, std::max(0, int(gy)));
            d.boxX[i] = bx;
            d.boxY[i] = by;
            d.lagrangeWeights<FixedP>(gx - bx, d.weightX.data() + std::size_t(i) * p);
            d.lagrangeWeights<FixedP>(gy - by, d.weightY.data() + std::size_t(i) * p);
        }
    });
    d.rowStart.assign(B + 1, 0);
    for (int i = 0; i < N; ++i)
        ++d.rowStart[d.boxY[i] + 1];
    for (int b = 0; b < B; ++b)
        d.rowStart[b + 1] += d.rowStart[b];
    d.order.resize(N);
    {
        std::vector<std::int32_t> fill(d.rowStart.begin(), d.rowStart.end() - 1);
        for (int i = 0; i < N; ++i)
            d.order[fill[d.boxY[i]]++] = i;
    }

    // Spread the charges: each task owns a run of box rows (node rows
    // [p·b0, p·b1)), clears them, adds its points in index order, then copies
    // them into the grid's planes; the last task clears the grid's zero
    // padding rows [n, M). All four charges of a node are added as one
    // vector (the same sums as four scalar adds): one repulsion of a million
    // points (M = 576, one thread) took 59–60 ms instead of 73–77 ms.
    // About 32 tasks: box rows hold very different numbers of points, and
    // many small tasks let the threads even that out.
    const int rowsPerTask = std::max(1, (B + 31) / 32);
    const int spreadTasks = (B + rowsPerTask - 1) / rowsPerTask;
    Planes& g0 = d.grid[0];
    d.nodes4.resize(std::size_t(n) * n * 4);
    // Point i's first node (top left of its box), counted in nodes; its p×p
    // nodes follow at + mrow·n + l.
    const auto firstNode = [&](int i) { return (std::int64_t(d.boxY[i]) * n + d.boxX[i]) * p; };
    run(spreadTasks + 1, [&](int t) {
        if (t == spreadTasks) {
            std::fill(g0.re.begin() + std::size_t(n) * Lg, g0.re.end(), 0.0f);
            std::fill(g0.im.begin() + std::size_t(n) * Lg, g0.im.end(), 0.0f);
            return;
        }
        const int b0 = t * rowsPerTask, b1 = std::min(B, b0 + rowsPerTask);
        float* nodes = d.nodes4.data();
        std::fill(nodes + std::size_t(p) * b0 * n * 4, nodes + std::size_t(p) * b1 * n * 4, 0.0f);
        // The p² nodes of the current box, held in registers while
        // consecutive points fall in the same box (most do: the points are
        // in the map's Morton order): adding through memory chained each
        // point's adds to the last one's stores. The same sums, in the
        // same order.
        Float4 box[FixedP > 0 ? FixedP * FixedP : 256];
        std::int64_t boxAt = -1; // the current box's first node, in nodes4
        const auto flush = [&] {
            if (boxAt >= 0)
                for (int mrow = 0; mrow < p; ++mrow)
                    for (int l = 0; l < p; ++l)
                        store4(nodes + 4 * (boxAt + std::int64_t(mrow) * n + l), box[mrow * p + l]);
        };
        for (int k = d.rowStart[b0]; k < d.rowStart[b1]; ++k) {
            const int i = d.order[k];
            const std::int64_t at = firstNode(i);
            if (at != boxAt) {
                flush();
                boxAt = at;
                for (int mrow = 0; mrow < p; ++mrow)
                    for (int l = 0; l < p; ++l)
                        box[mrow * p + l] = load4(nodes + 4 * (at + std::int64_t(mrow) * n + l));
            }
            const float* wx = d.weightX.data() + std::size_t(i) * p;
            const float* wy = d.weightY.data() + std::size_t(i) * p;
            const float ux = float(double(y(i, 0)) - centre);
            const float uy = float(double(y(i, 1)) - centre);
            const Float4 charge = {1.0f, ux, uy, ux * ux + uy * uy};
            for (int mrow = 0; mrow < p; ++mrow)
                for (int l = 0; l < p; ++l) {
                    const float w = wy[mrow] * wx[l];
                    box[mrow * p + l] += w * charge;
                }
        }
        flush();
        for (std::size_t r = std::size_t(p) * b0; r < std::size_t(p) * b1; ++r)
            for (int col = 0; col < n; ++col) {
                const float* node = nodes + (r * n + col) * 4;
                g0.re[r * Lg + col] = node[0];
                g0.im[r * Lg + col] = node[1];
                g0.re[r * Lg + n + col] = node[2];
                g0.im[r * Lg + n + col] = node[3];
            }
    });

    // Kernel 1/(1+d²)² between grid nodes, as a circulant M×M grid, and its
    // transform (real: the kernel is even), scaled by the inverse FFT's 1/M².
    const bool kernelInSecond = resultInSecond(d.plan);
    if (d.kernelSize != M || d.kernelSpacing != spacing) {
        d.kernelSize = 0; // invalid until complete: the runner may throw midway
        Planes& k0 = d.kernel[0];
        const int rowTasks = (M + kTile - 1) / kTile;
        const double s2 = spacing * spacing;
        run(rowTasks, [&](int t) {
            const int r0 = t * kTile, r1 = std::min(M, r0 + kTile);
            for (int r = r0; r < r1; ++r) {
                const double dr = std::min(r, M - r);
                for (int c = 0; c < M; ++c) {
                    const double dc = std::min(c, M - c);
                    const double q = 1.0 / (1.0 + s2 * (dr * dr + dc * dc));
                    k0.re[std::size_t(r) * M + c] = float(q * q);
                    k0.im[std::size_t(r) * M + c] = 0.0f;
                }
            }
        });
        run(slices(M), [&](int t) {
            const int c0 = t * kSliceWidth;
            fftColumns(d.plan, false, d.kernel[0], d.kernel[1], M, c0,
                       std::min(kSliceWidth, M - c0));
        });
        // Transpose into the other buffer, transform the new columns.
        transposeBlocked(run, d.kernel[kernelInSecond ? 1 : 0], {std::size_t(M), 0},
                         d.kernel[kernelInSecond ? 0 : 1], {std::size_t(M), 0}, M, M, M);
        Planes& first = kernelInSecond ? d.kernel[0] : d.kernel[1];
        Planes& second = kernelInSecond ? d.kernel[1] : d.kernel[0];
        const float scale = float(1.0 / (double(M) * M));
        run(slices(M), [&](int t) {
            const int c0 = t * kSliceWidth;
            const int w = std::min(kSliceWidth, M - c0);
            const bool inSecond = fftColumns(d.plan, false, first, second, M, c0, w);
            const Planes& res = inSecond ? second : first;
            for (int r = 0; r < M; ++r)
                for (int c = c0; c < c0 + w; ++c)
                    d.kernelHat[std::size_t(r) * M + c] = res.re[std::size_t(r) * M + c] * scale;
        });
        d.kernelSize = M;
        d.kernelSpacing = spacing;
    }

    // Charges, first axis.
    run(slices(int(Lg)), [&](int t) {
        const int c0 = t * kSliceWidth;
        fftColumns(d.plan, false, d.grid[0], d.grid[1], Lg, c0,
                   std::min<int>(kSliceWidth, int(Lg) - c0));
    });
    const Planes& g1 = d.grid[kernelInSecond ? 1 : 0];
    // Transpose: wide[c][kr] = a[kr][c], wide[c][M+kr] = b[kr][c] for c < n;
    // rows [n, M) are the zero padding of the second axis.
    transposeBlocked(run, g1, {Lg, std::size_t(n)}, d.wide[0], {Lw, std::size_t(M)}, M, n, M);
    // Second axis forward, multiply by the kernel's transform, back again —
    // all on one column slice while it sits in cache.
    const bool wideInSecond = resultInSecond(d.plan); // after forward; inverse flips back
    run(slices(int(Lw)), [&](int t) {
        const int c0 = t * kSliceWidth;
        const int w = std::min<int>(kSliceWidth, int(Lw) - c0);
        fftColumns(d.plan, false, d.wide[0], d.wide[1], Lw, c0, w);
        Planes& res = d.wide[wideInSecond ? 1 : 0];
        for (int r = 0; r < M; ++r) {
            float* re = res.re.data() + std::size_t(r) * Lw;
            float* im = res.im.data() + std::size_t(r) * Lw;
            const float* kh = d.kernelHat.data() + std::size_t(r) * M;
            for (int c = c0; c < c0 + w; ++c) {
                const float k = kh[c < M ? c : c - M];
                re[c] *= k;
                im[c] *= k;
            }
        }
        if (wideInSecond)
            fftColumns(d.plan, true, d.wide[1], d.wide[0], Lw, c0, w);
        else
            fftColumns(d.plan, true, d.wide[0], d.wide[1], Lw, c0, w);
    });
    // After forward + inverse the result is back where it started (even number
    // of passes in total).
    const Planes& wres = d.wide[0];
    // Transpose back the rows c < n into the grid buffer that is free.
    Planes& g2 = d.grid[kernelInSecond ? 0 : 1];
    transposeBlocked(run, wres, {Lw, std::size_t(M)}, g2, {Lg, std::size_t(n)}, n, M, M);
    Planes& other = d.grid[kernelInSecond ? 1 : 0];
    run(slices(int(Lg)), [&](int t) {
        const int c0 = t * kSliceWidth;
        fftColumns(d.plan, true, g2, other, Lg, c0, std::min<int>(kSliceWidth, int(Lg) - c0));
    });
    const Planes& pot = kernelInSecond ? other : g2;

    // Interpolate the four potentials back to the points, from the nodes'
    // potentials side by side (as the charges were spread).
    const int nodeRowTasks = (n + kTile - 1) / kTile;
    run(nodeRowTasks, [&](int t) {
        const int r0 = t * kTile, r1 = std::min(n, r0 + kTile);
        for (std::size_t r = r0; r < std::size_t(r1); ++r)
            for (int col = 0; col < n; ++col) {
                float* node = d.nodes4.data() + (r * n + col) * 4;
                node[0] = pot.re[r * Lg + col];
                node[1] = pot.im[r * Lg + col];
                node[2] = pot.re[r * Lg + n + col];
                node[3] = pot.im[r * Lg + n + col];
            }
    });
    d.chunkZ.assign(pointTasks, 0.0);
    run(pointTasks, [&](int t) {
        const int i0 = t * kPointChunk, i1 = std::min(N, i0 + kPointChunk);
        double z = 0.0;
        for (int i = i0; i < i1; ++i) {
            const float* wx = d.weightX.data() + std::size_t(i) * p;
            const float* wy = d.weightY.data() + std::size_t(i) * p;
            double phi[4] = {0.0, 0.0, 0.0, 0.0};
            for (int mrow = 0; mrow < p; ++mrow) {
                const float* node = d.nodes4.data() + 4 * (firstNode(i) + std::int64_t(mrow) * n);
                Float4 sum = {0.0f, 0.0f, 0.0f, 0.0f};
                for (int l = 0; l < p; ++l)
                    sum += wx[l] * load4(node + 4 * l);
                for (int c = 0; c < 4; ++c)
                    phi[c] += double(wy[mrow]) * sum[c];
            }
            const double ux = double(y(i, 0)) - centre;
            const double uy = double(y(i, 1)) - centre;
            // Σ_j 1/(1+d²) = Σ_j (1 + |u_i|² − 2u_i·u_j + |u_j|²)/(1+d²)², minus the self term 1.
            z += (1.0 + ux * ux + uy * uy) * phi[0] - 2.0 * (ux * phi[1] + uy * phi[2]) + phi[3] -
                 1.0;
            forces(i, 0) = float(ux * phi[0] - phi[1]);
            forces(i, 1) = float(uy * phi[0] - phi[2]);
        }
        d.chunkZ[t] = z;
    });
    double Z = 0.0;
    for (double z : d.chunkZ)
        Z += z;
    return Z;
}

double exactRepulsion(const RowMatrixXf& y, RowMatrixXd& forces)
{
    const Eigen::Index N = y.rows();
    forces.setZero(N, 2);
    double Z = 0.0;
    for (Eigen::Index i = 0; i < N; ++i) {
        double fx = 0.0, fy = 0.0, zi = 0.0;
        for (Eigen::Index j = 0; j < N; ++j) {
            if (j == i)
                continue;
            const double dx = double(y(i, 0)) - y(j, 0);
            const double dy = double(y(i, 1)) - y(j, 1);
            const double q = 1.0 / (1.0 + dx * dx + dy * dy);
            zi += q;
            fx += q * q * dx;
            fy += q * q * dy;
        }
        forces(i, 0) = fx;
        forces(i, 1) = fy;
        Z += zi;
    }
    return Z;
}

} // namespace mnistx::projection
