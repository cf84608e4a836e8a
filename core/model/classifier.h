#pragma once

#include "core/data/dataset.h"
#include "core/model/model_error.h"
#include "core/util/matrix.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace mnistx::model
{

struct ClassifierImpl; // core-private, holds the torch module

// The classifier: ours (see core/model/cnn.h for the architectures), which the
// app trains, or a TorchScript model the user brought (fromTorchScript),
// which it only evaluates; both behind one torch-free interface. Not thread-safe: use one
// Classifier from one thread at a time (the worker that trains or analyses it); hand copies to
// others via toBytes/fromBytes.
class Classifier
{
public:
    // Weights are initialised from `seed`. Throws std::invalid_argument for an
    // unknown architecture name. input: the images it takes (MNIST's 28×28
    // grey by default).
    explicit Classifier(const std::string& architecture = "compact", std::uint64_t seed = 1,
                        int classCount = 10, const data::ImageShape& input = {});
    ~Classifier();
    Classifier(Classifier&&) noexcept;
    Classifier& operator=(Classifier&&) noexcept;

    // A TorchScript model (`path`, a file torch.jit.save wrote) evaluated on
    // images of `input`: forward(x) takes float32 N×C×H×W in [0,1] and returns
    // logits N×K or a tuple (logits N×K, features N×D). Throws ModelError
    // naming the file for a missing file, a Python pickle, a file saved by a
    // PyTorch this libtorch cannot read, a model that cannot take `input`
    // images (naming both shapes) or that returns something else.
    static Classifier fromTorchScript(const std::string& path, const data::ImageShape& input);

    // Imported models are evaluated, never trained, and have no Grad-CAM
    // (we do not know their layers).
    bool isImported() const;
    // True when the model returns logits only and they stand in for features.
    bool featuresAreLogits() const;

    // Our architecture's name, or "TorchScript".
    std::string architecture() const;
    int featureDim() const;
    int classCount() const;
    data::ImageShape inputShape() const;
    long long parameterCount() const;

    struct Outputs {
        RowMatrixXf logits;   // N × classCount
        RowMatrixXf features; // N × featureDim
    };
    // Batched inference in eval mode without gradients. images: count images
    // of `shape` (uint8, channels interleaved as data::Dataset stores them),
    // which must be inputShape() (else std::invalid_argument). An imported
    // model that throws or returns another shape throws ModelError naming the
    // images of the batch. progress(done, total) is called
    // after each batch and may return false to stop (then Outputs holds the rows done so far and
    // `completed` is false).
    Outputs infer(const std::uint8_t* images, int count, const data::ImageShape& shape,
                  int batchSize = 512, const std::function<bool(int, int)>& progress = {},
                  bool* completed = nullptr) const;

    // The whole model (architecture name, class count, input shape, weights,
    // batch-norm statistics; an imported model's TorchScript archive as it
    // was read). Models stored before the input shape was recorded take
    // 28×28 grey images.
    std::string toBytes() const;
    static Classifier fromBytes(const std::string& bytes, const std::string& sourceName = "model");

    ClassifierImpl& impl() { return *m_impl; }
    const ClassifierImpl& impl() const { return *m_impl; }

private:
    explicit Classifier(std::unique_ptr<ClassifierImpl> impl);
    Outputs inferScript(const std::uint8_t* images, int count, int batchSize,
                        const std::function<bool(int, int)>& progress, bool* completed) const;
    std::unique_ptr<ClassifierImpl> m_impl;
};

} // namespace mnistx::model
