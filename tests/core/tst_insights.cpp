// Metadata and automatic insights: metadata fields are what the issue defines
// (ink on real MNIST too), grouped mean losses add up, a confusion cell
// selects exactly its samples, and the insights find a planted high-loss
// cluster, the confusion pairs that account for most errors and a metadata
// value with outsized loss, reproducibly.

#include "core/util/json_cursor.h"
#include "core/why/insights.h"
#include "core/why/sample_metadata.h"

#include <QtTest>

// After <QtTest>: the fixtures use QString.
#include "../common/blob_run.h"
#include "mnist_fixture.h"

#include <algorithm>
#include <random>
#include <set>

using namespace mnistx;
using namespace mnistx::why;

namespace
{

// A subset from blobs, with a planted weak group: `planted` extra samples in
// a blob of their own between classes 3 and 5, labelled 3 and predicted
// 3 or 5 with low confidence (high loss).
struct Planted {
    analysis::SubsetAnalysis subset;
    std::set<int> planted;
};

Planted plantedWeakCluster(int planted)
{
    test::BlobRun blob = test::makeBlobRun({10, 2000, 10, 16, 6.0f, 2.0f, 21});
    Planted out;
    out.planted = test::plantWeakCluster(blob, planted);
    out.subset = blob.run.validation;
    return out;
}

} // namespace

class TestInsights : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void metadataFields();
    void genericFieldsForAnyDataset();
    void inkOnRealMnist();
    void groupedMeanLoss();
    void quantileBins();
    void confusionCell();
    void findsPlantedCluster();
    void confusionPairsAndMetadataGroups();
    void reproducibleAndJson();
    void kMeansSeparatesBlobs();
    void clusterTitleSaysWhatTheClusterIs();
    void progressAndCancel();
};

void TestInsights::metadataFields()
{
    test::SyntheticRunOptions o;
    o.validationCount = 30;
    const store::RunData run = test::makeSyntheticRun(o);
    std::vector<std::uint8_t> images(30 * 784, 0);
    images[5 * 784 + 10] = 255; // sample 5 has one full pixel of ink
    images[6 * 784 + 11] = 51;
    const SubsetMetadata m = computeMetadata(run.validation, images.data());
    QCOMPARE(m.sampleCount(), 30);
    for (int i = 0; i < 30; ++i) {
        const auto k = static_cast<std::size_t>(i);
        const int label = run.validation.labels[k];
        QCOMPARE(int(m.label[k]), label);
        QCOMPARE(int(m.parity[k]), label % 2);
        QCOMPARE(m.closedLoop[k] == 1, label == 0 || label == 6 || label == 8 || label == 9);
        QCOMPARE(m.distanceToOwnCentroid[k], run.validation.distanceToOwnCentroid(i));
        QCOMPARE(m.nearestCentroid[k], run.validation.nearestCentroid[k]);
        QCOMPARE(m.confidence[k], run.validation.probabilities.row(i).maxCoeff());
        QCOMPARE(m.correct[k] == 1, run.validation.correct(i));
    }
    QCOMPARE(m.ink[5], 1.0f);
    QVERIFY(std::abs(m.ink[6] - 0.2f) < 1e-6f);
    QCOMPARE(m.ink[0], 0.0f);
    const SubsetMetadata noImages = computeMetadata(run.validation);
    QVERIFY(!noImages.has(MetadataField::Ink));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, noImages.values(MetadataField::Ink));
    QCOMPARE(noImages.values(MetadataField::Parity).size(), std::size_t(30));
}

