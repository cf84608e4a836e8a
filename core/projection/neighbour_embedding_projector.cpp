#include "core/projection/neighbour_embedding_projector.h"

#include <chrono>
#include <stdexcept>

namespace mnistx::projection
{

Projection NeighbourEmbeddingProjector::project(const RowMatrixXf& train,
                                                const RowMatrixXf& validation,
                                                const ProgressCallback& progress)
{
    const auto start = std::chrono::steady_clock::now();
    if (validation.rows() > 0 && validation.cols() != train.cols())
        throw std::invalid_argument(
            std::string(displayName()) + ": train and validation features differ in width (" +
            std::to_string(train.cols()) + " vs " + std::to_string(validation.cols()) + ")");
    RowMatrixXf all(train.rows() + validation.rows(), train.cols());
    all.topRows(train.rows()) = train;
    if (validation.rows() > 0)
        all.bottomRows(validation.rows()) = validation;
    Projection out;
    const RowMatrixXf map = embed(all, progress, &out.neighbours);
    out.method = name();
    out.train = map.topRows(train.rows());
    out.validation = map.bottomRows(validation.rows());
    out.parameters = parameters(static_cast<int>(all.rows()));
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

} // namespace mnistx::projection
