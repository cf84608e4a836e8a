// Map quality metrics: leave-one-out k-NN accuracy in 2D against a brute-force
// search (random points, duplicates, lattices full of distance ties), and
// trustworthiness against a brute-force implementation of the Venna–Kaski
// formula (the one sklearn.manifold.trustworthiness computes), 1 for an
// isometric map, and the value scikit-learn gives on a small literal case.
// Serial equals parallel; bad input is refused.

#include "core/projection/quality.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace mnistx;

Q_DECLARE_METATYPE(mnistx::RowMatrixXf)

class TestQuality : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void knnAccuracyMatchesBruteForce_data();
    void knnAccuracyMatchesBruteForce();
    void knnAccuracyOfSeparatedClustersIsOne();
    void knnAccuracyTieGoesToNearestClass();
    void knnAccuracyBadInput_data();
    void knnAccuracyBadInput();
    void trustworthinessMatchesBruteForce_data();
    void trustworthinessMatchesBruteForce();
    void trustworthinessMatchesScikitLearn();
    void trustworthinessOfIsometricMapIsOne();
    void trustworthinessSampling();
    void trustworthinessBadInput();
    void evaluateFillsBothFigures();
};

namespace
{

// Leave-one-out k-NN accuracy the slow way: every other point sorted by
// (squared distance, index), the k first vote, a tie between classes goes to
// the tied class with the nearest member (as quality.h documents).
double bruteKnnAccuracy(const RowMatrixXf& p, const std::vector<data::ClassLabel>& labels, int k)
{
    const int n = static_cast<int>(p.rows());
    int correct = 0;
    std::vector<std::pair<float, int>> order;
    for (int q = 0; q < n; ++q) {
        order.clear();
        for (int j = 0; j < n; ++j) {
            if (j == q)
                continue;
            const float dx = p(j, 0) - p(q, 0);
            const float dy = p(j, 1) - p(q, 1);
            order.emplace_back(dx * dx + dy * dy, j);
        }
        std::sort(order.begin(), order.end());
        std::vector<int> votes(256, 0);
        for (int t = 0; t < k; ++t)
            ++votes[labels[static_cast<std::size_t>(order[static_cast<std::size_t>(t)].second)]];
        const int top = *std::max_element(votes.begin(), votes.end());
        int winner = -1;
        for (int t = 0; t < k && winner < 0; ++t) {
            const int l =
                labels[static_cast<std::size_t>(order[static_cast<std::size_t>(t)].second)];
            if (votes[static_cast<std::size_t>(l)] == top)
                winner = l;
        }
        correct += winner == labels[static_cast<std::size_t>(q)];
    }
    return double(correct) / n;
}

// Trustworthiness as Venna & Kaski define it and scikit-learn computes it:
// r(i, j) is the rank of j among i's neighbours in the original space
// (1 = nearest), U_k(i) the map's k nearest neighbours of i, and
// T = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} max(0, r(i, j) − k).
// Distances in double, exact sorting; the inputs must have no distance ties.
double bruteTrustworthiness(const RowMatrixXf& high, const RowMatrixXf& low, int k)
{
    const int n = static_cast<int>(high.rows());
    auto sortedNeighbours = [n](const RowMatrixXf& x, int i) {
        std::vector<std::pair<double, int>> order;
        for (int j = 0; j < n; ++j)
            if (j != i)
                order.emplace_back(
                    (x.row(i).cast<double>() - x.row(j).cast<double>()).squaredNorm(), j);
        std::sort(order.begin(), order.end());
        return order;
    };
    double penalty = 0.0;
    for (int i = 0; i < n; ++i) {
        const auto highOrder = sortedNeighbours(high, i);
        std::vector<int> rank(static_cast<std::size_t>(n), 0);
        for (std::size_t r = 0; r < highOrder.size(); ++r)
            rank[static_cast<std::size_t>(highOrder[r].second)] = static_cast<int>(r) + 1;
        const auto lowOrder = sortedNeighbours(low, i);
        for (int t = 0; t < k; ++t)
            penalty += std::max(
                0,
                rank[static_cast<std::size_t>(lowOrder[static_cast<std::size_t>(t)].second)] - k);
    }
    return 1.0 - 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
}

RowMatrixXf gaussian(int n, int d, unsigned seed, float scale = 1.0f)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, scale);
    RowMatrixXf m(n, d);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < d; ++j)
            m(i, j) = g(rng);
    return m;
}