void TestInsights::genericFieldsForAnyDataset()
{
    test::SyntheticRunOptions o;
    o.validationCount = 20;
    const store::RunData run = test::makeSyntheticRun(o);
    // Sample 3: half its pixels 0, half 255 (contrast 0.5); the rest flat.
    std::vector<std::uint8_t> images(20 * 784, 40);
    for (int p = 0; p < 784; ++p)
        images[3 * 784 + p] = p % 2 ? 255 : 0;
    SubsetMetadata m = computeMetadata(run.validation, images.data(), 784);
    for (int i = 0; i < 20; ++i) {
        const auto k = static_cast<std::size_t>(i);
        std::vector<float> p(run.validation.probabilities.row(i).data(),
                             run.validation.probabilities.row(i).data() + 10);
        std::sort(p.rbegin(), p.rend());
        QVERIFY(std::abs(m.margin[k] - (p[0] - p[1])) < 1e-6f);
        QCOMPARE(m.distanceToNearestCentroid[k],
                 run.validation.centroidDistances.row(i).minCoeff());
        QVERIFY(m.distanceToNearestCentroid[k] <= m.distanceToOwnCentroid[k]);
        QVERIFY(std::abs(m.contrast[k] - (i == 3 ? 0.5f : 0.0f)) < 1e-6f);
    }
    for (const auto f :
         {MetadataField::Contrast, MetadataField::DistanceToNearestCentroid, MetadataField::Margin})
        QVERIFY(isContinuous(f) && m.has(f));
    // Parity and closed loops are about digits: other classes do not have them.
    QVERIFY(m.has(MetadataField::Parity));
    m.classNames = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    QVERIFY(m.has(MetadataField::ClosedLoop));
    m.classNames[4] = "coat";
    QVERIFY(!m.has(MetadataField::Parity) && !m.has(MetadataField::ClosedLoop));
    QCOMPARE(groupBy(m, MetadataField::Label).names[4], std::string("coat"));
    QVERIFY(!computeMetadata(run.validation).has(MetadataField::Contrast));
}

void TestInsights::inkOnRealMnist()
{
    MNISTX_REQUIRE_MNIST(mnist);
    // Labels and images are real, the rest of the analysis a stand-in.
    const data::Dataset& d = mnist->validation;
    analysis::SubsetAnalysis a;
    a.subset = analysis::Subset::Validation;
    a.labels.assign(d.labels.begin(), d.labels.end());
    a.predictions = a.labels;
    a.losses.assign(d.labels.size(), 0.1f);
    a.probabilities = RowMatrixXf::Constant(d.count, 10, 0.1f);
    const SubsetMetadata m = computeMetadata(a, d.images.data(), d.valuesPerImage());
    const GroupedLoss unused = meanLossBy(m, MetadataField::Ink);
    QVERIFY(unused.groups.groupCount() == 10);
    // Ones are thin, eights and zeros are bold: what anyone sees in MNIST.
    double ink[10] = {};
    int count[10] = {};
    for (int i = 0; i < d.count; ++i) {
        ink[m.label[static_cast<std::size_t>(i)]] += m.ink[static_cast<std::size_t>(i)];
        ++count[m.label[static_cast<std::size_t>(i)]];
    }
    for (int c = 0; c < 10; ++c)
        ink[c] /= count[c];
    qInfo("mean ink: 1 → %.1f, 0 → %.1f, 8 → %.1f", ink[1], ink[0], ink[8]);
    QVERIFY(ink[1] < 0.6 * ink[0]);
    QVERIFY(ink[1] < 0.6 * ink[8]);
    QVERIFY(ink[1] > 20 && ink[0] < 200); // sum of pixels in [0,1], not bytes
}

