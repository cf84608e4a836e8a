#pragma once
// Nearest neighbours in feature space (the CNN's penultimate layer), for the
// "similar samples" gallery and the label-error ranking.

#include "core/analysis/analysis_types.h"
#include "core/util/matrix.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mnistx::why
{

// Samples of a run are numbered by one global id, training samples first:
// id = index for train, trainCount + index for validation.
struct SampleRef {
    analysis::Subset subset = analysis::Subset::Train;
    int index = 0;
};

struct FeatureIndexConfig {
    int threads =
        0; // unused: the HNSW build runs on the calling thread (see core/projection/hnsw_index.h)
    std::uint64_t seed = 1; // HNSW level generator
    // "auto" (HNSW above a few thousand samples, exact below), "hnsw", "exact".
    std::string method = "auto";
    // HNSW graph degree, build and search widths (hnswlib's M, ef_construction,
    // ef). M = 16 and ef_construction = 64 are what core/projection/knn_graph.cpp
    // measured for recall ≥ 0.99 on 70,000 MNIST features. Search width 40:
    // recall@10 0.998 on the stored MNIST run's features where 64 gives 0.999
    // at 1.6× the time (bench_why --ef); searches use max(ef, k).
    int hnswM = 16;
    int hnswEfConstruction = 64;
    int hnswEfSearch = 40;
};

// The k nearest samples of a query, nearest first. ids are global ids;
// distances Euclidean (not squared) in feature space.
struct Neighbours {
    std::vector<int> ids;
    std::vector<float> distances;
};

// Neighbours of every sample, self excluded: row-major n × k, row i for the
// sample with global id i, nearest first.
struct NeighbourGraph {
    int n = 0;
    int k = 0;
    std::vector<std::int32_t> ids;
    std::vector<float> distances;
    const std::int32_t* row(int i) const { return ids.data() + static_cast<std::size_t>(i) * k; }
};

// Thrown when a progress callback asked to stop.
struct IndexCancelled : std::runtime_error {
    IndexCancelled() : std::runtime_error("feature index cancelled") {}
};

// Called with the fraction done in [0,1] on the calling thread (at least every
// ~25 ms); return false to cancel.
using IndexProgress = std::function<bool(double)>;

// A nearest-neighbour index over the features of one run, built once (an HNSW
// graph, hnswlib; exact search for small sets). Immutable after build: any
// number of threads may query one index at once. Move-only; share it as
// std::shared_ptr<const FeatureIndex>.
class FeatureIndex
{
public:
    // train: N_train × D, validation: N_validation × D (same D, both finite;
    // either may be empty but not both). The index keeps its own copy.
    // Throws std::invalid_argument for mismatched or non-finite features and
    // IndexCancelled when progress returns false. 70,000 × 64: ~1.5 s on 2
    // threads (see tests/bench/bench_why.cpp).
    FeatureIndex(const RowMatrixXf& train, const RowMatrixXf& validation,
                 const FeatureIndexConfig& config = {}, const IndexProgress& progress = {});
    ~FeatureIndex();
    FeatureIndex(FeatureIndex&&) noexcept;
    FeatureIndex& operator=(FeatureIndex&&) noexcept;

    int size() const;       // N_train + N_validation
    int trainCount() const; // N_train
    int dimension() const;  // D
    bool exact() const;     // true when the index searches exhaustively

    int globalId(analysis::Subset subset, int index) const;
    SampleRef sample(int globalId) const;
    // Row `globalId` of the features (D floats, valid while the index lives).
    const float* feature(int globalId) const;

    // The k nearest samples to sample `globalId`, the sample itself excluded.
    // k is clamped to size() − 1. Throws std::out_of_range for a bad id and
    // std::invalid_argument for k < 1. ≤ 0.2 ms at 70,000 × 64.
    Neighbours nearest(int globalId, int k) const;
    // The k nearest samples to an arbitrary point (D floats in feature space).
    Neighbours nearestTo(const float* point, int k) const;

    // nearest() of every sample, in parallel on `threads` (0: all cores).
    // Throws IndexCancelled when progress returns false.
    NeighbourGraph neighbourGraph(int k, int threads = 0, const IndexProgress& progress = {}) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace mnistx::why
