// Per-subset metrics: softmax, predictions, losses, confusion and per-class
// figures from logits (stable for huge logits), the nearest centroid, and the
// loss-vs-distance bins against a direct computation. On real MNIST, after a
// short training, the loss grows with the distance to the own class centroid
// (the original study's finding, which the app's chart shows).

#include "core/analysis/subset_metrics.h"
#include "core/model/classifier.h"
#include "core/pipeline/analyse_model.h"
#include "core/training/trainer.h"
#include "mnist_fixture.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

using namespace mnistx;

class TestSubsetMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void softmaxSumsToOneAndLossIsMinusLogP();
    void hugeLogitsDoNotOverflow();
    void tiesPredictTheLowestClass();
    void confusionAndPerClassFigures();
    void badLogitsAreRefused();
    void unscoredSubsetKeepsCountsOnly();
    void nearestCentroidIsArgmin();
    void binsMatchDirectComputation();
    void outOfRangeDistancesAreClampedIntoOuterBins();
    void sharedRangeCoversBothSubsets();
    void emptyRangeGivesOneFilledBin();
    void badBinCountsAreRefused_data();
    void badBinCountsAreRefused();
    void lossGrowsWithDistanceOnRealMnist();
};

namespace
{

// N samples, C classes, random logits (scaled) and labels.
analysis::SubsetAnalysis randomSubset(int n, int classes, float scale, unsigned seed)
{
    analysis::SubsetAnalysis a;
    std::mt19937 rng(seed);
    std::normal_distribution<float> gauss(0.0f, scale);
    std::uniform_int_distribution<int> label(0, classes - 1);
    a.logits.resize(n, classes);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < classes; ++c)
            a.logits(i, c) = gauss(rng);
    a.labels.resize(static_cast<std::size_t>(n));
    for (auto& l : a.labels)
        l = static_cast<std::uint8_t>(label(rng));
    return a;
}

// Random distances, with losses; for the bins.
analysis::SubsetAnalysis randomDistances(int n, int classes, double lo, double hi, unsigned seed)
{
    analysis::SubsetAnalysis a = randomSubset(n, classes, 2.0f, seed);
    analysis::fillFromLogits(a);
    std::mt19937 rng(seed + 100);
    std::uniform_real_distribution<float> dist(static_cast<float>(lo), static_cast<float>(hi));
    a.centroidDistances.resize(n, classes);
    for (int i = 0; i < n; ++i)
        for (int c = 0; c < classes; ++c)
            a.centroidDistances(i, c) = dist(rng);
    return a;
}

} // namespace

void TestSubsetMetrics::softmaxSumsToOneAndLossIsMinusLogP()
{
    analysis::SubsetAnalysis a = randomSubset(500, 10, 3.0f, 1);
    analysis::fillFromLogits(a);
    QCOMPARE(a.classCount, 10);
    QCOMPARE(int(a.probabilities.rows()), 500);
    QCOMPARE(int(a.probabilities.cols()), 10);
    QCOMPARE(int(a.losses.size()), 500);
    for (int i = 0; i < 500; ++i) {
        const int label = a.labels[static_cast<std::size_t>(i)];
        QVERIFY(std::abs(a.probabilities.row(i).sum() - 1.0f) < 1e-5f);
        QVERIFY(a.probabilities.row(i).minCoeff() >= 0.0f);
        // The obvious softmax, in double: fine for these moderate logits.
        double sum = 0.0;
        for (int c = 0; c < 10; ++c)
            sum += std::exp(double(a.logits(i, c)));
        const double p = std::exp(double(a.logits(i, label))) / sum;
        QVERIFY(std::abs(a.probabilities(i, label) - p) < 1e-6);
        QVERIFY2(std::abs(a.losses[static_cast<std::size_t>(i)] + std::log(p)) < 1e-5,
                 qPrintable(QString("sample %1: loss %2, -log p %3")
                                .arg(i)
                                .arg(a.losses[static_cast<std::size_t>(i)])
                                .arg(-std::log(p))));
        Eigen::Index best = 0;
        a.logits.row(i).maxCoeff(&best);
        QCOMPARE(int(a.predictions[static_cast<std::size_t>(i)]), int(best));
    }
    const double meanLoss =
        std::accumulate(a.losses.begin(), a.losses.end(), 0.0) / double(a.losses.size());
    QVERIFY(std::abs(a.meanLoss - meanLoss) < 1e-6);
}