std::vector<data::ClassLabel> randomLabels(int n, int classes, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> l(0, classes - 1);
    std::vector<data::ClassLabel> labels(static_cast<std::size_t>(n));
    for (auto& v : labels)
        v = static_cast<data::ClassLabel>(l(rng));
    return labels;
}

// Labels that follow the position (left/right half and a stripe), plus 20%
// random flips: accuracies well away from both 0 and 1.
std::vector<data::ClassLabel> spatialLabels(const RowMatrixXf& p, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<data::ClassLabel> labels(static_cast<std::size_t>(p.rows()));
    for (int i = 0; i < p.rows(); ++i) {
        int l = (p(i, 0) > 0 ? 1 : 0) + (std::fmod(std::abs(p(i, 1)), 2.0f) > 1.0f ? 2 : 0);
        if (u(rng) < 0.2f)
            l = static_cast<int>(u(rng) * 4) % 4;
        labels[static_cast<std::size_t>(i)] = static_cast<data::ClassLabel>(l);
    }
    return labels;
}

} // namespace

void TestQuality::knnAccuracyMatchesBruteForce_data()
{
    QTest::addColumn<RowMatrixXf>("points");
    QTest::addColumn<int>("k");
    QTest::addColumn<unsigned>("seed");

    QTest::newRow("gaussian, k=10") << RowMatrixXf(gaussian(1500, 2, 1, 3.0f)) << 10 << 1u;
    QTest::newRow("gaussian, k=1") << RowMatrixXf(gaussian(800, 2, 2, 3.0f)) << 1 << 2u;
    QTest::newRow("gaussian, k=4 (even: vote ties)")
        << RowMatrixXf(gaussian(800, 2, 3, 3.0f)) << 4 << 3u;

    // Every point four times: the nearest "other" points are at distance 0.
    RowMatrixXf duplicates(1200, 2);
    const RowMatrixXf base = gaussian(300, 2, 4, 3.0f);
    for (int i = 0; i < 1200; ++i)
        duplicates.row(i) = base.row(i % 300);
    QTest::newRow("duplicates, k=10") << duplicates << 10 << 4u;
    QTest::newRow("duplicates, k=3") << duplicates << 3 << 5u;

    // An integer lattice: many exactly equal distances, points on cell edges.
    RowMatrixXf lattice(900, 2);
    for (int i = 0; i < 900; ++i)
        lattice.row(i) << float(i % 30 - 15), float(i / 30 - 15);
    QTest::newRow("lattice, k=10") << lattice << 10 << 6u;
    QTest::newRow("lattice, k=4") << lattice << 4 << 7u;
    RowMatrixXf coarse(1000, 2);
    std::mt19937 rng(8);
    std::uniform_int_distribution<int> cell(-4, 4);
    for (int i = 0; i < 1000; ++i)
        coarse.row(i) << float(cell(rng)), float(cell(rng));
    QTest::newRow("81 sites, 1000 points, k=10") << coarse << 10 << 8u;

    // All points on a line (zero span in y), and a far outlier.
    RowMatrixXf line = gaussian(600, 2, 9, 3.0f);
    line.col(1).setConstant(2.0f);
    QTest::newRow("collinear") << line << 10 << 9u;
    RowMatrixXf outlier = gaussian(600, 2, 10, 1.0f);
    outlier.row(0) << 1e6f, -1e6f;
    QTest::newRow("outlier") << outlier << 10 << 10u;
}

void TestQuality::knnAccuracyMatchesBruteForce()
{
    QFETCH(RowMatrixXf, points);
    QFETCH(int, k);
    QFETCH(unsigned, seed);
    for (const auto& labels :
         {spatialLabels(points, seed), randomLabels(int(points.rows()), 3, seed)}) {
        const double expected = bruteKnnAccuracy(points, labels, k);
        const double serial = projection::knnAccuracy2d(points, labels, k, 1);
        const double parallel = projection::knnAccuracy2d(points, labels, k, 2);
        QCOMPARE(serial, expected);
        QCOMPARE(parallel, expected);
    }
}

