// PCA: recovers the long axes of a synthetic elongated Gaussian, the sign of
// every axis is fixed (the same cloud, mirrored or reordered, gives the same
// map), applyPca has the documented shapes, and bad input is refused.

#include "core/projection/pca.h"

#include <Eigen/QR>
#include <QtTest>
#include <cmath>
#include <random>
#include <stdexcept>

using namespace mnistx;

class TestPca : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recoversElongatedAxes();
    void signIsDeterministic();
    void applyPcaShapesAndCentring();
    void projectorMapsBothSubsets();
    void projectorCancels();
    void badInputIsRefused_data();
    void badInputIsRefused();
    void widthMismatchIsRefused();
};

namespace
{

// n points in D dimensions: Gaussian with standard deviations `sd` along the
// columns of a random rotation `axes` (D × D, orthonormal), centred on `centre`.
RowMatrixXf elongatedGaussian(int n, const Eigen::VectorXd& sd, const Eigen::MatrixXd& axes,
                              const Eigen::RowVectorXd& centre, unsigned seed)
{
    const int d = static_cast<int>(sd.size());
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    RowMatrixXf points(n, d);
    for (int i = 0; i < n; ++i) {
        Eigen::VectorXd z(d);
        for (int k = 0; k < d; ++k)
            z(k) = gauss(rng) * sd(k);
        points.row(i) = (centre + (axes * z).transpose()).cast<float>();
    }
    return points;
}

Eigen::MatrixXd randomRotation(int d, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    Eigen::MatrixXd m(d, d);
    for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j)
            m(i, j) = gauss(rng);
    return Eigen::HouseholderQR<Eigen::MatrixXd>(m).householderQ();
}

} // namespace

void TestPca::recoversElongatedAxes()
{
    const int d = 6;
    Eigen::VectorXd sd(d);
    sd << 10.0, 4.0, 1.0, 1.0, 0.5, 0.5;
    const Eigen::MatrixXd axes = randomRotation(d, 1);
    const Eigen::RowVectorXd centre = Eigen::RowVectorXd::LinSpaced(d, -3.0, 5.0);
    const RowMatrixXf points = elongatedGaussian(5000, sd, axes, centre, 2);

    const auto model = projection::fitPca(points, 2);
    QCOMPARE(int(model.components.rows()), 2);
    QCOMPARE(int(model.components.cols()), d);
    QCOMPARE(int(model.mean.size()), d);
    QCOMPARE(int(model.explainedVariance.size()), 2);
    QVERIFY((model.mean.cast<double>() - centre).norm() < 0.5);
    // Unit, orthogonal axes along the two longest directions.
    const Eigen::MatrixXd c = model.components.cast<double>();
    QVERIFY(std::abs(c.row(0).norm() - 1.0) < 1e-5);
    QVERIFY(std::abs(c.row(1).norm() - 1.0) < 1e-5);
    QVERIFY(std::abs(c.row(0).dot(c.row(1))) < 1e-5);
    const double first = std::abs(c.row(0).dot(axes.col(0)));
    const double second = std::abs(c.row(1).dot(axes.col(1)));
    QVERIFY2(first > 0.999, qPrintable(QString::number(first)));
    QVERIFY2(second > 0.99, qPrintable(QString::number(second)));
    // Variances 100 and 16, largest first, within sampling error.
    QVERIFY2(std::abs(model.explainedVariance(0) / 100.0 - 1.0) < 0.1,
             qPrintable(QString::number(model.explainedVariance(0))));
    QVERIFY2(std::abs(model.explainedVariance(1) / 16.0 - 1.0) < 0.1,
             qPrintable(QString::number(model.explainedVariance(1))));
}

void TestPca::signIsDeterministic()
{
    const int d = 5;
    Eigen::VectorXd sd(d);
    sd << 8.0, 3.0, 1.0, 0.5, 0.2;
    const RowMatrixXf points =
        elongatedGaussian(2000, sd, randomRotation(d, 3), Eigen::RowVectorXd::Zero(d), 4);
    const auto model = projection::fitPca(points, 3);
    // Each axis' largest-magnitude component is positive.
    for (int k = 0; k < 3; ++k) {
        Eigen::Index largest = 0;
        model.components.row(k).cwiseAbs().maxCoeff(&largest);
        QVERIFY2(model.components(k, largest) > 0, qPrintable(QString("axis %1").arg(k)));
    }
    // The point-mirrored cloud and a reordered cloud have the same axes, so
    // they give the same map, not a mirror image.
    const RowMatrixXf mirrored = -points;
    const RowMatrixXf reversed = points.colwise().reverse();
    for (const RowMatrixXf* other : {&mirrored, &reversed}) {
        const auto again = projection::fitPca(*other, 3);
        QVERIFY2((again.components - model.components).cwiseAbs().maxCoeff() < 1e-4f,
                 qPrintable(
                     QString::number((again.components - model.components).cwiseAbs().maxCoeff())));
    }
    // Same input, same output, bit for bit.
    const auto repeat = projection::fitPca(points, 3);
    QVERIFY(repeat.components == model.components);
    QVERIFY(repeat.mean == model.mean);
}

