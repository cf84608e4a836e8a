#include "core/projection/knn_graph.h"

#include "core/projection/heartbeat.h"
#include "core/projection/hnsw_index.h"
#include "core/projection/keyed_random.h"
#include "core/projection/nn_descent.h"
#include "core/projection/projection.h"
#include "core/projection/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>

namespace mnistx::projection
{

namespace
{

// Below this many points "auto" searches exactly: the n² matrix products cost
// less than building an HNSW index there (measured: both ~0.1 s at 5,000 × 64),
// and exact results are reproducible for any thread count.
constexpr int kExactUpTo = 5000;

// Up to this k, "auto" above kExactUpTo builds the graph by NN-descent
// (nn_descent.h): at k = 14 on 70,000 × 64 MNIST features, recall 0.999 (CNN)
// and 0.996 (PCA of the pixels) in 1.4–1.5 s on 2 threads, where HNSW took
// 2.4 and 3.0 s for 0.998 and 0.995. Its local joins grow with k²: at k = 90
// it took 12–18 s, HNSW ~6 s.
constexpr int kNnDescentUpToK = 30;

// HNSW defaults, chosen with bench_projection --knn-sweep (the two-index
// graph, 2 threads) on two 70,000 × 64 MNIST feature sets: the CNN's
// features, and the harder PCA of the pixels; k = 14 (UMAP) and k = 90
// (t-SNE). Recall@14 pixels / CNN, recall@90 pixels, CPU seconds at k = 90
// (one run each, ±15 % between runs; index-order insertion and queries, and
// ef = 1.5·k, as it was then):
//   M = 16, ef_construction = 64: 0.9972 / 0.9990, 0.9984, 16.7 s (until 2026-12-07)
//   M = 12, ef_construction = 48: 0.9951 / 0.9983, 0.9973, 12.4 s
//   M = 12, ef_construction = 32: 0.9908 / 0.9964, 0.9950, 14.1 s
//   M =  8, ef_construction = 32: 0.9865 / 0.9945, 0.9928, 10.9 s
// M = 12 with ef_construction = 48 keeps recall above 0.995 on both sets and
// builds ~25 % faster than 16 / 64 (the build was ~80 % of the time at k = 14);
// below it recall@14 of the pixels drops under 0.99 first (a sparser graph
// strands searches between the clusters).
constexpr int kDefaultM = 12;
constexpr int kDefaultEfConstruction = 48;
// Search width: at least 40 and the results asked for (then one more, for
// the point itself). At k = 90 the searches are most of the time (70,000
// points: 1.0 s of build, 3.3 s of searches); bench_projection --knn --param
// ef=… on the CNN / pixel features, recall@90 on 500 sampled rows, seconds:
//   ef = 135 (1.5·k, until 2026-12-07): 0.9995 / 0.9973, 5.5 / 6.1 s
//   ef = 100:                           0.9988 / 0.9955, 4.6 / 5.0 s
//   ef =  91:                           0.9984 / 0.9948, 4.3 / 4.8 s
// and on 1,000,000 points (the rows stacked with 5 % noise): 0.9994 in
// 90.4 s at ef = 135, 0.9984 in 75.8 s at ef = 91. t-SNE, the one user of
// k = 90, weighs its farthest neighbours least. That is with two indexes
// (kShardFrom), whose two searches together look at twice the width; one
// index alone keeps 1.5·k (8,000 PCA-of-pixel rows: recall@90 0.987 at
// ef = k). Since each of two indexes is asked for fewer than k (see
// kShardShareDeviations: 74 at k = 90), the width is 1.1 times that: at a
// million points ef = 82 gave recall 0.9887 in 46.0 s, ef = 75 0.9862 in
// 44.4 s, where the whole k with ef = 91 had given 0.9877 in 51.0 s.
constexpr int kDefaultEfSearchMin = 40;
constexpr double kDefaultEfSearchPerK = 1.1;
constexpr double kSingleIndexEfSearchPerK = 1.5;

// Query rows per task of the exact search: the matrix product of a 64-row
// block amortises packing the reference block, and its result (64 × 2048
// floats, 512 KB) stays in L2.
constexpr int kQueryBlock = 64;
// Reference rows per matrix product in the exact search (see above).
constexpr int kReferenceBlock = 2048;
// Candidates kept beyond k in the exact search before distances are
// recomputed directly: the expanded form |q|²+|r|²−2q·r loses a few ulps of
// |q|², which could swap near-ties at the k-th place.
constexpr int kRefineMargin = 4;
// Queries per task of the HNSW search (~2 ms of work at the default ef).
constexpr int kQueryChunk = 256;
// The queries run in the order of a random-projection tree's leaves of this
// size (detail::treeOrder), not in index order: consecutive queries then walk
// the same part of the graph, whose vectors and links are still in the cache
// from the last query. The graph is the same (each query is independent); at
// k = 90 the searches of 1,000,000 × 64 points took 62 s instead of 112 s,
// of 70,000 points 4.7 s for the whole graph instead of 6.6 s.
constexpr int kQueryLeaf = 64;
// The indexes insert their points in the same tree order, so that
// consecutive insertions also find their neighbours in the cache, and the
// index's memory (by insertion) follows space, which speeds the queries
// again. In that order alone, though, the graph lacks links across regions:
// at a million points recall@90 fell to 0.916. A random share of the points
// inserted first (in tree order among themselves) lays those links. k = 90,
// seconds and recall@90 (bench_projection --knn, 500 sampled rows):
//   insertion order       70,000 CNN / pixels         1,000,000 (stacked)
//   by index              4.3 s 0.9984 / 4.8 s 0.9948  75.8 s 0.9984
//   tree                  3.0 s 0.9976 / 3.4 s 0.9945  44.6 s 0.9161
//   tree, 1/8 first       3.0 s 0.9985 / 3.4 s 0.9950  52.3 s 0.9909
//   tree, 1/4 first       3.0 s 0.9984 / 3.9 s 0.9948  53.4 s 0.9913
//   tree, 1/2 first                                    48.3 s 0.9760
// (those rows drew the first eighth from another stream; with this one,
// 0.9987 / 0.9941 at 70,000 points).
constexpr double kInsertSkeleton = 0.125;
// KeyedRandom's stream for the choice of the points inserted first.
constexpr std::uint64_t kStreamSkeleton = 0x5e1e70;
// Share of the progress bar for the build; queries take the rest (at k = 90,
// t-SNE's: 1.0 of 4.3 s at 70,000 points, 28 of 76 s at 1,000,000).
constexpr double kBuildShare = detail::kHnswBuildShare;
// From this many points the HNSW graph is two indexes over two random halves
// of the points (each point's shard drawn from its index and the seed), built
// at once on two threads (hnswlib cannot insert into one index from two
// threads, see HnswIndex); every point then searches both and keeps the k
// nearest of the two lists. The building halves; the searches double (at
// k = 90 they are most of the time, and run on every thread). The shards
// depend on n and the seed only, so the graph is the same for any thread
// count.
constexpr int kShardFrom = 10000;
constexpr int kShards = 2;
// KeyedRandom's stream for the shard of each point.
constexpr std::uint64_t kStreamShard = 0x5a4d;
// Each search asks its shard for fewer than k: with the points dealt to the
// shards at random, how many of a point's k nearest lie in one shard is
// Binomial(k, 1/kShards), and this many standard deviations above its mean
// leave out a true neighbour for about one point in 10⁹. At k = 90 each
// search asks for 74, not 90, and can search less wide (hnswlib's width is at
// least the results asked for). 70,000 × 64, k = 90, seconds and recall@90,
// CNN features / PCA of the pixels: 3.0 s 0.9987 / 3.4–3.6 s 0.9941 with the
// whole k from each index, 2.7 s 0.9978 / 3.2–3.7 s 0.9935 with 74 (ef 82).
constexpr double kShardShareDeviations = 6.0;

// Results to ask each of `shards` random shards for, so that their union
// holds the k nearest (see kShardShareDeviations).
int perShardK(int k, int shards)
{
    if (shards <= 1)
        return k;
    const double share = 1.0 / shards;
    const double mean = k * share, deviation = std::sqrt(k * share * (1.0 - share));
    return std::min(k, static_cast<int>(std::ceil(mean + kShardShareDeviations * deviation)));
}

// One index over a random subset of the points; labels are the points' rows.
struct Shard {
    std::vector<std::int32_t> insertOrder; // its points, in the order they are inserted
    std::unique_ptr<detail::HnswIndex> index;
    int size() const { return static_cast<int>(insertOrder.size()); }
};

// Builds every shard's index, each on one thread: the calling thread builds
// shards 0, threads, 2·threads, …, and threads of their own the others. The
// calling thread reports the fraction built and polls for cancellation (at
// least every kPollInterval) while it builds and while it waits for the
// others; a cancel stops every build. These are minutes-long tasks that must
// keep the caller polling while they run, which the WorkerPool (caller polls
// between tasks) does not do. Returns false when cancelled.
bool buildShards(std::vector<Shard>& shards, const RowMatrixXf& points, int threads,
                 const std::function<bool(double)>& built)
{
    const int count = static_cast<int>(shards.size());
    const int workers = std::max(1, std::min(threads, count));
    const double n = static_cast<double>(points.rows());
    std::vector<std::atomic<double>> done(static_cast<std::size_t>(count));
    for (auto& d : done)
        d.store(0.0);
    std::atomic<bool> stop{false};
    const auto fraction = [&] {
        double added = 0.0;
        for (int s = 0; s < count; ++s)
            added += done[static_cast<std::size_t>(s)].load() * shards[s].size();
        return added / n;
    };
    // The calling thread's poll: reports, and stops everyone on a cancel.
    const auto poll = [&]() {
        if (!stop.load() && built && !built(fraction()))
            stop.store(true);
        return !stop.load();
    };
    const auto build = [&](int worker, bool caller) {
        for (int s = worker; s < count; s += workers) {
            Shard& shard = shards[s];
            const bool finished = shard.index->addAll(
                points.data(), shard.size(), shard.insertOrder.data(), [&, s, caller](double f) {
                    done[static_cast<std::size_t>(s)].store(f);
                    return caller ? poll() : !stop.load();
                });
            if (!finished)
                return;
            done[static_cast<std::size_t>(s)].store(1.0);
        }
    };

    std::vector<std::thread> helpers;
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
    std::atomic<int> running{workers - 1};
    for (int w = 1; w < workers; ++w)
        helpers.emplace_back([&, w] {
            try {
                build(w, false);
            } catch (...) {
                errors[static_cast<std::size_t>(w)] = std::current_exception();
                stop.store(true);
            }
            --running;
        });
    try {
        build(0, true);
    } catch (...) {
        errors[0] = std::current_exception();
        stop.store(true);
    }
    detail::Heartbeat beat(poll);
    while (running.load() > 0) {
        beat();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& t : helpers)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
    return !stop.load();
}

void checkArguments(const RowMatrixXf& points, int k)
{
    const Eigen::Index n = points.rows();
    if (k < 1)
        throw std::invalid_argument("kNN graph: k must be at least 1 (got " + std::to_string(k) +
                                    ")");
    if (n > std::numeric_limits<std::int32_t>::max())
        throw std::invalid_argument("kNN graph: too many points (" + std::to_string(n) + ")");
    if (k >= n)
        throw std::invalid_argument("kNN graph: k = " + std::to_string(k) +
                                    " needs more than k points (got " + std::to_string(n) + ")");
    if (points.cols() < 1)
        throw std::invalid_argument("kNN graph: points have no coordinates");
    if (!points.allFinite())
        throw std::invalid_argument("kNN graph: a coordinate is NaN or infinite");
}

using detail::squaredDistance;

// (squared distance, index), ordered by distance then index so that ties
// resolve the same way everywhere.
using Candidate = detail::HnswCandidate;

// Writes the first k of `candidates` (nearest first, self excluded) to row i
// of the graph with their Euclidean distances.
void storeRow(KnnGraph& graph, std::int64_t i, const std::vector<Candidate>& candidates)
{
    const int k = graph.k;
    for (int j = 0; j < k; ++j) {
        graph.indices[static_cast<std::size_t>(i * k + j)] = candidates[j].second;
        graph.distances[static_cast<std::size_t>(i * k + j)] = std::sqrt(candidates[j].first);
    }
}

// The same for candidates in any order.
void storeNearest(KnnGraph& graph, std::int64_t i, std::vector<Candidate>& candidates)
{
    std::partial_sort(candidates.begin(), candidates.begin() + graph.k, candidates.end());
    storeRow(graph, i, candidates);
}

// A rate-limited poll that reports the fraction done.
std::function<bool()> pollFraction(const KnnProgress& progress, std::function<double()> fraction)
{
    if (!progress)
        return {};
    auto beat = std::make_shared<detail::Heartbeat>(
        [&progress, fraction = std::move(fraction)] { return progress(fraction()); });
    return [beat] { return (*beat)(); };
}

KnnGraph hnswKnnGraph(const RowMatrixXf& points, const KnnConfig& config,
                      const KnnProgress& progress)
{
    const int n = static_cast<int>(points.rows());
    const int d = static_cast<int>(points.cols());
    const int k = config.k;
    const int threads = detail::resolveThreads(config.threads);
    const int m = config.hnswM > 0 ? config.hnswM : kDefaultM;
    const int efConstruction =
        config.hnswEfConstruction > 0 ? config.hnswEfConstruction : kDefaultEfConstruction;
    const int shardCount = n >= kShardFrom ? kShards : 1;
    const int shardK = perShardK(k, shardCount);
    const double efPerK = shardCount > 1 ? kDefaultEfSearchPerK : kSingleIndexEfSearchPerK;
    int ef = config.hnswEfSearch > 0
                 ? config.hnswEfSearch
                 : std::max(kDefaultEfSearchMin, static_cast<int>(std::ceil(efPerK * shardK)));
    ef = std::max(ef, shardK + 1);
    // The shards (see kShardFrom), each with a level generator of its own.
    std::vector<std::uint8_t> shardOf(static_cast<std::size_t>(n), 0);
    if (shardCount > 1)
        for (int i = 0; i < n; ++i)
            shardOf[std::size_t(i)] = static_cast<std::uint8_t>(std::min(
                shardCount - 1,
                static_cast<int>(
                    detail::KeyedRandom(config.seed, kStreamShard, std::uint64_t(i)).uniform() *
                    shardCount)));
    // One tree, ~2 s at a million points without a poll (as NN-descent's).
    const std::vector<std::int32_t> queryOrder = detail::treeOrder(points, kQueryLeaf, config.seed);
    // Each shard inserts a random eighth of its points first, then the rest,
    // both in the tree's order (see kInsertSkeleton).
    std::vector<Shard> shards(static_cast<std::size_t>(shardCount));
    for (const std::int32_t i : queryOrder)
        shards[shardOf[std::size_t(i)]].insertOrder.push_back(i);
    for (int s = 0; s < shardCount; ++s) {
        Shard& shard = shards[static_cast<std::size_t>(s)];
        std::stable_partition(
            shard.insertOrder.begin(), shard.insertOrder.end(), [&](std::int32_t i) {
                return detail::KeyedRandom(config.seed, kStreamSkeleton, std::uint64_t(i))
                           .uniform() < kInsertSkeleton;
            });
        shard.index = std::make_unique<detail::HnswIndex>(shard.size(), d, m, efConstruction,
                                                          config.seed + static_cast<unsigned>(s));
    }
    std::function<bool(double)> built;
    if (progress)
        built = [&progress](double fraction) { return progress(kBuildShare * fraction); };
    if (!buildShards(shards, points, threads, built))
        throw Cancelled();

    // Search: every point is its own query in every shard; k + 1 results in
    // its own so that dropping the point itself leaves k.
    for (auto& shard : shards)
        shard.index->setSearchWidth(ef);
    KnnGraph graph;
    graph.n = n;
    graph.k = k;
    graph.indices.resize(static_cast<std::size_t>(n) * k);
    graph.distances.resize(static_cast<std::size_t>(n) * k);
    std::atomic<std::int64_t> queried{0};
    const int queryTasks = (n + kQueryChunk - 1) / kQueryChunk;
    const bool searched = detail::parallelTasks(
        queryTasks, threads,
        [&](int task) {
            const int begin = task * kQueryChunk;
            const int end = std::min(n, begin + kQueryChunk);
            std::vector<Candidate> candidates, found, merged;
            for (int position = begin; position < end; ++position) {
                const int i = queryOrder[std::size_t(position)];
                candidates.clear();
                for (int s = 0; s < shardCount; ++s) {
                    const bool own = shardOf[std::size_t(i)] == s;
                    shards[std::size_t(s)].index->search(
                        points.row(i).data(), own ? shardK + 1 : shardK, own ? i : -1, found);
                    merged.clear();
                    std::merge(candidates.begin(), candidates.end(), found.begin(), found.end(),
                               std::back_inserter(merged));
                    candidates.swap(merged);
                }
                if (static_cast<int>(candidates.size()) < k) {
                    // The search stranded in a small part of the graph (can
                    // happen with many duplicates): scan everything instead.
                    candidates.clear();
                    for (int j = 0; j < n; ++j) {
                        if (j != i)
                            candidates.emplace_back(
                                squaredDistance(points.row(i).data(), points.row(j).data(), d), j);
                    }
                    storeNearest(graph, i, candidates);
                } else {
                    storeRow(graph, i, candidates);
                }
            }
            queried += end - begin;
        },
        pollFraction(progress, [&] {
            return kBuildShare + (1.0 - kBuildShare) * double(queried.load()) / n;
        }));
    if (!searched)
        throw Cancelled();
    return graph;
}

} // namespace

KnnGraph buildKnnGraph(const RowMatrixXf& points, const KnnConfig& config,
                       const KnnProgress& progress)
{
    checkArguments(points, config.k);
    if (config.method == "exact" || (config.method == "auto" && points.rows() <= kExactUpTo))
        return exactKnnGraph(points, config.k, config.threads, progress);
    if (config.method == "nndescent" || (config.method == "auto" && config.k <= kNnDescentUpToK)) {
        detail::NnDescentConfig descent;
        descent.k = config.k;
        descent.threads = config.threads;
        descent.seed = config.seed;
        return detail::nnDescentGraph(points, descent, progress);
    }
    if (config.method == "hnsw" || config.method == "auto")
        return hnswKnnGraph(points, config, progress);
    throw std::invalid_argument("kNN graph: unknown method '" + config.method +
                                "' (known: auto, hnsw, nndescent, exact)");
}

KnnGraph exactKnnGraph(const RowMatrixXf& points, int k, int threads, const KnnProgress& progress)
{
    checkArguments(points, k);
    const Eigen::Index n = points.rows();
    const Eigen::Index d = points.cols();
    const int kept = static_cast<int>(std::min<Eigen::Index>(k + kRefineMargin, n - 1));
    const Eigen::VectorXf squaredNorms = points.rowwise().squaredNorm();

    KnnGraph graph;
    graph.n = static_cast<int>(n);
    graph.k = k;
    graph.indices.resize(static_cast<std::size_t>(n) * k);
    graph.distances.resize(static_cast<std::size_t>(n) * k);

    const int tasks = static_cast<int>((n + kQueryBlock - 1) / kQueryBlock);
    std::atomic<int> done{0};
    const bool finished = detail::parallelTasks(
        tasks, detail::resolveThreads(threads),
        [&](int task) {
            const Eigen::Index q0 = Eigen::Index(task) * kQueryBlock;
            const Eigen::Index qn = std::min<Eigen::Index>(kQueryBlock, n - q0);
            // Per query: the `kept` best candidates by |r|² − 2q·r (|q|² is the
            // same for all of them), sorted ascending.
            std::vector<Candidate> best(static_cast<std::size_t>(qn * kept),
                                        {std::numeric_limits<float>::infinity(), -1});
            RowMatrixXf products(qn, std::min<Eigen::Index>(kReferenceBlock, n));
            for (Eigen::Index r0 = 0; r0 < n; r0 += kReferenceBlock) {
                const Eigen::Index rn = std::min<Eigen::Index>(kReferenceBlock, n - r0);
                products.leftCols(rn).noalias() =
                    points.middleRows(q0, qn) * points.middleRows(r0, rn).transpose();
                for (Eigen::Index q = 0; q < qn; ++q) {
                    Candidate* row = best.data() + q * kept;
                    const float* dots = products.row(q).data();
                    float worst = row[kept - 1].first;
                    for (Eigen::Index r = 0; r < rn; ++r) {
                        const float score = squaredNorms[r0 + r] - 2.0f * dots[r];
                        if (score >= worst || r0 + r == q0 + q)
                            continue;
                        // Insertion into the sorted list, dropping the last.
                        int pos = kept - 1;
                        while (pos > 0 && row[pos - 1].first > score) {
                            row[pos] = row[pos - 1];
                            --pos;
                        }
                        row[pos] = {score, static_cast<std::int32_t>(r0 + r)};
                        worst = row[kept - 1].first;
                    }
                }
            }
            // Exact distances for the survivors, then the k best.
            std::vector<Candidate> candidates(static_cast<std::size_t>(kept));
            for (Eigen::Index q = 0; q < qn; ++q) {
                const float* query = points.row(q0 + q).data();
                for (int c = 0; c < kept; ++c) {
                    const std::int32_t j = best[static_cast<std::size_t>(q * kept + c)].second;
                    candidates[c] = {squaredDistance(query, points.row(j).data(), d), j};
                }
                storeNearest(graph, q0 + q, candidates);
            }
            ++done;
        },
        pollFraction(progress, [&] { return double(done.load()) / tasks; }));
    if (!finished)
        throw Cancelled();
    return graph;
}

double knnRecall(const KnnGraph& approx, const KnnGraph& exact)
{
    if (approx.n != exact.n || approx.k != exact.k)
        throw std::invalid_argument("knnRecall: graphs differ in size (" +
                                    std::to_string(approx.n) + "×" + std::to_string(approx.k) +
                                    " vs " + std::to_string(exact.n) + "×" +
                                    std::to_string(exact.k) + ")");
    if (approx.n == 0 || approx.k == 0)
        return 1.0;
    const int k = approx.k;
    std::int64_t found = 0;
    std::vector<std::int32_t> a(k), e(k);
    for (int i = 0; i < approx.n; ++i) {
        const auto offset = static_cast<std::ptrdiff_t>(i) * k;
        std::copy_n(approx.indices.begin() + offset, k, a.begin());
        std::copy_n(exact.indices.begin() + offset, k, e.begin());
        std::sort(a.begin(), a.end());
        std::sort(e.begin(), e.end());
        std::vector<std::int32_t> common;
        std::set_intersection(a.begin(), a.end(), e.begin(), e.end(), std::back_inserter(common));
        found += static_cast<std::int64_t>(common.size());
    }
    return double(found) / (double(approx.n) * k);
}

} // namespace mnistx::projection
