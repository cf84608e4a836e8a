#include "core/projection/tsne.h"
#include "core/util/vector_clones.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace mnistx::projection {

namespace {

using Clock = std::chrono::steady_clock;

// Rows per task in the per-point loops (calibration, forces, update): enough
// work to amortise handing out a task, small enough for two threads to balance
// and for the calling thread to poll for cancellation every few milliseconds.
constexpr int kRowChunk = 2048;
// Longest silence of the progress callback while work runs: a quarter of the
// 100 ms cancellation budget.
constexpr auto kHeartbeat = std::chrono::milliseconds(25);
// How long an idle pool thread busy-waits for the next parallel loop before
// it sleeps: an iteration's ~10 loops come microseconds apart, a futex
// wake-up costs ~10–50 µs, and 50 µs of spinning per iteration is noise.
constexpr auto kSpin = std::chrono::microseconds(50);
// The search for β stops at this entropy error (nats): 100× tighter than the
// tested 1e-3, and reached in a few Newton steps.
constexpr double kEntropyTolerance = 1e-5;
// Step limit: even pure bisection (doubling/halving from the start value)
// spans 2^±100 within it, wider than float distances can need.
constexpr int kCalibrationSteps = 200;
// openTSNE's initial spread: tiny, so that the first iterations are driven by
// the affinities rather than by the initial distances.
constexpr double kInitialStd = 1e-4;
// Delta-bar-delta gains (Jacobs 1988) with the constants of every reference
// implementation: +0.2 when the gradient changes sign, ×0.8 otherwise, ≥ 0.01.
constexpr double kGainIncrease = 0.2;
constexpr double kGainDecay = 0.8;
constexpr double kMinGain = 0.01;
// Where each step of a full t-SNE run ends on the progress bar
// (ProjectionProgress::fraction): the measured stage times at 10^6 points,
// kNN 137.5 s, affinities 15.0 s, layout 135.7 s (docs/PERFORMANCE.md).
constexpr double kKnnShareEnd = 0.48;
constexpr double kAffinitiesShareEnd = 0.53;

int resolveThreads(int threads)
{
    if (threads > 0)
        return threads;
    return std::max(1, int(std::thread::hardware_concurrency()));
}

// A fixed set of threads that run the tasks of one parallel loop at a time.
// The calling thread takes part and, between its tasks, calls poll(); when poll
// returns false, no further tasks start and run() throws Cancelled once the
// running ones are done. Tasks write disjoint outputs, so the schedule (which
// thread runs which task) never changes a result.
class WorkerPool {
public:
    explicit WorkerPool(int threads)
    {
        for (int t = 1; t < threads; ++t)
            m_workers.emplace_back([this] { workerLoop(); });
    }
    ~WorkerPool()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
        }
        m_wake.notify_all();
        for (auto& w : m_workers)
            w.join();
    }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void setPoll(std::function<bool()> poll) { m_poll = std::move(poll); }

    TaskRunner runner()
    {
        return [this](int tasks, const std::function<void(int)>& body) { run(tasks, body); };
    }

    void run(int tasks, const std::function<void(int)>& body)
    {
        if (tasks <= 0)
            return;
        m_error = nullptr;
        m_stop.store(false);
        bool cancelled = false;
        if (m_workers.empty() || tasks == 1) {
            for (int t = 0; t < tasks && !cancelled; ++t) {
                body(t);
                cancelled = m_poll && !m_poll();
            }
        } else {
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_body = &body;
                m_tasks = tasks;
                m_next.store(0);
                m_active.store(int(m_workers.size()));
                m_generation.store(m_generation.load() + 1);
            }
            m_wake.notify_all();
            while (!m_stop.load(std::memory_order_relaxed)) {
                const int t = m_next.fetch_add(1);
                if (t >= tasks)
                    break;
                try {
                    body(t);
                    if (m_poll && !m_poll()) {
                        cancelled = true;
                        m_stop.store(true);
                    }
                } catch (...) {
                    recordError(std::current_exception());
                }
            }
            spinUntil([this] { return m_active.load() == 0; });
            std::unique_lock<std::mutex> lock(m_mutex);
            m_done.wait(lock, [this] { return m_active.load() == 0; });
            m_body = nullptr;
        }
        if (m_error)
            std::rethrow_exception(m_error);
        if (cancelled)
            throw Cancelled();
    }

