// Class centroids and distances to them: the per-pixel mean image of each
// class over real MNIST equals a naive per-pixel loop, and the matrix-product
// distances equal a naive triple loop, on a hand-computable synthetic set and
// on real images. Size mismatches are refused with a message.

#include "core/analysis/centroids.h"
#include "mnist_fixture.h"

#include <QtTest>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

using namespace mnistx;

class TestCentroids : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void syntheticCentroidsAreHandComputable();
    void emptyClassHasZeroMeanAndCount();
    void realMnistCentroidsMatchNaiveLoop();
    void syntheticDistancesMatchNaiveLoop();
    void realDistancesMatchNaiveLoop();
    void blocksBeyondOneProductAgree();
    void emptyDatasetIsRefused();
    void badLabelIsRefused();
    void sizeMismatchIsRefused();
};

namespace
{

// A dataset of `count` random images of rows × cols with random labels.
data::Dataset randomDataset(int count, int rows, int cols, int classes, unsigned seed)
{
    data::Dataset d;
    d.count = count;
    d.rows = rows;
    d.cols = cols;
    d.classCount = classes;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pixel(0, 255);
    std::uniform_int_distribution<int> label(0, classes - 1);
    d.images.resize(static_cast<std::size_t>(count) * rows * cols);
    for (auto& p : d.images)
        p = static_cast<std::uint8_t>(pixel(rng));
    d.labels.resize(static_cast<std::size_t>(count));
    for (auto& l : d.labels)
        l = static_cast<std::uint8_t>(label(rng));
    return d;
}

// Per-pixel mean of each class, in double, the obvious way.
std::vector<std::vector<double>> naiveMeans(const data::Dataset& d, std::vector<int>& counts)
{
    const int pixels = d.valuesPerImage();
    std::vector<std::vector<double>> sums(
        static_cast<std::size_t>(d.classCount),
        std::vector<double>(static_cast<std::size_t>(pixels), 0.0));
    counts.assign(static_cast<std::size_t>(d.classCount), 0);
    for (int i = 0; i < d.count; ++i) {
        const int c = d.labels[static_cast<std::size_t>(i)];
        ++counts[static_cast<std::size_t>(c)];
        for (int p = 0; p < pixels; ++p)
            sums[static_cast<std::size_t>(c)][static_cast<std::size_t>(p)] += d.image(i)[p] / 255.0;
    }
    for (int c = 0; c < d.classCount; ++c)
        for (auto& v : sums[static_cast<std::size_t>(c)])
            v = counts[static_cast<std::size_t>(c)] ? v / counts[static_cast<std::size_t>(c)] : 0.0;
    return sums;
}

// Largest |distancesToCentroids − triple loop| over all samples and classes.
double maxDistanceError(const data::Dataset& d, const analysis::ClassCentroids& c)
{
    const RowMatrixXf fast = analysis::distancesToCentroids(d, c);
    if (fast.rows() != d.count || fast.cols() != c.classCount())
        return INFINITY;
    double worst = 0.0;
    for (int i = 0; i < d.count; ++i)
        for (int k = 0; k < c.classCount(); ++k) {
            double sum = 0.0;
            for (int p = 0; p < d.valuesPerImage(); ++p) {
                const double diff = d.image(i)[p] / 255.0 - double(c.means(k, p));
                sum += diff * diff;
            }
            worst = std::max(worst, std::abs(std::sqrt(sum) - double(fast(i, k))));
        }
    return worst;
}

} // namespace

void TestCentroids::syntheticCentroidsAreHandComputable()
{
    // Three 1×2 images: class 0 has (0,255) and (255,255), class 1 has (51,0).
    data::Dataset d;
    d.count = 3;
    d.rows = 1;
    d.cols = 2;
    d.classCount = 2;
    d.images = {0, 255, 255, 255, 51, 0};
    d.labels = {0, 0, 1};
    const auto c = analysis::computeClassCentroids(d);
    QCOMPARE(c.rows, 1);
    QCOMPARE(c.cols, 2);
    QCOMPARE(c.classCount(), 2);
    QCOMPARE(c.counts, (std::vector<int>{2, 1}));
    QCOMPARE(c.means(0, 0), 0.5f);
    QCOMPARE(c.means(0, 1), 1.0f);
    QCOMPARE(c.means(1, 0), 0.2f);
    QCOMPARE(c.means(1, 1), 0.0f);

    // Distances by hand: image (0,1) to (0.5,1) is 0.5, to (0.2,0) is √1.04.
    const RowMatrixXf dist = analysis::distancesToCentroids(d, c);
    QCOMPARE(dist.rows(), 3);
    QCOMPARE(dist.cols(), 2);
    QVERIFY(std::abs(dist(0, 0) - 0.5f) < 1e-6f);
    QVERIFY(std::abs(dist(0, 1) - std::sqrt(1.04f)) < 1e-6f);
    QVERIFY(std::abs(dist(1, 0) - 0.5f) < 1e-6f);
    // The only image of class 1 is its centroid. ‖x‖² + ‖c‖² − 2x·c cancels
    // to a rounding error of ~1e-8 there, whose square root is ~1e-4: the
    // matrix product is exact enough for distances of MNIST size (3 to 15),
    // not to the last digit near 0.
    QVERIFY2(std::abs(dist(2, 1)) < 1e-3f, qPrintable(QString::number(dist(2, 1))));
}

