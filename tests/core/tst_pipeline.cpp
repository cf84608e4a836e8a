// The engine end to end on real MNIST (training limited to 6,000 images, one
// epoch, PCA map) into a temporary folder, as the headless mode runs it: every
// file is written, summary.json carries timings, versions, metrics and the
// sanity check, the stored run loads back equal to the run in memory, a second
// run reuses the stored model, and cancellation (in training, analysis or
// projection) throws PipelineCancelled and stores nothing. Sanitizer builds
// run it on the first 15,000 + 2,500 MNIST images (the analysis, map and
// exports of all 70,000 took two minutes under ASan and find no more bugs).

#include "../common/idx_test_files.h"
#include "../common/synthetic_run.h"
#include "../common/timing_budget.h"
#include "core/pipeline/headless.h"
#include "core/pipeline/pipeline.h"
#include "core/store/run_store.h"
#include "core/util/json_cursor.h"
#include "mnist_fixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

using namespace mnistx;

class TestPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void headlessWritesEveryFile();
    void stagesRunInOrder();
    void analysisCoversBothFullSubsets();
    void summaryJsonHasTimingsVersionsMetrics();
    void storedRunEqualsRunInMemory();
    void secondRunReusesStoredModel();
    void cancelDuringTrainingStoresNothing();
    void cancelDuringAnalysisKeepsOldRun();
    void cancelDuringProjectionKeepsOldRun();
    void badSettingsAreRefusedBeforeTraining();

private:
    pipeline::PipelineConfig smallConfig(const QString& outDir) const;

    QTemporaryDir m_dir;
    QTemporaryDir m_dataDir; // the sanitizer builds' subset
    std::string m_dataFolder;
    int m_trainCount = 60000;
    int m_validationCount = 10000;
    QString m_runDir;
    std::shared_ptr<const store::RunData> m_run;
    std::string m_log;
    std::vector<std::string> m_stages; // stages in the order they started
};

namespace
{

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

json::Value readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    return json::parse(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
}

// Files in a folder, ignoring nothing: a cancelled run must leave none.
QStringList filesIn(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
}

} // namespace

pipeline::PipelineConfig TestPipeline::smallConfig(const QString& outDir) const
{
    pipeline::PipelineConfig c;
    c.dataFolder = m_dataFolder;
    c.outDir = outDir.toStdString();
    c.train.epochs = 1;
    c.train.trainLimit = 6000;
    c.train.validationLimit = 2000;
    c.train.threads = 2;
    c.projection = "pca";
    return c;
}

void TestPipeline::initTestCase()
{
    MNISTX_REQUIRE_MNIST(mnist);
    QVERIFY(m_dir.isValid());
    m_dataFolder = testing::mnistFolder();
    if (test::kSanitizedBuild) {
        m_trainCount = 15000;
        m_validationCount = 2500;
        testing::writeMnistSubset(*mnist, m_trainCount, m_validationCount,
                                  m_dataDir.path().toStdString());
        m_dataFolder = m_dataDir.path().toStdString();
    }
    pipeline::configureThreads(2);
    m_runDir = m_dir.filePath("run");
    // The headless mode itself, with a progress-stage probe on the side: the
    // stages are read back from its log lines ("[train]").
    std::ostringstream log;
    m_run = pipeline::runHeadless(smallConfig(m_runDir), log);
    m_log = log.str();
    std::istringstream lines(m_log);
    for (std::string line; std::getline(lines, line);)
        if (line.size() > 2 && line.front() == '[' && line.back() == ']')
            m_stages.push_back(line.substr(1, line.size() - 2));
    QVERIFY(m_run);
}

