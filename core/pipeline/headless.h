#pragma once

#include "core/pipeline/pipeline.h"
#include "core/why/why_report.h"

#include <atomic>
#include <memory>
#include <ostream>

namespace mnistx::pipeline
{

// The --headless mode: runs the pipeline with progress lines on `log` and
// writes into config.outDir: run.bin and summary.json (the run store),
// checkpoint.pt, samples.csv, features.npy, and (core/why/why_report.h)
// label_candidates.csv and insights.json (the app then adds the plots and
// report.html, which need Qt). Throws on errors (messages
// name the problem); PipelineCancelled if `cancel` was raised.
// outputs, when given, receives what the report (report.html, drawn by the
// app) shows beside the run: the images and the why-results.
struct HeadlessOutputs {
    std::shared_ptr<const data::DatasetSplits> images; // null when not loaded
    why::WhyReportSummary why;
};
std::shared_ptr<const store::RunData> runHeadless(const PipelineConfig& config, std::ostream& log,
                                                  const std::atomic<bool>* cancel = nullptr,
                                                  HeadlessOutputs* outputs = nullptr);

// Sets the number of CPU threads libtorch and our own parallel code use
// (0: all cores), keeps OpenBLAS single-threaded inside libtorch's threads
// and keeps glibc from unmapping freed tensor memory (see headless.cpp).
// Call once at start-up, before any tensor work.
void configureThreads(int threads);

} // namespace mnistx::pipeline
