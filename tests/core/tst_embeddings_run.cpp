// Embeddings computed elsewhere, through the whole pipeline (--embeddings):
// a folder of NumPy files made here becomes a run whose per-sample figures
// are recomputed independently in the test (softmax, cross-entropy, class
// centroids in pixel or feature space); the run stores and reopens; a folder
// without the model's scores gives a run with everything but predictions
// and losses; the bad folders the issue names stop a headless run with a
// message and write nothing.

#include "../common/message_of.h"
#include "../common/npy_test_files.h"
#include "core/compare/run_comparison.h"
#include "core/data/dataset_folder.h"
#include "core/data/npy_reader.h"
#include "core/pipeline/headless.h"
#include "core/pipeline/pipeline.h"
#include "core/query/sample_query.h"
#include "core/store/run_store.h"
#include "core/util/json_cursor.h"
#include "core/why/sample_metadata.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace mnistx;

namespace
{

constexpr int kRows = 300;
constexpr int kDim = 8;
constexpr int kClasses = 4;
constexpr int kSide = 8; // 8×8 grey images

// What the test writes, kept to recompute everything from.
struct Folder {
    std::vector<float> features;      // kRows × kDim
    std::vector<std::int64_t> labels; // kRows
    std::vector<float> scores;        // kRows × kClasses
    std::vector<std::uint8_t> subset; // kRows, 0 train / 1 validation
    std::vector<std::uint8_t> images; // kRows × kSide × kSide
};

template <typename T> std::string bytesOf(const std::vector<T>& v)
{
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Class blobs in feature space, noisy logits that mostly favour the label,
// a random subset, images whose brightness follows the class.
Folder makeFolder(bool probabilities)
{
    std::mt19937 rng(11);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    Folder f;
    for (int i = 0; i < kRows; ++i) {
        const int label = static_cast<int>(rng() % kClasses);
        f.labels.push_back(label);
        for (int j = 0; j < kDim; ++j)
            f.features.push_back((j % kClasses == label ? 3.0f : 0.0f) + noise(rng));
        std::vector<double> z(kClasses);
        for (int k = 0; k < kClasses; ++k)
            z[k] = (k == label ? 2.0 : 0.0) + 1.5 * noise(rng);
        if (probabilities) {
            double sum = 0;
            for (double& v : z)
                sum += (v = std::exp(v));
            for (double v : z)
                f.scores.push_back(static_cast<float>(v / sum));
        } else {
            for (double v : z)
                f.scores.push_back(static_cast<float>(v));
        }
        f.subset.push_back(rng() % 3 == 0 ? 1 : 0);
        for (int p = 0; p < kSide * kSide; ++p)
            f.images.push_back(static_cast<std::uint8_t>(
                std::clamp(40 * label + 30.0f * noise(rng) + (p % kSide) * 4.0f, 0.0f, 255.0f)));
    }
    return f;
}

void write(const Folder& f, const std::string& dir, bool probabilities, bool images)
{
    QDir().mkpath(QString::fromStdString(dir));
    test::writeRawNpy(dir + "/features.npy", data::npyDict("<f4", {kRows, kDim}),
                      bytesOf(f.features));
    test::writeRawNpy(dir + "/labels.npy", data::npyDict("<i8", {kRows}), bytesOf(f.labels));
    test::writeRawNpy(dir + (probabilities ? "/probabilities.npy" : "/logits.npy"),
                      data::npyDict("<f4", {kRows, kClasses}), bytesOf(f.scores));
    test::writeRawNpy(dir + "/subset.npy", data::npyDict("|u1", {kRows}), bytesOf(f.subset));
    if (images)
        test::writeRawNpy(dir + "/images.npy", data::npyDict("|u1", {kRows, kSide, kSide}),
                          bytesOf(f.images));
}

pipeline::PipelineConfig config(const std::string& folder, const std::string& out = {})
{
    pipeline::PipelineConfig c;
    c.embeddingsFolder = folder;
    c.outDir = out;
    c.projection = "pca";
    c.train.threads = 1;
    return c;
}

using test::messageOf;

} // namespace

class TestEmbeddingsRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void figuresAreRecomputed_data();
    void figuresAreRecomputed();
    void storedRunReopens();
    void withoutSubsetEveryRowIsValidation();
    void withoutScoresEverythingElseWorks();
    void badFolderRefused_data();
    void badFolderRefused();
};