void TestInsights::groupedMeanLoss()
{
    SubsetMetadata m;
    m.classCount = 3;
    m.label = {0, 1, 2, 0, 1, 2};
    m.parity = {0, 1, 0, 0, 1, 0};
    m.prediction = m.label;
    m.correct = {1, 1, 1, 0, 1, 1};
    m.loss = {1, 2, 3, 5, 6, 7};
    const GroupedLoss byLabel = meanLossBy(m, MetadataField::Label);
    QCOMPARE(byLabel.meanLoss.rows(), 3);
    QCOMPARE(byLabel.meanLoss.cols(), 1);
    QCOMPARE(byLabel.meanLoss(0, 0), 3.0);
    QCOMPARE(byLabel.meanLoss(2, 0), 5.0);
    QCOMPARE(byLabel.errorRate(0, 0), 0.5);
    QCOMPARE(byLabel.counts(1, 0), 2LL);
    const GroupedLoss split = meanLossBy(m, MetadataField::Parity, MetadataField::Label);
    QVERIFY(split.split);
    QCOMPARE(split.groups.names, (std::vector<std::string>{"even", "odd"}));
    QCOMPARE(split.meanLoss(0, 0), 3.0); // even, label 0
    QCOMPARE(split.meanLoss(0, 2), 5.0); // even, label 2
    QCOMPARE(split.counts(0, 1), 0LL);   // no even sample has label 1
    QCOMPARE(split.meanLoss(0, 1), 0.0);
    QCOMPARE(split.meanLoss(1, 1), 4.0);
}

void TestInsights::quantileBins()
{
    SubsetMetadata m;
    m.classCount = 10;
    for (int i = 0; i < 100; ++i) {
        m.label.push_back(0);
        m.correct.push_back(1);
        m.loss.push_back(float(i));
        m.confidence.push_back(i < 60 ? 1.0f : float(i) / 100.0f); // ties at 1.0
    }
    const Grouping g = groupBy(m, MetadataField::Confidence, 10);
    QVERIFY(g.groupCount() >= 2 && g.groupCount() <= 10);
    QCOMPARE(g.edges.size(), std::size_t(g.groupCount() + 1));
    std::vector<int> counts(static_cast<std::size_t>(g.groupCount()), 0);
    for (int i = 0; i < 100; ++i) {
        const int b = g.groupOf[static_cast<std::size_t>(i)];
        QVERIFY(b >= 0 && b < g.groupCount());
        QVERIFY(m.confidence[static_cast<std::size_t>(i)] >= g.edges[static_cast<std::size_t>(b)]);
        ++counts[static_cast<std::size_t>(b)];
    }
    QCOMPARE(counts.back(), 60); // all the ties share the top bin
}

void TestInsights::confusionCell()
{
    const store::RunData run = test::makeSyntheticRun();
    const auto& a = run.validation;
    long long total = 0;
    for (int gt = 0; gt < 10; ++gt)
        for (int p = 0; p < 10; ++p) {
            const std::vector<int> cell = confusionCellSamples(a, gt, p);
            QCOMPARE(static_cast<long long>(cell.size()), a.confusion(gt, p));
            for (int i : cell) {
                QCOMPARE(int(a.labels[static_cast<std::size_t>(i)]), gt);
                QCOMPARE(int(a.predictions[static_cast<std::size_t>(i)]), p);
            }
            QVERIFY(std::is_sorted(cell.begin(), cell.end()));
            total += static_cast<long long>(cell.size());
        }
    QCOMPARE(total, static_cast<long long>(a.sampleCount()));
}

void TestInsights::findsPlantedCluster()
{
    const Planted p = plantedWeakCluster(80);
    const SubsetMetadata m = computeMetadata(p.subset);
    const auto insights = findInsights(p.subset, m);
    QVERIFY(!insights.empty());
    // The best feature-cluster insight is the planted blob.
    const auto it = std::find_if(insights.begin(), insights.end(), [](const Insight& in) {
        return in.kind == InsightKind::FeatureCluster;
    });
    QVERIFY(it != insights.end());
    int inside = 0;
    for (int i : it->samples)
        inside += p.planted.count(i) ? 1 : 0;
    qInfo("%s", it->sentence.c_str());
    QVERIFY2(inside >= 0.8 * 80 && inside >= 0.8 * it->samples.size(),
             qPrintable(QString("%1 of %2 samples planted").arg(inside).arg(it->samples.size())));
    QVERIFY(it->meanLoss >= 2.0 * it->subsetMeanLoss);
    QVERIFY(it->sentence.find(std::to_string(it->samples.size()) + " samples") !=
            std::string::npos);
}

