#pragma once

#include "core/data/user_metadata.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::data
{

// A class index: 0 to classCount − 1, classCount up to kMaxClasses.
using ClassLabel = std::uint16_t;

// Class counts a dataset may have.
inline constexpr int kMinClasses = 2;
inline constexpr int kMaxClasses = 1000;
// Image sides a dataset may have (pixels, both axes).
inline constexpr int kMinImageSide = 8;
inline constexpr int kMaxImageSide = 256;

// Why images of cols × rows pixels cannot be in a dataset ("300×20 pixels;
// each side must be 8 to 256"); empty when they can. Every reader asks it.
inline std::string imageSidesProblem(long long cols, long long rows)
{
    if (cols >= kMinImageSide && rows >= kMinImageSide && cols <= kMaxImageSide &&
        rows <= kMaxImageSide)
        return {};
    return std::to_string(cols) + "×" + std::to_string(rows) + " pixels; each side must be " +
           std::to_string(kMinImageSide) + " to " + std::to_string(kMaxImageSide);
}

// "28×28 grey", "32×32 RGB": an image's size and mode in messages.
inline std::string imageShapeText(int cols, int rows, int channels)
{
    return std::to_string(cols) + "×" + std::to_string(rows) + (channels == 1 ? " grey" : " RGB");
}

// The shape of one image: channels × rows × cols (stored interleaved, see
// Dataset). 28×28 grey for MNIST.
struct ImageShape {
    int channels = 1;
    int rows = 28;
    int cols = 28;
    int values() const { return channels * rows * cols; }
    bool operator==(const ImageShape& o) const
    {
        return channels == o.channels && rows == o.rows && cols == o.cols;
    }
    bool operator!=(const ImageShape& o) const { return !(*this == o); }
    // "28×28 grey", "32×32 RGB".
    std::string text() const { return imageShapeText(cols, rows, channels); }
};

// A labelled image set (one split of a dataset: training or test).
// images: count × rows × cols × channels uint8 (0 = black, 255 = white;
// MNIST: 0 = background, 255 = ink), row-major, channels interleaved (RGB
// per pixel), channels 1 (grey) or 3 (RGB).
// labels: count values, each in [0, classCount).
// sources: empty, or one path per image relative to the data folder (image
// folders), to show where a sample came from.
// Plain value type: safe to copy or share as std::shared_ptr<const Dataset>
// across threads.
struct Dataset {
    int count = 0;
    int rows = 0;
    int cols = 0;
    int channels = 1;
    int classCount = 0;
    std::vector<std::uint8_t> images;
    std::vector<ClassLabel> labels;
    std::vector<std::string> sources;
    std::string imagesPath; // where the images came from (for messages and run stores)
    std::string labelsPath;

    // Bytes of one image: rows × cols × channels.
    int valuesPerImage() const { return rows * cols * channels; }
    ImageShape shape() const { return {channels, rows, cols}; }
    const std::uint8_t* image(int index) const
    {
        return images.data() + static_cast<std::size_t>(index) * valuesPerImage();
    }
    bool empty() const { return count == 0; }
};

// A dataset's two splits: the training set and the test set, which the app
// calls the validation set (MNIST: 60,000 and 10,000 images), with what they
// share.
struct DatasetSplits {
    Dataset train;
    Dataset validation;
    std::string folder;
    // "IDX", "NumPy" or "image folders".
    std::string format;
    // classCount names in label order: from classes.txt or the folder names,
    // else the label numbers ("0", "1", …).
    std::vector<std::string> classNames;
    // The user's metadata.csv, when the folder has one (see user_metadata.h).
    UserMetadata metadata;
    // What the loader did that the user should know (files skipped, float
    // pixels rounded to 8 bits), one sentence each.
    std::vector<std::string> notes;

    int classCount() const { return train.classCount; }
};

} // namespace mnistx::data
