// Label-error candidates: deliberately flipped labels rank first (synthetic
// blobs, and the stored MNIST run when there is one), the thresholds are the
// per-class mean self-confidence, the order is reproducible, the CSV is what
// the headless mode promises, and marks survive a save/load round trip while
// damaged marks files are refused with the file's name.

#include "../common/blob_run.h"
#include "core/projection/knn_graph.h"
#include "core/store/run_library.h"
#include "core/store/run_store.h"
#include "core/util/json_cursor.h"
#include "core/why/feature_index.h"
#include "core/why/label_errors.h"
#include "core/why/why_report.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

using namespace mnistx;
using namespace mnistx::why;

namespace
{

// Flips the labels of `count` random validation samples to another class
// (features and probabilities untouched: the "model" saw the true digit).
std::set<int> flipValidationLabels(store::RunData& run, int count, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::set<int> flipped;
    const int n = run.validation.sampleCount();
    while (static_cast<int>(flipped.size()) < count) {
        const int i = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
        if (!flipped.insert(i).second)
            continue;
        auto& label = run.validation.labels[static_cast<std::size_t>(i)];
        label = static_cast<std::uint8_t>((label + 1 + rng() % 9) % 10);
    }
    return flipped;
}

int foundInTop(const std::vector<LabelCandidate>& ranked, const std::set<int>& flipped, int top)
{
    int found = 0;
    for (int r = 0; r < std::min<int>(top, static_cast<int>(ranked.size())); ++r) {
        const auto& c = ranked[static_cast<std::size_t>(r)];
        if (c.subset == analysis::Subset::Validation && flipped.count(c.index))
            ++found;
    }
    return found;
}

std::string readFile(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

class TestLabelErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void flippedLabelsRankFirst();
    void flippedLabelsOnStoredMnistRun();
    void thresholdsAreMeanSelfConfidence();
    void evidenceAndOrder();
    void refusesMismatchedGraph();
    void candidatesCsv();
    void marksRoundTrip();
    void damagedMarksFile_data();
    void damagedMarksFile();
    void headlessReport();
    void headlessReportReusesProjectionGraph();
    void progressAndCancel();
};

void TestLabelErrors::flippedLabelsRankFirst()
{
    test::BlobRun blob = test::makeBlobRun();
    const std::set<int> flipped = flipValidationLabels(blob.run, 30, 5);
    const FeatureIndex index(blob.run.train.features, blob.run.validation.features);
    const auto ranked = rankLabelCandidates(blob.run, index);
    const int found = foundInTop(ranked, flipped, 30);
    qInfo("%d of 30 flipped labels in the top 30 of %d candidates", found, int(ranked.size()));
    QVERIFY(found >= 27);
    // Every flipped sample is a candidate, suggested back to a plausible class.
    QCOMPARE(foundInTop(ranked, flipped, static_cast<int>(ranked.size())), 30);
}

void TestLabelErrors::flippedLabelsOnStoredMnistRun()
{
    const std::string dir = store::latestRun(MNISTX_RUNS_ROOT);
    if (dir.empty())
        QSKIP("no stored run in runs/ (scripts/run makes one)");
    store::RunData run = store::loadRun(dir);
    if (run.train.sampleCount() != 60000 || run.validation.sampleCount() != 10000)
        QSKIP("the newest run in runs/ is not of the whole of MNIST");
    const std::vector<data::ClassLabel> original = run.validation.labels;
    const std::set<int> flipped = flipValidationLabels(run, 50, 9);
    const FeatureIndex index(run.train.features, run.validation.features);
    const auto ranked = rankLabelCandidates(run, index);
    // The real set has its own ~20 doubtful labels that compete for the top.
    const int found = foundInTop(ranked, flipped, 100);
    qInfo("real MNIST run: %d of 50 flipped validation labels in the top 100 of %d candidates",
          found, int(ranked.size()));
    QVERIFY(found >= 45);
    for (const auto& c : ranked)
        if (c.subset == analysis::Subset::Validation && flipped.count(c.index) && c.confidentJoint)
            QCOMPARE(c.suggestedLabel, int(original[static_cast<std::size_t>(c.index)]));
}

void TestLabelErrors::thresholdsAreMeanSelfConfidence()
{
    analysis::SubsetAnalysis a;
    a.classCount = 3;
    a.labels = {0, 0, 1, 1, 1};
    a.probabilities.resize(5, 3);
    a.probabilities << 0.9f, 0.1f, 0.0f, //
        0.5f, 0.5f, 0.0f,                //
        0.2f, 0.8f, 0.0f,                //
        0.0f, 0.6f, 0.4f,                //
        0.0f, 1.0f, 0.0f;
    const auto t = selfConfidenceThresholds(a);
    QCOMPARE(t.size(), std::size_t(3));
    QVERIFY(std::abs(t[0] - 0.7f) < 1e-6f);
    QVERIFY(std::abs(t[1] - 0.8f) < 1e-6f);
    QCOMPARE(t[2], 1.0f); // no samples: nothing is flagged for it
}

void TestLabelErrors::evidenceAndOrder()
{
    test::BlobRun blob = test::makeBlobRun({600, 200, 10, 8, 6.0f, 2.0f, 3});
    flipValidationLabels(blob.run, 10, 1);
    const FeatureIndex index(blob.run.train.features, blob.run.validation.features);
    const NeighbourGraph graph = index.neighbourGraph(10, 1);
    LabelErrorConfig config;
    const auto a = rankLabelCandidates(blob.run, graph, config);
    const auto b = rankLabelCandidates(blob.run, index, config);
    QCOMPARE(a.size(), b.size());
    QVERIFY(!a.empty());
    for (std::size_t r = 0; r < a.size(); ++r) {
        const auto& c = a[r];
        QCOMPARE(c.index, b[r].index);
        if (r > 0)
            QVERIFY(a[r - 1].score >= c.score);
        QVERIFY(c.suggestedLabel != c.givenLabel);
        QVERIFY(c.selfConfidence < c.threshold);
        QVERIFY(c.score >= config.minScore && c.score <= 1.0f);
        const float expected =
            0.5f * (1.0f - c.selfConfidence) + 0.5f * (1.0f - c.neighbourGivenShare);
        QVERIFY(std::abs(c.score - expected) < 1e-6f);
        QVERIFY(c.neighbourGivenShare + c.neighbourSuggestedShare <= 1.0f + 1e-6f);
    }
    config.maxCandidates = 3;
    QCOMPARE(rankLabelCandidates(blob.run, graph, config).size(), std::size_t(3));
}

void TestLabelErrors::refusesMismatchedGraph()
{
    test::BlobRun blob = test::makeBlobRun({100, 50, 10, 4, 6.0f, 2.0f, 3});
    NeighbourGraph graph;
    graph.n = 149;
    graph.k = 1;
    graph.ids.assign(149, 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rankLabelCandidates(blob.run, graph));
}

void TestLabelErrors::candidatesCsv()
{
    QTemporaryDir dir;
    LabelCandidate c;
    c.subset = analysis::Subset::Validation;
    c.index = 42;
    c.givenLabel = 5;
    c.suggestedLabel = 6;
    c.score = 0.75f;
    c.selfConfidence = 0.125f;
    c.neighbourGivenShare = 0.1f;
    c.neighbourSuggestedShare = 0.9f;
    const std::string path = dir.filePath("label_candidates.csv").toStdString();
    writeLabelCandidatesCsv({c}, path);
    QCOMPARE(QString::fromStdString(readFile(path)),
             QStringLiteral("subset,index,given_label,suggested_label,score,self_confidence,"
                            "neighbour_given_share,neighbour_suggested_share\n"
                            "validation,42,5,6,0.75,0.125,0.1,0.9\n"));
    QVERIFY_THROWS_EXCEPTION(
        store::StoreError,
        writeLabelCandidatesCsv({c}, dir.filePath("missing/x.csv").toStdString()));
}

void TestLabelErrors::marksRoundTrip()
{
    QTemporaryDir dir;
    const std::string runDir = dir.path().toStdString();
    QVERIFY(loadLabelMarks(runDir).empty()); // no file yet: no marks
    LabelMarks marks;
    marks.set(analysis::Subset::Validation, 9729, LabelMark::ConfirmedMislabeled);
    marks.set(analysis::Subset::Train, 3, LabelMark::Fine);
    marks.set(analysis::Subset::Validation, 1, LabelMark::Fine);
    marks.set(analysis::Subset::Validation, 1, LabelMark::ConfirmedMislabeled); // re-marked
    marks.set(analysis::Subset::Train, 8, LabelMark::Fine);
    marks.clear(analysis::Subset::Train, 8);
    saveLabelMarks(marks, runDir);
    const LabelMarks loaded = loadLabelMarks(runDir);
    QCOMPARE(loaded.size(), 3);
    QVERIFY(loaded.all() == marks.all());
    QCOMPARE(*loaded.find(analysis::Subset::Validation, 1), LabelMark::ConfirmedMislabeled);
    QVERIFY(loaded.find(analysis::Subset::Train, 8) == nullptr);

    test::SyntheticRunOptions options;
    options.validationCount = 20;
    const store::RunData run = test::makeSyntheticRun(options);
    const std::string csv = dir.filePath("marks.csv").toStdString();
    writeLabelMarksCsv(loaded, run, csv);
    QCOMPARE(QString::fromStdString(readFile(csv)),
             QStringLiteral("subset,index,given_label,mark\n"
                            "train,3,3,fine\n"
                            "validation,1,1,mislabeled\n"
                            "validation,9729,,mislabeled\n"));
}

void TestLabelErrors::damagedMarksFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("problem");
    QTest::newRow("not JSON") << QByteArray("{\"format\": ") << "JSON";
    QTest::newRow("another file") << QByteArray("{\"format\":\"mnistx-insights\",\"version\":1}")
                                  << "not a label marks file";
    QTest::newRow("future version")
        << QByteArray("{\"format\":\"mnistx-label-marks\",\"version\":2,\"marks\":[]}")
        << "unsupported version";
    QTest::newRow("unknown mark")
        << QByteArray(
               "{\"format\":\"mnistx-label-marks\",\"version\":1,\"marks\":[{\"subset\":\"train\","
               "\"index\":1,\"mark\":\"maybe\"}]}")
        << "unknown mark";
    QTest::newRow("negative index")
        << QByteArray(
               "{\"format\":\"mnistx-label-marks\",\"version\":1,\"marks\":[{\"subset\":\"train\","
               "\"index\":-1,\"mark\":\"fine\"}]}")
        << "index";
}