private:
    void recordError(std::exception_ptr e)
    {
        std::lock_guard<std::mutex> lock(m_errorMutex);
        if (!m_error)
            m_error = e;
        m_stop.store(true);
    }

    // Busy-waits up to kSpin for done() before the caller blocks: the loops
    // of one iteration follow each other within microseconds, and a futex
    // sleep and wake-up costs more than that.
    template <typename Done>
    static void spinUntil(Done done)
    {
        const auto until = Clock::now() + kSpin;
        while (!done() && Clock::now() < until) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
    }

    void workerLoop()
    {
        std::uint64_t seen = 0;
        for (;;) {
            const std::function<void(int)>* body = nullptr;
            int tasks = 0;
            spinUntil([&] { return m_generation.load() != seen; });
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_wake.wait(lock, [&] { return m_quit || m_generation.load() != seen; });
                if (m_quit)
                    return;
                seen = m_generation.load();
                body = m_body;
                tasks = m_tasks;
            }
            while (!m_stop.load(std::memory_order_relaxed)) {
                const int t = m_next.fetch_add(1);
                if (t >= tasks)
                    break;
                try {
                    (*body)(t);
                } catch (...) {
                    recordError(std::current_exception());
                }
            }
            if (m_active.fetch_sub(1) == 1) {
                std::lock_guard<std::mutex> lock(m_mutex); // no lost wake-up
                m_done.notify_one();
            }
        }
    }

    std::vector<std::thread> m_workers;
    std::function<bool()> m_poll;
    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    const std::function<void(int)>* m_body = nullptr;
    int m_tasks = 0;
    std::atomic<int> m_active{0};
    std::atomic<std::uint64_t> m_generation{0}; // written under m_mutex
    bool m_quit = false;
    std::atomic<int> m_next{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_errorMutex;
    std::exception_ptr m_error;
};

// Talks to the caller's progress callback: layouts when asked, and a
// heartbeat (layout null) at most every kHeartbeat so that a cancel request is
// seen within the 100 ms budget even when iterations are slow.
class Reporter {
public:
    explicit Reporter(const ProgressCallback& callback) : m_callback(callback) {}

    void setStage(std::string stage, int total)
    {
        m_stage = std::move(stage);
        m_total = total;
        m_iteration = 0;
    }
    // The slice [from, to] of the whole run that the next stages' iterations
    // fill (the whole of it when only the layout runs).
    void setShare(double from, double to)
    {
        m_from = from;
        m_to = to;
    }
    void setIteration(int iteration) { m_iteration = iteration; }

    // For the worker pool: false = cancel.
    bool heartbeat()
    {
        if (!m_callback)
            return true;
        const auto now = Clock::now();
        if (now - m_last < kHeartbeat)
            return true;
        return call(nullptr);
    }
    void report(const RowMatrixXf* layout)
    {
        if (m_callback && !call(layout))
            throw Cancelled();
    }
    void beat()
    {
        if (!heartbeat())
            throw Cancelled();
    }

private:
    bool call(const RowMatrixXf* layout)
    {
        m_last = Clock::now();
        ProjectionProgress p;
        p.stage = m_stage;
        p.iteration = m_iteration;
        p.totalIterations = m_total;
        p.layout = layout;
        p.fraction =
            m_from + (m_to - m_from) *
                         (m_total > 0 ? std::clamp(double(m_iteration) / m_total, 0.0, 1.0) : 0.0);
        return m_callback(p);
    }

    const ProgressCallback& m_callback;
    std::string m_stage;
    int m_iteration = 0;
    int m_total = 0;
    double m_from = 0.0;
    double m_to = 1.0;
    Clock::time_point m_last = Clock::now();
};

int chunks(int n, int chunk) { return (n + chunk - 1) / chunk; }

// Standard normal numbers from a 64-bit Mersenne twister by Box–Muller,
// written out because std::normal_distribution differs between standard
// libraries and the map must not.
class Gaussian {
public:
    explicit Gaussian(std::uint64_t seed) : m_engine(seed) {}
    double operator()()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        // 53 random bits → (0, 1].
        const double u1 = (double(m_engine() >> 11) + 1.0) / 9007199254740992.0;
        const double u2 = double(m_engine() >> 11) / 9007199254740992.0;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 2.0 * 3.14159265358979323846 * u2;
        m_spare = r * std::sin(a);
        m_hasSpare = true;
        return r * std::cos(a);
    }