void TestPipeline::headlessWritesEveryFile()
{
    QVERIFY(m_run);
    for (const char* name :
         {"run.bin", "summary.json", "checkpoint.pt", "samples.csv", "features.npy"}) {
        const QFileInfo info(QDir(m_runDir).filePath(name));
        QVERIFY2(info.isFile() && info.size() > 0, name);
    }
    // Nothing half-written left behind.
    for (const QString& f : filesIn(m_runDir))
        QVERIFY2(!f.contains(".tmp"), qPrintable(f));
    QVERIFY(store::hasRun(m_runDir.toStdString()));

    // samples.csv: a header and one row per sample of both full subsets.
    QFile csv(QDir(m_runDir).filePath("samples.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csv.readAll().split('\n');
    QVERIFY(rows.back().isEmpty()); // ends in a newline
    QCOMPARE(rows.size() - 2, m_trainCount + m_validationCount);
    QVERIFY(rows.front().startsWith("subset,index,label,prediction,correct,loss,p0,"));
    QVERIFY(rows.front().endsWith(",dist9,x,y,label_name,prediction_name,source"));
    QVERIFY(rows[1].startsWith("train,0,5,")); // the first training image is a 5
    QVERIFY(rows[1 + m_trainCount].startsWith("validation,0,7,")); // the first test image: a 7
    // MNIST has no class names (the numbers stand in) and no sources.
    const QList<QByteArray> first = rows[1].split(',');
    QCOMPARE(first[first.size() - 3], QByteArray("5")); // label_name
    QVERIFY(first.back().isEmpty());                    // source

    // features.npy: float32, 70,000 × feature dimension.
    QFile npy(QDir(m_runDir).filePath("features.npy"));
    QVERIFY(npy.open(QIODevice::ReadOnly));
    const QByteArray header = npy.read(128);
    QVERIFY(header.startsWith("\x93NUMPY"));
    QVERIFY(header.contains("'descr': '<f4'"));
    QVERIFY2(header.contains(QByteArray("'shape': (") +
                             QByteArray::number(m_trainCount + m_validationCount) + ", " +
                             QByteArray::number(int(m_run->train.features.cols())) + ")"),
             header.constData());

    QVERIFY2(QString::fromStdString(m_log).contains("validation accuracy"), m_log.c_str());
}

void TestPipeline::stagesRunInOrder()
{
    QVERIFY(m_run);
    const std::vector<std::string> expected{"load",    "sanity",  "train", "analyse",
                                            "project", "quality", "store", "export"};
    QCOMPARE(m_stages, expected);
    std::vector<std::string> timed;
    for (const auto& [name, seconds] : m_run->stageSeconds) {
        timed.push_back(name);
        QVERIFY2(seconds >= 0.0, name.c_str());
    }
    const std::vector<std::string> expectedTimed{"load",    "sanity",  "train", "analyse",
                                                 "project", "quality", "store"};
    QCOMPARE(timed, expectedTimed);
}

void TestPipeline::analysisCoversBothFullSubsets()
{
    QVERIFY(m_run);
    const auto& r = *m_run;
    // trainLimit limits the training, not the analysis.
    QCOMPARE(r.trainCount, m_trainCount);
    QCOMPARE(r.validationCount, m_validationCount);
    QCOMPARE(r.train.sampleCount(), m_trainCount);
    QCOMPARE(r.validation.sampleCount(), m_validationCount);
    QCOMPARE(std::accumulate(r.centroids.counts.begin(), r.centroids.counts.end(), 0),
             m_trainCount);
    QCOMPARE(int(r.projection.train.rows()), m_trainCount);
    QCOMPARE(int(r.projection.validation.rows()), m_validationCount);
    QCOMPARE(QString::fromStdString(r.projection.method), QString("pca"));
    // 6,000 images, one epoch: well above 0.9, far from chance.
    QVERIFY2(r.validation.accuracy > 0.9, qPrintable(QString::number(r.validation.accuracy)));
    QVERIFY2(r.sanity.accuracy < 0.3, qPrintable(QString::number(r.sanity.accuracy)));
    QCOMPARE(r.sanity.sampleCount, 1000);
    QCOMPARE(r.history.epochs.size(), std::size_t(1));
    QVERIFY(!r.history.cancelled);
    QVERIFY(r.projection.knnAccuracy > 0.0 && r.projection.knnAccuracy <= 1.0);
    QVERIFY(r.projection.trustworthiness > 0.0 && r.projection.trustworthiness <= 1.0);
    QCOMPARE(r.train.lossVsDistance.binCount(), 20);
    QCOMPARE(r.validation.lossVsDistance.edges, r.train.lossVsDistance.edges);
    QVERIFY(r.peakMemoryBytes > 0);
    QVERIFY(!r.modelBytes.empty());
}

void TestPipeline::summaryJsonHasTimingsVersionsMetrics()
{
    QVERIFY(m_run);
    const json::Value summary = readJson(QDir(m_runDir).filePath("summary.json"));
    const json::Cursor s(summary);
    try {
        for (const char* stage :
             {"load", "sanity", "train", "analyse", "project", "quality", "total"})
            QVERIFY2(s["timings"][stage].asNumber() >= 0.0, stage);
        double sum = 0.0;
        for (const auto& [name, seconds] : s["timings"].asObject())
            if (name != "total")
                sum += seconds.get<double>();
        QVERIFY(std::abs(s["timings"]["total"].asNumber() - sum) < 1e-6);
        for (const char* library : {"app", "libtorch", "eigen", "compiler"})
            QVERIFY2(!s["versions"][library].asString().empty(), library);

        QCOMPARE(s["train_count"].asInt(), m_trainCount);
        QCOMPARE(s["validation_count"].asInt(), m_validationCount);
        QCOMPARE(s["settings"]["train_limit"].asInt(), 6000);
        QCOMPARE(s["settings"]["epochs"].asInt(), 1);
        QCOMPARE(s["validation"]["accuracy"].asNumber(), m_run->validation.accuracy);
        QCOMPARE(s["train"]["accuracy"].asNumber(), m_run->train.accuracy);
        QCOMPARE(s["validation"]["loss"].asNumber(), m_run->validation.meanLoss);
        QCOMPARE(s["sanity_check"]["accuracy"].asNumber(), m_run->sanity.accuracy);
        QCOMPARE(s["sanity_check"]["sample_count"].asInt(), 1000);
        QVERIFY(s["peak_memory_bytes"].asNumber() > 0);
        for (const char* subset : {"train", "validation"}) {
            const auto matrix = s[subset]["confusion_matrix"];
            QCOMPARE(matrix.arraySize(), std::size_t(10));
            long long total = 0;
            for (std::size_t gt = 0; gt < 10; ++gt)
                for (std::size_t p = 0; p < 10; ++p)
                    total += matrix[gt][p].asInteger();
            QCOMPARE(total, static_cast<long long>(
                                std::string(subset) == "train" ? m_trainCount : m_validationCount));
            QCOMPARE(s[subset]["per_class"].arraySize(), std::size_t(10));
            QCOMPARE(s[subset]["loss_vs_distance"]["counts"].arraySize(), std::size_t(20));
            QCOMPARE(s[subset]["loss_vs_distance"]["edges"].arraySize(), std::size_t(21));
        }
        QCOMPARE(QString::fromStdString(s["projection"]["method"].asString()), QString("pca"));
        QCOMPARE(s["projection"]["knn_accuracy_10"].asNumber(), m_run->projection.knnAccuracy);
        QCOMPARE(s["projection"]["trustworthiness_10"].asNumber(),
                 m_run->projection.trustworthiness);
    } catch (const json::Error& e) {
        QFAIL(e.what());
    }
}

void TestPipeline::storedRunEqualsRunInMemory()
{
    QVERIFY(m_run);
    store::RunData loaded = store::loadRun(m_runDir.toStdString());
    // The "store" stage is timed around writing the files, so only the run
    // in memory can know how long it took; everything else is the same.
    QVERIFY(!m_run->stageSeconds.empty());
    QCOMPARE(QString::fromStdString(m_run->stageSeconds.back().first), QString("store"));
    loaded.stageSeconds.push_back(m_run->stageSeconds.back());
    const std::string difference = test::runDifference(*m_run, loaded);
    QVERIFY2(difference.empty(), difference.c_str());
}

void TestPipeline::secondRunReusesStoredModel()
{
    QVERIFY(m_run);
    std::vector<std::string> messages;
    int batches = 0;
    pipeline::PipelineCallbacks cb;
    cb.onMessage = [&](const std::string& m) { messages.push_back(m); };
    cb.onBatch = [&](const training::BatchReport&) { ++batches; };
    const auto again = pipeline::runPipeline(smallConfig(m_runDir), cb);
    QCOMPARE(batches, 0);
    bool reused = false;
    for (const auto& m : messages)
        reused = reused || m.find("reusing the model stored in") != std::string::npos;
    QVERIFY(reused);
    for (const auto& [name, seconds] : again->stageSeconds)
        QVERIFY2(name != "train" && name != "sanity", name.c_str());
    // Same model, same data: the same analysis and the same training record.
    QVERIFY(again->modelBytes == m_run->modelBytes);
    QCOMPARE(again->history.epochs.size(), m_run->history.epochs.size());
    QCOMPARE(again->history.epochs[0].validationAccuracy,
             m_run->history.epochs[0].validationAccuracy);
    QCOMPARE(again->sanity.accuracy, m_run->sanity.accuracy);
    QVERIFY(again->validation.predictions == m_run->validation.predictions);
    QCOMPARE(again->validation.accuracy, m_run->validation.accuracy);
    QVERIFY(again->validation.features.isApprox(m_run->validation.features, 1e-5f));
    QVERIFY(again->projection.train.isApprox(m_run->projection.train, 1e-4f));
}

void TestPipeline::cancelDuringTrainingStoresNothing()
{
    MNISTX_REQUIRE_MNIST(mnist);
    const QString out = m_dir.filePath("cancel-train");
    std::atomic<bool> cancel{false};
    int batches = 0, batchesAfterCancel = 0;
    pipeline::PipelineCallbacks cb;
    cb.cancel = &cancel;
    cb.onBatch = [&](const training::BatchReport&) {
        if (cancel)
            ++batchesAfterCancel;
        if (++batches == 5)
            cancel = true;
    };
    QVERIFY_THROWS_EXCEPTION(pipeline::PipelineCancelled,
                             pipeline::runPipeline(smallConfig(out), cb));
    QCOMPARE(batchesAfterCancel, 0); // stopped within the batch it was raised in
    QVERIFY(!store::hasRun(out.toStdString()));
    QVERIFY2(filesIn(out).isEmpty(), qPrintable(filesIn(out).join(", ")));

    // The headless mode passes it on as well.
    std::ostringstream log;
    std::atomic<bool> raised{true};
    QVERIFY_THROWS_EXCEPTION(pipeline::PipelineCancelled,
                             pipeline::runHeadless(smallConfig(out), log, &raised));
    QVERIFY2(filesIn(out).isEmpty(), qPrintable(filesIn(out).join(", ")));
}

void TestPipeline::cancelDuringAnalysisKeepsOldRun()
{
    QVERIFY(m_run);
    const QString runBin = QDir(m_runDir).filePath("run.bin");
    const QString summary = QDir(m_runDir).filePath("summary.json");
    const QByteArray before = fileHash(runBin);
    const QByteArray summaryBefore = fileHash(summary);
    std::atomic<bool> cancel{false};
    pipeline::PipelineCallbacks cb;
    cb.cancel = &cancel;
    bool sawAnalyse = false;
    cb.onProgress = [&](const std::string& stage, double fraction) {
        if (stage == "analyse" && fraction > 0.0 && fraction < 1.0) {
            sawAnalyse = true;
            cancel = true;
        }
    };
    // Reuses the stored model, then stops in the middle of the analysis.
    QVERIFY_THROWS_EXCEPTION(pipeline::PipelineCancelled,
                             pipeline::runPipeline(smallConfig(m_runDir), cb));
    QVERIFY(sawAnalyse);
    QCOMPARE(fileHash(runBin), before);
    QCOMPARE(fileHash(summary), summaryBefore);
    for (const QString& f : filesIn(m_runDir))
        QVERIFY2(!f.contains(".tmp"), qPrintable(f));
}

void TestPipeline::cancelDuringProjectionKeepsOldRun()
{
    QVERIFY(m_run);
    const QString runBin = QDir(m_runDir).filePath("run.bin");
    const QByteArray before = fileHash(runBin);
    std::atomic<bool> cancel{false};
    pipeline::PipelineCallbacks cb;
    cb.cancel = &cancel;
    int layouts = 0;
    cb.onProjection = [&](const projection::ProjectionProgress& p) {
        if (p.layout) {
            ++layouts;
            cancel = true; // the first intermediate map of UMAP: stop there
        }
    };
    pipeline::PipelineConfig config = smallConfig(m_runDir);
    config.projection = "umap";
    QVERIFY_THROWS_EXCEPTION(pipeline::PipelineCancelled, pipeline::runPipeline(config, cb));
    QCOMPARE(layouts, 1);
    QCOMPARE(fileHash(runBin), before);
}

void TestPipeline::badSettingsAreRefusedBeforeTraining()
{
    const QString out = m_dir.filePath("bad");
    int batches = 0;
    pipeline::PipelineCallbacks cb;
    cb.onBatch = [&](const training::BatchReport&) { ++batches; };

    pipeline::PipelineConfig projection = smallConfig(out);
    projection.projection = "mds";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pipeline::runPipeline(projection, cb));
    pipeline::PipelineConfig bins = smallConfig(out);
    bins.lossBins = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pipeline::runPipeline(bins, cb));
    QCOMPARE(batches, 0);

    // A data folder without MNIST: the message names the folder.
    pipeline::PipelineConfig data = smallConfig(out);
    data.dataFolder = m_dir.filePath("no-such-folder").toStdString();
    try {
        pipeline::runPipeline(data, cb);
        QFAIL("a missing data folder was accepted");
    } catch (const std::exception& e) {
        QVERIFY2(QString(e.what()).contains("no-such-folder"), e.what());
    }
    QCOMPARE(batches, 0);
    QVERIFY(!store::hasRun(out.toStdString()));
}

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
