#pragma once
// A dataset folder, whatever its format: chosen by what the folder holds.
//   IDX:    train-images-idx3-ubyte / -idx4-ubyte and train-labels-idx1-ubyte,
//           t10k-… or test-… for the test split; .gz or not, "-" or "."
//           before idx, any prefix ("emnist-letters-train-images-…").
//   NumPy:  train_images.npy, train_labels.npy, test_images.npy,
//           test_labels.npy (see loadNumpyFolder).
//   Images: train/<class>/*.png|jpg and test/<class>/ or val/<class>/
//           (see image_folder.h).
// Class names come from the image folders, else from a classes.txt in the
// folder (one name per line, label order), else the label numbers. A
// metadata.csv in the folder adds the user's own per-sample fields (see
// user_metadata.h).
//
// May be called from any thread. Failures throw DataError naming the file or
// folder at fault and what it should hold.

#include "core/data/data_files.h"
#include "core/data/dataset.h"
#include "core/data/image_folder.h"

#include <optional>
#include <string>

namespace mnistx::data
{

// Embeddings: a folder of features.npy and labels.npy (see embeddings.h),
// loaded as a dataset for its images.npy.
enum class DatasetFormat { Idx, Numpy, ImageFolders, Embeddings };

// "IDX", "NumPy", "image folders".
const char* datasetFormatName(DatasetFormat format);

// The format of what folder holds; nullopt when it holds no dataset the app
// reads. Throws DataError when the folder is missing or cannot be listed.
std::optional<DatasetFormat> detectDatasetFormat(const std::string& folder);

// True when detectDatasetFormat finds a format; never throws. For offering a
// folder before any work starts.
bool holdsDataset(const std::string& folder);

// Loads both splits and checks what every view relies on: 2 to 1,000
// classes (from the labels: the largest label + 1), labels ≥ 0, both splits
// of one image size (8 to 256 pixels a side) and channel count (1 or 3),
// class names (classes.txt with one line per class), metadata.csv's rows.
// threads: 0 = all cores (image folders only). progress: image folders only.
DatasetSplits loadDataset(const std::string& folder, int threads = 0,
                          const LoadProgress& progress = {});

// NumPy: images uint8 (0 to 255) or float (0 to 1) as N×H×W, N×H×W×C or
// N×C×H×W with C = 1 or 3 (C last when both ends could be C); labels N
// integers. Not checked beyond the files themselves: loadDataset does.
DatasetSplits loadNumpyFolder(const std::string& folder);

// IDX files under any of the accepted names (not checked beyond the files:
// loadDataset does).
DatasetSplits loadIdxFolder(const std::string& folder);

} // namespace mnistx::data
