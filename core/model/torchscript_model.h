#pragma once
// Core-private: includes torch. A TorchScript model the user brought
// (Classifier::fromTorchScript), behind the same Classifier as ours.
//
// Contract (README, "Your own model"): forward(x) takes float32 N×C×H×W with
// pixels in [0,1] and returns logits N×K, or a tuple (logits N×K, features
// N×D). With logits only, the logits stand in for the features.

#include "core/data/dataset.h"

#include <string>
#include <torch/script.h>

namespace mnistx::model
{

struct ScriptModel {
    torch::jit::Module module;
    std::string archive; // the file's bytes, kept for Classifier::toBytes
    std::string source;  // where it came from, for messages
    data::ImageShape input;
    int classCount = 0;
    int featureDim = 0;
    bool featuresAreLogits = false;
};

struct ScriptOutputs {
    torch::Tensor logits;   // B × classCount, float32
    torch::Tensor features; // B × featureDim, float32
};

// Loads `archive` (a whole TorchScript file) and tries it on two blank images
// of `input`: the probe finds the class count, the feature dimension and
// whether features come back, and turns a model that cannot take the data
// into a ModelError naming both shapes (trying the shapes models are usually
// made for). Everything the file can cause throws ModelError naming `source`.
ScriptModel loadScriptModel(std::string archive, const std::string& source,
                            const data::ImageShape& input);

// One forward pass of `images` (B×C×H×W float32 in [0,1]). Throws ModelError
// naming the model with the model's own message when it throws, or when its
// output is not the contract's.
ScriptOutputs scriptForward(const ScriptModel& model, const torch::Tensor& images);

} // namespace mnistx::model
