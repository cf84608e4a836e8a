#pragma once

#include "core/projection/projection.h"

#include <map>
#include <string>

namespace mnistx::projection
{

// A Projector that fits train and validation rows stacked together, one map
// for both (t-SNE, UMAP): project() returns method name() with the train rows
// first. One project() call at a time per object; any thread. project()
// throws std::invalid_argument when train and validation differ in width, and
// what embed throws.
class NeighbourEmbeddingProjector : public Projector
{
public:
    Projection project(const RowMatrixXf& train, const RowMatrixXf& validation,
                       const ProgressCallback& progress) final;

protected:
    // The method's name in messages ("t-SNE").
    virtual const char* displayName() const = 0;
    // points (n×d, feature space) → n×2 map (map space); the kNN graph of
    // the points into *neighbours.
    virtual RowMatrixXf embed(const RowMatrixXf& points, const ProgressCallback& progress,
                              std::shared_ptr<const KnnGraph>* neighbours) const = 0;
    // What produced a map of n points (Projection::parameters).
    virtual std::map<std::string, double> parameters(int n) const = 0;
};

} // namespace mnistx::projection