void TestSubsetMetrics::hugeLogitsDoNotOverflow()
{
    // exp(1e4) overflows even a double; a confident model produces logits
    // like these and must still get a finite loss.
    analysis::SubsetAnalysis a;
    a.labels = {0, 1, 2};
    a.logits.resize(3, 3);
    a.logits << 1e4f, 0.0f, -1e4f, // right and sure: loss 0
        1e4f, 0.0f, -1e4f,         // wrong and sure: loss 1e4
        3e38f, 3e38f, 0.0f;        // near float max, a tie, wrong
    analysis::fillFromLogits(a);
    QVERIFY(a.probabilities.allFinite());
    for (const float l : a.losses)
        QVERIFY(std::isfinite(l));
    QCOMPARE(a.probabilities(0, 0), 1.0f);
    QCOMPARE(a.probabilities(0, 2), 0.0f);
    QVERIFY(std::abs(a.losses[0]) < 1e-6f);
    QVERIFY(std::abs(a.losses[1] - 1e4f) < 1.0f);
    QCOMPARE(a.probabilities(2, 0), 0.5f);
    QCOMPARE(a.probabilities(2, 1), 0.5f);
    QCOMPARE(int(a.predictions[2]), 0);
    QVERIFY(std::abs(a.losses[2] - 3e38f) < 1e33f);
    QVERIFY(std::isfinite(a.meanLoss));
}

void TestSubsetMetrics::tiesPredictTheLowestClass()
{
    analysis::SubsetAnalysis a;
    a.labels = {3, 1};
    a.logits.resize(2, 4);
    a.logits << 0.0f, 2.0f, 2.0f, 2.0f, //
        5.0f, 5.0f, 5.0f, 5.0f;
    analysis::fillFromLogits(a);
    QCOMPARE(int(a.predictions[0]), 1);
    QCOMPARE(int(a.predictions[1]), 0);
    QVERIFY(std::abs(a.losses[1] - std::log(4.0f)) < 1e-6f);
}

void TestSubsetMetrics::confusionAndPerClassFigures()
{
    analysis::SubsetAnalysis a = randomSubset(2000, 10, 1.0f, 2);
    // Make most samples right, so the figures are not all near chance.
    for (int i = 0; i < 2000; i += 3)
        a.logits(i, a.labels[static_cast<std::size_t>(i)]) += 10.0f;
    analysis::fillFromLogits(a);
    QCOMPARE(int(a.confusion.rows()), 10);
    QCOMPARE(int(a.confusion.cols()), 10);
    QCOMPARE(a.confusion.sum(), 2000LL);
    QCOMPARE(int(a.perClass.size()), 10);

    long long correct = 0;
    std::vector<long long> counts(10, 0), rights(10, 0);
    std::vector<double> lossSums(10, 0.0);
    for (int i = 0; i < 2000; ++i) {
        const int label = a.labels[static_cast<std::size_t>(i)];
        const int prediction = a.predictions[static_cast<std::size_t>(i)];
        ++counts[static_cast<std::size_t>(label)];
        lossSums[static_cast<std::size_t>(label)] += a.losses[static_cast<std::size_t>(i)];
        if (label == prediction) {
            ++correct;
            ++rights[static_cast<std::size_t>(label)];
        }
        QVERIFY(a.correct(i) == (label == prediction));
    }
    QVERIFY(std::abs(a.accuracy - correct / 2000.0) < 1e-12);
    QVERIFY(a.accuracy > 0.3);
    for (int c = 0; c < 10; ++c) {
        const auto& s = a.perClass[static_cast<std::size_t>(c)];
        QCOMPARE(s.count, counts[static_cast<std::size_t>(c)]);
        QCOMPARE(s.count, a.confusion.row(c).sum());
        QCOMPARE(s.correct, rights[static_cast<std::size_t>(c)]);
        QCOMPARE(s.correct, a.confusion(c, c));
        QVERIFY(std::abs(s.accuracy - double(s.correct) / s.count) < 1e-12);
        QVERIFY(std::abs(s.meanLoss - lossSums[static_cast<std::size_t>(c)] / s.count) < 1e-5);
    }

    // A class without samples: count 0, accuracy and mean loss 0, no NaN.
    analysis::SubsetAnalysis b = randomSubset(30, 4, 1.0f, 3);
    for (auto& l : b.labels)
        l = static_cast<std::uint8_t>(l == 3 ? 0 : l);
    analysis::fillFromLogits(b);
    QCOMPARE(b.perClass[3].count, 0LL);
    QCOMPARE(b.perClass[3].accuracy, 0.0);
    QCOMPARE(b.perClass[3].meanLoss, 0.0);

    // No samples at all: zeros, not NaN.
    analysis::SubsetAnalysis none;
    none.logits.resize(0, 10);
    analysis::fillFromLogits(none);
    QCOMPARE(none.accuracy, 0.0);
    QCOMPARE(none.meanLoss, 0.0);
    QCOMPARE(none.confusion.sum(), 0LL);
}

