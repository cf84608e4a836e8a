#pragma once

// Private to core/projection: what the files of t-SNE share (tsne.cpp: the
// flow and the starting map; tsne_affinities.cpp; tsne_layout.cpp).

#include "core/projection/progress_reporter.h"
#include "core/projection/tsne.h"
#include "core/projection/worker_pool.h"

#include <functional>

namespace mnistx::projection::detail
{

// Rows per task in the per-point loops (calibration, forces, update): enough
// work to amortise handing out a task, small enough for two threads to balance
// and for the calling thread to poll for cancellation every few milliseconds.
constexpr int kTsneRowChunk = 2048;

inline int tsneRowTasks(int n)
{
    return (n + kTsneRowChunk - 1) / kTsneRowChunk;
}

// max(200, N/12) (Belkina et al. 2019), the step when the config says 0.
double tsneAutoLearningRate(int n);

// symmetricAffinities with beat() called between slices of its serial passes
// (about 1 s at a million points) so that a cancel is still noticed promptly;
// beat may throw.
SparseAffinities symmetricAffinities(const KnnGraph& graph,
                                     const PerplexityCalibration& conditional,
                                     const TaskRunner& run, const std::function<void()>& beat);

// Gradient descent of the KL divergence from the starting map (n×2), stage
// "optimise" on the reporter; the pool runs its loops (with the reporter's
// heartbeat as poll).
RowMatrixXf tsneLayout(const SparseAffinities& affinities, const RowMatrixXf& initial,
                       const TsneConfig& config, double learningRate, WorkerPool& pool,
                       ProgressReporter& reporter);

} // namespace mnistx::projection::detail