void TestPca::applyPcaShapesAndCentring()
{
    const int d = 4;
    Eigen::VectorXd sd(d);
    sd << 5.0, 2.0, 1.0, 1.0;
    const RowMatrixXf points =
        elongatedGaussian(3000, sd, randomRotation(d, 5), Eigen::RowVectorXd::Constant(d, 7.0), 6);
    const auto model = projection::fitPca(points, 2);
    const RowMatrixXf mapped = projection::applyPca(model, points);
    QCOMPARE(int(mapped.rows()), 3000);
    QCOMPARE(int(mapped.cols()), 2);
    // The fitted points are centred, their variance along each axis is the
    // explained variance (N − 1 normalisation).
    const Eigen::RowVectorXd mean = mapped.cast<double>().colwise().mean();
    QVERIFY(mean.cwiseAbs().maxCoeff() < 1e-3);
    for (int k = 0; k < 2; ++k) {
        const double variance = mapped.col(k).cast<double>().squaredNorm() / (3000 - 1);
        QVERIFY(std::abs(variance / model.explainedVariance(k) - 1.0) < 1e-3);
    }
    // The mean maps to the origin; no rows in, no rows out.
    const RowMatrixXf origin = projection::applyPca(model, RowMatrixXf(model.mean));
    QVERIFY(origin.cwiseAbs().maxCoeff() < 1e-4f);
    const RowMatrixXf none = projection::applyPca(model, RowMatrixXf(0, d));
    QCOMPARE(int(none.rows()), 0);
    QCOMPARE(int(none.cols()), 2);
    // All D dimensions: an orthonormal basis, distances preserved.
    const auto full = projection::fitPca(points, d);
    const RowMatrixXf rotated = projection::applyPca(full, points);
    const float before = (points.row(0) - points.row(1)).norm();
    const float after = (rotated.row(0) - rotated.row(1)).norm();
    QVERIFY(std::abs(before - after) < 1e-3f * before);
}

void TestPca::projectorMapsBothSubsets()
{
    const int d = 8;
    Eigen::VectorXd sd = Eigen::VectorXd::LinSpaced(d, 6.0, 0.5);
    const Eigen::MatrixXd axes = randomRotation(d, 7);
    const RowMatrixXf train = elongatedGaussian(1000, sd, axes, Eigen::RowVectorXd::Zero(d), 8);
    const RowMatrixXf validation = elongatedGaussian(300, sd, axes, Eigen::RowVectorXd::Zero(d), 9);
    projection::PcaProjector pca;
    QCOMPARE(QString::fromStdString(pca.name()), QString("pca"));
    int calls = 0;
    bool sawLayout = false;
    const auto p = pca.project(train, validation, [&](const projection::ProjectionProgress& r) {
        ++calls;
        if (r.layout) {
            sawLayout = true;
            if (r.layout->rows() != 1300 || r.layout->cols() != 2)
                return false;
        }
        return true;
    });
    QVERIFY(calls >= 1);
    QVERIFY(sawLayout);
    QCOMPARE(QString::fromStdString(p.method), QString("pca"));
    QCOMPARE(int(p.train.rows()), 1000);
    QCOMPARE(int(p.validation.rows()), 300);
    QCOMPARE(int(p.validation.cols()), 2);
    // Fit on train only, applied to validation with the same model.
    const auto model = projection::fitPca(train, 2);
    QVERIFY((projection::applyPca(model, validation) - p.validation).cwiseAbs().maxCoeff() < 1e-5f);
    QVERIFY((projection::applyPca(model, train) - p.train).cwiseAbs().maxCoeff() < 1e-5f);
    // Without validation samples.
    const auto alone = pca.project(train, RowMatrixXf(0, d), {});
    QCOMPARE(int(alone.validation.rows()), 0);
    QCOMPARE(int(alone.validation.cols()), 2);
}

void TestPca::projectorCancels()
{
    const RowMatrixXf points = RowMatrixXf::Random(100, 5);
    projection::PcaProjector pca;
    QVERIFY_THROWS_EXCEPTION(
        projection::Cancelled,
        pca.project(points, points, [](const projection::ProjectionProgress&) { return false; }));
}

void TestPca::badInputIsRefused_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("dims");
    QTest::addColumn<bool>("nonFinite");
    QTest::newRow("no points") << 0 << 5 << 2 << false;
    QTest::newRow("no features") << 10 << 0 << 2 << false;
    QTest::newRow("more dims than features") << 10 << 1 << 2 << false;
    QTest::newRow("zero dims") << 10 << 5 << 0 << false;
    QTest::newRow("negative dims") << 10 << 5 << -1 << false;
    QTest::newRow("NaN") << 10 << 5 << 2 << true;
}

void TestPca::badInputIsRefused()
{
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(int, dims);
    QFETCH(bool, nonFinite);
    RowMatrixXf points = RowMatrixXf::Random(rows, cols);
    if (nonFinite)
        points(3, 2) = std::nanf("");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, projection::fitPca(points, dims));
}

void TestPca::widthMismatchIsRefused()
{
    const RowMatrixXf points = RowMatrixXf::Random(50, 4);
    const auto model = projection::fitPca(points, 2);
    try {
        projection::applyPca(model, RowMatrixXf::Random(5, 3));
        QFAIL("points of another width were accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("4 features"), e.what());
    }
    projection::PcaProjector pca;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             pca.project(points, RowMatrixXf::Random(5, 3), {}));
}

QTEST_GUILESS_MAIN(TestPca)
#include "tst_pca.moc"