void TestSubsetMetrics::badLogitsAreRefused()
{
    analysis::SubsetAnalysis rows = randomSubset(10, 10, 1.0f, 4);
    rows.labels.pop_back();
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analysis::fillFromLogits(rows));

    analysis::SubsetAnalysis noClasses;
    noClasses.labels = {0};
    noClasses.logits.resize(1, 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analysis::fillFromLogits(noClasses));

    analysis::SubsetAnalysis label = randomSubset(10, 5, 1.0f, 5);
    label.labels[7] = 5;
    try {
        analysis::fillFromLogits(label);
        QFAIL("a label outside the classes was accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("sample 7"), e.what());
    }
}

// Without scores: counts per class, nothing predicted, no loss bins; a
// label outside the classes is refused before anything changes.
void TestSubsetMetrics::unscoredSubsetKeepsCountsOnly()
{
    analysis::SubsetAnalysis a = randomSubset(12, 4, 1.0f, 6);
    analysis::fillFromLogits(a);
    analysis::SubsetAnalysis b = a;
    analysis::fillUnscored(a);
    QVERIFY(!a.scored);
    QVERIFY(a.predictions.empty() && a.losses.empty());
    QCOMPARE(a.logits.rows(), Eigen::Index(12));
    QCOMPARE(a.probabilities.cols(), Eigen::Index(0));
    QCOMPARE(a.confusion.sum(), 0LL);
    for (int c = 0; c < 4; ++c)
        QCOMPARE(a.perClass[static_cast<std::size_t>(c)].count,
                 static_cast<long long>(std::count(a.labels.begin(), a.labels.end(), c)));
    a.centroidDistances = RowMatrixXf::Random(12, 4).cwiseAbs();
    b.centroidDistances = a.centroidDistances;
    analysis::computeLossDistanceBins(b, a, 5);
    QCOMPARE(a.lossVsDistance.binCount(), 0);
    QCOMPARE(b.lossVsDistance.binCount(), 0); // one unscored subset: no shared bins

    analysis::SubsetAnalysis bad = randomSubset(6, 3, 1.0f, 7);
    analysis::fillFromLogits(bad);
    bad.labels[4] = 3;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analysis::fillUnscored(bad));
    QVERIFY(bad.scored);
    QCOMPARE(bad.predictions.size(), std::size_t(6));
}

void TestSubsetMetrics::nearestCentroidIsArgmin()
{
    analysis::SubsetAnalysis a = randomDistances(300, 10, 0.0, 10.0, 6);
    analysis::fillNearestCentroid(a);
    QCOMPARE(int(a.nearestCentroid.size()), 300);
    for (int i = 0; i < 300; ++i) {
        int best = 0;
        for (int c = 1; c < 10; ++c)
            if (a.centroidDistances(i, c) < a.centroidDistances(i, best))
                best = c;
        QCOMPARE(int(a.nearestCentroid[static_cast<std::size_t>(i)]), best);
    }
}

