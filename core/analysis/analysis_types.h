#pragma once

#include "core/data/dataset.h"
#include "core/util/matrix.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::analysis
{

// Why a subset has no model scores (SubsetAnalysis::scored), for the
// messages of whatever needs them.
inline constexpr char kNoScoresCause[] =
    "the embeddings came without logits.npy or probabilities.npy";

// Most classes an analysis holds: as many as a dataset may have.
inline constexpr int kMaxAnalysedClasses = data::kMaxClasses;

// The two subsets the app shows. Indices of samples are always indices within
// their own IDX file.
enum class Subset : int { Train = 0, Validation = 1 };
inline const char* subsetName(Subset s)
{
    return s == Subset::Train ? "train" : "validation";
}

// Per-class mean image over the training set, pixel space in [0,1], every
// channel. means: classCount × (rows·cols·channels), each row laid out as the
// images are (row-major, channels interleaved; 28×28 = 784 for MNIST).
// counts[c]: how many training images class c has (a class with 0 images has
// an all-zero mean and is reported, never divided by).
struct ClassCentroids {
    int rows = 0;
    int cols = 0;
    int channels = 1;
    RowMatrixXf means;
    std::vector<int> counts;
    int classCount() const { return static_cast<int>(means.rows()); }
};

// Mean loss per bin of "Euclidean distance from the sample's own class
// centroid" (pixel space). Equal-width bins over [minDistance, maxDistance],
// the same range for both subsets so their curves can be compared.
struct LossDistanceBins {
    double minDistance = 0.0;
    double maxDistance = 0.0;
    std::vector<double> edges;     // binCount + 1
    std::vector<double> meanLoss;  // binCount (0 where count == 0)
    std::vector<double> stdError;  // binCount: sample std / sqrt(count); 0 where count < 2
    std::vector<long long> counts; // binCount
    int binCount() const { return static_cast<int>(counts.size()); }
};

// Confusion matrix counts[gt][prediction] (classCount × classCount) and the
// per-class figures derived from it.
struct ClassStats {
    long long count = 0;
    long long correct = 0;
    double accuracy = 0.0; // correct / count, 0 for an empty class
    double meanLoss = 0.0;
};

// Everything the explorer shows about one subset, one row per sample, in IDX
// order. Shapes: N = sampleCount, C = classCount, D = featureDim.
struct SubsetAnalysis {
    Subset subset = Subset::Train;
    int classCount = 10;
    // False when the run has no model scores (embeddings saved without
    // logits.npy or probabilities.npy): predictions and losses are empty,
    // logits and probabilities N × 0, confusion all zero, perClass holds
    // counts only, accuracy and meanLoss are 0 and lossVsDistance has no bins.
    // Whatever needs a prediction or a loss checks it and says why it is empty.
    bool scored = true;
    std::vector<data::ClassLabel> labels;          // N, ground truth
    std::vector<data::ClassLabel> predictions;     // N, argmax of logits
    std::vector<float> losses;                     // N, cross-entropy in nats
    RowMatrixXf logits;                            // N × C
    RowMatrixXf probabilities;                     // N × C, softmax of logits
    RowMatrixXf features;                          // N × D, penultimate layer after its activation
    RowMatrixXf centroidDistances;                 // N × C, pixel space, images in [0,1]
    std::vector<data::ClassLabel> nearestCentroid; // N, argmin of centroidDistances
    // Empty, or N paths of the images relative to the data folder (image
    // folders): where each sample came from.
    std::vector<std::string> sources;
    MatrixXi64 confusion;             // C × C, [gt][prediction]
    std::vector<ClassStats> perClass; // C
    double accuracy = 0.0;
    double meanLoss = 0.0;
    LossDistanceBins lossVsDistance;

    int sampleCount() const { return static_cast<int>(labels.size()); }
    // Only for a scored subset.
    bool correct(int i) const { return labels[i] == predictions[i]; }
    float distanceToOwnCentroid(int i) const { return centroidDistances(i, labels[i]); }
};

} // namespace mnistx::analysis
