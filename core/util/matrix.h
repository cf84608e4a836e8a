#pragma once

#include <Eigen/Core>

namespace mnistx
{

// Row-major float matrix: one sample per row, as stored on disk and handed to
// NumPy, so a row is contiguous.
using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixXi64 = Eigen::Matrix<long long, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

} // namespace mnistx