void TestSubsetMetrics::binsMatchDirectComputation()
{
    const analysis::SubsetAnalysis a = randomDistances(3000, 10, 2.0, 12.0, 7);
    const double lo = 2.0, hi = 12.0;
    const int bins = 8;
    const auto b = analysis::lossDistanceBins(a, lo, hi, bins);
    QCOMPARE(b.binCount(), bins);
    QCOMPARE(int(b.edges.size()), bins + 1);
    QCOMPARE(b.edges.front(), lo);
    QCOMPARE(b.edges.back(), hi);
    QCOMPARE(b.minDistance, lo);
    QCOMPARE(b.maxDistance, hi);
    QCOMPARE(std::accumulate(b.counts.begin(), b.counts.end(), 0LL), 3000LL);

    // Direct: pick each sample's bin by scanning the edges.
    for (int k = 0; k < bins; ++k) {
        std::vector<double> losses;
        for (int i = 0; i < a.sampleCount(); ++i) {
            const double d = a.distanceToOwnCentroid(i);
            const bool last = k == bins - 1;
            if (d >= b.edges[static_cast<std::size_t>(k)] &&
                (d < b.edges[static_cast<std::size_t>(k) + 1] ||
                 (last && d <= b.edges[static_cast<std::size_t>(k) + 1])))
                losses.push_back(a.losses[static_cast<std::size_t>(i)]);
        }
        const auto n = static_cast<long long>(losses.size());
        QCOMPARE(b.counts[static_cast<std::size_t>(k)], n);
        QVERIFY(n >= 2);
        const double mean = std::accumulate(losses.begin(), losses.end(), 0.0) / n;
        double squares = 0.0;
        for (const double l : losses)
            squares += (l - mean) * (l - mean);
        const double stdError = std::sqrt(squares / (n - 1)) / std::sqrt(double(n));
        QVERIFY2(std::abs(b.meanLoss[static_cast<std::size_t>(k)] - mean) < 1e-9,
                 qPrintable(QString("bin %1").arg(k)));
        QVERIFY2(std::abs(b.stdError[static_cast<std::size_t>(k)] - stdError) < 1e-9,
                 qPrintable(QString("bin %1: %2 vs %3")
                                .arg(k)
                                .arg(b.stdError[static_cast<std::size_t>(k)])
                                .arg(stdError)));
    }
}

void TestSubsetMetrics::outOfRangeDistancesAreClampedIntoOuterBins()
{
    analysis::SubsetAnalysis a;
    a.labels = {0, 0, 0, 0, 0};
    a.losses = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f};
    a.centroidDistances.resize(5, 1);
    a.centroidDistances << -1.0f, 0.0f, 5.0f, 10.0f, 50.0f;
    const auto b = analysis::lossDistanceBins(a, 0.0, 10.0, 2);
    // [0,5): −1 (clamped) and 0; [5,10]: 5, 10 (the right edge) and 50 (clamped).
    QCOMPARE(b.counts, (std::vector<long long>{2, 3}));
    QCOMPARE(b.meanLoss[0], 1.5);
    QCOMPARE(b.meanLoss[1], 4.0);
    QCOMPARE(b.stdError[1], 1.0 / std::sqrt(3.0)); // sample std 1
    // A single sample has no standard error; an empty bin has no mean.
    const auto one = analysis::lossDistanceBins(a, 0.0, 100.0, 4);
    QCOMPARE(one.counts, (std::vector<long long>{4, 0, 1, 0}));
    QCOMPARE(one.stdError[2], 0.0);
    QCOMPARE(one.meanLoss[1], 0.0);
    QCOMPARE(one.meanLoss[2], 5.0);
}

void TestSubsetMetrics::sharedRangeCoversBothSubsets()
{
    analysis::SubsetAnalysis train = randomDistances(2000, 10, 1.0, 9.0, 8);
    analysis::SubsetAnalysis validation = randomDistances(500, 10, 3.0, 14.0, 9);
    analysis::computeLossDistanceBins(train, validation, 12);
    double lo = INFINITY, hi = -INFINITY;
    for (const auto* a : {&train, &validation})
        for (int i = 0; i < a->sampleCount(); ++i) {
            lo = std::min(lo, double(a->distanceToOwnCentroid(i)));
            hi = std::max(hi, double(a->distanceToOwnCentroid(i)));
        }
    for (const auto* a : {&train, &validation}) {
        const auto& b = a->lossVsDistance;
        QCOMPARE(b.binCount(), 12);
        QCOMPARE(b.minDistance, lo);
        QCOMPARE(b.maxDistance, hi);
        QCOMPARE(b.edges, train.lossVsDistance.edges);
        QCOMPARE(std::accumulate(b.counts.begin(), b.counts.end(), 0LL),
                 static_cast<long long>(a->sampleCount()));
        // Same as asking for the bins of that range directly.
        const auto direct = analysis::lossDistanceBins(*a, lo, hi, 12);
        QCOMPARE(b.counts, direct.counts);
        QCOMPARE(b.meanLoss, direct.meanLoss);
    }
    // The validation distances start at 3: the low bins of its curve are empty.
    QCOMPARE(validation.lossVsDistance.counts[0], 0LL);
    QVERIFY(train.lossVsDistance.counts[0] > 0);
}

