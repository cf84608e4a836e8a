#pragma once
// A dataset's fingerprint: what a run stores so that it never meets other
// data than its own (the window and the headless run compare it before they
// pair a run with a data folder).

#include "core/data/dataset.h"

#include <string>

namespace mnistx::data
{

// "xxh3-64:" and 16 hex digits: XXH3 (libxxhash) over both splits' sizes,
// image shape, class count, decoded pixels and labels, and the class names.
// Two datasets with the same fingerprint hold the same images, labels and
// names in the same order; where the files are, or which form they take
// (IDX, NumPy, image folders), does not count. Not a defence against
// deliberate collisions. ~10 GB/s: MNIST's 55 MB in about 5 ms.
std::string datasetFingerprint(const DatasetSplits& data);

// "70,000 images of 28×28 grey, 10 classes" (both splits together), for
// messages that name a dataset.
std::string datasetSummary(int imageCount, const ImageShape& shape, int classCount);

} // namespace mnistx::data
