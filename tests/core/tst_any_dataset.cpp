// Datasets other than MNIST end to end: the built-in CNN adapts to the image
// size, channel count and class count, the centroids and distances follow the
// study's definition for colour images too, more than 256 classes survive the
// run store, a run never meets other data than its own, and the user's own
// metadata.csv reaches the insights and samples.csv.

#include "../common/idx_test_files.h"
#include "../common/npy_test_files.h"
#include "core/data/dataset_fingerprint.h"
#include "core/data/dataset_folder.h"
#include "core/model/classifier.h"
#include "core/pipeline/headless.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/run_data_match.h"
#include "core/store/run_store.h"
#include "core/training/trainer.h"
#include "core/why/heat_maps.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace mnistx;

class TestAnyDataset : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelTakesAnyShape_data();
    void modelTakesAnyShape();
    void epochsFollowTheDatasetSize();
    void colourDatasetEndToEnd();
    void moreThan256Classes();
    void fingerprintIsAboutContentOnly();
    void aRunNeverMeetsOtherData();
    void userMetadataEndToEnd();
};

namespace
{

// count images of `shape` in `classes` classes: class c's images are bright
// in channel c % channels and, for grey images, bright in the row band c of
// `classes` bands; noise from `seed` on top. Labels i % classes.
data::Dataset makeSplit(int count, const data::ImageShape& shape, int classes, unsigned seed)
{
    data::Dataset d;
    d.count = count;
    d.rows = shape.rows;
    d.cols = shape.cols;
    d.channels = shape.channels;
    d.classCount = classes;
    d.images.resize(static_cast<std::size_t>(count) * shape.values());
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(0, 60);
    for (int i = 0; i < count; ++i) {
        const int c = i % classes;
        d.labels.push_back(static_cast<data::ClassLabel>(c));
        std::uint8_t* image = d.images.data() + static_cast<std::size_t>(i) * shape.values();
        for (int y = 0; y < shape.rows; ++y)
            for (int x = 0; x < shape.cols; ++x)
                for (int ch = 0; ch < shape.channels; ++ch) {
                    const bool bright = shape.channels > 1
                                            ? ch == c % shape.channels
                                            : y * classes / shape.rows == c % classes;
                    image[(y * shape.cols + x) * shape.channels + ch] =
                        static_cast<std::uint8_t>((bright ? 170 : 20) + noise(rng));
                }
    }
    return d;
}

void writeFile(const std::string& path, const std::string& bytes)
{
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes.data(), static_cast<qint64>(bytes.size()));
}

// A split as NumPy files: images N×H×W(×C) uint8, labels int64.
void writeNumpySplit(const QString& folder, const char* prefix, const data::Dataset& d)
{
    std::vector<std::int64_t> shape{d.count, d.rows, d.cols};
    if (d.channels > 1)
        shape.push_back(d.channels);
    const std::string dir = folder.toStdString() + "/" + prefix;
    test::writeRawNpy(dir + "_images.npy", data::npyDict("|u1", shape),
                      std::string(d.images.begin(), d.images.end()));
    std::string labels;
    for (const data::ClassLabel l : d.labels) {
        const std::int64_t v = l;
        labels.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    test::writeRawNpy(dir + "_labels.npy", data::npyDict("<i8", {d.count}), labels);
}

void writeNumpyDataset(const QString& folder, const data::Dataset& train, const data::Dataset& test)
{
    writeNumpySplit(folder, "train", train);
    writeNumpySplit(folder, "test", test);
}

// Training and test splits made by makeSplit (seeds seed and seed + 1),
// written into folder as NumPy files.
std::pair<data::Dataset, data::Dataset> writeSyntheticDataset(const QString& folder,
                                                              const data::ImageShape& shape,
                                                              int classes, int trainCount,
                                                              int testCount, unsigned seed)
{
    std::pair<data::Dataset, data::Dataset> splits{makeSplit(trainCount, shape, classes, seed),
                                                   makeSplit(testCount, shape, classes, seed + 1)};
    writeNumpyDataset(folder, splits.first, splits.second);
    return splits;
}

std::string messageOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

pipeline::PipelineConfig quickConfig(const QString& data, const QString& out)
{
    pipeline::PipelineConfig c;
    c.dataFolder = data.toStdString();
    c.outDir = out.toStdString();
    c.train.threads = 2;
    c.projection = "pca";
    c.sanityCount = 50;
    return c;
}

} // namespace