void TestLabelErrors::damagedMarksFile()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QFile file(dir.filePath("label_marks.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    try {
        loadLabelMarks(dir.path().toStdString());
        QFAIL("a damaged marks file was accepted");
    } catch (const store::StoreError& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains("label_marks.json") && what.contains(problem), qPrintable(what));
    }
}

// What --headless adds beside run.bin: label_candidates.csv (best first) and
// insights.json, also when the images cannot be found (no ink insights then).
void TestLabelErrors::headlessReport()
{
    test::BlobRun blob = test::makeBlobRun({600, 200, 10, 8, 6.0f, 2.0f, 3});
    const std::set<int> flipped = flipValidationLabels(blob.run, 5, 2);
    blob.run.dataFolder = "/nonexistent/mnist";
    QTemporaryDir dir;
    const WhyReportSummary summary = writeWhyReport(blob.run, dir.path().toStdString());
    QVERIFY(!summary.haveInk);
    QVERIFY(summary.candidates >= 5);

    const QStringList lines =
        QString::fromStdString(readFile(dir.filePath("label_candidates.csv").toStdString()))
            .split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), summary.candidates + 1);
    QVERIFY(lines[0].startsWith("subset,index,given_label,suggested_label,score"));
    double previous = 2.0;
    for (int r = 1; r < lines.size(); ++r) {
        const QStringList cells = lines[r].split(',');
        QCOMPARE(cells.size(), 8);
        const double score = cells[4].toDouble();
        QVERIFY(score <= previous);
        previous = score;
        if (r <= 5) // the flipped ones first
            QVERIFY(cells[0] == "validation" && flipped.count(cells[1].toInt()));
    }

    const json::Value insights = json::parse(readFile(dir.filePath("insights.json").toStdString()));
    const json::Cursor root(insights);
    QCOMPARE(root["format"].asString(), std::string("mnistx-insights"));
    QCOMPARE(static_cast<int>(root["insights"].arraySize()), summary.insights);
}

