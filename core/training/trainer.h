#pragma once

#include "core/data/dataset.h"
#include "core/model/classifier.h"
#include "core/training/train_types.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace mnistx::training
{

struct Evaluation {
    double loss = 0.0; // mean cross-entropy, nats
    double accuracy = 0.0;
    int sampleCount = 0;
};

// Callbacks run on the training thread: keep them short (copy the report and
// post it elsewhere). `cancel` is polled before every batch.
struct TrainCallbacks {
    std::function<void(const BatchReport&)> onBatch;
    std::function<void(const EpochReport&)> onEpoch;
    const std::atomic<bool>* cancel = nullptr;
};

struct TrainerState;

// Mini-batch training of a Classifier with Adam and the configured schedule.
// Reproducible: the shuffle comes from config.seed, so the same seed, the same
// thread count and the same data give the same model. Not thread-safe; the
// Classifier must not be used elsewhere while train() runs.
class Trainer
{
public:
    Trainer(model::Classifier& model, TrainConfig config);
    ~Trainer();

    // Trains from the next unfinished epoch up to config.epochs. On cancel
    // it returns after at most one more batch, with history.cancelled set and
    // the model in the consistent state of its last optimiser step.
    // Throws std::invalid_argument for data the model cannot take.
    TrainingHistory train(const data::Dataset& train, const data::Dataset& validation,
                          const TrainCallbacks& callbacks = {});

    // Model + optimiser state + finished epoch count, written atomically
    // (temp file + rename). loadCheckpoint throws model::ModelError on a bad file.
    void saveCheckpoint(const std::string& path) const;
    void loadCheckpoint(const std::string& path);

    int completedEpochs() const;
    const TrainingHistory& history() const;

private:
    model::Classifier& m_model;
    TrainConfig m_config;
    std::unique_ptr<TrainerState> m_state;
};

// The images a training uses of dataset d: the first `limit` (0: all).
int usableCount(const data::Dataset& d, int limit);

// The epochs a training of trainCount images in batches of batchSize gets
// when TrainConfig::epochs is kAutoEpochs: about kAutoSteps optimiser steps,
// within [kMinAutoEpochs, kMaxAutoEpochs].
int autoEpochs(int trainCount, int batchSize);

// Mean loss and accuracy of the model over (the first `limit`, 0 = all of) a dataset.
Evaluation evaluate(const model::Classifier& model, const data::Dataset& dataset, int limit = 0);

// The original study's sanity check: the untrained model's predictions on the
// first `count` samples; accuracy should be near chance.
SanityCheck runSanityCheck(const model::Classifier& model, const data::Dataset& dataset,
                           int count = 1000);

} // namespace mnistx::training
