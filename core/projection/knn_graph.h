#pragma once

#include "core/util/matrix.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mnistx::projection
{

// k nearest neighbours of every point, self excluded. Row-major n × k:
// neighbours of point i are indices[i*k .. i*k+k), sorted by ascending
// Euclidean distance (not squared) in the input space.
struct KnnGraph {
    int n = 0;
    int k = 0;
    std::vector<std::int32_t> indices;
    std::vector<float> distances;
};

struct KnnConfig {
    int k = 15;
    int threads = 0;        // 0: all cores
    std::uint64_t seed = 1; // HNSW's level generator and shards, NN-descent's trees and samples
    // "auto": exact up to a few thousand points, above that NN-descent for
    // small k (UMAP's) and HNSW for large k (t-SNE's); or "nndescent",
    // "hnsw", "exact".
    std::string method = "auto";
    // HNSW graph degree and search widths (hnswlib's M, ef_construction, ef);
    // 0 = the default, chosen for recall ≥ 0.99 on 70,000 × 64 MNIST features
    // at k = 14 and k = 90 (see knn_graph.cpp).
    int hnswM = 0;
    int hnswEfConstruction = 0;
    // Raised to at least the results each index is asked for, plus one (k + 1
    // with one index; from 10,000 points, two indexes are asked for fewer).
    int hnswEfSearch = 0;
};

// Called with the fraction done; return false to cancel (then Cancelled is thrown).
using KnnProgress = std::function<bool(double)>;

// points: n × d, one point per row (feature space, finite). Throws
// std::invalid_argument when k < 1, k >= n or a coordinate is not finite, and
// Cancelled when progress returns false. progress runs on the calling thread,
// at least every ~25 ms while the search runs. Results do not depend on the
// thread count: "exact" by construction; NN-descent because every step reads
// a snapshot and a list keeps the k nearest of all it was offered, whatever
// the order; HNSW because each of its indexes (two from 10,000 points, over
// the two halves of the points) is built by one thread, for a fixed seed,
// and only the searches share their work.
KnnGraph buildKnnGraph(const RowMatrixXf& points, const KnnConfig& config,
                       const KnnProgress& progress = {});

// Exact search by blocked matrix products (Eigen); the reference for recall tests.
KnnGraph exactKnnGraph(const RowMatrixXf& points, int k, int threads = 0,
                       const KnnProgress& progress = {});

// Fraction of the exact neighbours that `approx` found (recall@k).
double knnRecall(const KnnGraph& approx, const KnnGraph& exact);

namespace detail
{
// The fraction an HNSW graph's progress reports once its indexes are built.
constexpr double kHnswBuildShare = 0.3;
} // namespace detail

} // namespace mnistx::projection
