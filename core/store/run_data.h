#pragma once

#include "core/analysis/analysis_types.h"
#include "core/projection/projection.h"
#include "core/training/train_types.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::store
{

// Everything one run of the pipeline produced: what the store saves and what
// the explorer shows. A plain value; share it as std::shared_ptr<const RunData>.
struct RunData {
    training::TrainConfig config;
    training::TrainingHistory history;
    training::SanityCheck sanity;
    analysis::ClassCentroids centroids;
    analysis::SubsetAnalysis train;
    analysis::SubsetAnalysis validation;
    projection::Projection projection;

    // The trained model, serialised by model::Classifier::toBytes (opaque here).
    std::string modelBytes;
    // Where the model came from: empty for ours, trained here; else the
    // TorchScript file it was imported from (absolute path), which was
    // evaluated, not trained (config and history then say nothing).
    std::string importedModel;
    // The imported model returns logits only; they stand in for features on
    // the map, in the neighbours and in the label candidates.
    bool featuresAreLogits = false;
    // Embeddings without images (--embeddings with no images.npy): the class
    // centroids and every distance to them are in feature space, not pixel
    // space, and there are no images to show.
    bool featureSpaceCentroids = false;
    // The space the centroid distances are measured in, for labels.
    const char* centroidSpace() const
    {
        return featureSpaceCentroids ? "feature space" : "pixel space";
    }

    // Where the images live: the explorer reloads them from here (the store
    // does not copy 55 MB of pixels), checked against these sizes.
    std::string dataFolder;
    int trainCount = 0;
    int validationCount = 0;
    // "IDX", "NumPy" or "image folders" (empty: a run from before datasets
    // had forms, which was IDX).
    std::string datasetFormat;
    // The classes' names in label order; empty: the label numbers (runs from
    // before class names). className() reads it.
    std::vector<std::string> classNames;
    // data::datasetFingerprint of the data the run was made on; empty for a
    // run from before fingerprints (then its counts and shapes stand in).
    std::string datasetFingerprint;

    // The name of class c: its entry in classNames, else its number.
    std::string className(int c) const
    {
        return c >= 0 && c < static_cast<int>(classNames.size())
                   ? classNames[static_cast<std::size_t>(c)]
                   : std::to_string(c);
    }

    // Wall time per pipeline stage in seconds, in the order they ran
    // ("load", "sanity", "train", "analyse", "project", "store").
    std::vector<std::pair<std::string, double>> stageSeconds;
    std::map<std::string, std::string> versions; // "app", "libtorch", "eigen", "compiler"
    std::string createdAt;                       // ISO 8601 UTC
    long long peakMemoryBytes = 0;               // of the process that made the run
};

} // namespace mnistx::store
