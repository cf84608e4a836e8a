#pragma once
// Core-private: includes torch.

#include "core/model/classifier.h"
#include "core/model/cnn.h"

#include <memory>

namespace mnistx::model
{

struct ScriptModel; // torchscript_model.h

// One of the two: our network (net), or a TorchScript model the user brought
// (script, with net null).
struct ClassifierImpl {
    Cnn net{nullptr};
    std::shared_ptr<ScriptModel> script;
};

// Seeds torch's global generator and builds the network under one lock, so
// two threads creating models at once still get reproducible weights.
Cnn makeSeededCnn(const std::string& architecture, std::uint64_t seed, int classCount,
                  const data::ImageShape& input);

} // namespace mnistx::model
