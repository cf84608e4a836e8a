// kNN graph: the exact search equals a brute-force loop, HNSW finds ≥ 99% of
// the exact neighbours (synthetic clusters, and real MNIST reduced to 64
// dimensions like the CNN features), results are reproducible, bad k is
// refused and a cancel is honoured.

#include "core/projection/knn_graph.h"
#include "core/projection/projection.h"

#include <Eigen/Eigenvalues>
#include <QtTest>

// After <QtTest>: the fixture uses QString.
#include "../common/timing_budget.h"
#include "gaussian_blobs.h"
#include "mnist_fixture.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>

using namespace mnistx;
using namespace mnistx::projection;

namespace
{

// The k nearest by a plain double-precision loop: the definition.
struct Neighbour {
    double distance;
    int index;
    bool operator<(const Neighbour& o) const
    {
        return distance < o.distance || (distance == o.distance && index < o.index);
    }
};
std::vector<std::vector<Neighbour>> bruteForce(const RowMatrixXf& points, int k)
{
    const int n = static_cast<int>(points.rows());
    std::vector<std::vector<Neighbour>> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        std::vector<Neighbour> all;
        for (int j = 0; j < n; ++j) {
            if (j == i)
                continue;
            double sum = 0;
            for (Eigen::Index c = 0; c < points.cols(); ++c) {
                const double diff = double(points(i, c)) - points(j, c);
                sum += diff * diff;
            }
            all.push_back({std::sqrt(sum), j});
        }
        std::sort(all.begin(), all.end());
        all.resize(static_cast<std::size_t>(k));
        out[static_cast<std::size_t>(i)] = all;
    }
    return out;
}

// Real MNIST images as 64-D points: the first `n` training images projected
// on their 64 leading principal components (the dimension of the CNN
// features, and like them dominated by a few directions).
RowMatrixXf mnistPca64(const data::Dataset& d, int n)
{
    const int pixels = d.rows * d.cols;
    RowMatrixXf x(n, pixels);
    for (int i = 0; i < n; ++i)
        for (int p = 0; p < pixels; ++p)
            x(i, p) = d.images[static_cast<std::size_t>(i) * pixels + p] / 255.0f;
    x.rowwise() -= x.colwise().mean();
    // Components from 5,000 images: plenty for 64 directions, 4× cheaper.
    const int m = std::min(n, 5000);
    const Eigen::MatrixXf covariance = x.topRows(m).transpose() * x.topRows(m) / float(m);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXf> solver(covariance);
    return x * solver.eigenvectors().rightCols(64);
}

} // namespace

class TestKnnGraph : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactMatchesBruteForce_data();
    void exactMatchesBruteForce();
    void duplicatesAndSelf();
    void recallOnClusters_data();
    void recallOnClusters();
    void recallOnMnist_data();
    void recallOnMnist();
    void nnDescentOnFewPointsIsExact();
    void nnDescentReportsProgress();
    void reproducible();
    void refusesBadArguments_data();
    void refusesBadArguments();
    void cancels();
};

void TestKnnGraph::exactMatchesBruteForce_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("d");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("threads");
    QTest::newRow("300×8, k=15") << 300 << 8 << 15 << 1;
    QTest::newRow("300×8, k=15, 2 threads") << 300 << 8 << 15 << 2;
    // Crosses the 2,048-row reference blocks and the 64-row query blocks.
    QTest::newRow("2500×20, k=30, 2 threads") << 2500 << 20 << 30 << 2;
    QTest::newRow("5×3, k=4 (k = n−1)") << 5 << 3 << 4 << 1;
    QTest::newRow("1 dimension") << 200 << 1 << 7 << 2;
}

void TestKnnGraph::exactMatchesBruteForce()
{
    QFETCH(int, n);
    QFETCH(int, d);
    QFETCH(int, k);
    QFETCH(int, threads);
    const RowMatrixXf points = test::gaussianBlobs(n, d, 5, 3.0f, 42);
    const KnnGraph graph = exactKnnGraph(points, k, threads);
    QCOMPARE(graph.n, n);
    QCOMPARE(graph.k, k);
    const auto expected = bruteForce(points, k);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < k; ++j) {
            const auto at = static_cast<std::size_t>(i) * k + j;
            const Neighbour& want =
                expected[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
            // Distances agree to float precision; indices agree unless two
            // candidates are tied to that precision.
            QVERIFY2(std::abs(graph.distances[at] - want.distance) <= 1e-5 * (1 + want.distance),
                     qPrintable(QStringLiteral("point %1, neighbour %2: %3 vs %4")
                                    .arg(i)
                                    .arg(j)
                                    .arg(graph.distances[at])
                                    .arg(want.distance)));
            if (graph.indices[at] != want.index) {
                double other = -1;
                for (const auto& nb : expected[static_cast<std::size_t>(i)])
                    if (nb.index == graph.indices[at])
                        other = nb.distance;
                QVERIFY2(other >= 0 &&
                             std::abs(other - want.distance) <= 1e-5 * (1 + want.distance),
                         qPrintable(QStringLiteral("point %1: neighbour %2 is %3, expected %4")
                                        .arg(i)
                                        .arg(j)
                                        .arg(graph.indices[at])
                                        .arg(want.index)));
            }
        }
    }
}

