#pragma once

// Private to core/projection: the kNN graph by NN-descent (Dong, Moses, Li,
// "Efficient k-nearest neighbor graph construction for generic similarity
// measures", WWW 2011), started from a forest of random-projection trees as
// pynndescent does.
//
// Every step reads a snapshot and writes what it finds as updates, which are
// applied afterwards by target point; a point's list is the k nearest of all
// that was offered to it (ties by index), which does not depend on the order
// of the offers. So the graph is the same for any thread count.

#include "core/projection/knn_graph.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace mnistx::projection::detail
{

struct NnDescentConfig {
    int k = 15;
    int threads = 0; // 0: all cores
    std::uint64_t seed = 1;
    // Random-projection trees of the starting graph and their leaf size
    // (0: the defaults, see nn_descent.cpp).
    int trees = 0, leafSize = 0;
    // Candidates per point and round, of the new and of the old ones each
    // (0: k, within the defaults' bounds).
    int maxCandidates = 0;
    // Entries each list keeps beyond k while it descends: a list of k + 3
    // lets fewer true neighbours drop out for good (recall 0.986 → 0.996 on
    // Gaussian blobs, see nn_descent.cpp).
    int extraEntries = 3;
    // At most maxRounds rounds; fewer when a round changes fewer than
    // stopFraction of all list entries.
    int maxRounds = 12;
    double stopFraction = 0.001;
};

// The points in the order of the leaves of one random-projection tree of
// leaves ≤ leafSize (a permutation of 0..n−1): points close in it are mostly
// close in space. Deterministic for a seed.
std::vector<std::int32_t> treeOrder(const RowMatrixXf& points, int leafSize, std::uint64_t seed);

// points: n × d, checked by the caller (finite, n > k ≥ 1). Throws Cancelled
// when progress returns false; progress runs on the calling thread.
KnnGraph nnDescentGraph(const RowMatrixXf& points, const NnDescentConfig& config,
                        const std::function<bool(double)>& progress = {});

} // namespace mnistx::projection::detail
