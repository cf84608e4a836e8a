// t-SNE on small synthetic inputs: the perplexity calibration hits its target
// entropy, the FFT repulsion agrees with the exact O(N²) sums, well-separated
// clusters stay apart in the map, a seed fixes the map (for any thread count),
// a cancel stops it within 100 ms, and progress brings usable layouts.
#include "../common/timing_budget.h"
#include "core/projection/fft_interpolation.h"
#include "core/projection/knn_graph.h"
#include "core/projection/projector_factory.h"
#include "core/projection/tsne.h"
#include "core/util/vector_kernels.h"

#include <QtTest>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <set>
#include <thread>

using namespace mnistx;
using namespace mnistx::projection;

class TestTsne : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void calibrationHitsTargetEntropy_data();
    void calibrationHitsTargetEntropy();
    void affinitiesAreSymmetricAndSumToOne();
    void fftRepulsionMatchesExactSums_data();
    void fftRepulsionMatchesExactSums();
    void separatedClustersStayApart();
    void sameSeedGivesIdenticalMap();
    void threadCountDoesNotChangeTheMap();
    void instructionSetDoesNotMatter();
    void cancelFromCallbackIsPrompt();
    void cancelFromAnotherThreadIsPrompt();
    void progressBringsValidLayouts();
    void projectorSharesOneMapForBothSubsets();
    void factoryBuildsTsne();
    void badSettingsAreRefused();
};

namespace
{

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

RowMatrixXf gaussianPoints(int n, int d, std::uint32_t seed, float scale = 1.0f)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, scale);
    RowMatrixXf x(n, d);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < d; ++c)
            x(i, c) = g(rng);
    return x;
}

// `clusters` Gaussian blobs (σ = 1) with centres ~N(0, 10²) in d dimensions:
// the centres are ~10·√(2d) apart, far beyond any blob's spread.
RowMatrixXf blobs(int n, int d, int clusters, std::vector<int>& labels, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> g;
    RowMatrixXf centres(clusters, d);
    for (int c = 0; c < clusters; ++c)
        for (int j = 0; j < d; ++j)
            centres(c, j) = 10.0f * g(rng);
    RowMatrixXf x(n, d);
    labels.resize(n);
    for (int i = 0; i < n; ++i) {
        labels[i] = i % clusters;
        for (int j = 0; j < d; ++j)
            x(i, j) = centres(labels[i], j) + g(rng);
    }
    return x;
}

// Leave-one-out 10-NN majority vote in the map (brute force; small n only).
double knnAccuracy(const RowMatrixXf& y, const std::vector<int>& labels, int k = 10)
{
    const int n = int(y.rows());
    int correct = 0;
    std::vector<std::pair<float, int>> d(n);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j)
            d[j] = {j == i ? INFINITY : (y.row(i) - y.row(j)).squaredNorm(), labels[j]};
        std::partial_sort(d.begin(), d.begin() + k, d.end());
        std::map<int, int> votes;
        for (int e = 0; e < k; ++e)
            ++votes[d[e].second];
        int best = -1, bestCount = -1;
        for (const auto& [label, count] : votes)
            if (count > bestCount) {
                best = label;
                bestCount = count;
            }
        correct += best == labels[i];
    }
    return double(correct) / n;
}

TsneConfig quickConfig()
{
    TsneConfig c;
    c.iterations = 300;
    c.exaggerationIterations = 100;
    c.threads = 2;
    c.knnMethod = "exact";
    return c;
}

} // namespace

void TestTsne::calibrationHitsTargetEntropy_data()
{
    QTest::addColumn<double>("perplexity");
    QTest::addColumn<float>("scale");
    QTest::newRow("perplexity 5") << 5.0 << 1.0f;
    QTest::newRow("perplexity 30") << 30.0 << 1.0f;
    QTest::newRow("perplexity 50") << 50.0 << 1.0f;
    // Features of any scale: the bisection starts from the distances' scale.
    QTest::newRow("perplexity 30, tiny features") << 30.0 << 1e-3f;
    QTest::newRow("perplexity 30, huge features") << 30.0 << 1e3f;
}

