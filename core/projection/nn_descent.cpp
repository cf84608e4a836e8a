#include "core/projection/nn_descent.h"

#include "core/projection/heartbeat.h"
#include "core/projection/keyed_random.h"
#include "core/projection/projection.h"
#include "core/projection/worker_pool.h"
#include "core/util/vector_clones.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace mnistx::projection::detail
{

namespace
{

// Streams of KeyedRandom (keyed_random.h) for the trees, the random fill and
// the candidate priorities of each round.
constexpr std::uint64_t kStreamTree = 1ull << 41;
constexpr std::uint64_t kStreamFill = (1ull << 41) + 1;
constexpr std::uint64_t kStreamRound = (1ull << 42);

// An empty slot of a neighbour list: farther than any point.
constexpr std::int32_t kNone = std::numeric_limits<std::int32_t>::max();

// Defaults, from bench_projection --nndescent-sweep (2 threads, k = 14) on two
// 70,000 × 64 MNIST feature sets, the CNN's features and the harder PCA of the
// pixels. Recall@14 CNN / pixels, seconds:
//   trees  4, leaves 30, candidates 14: 0.9920 / 0.9864, 1.0 s
//   trees  8, leaves 30, candidates 14: 0.9926 / 0.9877, 1.1 s
//   trees  8, leaves 30, candidates 45: 0.9965 / 0.9919, 1.1 s
//   trees  8, leaves 60, candidates 45: 0.9969 / 0.9926, 1.2 s
//   trees 12, leaves 30, candidates 45: 0.9969 / 0.9928, 1.4 s
//   trees  8, leaves 30, candidates 60: 0.9966 / 0.9919, 1.2 s
// (HNSW's defaults: 0.9983 / 0.9951 in 2.4 / 3.0 s.) More candidates than k
// take in the reverse neighbours, which is what lifts recall on the pixels.
// Then, with trees 8, leaves 60, candidates 45, lists longer than k
// (NnDescentConfig::extraEntries):
//   +0: 0.9969 / 0.9926, 1.2 / 1.3 s (Gaussian blobs, 12,000 × 16: 0.986)
//   +2: 0.9983 / 0.9953, 1.3 / 1.4 s (0.994)
//   +3: 0.9988 / 0.9961, 1.3 / 1.5 s (0.996)
//   +4: 0.9991 / 0.9969, 1.9 / 1.7 s (0.998)
constexpr int kDefaultTrees = 8;
constexpr int kDefaultLeafSize = 60;
constexpr int kMinDefaultCandidates = 45;
constexpr int kMaxDefaultCandidates = 60;

// Points whose candidate lists a round samples at once (their memory: 94 MB),
// and points whose local joins run between two applications of the offers:
// what bounds the offers' memory (at a million points, joins over 131,072
// points at once offered 3 GB of pairs in the first round).
constexpr int kPassPoints = 131072;
constexpr int kJoinPoints = 8192;

// Tasks of a parallel step, at most (and about 256 points each below that).
// They do not depend on the thread count: the offers then come in the same
// order on any number of threads, and so does the count of entries that
// changed, which decides when the rounds stop (the lists themselves would be
// the same in any order).
constexpr int kMaxTasks = 64;

// Share of the progress bar for the starting graph; the rounds take the rest.
constexpr double kInitShare = 0.3;

// Squared Euclidean distance summed in eight lanes, combined in a fixed order:
// the same bits on every instruction set, and vectorised by the AVX2 clone of
// the loops that inline it.
inline float laneDistance(const float* a, const float* b, int d)
{
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int c = 0;
    for (; c + 8 <= d; c += 8)
        for (int l = 0; l < 8; ++l) {
            const float diff = a[c + l] - b[c + l];
            lane[l] += diff * diff;
        }
    for (int l = 0; c < d; ++c, ++l) {
        const float diff = a[c] - b[c];
        lane[l] += diff * diff;
    }
    return ((lane[0] + lane[4]) + (lane[1] + lane[5])) +
           ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}

// Every point's list of its `size` nearest so far (k and the extra entries): a
// max-heap by (squared distance, index), the farthest at the root, with a flag
// per entry that says it arrived since its point last took part in a local
// join.
class NeighbourHeaps
{
public:
    NeighbourHeaps(int n, int size)
        : m_size(size), m_distance(std::size_t(n) * size, std::numeric_limits<float>::infinity()),
          m_id(std::size_t(n) * size, kNone), m_fresh(std::size_t(n) * size, 0)
    {
    }

    // The farthest entry's squared distance (infinite while the list has room).
    float worst(int i) const { return m_distance[std::size_t(i) * m_size]; }
    std::int32_t id(int i, int slot) const { return m_id[std::size_t(i) * m_size + slot]; }
    float distance(int i, int slot) const { return m_distance[std::size_t(i) * m_size + slot]; }
    bool fresh(int i, int slot) const { return m_fresh[std::size_t(i) * m_size + slot] != 0; }
    void setOld(int i, int slot) { m_fresh[std::size_t(i) * m_size + slot] = 0; }

    // Offers j at squared distance dist to i's list: true when it entered.
    bool push(int i, float dist, std::int32_t j)
    {
        const std::size_t base = std::size_t(i) * m_size;
        float* dd = m_distance.data() + base;
        std::int32_t* ids = m_id.data() + base;
        if (!closer(dist, j, dd[0], ids[0]))
            return false;
        for (int s = 0; s < m_size; ++s)
            if (ids[s] == j)
                return false;
        std::uint8_t* fresh = m_fresh.data() + base;
        int s = 0;
        for (;;) {
            const int left = 2 * s + 1;
            if (left >= m_size)
                break;
            int child = left;
            if (left + 1 < m_size && closer(dd[left], ids[left], dd[left + 1], ids[left + 1]))
                child = left + 1;
            if (!closer(dist, j, dd[child], ids[child]))
                break;
            dd[s] = dd[child];
            ids[s] = ids[child];
            fresh[s] = fresh[child];
            s = child;
        }
        dd[s] = dist;
        ids[s] = j;
        fresh[s] = 1;
        return true;
    }

    // Writes i's list, nearest first, to row i of the graph (Euclidean).
    void store(int i, KnnGraph& graph) const
    {
        std::vector<std::pair<float, std::int32_t>> row(static_cast<std::size_t>(m_size));
        for (int s = 0; s < m_size; ++s)
            row[std::size_t(s)] = {distance(i, s), id(i, s)};
        std::sort(row.begin(), row.end());
        const int k = graph.k;
        for (int s = 0; s < k; ++s) {
            graph.indices[std::size_t(i) * k + s] = row[std::size_t(s)].second;
            graph.distances[std::size_t(i) * k + s] = std::sqrt(row[std::size_t(s)].first);
        }
    }

private:
    // (a, ia) strictly before (b, ib): nearer, or as near with a lower index.
    static bool closer(float a, std::int32_t ia, float b, std::int32_t ib)
    {
        return a < b || (a == b && ia < ib);
    }

    int m_size;
    std::vector<float> m_distance;
    std::vector<std::int32_t> m_id;
    std::vector<std::uint8_t> m_fresh;
};

// What one step offers a point: `other` for `target`'s list at `value` (a
// squared distance, or a candidate's priority).
struct Offer {
    std::int32_t target;
    std::int32_t other;
    float value;
};

// Offers sorted by the task that made them and the block of points they go
// to, so that the blocks can take theirs in parallel, each in task order.
class OfferBuckets
{
public:
    OfferBuckets(int n, int tasks, int blocks)
        : m_blocks(blocks), m_blockSize((n + blocks - 1) / blocks),
          m_buckets(std::size_t(tasks) * blocks)
    {
    }
    int blocks() const { return m_blocks; }
    int tasks() const { return int(m_buckets.size()) / m_blocks; }
    int blockSize() const { return m_blockSize; }

    void add(int task, const Offer& offer)
    {
        m_buckets[std::size_t(task) * m_blocks + offer.target / m_blockSize].push_back(offer);
    }
    // Empties the buckets, keeping their memory for the next step alike.
    void clear()
    {
        for (auto& b : m_buckets)
            b.clear();
    }
    // Empties them and frees their memory: after a step whose offers all went
    // to a few blocks (a pass's candidates), which would otherwise keep that
    // much in each block it ever filled.
    void release()
    {
        for (auto& b : m_buckets)
            std::vector<Offer>().swap(b);
    }
    // Calls f(offer) for every offer to block b, in task order.
    template <typename F> void forBlock(int b, F&& f) const
    {
        for (int t = 0; t < tasks(); ++t)
            for (const Offer& offer : m_buckets[std::size_t(t) * m_blocks + b])
                f(offer);
    }

private:
    int m_blocks;
    int m_blockSize;
    std::vector<std::vector<Offer>> m_buckets;
};

// A point's sample of candidates for one round: at most `capacity` others,
// those of the lowest priority (a hash), as a max-heap by (priority, id) —
// which ones, not their order, is what a round uses, and that does not depend
// on the order they were offered in.
class CandidateLists
{
public:
    CandidateLists(int n, int capacity)
        : m_capacity(capacity), m_entries(std::size_t(n) * capacity), m_count(std::size_t(n), 0)
    {
    }
    void clear(int i) { m_count[std::size_t(i)] = 0; }
    int count(int i) const { return m_count[std::size_t(i)]; }
    std::int32_t id(int i, int slot) const
    {
        return m_entries[std::size_t(i) * m_capacity + slot].second;
    }
    bool contains(int i, std::int32_t j) const
    {
        const Entry* first = m_entries.data() + std::size_t(i) * m_capacity;
        const Entry* last = first + count(i);
        return std::find_if(first, last, [j](const Entry& e) { return e.second == j; }) != last;
    }

    void offer(int i, std::int32_t j, float priority)
    {
        if (contains(i, j))
            return;
        Entry* first = m_entries.data() + std::size_t(i) * m_capacity;
        int& count = m_count[std::size_t(i)];
        const Entry entry{priority, j};
        if (count < m_capacity) {
            first[count++] = entry;
            std::push_heap(first, first + count);
        } else if (entry < first[0]) {
            std::pop_heap(first, first + count);
            first[count - 1] = entry;
            std::push_heap(first, first + count);
        }
    }

private:
    // (priority, id): std::pair's order, the highest at the front of a heap.
    using Entry = std::pair<float, std::int32_t>;

    int m_capacity;
    std::vector<Entry> m_entries;
    std::vector<int> m_count;
};

// The priority of the pair {i, j} in a round: the same from either side.
float pairPriority(std::uint64_t seed, int round, std::int32_t i, std::int32_t j)
{
    const auto lo = std::uint64_t(std::min(i, j)), hi = std::uint64_t(std::max(i, j));
    KeyedRandom random(seed, kStreamRound + std::uint64_t(round), lo << 32 | hi);
    return float(random.next() >> 40) * 0x1.0p-24f;
}

// The leaves of one random-projection tree: a permutation of the points and
// where each leaf of it starts (the last entry is n).
struct TreeLeaves {
    std::vector<std::int32_t> order;
    std::vector<int> starts;
};

MNISTX_VECTOR_CLONES
TreeLeaves buildTree(const RowMatrixXf& points, int leafSize, std::uint64_t seed, int tree)
{
    const int n = int(points.rows()), d = int(points.cols());
    TreeLeaves leaves;
    leaves.order.resize(std::size_t(n));
    for (int i = 0; i < n; ++i)
        leaves.order[std::size_t(i)] = i;
    KeyedRandom random(seed, kStreamTree, std::uint64_t(tree));
    std::vector<float> normal(static_cast<std::size_t>(d));
    std::vector<std::pair<int, int>> stack{{0, n}};
    std::vector<std::pair<int, int>> done;
    while (!stack.empty()) {
        const auto [lo, hi] = stack.back();
        stack.pop_back();
        const int size = hi - lo;
        if (size <= leafSize) {
            done.emplace_back(lo, hi);
            continue;
        }
        // The hyperplane halfway between two random points of the node.
        const int a = leaves.order[std::size_t(lo + int(random.below(std::uint32_t(size))))];
        int b = leaves.order[std::size_t(lo + int(random.below(std::uint32_t(size - 1))))];
        if (b == a)
            b = leaves.order[std::size_t(hi - 1)];
        const float* pa = points.row(a).data();
        const float* pb = points.row(b).data();
        float offset = 0.0f;
        for (int c = 0; c < d; ++c) {
            normal[std::size_t(c)] = pa[c] - pb[c];
            offset += normal[std::size_t(c)] * 0.5f * (pa[c] + pb[c]);
        }
        int mid = lo;
        for (int s = lo; s < hi; ++s) {
            const std::int32_t i = leaves.order[std::size_t(s)];
            const float* p = points.row(i).data();
            float margin = -offset;
            for (int c = 0; c < d; ++c)
                margin += normal[std::size_t(c)] * p[c];
            const bool left = margin < 0.0f || (margin == 0.0f && (random.next() & 1));
            if (left)
                std::swap(leaves.order[std::size_t(s)], leaves.order[std::size_t(mid++)]);
        }
        // A plane that does not split (duplicates): halves by position.
        if (mid == lo || mid == hi)
            mid = lo + size / 2;
        stack.emplace_back(mid, hi);
        stack.emplace_back(lo, mid);
    }
    std::sort(done.begin(), done.end());
    for (const auto& leaf : done)
        leaves.starts.push_back(leaf.first);
    leaves.starts.push_back(n);
    return leaves;
}

} // namespace

std::vector<std::int32_t> treeOrder(const RowMatrixXf& points, int leafSize, std::uint64_t seed)
{
    return buildTree(points, leafSize, seed, 0).order;
}

namespace
{

class NnDescent
{
public:
    NnDescent(const RowMatrixXf& points, const NnDescentConfig& config,
              const std::function<bool(double)>& progress)
        : m_points(points), m_n(int(points.rows())), m_d(int(points.cols())), m_k(config.k),
          m_list(std::min(m_n - 1, config.k + std::max(0, config.extraEntries))),
          m_seed(config.seed), m_pool(config.threads), m_heaps(m_n, m_list),
          m_tasks(std::max(1, std::min(kMaxTasks, (m_n + 255) / 256))),
          m_offers(m_n, m_tasks, std::max(1, std::min(64, (m_n + 1023) / 1024))),
          m_progress(progress)
    {
        m_poll = [this] { return !m_progress || m_progress(m_fraction); };
    }

    KnnGraph run(const NnDescentConfig& config)
    {
        const int trees = config.trees > 0 ? config.trees : kDefaultTrees;
        const int leafSize =
            config.leafSize > 0 ? config.leafSize : std::max(kDefaultLeafSize, 2 * m_k);
        const int candidates =
            config.maxCandidates > 0
                ? config.maxCandidates
                : std::min(kMaxDefaultCandidates, std::max(kMinDefaultCandidates, m_k));
        startFromTrees(trees, leafSize);
        fillAtRandom();
        const double entries = double(m_n) * m_list;
        const double stopBelow = config.stopFraction * entries;
        double done = 0.0; // of the rounds
        for (int round = 0; round < config.maxRounds; ++round) {
            m_fraction = kInitShare + (1.0 - kInitShare) * done;
            const long long changed = runRound(round, candidates);
            if (double(changed) <= stopBelow)
                break;
            // The changes fall about geometrically from all entries to the
            // stopping level: the share of that fall so far, or of the
            // rounds, whichever is more.
            const double fall = std::log(entries / double(changed)) / std::log(entries / stopBelow);
            done = std::min(1.0, std::max({done, fall, double(round + 1) / config.maxRounds}));
        }
        KnnGraph graph;
        graph.n = m_n;
        graph.k = m_k;
        graph.indices.resize(std::size_t(m_n) * m_k);
        graph.distances.resize(std::size_t(m_n) * m_k);
        parallel(m_tasks, [&](int t) {
            const auto [begin, end] = share(0, m_n, t);
            for (int i = begin; i < end; ++i)
                m_heaps.store(i, graph);
        });
        return graph;
    }

private:
    void parallel(int tasks, const std::function<void(int)>& body)
    {
        Heartbeat beat(m_poll);
        if (!m_pool.run(tasks, body, [&] { return beat(); }))
            throw Cancelled();
    }

    // Applies every offer of the step to its target's list; returns how many
    // entered.
    long long applyOffers()
    {
        std::vector<long long> entered(static_cast<std::size_t>(m_offers.blocks()), 0);
        parallel(m_offers.blocks(), [&](int b) {
            long long count = 0;
            m_offers.forBlock(b, [&](const Offer& o) {
                count += m_heaps.push(o.target, o.value, o.other) ? 1 : 0;
            });
            entered[std::size_t(b)] = count;
        });
        m_offers.clear();
        long long total = 0;
        for (const long long e : entered)
            total += e;
        return total;
    }

    // Offers both ends of a pair to each other where the pair beats the
    // target's current farthest (read from the snapshot: lists change only
    // in applyOffers).
    void offerPair(int task, std::int32_t a, std::int32_t b)
    {
        const float dist = laneDistance(m_points.row(a).data(), m_points.row(b).data(), m_d);
        if (dist <= m_heaps.worst(a))
            m_offers.add(task, {a, b, dist});
        if (dist <= m_heaps.worst(b))
            m_offers.add(task, {b, a, dist});
    }

    // [0, n) in `count` near-equal consecutive parts of at most `size`
    // points: passes, whose offers are applied before the next one starts.
    // They depend on n only.
    int partCount(int size) const { return (m_n + size - 1) / size; }
    std::pair<int, int> part(int size, int index) const
    {
        const std::int64_t count = partCount(size);
        return {int(m_n * std::int64_t(index) / count), int(m_n * std::int64_t(index + 1) / count)};
    }
    // Task t's share of [begin, end).
    std::pair<int, int> share(int begin, int end, int t) const
    {
        const std::int64_t size = end - begin;
        return {begin + int(size * t / m_tasks), begin + int(size * (t + 1) / m_tasks)};
    }

    // The starting graph: every pair within a leaf of each tree.
    void startFromTrees(int trees, int leafSize)
    {
        std::vector<TreeLeaves> forest(static_cast<std::size_t>(trees));
        parallel(trees,
                 [&](int t) { forest[std::size_t(t)] = buildTree(m_points, leafSize, m_seed, t); });
        for (int t = 0; t < trees; ++t) {
            m_fraction = kInitShare * (t + 1) / (trees + 1);
            const TreeLeaves& leaves = forest[std::size_t(t)];
            // Passes over the leaves by where they start in the tree's order.
            int leaf = 0;
            for (int pass = 0; pass < partCount(kJoinPoints); ++pass) {
                const int end = part(kJoinPoints, pass).second;
                const int first = leaf;
                while (leaves.starts[std::size_t(leaf)] < end)
                    ++leaf;
                parallel(m_tasks, [&](int task) {
                    const auto [from, to] = share(first, leaf, task);
                    joinLeaves(task, leaves, from, to);
                });
                applyOffers();
            }
            forest[std::size_t(t)] = {};
        }
    }

    MNISTX_VECTOR_CLONES
    void joinLeaves(int task, const TreeLeaves& leaves, int first, int last)
    {
        for (int leaf = first; leaf < last; ++leaf) {
            const int lo = leaves.starts[std::size_t(leaf)];
            const int hi = leaves.starts[std::size_t(leaf) + 1];
            for (int s = lo; s < hi; ++s)
                for (int u = s + 1; u < hi; ++u)
                    offerPair(task, leaves.order[std::size_t(s)], leaves.order[std::size_t(u)]);
        }
    }

    // Points the trees left with fewer than k neighbours get random others.
    void fillAtRandom()
    {
        parallel(m_tasks, [&](int t) {
            const auto [begin, end] = share(0, m_n, t);
            for (int i = begin; i < end; ++i) {
                KeyedRandom random(m_seed, kStreamFill, std::uint64_t(i));
                while (m_heaps.id(i, 0) == kNone) {
                    const auto j = std::int32_t(random.below(std::uint32_t(m_n)));
                    if (j != i)
                        m_heaps.push(
                            i, laneDistance(m_points.row(i).data(), m_points.row(j).data(), m_d),
                            j);
                }
            }
        });
    }

    // One round: per pass, sample the new and old neighbours of the pass's
    // points (their own and the reverse ones), join every new candidate with
    // every other candidate, apply. Returns how many list entries changed.
    long long runRound(int round, int capacity)
    {
        if (!m_new) {
            const int passPoints = part(kPassPoints, 0).second;
            m_new = std::make_unique<CandidateLists>(passPoints, capacity);
            m_old = std::make_unique<CandidateLists>(passPoints, capacity);
        }
        long long changed = 0;
        for (int pass = 0; pass < partCount(kPassPoints); ++pass) {
            const auto [begin, end] = part(kPassPoints, pass);
            sampleCandidates(round, begin, end);
            // The joins of this pass's points, kJoinPoints at a time.
            for (int from = begin; from < end; from += kJoinPoints) {
                const int to = std::min(end, from + kJoinPoints);
                parallel(m_tasks, [&, passBegin = begin](int t) {
                    const auto [taskFrom, taskTo] = share(from, to, t);
                    joinCandidates(t, passBegin, taskFrom, taskTo);
                });
                changed += applyOffers();
            }
        }
        return changed;
    }

    // The candidate lists of points [begin, end): every list entry (i, j)
    // offers j to i and i to j, new or old as the entry; each list keeps the
    // lowest priorities. The new ones sampled are then old in their lists.
    void sampleCandidates(int round, int begin, int end)
    {
        const auto inPass = [&](std::int32_t i) { return i >= begin && i < end; };
        parallel(m_tasks, [&](int t) {
            const auto [from, to] = share(0, m_n, t);
            for (int i = from; i < to; ++i)
                for (int s = 0; s < m_list; ++s) {
                    const std::int32_t j = m_heaps.id(i, s);
                    if (!inPass(i) && !inPass(j))
                        continue;
                    const float priority = pairPriority(m_seed, round, i, j);
                    const bool fresh = m_heaps.fresh(i, s);
                    // other < 0 marks an old one (as −1 − id).
                    if (inPass(i))
                        m_offers.add(t, {i, fresh ? j : -1 - j, priority});
                    if (inPass(j))
                        m_offers.add(t, {j, fresh ? i : -1 - i, priority});
                }
        });
        parallel(m_offers.blocks(), [&](int b) {
            const int from = std::max(begin, b * m_offers.blockSize());
            const int to = std::min(end, (b + 1) * m_offers.blockSize());
            if (from >= to)
                return;
            for (int i = from; i < to; ++i) {
                m_new->clear(i - begin);
                m_old->clear(i - begin);
            }
            m_offers.forBlock(b, [&](const Offer& o) {
                if (o.other >= 0)
                    m_new->offer(o.target - begin, o.other, o.value);
                else
                    m_old->offer(o.target - begin, -1 - o.other, o.value);
            });
            for (int i = from; i < to; ++i)
                for (int s = 0; s < m_list; ++s)
                    if (m_heaps.fresh(i, s) && m_new->contains(i - begin, m_heaps.id(i, s)))
                        m_heaps.setOld(i, s);
        });
        m_offers.release();
    }

    MNISTX_VECTOR_CLONES
    void joinCandidates(int task, int passBegin, int from, int to)
    {
        for (int v = from; v < to; ++v) {
            const int row = v - passBegin;
            const int freshCount = m_new->count(row), oldCount = m_old->count(row);
            for (int s = 0; s < freshCount; ++s) {
                const std::int32_t a = m_new->id(row, s);
                for (int u = s + 1; u < freshCount; ++u)
                    offerPair(task, a, m_new->id(row, u));
                for (int u = 0; u < oldCount; ++u)
                    if (m_old->id(row, u) != a)
                        offerPair(task, a, m_old->id(row, u));
            }
        }
    }

    const RowMatrixXf& m_points;
    int m_n, m_d, m_k, m_list;
    std::uint64_t m_seed;
    WorkerPool m_pool;
    NeighbourHeaps m_heaps;
    int m_tasks;
    OfferBuckets m_offers;
    std::unique_ptr<CandidateLists> m_new, m_old;
    const std::function<bool(double)>& m_progress;
    double m_fraction = 0.0;
    std::function<bool()> m_poll;
};

} // namespace

KnnGraph nnDescentGraph(const RowMatrixXf& points, const NnDescentConfig& config,
                        const std::function<bool(double)>& progress)
{
    return NnDescent(points, config, progress).run(config);
}

} // namespace mnistx::projection::detail