private:
    std::mt19937_64 m_engine;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

RowMatrixXf randomInitialisation(int n, std::uint64_t seed)
{
    Gaussian gauss(seed);
    RowMatrixXf y(n, 2);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < 2; ++c)
            y(i, c) = float(kInitialStd * gauss());
    return y;
}

// First two principal components, scaled so that the first has standard
// deviation kInitialStd (openTSNE). Sums in fixed row chunks, combined in
// order, so the result does not depend on the thread count.
RowMatrixXf pcaInitialisation(const RowMatrixXf& x, std::uint64_t seed, const TaskRunner& run)
{
    const int n = int(x.rows()), d = int(x.cols());
    if (d < 2)
        return randomInitialisation(n, seed);
    const int tasks = chunks(n, kRowChunk);
    std::vector<Eigen::VectorXd> partialSum(tasks);
    run(tasks, [&](int t) {
        const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
        partialSum[t] = x.middleRows(i0, i1 - i0).cast<double>().colwise().sum().transpose();
    });
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (const auto& s : partialSum)
        mean += s;
    mean /= n;
    std::vector<Eigen::MatrixXd> partialCov(tasks);
    run(tasks, [&](int t) {
        const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
        const Eigen::MatrixXd c =
            x.middleRows(i0, i1 - i0).cast<double>().rowwise() - mean.transpose();
        partialCov[t] = c.transpose() * c;
    });
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(d, d);
    for (const auto& c : partialCov)
        cov += c;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
    if (eig.info() != Eigen::Success)
        return randomInitialisation(n, seed);
    Eigen::MatrixXd axes(d, 2);
    axes.col(0) = eig.eigenvectors().col(d - 1);
    axes.col(1) = eig.eigenvectors().col(d - 2);
    // An eigenvector's sign is arbitrary: fix it (largest entry positive) so
    // that the map's orientation is stable across library versions.
    for (int c = 0; c < 2; ++c) {
        Eigen::Index at = 0;
        axes.col(c).cwiseAbs().maxCoeff(&at);
        if (axes(at, c) < 0)
            axes.col(c) = -axes.col(c);
    }
    RowMatrixXd y(n, 2);
    run(tasks, [&](int t) {
        const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
        y.middleRows(i0, i1 - i0) =
            (x.middleRows(i0, i1 - i0).cast<double>().rowwise() - mean.transpose()) * axes;
    });
    const double sd = std::sqrt(std::max(0.0, eig.eigenvalues()(d - 1) / std::max(1, n - 1)));
    if (!(sd > 0) || !std::isfinite(sd))
        return randomInitialisation(n, seed);
    return (y * (kInitialStd / sd)).cast<float>();
}

double autoLearningRate(int n) { return std::max(200.0, n / 12.0); }

struct EmbedResult {
    RowMatrixXf map;
    double perplexity = 0;
    double learningRate = 0;
};

void validate(const TsneConfig& c)
{
    if (!(c.perplexity > 1) || !std::isfinite(c.perplexity))
        throw std::invalid_argument("t-SNE: perplexity must be above 1");
    if (c.iterations < 0 || c.exaggerationIterations < 0)
        throw std::invalid_argument("t-SNE: iteration counts must not be negative");
    if (!(c.earlyExaggeration >= 1) || !std::isfinite(c.earlyExaggeration))
        throw std::invalid_argument("t-SNE: exaggeration must be at least 1");
    if (!(c.learningRate >= 0) || !std::isfinite(c.learningRate))
        throw std::invalid_argument("t-SNE: learning rate must not be negative (0 = automatic)");
    if (!(c.momentumEarly >= 0 && c.momentumEarly < 1) || !(c.momentumLate >= 0 && c.momentumLate < 1))
        throw std::invalid_argument("t-SNE: momentum must be in [0, 1)");
    if (!(c.maxStepNorm > 0))
        throw std::invalid_argument("t-SNE: maxStepNorm must be positive");
    if (c.layoutEvery < 1)
        throw std::invalid_argument("t-SNE: layoutEvery must be at least 1");
}