void TestTsne::calibrationHitsTargetEntropy()
{
    QFETCH(double, perplexity);
    QFETCH(float, scale);
    const RowMatrixXf x = gaussianPoints(1500, 10, 11, scale);
    const KnnGraph graph = exactKnnGraph(x, int(3 * perplexity));
    const PerplexityCalibration cal = calibratePerplexity(graph, perplexity);
    QCOMPARE(cal.n, 1500);
    QCOMPARE(cal.k, graph.k);
    const double target = std::log(perplexity);
    double worst = 0.0;
    for (int i = 0; i < cal.n; ++i) {
        double h = 0.0, sum = 0.0;
        for (int j = 0; j < cal.k; ++j) {
            const double p = cal.conditional[std::size_t(i) * cal.k + j];
            sum += p;
            if (p > 0)
                h -= p * std::log(p);
        }
        QVERIFY2(std::abs(sum - 1.0) < 1e-5,
                 qPrintable(QString("row %1 sums to %2").arg(i).arg(sum)));
        worst = std::max(worst, std::abs(h - target));
    }
    QVERIFY2(worst < 1e-3, qPrintable(QString("worst |H - log(perplexity)| = %1").arg(worst)));
}

void TestTsne::affinitiesAreSymmetricAndSumToOne()
{
    const RowMatrixXf x = gaussianPoints(800, 5, 12);
    const KnnGraph graph = exactKnnGraph(x, 45);
    const SparseAffinities P = symmetricAffinities(graph, calibratePerplexity(graph, 15.0));
    QCOMPARE(P.n, 800);
    double total = 0.0;
    std::map<std::pair<int, int>, float> entries;
    for (int i = 0; i < P.n; ++i)
        for (std::int64_t e = P.rowStart[i]; e < P.rowStart[i + 1]; ++e) {
            QVERIFY(P.columns[e] != i);
            if (e > P.rowStart[i])
                QVERIFY(P.columns[e] > P.columns[e - 1]); // ascending, no repeats
            QVERIFY(P.values[e] > 0);
            entries[{i, P.columns[e]}] = P.values[e];
            total += P.values[e];
        }
    QVERIFY(std::abs(total - 1.0) < 1e-5);
    for (const auto& [ij, v] : entries) {
        const auto back = entries.find({ij.second, ij.first});
        QVERIFY(back != entries.end());
        QCOMPARE(back->second, v);
    }
}

void TestTsne::fftRepulsionMatchesExactSums_data()
{
    QTest::addColumn<float>("spread");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<double>("tolerance");
    // Maps as t-SNE makes them (10 clusters). At FIt-SNE's default resolution
    // (p = 3 nodes per box ≤ 1 map unit) the interpolation error is 0.7% of
    // the force field on a ±15 map (boxes 0.6 units wide) and 2% on a ±30
    // map (boxes 0.9 units wide); MNIST maps made with p = 5 (error ÷8) have
    // the same 10-NN accuracy and trustworthiness, so p = 3 stays the default.
    QTest::newRow("map ±15, p=3") << 15.0f << 3 << 1e-2;
    QTest::newRow("map ±30, p=3") << 30.0f << 3 << 2.5e-2;
    // More nodes converge to the exact sums: the error is interpolation, not
    // a flaw of the grid or the FFT.
    QTest::newRow("map ±30, p=4") << 30.0f << 4 << 1e-2;
    QTest::newRow("map ±30, p=5") << 30.0f << 5 << 3e-3;
    // The start of an optimisation: all points within 1e-3.
    QTest::newRow("initial map, p=3") << 1e-3f << 3 << 1e-2;
}