void TestAnyDataset::modelTakesAnyShape_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    for (const char* arch : {"compact", "reference"}) {
        QTest::addRow("%s 8x8 grey", arch) << arch << 1 << 8 << 8;
        QTest::addRow("%s 28x28 grey", arch) << arch << 1 << 28 << 28;
        QTest::addRow("%s 32x32 RGB", arch) << arch << 3 << 32 << 32;
        QTest::addRow("%s 20x100 RGB", arch) << arch << 3 << 20 << 100;
        QTest::addRow("%s 256x256 grey", arch) << arch << 1 << 256 << 256;
    }
}

void TestAnyDataset::modelTakesAnyShape()
{
    QFETCH(QString, architecture);
    QFETCH(int, channels);
    QFETCH(int, rows);
    QFETCH(int, cols);
    const data::ImageShape shape{channels, rows, cols};
    const data::Dataset d = makeSplit(3, shape, 7, 1);
    model::Classifier net(architecture.toStdString(), 1, 7, shape);
    QCOMPARE(net.inputShape(), shape);
    const auto out = net.infer(d.images.data(), d.count, shape);
    QCOMPARE(out.logits.rows(), 3);
    QCOMPARE(out.logits.cols(), 7);
    QCOMPARE(out.features.cols(), 64);
    QVERIFY(out.logits.allFinite());

    // The shape travels with the model; another shape is refused by name.
    const model::Classifier copy = model::Classifier::fromBytes(net.toBytes());
    QCOMPARE(copy.inputShape(), shape);
    QVERIFY(copy.infer(d.images.data(), d.count, shape).logits.isApprox(out.logits));
    const data::ImageShape other{channels, rows + 1, cols};
    const std::string message = messageOf([&] { net.infer(d.images.data(), 1, other); });
    QVERIFY2(message.find(shape.text()) != std::string::npos &&
                 message.find(other.text()) != std::string::npos,
             message.c_str());
}

void TestAnyDataset::epochsFollowTheDatasetSize()
{
    // MNIST keeps its three epochs; a small dataset trains for about as many
    // steps instead of stopping after a few dozen.
    QCOMPARE(training::autoEpochs(60000, 128), 3);
    QCOMPARE(training::autoEpochs(1500, 128), 128); // 11 batches an epoch
    QVERIFY(training::autoEpochs(1500, 128) * (1500 / 128) >= training::kAutoSteps);
    QCOMPARE(training::autoEpochs(20, 128), training::kMaxAutoEpochs);
    QCOMPARE(training::autoEpochs(10'000'000, 128), training::kMinAutoEpochs);
}

