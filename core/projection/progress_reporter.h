#pragma once

// Private to core/projection: how t-SNE and UMAP talk to the caller's
// progress callback.

#include "core/projection/heartbeat.h"
#include "core/projection/projection.h"

#include <functional>
#include <string>

namespace mnistx::projection::detail
{

// Turns the progress of one project() call into ProjectionProgress values:
// the stage, the iteration within it, and the share of the whole call done
// (each stage fills a fixed slice [from, to] of the progress bar). Reports
// with a layout when asked, and heartbeats (layout null) at most every
// kPollInterval in between, so that a cancel is seen within the 100 ms budget
// even when iterations are slow. Lives on the calling thread of the
// algorithm; the callback must outlive it.
class ProgressReporter
{
public:
    explicit ProgressReporter(const ProgressCallback& callback);

    // The slice of the whole call that the next stages' iterations fill (the
    // whole of it when only the layout runs).
    void setShare(double from, double to);
    // A new stage, at iteration 0 of totalIterations.
    void setStage(std::string stage, int totalIterations);
    void setIteration(int iteration) { m_iteration = iteration; }
    int totalIterations() const { return m_total; }

    // Calls the callback now with the current stage and iteration; false =
    // cancel. An empty callback never cancels.
    bool call(const RowMatrixXf* layout = nullptr);
    // call(), throwing Cancelled when the callback says stop.
    void report(const RowMatrixXf* layout = nullptr);
    // call(nullptr) when kPollInterval has passed since the last call; false =
    // cancel. The poll of the worker pool.
    bool heartbeat();
    // heartbeat(), throwing Cancelled when the callback says stop.
    void beat();
    // heartbeat() as a WorkerPool poll (empty when the callback is).
    std::function<bool()> poll();

private:
    const ProgressCallback& m_callback;
    std::string m_stage;
    int m_iteration = 0;
    int m_total = 0;
    double m_from = 0.0;
    double m_to = 1.0;
    Heartbeat m_quiet; // time since the last call
};

} // namespace mnistx::projection::detail
