#pragma once

// Private to core (the kNN graph of the projections and the feature index):
// the one place that compiles hnswlib (Debian's libhnswlib-dev 0.6.2), whose
// headers define non-inline functions and so may be included by a single
// translation unit only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace mnistx::projection::detail
{

// Squared Euclidean distance of two points of d floats: the scalar loop of
// the exhaustive scans beside the index (the exact search's refinement and
// the fallback of a stranded HNSW search).
inline float squaredDistance(const float* a, const float* b, std::ptrdiff_t d)
{
    float sum = 0.0f;
    for (std::ptrdiff_t c = 0; c < d; ++c) {
        const float diff = a[c] - b[c];
        sum += diff * diff;
    }
    return sum;
}

// (squared distance, label): what a search finds.
using HnswCandidate = std::pair<float, std::int32_t>;

// An HNSW graph (hnswlib's HierarchicalNSW) under squared Euclidean distance,
// computed by an 8-wide AVX2/FMA kernel where the CPU has both (the build
// targets baseline x86-64, where hnswlib's own kernel is 4-wide SSE; the
// distance is most of the work, and the wider kernel makes build and search
// ~25% faster). Results may differ in the last bits between the two kernels,
// never between runs on one machine.
//
// Points are added by one thread: hnswlib 0.6.2's concurrent addPoint races
// on its level generator (a data race, and a graph that depends on the
// schedule) and locks neighbour lists in inconsistent orders (a possible
// deadlock); ThreadSanitizer reports both. Once built, any number of threads
// may search at once. The index keeps its own copy of the points.
class HnswIndex
{
public:
    // capacity points of `dimension` floats; m, efConstruction: hnswlib's M
    // and ef_construction; seed: its level generator.
    HnswIndex(int capacity, int dimension, int m, int efConstruction, std::uint64_t seed);
    ~HnswIndex();
    HnswIndex(const HnswIndex&) = delete;
    HnswIndex& operator=(const HnswIndex&) = delete;

    // Adds n rows of a row-major array of rows × dimension floats, on the
    // calling thread: rows order[0..n) in that order, each labelled with its
    // row number (order null: rows 0, 1, …, n − 1).
    // inserted (optional) is polled with the fraction added so far at most
    // every kPollInterval; when it returns false no further row is added and
    // addAll returns false.
    bool addAll(const float* rows, int n, const std::int32_t* order,
                const std::function<bool(double)>& inserted = {});
    // hnswlib's ef: the search width.
    void setSearchWidth(int ef);
    // The k nearest points found, nearest first (ascending distance, then
    // label), without label `exclude` (−1: none). out is cleared first.
    void search(const float* query, int k, std::int32_t exclude,
                std::vector<HnswCandidate>& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mnistx::projection::detail