void TestCentroids::emptyClassHasZeroMeanAndCount()
{
    data::Dataset d = randomDataset(50, 3, 3, 4, 7);
    for (auto& l : d.labels)
        if (l == 2)
            l = 1;
    const auto c = analysis::computeClassCentroids(d);
    QCOMPARE(c.classCount(), 4);
    QCOMPARE(c.counts[2], 0);
    QVERIFY(c.means.row(2).isZero(0.0f));
    QVERIFY(c.means.allFinite());
}

void TestCentroids::realMnistCentroidsMatchNaiveLoop()
{
    MNISTX_REQUIRE_MNIST(mnist);
    const auto c = analysis::computeClassCentroids(mnist->train);
    QCOMPARE(c.classCount(), 10);
    QCOMPARE(int(c.means.cols()), 784);
    QCOMPARE(std::accumulate(c.counts.begin(), c.counts.end(), 0), 60000);
    QVERIFY(c.means.minCoeff() >= 0.0f);
    QVERIFY(c.means.maxCoeff() <= 1.0f);
    // MNIST's digits are centred: the corner pixel is blank in every class,
    // the centre is inked in most.
    QVERIFY(c.means.col(0).isZero(0.0f));

    std::vector<int> counts;
    const auto expected = naiveMeans(mnist->train, counts);
    QCOMPARE(c.counts, counts);
    double worst = 0.0;
    for (int k = 0; k < 10; ++k)
        for (int p = 0; p < 784; ++p)
            worst = std::max(
                worst,
                std::abs(double(c.means(k, p)) -
                         expected[static_cast<std::size_t>(k)][static_cast<std::size_t>(p)]));
    QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
}

void TestCentroids::syntheticDistancesMatchNaiveLoop()
{
    const data::Dataset train = randomDataset(300, 5, 4, 3, 1);
    const data::Dataset other = randomDataset(77, 5, 4, 3, 2);
    const auto c = analysis::computeClassCentroids(train);
    const double trainError = maxDistanceError(train, c);
    const double otherError = maxDistanceError(other, c);
    QVERIFY2(trainError < 1e-3, qPrintable(QString::number(trainError)));
    QVERIFY2(otherError < 1e-3, qPrintable(QString::number(otherError)));
}

void TestCentroids::realDistancesMatchNaiveLoop()
{
    MNISTX_REQUIRE_MNIST(mnist);
    const auto c = analysis::computeClassCentroids(mnist->train);
    const double trainError = maxDistanceError(testing::head(mnist->train, 500), c);
    const double validationError = maxDistanceError(testing::head(mnist->validation, 500), c);
    QVERIFY2(trainError < 1e-3, qPrintable(QString::number(trainError)));
    QVERIFY2(validationError < 1e-3, qPrintable(QString::number(validationError)));

    // The distances a user sees are plausible: non-negative, finite, and an
    // image is usually nearest to its own class centroid.
    const RowMatrixXf dist = analysis::distancesToCentroids(mnist->validation, c);
    QCOMPARE(int(dist.rows()), 10000);
    QVERIFY(dist.allFinite());
    QVERIFY(dist.minCoeff() >= 0.0f);
    int own = 0;
    for (int i = 0; i < dist.rows(); ++i) {
        Eigen::Index best = 0;
        dist.row(i).minCoeff(&best);
        own += (best == mnist->validation.labels[static_cast<std::size_t>(i)]);
    }
    // The nearest-centroid classifier scores ~0.82 on MNIST.
    QVERIFY2(own > 7500, qPrintable(QString::number(own)));
}

void TestCentroids::blocksBeyondOneProductAgree()
{
    // More images than one block of the matrix product (4,096): the rows of
    // every block land where they belong.
    const data::Dataset train = randomDataset(200, 2, 3, 5, 3);
    const data::Dataset many = randomDataset(9000, 2, 3, 5, 4);
    const auto c = analysis::computeClassCentroids(train);
    const double error = maxDistanceError(many, c);
    QVERIFY2(error < 1e-3, qPrintable(QString::number(error)));
}

void TestCentroids::emptyDatasetIsRefused()
{
    data::Dataset d;
    d.rows = 28;
    d.cols = 28;
    d.classCount = 10;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analysis::computeClassCentroids(d));
}

void TestCentroids::badLabelIsRefused()
{
    data::Dataset d = randomDataset(10, 2, 2, 3, 5);
    d.labels[4] = 3;
    try {
        analysis::computeClassCentroids(d);
        QFAIL("a label outside the classes was accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("image 4"), e.what());
    }
}

void TestCentroids::sizeMismatchIsRefused()
{
    const data::Dataset train = randomDataset(40, 4, 4, 2, 6);
    const auto c = analysis::computeClassCentroids(train);
    // Same pixel count, other shape: still refused.
    const data::Dataset transposedShape = randomDataset(5, 2, 8, 2, 7);
    const data::Dataset smaller = randomDataset(5, 3, 3, 2, 8);
    for (const data::Dataset* d : {&transposedShape, &smaller}) {
        try {
            analysis::distancesToCentroids(*d, c);
            QFAIL("images of another size were accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("4×4"), e.what());
        }
    }
    // Empty dataset of the right size: an empty result, not an error.
    data::Dataset none = randomDataset(0, 4, 4, 2, 9);
    QCOMPARE(int(analysis::distancesToCentroids(none, c).rows()), 0);
}

QTEST_GUILESS_MAIN(TestCentroids)
#include "tst_centroids.moc"