void TestKnnGraph::duplicatesAndSelf()
{
    // Every point three times: its two copies are its nearest neighbours at
    // distance 0, never itself.
    RowMatrixXf base = test::gaussianBlobs(100, 4, 3, 4.0f, 7);
    RowMatrixXf points(300, 4);
    for (int i = 0; i < 300; ++i)
        points.row(i) = base.row(i % 100);
    for (const char* method : {"exact", "hnsw", "nndescent"}) {
        KnnConfig config;
        config.k = 5;
        config.method = method;
        config.threads = 2;
        const KnnGraph graph = buildKnnGraph(points, config);
        for (int i = 0; i < 300; ++i) {
            const std::int32_t* row = graph.indices.data() + i * 5;
            const float* dist = graph.distances.data() + i * 5;
            QVERIFY2(std::find(row, row + 5, i) == row + 5, method);
            QCOMPARE(dist[0], 0.0f);
            QCOMPARE(dist[1], 0.0f);
            QCOMPARE(row[0] % 100, i % 100);
            QCOMPARE(row[1] % 100, i % 100);
            QVERIFY(std::is_sorted(dist, dist + 5));
        }
    }
}

void TestKnnGraph::recallOnClusters_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<QString>("method");
    for (const char* method : {"hnsw", "nndescent"}) {
        QTest::addRow("k=14 (UMAP's 15 neighbours), %s", method) << 14 << method;
        QTest::addRow("k=15, %s", method) << 15 << method;
    }
    QTest::newRow("k=90 (t-SNE, perplexity 30), hnsw") << 90 << "hnsw";
}

void TestKnnGraph::recallOnClusters()
{
    QFETCH(int, k);
    QFETCH(QString, method);
    const RowMatrixXf points = test::gaussianBlobs(5000, 32, 10, 1.5f, 1);
    const KnnGraph exact = exactKnnGraph(points, k, 2);
    KnnConfig config;
    config.k = k;
    config.method = method.toStdString();
    config.threads = 2;
    const KnnGraph approx = buildKnnGraph(points, config);
    const double recall = knnRecall(approx, exact);
    qInfo("recall@%d = %.4f", k, recall);
    QVERIFY2(recall >= 0.99, qPrintable(QString::number(recall)));
    for (int i = 0; i < approx.n; ++i)
        QVERIFY(std::is_sorted(approx.distances.begin() + i * k,
                               approx.distances.begin() + (i + 1) * k));
}

void TestKnnGraph::recallOnMnist_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("count");    // points; 0: the default below
    QTest::addColumn<bool>("byClass"); // the points sorted by their class
    QTest::newRow("k=15, hnsw") << 15 << "hnsw" << 0 << false;
    QTest::newRow("k=90 (t-SNE), hnsw") << 90 << "hnsw" << 0 << false;
    // Under 10,000 points HNSW is one index, searched once (knn_graph.cpp).
    QTest::newRow("k=90 (t-SNE), hnsw, one index") << 90 << "hnsw" << 8000 << false;
    // From 10,000 on, two indexes over random halves, each asked for 74 of
    // the 90: halves by position would hold a point's class, and most of its
    // neighbours, in one of them.
    QTest::newRow("k=90 (t-SNE), hnsw, sorted by class") << 90 << "hnsw" << 12000 << true;
    QTest::newRow("k=14 (UMAP), nndescent") << 14 << "nndescent" << 0 << false;
    QTest::newRow("k=14 (UMAP), auto") << 14 << "auto" << 0 << false;
}

