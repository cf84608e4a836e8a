#pragma once
// Writes IDX files for tests: small subsets of real MNIST and synthetic sets.

#include "core/data/dataset.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace mnistx::testing
{

inline void putBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

inline void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// The first `count` samples of d as an images + labels IDX pair.
inline void writeIdxPair(const data::Dataset& d, int count, const std::string& imagesPath,
                         const std::string& labelsPath)
{
    count = std::min(count, d.count);
    std::vector<std::uint8_t> images{0, 0, 8, 3};
    putBigEndian32(images, static_cast<std::uint32_t>(count));
    putBigEndian32(images, static_cast<std::uint32_t>(d.rows));
    putBigEndian32(images, static_cast<std::uint32_t>(d.cols));
    images.insert(images.end(), d.images.begin(),
                  d.images.begin() + static_cast<std::ptrdiff_t>(count) * d.rows * d.cols);
    std::vector<std::uint8_t> labels{0, 0, 8, 1};
    putBigEndian32(labels, static_cast<std::uint32_t>(count));
    labels.insert(labels.end(), d.labels.begin(), d.labels.begin() + count);
    writeBytes(imagesPath, images);
    writeBytes(labelsPath, labels);
}

// A folder that looks like MNIST but holds only the first samples.
inline void writeMnistSubset(const data::DatasetSplits& mnist, int trainCount, int validationCount,
                             const std::string& folder)
{
    writeIdxPair(mnist.train, trainCount, folder + "/train-images-idx3-ubyte",
                 folder + "/train-labels-idx1-ubyte");
    writeIdxPair(mnist.validation, validationCount, folder + "/t10k-images-idx3-ubyte",
                 folder + "/t10k-labels-idx1-ubyte");
}

} // namespace mnistx::testing
