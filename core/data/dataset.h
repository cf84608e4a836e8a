#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::data
{

// A labelled image set as read from a pair of IDX files.
// images: count × rows × cols, row-major uint8 (0 = background, 255 = ink).
// labels: count values, each in [0, classCount).
// Plain value type: safe to copy or share as std::shared_ptr<const Dataset>
// across threads.
struct Dataset {
    int count = 0;
    int rows = 0;
    int cols = 0;
    int classCount = 0;
    std::vector<std::uint8_t> images;
    std::vector<std::uint8_t> labels;
    std::string imagesPath; // where the images came from (for messages and run stores)
    std::string labelsPath;

    int pixelsPerImage() const { return rows * cols; }
    const std::uint8_t* image(int index) const
    {
        return images.data() + static_cast<std::size_t>(index) * pixelsPerImage();
    }
    bool empty() const { return count == 0; }
};

// MNIST's two subsets: the 60,000 training images and the 10,000 test images,
// which the app calls the validation set.
struct MnistData {
    Dataset train;
    Dataset validation;
    std::string folder;
};

} // namespace mnistx::data
