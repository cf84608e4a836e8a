#pragma once
// Core-private: includes torch.

#include "core/model/classifier.h"
#include "core/model/cnn.h"

namespace mnistx::model
{

struct ClassifierImpl {
    Cnn net{nullptr};
};

// Seeds torch's global generator and builds the network under one lock, so
// two threads creating models at once still get reproducible weights.
Cnn makeSeededCnn(const std::string& architecture, std::uint64_t seed, int classCount,
                  const data::ImageShape& input);

} // namespace mnistx::model