void TestAnyDataset::colourDatasetEndToEnd()
{
    // 32×32 RGB, three classes told apart by colour: the model must learn
    // them, and the centroids must be the per-pixel, per-channel means.
    const data::ImageShape shape{3, 32, 32};
    QTemporaryDir dir, out;
    const auto [train, test] = writeSyntheticDataset(dir.path(), shape, 3, 120, 30, 11);
    writeFile(QDir(dir.path()).filePath("classes.txt").toStdString(), "red\ngreen\nblue\n");

    pipeline::PipelineConfig config = quickConfig(dir.path(), out.path());
    config.train.epochs = 8;
    config.train.batchSize = 20;
    const auto run = pipeline::runPipeline(config);
    QVERIFY(run);
    QVERIFY2(run->validation.accuracy >= 0.9, std::to_string(run->validation.accuracy).c_str());
    QCOMPARE(run->classNames, (std::vector<std::string>{"red", "green", "blue"}));

    const auto& c = run->centroids;
    QCOMPARE(c.channels, 3);
    QCOMPARE(c.rows, 32);
    QCOMPARE(c.cols, 32);
    QCOMPARE(c.means.cols(), 32 * 32 * 3);
    // Independently: the mean of every value of each class's training images.
    for (int k = 0; k < 3; ++k)
        for (const int v : {0, 1, 2, 1000, 3071}) {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < train.count; ++i)
                if (train.labels[i] == k) {
                    sum += train.image(i)[v] / 255.0;
                    ++n;
                }
            QVERIFY(std::abs(c.means(k, v) - sum / n) < 1e-5);
        }
    // The red class's centroid is red: channel 0 bright, the others dark.
    QVERIFY(c.means(0, 0) > 0.6f && c.means(0, 1) < 0.3f && c.means(0, 2) < 0.3f);
    // Distances: Euclidean over every pixel and channel, images in [0,1].
    for (const int i : {0, 7, 29})
        for (int k = 0; k < 3; ++k) {
            double sq = 0;
            for (int v = 0; v < shape.values(); ++v) {
                const double d = test.image(i)[v] / 255.0 - c.means(k, v);
                sq += d * d;
            }
            QVERIFY(std::abs(run->validation.centroidDistances(i, k) - std::sqrt(sq)) < 1e-3);
        }

    // Heat maps explain colour images as one map a pixel.
    model::Classifier net = model::Classifier::fromBytes(run->modelBytes);
    const why::HeatMaps maps = why::computeHeatMaps(net, test.image(0), shape, test.labels[0]);
    QCOMPARE(maps.rows, 32);
    QCOMPARE(maps.classGradient.cols(), 32 * 32);
    QCOMPARE(static_cast<int>(maps.lossGradient.size()), 32 * 32);

    // Stored and read back with its shape.
    const store::RunData stored = store::loadRun(out.path().toStdString());
    QCOMPARE(stored.centroids.channels, 3);
    QVERIFY(stored.centroids.means.isApprox(c.means));
    QCOMPARE(model::Classifier::fromBytes(stored.modelBytes).inputShape(), shape);
}

void TestAnyDataset::moreThan256Classes()
{
    // 300 classes of 8×8 grey: labels, predictions and nearest centroids
    // above 255 survive the run store (u16 sections).
    QTemporaryDir dir, out;
    writeSyntheticDataset(dir.path(), {1, 8, 8}, 300, 600, 300, 21);
    pipeline::PipelineConfig config = quickConfig(dir.path(), out.path());
    config.train.epochs = 1;
    const auto run = pipeline::runPipeline(config);
    QVERIFY(run);
    QCOMPARE(run->train.classCount, 300);
    QCOMPARE(static_cast<int>(run->validation.labels[299]), 299);
    const store::RunData stored = store::loadRun(out.path().toStdString());
    QVERIFY(stored.validation.labels == run->validation.labels);
    QVERIFY(stored.validation.predictions == run->validation.predictions);
    QVERIFY(stored.train.nearestCentroid == run->train.nearestCentroid);
    QVERIFY(*std::max_element(stored.train.labels.begin(), stored.train.labels.end()) == 299);
}