void TestEmbeddingsRun::figuresAreRecomputed_data()
{
    QTest::addColumn<bool>("probabilities");
    QTest::addColumn<bool>("images");
    QTest::newRow("logits, images") << false << true;
    QTest::newRow("probabilities, no images") << true << false;
}

void TestEmbeddingsRun::figuresAreRecomputed()
{
    QFETCH(bool, probabilities);
    QFETCH(bool, images);
    QTemporaryDir dir;
    const Folder f = makeFolder(probabilities);
    const std::string folder = dir.path().toStdString() + "/emb";
    write(f, folder, probabilities, images);
    const auto run = pipeline::runPipeline(config(folder));
    QCOMPARE(run->featureSpaceCentroids, !images);
    QCOMPARE(run->datasetFormat, std::string("embeddings"));

    // The class centroids, from the training rows: mean image in [0,1] or
    // mean feature vector.
    const int width = images ? kSide * kSide : kDim;
    std::vector<std::vector<double>> centroid(kClasses, std::vector<double>(width, 0.0));
    std::vector<int> count(kClasses, 0);
    auto value = [&](int i, int p) {
        return images ? f.images[static_cast<std::size_t>(i) * width + p] / 255.0
                      : static_cast<double>(f.features[static_cast<std::size_t>(i) * width + p]);
    };
    for (int i = 0; i < kRows; ++i)
        if (f.subset[i] == 0) {
            ++count[f.labels[i]];
            for (int p = 0; p < width; ++p)
                centroid[f.labels[i]][p] += value(i, p);
        }
    for (int k = 0; k < kClasses; ++k)
        for (double& v : centroid[k])
            v /= count[k];

    int seen[2] = {0, 0};
    double worstLoss = 0, worstDistance = 0;
    for (int i = 0; i < kRows; ++i) {
        const bool validation = f.subset[i] == 1;
        const analysis::SubsetAnalysis& a = validation ? run->validation : run->train;
        const int j = seen[validation]++;
        QCOMPARE(int(a.labels[j]), int(f.labels[i]));
        QCOMPARE(a.features(j, 3), f.features[static_cast<std::size_t>(i) * kDim + 3]);
        const float* s = &f.scores[static_cast<std::size_t>(i) * kClasses];
        double loss;
        int best = 0;
        for (int k = 1; k < kClasses; ++k)
            if (s[k] > s[best])
                best = k;
        if (probabilities) {
            loss = -std::log(static_cast<double>(s[f.labels[i]]));
        } else {
            double top = *std::max_element(s, s + kClasses), sum = 0;
            for (int k = 0; k < kClasses; ++k)
                sum += std::exp(s[k] - top);
            loss = top + std::log(sum) - s[f.labels[i]];
        }
        QCOMPARE(int(a.predictions[j]), best);
        worstLoss = std::max(worstLoss, std::abs(a.losses[j] - loss));
        for (int k = 0; k < kClasses; ++k) {
            double d2 = 0;
            for (int p = 0; p < width; ++p)
                d2 += std::pow(value(i, p) - centroid[k][p], 2);
            worstDistance =
                std::max(worstDistance, std::abs(a.centroidDistances(j, k) - std::sqrt(d2)));
        }
    }
    QCOMPARE(seen[0], run->train.sampleCount());
    QCOMPARE(seen[1], run->validation.sampleCount());
    QVERIFY2(worstLoss < 1e-4, qPrintable(QString::number(worstLoss)));
    QVERIFY2(worstDistance < 1e-3, qPrintable(QString::number(worstDistance)));
}

