#pragma once

#include "core/analysis/analysis_types.h"
#include "core/data/dataset.h"

namespace mnistx::analysis
{

// Per-pixel mean image of every class over `train` (pixel space, images
// scaled to [0,1]). Shape: classCount × (rows·cols). A class without images
// gets an all-zero mean and count 0. Throws std::invalid_argument for an empty
// dataset. Any thread; pure function.
ClassCentroids computeClassCentroids(const data::Dataset& train);

// Euclidean distance (pixel space, images in [0,1]) of every image of `d` to
// every class centroid: d.count × classCount, row-major. Computed as
// ‖x‖² + ‖c‖² − 2·x·cᵀ with one Eigen matrix product per block of images.
// Throws std::invalid_argument when the image sizes differ.
RowMatrixXf distancesToCentroids(const data::Dataset& d, const ClassCentroids& centroids);

// Feature space, for embeddings without images: the mean feature vector of
// each class over the rows of `features` (N × D) with `labels` (N values in
// [0, classCount)). rows = cols = 0 (there is no image to draw); means is
// classCount × D, counts as above. Throws std::invalid_argument for no rows.
ClassCentroids featureCentroids(const RowMatrixXf& features,
                                const std::vector<data::ClassLabel>& labels, int classCount);

// Euclidean distance (feature space) of every row of `features` to every
// centroid of featureCentroids: N × classCount.
RowMatrixXf featureDistances(const RowMatrixXf& features, const ClassCentroids& centroids);

} // namespace mnistx::analysis
