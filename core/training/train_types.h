#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::training
{

// Training settings. Every random component (weight init, shuffle) takes its
// seed from here: same settings + same thread count → same model.
// TrainConfig::epochs that asks for the count autoEpochs chooses.
inline constexpr int kAutoEpochs = 0;
inline constexpr int kMaxEpochs = 1000;
// What an automatic epoch count aims for: about as many optimiser steps as
// MNIST's 3 epochs of 60,000 images in batches of 128 (1,404), so that a
// dataset of 1,500 images trains for 128 epochs instead of 36 steps; at
// least 3 epochs, at most 300.
inline constexpr int kAutoSteps = 1400;
inline constexpr int kMinAutoEpochs = 3;
inline constexpr int kMaxAutoEpochs = 300;

struct TrainConfig {
    // "compact" (default): 2×(conv 5×5 + batch norm) + dense 64 + batch norm,
    // reaches 0.99 validation accuracy in under two epochs. "reference": the
    // original study's Conv32-Conv64-Conv64-Dense64 network.
    std::string architecture = "compact";
    // kAutoEpochs: chosen from the training set's size (autoEpochs) when
    // training starts.
    int epochs = kAutoEpochs;
    int batchSize = 128;
    // Peak Adam learning rate of the one-cycle schedule (warm-up then cosine
    // decay); 3e-3 is the largest that trained stably for batch 128 here.
    double learningRate = 3e-3;
    // "onecycle" or "constant" (the reference recipe: Adam 1e-3, no schedule).
    std::string schedule = "onecycle";
    std::uint64_t seed = 1;
    int threads = 0; // 0: all cores
    // Samples of the training set to use (0: all); tests and quick looks.
    int trainLimit = 0;
    int validationLimit = 0;
};

// One mini-batch, reported through the trainer's callback.
struct BatchReport {
    int epoch = 0; // 0-based
    int batch = 0; // 0-based within the epoch
    int batchesPerEpoch = 0;
    int epochs = 0;            // of the whole training (automatic epochs resolved)
    long long samplesSeen = 0; // since the start of this training run
    double loss = 0.0;         // this batch's mean cross-entropy
    double runningLoss = 0.0;  // mean over the epoch so far
    double runningAccuracy = 0.0;
    double learningRate = 0.0;
    double samplesPerSecond = 0.0;
    double elapsedSeconds = 0.0;
    double etaSeconds = 0.0; // to the end of the last epoch
};

// One finished epoch. Train figures are running means over the epoch's
// batches (what Keras reports); validation figures are a full pass.
struct EpochReport {
    int epoch = 0;
    double trainLoss = 0.0;
    double trainAccuracy = 0.0;
    double validationLoss = 0.0;
    double validationAccuracy = 0.0;
    double seconds = 0.0;
};

struct TrainingHistory {
    std::vector<BatchReport> batches;
    std::vector<EpochReport> epochs;
    bool cancelled = false;
    double seconds = 0.0;
};

// The untrained network run over a batch before training (the original
// study's sanity check): accuracy should be near chance (≈ 0.1).
struct SanityCheck {
    int sampleCount = 0;
    double accuracy = 0.0;
    std::vector<int> predictions;      // the untrained predictions
    std::vector<int> predictionCounts; // per class, how often it was predicted
};

} // namespace mnistx::training
