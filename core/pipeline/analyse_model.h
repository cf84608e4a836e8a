#pragma once

#include "core/analysis/analysis_types.h"
#include "core/data/dataset.h"
#include "core/model/classifier.h"

#include <atomic>
#include <functional>

namespace mnistx::pipeline
{

struct AnalysisOutput {
    analysis::ClassCentroids centroids;
    analysis::SubsetAnalysis train;
    analysis::SubsetAnalysis validation;
};

// Called with a fraction in [0,1] of the analysis done.
using FractionCallback = std::function<void(double)>;

// Runs the model over both subsets (batched) and computes everything the
// explorer shows per sample: logits, probabilities, predictions, losses,
// features, distances to every class centroid (pixel space), the nearest
// centroid, confusion matrices, per-class figures and loss vs distance with
// `lossBins` bins over a range shared by both subsets.
// Runs on the calling thread. Returns std::nullopt-like empty output (train
// has no samples) if cancelled; throws std::invalid_argument for data the
// model cannot take.
AnalysisOutput analyseModel(const model::Classifier& model, const data::DatasetSplits& data,
                            int lossBins, const FractionCallback& progress = {},
                            const std::atomic<bool>* cancel = nullptr);

} // namespace mnistx::pipeline
