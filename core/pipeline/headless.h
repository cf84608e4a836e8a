#pragma once

#include "core/pipeline/pipeline.h"

#include <atomic>
#include <memory>
#include <ostream>

namespace mnistx::pipeline
{

// The --headless mode: runs the pipeline with progress lines on `log` and
// writes into config.outDir: run.bin and summary.json (the run store),
// checkpoint.pt, samples.csv, features.npy, and (core/why/why_report.h)
// label_candidates.csv and insights.json. Throws on errors (messages
// name the problem); PipelineCancelled if `cancel` was raised.
std::shared_ptr<const store::RunData> runHeadless(const PipelineConfig& config, std::ostream& log,
                                                  const std::atomic<bool>* cancel = nullptr);

// Sets the number of CPU threads libtorch and our own parallel code use
// (0: all cores), keeps OpenBLAS single-threaded inside libtorch's threads
// and keeps glibc from unmapping freed tensor memory (see headless.cpp).
// Call once at start-up, before any tensor work.
void configureThreads(int threads);

} // namespace mnistx::pipeline