// A headless UMAP or t-SNE run hands its kNN graph to the report, which
// votes with its first ten neighbours instead of searching again: with the
// same (exact) neighbours the file is the one the feature index gives; a
// graph of other points is not used.
void TestLabelErrors::headlessReportReusesProjectionGraph()
{
    test::BlobRun blob = test::makeBlobRun({600, 200, 10, 8, 6.0f, 2.0f, 5});
    flipValidationLabels(blob.run, 5, 4);
    blob.run.dataFolder = "/nonexistent/mnist";
    QTemporaryDir searched, reused, mismatched;
    writeWhyReport(blob.run, searched.path().toStdString());

    RowMatrixXf all(blob.run.train.features.rows() + blob.run.validation.features.rows(),
                    blob.run.train.features.cols());
    all << blob.run.train.features, blob.run.validation.features;
    blob.run.projection.neighbours =
        std::make_shared<const projection::KnnGraph>(projection::exactKnnGraph(all, 14));
    writeWhyReport(blob.run, reused.path().toStdString());
    const std::string expected = readFile(searched.filePath("label_candidates.csv").toStdString());
    QVERIFY(expected.size() > 100);
    QCOMPARE(readFile(reused.filePath("label_candidates.csv").toStdString()), expected);

    // The graph is what votes: rows handed each other's neighbours change
    // the file...
    auto shifted = projection::exactKnnGraph(all, 14);
    std::rotate(shifted.indices.begin(), shifted.indices.begin() + 14 * 300, shifted.indices.end());
    blob.run.projection.neighbours = std::make_shared<const projection::KnnGraph>(shifted);
    QTemporaryDir scrambled;
    writeWhyReport(blob.run, scrambled.path().toStdString());
    QVERIFY(readFile(scrambled.filePath("label_candidates.csv").toStdString()) != expected);
    // ...and one over other points (here one row short) is not used at all.
    blob.run.projection.neighbours = std::make_shared<const projection::KnnGraph>(
        projection::exactKnnGraph(all.topRows(all.rows() - 1), 14));
    writeWhyReport(blob.run, mismatched.path().toStdString());
    QCOMPARE(readFile(mismatched.filePath("label_candidates.csv").toStdString()), expected);
}