void TestTsne::fftRepulsionMatchesExactSums()
{
    QFETCH(float, spread);
    QFETCH(int, nodes);
    QFETCH(double, tolerance);
    std::mt19937 rng(5);
    std::normal_distribution<float> g;
    RowMatrixXf y(1000, 2);
    for (int i = 0; i < y.rows(); ++i) {
        const float angle = float(i % 10) * 0.628f;
        y(i, 0) = spread * (std::cos(angle) + 0.08f * g(rng));
        y(i, 1) = spread * (std::sin(angle) + 0.08f * g(rng));
    }
    RowMatrixXd exact;
    const double zExact = exactRepulsion(y, exact);
    FftRepulsionConfig config;
    config.nodesPerInterval = nodes;
    FftRepulsion fft(config);
    RowMatrixXf approx;
    const double z = fft.compute(y, approx);
    QCOMPARE(approx.rows(), y.rows());
    const double forceError = (approx.cast<double>() - exact).norm() / exact.norm();
    const double zError = std::abs(z - zExact) / zExact;
    QVERIFY2(forceError < tolerance,
             qPrintable(QString("relative force error %1").arg(forceError)));
    QVERIFY2(zError < tolerance / 5, qPrintable(QString("relative Z error %1").arg(zError)));
    qInfo("relative error: forces %.2e, Z %.2e (FFT size %d)", forceError, zError, fft.fftSize());
}

void TestTsne::separatedClustersStayApart()
{
    std::vector<int> labels;
    const RowMatrixXf x = blobs(3000, 50, 10, labels, 21);
    TsneConfig config;
    config.threads = 2;
    const RowMatrixXf y = tsneEmbed(x, config);
    QCOMPARE(y.rows(), 3000);
    QCOMPARE(y.cols(), 2);
    QVERIFY(y.allFinite());
    const double accuracy = knnAccuracy(y, labels);
    QVERIFY2(accuracy >= 0.995, qPrintable(QString("10-NN accuracy %1").arg(accuracy)));
}

void TestTsne::sameSeedGivesIdenticalMap()
{
    std::vector<int> labels;
    const RowMatrixXf x = blobs(1500, 20, 5, labels, 22);
    TsneConfig config = quickConfig();
    config.knnMethod = "auto"; // as the app runs it
    const RowMatrixXf a = tsneEmbed(x, config);
    const RowMatrixXf b = tsneEmbed(x, config);
    QVERIFY(a == b);
    config.seed = 2;
    config.initialisation = TsneInitialisation::Random;
    const RowMatrixXf c = tsneEmbed(x, config);
    const RowMatrixXf d = tsneEmbed(x, config);
    QVERIFY(c == d);
    QVERIFY(!(c == a));
}

void TestTsne::threadCountDoesNotChangeTheMap()
{
    std::vector<int> labels;
    const RowMatrixXf x = blobs(3000, 20, 5, labels, 23);
    TsneConfig config = quickConfig();
    config.iterations = 150;
    config.threads = 1;
    const RowMatrixXf serial = tsneEmbed(x, config);
    config.threads = 2;
    const RowMatrixXf parallel = tsneEmbed(x, config);
    config.threads = 3;
    const RowMatrixXf three = tsneEmbed(x, config);
    QVERIFY(serial == parallel);
    QVERIFY(serial == three);
}

// The attraction's AVX2 kernel and its portable twin give the same map to the
// bit (tsne_attraction.h): rows of every length, partial last blocks included.
void TestTsne::instructionSetDoesNotMatter()
{
    if (!util::avx2KernelsEnabled())
        QSKIP("no AVX2 kernels on this CPU or build: there is one kernel only");
    std::vector<int> labels;
    const RowMatrixXf x = blobs(3000, 20, 5, labels, 24);
    TsneConfig config = quickConfig();
    config.iterations = 150;
    const KnnGraph graph = exactKnnGraph(x, 90, 2);
    const SparseAffinities P =
        symmetricAffinities(graph, calibratePerplexity(graph, config.perplexity));
    std::set<std::int64_t> remainders; // of the rows' lengths after blocks of 16
    for (int i = 0; i < P.n; ++i)
        remainders.insert((P.rowStart[i + 1] - P.rowStart[i]) % 16);
    QCOMPARE(int(remainders.size()), 16);
    const RowMatrixXf initial = gaussianPoints(3000, 2, 25, 1e-4f);
    struct Restore {
        ~Restore() { util::setAvx2KernelsAllowed(true); }
    } restore;
    util::setAvx2KernelsAllowed(false);
    const RowMatrixXf portable = tsneOptimise(P, initial, config);
    util::setAvx2KernelsAllowed(true);
    const RowMatrixXf avx2 = tsneOptimise(P, initial, config);
    QVERIFY(portable == avx2);
    QVERIFY(!(portable == initial)); // the layout did move
}