void TestKnnGraph::recallOnMnist()
{
    QFETCH(int, k);
    QFETCH(QString, method);
    QFETCH(int, count);
    QFETCH(bool, byClass);
    MNISTX_REQUIRE_MNIST(mnist);
    // Sanitizer builds: 8,000 points, the exact search's cost under ASan
    // grows with the square of the count (the recall bar stays).
    static const int defaultCount = test::kSanitizedBuild ? 8000 : 20000;
    const int n = count > 0 ? count : defaultCount;
    static std::map<int, RowMatrixXf> byCount; // one PCA per count for all rows
    if (!byCount.count(n))
        byCount[n] = mnistPca64(mnist->train, n);
    RowMatrixXf points = byCount[n];
    if (byClass) {
        std::vector<int> order(static_cast<std::size_t>(n));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return mnist->train.labels[std::size_t(a)] < mnist->train.labels[std::size_t(b)];
        });
        for (int r = 0; r < n; ++r)
            points.row(r) = byCount[n].row(order[std::size_t(r)]);
    }
    const KnnGraph exact = exactKnnGraph(points, k, 2);
    KnnConfig config;
    config.k = k;
    config.method = method.toStdString();
    config.threads = 2;
    const auto start = std::chrono::steady_clock::now();
    const KnnGraph approx = buildKnnGraph(points, config);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double recall = knnRecall(approx, exact);
    qInfo("MNIST %d × 64: recall@%d = %.4f in %.2f s (%s)", n, k, recall, seconds,
          qPrintable(method));
    QVERIFY2(recall >= 0.99, qPrintable(QString::number(recall)));
}

void TestKnnGraph::nnDescentOnFewPointsIsExact()
{
    // Up to a leaf of points (60), the one leaf holds every pair: the exact
    // neighbours, from k + 1 points on.
    for (const int n : {6, 7, 20, 60}) {
        const RowMatrixXf points = test::gaussianBlobs(n, 5, 2, 1.0f, 11);
        KnnConfig config;
        config.k = 5;
        config.method = "nndescent";
        for (const int threads : {1, 2}) {
            config.threads = threads;
            const KnnGraph graph = buildKnnGraph(points, config);
            QCOMPARE(knnRecall(graph, exactKnnGraph(points, 5, 1)), 1.0);
            for (int i = 0; i < n; ++i) {
                const std::int32_t* row = graph.indices.data() + i * 5;
                QVERIFY(std::find(row, row + 5, i) == row + 5);
                QVERIFY(std::is_sorted(graph.distances.begin() + i * 5,
                                       graph.distances.begin() + (i + 1) * 5));
            }
        }
    }
}

void TestKnnGraph::nnDescentReportsProgress()
{
    // The trees, then the rounds: fractions that never go back, from the
    // start of the bar to most of it.
    const RowMatrixXf points = test::gaussianBlobs(20000, 16, 10, 2.0f, 12);
    KnnConfig config;
    config.k = 14;
    config.method = "nndescent";
    config.threads = 2;
    std::vector<double> fractions;
    buildKnnGraph(points, config, [&](double f) {
        fractions.push_back(f);
        return true;
    });
    qInfo("%zu reports, last %.3f", fractions.size(), fractions.back());
    QVERIFY(fractions.size() >= 5);
    QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
    QVERIFY2(fractions.front() < 0.1, qPrintable(QString::number(fractions.front())));
    QVERIFY2(fractions.back() >= 0.6 && fractions.back() <= 1.0,
             qPrintable(QString::number(fractions.back())));
}

