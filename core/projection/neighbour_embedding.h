#pragma once

// Private to core/projection: the flow that t-SNE and UMAP share, from the
// feature vectors to the map.

#include "core/projection/knn_graph.h"
#include "core/projection/progress_reporter.h"
#include "core/projection/projection.h"
#include "core/projection/worker_pool.h"

namespace mnistx::projection::detail
{

// What a neighbour-graph embedding does in its own way; embedNeighbourGraph
// does the rest. One object per run: it keeps what buildAffinities made for
// optimise. All three run on the calling thread and fan out through the pool
// (whose poll is the reporter's heartbeat); they throw Cancelled when the
// reporter says stop.
class NeighbourEmbedding
{
public:
    virtual ~NeighbourEmbedding() = default;
    // From the kNN graph to what the layout optimises, in the affinity stage
    // (2 steps): reports step 1 when half done.
    virtual void buildAffinities(const KnnGraph& graph, WorkerPool& pool,
                                 ProgressReporter& reporter) = 0;
    // The starting map (n×2, map space) of the n points (feature space).
    virtual RowMatrixXf initialLayout(const RowMatrixXf& points, WorkerPool& pool,
                                      ProgressReporter& reporter) = 0;
    // The layout, stage "optimise" (set by optimise itself), from the start map.
    virtual RowMatrixXf optimise(const RowMatrixXf& initial, WorkerPool& pool,
                                 ProgressReporter& reporter) = 0;
};

// What embedNeighbourGraph needs to know of a method.
struct NeighbourEmbeddingPlan {
    KnnConfig knn;   // threads: the pool's
    int threads = 0; // 0: all cores
    const char* affinityStage = "";
    // Where the kNN and the affinity stages end on the progress bar
    // (ProjectionProgress::fraction); the layout fills the rest.
    double knnShareEnd = 0.0;
    double affinityShareEnd = 0.0;
    // When set, receives the kNN graph (else it is freed before the layout).
    std::shared_ptr<const KnnGraph>* keepGraph = nullptr;
};

// The plan for a method's config (TsneConfig, UmapConfig: both carry seed,
// threads and knnMethod) with k neighbours per point; keepGraph as in the plan.
template <typename Config>
NeighbourEmbeddingPlan
neighbourEmbeddingPlan(const Config& config, int k, const char* affinityStage, double knnShareEnd,
                       double affinityShareEnd, std::shared_ptr<const KnnGraph>* keepGraph)
{
    NeighbourEmbeddingPlan plan;
    plan.knn.k = k;
    plan.knn.seed = config.seed;
    plan.knn.method = config.knnMethod;
    plan.threads = config.threads;
    plan.affinityStage = affinityStage;
    plan.knnShareEnd = knnShareEnd;
    plan.affinityShareEnd = affinityShareEnd;
    plan.keepGraph = keepGraph;
    return plan;
}

// Throws std::invalid_argument, the message starting with `method` ("t-SNE",
// "UMAP"), unless points (n×d) has at least minPoints rows, a column, and
// finite values only.
void checkPoints(const RowMatrixXf& points, const char* method, int minPoints);

// points (n×d, feature space, checked) → n×2 map (map space). Progress on the
// calling thread: stage "knn" (iterations 0..100, layout null), the affinity
// stage (0..2, layout null; the starting map is made in its second half),
// then what method.optimise reports. Throws Cancelled when progress says stop.
RowMatrixXf embedNeighbourGraph(const RowMatrixXf& points, const NeighbourEmbeddingPlan& plan,
                                NeighbourEmbedding& method, const ProgressCallback& progress);

} // namespace mnistx::projection::detail
