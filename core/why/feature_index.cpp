#include "core/why/feature_index.h"

#include "core/projection/parallel_tasks.h"

// hnswlib defines functions and variables non-inline in its headers, and
// core/projection/knn_graph.cpp includes it already. Here it is compiled
// inside a namespace of its own, so nothing it defines can clash with (or be
// merged with) that translation unit's copy. Everything hnswlib includes is
// included first, outside the namespace, so that its include guards keep the
// standard and intrinsics headers out of the namespace.
#include <algorithm>
#include <assert.h>
#include <atomic>
#include <cassert>
#include <cpuid.h>
#include <deque>
#include <fstream>
#include <immintrin.h>
#include <iostream>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <stdexcept>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>
#include <x86intrin.h>
namespace mnistx_why_hnsw {
#include <hnswlib/hnswlib.h>
} // namespace mnistx_why_hnsw
namespace hnswlib = mnistx_why_hnsw::hnswlib;

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

namespace mnistx::why {

namespace {

// Below this many samples "auto" searches exhaustively: a scan of 5,000 × 64
// floats takes ~0.1 ms, no slower than an HNSW query, and is exact.
constexpr int kExactUpTo = 5000;
// Insertions per polling step / queries per parallel task: ~2 ms of work, so the calling thread
// polls for cancellation often and two threads stay balanced.
constexpr int kInsertChunk = 64;
constexpr int kQueryChunk = 256;

using Candidate = std::pair<float, int>; // (squared distance, id)

float squaredDistance(const float* a, const float* b, int d)
{
    float sum = 0.0f;
    for (int c = 0; c < d; ++c) {
        const float diff = a[c] - b[c];
        sum += diff * diff;
    }
    return sum;
}

Neighbours toNeighbours(std::vector<Candidate>& candidates, int k)
{
    k = std::min<int>(k, static_cast<int>(candidates.size()));
    std::partial_sort(candidates.begin(), candidates.begin() + k, candidates.end());
    Neighbours out;
    out.ids.reserve(static_cast<std::size_t>(k));
    out.distances.reserve(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
        out.ids.push_back(candidates[static_cast<std::size_t>(j)].second);
        out.distances.push_back(std::sqrt(candidates[static_cast<std::size_t>(j)].first));
    }
    return out;
}

// Squared Euclidean distance for hnswlib, picked at run time as in
// core/projection/knn_graph.cpp (whose kernel is private to that file): the
// build targets baseline x86-64, where hnswlib's own kernel is 4-wide SSE; on
// CPUs with AVX2 and FMA an 8-wide kernel makes build and search ~25% faster.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MNISTX_WHY_AVX2_KERNEL 1
__attribute__((target("avx2,fma"))) float squaredL2Avx2(const void* a, const void* b,
                                                         const void* dimension)
{
    const auto* x = static_cast<const float*>(a);
    const auto* y = static_cast<const float*>(b);
    const std::size_t d = *static_cast<const std::size_t*>(dimension);
    __m256 sum0 = _mm256_setzero_ps();
    __m256 sum1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= d; i += 16) {
        const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i));
        const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8));
        sum0 = _mm256_fmadd_ps(d0, d0, sum0);
        sum1 = _mm256_fmadd_ps(d1, d1, sum1);
    }
    for (; i + 8 <= d; i += 8) {
        const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i));
        sum0 = _mm256_fmadd_ps(d0, d0, sum0);
    }
    sum0 = _mm256_add_ps(sum0, sum1);
    const __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum0), _mm256_extractf128_ps(sum0, 1));
    const __m128 quarter = _mm_add_ps(half, _mm_movehl_ps(half, half));
    float total = _mm_cvtss_f32(_mm_add_ss(quarter, _mm_shuffle_ps(quarter, quarter, 1)));
    for (; i < d; ++i) {
        const float diff = x[i] - y[i];
        total += diff * diff;
    }
    return total;
}
#endif

class SquaredL2Space : public hnswlib::SpaceInterface<float> {
public:
    explicit SquaredL2Space(std::size_t dimension) : m_dimension(dimension), m_fallback(dimension)
    {
        m_distance = m_fallback.get_dist_func();
#ifdef MNISTX_WHY_AVX2_KERNEL
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            m_distance = squaredL2Avx2;
#endif
    }
    std::size_t get_data_size() override { return m_dimension * sizeof(float); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return m_distance; }
    void* get_dist_func_param() override { return &m_dimension; }

private:
    std::size_t m_dimension;
    hnswlib::L2Space m_fallback;
    hnswlib::DISTFUNC<float> m_distance = nullptr;
};

} // namespace