void TestTsne::cancelFromCallbackIsPrompt()
{
    std::vector<int> labels;
    // Sanitizer builds: fewer points, still several progress reports a stage.
    const RowMatrixXf x = blobs(test::kSanitizedBuild ? 8000 : 20000, 20, 10, labels, 24);
    TsneConfig config = quickConfig();
    config.iterations = 2000;
    // Cancel in each stage; the time from returning false to the exception
    // is what a user waits after pressing Cancel.
    for (const std::string stage : {"knn", "affinities", "optimise"}) {
        Clock::time_point cancelledAt{};
        int calls = 0;
        bool cancelled = false;
        try {
            tsneEmbed(x, config, [&](const ProjectionProgress& p) {
                // Mid-stage where the stage reports progress: inside the kNN
                // search, and 50 iterations into the optimisation.
                if (p.stage != stage || (stage == "knn" && p.iteration == 0) ||
                    (stage == "optimise" && p.iteration < 50))
                    return true;
                ++calls;
                cancelledAt = Clock::now();
                return false;
            });
        } catch (const Cancelled&) {
            cancelled = true;
        }
        const double latency = millisecondsSince(cancelledAt);
        QVERIFY2(cancelled, stage.c_str());
        QCOMPARE(calls, 1); // not called again after saying stop
        qInfo("cancel in %s: %.1f ms", stage.c_str(), latency);
        QVERIFY2(latency < 100 * test::kTimingBudgetFactor,
                 qPrintable(QString("%1: %2 ms").arg(stage.c_str()).arg(latency)));
    }
}

void TestTsne::cancelFromAnotherThreadIsPrompt()
{
    std::vector<int> labels;
    const RowMatrixXf x = blobs(test::kSanitizedBuild ? 8000 : 20000, 20, 10, labels, 25);
    TsneConfig config = quickConfig();
    config.iterations = 2000;
    // At several moments, so the stages and iteration phases differ.
    for (int delayMs : {5, 300, 1200}) {
        std::atomic<bool> stop{false};
        Clock::time_point requestedAt{};
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
            requestedAt = Clock::now();
            stop.store(true);
        });
        bool cancelled = false;
        try {
            tsneEmbed(x, config, [&](const ProjectionProgress&) { return !stop.load(); });
        } catch (const Cancelled&) {
            cancelled = true;
        }
        const auto caughtAt = Clock::now();
        canceller.join();
        const double latency =
            std::chrono::duration<double, std::milli>(caughtAt - requestedAt).count();
        QVERIFY2(cancelled, qPrintable(QString("not cancelled after %1 ms").arg(delayMs)));
        qInfo("cancel after %d ms: %.1f ms", delayMs, latency);
        QVERIFY2(latency < 100 * test::kTimingBudgetFactor,
                 qPrintable(QString("after %1 ms: %2 ms").arg(delayMs).arg(latency)));
    }
}