void TestSubsetMetrics::emptyRangeGivesOneFilledBin()
{
    // Every distance the same: a zero-width range, all samples in bin 0.
    analysis::SubsetAnalysis train = randomDistances(50, 3, 0.0, 1.0, 10);
    train.centroidDistances.setConstant(4.0f);
    analysis::SubsetAnalysis validation = randomDistances(20, 3, 0.0, 1.0, 11);
    validation.centroidDistances.setConstant(4.0f);
    analysis::computeLossDistanceBins(train, validation, 5);
    QCOMPARE(train.lossVsDistance.counts[0], 50LL);
    QCOMPARE(validation.lossVsDistance.counts[0], 20LL);
    for (const double m : train.lossVsDistance.meanLoss)
        QVERIFY(std::isfinite(m));
}

void TestSubsetMetrics::badBinCountsAreRefused_data()
{
    QTest::addColumn<int>("bins");
    QTest::newRow("zero") << 0;
    QTest::newRow("negative") << -3;
}

void TestSubsetMetrics::badBinCountsAreRefused()
{
    QFETCH(int, bins);
    analysis::SubsetAnalysis train = randomDistances(20, 3, 0.0, 1.0, 12);
    analysis::SubsetAnalysis validation = randomDistances(20, 3, 0.0, 1.0, 13);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             analysis::computeLossDistanceBins(train, validation, bins));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             analysis::lossDistanceBins(train, 0.0, 1.0, bins));
    // A reversed range is refused too.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analysis::lossDistanceBins(train, 2.0, 1.0, 3));
}

void TestSubsetMetrics::lossGrowsWithDistanceOnRealMnist()
{
    MNISTX_REQUIRE_MNIST(mnist);
    // A short training (3 epochs of 4,000 images, as in tst_trainer): good
    // enough to have an error structure, quick enough for a unit test.
    training::TrainConfig config;
    config.epochs = 3;
    config.trainLimit = 4000;
    config.validationLimit = 500;
    config.threads = 2;
    model::Classifier net(config.architecture, config.seed);
    training::Trainer trainer(net, config);
    trainer.train(mnist->train, mnist->validation, {});

    data::DatasetSplits data;
    data.train = testing::head(mnist->train, 6000);
    data.validation = testing::head(mnist->validation, 3000);
    const pipeline::AnalysisOutput out = pipeline::analyseModel(net, data, 10);
    QCOMPARE(out.validation.sampleCount(), 3000);
    QVERIFY2(out.validation.accuracy > 0.85, qPrintable(QString::number(out.validation.accuracy)));

    for (const auto* a : {&out.train, &out.validation}) {
        // Samples sorted by their distance to their own class centroid: the
        // farthest quarter has a clearly larger mean loss than the nearest.
        std::vector<int> order(static_cast<std::size_t>(a->sampleCount()));
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int x, int y) {
            return a->distanceToOwnCentroid(x) < a->distanceToOwnCentroid(y);
        });
        const std::size_t quarter = order.size() / 4;
        double near = 0.0, far = 0.0;
        for (std::size_t i = 0; i < quarter; ++i) {
            near += a->losses[static_cast<std::size_t>(order[i])];
            far += a->losses[static_cast<std::size_t>(order[order.size() - 1 - i])];
        }
        QVERIFY2(far > 2.0 * near,
                 qPrintable(QString("%1: nearest quarter mean loss %2, farthest %3")
                                .arg(analysis::subsetName(a->subset))
                                .arg(near / quarter)
                                .arg(far / quarter)));

        // The bins say the same: the sample-weighted mean loss of the upper
        // half of the distance range exceeds that of the lower half.
        const auto& b = a->lossVsDistance;
        QCOMPARE(b.binCount(), 10);
        QCOMPARE(std::accumulate(b.counts.begin(), b.counts.end(), 0LL),
                 static_cast<long long>(a->sampleCount()));
        double lowSum = 0, highSum = 0;
        long long lowCount = 0, highCount = 0;
        for (int k = 0; k < b.binCount(); ++k) {
            const auto idx = static_cast<std::size_t>(k);
            (k < 5 ? lowSum : highSum) += b.meanLoss[idx] * b.counts[idx];
            (k < 5 ? lowCount : highCount) += b.counts[idx];
        }
        QVERIFY(lowCount > 0 && highCount > 0);
        QVERIFY2(highSum / highCount > lowSum / lowCount,
                 qPrintable(QString("lower half %1, upper half %2")
                                .arg(lowSum / lowCount)
                                .arg(highSum / highCount)));
    }
}

QTEST_GUILESS_MAIN(TestSubsetMetrics)
#include "tst_subset_metrics.moc"