void TestKnnGraph::reproducible()
{
    const RowMatrixXf points = test::gaussianBlobs(3000, 16, 8, 2.0f, 3);
    // Exact: the same for any thread count.
    const KnnGraph one = exactKnnGraph(points, 10, 1);
    const KnnGraph two = exactKnnGraph(points, 10, 2);
    QVERIFY(one.indices == two.indices);
    QVERIFY(one.distances == two.distances);
    // HNSW built by one thread: the same for the same seed.
    KnnConfig config;
    config.k = 10;
    config.method = "hnsw";
    config.threads = 1;
    const KnnGraph a = buildKnnGraph(points, config);
    const KnnGraph b = buildKnnGraph(points, config);
    QVERIFY(a.indices == b.indices);
    QVERIFY(a.distances == b.distances);

    // From 10,000 points the graph is two indexes built at once, one per
    // thread: still the same graph on one thread, two or more than there
    // are indexes, and as close to the exact one.
    const RowMatrixXf many =
        test::gaussianBlobs(test::kSanitizedBuild ? 10000 : 12000, 16, 8, 2.0f, 4);
    // The graph of `many` on one thread, after checking that two and three
    // threads build the same.
    const auto sameOnAnyThreadCount = [&](KnnConfig c) {
        c.threads = 1;
        KnnGraph alone = buildKnnGraph(many, c);
        for (int threads : {2, 3}) {
            c.threads = threads;
            const KnnGraph shared = buildKnnGraph(many, c);
            if (alone.indices != shared.indices || alone.distances != shared.distances)
                QTest::qFail(qPrintable(QStringLiteral("%1 on %2 threads differs")
                                            .arg(QString::fromStdString(c.method))
                                            .arg(threads)),
                             __FILE__, __LINE__);
        }
        return alone;
    };
    const KnnGraph alone = sameOnAnyThreadCount(config);
    if (QTest::currentTestFailed())
        return;
    const KnnGraph exactMany = exactKnnGraph(many, 10, 2);
    const double recall = knnRecall(alone, exactMany);
    qInfo("two indexes: recall@10 = %.4f", recall);
    QVERIFY2(recall >= 0.99, qPrintable(QString::number(recall)));

    // NN-descent: the same graph on one, two and three threads, and the one
    // "auto" builds at this k.
    config.method = "nndescent";
    const KnnGraph descentAlone = sameOnAnyThreadCount(config);
    if (QTest::currentTestFailed())
        return;
    config.method = "auto";
    QVERIFY(buildKnnGraph(many, config).indices == descentAlone.indices);
    // Another seed, another sample of candidates: a graph as good.
    config.method = "nndescent";
    config.seed = 2;
    const KnnGraph otherSeed = buildKnnGraph(many, config);
    const double descentRecall = knnRecall(descentAlone, exactMany);
    qInfo("NN-descent: recall@10 = %.4f, %.4f with another seed", descentRecall,
          knnRecall(otherSeed, exactMany));
    QVERIFY2(descentRecall >= 0.99, qPrintable(QString::number(descentRecall)));
    QVERIFY(knnRecall(otherSeed, exactMany) >= 0.99);
}

void TestKnnGraph::refusesBadArguments_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<QString>("method");
    QTest::addColumn<bool>("nonFinite");
    for (const char* m : {"exact", "hnsw", "nndescent", "auto"}) {
        QTest::newRow(qPrintable(QStringLiteral("k = n, %1").arg(m))) << 10 << 10 << m << false;
        QTest::newRow(qPrintable(QStringLiteral("k > n, %1").arg(m))) << 10 << 25 << m << false;
        QTest::newRow(qPrintable(QStringLiteral("k = 0, %1").arg(m))) << 10 << 0 << m << false;
        QTest::newRow(qPrintable(QStringLiteral("NaN, %1").arg(m))) << 10 << 3 << m << true;
    }
    QTest::newRow("unknown method") << 10 << 3 << "kd-tree" << false;
}

void TestKnnGraph::refusesBadArguments()
{
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(QString, method);
    QFETCH(bool, nonFinite);
    RowMatrixXf points = test::gaussianBlobs(n, 3, 2, 1.0f, 5);
    if (nonFinite)
        points(n / 2, 1) = std::numeric_limits<float>::quiet_NaN();
    KnnConfig config;
    config.k = k;
    config.method = method.toStdString();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildKnnGraph(points, config));
    if (method == QLatin1String("exact"))
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, exactKnnGraph(points, k));
}

void TestKnnGraph::cancels()
{
    const RowMatrixXf points = test::gaussianBlobs(20000, 32, 10, 2.0f, 9);
    for (const char* method : {"exact", "hnsw", "nndescent"}) {
        KnnConfig config;
        config.k = 15;
        config.method = method;
        config.threads = 2;
        int calls = 0;
        double lastFraction = -1;
        std::chrono::steady_clock::time_point refused;
        const auto start = std::chrono::steady_clock::now();
        bool cancelled = false;
        try {
            buildKnnGraph(points, config, [&](double fraction) {
                ++calls;
                lastFraction = fraction;
                // Runs long enough for a second report, also instrumented.
                if (std::chrono::steady_clock::now() - start <
                    std::chrono::duration<double, std::milli>(100 * test::kTimingBudgetFactor))
                    return true;
                refused = std::chrono::steady_clock::now();
                return false;
            });
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY2(cancelled, method);
        const double latency =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - refused)
                .count();
        qInfo("%s: cancelled at %.0f%% after %d reports, %.1f ms after the refusal", method,
              100 * lastFraction, calls, latency);
        QVERIFY(calls >= 2);
        QVERIFY(lastFraction >= 0 && lastFraction < 1);
        QVERIFY2(latency < 100 * test::kTimingBudgetFactor, qPrintable(QString::number(latency)));
    }
}

QTEST_GUILESS_MAIN(TestKnnGraph)
#include "tst_knn_graph.moc"