// The ranking reports its progress (rising, within [0,1], the same
// candidates) and stops with Cancelled as soon as it says stop, in the
// neighbour graph as in the ranking itself.
void TestLabelErrors::progressAndCancel()
{
    test::BlobRun blob = test::makeBlobRun({8000, 2000, 10, 16, 6.0f, 2.0f, 7});
    flipValidationLabels(blob.run, 30, 5);
    const FeatureIndex index(blob.run.train.features, blob.run.validation.features);
    std::vector<double> seen;
    const auto ranked = rankLabelCandidates(blob.run, index, {}, [&](double f) {
        seen.push_back(f);
        return true;
    });
    QVERIFY(!seen.empty());
    QVERIFY(seen.front() >= 0.0 && seen.back() <= 1.0);
    QVERIFY(std::is_sorted(seen.begin(), seen.end()));
    const auto plain = rankLabelCandidates(blob.run, index);
    QCOMPARE(ranked.size(), plain.size());
    for (std::size_t k = 0; k < ranked.size(); ++k)
        QCOMPARE(ranked[k].index, plain[k].index);

    int calls = 0;
    const WhyProgress stopAtOnce = [&](double) { return ++calls < 1; };
    QVERIFY_THROWS_EXCEPTION(Cancelled, rankLabelCandidates(blob.run, index, {}, stopAtOnce));
    QCOMPARE(calls, 1);
    const NeighbourGraph graph = index.neighbourGraph(10);
    calls = 0;
    QVERIFY_THROWS_EXCEPTION(Cancelled, rankLabelCandidates(blob.run, graph, {}, stopAtOnce));
    QCOMPARE(calls, 1);
}

QTEST_GUILESS_MAIN(TestLabelErrors)
#include "tst_label_errors.moc"