void TestInsights::confusionPairsAndMetadataGroups()
{
    const Planted p = plantedWeakCluster(80);
    const SubsetMetadata m = computeMetadata(p.subset);
    InsightConfig config;
    config.maxPerSubset = 0; // all
    const auto insights = findInsights(p.subset, m, config);
    // The planted samples are labelled 3 and half of them predicted 5: the
    // pair 3 → 5 carries most errors, and label 3 has outsized loss.
    bool pair = false, label = false;
    for (const Insight& in : insights) {
        if (in.kind == InsightKind::ConfusionPair && in.first == 3 && in.second == 5) {
            pair = true;
            for (int i : in.samples)
                QVERIFY(p.subset.labels[static_cast<std::size_t>(i)] == 3 &&
                        p.subset.predictions[static_cast<std::size_t>(i)] == 5);
        }
        if (in.kind == InsightKind::MetadataGroup && in.first == int(MetadataField::Label) &&
            in.second == 3)
            label = true;
    }
    QVERIFY(pair);
    QVERIFY(label);
    for (std::size_t k = 1; k < insights.size(); ++k)
        QVERIFY(insights[k - 1].excessLossShare >= insights[k].excessLossShare);
}

void TestInsights::reproducibleAndJson()
{
    const Planted p = plantedWeakCluster(60);
    const SubsetMetadata m = computeMetadata(p.subset);
    const auto a = findInsights(p.subset, m);
    const auto b = findInsights(p.subset, m);
    QCOMPARE(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        QCOMPARE(a[k].sentence, b[k].sentence);
        QVERIFY(a[k].samples == b[k].samples);
    }
    const json::Value value = json::parse(insightsJson(a));
    const json::Cursor doc(value);
    QCOMPARE(doc["format"].asString(), std::string("mnistx-insights"));
    QCOMPARE(doc["insights"].arraySize(), a.size());
    QCOMPARE(doc["insights"][0]["sentence"].asString(), a[0].sentence);
    QCOMPARE(static_cast<std::size_t>(doc["insights"][0]["count"].asInteger()),
             a[0].samples.size());
    QCOMPARE(doc["insights"][0]["samples"].arraySize(), a[0].samples.size());
}

void TestInsights::kMeansSeparatesBlobs()
{
    test::BlobRun blob = test::makeBlobRun({10, 1000, 10, 16, 8.0f, 2.0f, 5});
    const auto& a = blob.run.validation;
    const std::vector<int> cluster = kMeansClusters(a.features, 10, 30, 1);
    // Well-separated blobs: each cluster is (nearly) one label.
    std::vector<std::vector<int>> counts(10, std::vector<int>(10, 0));
    for (int i = 0; i < a.sampleCount(); ++i)
        ++counts[static_cast<std::size_t>(cluster[static_cast<std::size_t>(i)])]
                [a.labels[static_cast<std::size_t>(i)]];
    int pure = 0;
    for (const auto& row : counts)
        pure += *std::max_element(row.begin(), row.end());
    QVERIFY(pure >= 0.9 * a.sampleCount());
    QVERIFY(kMeansClusters(a.features, 10, 30, 1) == cluster);
    QCOMPARE(kMeansClusters(RowMatrixXf::Zero(3, 2), 10, 5, 1).size(), std::size_t(3));
}