void TestQuality::knnAccuracyOfSeparatedClustersIsOne()
{
    RowMatrixXf p = gaussian(3000, 2, 11, 0.5f);
    std::vector<data::ClassLabel> labels(3000);
    for (int i = 0; i < 3000; ++i) {
        labels[static_cast<std::size_t>(i)] = static_cast<data::ClassLabel>(i % 3);
        p(i, 0) += 100.0f * (i % 3);
    }
    QCOMPARE(projection::knnAccuracy2d(p, labels, 10, 2), 1.0);
    // Labels that ignore the map: about chance.
    const double chance = projection::knnAccuracy2d(p, randomLabels(3000, 3, 12), 10, 2);
    QVERIFY2(chance > 0.25 && chance < 0.42, qPrintable(QString::number(chance)));
}

void TestQuality::knnAccuracyTieGoesToNearestClass()
{
    // Point 0 at the origin; its 2 nearest: class 1 at distance 1, class 0 at
    // distance 2. One vote each: the nearer class (1) wins, so point 0 is
    // wrong. Everything else is far away.
    RowMatrixXf p(6, 2);
    p << 0, 0, //
        1, 0,  //
        0, 2,  //
        50, 50, 51, 50, 50, 51;
    const std::vector<data::ClassLabel> labels{0, 1, 0, 2, 2, 2};
    // Points 3–5 vote for their own class; 1 sees 0 (class 0) and 2 (class
    // 0, distance √5): wrong; 2 sees 0 (class 0, distance 2) and 1 (√5): right.
    QCOMPARE(projection::knnAccuracy2d(p, labels, 2, 1), 4.0 / 6.0);
    QCOMPARE(bruteKnnAccuracy(p, labels, 2), 4.0 / 6.0);
}

void TestQuality::knnAccuracyBadInput_data()
{
    QTest::addColumn<RowMatrixXf>("points");
    QTest::addColumn<int>("labelCount");
    QTest::addColumn<int>("k");
    QTest::newRow("three columns") << RowMatrixXf(gaussian(50, 3, 1)) << 50 << 5;
    QTest::newRow("one column") << RowMatrixXf(gaussian(50, 1, 1)) << 50 << 5;
    QTest::newRow("labels differ") << RowMatrixXf(gaussian(50, 2, 1)) << 49 << 5;
    QTest::newRow("k = N") << RowMatrixXf(gaussian(10, 2, 1)) << 10 << 10;
    QTest::newRow("k = 0") << RowMatrixXf(gaussian(10, 2, 1)) << 10 << 0;
    QTest::newRow("no points") << RowMatrixXf(0, 2) << 0 << 1;
    RowMatrixXf nan = gaussian(50, 2, 1);
    nan(7, 1) = std::nanf("");
    QTest::newRow("NaN") << nan << 50 << 5;
    RowMatrixXf inf = gaussian(50, 2, 1);
    inf(3, 0) = INFINITY;
    QTest::newRow("infinity") << inf << 50 << 5;
}

void TestQuality::knnAccuracyBadInput()
{
    QFETCH(RowMatrixXf, points);
    QFETCH(int, labelCount);
    QFETCH(int, k);
    const std::vector<data::ClassLabel> labels(static_cast<std::size_t>(labelCount), 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             projection::knnAccuracy2d(points, labels, k, 1));
}

void TestQuality::trustworthinessMatchesBruteForce_data()
{
    QTest::addColumn<RowMatrixXf>("high");
    QTest::addColumn<RowMatrixXf>("low");
    QTest::addColumn<int>("k");

    // A random map, a noisy projection, a map of the first two coordinates.
    const RowMatrixXf high = gaussian(300, 8, 20);
    QTest::newRow("random map") << high << RowMatrixXf(gaussian(300, 2, 21)) << 10;
    RowMatrixXf noisy = high.leftCols(2) + gaussian(300, 2, 22, 0.3f);
    QTest::newRow("noisy projection, k=10") << high << noisy << 10;
    QTest::newRow("noisy projection, k=5") << high << noisy << 5;
    QTest::newRow("first two coordinates") << high << RowMatrixXf(high.leftCols(2)) << 10;
    // The smallest set allowed: 3k + 2 points.
    const RowMatrixXf small = gaussian(32, 4, 23);
    QTest::newRow("32 points, k=10") << small << RowMatrixXf(gaussian(32, 2, 24)) << 10;
}

