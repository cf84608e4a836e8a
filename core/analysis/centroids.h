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

} // namespace mnistx::analysis
