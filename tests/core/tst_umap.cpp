// UMAP: the curve parameters and the smooth-kNN calibration match umap-learn,
// the fuzzy union is symmetric, well-separated clusters stay apart on the map,
// real MNIST comes out sorted by digit, the same seed gives the same map for
// any thread count, a cancel (from the callback or from another thread) lands
// within 100 ms, and progress hands over valid intermediate maps.

#include "core/projection/knn_graph.h"
#include "core/projection/projector_factory.h"
#include "core/projection/quality.h"
#include "core/projection/umap.h"
#include "core/util/vector_kernels.h"

#include <Eigen/Eigenvalues>
#include <QtTest>

// After <QtTest>: the fixture uses QString.
#include "../common/timing_budget.h"
#include "gaussian_blobs.h"
#include "mnist_fixture.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>

using namespace mnistx;
using namespace mnistx::projection;
using Clock = std::chrono::steady_clock;

namespace
{

struct Blobs {
    RowMatrixXf points;
    std::vector<data::ClassLabel> labels;
};

Blobs blobs(int n, int d, int clusters, float centreSpread, std::uint64_t seed)
{
    Blobs b;
    b.points = test::gaussianBlobs(n, d, clusters, centreSpread, seed);
    b.labels.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        b.labels[static_cast<std::size_t>(i)] = static_cast<data::ClassLabel>(i % clusters);
    return b;
}

bool sameMatrix(const RowMatrixXf& a, const RowMatrixXf& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() &&
           std::equal(a.data(), a.data() + a.size(), b.data());
}

double milliseconds(Clock::duration d)
{
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace

class TestUmap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void curveMatchesUmapLearn_data();
    void curveMatchesUmapLearn();
    void curveRefusesBadSettings();
    void smoothKnnHitsTarget();
    void fuzzyUnionIsSymmetric();
    void separatesClusters();
    void sortsRealMnist();
    void sameSeedSameMap();
    void threadCountDoesNotMatter();
    void instructionSetDoesNotMatter();
    void progressHandsOverLayouts();
    void cancelFromCallback();
    void cancelFromAnotherThread_data();
    void cancelFromAnotherThread();
    void projectorStacksSubsets();
    void factoryBuildsUmap();
    void tinyInputs();
    void refusesBadInput_data();
    void refusesBadInput();
};

void TestUmap::curveMatchesUmapLearn_data()
{
    QTest::addColumn<double>("minDist");
    QTest::addColumn<double>("spread");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    // umap.umap_.find_ab_params(spread, min_dist) of umap-learn 0.5.3.
    QTest::newRow("defaults") << 0.1 << 1.0 << 1.576943 << 0.895061;
    QTest::newRow("min_dist 0") << 0.0 << 1.0 << 1.932808 << 0.790495;
    QTest::newRow("min_dist 0.5") << 0.5 << 1.0 << 0.583030 << 1.334167;
    QTest::newRow("spread 2") << 0.25 << 2.0 << 0.416273 << 0.921855;
    QTest::newRow("spread 0.5") << 0.001 << 0.5 << 5.776299 << 0.792515;
}

void TestUmap::curveMatchesUmapLearn()
{
    QFETCH(double, minDist);
    QFETCH(double, spread);
    QFETCH(double, a);
    QFETCH(double, b);
    const UmapCurve curve = fitUmapCurve(minDist, spread);
    QVERIFY2(std::abs(curve.a - a) < 1e-4 * a, qPrintable(QString::number(curve.a, 'g', 8)));
    QVERIFY2(std::abs(curve.b - b) < 1e-4 * b, qPrintable(QString::number(curve.b, 'g', 8)));
}

void TestUmap::curveRefusesBadSettings()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fitUmapCurve(0.1, 0.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fitUmapCurve(-0.1, 1.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fitUmapCurve(1.5, 1.0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             fitUmapCurve(std::numeric_limits<double>::quiet_NaN(), 1.0));
}

void TestUmap::smoothKnnHitsTarget()
{
    const Blobs data = blobs(2000, 8, 5, 2.0f, 11);
    const KnnGraph graph = exactKnnGraph(data.points, 14, 2);
    const SmoothKnn calibration = smoothKnnCalibration(graph, 1.0, 2);
    const double target = std::log2(15.0);
    int onTarget = 0;
    for (int i = 0; i < graph.n; ++i) {
        const float* d = graph.distances.data() + i * graph.k;
        // rho: the distance to the nearest neighbour (local connectivity 1).
        QCOMPARE(calibration.rho[static_cast<std::size_t>(i)], d[0]);
        const double sigma = calibration.sigma[static_cast<std::size_t>(i)];
        QVERIFY(sigma > 0);
        double sum = 0;
        for (int j = 0; j < graph.k; ++j)
            sum += std::exp(
                -std::max(0.0, double(d[j]) - calibration.rho[static_cast<std::size_t>(i)]) /
                sigma);
        if (std::abs(sum - target) < 1e-4)
            ++onTarget;
    }
    // Only points whose sigma hit umap-learn's floor may miss the target.
    QVERIFY2(onTarget >= 0.99 * graph.n, qPrintable(QString::number(onTarget)));
}

void TestUmap::fuzzyUnionIsSymmetric()
{
    const Blobs data = blobs(500, 6, 4, 2.0f, 12);
    const KnnGraph graph = exactKnnGraph(data.points, 9, 1);
    const SmoothKnn calibration = smoothKnnCalibration(graph);
    const FuzzyGraph fuzzy = fuzzySimplicialSet(graph, calibration, 2);
    QCOMPARE(fuzzy.n, 500);
    QCOMPARE(fuzzy.rowStart.size(), std::size_t(501));

    // The directed memberships, as a dense matrix for the reference.
    Eigen::MatrixXd directed = Eigen::MatrixXd::Zero(500, 500);
    for (int i = 0; i < 500; ++i)
        for (int j = 0; j < 9; ++j) {
            const double excess = graph.distances[i * 9 + j] - calibration.rho[i];
            directed(i, graph.indices[i * 9 + j]) =
                excess <= 0 ? 1.0 : std::exp(-excess / calibration.sigma[i]);
        }
    const Eigen::MatrixXd expected =
        directed + directed.transpose() - directed.cwiseProduct(directed.transpose());

    Eigen::MatrixXd actual = Eigen::MatrixXd::Zero(500, 500);
    for (int i = 0; i < 500; ++i) {
        const auto begin = fuzzy.rowStart[i], end = fuzzy.rowStart[i + 1];
        for (auto e = begin; e < end; ++e) {
            if (e > begin)
                QVERIFY(fuzzy.columns[e] > fuzzy.columns[e - 1]); // ascending
            QVERIFY(fuzzy.columns[e] != i);
            QVERIFY(fuzzy.weights[e] > 0.0f && fuzzy.weights[e] <= 1.0f);
            actual(i, fuzzy.columns[e]) = fuzzy.weights[e];
        }
    }
    QVERIFY((actual - actual.transpose()).cwiseAbs().maxCoeff() == 0.0);
    QVERIFY((actual - expected).cwiseAbs().maxCoeff() < 1e-6);
}

void TestUmap::separatesClusters()
{
    const Blobs data = blobs(3000, 50, 10, 10.0f, 1);
    UmapConfig config;
    config.threads = 2;
    const RowMatrixXf map = umapEmbed(data.points, config);
    QCOMPARE(map.rows(), Eigen::Index(3000));
    QCOMPARE(map.cols(), Eigen::Index(2));
    QVERIFY(map.allFinite());
    const double accuracy = knnAccuracy2d(map, data.labels, 10, 2);
    qInfo("10 blobs in 50-D: 10-NN accuracy in 2D %.4f", accuracy);
    QVERIFY2(accuracy >= 0.999, qPrintable(QString::number(accuracy)));
}

void TestUmap::sortsRealMnist()
{
    MNISTX_REQUIRE_MNIST(mnist);
    // 10,000 training images reduced to 64-D by PCA (like the CNN features'
    // width). Raw pixels separate digits less well than CNN features: a
    // faithful UMAP reaches ~0.94 10-NN accuracy here (umap-learn 0.5.3: 0.94–0.95
    // over runs; ours 0.94).
    const data::Dataset& d = mnist->train;
    const int n = 10000, pixels = d.rows * d.cols;
    RowMatrixXf x(n, pixels);
    std::vector<data::ClassLabel> labels(d.labels.begin(), d.labels.begin() + n);
    for (int i = 0; i < n; ++i)
        for (int p = 0; p < pixels; ++p)
            x(i, p) = d.images[static_cast<std::size_t>(i) * pixels + p] / 255.0f;
    x.rowwise() -= x.colwise().mean();
    const Eigen::MatrixXf covariance = x.topRows(5000).transpose() * x.topRows(5000) / 5000.0f;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXf> solver(covariance);
    const RowMatrixXf features = x * solver.eigenvectors().rightCols(64);

    UmapConfig config;
    config.threads = 2;
    const auto start = Clock::now();
    const RowMatrixXf map = umapEmbed(features, config);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double accuracy = knnAccuracy2d(map, labels, 10, 2);
    qInfo("MNIST 10,000 × 64 (PCA of pixels): 10-NN accuracy in 2D %.4f, %.2f s", accuracy,
          seconds);
    QVERIFY2(accuracy >= 0.93, qPrintable(QString::number(accuracy)));
}

void TestUmap::sameSeedSameMap()
{
    const Blobs data = blobs(3000, 20, 6, 3.0f, 2);
    UmapConfig config;
    config.threads = 2;
    config.epochs = 200;
    const RowMatrixXf a = umapEmbed(data.points, config);
    const RowMatrixXf b = umapEmbed(data.points, config);
    QVERIFY(sameMatrix(a, b));
    config.seed = 2;
    const RowMatrixXf c = umapEmbed(data.points, config);
    QVERIFY(!sameMatrix(a, c));
    // Random initialisation is seeded too.
    config.initialisation = UmapInitialisation::Random;
    QVERIFY(sameMatrix(umapEmbed(data.points, config), umapEmbed(data.points, config)));
}

void TestUmap::threadCountDoesNotMatter()
{
    // 20,000 points: five SGD chunks, so threads really share the epochs.
    const Blobs data = blobs(20000, 16, 10, 3.0f, 3);
    const KnnGraph graph = exactKnnGraph(data.points, 14, 2);
    const FuzzyGraph fuzzy = fuzzySimplicialSet(graph, smoothKnnCalibration(graph, 1.0, 2), 2);
    // The graph does not depend on the thread count either.
    const FuzzyGraph serialGraph =
        fuzzySimplicialSet(graph, smoothKnnCalibration(graph, 1.0, 1), 1);
    QVERIFY(fuzzy.columns == serialGraph.columns && fuzzy.weights == serialGraph.weights);

    UmapConfig config;
    config.epochs = 60;
    config.threads = 1;
    const RowMatrixXf initial = umapInitialLayout(data.points, config);
    config.threads = 2;
    QVERIFY(sameMatrix(initial, umapInitialLayout(data.points, config)));
    config.threads = 1;
    const RowMatrixXf serial = umapOptimise(fuzzy, initial, config);
    for (int threads : {2, 3}) {
        config.threads = threads;
        QVERIFY2(sameMatrix(serial, umapOptimise(fuzzy, initial, config)),
                 qPrintable(QStringLiteral("%1 threads").arg(threads)));
    }
}

void TestUmap::instructionSetDoesNotMatter()
{
    // The gradient terms eight at a time (AVX2) and four at a time (SSE2)
    // give the same map to the bit, with the default 5 negative samples per
    // edge sample (6 terms: one AVX2 pass, two SSE2 ones) and with 11 (two
    // AVX2 passes) and 2 (under four lanes).
    const Blobs data = blobs(6000, 16, 10, 3.0f, 5);
    const KnnGraph graph = exactKnnGraph(data.points, 14, 2);
    const FuzzyGraph fuzzy = fuzzySimplicialSet(graph, smoothKnnCalibration(graph, 1.0, 2), 2);
    if (!util::avx2KernelsEnabled())
        QSKIP("no AVX2 kernels on this CPU or build: there is one kernel only");
    for (const int negatives : {5, 11, 2}) {
        UmapConfig config;
        config.epochs = 40;
        config.negativeSampleRate = negatives;
        const RowMatrixXf initial = umapInitialLayout(data.points, config);
        util::setAvx2KernelsAllowed(false);
        const RowMatrixXf fourLanes = umapOptimise(fuzzy, initial, config);
        util::setAvx2KernelsAllowed(true);
        const RowMatrixXf eightLanes = umapOptimise(fuzzy, initial, config);
        QVERIFY2(sameMatrix(fourLanes, eightLanes),
                 qPrintable(QStringLiteral("%1 negative samples").arg(negatives)));
        QVERIFY(!sameMatrix(initial, eightLanes)); // the layout did move
    }
}

void TestUmap::progressHandsOverLayouts()
{
    const Blobs data = blobs(3000, 20, 6, 3.0f, 4);
    UmapConfig config;
    config.threads = 2;
    config.epochs = 100;
    config.layoutEvery = 25;
    QStringList stages;
    std::vector<int> layoutIterations;
    RowMatrixXf lastLayout;
    int previousIteration = -1;
    QString previousStage;
    bool valid = true;
    const RowMatrixXf map = umapEmbed(data.points, config, [&](const ProjectionProgress& p) {
        const QString stage = QString::fromStdString(p.stage);
        if (stages.isEmpty() || stages.back() != stage)
            stages << stage;
        if (stage == previousStage && p.iteration < previousIteration)
            valid = false; // iterations never go back within a stage
        previousStage = stage;
        previousIteration = p.iteration;
        if (p.iteration < 0 || p.iteration > p.totalIterations)
            valid = false;
        if (p.layout) {
            if (p.stage != "optimise" || p.layout->rows() != 3000 || p.layout->cols() != 2 ||
                !p.layout->allFinite() || p.totalIterations != 100)
                valid = false;
            layoutIterations.push_back(p.iteration);
            lastLayout = *p.layout;
        }
        return true;
    });
    QVERIFY(valid);
    QCOMPARE(stages, QStringList({"knn", "graph", "optimise"}));
    QCOMPARE(layoutIterations, std::vector<int>({0, 25, 50, 75, 100}));
    QVERIFY(sameMatrix(lastLayout, map));
}

void TestUmap::cancelFromCallback()
{
    // Sanitizer builds: fewer points, still several progress reports a stage.
    const Blobs data = blobs(test::kSanitizedBuild ? 10000 : 30000, 32, 10, 3.0f, 5);
    for (const char* stage : {"knn", "optimise"}) {
        UmapConfig config;
        config.threads = 2;
        Clock::time_point refused;
        bool cancelled = false;
        try {
            umapEmbed(data.points, config, [&](const ProjectionProgress& p) {
                if (p.stage != stage || p.iteration < 5)
                    return true;
                refused = Clock::now();
                return false;
            });
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY2(cancelled, stage);
        const double latency = milliseconds(Clock::now() - refused);
        qInfo("cancelled in stage %s %.2f ms after the callback said stop", stage, latency);
        QVERIFY2(latency < 100 * test::kTimingBudgetFactor, qPrintable(QString::number(latency)));
    }
}

void TestUmap::cancelFromAnotherThread_data()
{
    QTest::addColumn<QString>("stage");
    QTest::newRow("during the kNN search") << "knn";
    QTest::newRow("during the layout") << "optimise";
}

void TestUmap::cancelFromAnotherThread()
{
    // The GUI's way: a controller thread sets an atomic flag; the callback,
    // on the worker thread, returns its negation.
    QFETCH(QString, stage);
    const Blobs data = blobs(30000, 32, 10, 3.0f, 6);
    UmapConfig config;
    config.threads = 2;
    std::atomic<bool> stop{false};
    std::atomic<bool> stageReached{false};
    std::atomic<Clock::rep> stoppedAt{0};
    double longestSilence = 0;
    Clock::time_point lastCall = Clock::now();
    std::thread controller([&] {
        while (!stageReached)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(stage == "knn" ? 50 : 300));
        stoppedAt = Clock::now().time_since_epoch().count();
        stop = true;
    });
    bool cancelled = false;
    try {
        umapEmbed(data.points, config, [&](const ProjectionProgress& p) {
            const auto now = Clock::now();
            longestSilence = std::max(longestSilence, milliseconds(now - lastCall));
            lastCall = now;
            if (QString::fromStdString(p.stage) == stage)
                stageReached = true;
            return !stop.load();
        });
    } catch (const Cancelled&) {
        cancelled = true;
    }
    const auto caught = Clock::now();
    stageReached = true; // release the controller if the run ended early
    controller.join();
    QVERIFY(cancelled);
    const double latency =
        milliseconds(caught - Clock::time_point(Clock::duration(stoppedAt.load())));
    qInfo("cancelled %.2f ms after the flag was set; longest silence of the callback %.1f ms",
          latency, longestSilence);
    QVERIFY2(latency < 100 * test::kTimingBudgetFactor, qPrintable(QString::number(latency)));
}

void TestUmap::projectorStacksSubsets()
{
    const Blobs data = blobs(3000, 20, 5, 5.0f, 7);
    const RowMatrixXf train = data.points.topRows(2000);
    const RowMatrixXf validation = data.points.bottomRows(1000);
    UmapConfig config;
    config.threads = 2;
    config.epochs = 100;
    UmapProjector projector(config);
    QCOMPARE(projector.name(), std::string("umap"));
    const Projection p = projector.project(train, validation, {});
    QCOMPARE(p.method, std::string("umap"));
    QCOMPARE(p.train.rows(), Eigen::Index(2000));
    QCOMPARE(p.validation.rows(), Eigen::Index(1000));
    QCOMPARE(p.parameters.at("n_neighbors"), 15.0);
    QCOMPARE(p.parameters.at("min_dist"), 0.1);
    QCOMPARE(p.parameters.at("epochs"), 100.0);
    QVERIFY(p.seconds > 0);
    // One map for both subsets: the same as embedding the stacked rows.
    const RowMatrixXf all = umapEmbed(data.points, config);
    QVERIFY(sameMatrix(p.train, all.topRows(2000)));
    QVERIFY(sameMatrix(p.validation, all.bottomRows(1000)));
    // Validation points land among training points of their own cluster.
    RowMatrixXf map(3000, 2);
    map << p.train, p.validation;
    QVERIFY(knnAccuracy2d(map, data.labels, 10, 2) >= 0.99);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             projector.project(train, RowMatrixXf(10, 7), {}));
}

void TestUmap::factoryBuildsUmap()
{
    const auto& names = projectorNames();
    QVERIFY(std::find(names.begin(), names.end(), "umap") != names.end());
    auto projector =
        makeProjector("umap", {{"n_neighbors", 10}, {"min_dist", 0.25}, {"epochs", 50}}, 7, 2);
    QCOMPARE(projector->name(), std::string("umap"));
    const auto* umap = dynamic_cast<const UmapProjector*>(projector.get());
    QVERIFY(umap);
    QCOMPARE(umap->config().nNeighbors, 10);
    QCOMPARE(umap->config().minDist, 0.25);
    QCOMPARE(umap->config().epochs, 50);
    QCOMPARE(umap->config().seed, std::uint64_t(7));
    QCOMPARE(umap->config().threads, 2);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("umap", {{"perplexity", 30}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("umap", {{"n_neighbors", 7.5}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("umap", {{"n_neighbors", 1}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("umap", {{"min_dist", 2.0}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("umap", {{"epochs", -1}}));
}

void TestUmap::tinyInputs()
{
    // Fewer points than neighbours: the neighbourhood shrinks to all others.
    for (int n : {2, 3, 10, 16}) {
        const Blobs data = blobs(n, 5, 2, 3.0f, 8);
        UmapConfig config;
        config.threads = 2;
        const RowMatrixXf map = umapEmbed(data.points, config);
        QCOMPARE(map.rows(), Eigen::Index(n));
        QVERIFY2(map.allFinite(), qPrintable(QString::number(n)));
    }
    // Identical points get separated by the repulsion, not stuck or NaN.
    const RowMatrixXf same = RowMatrixXf::Constant(50, 4, 1.0f);
    const RowMatrixXf map = umapEmbed(same, UmapConfig{});
    QVERIFY(map.allFinite());
}

void TestUmap::refusesBadInput_data()
{
    QTest::addColumn<int>("which");
    QTest::newRow("one point") << 0;
    QTest::newRow("NaN feature") << 1;
    QTest::newRow("n_neighbors 1") << 2;
    QTest::newRow("min_dist > spread") << 3;
    QTest::newRow("negative epochs") << 4;
    QTest::newRow("learning rate 0") << 5;
    QTest::newRow("layoutEvery 0") << 6;
    QTest::newRow("unknown kNN method") << 7;
    QTest::newRow("negative threads") << 8;
}

void TestUmap::refusesBadInput()
{
    QFETCH(int, which);
    RowMatrixXf points = blobs(100, 4, 2, 3.0f, 9).points;
    UmapConfig config;
    switch (which) {
    case 0:
        points = points.topRows(1).eval();
        break;
    case 1:
        points(3, 2) = std::numeric_limits<float>::infinity();
        break;
    case 2:
        config.nNeighbors = 1;
        break;
    case 3:
        config.minDist = 1.5;
        break;
    case 4:
        config.epochs = -1;
        break;
    case 5:
        config.learningRate = 0;
        break;
    case 6:
        config.layoutEvery = 0;
        break;
    case 7:
        config.knnMethod = "ball-tree";
        break;
    case 8:
        config.threads = -1;
        break;
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, umapEmbed(points, config));
    if (which >= 2)
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, UmapProjector{config});
}

QTEST_GUILESS_MAIN(TestUmap)
#include "tst_umap.moc"
