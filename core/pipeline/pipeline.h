#pragma once

#include "core/data/dataset.h"
#include "core/projection/projection.h"
#include "core/store/run_data.h"
#include "core/training/trainer.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace mnistx::pipeline
{

// What one run of the engine does: load → sanity check → train (or reuse the
// stored model, or import the user's TorchScript model) → analyse → project
// → store.
struct PipelineConfig {
    std::string dataFolder;
    std::string outDir; // empty: keep the run in memory only
    training::TrainConfig train;
    std::string projection = "umap"; // see projection::projectorNames(); the best map for its time
    std::map<std::string, double> projectionParameters; // method-specific, e.g. "perplexity"
    bool retrain = false;                               // ignore a stored model in outDir
    // A TorchScript model (torch.jit.save) to evaluate instead of training
    // one (see model::Classifier::fromTorchScript); empty: train ours.
    std::string modelFile;
    // A folder of embeddings computed elsewhere (data/embeddings.h) to explore
    // instead of a dataset and a model: no training, no inference; dataFolder
    // and modelFile are then not used.
    std::string embeddingsFolder;
    int lossBins = 20;      // loss-vs-distance bins: ~3,500 validation samples per bin on MNIST
    int sanityCount = 1000; // samples in the untrained-model sanity check
};

// All callbacks run on the thread that runs the pipeline.
struct PipelineCallbacks {
    // stage: "load", "import" (an imported model), "sanity", "train",
    // "analyse", "project", "quality", "store";
    // fraction of that stage done, in [0,1].
    std::function<void(const std::string& stage, double fraction)> onProgress;
    // A line for the user ("reusing the model stored in …").
    std::function<void(const std::string&)> onMessage;
    // The untrained model's check, before training. When set, the check is
    // not also told as an onMessage line (a GUI shows it in a place of its
    // own; a log without this callback gets the line).
    std::function<void(const training::SanityCheck&)> onSanityCheck;
    std::function<void(const training::BatchReport&)> onBatch;
    std::function<void(const training::EpochReport&)> onEpoch;
    // The dataset as loaded and checked, before training: callers that need
    // the images too (the window, the why report) take them from here
    // instead of loading the folder again (image folders decode for seconds).
    std::function<void(std::shared_ptr<const data::DatasetSplits>)> onDataLoaded;
    // Once the analysis is done, before the projection: the run with a PCA map
    // standing in for the final projection, so a GUI can show the population
    // at once and animate the real projection's layouts over it.
    std::function<void(std::shared_ptr<const store::RunData>)> onAnalysed;
    // Intermediate layouts while the projection optimises (copy them).
    std::function<void(const projection::ProjectionProgress&)> onProjection;
    const std::atomic<bool>* cancel = nullptr;
};

// Thrown when the cancel flag stopped the pipeline; nothing was stored.
class PipelineCancelled : public std::runtime_error
{
public:
    PipelineCancelled() : std::runtime_error("cancelled") {}
};

// Runs the whole pipeline on the calling thread. Errors a user can cause (bad
// data folder, unwritable out dir, damaged stored run, bad settings) come back
// as std::runtime_error / std::invalid_argument with a message naming the
// problem. The result is immutable: share it across threads.
std::shared_ptr<const store::RunData> runPipeline(const PipelineConfig& config,
                                                  const PipelineCallbacks& callbacks = {});

// Library versions for the run's summary and the About box.
std::map<std::string, std::string> libraryVersions();

// Peak resident memory of this process so far, in bytes.
long long peakResidentBytes();

} // namespace mnistx::pipeline
