#include "core/projection/pca.h"

#include <Eigen/Eigenvalues>
#include <chrono>
#include <stdexcept>
#include <string>

namespace mnistx::projection
{

PcaModel fitPca(const RowMatrixXf& points, int dims)
{
    const Eigen::Index n = points.rows();
    const Eigen::Index d = points.cols();
    if (n < 1 || d < 1)
        throw std::invalid_argument("PCA needs at least one point with at least one feature");
    if (dims < 1 || dims > d)
        throw std::invalid_argument("PCA to " + std::to_string(dims) + " dimensions of " +
                                    std::to_string(d) + "-dimensional points is impossible");
    if (!points.allFinite())
        throw std::invalid_argument("PCA input has non-finite values");

    // Covariance in double: 70,000 float products per entry lose digits.
    const Eigen::RowVectorXd mean = points.cast<double>().colwise().mean();
    const Eigen::MatrixXd centred = points.cast<double>().rowwise() - mean;
    const Eigen::MatrixXd covariance =
        (centred.transpose() * centred) / static_cast<double>(std::max<Eigen::Index>(1, n - 1));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
    if (solver.info() != Eigen::Success)
        throw std::runtime_error("PCA eigen-decomposition did not converge");

    PcaModel model;
    model.mean = mean.cast<float>();
    model.components.resize(dims, d);
    model.explainedVariance.resize(dims);
    for (int k = 0; k < dims; ++k) {
        // Eigenvalues come in ascending order.
        const Eigen::Index column = d - 1 - k;
        Eigen::VectorXd axis = solver.eigenvectors().col(column);
        Eigen::Index largest = 0;
        axis.cwiseAbs().maxCoeff(&largest);
        if (axis(largest) < 0)
            axis = -axis;
        model.components.row(k) = axis.transpose().cast<float>();
        model.explainedVariance(k) = std::max(0.0, solver.eigenvalues()(column));
    }
    return model;
}

RowMatrixXf applyPca(const PcaModel& model, const RowMatrixXf& points)
{
    if (points.cols() != model.mean.cols())
        throw std::invalid_argument("PCA was fit on " + std::to_string(model.mean.cols()) +
                                    " features, got points with " + std::to_string(points.cols()));
    RowMatrixXf centred = points.rowwise() - model.mean;
    return centred * model.components.transpose();
}

Projection PcaProjector::project(const RowMatrixXf& train, const RowMatrixXf& validation,
                                 const ProgressCallback& progress)
{
    const auto start = std::chrono::steady_clock::now();
    if (validation.rows() > 0 && validation.cols() != train.cols())
        throw std::invalid_argument("train and validation features differ in width (" +
                                    std::to_string(train.cols()) + " vs " +
                                    std::to_string(validation.cols()) + ")");
    if (progress && !progress(ProjectionProgress{"pca", 0, 1, nullptr, 0.0}))
        throw Cancelled();
    const PcaModel model = fitPca(train, 2);
    Projection p;
    p.method = name();
    p.train = applyPca(model, train);
    p.validation = validation.rows() > 0 ? applyPca(model, validation) : RowMatrixXf(0, 2);
    if (progress) {
        RowMatrixXf all(p.train.rows() + p.validation.rows(), 2);
        all << p.train, p.validation;
        if (!progress(ProjectionProgress{"pca", 1, 1, &all, 1.0}))
            throw Cancelled();
    }
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return p;
}

} // namespace mnistx::projection