void TestQuality::trustworthinessMatchesBruteForce()
{
    QFETCH(RowMatrixXf, high);
    QFETCH(RowMatrixXf, low);
    QFETCH(int, k);
    const double expected = bruteTrustworthiness(high, low, k);
    const double serial = projection::trustworthiness(high, low, k, 0, 1, 1);
    const double parallel = projection::trustworthiness(high, low, k, 0, 1, 2);
    // Ours ranks float distances from a matrix product: a swap of two nearly
    // equal distances moves T by 2 / (n k (2n − 3k − 1)) ≈ 1e-6 here.
    QVERIFY2(
        std::abs(serial - expected) < 1e-5,
        qPrintable(
            QString("ours %1, reference %2").arg(serial, 0, 'g', 10).arg(expected, 0, 'g', 10)));
    QCOMPARE(parallel, serial);
    QVERIFY(expected > 0.0 && expected <= 1.0);
}

void TestQuality::trustworthinessMatchesScikitLearn()
{
    // 16 points in 3D and a noisy 2D map of them; the expected values are
    // sklearn.manifold.trustworthiness(X, Y, n_neighbors=k) of scikit-learn
    // 1.2.1 on these very numbers (no distance ties).
    RowMatrixXf x(16, 3);
    x << -0.80f, -1.32f, -0.25f, 0.42f, 1.14f, 0.11f, -0.55f, -0.78f, 0.75f, 1.63f, 0.27f, -1.23f,
        -0.96f, 1.60f, 0.20f, -1.73f, -0.08f, -1.16f, -0.63f, -0.49f, -0.71f, 0.55f, -0.06f, -0.59f,
        0.41f, 0.83f, -1.64f, -0.26f, -0.98f, -0.17f, -1.29f, 0.02f, -0.04f, -0.30f, -1.05f, -0.40f,
        -1.09f, -1.36f, 0.22f, -1.11f, 1.17f, 0.72f, -2.00f, 0.27f, -1.10f, 0.03f, 0.04f, -1.99f;
    RowMatrixXf y(16, 2);
    y << -0.94f, -1.47f, 1.00f, 0.43f, -0.11f, -1.44f, 1.43f, -0.23f, -0.09f, 1.94f, -0.27f, 0.31f,
        -0.12f, 0.01f, 0.19f, -0.10f, 1.22f, 0.59f, -0.15f, -0.99f, -0.92f, -0.20f, -0.39f, -0.90f,
        -1.03f, -1.88f, -0.57f, 0.39f, -2.72f, -0.50f, 0.61f, -0.18f;
    const double sklearn3 = 0.8295454545454546;
    const double sklearn4 = 0.8338815789473684;
    QVERIFY(std::abs(bruteTrustworthiness(x, y, 3) - sklearn3) < 1e-12);
    QVERIFY(std::abs(bruteTrustworthiness(x, y, 4) - sklearn4) < 1e-12);
    QVERIFY(std::abs(projection::trustworthiness(x, y, 3, 0, 1, 1) - sklearn3) < 1e-12);
    QVERIFY(std::abs(projection::trustworthiness(x, y, 4, 0, 1, 1) - sklearn4) < 1e-12);
}

void TestQuality::trustworthinessOfIsometricMapIsOne()
{
    // Points on a plane inside 6D, mapped by a rotation, a scale and a shift
    // of that plane: every neighbourhood is kept.
    const RowMatrixXf plane = gaussian(400, 2, 30);
    RowMatrixXf high = RowMatrixXf::Zero(400, 6);
    high.col(0) = plane.col(0);
    high.col(3) = plane.col(1);
    high.col(5).setConstant(7.0f);
    const float c = std::cos(0.7f), s = std::sin(0.7f);
    RowMatrixXf low(400, 2);
    for (int i = 0; i < 400; ++i)
        low.row(i) << 3.0f * (c * plane(i, 0) - s * plane(i, 1)) + 10.0f,
            3.0f * (s * plane(i, 0) + c * plane(i, 1)) - 4.0f;
    const double t = projection::trustworthiness(high, low, 10, 0, 1, 2);
    QVERIFY2(t > 1.0 - 1e-5, qPrintable(QString::number(t, 'g', 10)));
    QVERIFY(t <= 1.0);
    QCOMPARE(projection::trustworthiness(high, RowMatrixXf(high.leftCols(1)), 10, 0, 1, 1) < 1.0,
             true);
}