struct FeatureIndex::Impl {
    RowMatrixXf features; // N × D, train rows first
    int trainCount = 0;
    std::unique_ptr<SquaredL2Space> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw; // null: exact search

    // Exhaustive search, skipping `self` (−1: none).
    Neighbours scan(const float* point, int k, int self) const
    {
        const int n = static_cast<int>(features.rows());
        const int d = static_cast<int>(features.cols());
        std::vector<Candidate> candidates;
        candidates.reserve(static_cast<std::size_t>(n));
        for (int j = 0; j < n; ++j)
            if (j != self)
                candidates.emplace_back(squaredDistance(point, features.row(j).data(), d), j);
        return toNeighbours(candidates, k);
    }

    Neighbours search(const float* point, int k, int self) const
    {
        const int available = static_cast<int>(features.rows()) - (self >= 0 ? 1 : 0);
        k = std::min(k, available);
        if (k <= 0)
            return {};
        if (!hnsw)
            return scan(point, k, self);
        const int wanted = k + (self >= 0 ? 1 : 0);
        auto found = hnsw->searchKnn(point, static_cast<std::size_t>(wanted));
        std::vector<Candidate> candidates;
        candidates.reserve(found.size());
        while (!found.empty()) {
            const int id = static_cast<int>(found.top().second);
            if (id != self)
                candidates.emplace_back(found.top().first, id);
            found.pop();
        }
        // A search stranded in a small part of the graph (many duplicates)
        // returns too few: scan everything instead.
        if (static_cast<int>(candidates.size()) < k)
            return scan(point, k, self);
        return toNeighbours(candidates, k);
    }
};

FeatureIndex::FeatureIndex(const RowMatrixXf& train, const RowMatrixXf& validation,
                           const FeatureIndexConfig& config, const IndexProgress& progress)
    : m_impl(std::make_unique<Impl>())
{
    if (train.rows() > 0 && validation.rows() > 0 && train.cols() != validation.cols())
        throw std::invalid_argument("feature index: train features have " +
                                    std::to_string(train.cols()) + " dimensions, validation " +
                                    std::to_string(validation.cols()));
    const Eigen::Index n = train.rows() + validation.rows();
    if (n == 0)
        throw std::invalid_argument("feature index: no samples");
    if (n > std::numeric_limits<int>::max() / 2)
        throw std::invalid_argument("feature index: too many samples");
    const Eigen::Index d = train.rows() > 0 ? train.cols() : validation.cols();
    if (d < 1)
        throw std::invalid_argument("feature index: features have no dimensions");
    if (!train.allFinite() || !validation.allFinite())
        throw std::invalid_argument("feature index: a feature is NaN or infinite");
    if (config.method != "auto" && config.method != "hnsw" && config.method != "exact")
        throw std::invalid_argument("feature index: unknown method '" + config.method +
                                    "' (known: auto, hnsw, exact)");

    Impl& impl = *m_impl;
    impl.trainCount = static_cast<int>(train.rows());
    impl.features.resize(n, d);
    if (train.rows() > 0)
        impl.features.topRows(train.rows()) = train;
    if (validation.rows() > 0)
        impl.features.bottomRows(validation.rows()) = validation;

    const bool exact = config.method == "exact" || (config.method == "auto" && n <= kExactUpTo);
    if (exact) {
        if (progress && !progress(1.0))
            throw IndexCancelled();
        return;
    }

    impl.space = std::make_unique<SquaredL2Space>(static_cast<std::size_t>(d));
    impl.hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        impl.space.get(), static_cast<std::size_t>(n), static_cast<std::size_t>(config.hnswM),
        static_cast<std::size_t>(config.hnswEfConstruction), static_cast<std::size_t>(config.seed));
    auto& hnsw = *impl.hnsw;
    // Inserted one at a time, on this thread: hnswlib 0.6.2's concurrent
    // addPoint races on its level generator (a data race, and a graph that
    // depends on the schedule) and locks neighbour lists in inconsistent
    // orders (a possible deadlock); ThreadSanitizer reports both. Queries,
    // which only read, still run in parallel.
    hnsw.addPoint(impl.features.row(0).data(), 0);
    const int count = static_cast<int>(n);
    std::atomic<int> inserted{1};
    projection::detail::Heartbeat beat(
        progress ? std::function<bool()>([&] { return progress(double(inserted.load()) / count); })
                 : std::function<bool()>());
    const int tasks = (count - 1 + kInsertChunk - 1) / kInsertChunk;
    const bool built = projection::detail::parallelTasks(
        tasks, 1,
        [&](int task) {
            const int begin = 1 + task * kInsertChunk;
            const int end = std::min(count, begin + kInsertChunk);
            for (int i = begin; i < end; ++i)
                hnsw.addPoint(impl.features.row(i).data(), static_cast<hnswlib::labeltype>(i));
            inserted += end - begin;
        },
        [&] { return beat(); });
    if (!built)
        throw IndexCancelled();
    hnsw.setEf(static_cast<std::size_t>(std::max(1, config.hnswEfSearch)));
}

