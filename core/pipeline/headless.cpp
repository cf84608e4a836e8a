#include "core/pipeline/headless.h"

#include "core/store/exports.h"
#include "core/why/why_report.h"

#include <chrono>
#include <cstdio>
#include <dlfcn.h>
#include <malloc.h>
#include <thread>
#include <torch/torch.h>

namespace mnistx::pipeline
{

namespace
{

std::string fixed(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace

void configureThreads(int threads)
{
    const int n =
        threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);

    // libtorch spreads its convolutions over its own OpenMP team and calls
    // BLAS from inside it; an OpenBLAS that starts threads of its own there
    // puts 4 busy threads on 2 cores (training throughput, reference
    // architecture: 3,145 samples/s with OpenBLAS threads, 5,207 without).
    // Looked up at run time: the reference BLAS has no such setter and no threads.
    using SetBlasThreads = void (*)(int);
    if (const auto setBlasThreads =
            reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        setBlasThreads(1);

    // Every batch allocates and frees tensors of a few MB. By default glibc
    // maps each such block fresh and unmaps it on free, so every batch pays
    // page faults for its whole working set again, which costs dearly on a
    // virtual machine: analysis of 70,000 samples took 21.6 s that way and
    // 4.2 s with the blocks kept in the heap. The limits keep freed memory
    // for reuse (resident memory stays at its peak, 0.4-0.6 GB here).
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
}

std::shared_ptr<const store::RunData> runHeadless(const PipelineConfig& config, std::ostream& log,
                                                  const std::atomic<bool>* cancel,
                                                  HeadlessOutputs* outputs)
{
    using Clock = std::chrono::steady_clock;
    auto lastBatchLine = Clock::now() - std::chrono::hours(1);
    std::string lastStage;

    PipelineCallbacks cb;
    cb.cancel = cancel;
    cb.onMessage = [&](const std::string& m) { log << m << '\n' << std::flush; };
    cb.onProgress = [&](const std::string& stage, double fraction) {
        if (stage != lastStage && fraction == 0.0) {
            log << "[" << stage << "]\n" << std::flush;
            lastStage = stage;
        }
    };
    cb.onBatch = [&](const training::BatchReport& r) {
        // A line every 2 s keeps a terminal or a CI log readable.
        const bool last = r.batch + 1 == r.batchesPerEpoch;
        if (!last && Clock::now() - lastBatchLine < std::chrono::seconds(2))
            return;
        lastBatchLine = Clock::now();
        log << "  epoch " << r.epoch + 1 << " batch " << r.batch + 1 << "/" << r.batchesPerEpoch
            << "  loss " << fixed(r.runningLoss, 4) << "  acc " << fixed(r.runningAccuracy, 4)
            << "  " << fixed(r.samplesPerSecond, 0) << " samples/s  ETA " << fixed(r.etaSeconds, 0)
            << " s\n"
            << std::flush;
    };
    cb.onEpoch = [&](const training::EpochReport& e) {
        log << "  epoch " << e.epoch + 1 << " done in " << fixed(e.seconds, 1) << " s: train loss "
            << fixed(e.trainLoss, 4) << " acc " << fixed(e.trainAccuracy, 4) << ", validation loss "
            << fixed(e.validationLoss, 4) << " acc " << fixed(e.validationAccuracy, 4) << '\n'
            << std::flush;
    };

    std::shared_ptr<const data::DatasetSplits> images; // for the why report's ink
    cb.onDataLoaded = [&](std::shared_ptr<const data::DatasetSplits> d) { images = std::move(d); };
    auto run = runPipeline(config, cb);
    if (!config.outDir.empty()) {
        log << "[export]\n" << std::flush;
        store::writeSamplesCsv(*run, config.outDir + "/samples.csv",
                               images ? &images->metadata : nullptr);
        store::writeFeaturesNpy(*run, config.outDir + "/features.npy");
        const auto why = why::writeWhyReport(*run, config.outDir, images.get());
        if (run->train.scored)
            log << "  " << why.candidates << " label candidates, " << why.insights << " insights\n";
        else
            log << "  no label candidates or insights: they need the model's scores\n";
        log << std::flush;
        if (outputs)
            outputs->why = why;
    }
    if (outputs)
        outputs->images = images;
    double total = 0;
    for (const auto& s : run->stageSeconds)
        total += s.second;
    if (run->train.scored)
        log << "validation accuracy " << fixed(run->validation.accuracy, 4) << ", train accuracy "
            << fixed(run->train.accuracy, 4) << ", ";
    else
        log << "no accuracy (" << analysis::kNoScoresCause << "), ";
    log << fixed(total, 1) << " s in all";
    if (!config.outDir.empty())
        log << "; written to " << config.outDir;
    log << '\n' << std::flush;
    return run;
}

} // namespace mnistx::pipeline