void TestEmbeddingsRun::storedRunReopens()
{
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString() + "/emb";
    write(makeFolder(false), folder, false, false);
    const std::string out = dir.path().toStdString() + "/run";
    std::ostringstream log;
    const auto run = pipeline::runHeadless(config(folder, out), log);
    QVERIFY2(log.str().find("feature space") != std::string::npos, log.str().c_str());
    const store::RunData stored = store::loadRun(out);
    QVERIFY(stored.featureSpaceCentroids);
    QCOMPARE(stored.centroids.means.cols(), kDim);
    QVERIFY(stored.validation.losses == run->validation.losses);
    QFile summary(QString::fromStdString(out + "/summary.json"));
    QVERIFY(summary.open(QIODevice::ReadOnly));
    const QByteArray summaryText = summary.readAll();
    QVERIFY(summaryText.contains("\"centroid_space\": \"feature\""));
    // No model ran here: the summary does not call it trained.
    QVERIFY2(summaryText.contains("\"source\": \"embeddings\""), summaryText.constData());
    // Without images.npy there is nothing to show as a picture, and the
    // window is told so when it asks for the images.
    QVERIFY(messageOf([&] { data::loadDataset(folder); }).contains("without images.npy"));
    // A run of this folder in `out` is not replaced by another folder's.
    const std::string other = dir.path().toStdString() + "/other";
    write(makeFolder(true), other, true, false);
    QVERIFY(messageOf([&] { pipeline::runPipeline(config(other, out)); }).contains("--retrain"));
}

void TestEmbeddingsRun::withoutSubsetEveryRowIsValidation()
{
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString() + "/emb";
    write(makeFolder(false), folder, false, true);
    QVERIFY(QFile::remove(QString::fromStdString(folder + "/subset.npy")));
    const auto run = pipeline::runPipeline(config(folder));
    QCOMPARE(run->train.sampleCount(), 0);
    QCOMPARE(run->validation.sampleCount(), kRows);
    QCOMPARE(run->projection.validation.rows(), kRows);
    // The centroids come from the validation rows then.
    QCOMPARE(run->centroids.counts[0] + run->centroids.counts[1] + run->centroids.counts[2] +
                 run->centroids.counts[3],
             kRows);
    const data::DatasetSplits images = data::loadDataset(folder);
    QCOMPARE(images.validation.count, kRows);
    QCOMPARE(images.train.count, 0);
}