PerplexityCalibration calibrate(const KnnGraph& graph, double perplexity, const TaskRunner& run)
{
    const int n = graph.n, k = graph.k;
    if (!(perplexity > 1) || perplexity > k)
        throw std::invalid_argument("perplexity calibration: perplexity " +
                                    std::to_string(perplexity) + " must be in (1, k = " +
                                    std::to_string(k) + "]");
    if (graph.distances.size() != std::size_t(n) * k || graph.indices.size() != std::size_t(n) * k)
        throw std::invalid_argument("perplexity calibration: malformed kNN graph");
    PerplexityCalibration out;
    out.n = n;
    out.k = k;
    out.conditional.resize(std::size_t(n) * k);
    out.beta.resize(n);
    const double target = std::log(perplexity);
    run(chunks(n, kRowChunk), [&](int t) {
        const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
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

// beat() is called between slices of the serial passes (about 1 s at a
// million points) so that a cancel is still noticed promptly; it may throw.
SparseAffinities symmetrise(const KnnGraph& graph, const PerplexityCalibration& cond,
                            const TaskRunner& run, const std::function<void()>& beat = {})
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
    const int tasks = chunks(n, kRowChunk);
    run(tasks, [&](int t) {
        const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
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
        const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
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

// Spreads the 16 bits of v to the even bit positions.
std::uint32_t spreadBits(std::uint32_t v)
{
    v &= 0xFFFF;
    v = (v | (v << 8)) & 0x00FF00FF;
    v = (v | (v << 4)) & 0x0F0F0F0F;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v;
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
        keyed[i] = {spreadBits(q[0]) | (spreadBits(q[1]) << 1), i};
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
    run(chunks(n, kRowChunk), [&](int t) {
        const int r0 = t * kRowChunk, r1 = std::min(n, r0 + kRowChunk);
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

template <typename Matrix>
void permuteRows(Matrix& m, const std::vector<std::int32_t>& order)
{
    Matrix out(m.rows(), m.cols());
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        out.row(r) = m.row(order[r]);
    m.swap(out);
}

// Gradient descent of the KL divergence. State y in double (the updates are
// small against the coordinates late on); forces from a float copy.
RowMatrixXf optimise(const SparseAffinities& affinities, const RowMatrixXf& initial,
                     const TsneConfig& config, double learningRate, WorkerPool& pool,
                     Reporter& reporter)
{
    const int n = affinities.n;
    if (initial.rows() != n || initial.cols() != 2)
        throw std::invalid_argument("t-SNE: the initial map must be n×2");
    if (!initial.allFinite())
        throw std::invalid_argument("t-SNE: the initial map has non-finite values");
    const TaskRunner run = pool.runner();
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
    // Renumber once the map has its coarse shape (a third into early
    // exaggeration: clusters have formed) and again when it is final in
    // shape (exaggeration off); each costs about one iteration.
    const int renumberAt[2] = {config.exaggerationIterations / 3, config.exaggerationIterations};

    const int total = config.iterations;
    reporter.setStage("optimise", total);
    reporter.setIteration(0);
    reporter.report(&yf);
    const double maxStep2 = config.maxStepNorm * config.maxStepNorm;
    const int tasks = chunks(n, kRowChunk);
    for (int it = 0; it < total; ++it) {
        if (n >= kRowChunk && (it == renumberAt[0] || it == renumberAt[1]))
            renumber();
        if (it == 0 || it == renumberAt[0] || it == renumberAt[1])
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
            const int i0 = t * kRowChunk, i1 = std::min(n, i0 + kRowChunk);
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

EmbedResult embed(const RowMatrixXf& points, const TsneConfig& config,
                  const ProgressCallback& progress)
{
    validate(config);
    const int n = int(points.rows());
    if (n < 4)
        throw std::invalid_argument("t-SNE needs at least 4 points (got " + std::to_string(n) + ")");
    if (points.cols() < 1)
        throw std::invalid_argument("t-SNE: the points have no features");
    if (!points.allFinite())
        throw std::invalid_argument("t-SNE: the features contain non-finite values");
    EmbedResult result;
    // Perplexity p needs about 3p neighbours; small inputs get what they have.
    result.perplexity = std::min(config.perplexity, (n - 1) / 3.0);
    const int k = std::min(n - 1, int(std::ceil(3.0 * result.perplexity)));
    result.learningRate = config.learningRate > 0 ? config.learningRate : autoLearningRate(n);

    Reporter reporter(progress);
    WorkerPool pool(resolveThreads(config.threads));
    pool.setPoll([&reporter] { return reporter.heartbeat(); });
    const TaskRunner run = pool.runner();

    reporter.setShare(0.0, kKnnShareEnd);
    reporter.setStage("knn", 100);
    reporter.report(nullptr);
    KnnConfig knn;
    knn.k = k;
    knn.threads = resolveThreads(config.threads);
    knn.seed = config.seed;
    knn.method = config.knnMethod;
    SparseAffinities P;
    {
        const KnnGraph graph = buildKnnGraph(points, knn, [&](double fraction) {
            reporter.setIteration(int(std::lround(100.0 * fraction)));
            return reporter.heartbeat();
        });
        reporter.setShare(kKnnShareEnd, kAffinitiesShareEnd);
        reporter.setStage("affinities", 2);
        reporter.report(nullptr);
        const PerplexityCalibration cond = calibrate(graph, result.perplexity, run);
        reporter.setIteration(1);
        reporter.report(nullptr);
        P = symmetrise(graph, cond, run, [&reporter] { reporter.beat(); });
    }
    const RowMatrixXf initial = config.initialisation == TsneInitialisation::Pca
                                    ? pcaInitialisation(points, config.seed, run)
                                    : randomInitialisation(n, config.seed);
    reporter.setShare(kAffinitiesShareEnd, 1.0);
    result.map = optimise(P, initial, config, result.learningRate, pool, reporter);
    return result;
}

} // namespace

PerplexityCalibration calibratePerplexity(const KnnGraph& graph, double perplexity,
                                          const TaskRunner& run)
{
    return calibrate(graph, perplexity, run);
}

SparseAffinities symmetricAffinities(const KnnGraph& graph, const PerplexityCalibration& conditional,
                                     const TaskRunner& run)
{
    return symmetrise(graph, conditional, run);
}

RowMatrixXf tsneEmbed(const RowMatrixXf& points, const TsneConfig& config,
                      const ProgressCallback& progress)
{
    return embed(points, config, progress).map;
}

RowMatrixXf tsneOptimise(const SparseAffinities& affinities, const RowMatrixXf& initial,
                         const TsneConfig& config, const ProgressCallback& progress)
{
    validate(config);
    Reporter reporter(progress);
    WorkerPool pool(resolveThreads(config.threads));
    pool.setPoll([&reporter] { return reporter.heartbeat(); });
    const double lr =
        config.learningRate > 0 ? config.learningRate : autoLearningRate(affinities.n);
    return optimise(affinities, initial, config, lr, pool, reporter);
}

TsneProjector::TsneProjector(TsneConfig config) : m_config(std::move(config))
{
    validate(m_config);
}

Projection TsneProjector::project(const RowMatrixXf& train, const RowMatrixXf& validation,
                                  const ProgressCallback& progress)
{
    const auto start = Clock::now();
    if (validation.rows() > 0 && validation.cols() != train.cols())
        throw std::invalid_argument("t-SNE: train and validation features differ in width (" +
                                    std::to_string(train.cols()) + " vs " +
                                    std::to_string(validation.cols()) + ")");
    RowMatrixXf all(train.rows() + validation.rows(), train.cols());
    all.topRows(train.rows()) = train;
    if (validation.rows() > 0)
        all.bottomRows(validation.rows()) = validation;
    const EmbedResult r = embed(all, m_config, progress);
    Projection out;
    out.method = "tsne";
    out.train = r.map.topRows(train.rows());
    out.validation = r.map.bottomRows(validation.rows());
    out.parameters = {
        {"perplexity", r.perplexity},
        {"iterations", double(m_config.iterations)},
        {"exaggeration", m_config.earlyExaggeration},
        {"exaggeration_iterations", double(m_config.exaggerationIterations)},
        {"learning_rate", r.learningRate},
        {"seed", double(m_config.seed)},
    };
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

} // namespace mnistx::projection
