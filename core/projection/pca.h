#pragma once

#include "core/projection/projection.h"

namespace mnistx::projection
{

// Principal axes of a point cloud: mean (1 × D) and the top `dims` unit
// eigenvectors of the covariance as rows (dims × D), largest variance first.
// Each axis' sign is fixed so that its largest-magnitude component is
// positive: the same features always give the same map, never a mirror.
struct PcaModel {
    Eigen::RowVectorXf mean;
    RowMatrixXf components;
    Eigen::VectorXd explainedVariance; // dims, variance along each axis
};

// Fits on points (N × D, N ≥ 1). Throws std::invalid_argument when empty,
// when dims > D, or on non-finite values.
PcaModel fitPca(const RowMatrixXf& points, int dims = 2);

// (points − mean) · componentsᵀ: N × dims. Throws when D differs.
RowMatrixXf applyPca(const PcaModel& model, const RowMatrixXf& points);

// PCA to 2D, fit on the training features and applied to both subsets.
// Deterministic; fast (one D × D eigen-decomposition).
class PcaProjector : public Projector
{
public:
    std::string name() const override { return "pca"; }
    Projection project(const RowMatrixXf& train, const RowMatrixXf& validation,
                       const ProgressCallback& progress) override;
};

} // namespace mnistx::projection