// A cluster's title says what it is (its dominant classes, the border it
// sits on), how big it is and how often the model is wrong there, not
// "cluster 16". The planted blob between 3 and 5 is relabelled half 3,
// half 5, so both classes dominate it and the errors are 3 ↔ 5.
void TestInsights::clusterTitleSaysWhatTheClusterIs()
{
    Planted p = plantedWeakCluster(80);
    test::BlobRun blob = test::makeBlobRun({10, 2000, 10, 16, 6.0f, 2.0f, 21});
    int k = 0;
    for (int i : p.planted)
        p.subset.labels[static_cast<std::size_t>(i)] = (k++ % 2) ? 5 : 3;
    test::refreshSubset(p.subset, blob.centres, blob.temperature);
    const SubsetMetadata m = computeMetadata(p.subset);
    const auto insights = findInsights(p.subset, m);
    const auto it = std::find_if(insights.begin(), insights.end(), [](const Insight& in) {
        return in.kind == InsightKind::FeatureCluster;
    });
    QVERIFY(it != insights.end());
    const QString title = QString::fromStdString(it->title);
    qInfo("%s", qPrintable(title));
    int wrong = 0;
    for (int i : it->samples)
        wrong += p.subset.correct(i) ? 0 : 1;
    const double rate = double(wrong) / it->samples.size();
    QVERIFY(rate > 0.1);
    QVERIFY2(title.contains(QStringLiteral("3s and 5s")) ||
                 title.contains(QStringLiteral("5s and 3s")),
             qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("3/5 border")), qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("%1 samples").arg(it->samples.size())),
             qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("%1 % wrong").arg(std::lround(100.0 * rate))),
             qPrintable(title));
    QVERIFY2(!title.contains(QStringLiteral("cluster"), Qt::CaseInsensitive), qPrintable(title));

    // Every insight has a title with its size and error rate, in the JSON too.
    for (const Insight& in : insights) {
        QVERIFY2(QString::fromStdString(in.title).contains(QStringLiteral(" samples \u00b7 ")),
                 in.title.c_str());
        QVERIFY2(QString::fromStdString(in.title).endsWith(QStringLiteral(" wrong")),
                 in.title.c_str());
    }
    const json::Value doc = json::parse(insightsJson(insights));
    QCOMPARE(json::Cursor(doc)["insights"][0]["title"].asString(), insights[0].title);
}

// The metadata and the insights report their progress (rising, within
// [0,1], unchanged results) and stop with Cancelled as soon as it says stop.
void TestInsights::progressAndCancel()
{
    const Planted p = plantedWeakCluster(60);
    std::vector<double> seen;
    const WhyProgress record = [&](double f) {
        seen.push_back(f);
        return true;
    };
    const auto rising = [&] {
        return !seen.empty() && seen.front() >= 0.0 && seen.back() <= 1.0 &&
               std::is_sorted(seen.begin(), seen.end());
    };
    const std::vector<std::uint8_t> images(static_cast<std::size_t>(p.subset.sampleCount()) * 784,
                                           7);
    const SubsetMetadata m = computeMetadata(p.subset, images.data(), 784, record);
    QVERIFY(rising());
    QVERIFY(m.ink == computeMetadata(p.subset, images.data()).ink);
    seen.clear();
    const auto found = findInsights(p.subset, m, {}, record);
    QVERIFY2(seen.size() >= 10 && rising(), qPrintable(QString::number(seen.size())));
    const auto plain = findInsights(p.subset, m);
    QCOMPARE(found.size(), plain.size());
    for (std::size_t k = 0; k < found.size(); ++k)
        QCOMPARE(found[k].sentence, plain[k].sentence);

    int calls = 0;
    const WhyProgress stopAtThird = [&](double) { return ++calls < 3; };
    QVERIFY_THROWS_EXCEPTION(Cancelled, findInsights(p.subset, m, {}, stopAtThird));
    QCOMPARE(calls, 3); // not asked again once it said stop
    calls = 0;
    const WhyProgress stopAtOnce = [&](double) { return ++calls < 1; };
    QVERIFY_THROWS_EXCEPTION(Cancelled, computeMetadata(p.subset, images.data(), 784, stopAtOnce));
}

QTEST_GUILESS_MAIN(TestInsights)
#include "tst_insights.moc"