namespace
{

QByteArray readAll(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

// Without logits.npy or probabilities.npy there are no predictions and no
// losses: the run holds everything else (centroids, distances, the map),
// stores and reopens as unscored, and what needs a loss is empty or refused
// with the reason, never filled with made-up values.
void TestEmbeddingsRun::withoutScoresEverythingElseWorks()
{
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString() + "/emb";
    const Folder f = makeFolder(false);
    write(f, folder, false, true);
    QVERIFY(QFile::remove(QString::fromStdString(folder + "/logits.npy")));
    const std::string out = dir.path().toStdString() + "/run";
    std::ostringstream log;
    const auto run = pipeline::runHeadless(config(folder, out), log);
    QVERIFY2(log.str().find("no accuracy") != std::string::npos, log.str().c_str());

    // The class centroids from the training images, as for a scored run.
    const int width = kSide * kSide;
    std::vector<std::vector<double>> centroid(kClasses, std::vector<double>(width, 0.0));
    std::vector<int> count(kClasses, 0);
    for (int i = 0; i < kRows; ++i)
        if (f.subset[i] == 0) {
            ++count[f.labels[i]];
            for (int p = 0; p < width; ++p)
                centroid[f.labels[i]][p] +=
                    f.images[static_cast<std::size_t>(i) * width + p] / 255.0;
        }
    for (int k = 0; k < kClasses; ++k)
        for (double& v : centroid[k])
            v /= count[k];
    int seen[2] = {0, 0};
    double worstDistance = 0;
    for (int i = 0; i < kRows; ++i) {
        const bool validation = f.subset[i] == 1;
        const analysis::SubsetAnalysis& a = validation ? run->validation : run->train;
        const int j = seen[validation]++;
        QCOMPARE(int(a.labels[j]), int(f.labels[i]));
        for (int k = 0; k < kClasses; ++k) {
            double d2 = 0;
            for (int p = 0; p < width; ++p)
                d2 += std::pow(
                    f.images[static_cast<std::size_t>(i) * width + p] / 255.0 - centroid[k][p], 2);
            worstDistance =
                std::max(worstDistance, std::abs(a.centroidDistances(j, k) - std::sqrt(d2)));
        }
    }
    QVERIFY2(worstDistance < 1e-3, qPrintable(QString::number(worstDistance)));

    for (const analysis::SubsetAnalysis* a : {&run->train, &run->validation}) {
        QVERIFY(!a->scored);
        QVERIFY(a->sampleCount() > 0);
        QVERIFY(a->predictions.empty());
        QVERIFY(a->losses.empty());
        QCOMPARE(a->probabilities.rows(), Eigen::Index(a->sampleCount()));
        QCOMPARE(a->probabilities.cols(), Eigen::Index(0));
        QCOMPARE(a->confusion.sum(), 0LL);
        QCOMPARE(a->lossVsDistance.binCount(), 0);
        long long classTotal = 0;
        for (int c = 0; c < kClasses; ++c) {
            const auto labelled = std::count(a->labels.begin(), a->labels.end(), c);
            QCOMPARE(a->perClass[static_cast<std::size_t>(c)].count,
                     static_cast<long long>(labelled));
            classTotal += a->perClass[static_cast<std::size_t>(c)].count;
        }
        QCOMPARE(classTotal, static_cast<long long>(a->sampleCount()));
    }
    QCOMPARE(run->projection.validation.rows(), Eigen::Index(run->validation.sampleCount()));

    // The store keeps it unscored.
    const store::RunData stored = store::loadRun(out);
    QVERIFY(!stored.train.scored && !stored.validation.scored);
    QVERIFY(stored.validation.centroidDistances.isApprox(run->validation.centroidDistances));
    QCOMPARE(stored.validation.sampleCount(), run->validation.sampleCount());
    // A scored and an unscored subset in one run is no run.
    store::RunData mixed = stored;
    mixed.validation.scored = true;
    QVERIFY(!store::describeInconsistency(mixed).empty());

    // summary.json says so and reports counts only.
    const QByteArray summaryText = readAll(out + "/summary.json");
    const json::Value summary = json::parse(summaryText.toStdString());
    const json::Cursor root(summary);
    QCOMPARE(root["model"]["has_scores"].asBool(), false);
    QVERIFY(!root["validation"].contains("accuracy"));
    QVERIFY(!root["validation"].contains("loss"));
    QCOMPARE(root["validation"]["class_counts"].arraySize(), std::size_t(kClasses));

    // samples.csv has no prediction, loss or probability columns.
    const QList<QByteArray> lines = readAll(out + "/samples.csv").split('\n');
    QCOMPARE(lines.first(), QByteArray("subset,index,label,dist0,dist1,dist2,dist3,x,y,"
                                       "label_name,source"));
    QCOMPARE(lines.size(), kRows + 2); // the header, the rows, the empty text after the last '\n'
    QCOMPARE(lines[1].count(','), lines.first().count(','));
    // No label candidates or insights: both start from the model's scores.
    QCOMPARE(readAll(out + "/label_candidates.csv").count('\n'), 1);
    QVERIFY(readAll(out + "/insights.json").contains("\"insights\": []"));

    // Queries: the score fields are refused with the reason, the rest work.
    QVERIFY(messageOf([&] {
                query::SampleQuery("loss > 1", *run);
            }).contains("needs the model's scores"));
    QVERIFY(messageOf([&] {
                query::SampleQuery("p2 > 0.5", *run);
            }).contains("needs the model's scores"));
    const int total = run->train.sampleCount() + run->validation.sampleCount();
    QCOMPARE(static_cast<int>(query::SampleQuery("dist_own >= 0", *run).matchingIds().size()),
             total);
    for (const query::QueryField& field : query::queryFields(*run))
        QVERIFY2(field.name != "loss" && field.name != "prediction" && field.name != "p0",
                 field.name.c_str());
    // Nothing to compare.
    QVERIFY(
        QString::fromStdString(compare::whyNotComparable(*run, *run)).contains("no model scores"));
    // The metadata has no score fields; grouping counts the samples.
    const why::SubsetMetadata md = why::computeMetadata(run->validation);
    QVERIFY(!md.has(why::MetadataField::Confidence));
    QVERIFY(!md.has(why::MetadataField::Correct));
    QVERIFY(md.has(why::MetadataField::DistanceToOwnCentroid));
    QVERIFY(messageOf([&] { md.values(why::MetadataField::Margin); }).contains("scores"));
    const why::GroupedLoss byLabel = why::meanLossBy(md, why::MetadataField::Label);
    QCOMPARE(byLabel.counts.sum(), static_cast<long long>(run->validation.sampleCount()));
    QCOMPARE(byLabel.meanLoss.cwiseAbs().sum(), 0.0);
}

void TestEmbeddingsRun::badFolderRefused_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("expected");
    QTest::newRow("lengths differ") << "lengths"
                                    << "labels.npy";
    QTest::newRow("NaN in features") << "nan"
                                     << "row 5";
    QTest::newRow("label outside the classes") << "label"
                                               << "row 7";
    QTest::newRow("0 rows") << "empty"
                            << "features.npy";
}

void TestEmbeddingsRun::badFolderRefused()
{
    QFETCH(QString, scenario);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const std::string folder = dir.path().toStdString() + "/emb";
    Folder f = makeFolder(false);
    write(f, folder, false, false);
    if (scenario == QLatin1String("lengths")) {
        f.labels.resize(kRows - 1);
        test::writeRawNpy(folder + "/labels.npy", data::npyDict("<i8", {kRows - 1}),
                          bytesOf(f.labels));
    } else if (scenario == QLatin1String("nan")) {
        f.features[5 * kDim + 2] = std::numeric_limits<float>::quiet_NaN();
        test::writeRawNpy(folder + "/features.npy", data::npyDict("<f4", {kRows, kDim}),
                          bytesOf(f.features));
    } else if (scenario == QLatin1String("label")) {
        f.labels[7] = kClasses;
        test::writeRawNpy(folder + "/labels.npy", data::npyDict("<i8", {kRows}), bytesOf(f.labels));
    } else if (scenario == QLatin1String("empty")) {
        for (const char* name : {"features", "labels", "logits", "subset"})
            QVERIFY(QFile::remove(QString::fromStdString(folder + "/" + name + ".npy")));
        test::writeRawNpy(folder + "/features.npy", data::npyDict("<f4", {0, kDim}), "");
        test::writeRawNpy(folder + "/labels.npy", data::npyDict("<i8", {0}), "");
    }
    const std::string out = dir.path().toStdString() + "/out";
    std::ostringstream log;
    const QString message = messageOf([&] { pipeline::runHeadless(config(folder, out), log); });
    QVERIFY2(message.startsWith(QString::fromStdString(folder)), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY(QDir(QString::fromStdString(out))
                .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                .isEmpty());
}

QTEST_GUILESS_MAIN(TestEmbeddingsRun)
#include "tst_embeddings_run.moc"
