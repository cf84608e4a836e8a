#include "core/analysis/centroids.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mnistx::analysis
{

namespace
{

// Images per matrix product: 4,096 × 784 floats is 12 MB, which keeps the
// working set modest while the product stays large enough for BLAS-like speed.
constexpr int kBlockRows = 4096;

constexpr float kPixelScale = 1.0f / 255.0f;

} // namespace

ClassCentroids computeClassCentroids(const data::Dataset& train)
{
    if (train.empty() || train.valuesPerImage() <= 0)
        throw std::invalid_argument("cannot compute class centroids of an empty training set");
    const int classes = std::max(1, train.classCount);
    const int pixels = train.valuesPerImage();

    // Sums in double: 6,000 images × 255 per pixel would lose digits in float.
    RowMatrixXd sums = RowMatrixXd::Zero(classes, pixels);
    ClassCentroids c;
    c.rows = train.rows;
    c.cols = train.cols;
    c.channels = train.channels;
    c.counts.assign(static_cast<std::size_t>(classes), 0);
    for (int i = 0; i < train.count; ++i) {
        const int label = train.labels[static_cast<std::size_t>(i)];
        if (label < 0 || label >= classes)
            throw std::invalid_argument("label " + std::to_string(label) + " of image " +
                                        std::to_string(i) + " is outside the " +
                                        std::to_string(classes) + " classes");
        const std::uint8_t* image = train.image(i);
        double* row = sums.row(label).data();
        for (int p = 0; p < pixels; ++p)
            row[p] += image[p];
        ++c.counts[static_cast<std::size_t>(label)];
    }
    c.means = RowMatrixXf::Zero(classes, pixels);
    for (int k = 0; k < classes; ++k) {
        const int n = c.counts[static_cast<std::size_t>(k)];
        if (n > 0)
            c.means.row(k) = (sums.row(k) / (255.0 * n)).cast<float>();
    }
    return c;
}

RowMatrixXf distancesToCentroids(const data::Dataset& d, const ClassCentroids& centroids)
{
    const int pixels = d.valuesPerImage();
    if (d.rows != centroids.rows || d.cols != centroids.cols || d.channels != centroids.channels ||
        centroids.means.cols() != pixels)
        throw std::invalid_argument(
            "images are " + d.shape().text() + " but the class centroids are " +
            data::imageShapeText(centroids.cols, centroids.rows, centroids.channels));
    const int classes = centroids.classCount();
    RowMatrixXf out(d.count, classes);
    if (d.count == 0)
        return out;

    const Eigen::RowVectorXf centroidNorms = centroids.means.rowwise().squaredNorm().transpose();
    RowMatrixXf block;
    for (int start = 0; start < d.count; start += kBlockRows) {
        const int n = std::min(kBlockRows, d.count - start);
        block.resize(n, pixels);
        const std::uint8_t* src = d.image(start);
        float* dst = block.data();
        for (std::size_t i = 0, total = std::size_t(n) * pixels; i < total; ++i)
            dst[i] = src[i] * kPixelScale;
        // ‖x − c‖² = ‖x‖² + ‖c‖² − 2 x·c; rounding can push exact matches a hair
        // below zero, hence the clamp before the square root.
        RowMatrixXf squared = -2.0f * (block * centroids.means.transpose());
        squared.colwise() += block.rowwise().squaredNorm();
        squared.rowwise() += centroidNorms;
        out.middleRows(start, n) = squared.cwiseMax(0.0f).cwiseSqrt();
    }
    return out;
}

ClassCentroids featureCentroids(const RowMatrixXf& features,
                                const std::vector<data::ClassLabel>& labels, int classCount)
{
    if (features.rows() == 0 || static_cast<std::size_t>(features.rows()) != labels.size())
        throw std::invalid_argument("cannot compute class centroids of " +
                                    std::to_string(features.rows()) + " feature rows and " +
                                    std::to_string(labels.size()) + " labels");
    RowMatrixXd sums = RowMatrixXd::Zero(classCount, features.cols());
    ClassCentroids c;
    c.rows = 0;
    c.cols = 0;
    c.counts.assign(static_cast<std::size_t>(classCount), 0);
    for (Eigen::Index i = 0; i < features.rows(); ++i) {
        const int label = labels[static_cast<std::size_t>(i)];
        if (label >= classCount)
            throw std::invalid_argument("label " + std::to_string(label) + " of row " +
                                        std::to_string(i) + " is outside the " +
                                        std::to_string(classCount) + " classes");
        sums.row(label) += features.row(i).cast<double>();
        ++c.counts[static_cast<std::size_t>(label)];
    }
    c.means = RowMatrixXf::Zero(classCount, features.cols());
    for (int k = 0; k < classCount; ++k)
        if (const int n = c.counts[static_cast<std::size_t>(k)]; n > 0)
            c.means.row(k) = (sums.row(k) / n).cast<float>();
    return c;
}

RowMatrixXf featureDistances(const RowMatrixXf& features, const ClassCentroids& centroids)
{
    if (features.cols() != centroids.means.cols())
        throw std::invalid_argument("features of " + std::to_string(features.cols()) +
                                    " dimensions against centroids of " +
                                    std::to_string(centroids.means.cols()));
    // ‖x − c‖² = ‖x‖² + ‖c‖² − 2·x·cᵀ, clamped at 0 against rounding.
    const Eigen::VectorXf rowNorms = features.rowwise().squaredNorm();
    const Eigen::RowVectorXf centroidNorms = centroids.means.rowwise().squaredNorm().transpose();
    RowMatrixXf d = -2.0f * (features * centroids.means.transpose());
    d.colwise() += rowNorms;
    d.rowwise() += centroidNorms;
    return d.cwiseMax(0.0f).cwiseSqrt();
}

} // namespace mnistx::analysis