void TestAnyDataset::fingerprintIsAboutContentOnly()
{
    QTemporaryDir numpy, idx;
    const auto [train, test] = writeSyntheticDataset(numpy.path(), {1, 12, 12}, 4, 40, 12, 31);
    const std::string idxDir = idx.path().toStdString();
    testing::writeIdxPair(train, train.count, idxDir + "/train-images-idx3-ubyte",
                          idxDir + "/train-labels-idx1-ubyte");
    testing::writeIdxPair(test, test.count, idxDir + "/t10k-images-idx3-ubyte",
                          idxDir + "/t10k-labels-idx1-ubyte");
    const data::DatasetSplits a = data::loadDataset(numpy.path().toStdString());
    const data::DatasetSplits b = data::loadDataset(idxDir);
    const std::string fingerprint = data::datasetFingerprint(a);
    QCOMPARE(fingerprint.rfind("xxh3-64:", 0), std::size_t(0));
    QCOMPARE(fingerprint.size(), std::size_t(8 + 16));
    QCOMPARE(data::datasetFingerprint(b), fingerprint); // another form, the same data

    data::DatasetSplits changed = a;
    changed.validation.images[77] ^= 1;
    QVERIFY(data::datasetFingerprint(changed) != fingerprint);
    changed = a;
    changed.train.labels[3] = 0;
    QVERIFY(data::datasetFingerprint(changed) != fingerprint);
    changed = a;
    changed.classNames[2] = "two";
    QVERIFY(data::datasetFingerprint(changed) != fingerprint);
}

void TestAnyDataset::aRunNeverMeetsOtherData()
{
    const data::ImageShape shape{1, 8, 8};
    QTemporaryDir first, second, same, out;
    writeSyntheticDataset(first.path(), shape, 2, 20, 6, 41);
    writeSyntheticDataset(second.path(), shape, 2, 20, 6, 43);
    writeSyntheticDataset(same.path(), shape, 2, 20, 6, 41);

    // The first run chooses its epochs from the dataset's size and says so.
    std::vector<std::string> messages;
    pipeline::PipelineCallbacks cb;
    cb.onMessage = [&](const std::string& m) { messages.push_back(m); };
    const auto run = pipeline::runPipeline(quickConfig(first.path(), out.path()), cb);
    QVERIFY(run);
    QCOMPARE(run->config.epochs, training::kMaxAutoEpochs);
    QCOMPARE(static_cast<int>(run->history.epochs.size()), training::kMaxAutoEpochs);
    QVERIFY(std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
        return m.rfind("epochs: 300, chosen for 20 training images", 0) == 0;
    }));
    QVERIFY(run->datasetFingerprint.rfind("xxh3-64:", 0) == 0);
    const QString runFile = QDir(out.path()).filePath("run.bin");
    const QByteArray before = fileBytes(runFile);

    // Other data into the same run folder: refused, naming both; nothing written.
    const std::string message =
        messageOf([&] { pipeline::runPipeline(quickConfig(second.path(), out.path())); });
    QVERIFY2(message.find(first.path().toStdString()) != std::string::npos &&
                 message.find(second.path().toStdString()) != std::string::npos &&
                 message.find("--retrain") != std::string::npos,
             message.c_str());
    QVERIFY_THROWS_EXCEPTION(pipeline::DatasetMismatch,
                             pipeline::runPipeline(quickConfig(second.path(), out.path())));
    QCOMPARE(fileBytes(runFile), before);

    // The same data in another folder is the same dataset: the model is reused.
    messages.clear();
    QVERIFY(pipeline::runPipeline(quickConfig(same.path(), out.path()), cb));
    QVERIFY(std::any_of(messages.begin(), messages.end(),
                        [](const std::string& m) { return m.rfind("reusing the model", 0) == 0; }));

    // Told to, the run is replaced by one of the new data.
    pipeline::PipelineConfig retrain = quickConfig(second.path(), out.path());
    retrain.retrain = true;
    retrain.train.epochs = 1;
    const auto replaced = pipeline::runPipeline(retrain);
    QVERIFY(replaced);
    QVERIFY(replaced->datasetFingerprint != run->datasetFingerprint);
    QCOMPARE(store::loadRun(out.path().toStdString()).datasetFingerprint,
             replaced->datasetFingerprint);

    // A run from before fingerprints is matched by its sizes.
    store::RunData old = store::loadRun(out.path().toStdString());
    old.datasetFingerprint.clear();
    const data::DatasetSplits secondData = data::loadDataset(second.path().toStdString());
    QVERIFY(pipeline::runDataMismatch(old, "r", secondData, "xxh3-64:0").empty());
    data::DatasetSplits bigger = secondData;
    bigger.train.count += 1;
    QVERIFY(!pipeline::runDataMismatch(old, "r", bigger, "xxh3-64:0").empty());
}