void TestQuality::trustworthinessSampling()
{
    const RowMatrixXf high = gaussian(1500, 5, 40);
    const RowMatrixXf low = high.leftCols(2) + gaussian(1500, 2, 41, 0.5f);
    // Same seed, same subset, same value; serial equals parallel.
    const double a = projection::trustworthiness(high, low, 10, 500, 7, 1);
    QCOMPARE(projection::trustworthiness(high, low, 10, 500, 7, 2), a);
    QCOMPARE(projection::trustworthiness(high, low, 10, 500, 7, 1), a);
    // Another seed: another subset, but a similar value.
    const double b = projection::trustworthiness(high, low, 10, 500, 8, 1);
    QVERIFY(a != b);
    const double all = projection::trustworthiness(high, low, 10, 0, 1, 2);
    QVERIFY2(std::abs(a - all) < 0.05 && std::abs(b - all) < 0.05,
             qPrintable(QString("%1 %2 %3").arg(a).arg(b).arg(all)));
    // A sample at least as large as N is all points.
    QCOMPARE(projection::trustworthiness(high, low, 10, 1500, 3, 2), all);
    QCOMPARE(projection::trustworthiness(high, low, 10, 5000, 3, 2), all);
}

void TestQuality::trustworthinessBadInput()
{
    const RowMatrixXf high = gaussian(100, 4, 50);
    const RowMatrixXf low = gaussian(100, 2, 51);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             projection::trustworthiness(high, RowMatrixXf(low.topRows(99)), 10));
    // Fewer than 3k + 2 points, in all or in the sample.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             projection::trustworthiness(RowMatrixXf(high.topRows(31)),
                                                         RowMatrixXf(low.topRows(31)), 10, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, projection::trustworthiness(high, low, 10, 20));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, projection::trustworthiness(high, low, 0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, projection::trustworthiness(high, low, -2));
}

void TestQuality::evaluateFillsBothFigures()
{
    const RowMatrixXf trainFeatures = gaussian(600, 6, 60);
    const RowMatrixXf validationFeatures = gaussian(200, 6, 61);
    projection::Projection p;
    p.train = trainFeatures.leftCols(2);
    p.validation = validationFeatures.leftCols(2);
    RowMatrixXf map(800, 2);
    map << p.train, p.validation;
    const auto trainLabels = spatialLabels(p.train, 62);
    const auto validationLabels = spatialLabels(p.validation, 63);
    projection::evaluate(p, trainFeatures, validationFeatures, trainLabels, validationLabels, 2);
    std::vector<data::ClassLabel> labels(trainLabels);
    labels.insert(labels.end(), validationLabels.begin(), validationLabels.end());
    RowMatrixXf features(800, 6);
    features << trainFeatures, validationFeatures;
    QCOMPARE(p.knnAccuracy, bruteKnnAccuracy(map, labels, 10));
    QVERIFY(std::abs(p.trustworthiness - bruteTrustworthiness(features, map, 10)) < 1e-5);

    // Too few points to say anything: both stay at −1.
    projection::Projection tiny;
    tiny.train = gaussian(20, 2, 64);
    tiny.validation = RowMatrixXf(0, 2);
    projection::evaluate(tiny, gaussian(20, 3, 65), RowMatrixXf(0, 3), randomLabels(20, 2, 66), {},
                         1);
    QCOMPARE(tiny.knnAccuracy, -1.0);
    QCOMPARE(tiny.trustworthiness, -1.0);
    // Sizes that disagree are a caller bug.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             projection::evaluate(p, trainFeatures, validationFeatures, trainLabels,
                                                  randomLabels(199, 2, 67), 1));
}

QTEST_GUILESS_MAIN(TestQuality)
#include "tst_quality.moc"