FeatureIndex::~FeatureIndex() = default;
FeatureIndex::FeatureIndex(FeatureIndex&&) noexcept = default;
FeatureIndex& FeatureIndex::operator=(FeatureIndex&&) noexcept = default;

int FeatureIndex::size() const { return static_cast<int>(m_impl->features.rows()); }
int FeatureIndex::trainCount() const { return m_impl->trainCount; }
int FeatureIndex::dimension() const { return static_cast<int>(m_impl->features.cols()); }
bool FeatureIndex::exact() const { return !m_impl->hnsw; }

int FeatureIndex::globalId(analysis::Subset subset, int index) const
{
    const int id = subset == analysis::Subset::Train ? index : m_impl->trainCount + index;
    const int limit = subset == analysis::Subset::Train ? m_impl->trainCount : size();
    if (index < 0 || id >= limit)
        throw std::out_of_range("feature index: no " + std::string(analysis::subsetName(subset)) +
                                " sample " + std::to_string(index));
    return id;
}

SampleRef FeatureIndex::sample(int id) const
{
    if (id < 0 || id >= size())
        throw std::out_of_range("feature index: no sample with id " + std::to_string(id));
    if (id < m_impl->trainCount)
        return {analysis::Subset::Train, id};
    return {analysis::Subset::Validation, id - m_impl->trainCount};
}

const float* FeatureIndex::feature(int id) const
{
    if (id < 0 || id >= size())
        throw std::out_of_range("feature index: no sample with id " + std::to_string(id));
    return m_impl->features.row(id).data();
}

Neighbours FeatureIndex::nearest(int id, int k) const
{
    if (k < 1)
        throw std::invalid_argument("feature index: k must be at least 1");
    return m_impl->search(feature(id), k, id);
}

Neighbours FeatureIndex::nearestTo(const float* point, int k) const
{
    if (k < 1)
        throw std::invalid_argument("feature index: k must be at least 1");
    return m_impl->search(point, k, -1);
}

NeighbourGraph FeatureIndex::neighbourGraph(int k, int threads, const IndexProgress& progress) const
{
    if (k < 1)
        throw std::invalid_argument("feature index: k must be at least 1");
    const int n = size();
    NeighbourGraph graph;
    graph.n = n;
    graph.k = std::min(k, n - 1);
    graph.ids.assign(static_cast<std::size_t>(n) * graph.k, -1);
    graph.distances.assign(static_cast<std::size_t>(n) * graph.k, 0.0f);
    if (graph.k == 0)
        return graph;
    std::atomic<int> done{0};
    projection::detail::Heartbeat beat(
        progress ? std::function<bool()>([&] { return progress(double(done.load()) / n); })
                 : std::function<bool()>());
    const int tasks = (n + kQueryChunk - 1) / kQueryChunk;
    const bool finished = projection::detail::parallelTasks(
        tasks, projection::detail::resolveThreads(threads),
        [&](int task) {
            const int begin = task * kQueryChunk;
            const int end = std::min(n, begin + kQueryChunk);
            for (int i = begin; i < end; ++i) {
                const Neighbours found = m_impl->search(feature(i), graph.k, i);
                const std::size_t offset = static_cast<std::size_t>(i) * graph.k;
                std::copy(found.ids.begin(), found.ids.end(), graph.ids.begin() + offset);
                std::copy(found.distances.begin(), found.distances.end(),
                          graph.distances.begin() + offset);
            }
            done += end - begin;
        },
        [&] { return beat(); });
    if (!finished)
        throw IndexCancelled();
    return graph;
}

} // namespace mnistx::why