void TestAnyDataset::userMetadataEndToEnd()
{
    // Every fourth test image is given another class's label, and the
    // user's metadata.csv says which ("relabelled"): the insights must find
    // that group, and samples.csv must carry the user's columns.
    const data::ImageShape shape{1, 16, 16};
    QTemporaryDir dir, out;
    QVERIFY(dir.isValid() && out.isValid());
    const int classes = 3, trainCount = 150, testCount = 100;
    data::Dataset train = makeSplit(trainCount, shape, classes, 21);
    data::Dataset test = makeSplit(testCount, shape, classes, 22);
    std::string csv = "subset,index,batch,weight\n";
    for (int i = 0; i < testCount; ++i) {
        const bool relabelled = i % 4 == 0;
        if (relabelled)
            test.labels[i] = static_cast<data::ClassLabel>((test.labels[i] + 1) % classes);
        // weight: i / 2, left empty for every tenth sample.
        csv += "validation," + std::to_string(i) + "," + (relabelled ? "relabelled" : "clean") +
               "," + (i % 10 == 9 ? std::string() : std::to_string(i / 2.0)) + "\n";
    }
    csv += "train,3,\"clean\",7\n"; // the other training samples have no row
    writeNumpyDataset(dir.path(), train, test);
    writeFile(QDir(dir.path()).filePath("metadata.csv").toStdString(), csv);

    const data::DatasetSplits loaded = data::loadDataset(dir.path().toStdString());
    QCOMPARE(int(loaded.metadata.columns.size()), 2);
    const data::MetadataColumn& batch = loaded.metadata.columns[0];
    QVERIFY(!batch.numeric);
    QCOMPARE(batch.categories, (std::vector<std::string>{"clean", "relabelled"}));
    QCOMPARE(batch.validation[4], 1.0f);
    QCOMPARE(batch.validation[5], 0.0f);
    QCOMPARE(batch.train[3], 0.0f);
    QVERIFY(std::isnan(batch.train[0]));
    QVERIFY(loaded.metadata.columns[1].numeric);
    QCOMPARE(loaded.metadata.columns[1].validation[5], 2.5f);
    QVERIFY(std::isnan(loaded.metadata.columns[1].validation[9]));

    pipeline::PipelineConfig config = quickConfig(dir.path(), out.path());
    config.train.epochs = 10;
    config.train.batchSize = 25;
    std::ostringstream log;
    const auto run = pipeline::runHeadless(config, log);
    QVERIFY(run);

    // samples.csv: the user's columns last, the run's rows in order.
    QFile samples(QDir(out.path()).filePath("samples.csv"));
    QVERIFY(samples.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = samples.readAll().split('\n');
    QVERIFY(lines[0].endsWith(",source,batch,weight"));
    QVERIFY2(lines[1 + 3].endsWith(",clean,7"), lines[1 + 3].constData()); // train 3
    QVERIFY2(lines[1].endsWith(",,"), lines[1].constData());               // train 0: no row
    const QByteArray validation4 = lines[1 + trainCount + 4];
    QVERIFY2(validation4.startsWith("validation,4,") && validation4.endsWith(",relabelled,2"),
             validation4.constData());
    QVERIFY2(lines[1 + trainCount + 9].endsWith(",clean,"), lines[1 + trainCount + 9].constData());

    // The relabelled quarter is an insight of the validation subset.
    QFile insightsFile(QDir(out.path()).filePath("insights.json"));
    QVERIFY(insightsFile.open(QIODevice::ReadOnly));
    const QByteArray insights = insightsFile.readAll();
    QVERIFY2(insights.contains("\"title\": \"batch = relabelled"), insights.left(2000).constData());
}

QTEST_GUILESS_MAIN(TestAnyDataset)
#include "tst_any_dataset.moc"
