#pragma once
// Whether a stored run belongs to a dataset: a run must never be evaluated,
// explored or overwritten with another dataset's images.

#include "core/data/dataset.h"
#include "core/store/run_data.h"

#include <stdexcept>
#include <string>

namespace mnistx::pipeline
{

// A run paired with other data than its own; what() names both datasets.
class DatasetMismatch : public std::invalid_argument
{
public:
    using std::invalid_argument::invalid_argument;
};

// Empty when `run` was made on `data` (whose datasetFingerprint is
// `fingerprint`), else a sentence naming both datasets: "the run in R was made
// on A (70,000 images of 28×28 grey, 10 classes), not on B (1,500 images of
// 32×32 RGB, 5 classes)". A run from before fingerprints is matched by its
// image counts, image shape and class count.
std::string runDataMismatch(const store::RunData& run, const std::string& runDir,
                            const data::DatasetSplits& data, const std::string& fingerprint);

} // namespace mnistx::pipeline
