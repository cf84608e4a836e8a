#include "core/why/feature_index.h"

#include "core/projection/heartbeat.h"
#include "core/projection/hnsw_index.h"
#include "core/projection/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

namespace mnistx::why
{

namespace
{

// Below this many samples "auto" searches exhaustively: a scan of 5,000 × 64
// floats takes ~0.1 ms, no slower than an HNSW query, and is exact.
constexpr int kExactUpTo = 5000;
// Queries per parallel task: under a millisecond of work in the plain build
// (blobs, the hard case for HNSW: ~40 µs a query), so a cancel waits for
// little even in an instrumented build, where a query is ten times slower,
// and two threads stay balanced.
constexpr int kQueryChunk = 64;

using Candidate = projection::detail::HnswCandidate; // (squared distance, id)
using projection::detail::squaredDistance;

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

} // namespace

struct FeatureIndex::Impl {
    RowMatrixXf features; // N × D, train rows first
    int trainCount = 0;
    std::unique_ptr<projection::detail::HnswIndex> hnsw; // null: exact search

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
        std::vector<Candidate> candidates;
        hnsw->search(point, wanted, self, candidates);
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

    // Built on this thread (see HnswIndex); queries may run in parallel.
    impl.hnsw = std::make_unique<projection::detail::HnswIndex>(
        static_cast<int>(n), static_cast<int>(d), config.hnswM, config.hnswEfConstruction,
        config.seed);
    if (!impl.hnsw->addAll(impl.features.data(), static_cast<int>(n), nullptr, progress))
        throw IndexCancelled();
    impl.hnsw->setSearchWidth(std::max(1, config.hnswEfSearch));
}

FeatureIndex::~FeatureIndex() = default;
FeatureIndex::FeatureIndex(FeatureIndex&&) noexcept = default;
FeatureIndex& FeatureIndex::operator=(FeatureIndex&&) noexcept = default;

int FeatureIndex::size() const
{
    return static_cast<int>(m_impl->features.rows());
}
int FeatureIndex::trainCount() const
{
    return m_impl->trainCount;
}
int FeatureIndex::dimension() const
{
    return static_cast<int>(m_impl->features.cols());
}
bool FeatureIndex::exact() const
{
    return !m_impl->hnsw;
}

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