void TestTsne::progressBringsValidLayouts()
{
    std::vector<int> labels;
    const RowMatrixXf x = blobs(2000, 20, 5, labels, 26);
    TsneConfig config = quickConfig();
    config.layoutEvery = 7;
    std::vector<std::string> stages;
    std::vector<int> layoutIterations;
    RowMatrixXf last;
    bool allValid = true;
    const RowMatrixXf y = tsneEmbed(x, config, [&](const ProjectionProgress& p) {
        if (stages.empty() || stages.back() != p.stage)
            stages.push_back(p.stage);
        if (p.layout) {
            allValid &= p.stage == "optimise" && p.layout->rows() == 2000 &&
                        p.layout->cols() == 2 && p.layout->allFinite();
            allValid &= p.totalIterations == config.iterations;
            layoutIterations.push_back(p.iteration);
            last = *p.layout;
        }
        return true;
    });
    QCOMPARE(stages, (std::vector<std::string>{"knn", "affinities", "optimise"}));
    QVERIFY(allValid);
    // The start, every 7th iteration, and the final map.
    QCOMPARE(layoutIterations.front(), 0);
    QCOMPARE(layoutIterations.back(), config.iterations);
    QCOMPARE(int(layoutIterations.size()), 1 + config.iterations / 7 + 1);
    for (std::size_t i = 1; i + 1 < layoutIterations.size(); ++i)
        QCOMPARE(layoutIterations[i], int(i) * 7);
    QVERIFY(last == y);
}

void TestTsne::projectorSharesOneMapForBothSubsets()
{
    std::vector<int> labels;
    const RowMatrixXf x = blobs(2000, 20, 5, labels, 27);
    const RowMatrixXf train = x.topRows(1500), validation = x.bottomRows(500);
    TsneProjector projector(quickConfig());
    QCOMPARE(projector.name(), std::string("tsne"));
    const Projection p = projector.project(train, validation, {});
    QCOMPARE(p.method, std::string("tsne"));
    QCOMPARE(p.train.rows(), 1500);
    QCOMPARE(p.validation.rows(), 500);
    QCOMPARE(p.parameters.at("perplexity"), 30.0);
    QVERIFY(p.seconds > 0);
    // One map: the same as embedding the stacked rows.
    const RowMatrixXf all = tsneEmbed(x, quickConfig());
    QVERIFY(p.train == all.topRows(1500));
    QVERIFY(p.validation == all.bottomRows(500));
    // The validation points land in their own clusters.
    std::vector<int> validationLabels(labels.begin() + 1500, labels.end());
    RowMatrixXf stacked(2000, 2);
    stacked << p.train, p.validation;
    QVERIFY(knnAccuracy(stacked, labels) > 0.99);
}

void TestTsne::factoryBuildsTsne()
{
    const auto& names = projectorNames();
    QVERIFY(std::find(names.begin(), names.end(), "tsne") != names.end());
    auto projector = makeProjector("tsne", {{"perplexity", 20}, {"iterations", 100}}, 3, 2);
    QCOMPARE(projector->name(), std::string("tsne"));
    auto* tsne = dynamic_cast<TsneProjector*>(projector.get());
    QVERIFY(tsne);
    QCOMPARE(tsne->config().perplexity, 20.0);
    QCOMPARE(tsne->config().iterations, 100);
    QCOMPARE(tsne->config().seed, std::uint64_t(3));
    QCOMPARE(tsne->config().threads, 2);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("tsne", {{"perplexiti", 20}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeProjector("tsne", {{"iterations", 2.5}}));
}

void TestTsne::badSettingsAreRefused()
{
    const RowMatrixXf x = gaussianPoints(100, 5, 28);
    TsneConfig c = quickConfig();
    c.perplexity = 1.0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tsneEmbed(x, c));
    c = quickConfig();
    c.iterations = -1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tsneEmbed(x, c));
    c = quickConfig();
    c.momentumLate = 1.0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tsneEmbed(x, c));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             tsneEmbed(gaussianPoints(3, 5, 1), quickConfig()));
    RowMatrixXf bad = x;
    bad(7, 2) = NAN;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tsneEmbed(bad, quickConfig()));
    // Few points: perplexity is capped at (N−1)/3 rather than refused.
    const Projection p = TsneProjector(quickConfig()).project(gaussianPoints(10, 3, 2), {}, {});
    QCOMPARE(p.train.rows(), 10);
    QCOMPARE(p.parameters.at("perplexity"), 3.0);
}

QTEST_GUILESS_MAIN(TestTsne)
#include "tst_tsne.moc"
