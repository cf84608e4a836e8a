#pragma once
// Reader for image folders in torchvision's ImageFolder layout:
//   <folder>/train/<class>/*.png|*.jpg|*.jpeg
//   <folder>/test/<class>/…   (or val/)
// Class names are the training folder's subfolder names, sorted (byte
// order); the test split may lack a class but may not add one. Files are
// taken in sorted order within each class; hidden files and files of other
// kinds are skipped (and counted in the notes). Every image must have the
// size and mode (grey or RGB) of the first one; the first that differs is
// named. Images are decoded (image_decode.h: libpng, libjpeg-turbo) on all
// cores.
//
// May be called from any thread. Failures throw DataError naming the file
// or folder at fault.

#include "core/data/data_files.h"
#include "core/data/dataset.h"
#include "core/data/image_decode.h"

#include <cstdint>
#include <functional>
#include <string>

namespace mnistx::data
{

// Called with the fraction of images decoded; return false to stop (the
// reader then throws LoadCancelled).
using LoadProgress = std::function<bool(double)>;

struct LoadCancelled : std::runtime_error {
    LoadCancelled() : std::runtime_error("loading the dataset was cancelled") {}
};

// True when folder has a train/ subfolder holding at least one folder (a
// class); nothing is decoded. Never throws.
bool holdsImageFolders(const std::string& folder);

// Both splits, format "image folders", class names from the folders.
// threads: 0 = all cores. Throws DataError when a split or class is empty,
// an image cannot be decoded, or sizes and modes differ.
DatasetSplits loadImageFolders(const std::string& folder, int threads = 0,
                               const LoadProgress& progress = {});

} // namespace mnistx::data
