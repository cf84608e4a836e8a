#pragma once
// Reader for the IDX format MNIST ships in (http://yann.lecun.com/exdb/mnist/):
// a 4-byte magic (0, 0, element type, dimension count), one big-endian uint32
// per dimension, then the row-major payload. Files may be plain or gzip; gzip is
// recognised by its magic bytes (1f 8b), whatever the file is called.
//
// Every function here may be called from any thread; they share no state.
// Every failure a file can cause throws DataError; its what() starts with the
// path of the file (or folder) at fault and says what is wrong in plain words.
// Header values are checked against the file's size before anything is
// allocated, so a corrupt or hostile header cannot exhaust memory.

#include "core/data/data_files.h"
#include "core/data/dataset.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mnistx::data
{

// Raw content of one IDX file: dims as stored (e.g. {60000, 28, 28} for images,
// {60000} for labels) and the payload, row-major, product(dims) bytes.
// Only unsigned-byte elements (type 0x08) are supported.
struct IdxArray {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;
};

// Reads one IDX file, plain or gzip. Throws DataError when the file is missing,
// unreadable, empty, has a bad magic / element type, is truncated, holds
// trailing bytes, or its gzip stream is truncated or corrupt.
IdxArray readIdx(const std::string& path);

// Reads an images file (magic 0x00000803, count × rows × cols) and its labels
// file (magic 0x00000801, count) into a Dataset. On top of readIdx's checks,
// throws DataError when the counts differ, the set is empty, rows or cols is 0,
// or a label is not in [0, classCount). classCount must be at least 1
// (std::invalid_argument otherwise: that is a caller bug, not a file problem).
Dataset readIdxImagesAndLabels(const std::string& imagesPath, const std::string& labelsPath,
                               int classCount = 10);

// Loads MNIST from a folder holding train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte,
// each plain or with a .gz suffix, also in the "train-images.idx3-ubyte" dot
// spelling some mirrors use. train comes from train-*, validation from t10k-*.
// A missing folder or file throws DataError listing the names looked for.
DatasetSplits loadMnistFolder(const std::string& folder, int classCount = 10);

// True when folder holds all four files loadMnistFolder looks for (under any
// of the names it accepts); their contents are not read. False for a missing
// folder or one it may not look into; never throws. For offering a folder
// to train on before any work starts.
bool holdsMnistFiles(const std::string& folder);

} // namespace mnistx::data
