#pragma once

// Private to core/projection: what the files of UMAP share (umap.cpp: the
// flow and the starting map; umap_graph.cpp; umap_layout.cpp).

#include "core/projection/progress_reporter.h"
#include "core/projection/task_runner.h"
#include "core/projection/umap.h"
#include "core/projection/worker_pool.h"

namespace mnistx::projection::detail
{

// The epochs a run of n points makes: `epochs`, or umap-learn's default for
// n when it is 0.
int umapEpochs(int epochs, int n);

// smoothKnnCalibration and fuzzySimplicialSet with their loops on `run`.
SmoothKnn smoothKnnCalibration(const KnnGraph& graph, double localConnectivity,
                               const TaskRunner& run);
FuzzyGraph fuzzySimplicialSet(const KnnGraph& graph, const SmoothKnn& calibration,
                              const TaskRunner& run);

// umapOptimise on a pool and a reporter (stage "optimise"), config checked.
RowMatrixXf umapLayout(const FuzzyGraph& graph, const RowMatrixXf& initial,
                       const UmapConfig& config, WorkerPool& pool, ProgressReporter& reporter);

} // namespace mnistx::projection::detail
