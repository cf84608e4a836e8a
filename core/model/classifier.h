#pragma once

#include "core/data/dataset.h"
#include "core/util/matrix.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace mnistx::model
{

// A model file or byte blob that cannot be read (wrong format, damaged,
// another architecture). The message names the source and the problem.
class ModelError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct ClassifierImpl; // core-private, holds the torch module

// The digit classifier (see core/model/cnn.h for the architectures), behind a
// torch-free interface. Not thread-safe: use one Classifier from one thread at
// a time (the worker that trains or analyses it); hand copies to others via
// toBytes/fromBytes.
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
    // which must be inputShape() (else std::invalid_argument). progress(done, total) is called
    // after each batch and may return false to stop (then Outputs holds the rows done so far and
    // `completed` is false).
    Outputs infer(const std::uint8_t* images, int count, const data::ImageShape& shape,
                  int batchSize = 512, const std::function<bool(int, int)>& progress = {},
                  bool* completed = nullptr) const;

    // The whole model (architecture name, class count, input shape, weights,
    // batch-norm statistics). Models stored before the input shape was
    // recorded take 28×28 grey images.
    std::string toBytes() const;
    static Classifier fromBytes(const std::string& bytes, const std::string& sourceName = "model");

    ClassifierImpl& impl() { return *m_impl; }
    const ClassifierImpl& impl() const { return *m_impl; }

private:
    explicit Classifier(std::unique_ptr<ClassifierImpl> impl);
    std::unique_ptr<ClassifierImpl> m_impl;
};

} // namespace mnistx::model
