#pragma once

#include "core/analysis/analysis_types.h"

namespace mnistx::analysis
{

// From a.labels and a.logits (N × C): fills probabilities (softmax),
// predictions (argmax, lowest class on ties), losses (cross-entropy in nats,
// computed as logsumexp − logit[label], so it stays finite for confident
// models), the confusion matrix, perClass, accuracy and meanLoss.
// Throws std::invalid_argument when the shapes disagree or a label is ≥ C.
void fillFromLogits(SubsetAnalysis& a);

// For a subset without model scores, from a.labels and classCount: clears
// scored, empties predictions and losses, makes logits and probabilities
// N × 0, confusion zero, perClass the per-class counts, accuracy and meanLoss 0.
// Throws std::invalid_argument when a label is ≥ classCount.
void fillUnscored(SubsetAnalysis& a);

// From a.centroidDistances (N × C): nearestCentroid = argmin per row.
void fillNearestCentroid(SubsetAnalysis& a);

// Mean loss, count and standard error per equal-width bin of the distance to
// the sample's own class centroid over [minDistance, maxDistance]; bins are
// closed on the left, the last one also on the right; values outside the
// range are clamped into the outer bins. binCount ≥ 1.
LossDistanceBins lossDistanceBins(const SubsetAnalysis& a, double minDistance, double maxDistance,
                                  int binCount);

// Fills lossVsDistance of both subsets with `binCount` bins over one range
// shared by both: [min, max] of the own-centroid distance over both subsets.
// Unscored subsets get no bins (there is no loss to average).
// Throws std::invalid_argument when binCount < 1.
void computeLossDistanceBins(SubsetAnalysis& train, SubsetAnalysis& validation, int binCount);

} // namespace mnistx::analysis
