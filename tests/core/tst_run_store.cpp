// Run store: a saved run loads back bit for bit, summary.json carries the
// headline figures, every way a store can be damaged is refused with a
// message naming the file, a failed save leaves the old run intact, and a
// full-size run loads in well under a second.

#include "../common/synthetic_run.h"
#include "core/store/run_store.h"
#include "core/util/json_cursor.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>
#include <zlib.h>

using namespace mnistx;

namespace
{

// Mirrors the layout documented in section_file.h.
constexpr int kPreamble = 16;
constexpr int kEntry = 48;

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

template <typename T> T getAt(const QByteArray& bytes, int at)
{
    T value;
    std::memcpy(&value, bytes.constData() + at, sizeof(T));
    return value;
}

template <typename T> void putAt(QByteArray& bytes, int at, T value)
{
    std::memcpy(bytes.data() + at, &value, sizeof(T));
}

quint32 crcOf(const QByteArray& bytes, int from, int size)
{
    return static_cast<quint32>(crc32(crc32(0L, Z_NULL, 0),
                                      reinterpret_cast<const Bytef*>(bytes.constData() + from),
                                      static_cast<uInt>(size)));
}

int sectionCount(const QByteArray& bytes)
{
    return static_cast<int>(getAt<quint32>(bytes, 12));
}
int tableEnd(const QByteArray& bytes)
{
    return kPreamble + kEntry * sectionCount(bytes);
}

void fixHeaderCrc(QByteArray& bytes)
{
    putAt<quint32>(bytes, tableEnd(bytes), crcOf(bytes, 0, tableEnd(bytes)));
}

int entryOf(const QByteArray& bytes, const char* name)
{
    for (int k = 0; k < sectionCount(bytes); ++k) {
        const int at = kPreamble + kEntry * k;
        if (qstrncmp(bytes.constData() + at, name, 24) == 0)
            return at;
    }
    return -1;
}

// run.bin taken apart into its sections and put back together, to forge
// files whose checksums are right but whose content is not.
struct StoredFile {
    std::vector<std::pair<QByteArray, QByteArray>> sections;

    static StoredFile parse(const QByteArray& bytes)
    {
        StoredFile file;
        for (int k = 0; k < sectionCount(bytes); ++k) {
            const int at = kPreamble + kEntry * k;
            const QByteArray name(bytes.constData() + at,
                                  static_cast<int>(qstrnlen(bytes.constData() + at, 24)));
            const auto offset = static_cast<int>(getAt<quint64>(bytes, at + 24));
            const auto size = static_cast<int>(getAt<quint64>(bytes, at + 32));
            file.sections.emplace_back(name, bytes.mid(offset, size));
        }
        return file;
    }

    QByteArray& section(const char* name)
    {
        for (auto& [n, data] : sections)
            if (n == name)
                return data;
        qFatal("no section %s", name);
    }

    json::Value meta() { return json::parse(section("meta").toStdString()); }
    void setMeta(const json::Value& v)
    {
        section("meta") = QByteArray::fromStdString(json::serialize(v, 0));
    }

    QByteArray bytes() const
    {
        const int count = static_cast<int>(sections.size());
        const int end = kPreamble + kEntry * count;
        QByteArray out(end + 4, '\0');
        std::memcpy(out.data(), "MNXRUN01", 8);
        putAt<quint32>(out, 8, 1);
        putAt<quint32>(out, 12, static_cast<quint32>(count));
        for (int k = 0; k < count; ++k) {
            const QByteArray& name = sections[static_cast<std::size_t>(k)].first;
            const QByteArray& data = sections[static_cast<std::size_t>(k)].second;
            out.append((out.size() + 63) / 64 * 64 - out.size(), '\0');
            const int at = kPreamble + kEntry * k;
            std::memcpy(out.data() + at, name.constData(),
                        static_cast<std::size_t>(std::min<qsizetype>(name.size(), 24)));
            putAt<quint64>(out, at + 24, static_cast<quint64>(out.size()));
            putAt<quint64>(out, at + 32, static_cast<quint64>(data.size()));
            putAt<quint32>(out, at + 40, crcOf(data, 0, static_cast<int>(data.size())));
            out.append(data);
        }
        putAt<quint32>(out, end, crcOf(out, 0, end));
        return out;
    }
};

std::string toStd(const QString& s)
{
    return s.toStdString();
}

// The StoreError message loadRun(dir) throws, or "" when it loads.
QString loadError(const QString& dir)
{
    try {
        store::loadRun(toStd(dir));
    } catch (const store::StoreError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("wrong exception type: ") + QString::fromStdString(e.what());
    }
    return {};
}

enum Damage {
    MissingFolder,
    NoRunBin,
    RunBinIsFolder,
    Replace,       // argument: the new file content
    SetVersion,    // argument: the version
    Truncate,      // argument: byte count, "table+N", "middle" or "last"
    FlipSection,   // argument: section name
    FlipHeader,    // argument: byte offset
    SectionOffset, // argument: section name; offset moved past the end
    SectionSize,   // argument: section name; size 2^64 - 1
    SectionCount,  // argument: count
    RenameSection, // argument: section name
    DuplicateSection,
    MetaText,   // argument: the new meta text
    MetaRemove, // argument: key
    MetaSet,    // argument: "subset.key=value" (value JSON)
    ConfusionRowShort,
    LabelOutOfRange,
};

} // namespace

class TestRunStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryField();
    void emptyRunRoundTrip();
    void summaryJsonHasHeadlineFigures();
    void noTemporaryFilesLeft();
    void damagedStoreRefused_data();
    void damagedStoreRefused();
    void failedSaveKeepsOldRun();
    void saveBelowRegularFileFails();
    void inconsistentRunNotSaved();
    void fullSizeRunLoadsQuickly();
    void seedIsA64BitIntegerAndReadsAsString();
};

void TestRunStore::roundTripKeepsEveryField()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(QStringLiteral("runs/a")); // parents created
    test::SyntheticRunOptions options;
    options.awkwardValues = true;
    const store::RunData run = test::makeSyntheticRun(options);
    QVERIFY(!store::hasRun(toStd(dir)));
    store::saveRun(run, toStd(dir));
    QVERIFY(store::hasRun(toStd(dir)));
    const store::RunData back = store::loadRun(toStd(dir));
    QCOMPARE(QString::fromStdString(test::runDifference(run, back)), QString());
    QVERIFY(std::isnan(back.history.batches[0].loss));
    QCOMPARE(back.config.seed, std::numeric_limits<std::uint64_t>::max());

    // Saving again over it replaces it.
    options.awkwardValues = false;
    options.seed = 2;
    options.trainCount = 30;
    const store::RunData other = test::makeSyntheticRun(options);
    store::saveRun(other, toStd(dir));
    QCOMPARE(QString::fromStdString(test::runDifference(other, store::loadRun(toStd(dir)))),
             QString());
}

void TestRunStore::emptyRunRoundTrip()
{
    QTemporaryDir tmp;
    test::SyntheticRunOptions options = test::syntheticRunSized(0, 0);
    const store::RunData run = test::makeSyntheticRun(options);
    store::saveRun(run, toStd(tmp.path()));
    QCOMPARE(QString::fromStdString(test::runDifference(run, store::loadRun(toStd(tmp.path())))),
             QString());

    // A default RunData has no confusion matrix for its 10 classes: a caller
    // bug, refused without touching the stored run.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             store::saveRun(store::RunData{}, toStd(tmp.path())));
    QCOMPARE(QString::fromStdString(test::runDifference(run, store::loadRun(toStd(tmp.path())))),
             QString());
}

void TestRunStore::summaryJsonHasHeadlineFigures()
{
    QTemporaryDir tmp;
    const store::RunData run = test::makeSyntheticRun();
    store::saveRun(run, toStd(tmp.path()));
    const QByteArray text = readBytes(tmp.filePath(QStringLiteral("summary.json")));
    QVERIFY(!text.isEmpty());
    QVERIFY2(text.size() < 32 * 1024, "summary.json should stay small");
    const json::Value v = json::parse(text.toStdString());
    const json::Cursor s(v);

    for (const char* key :
         {"format_version", "settings", "versions", "timings", "peak_memory_bytes", "sanity_check",
          "train", "validation", "projection", "history", "data_folder", "created_at"})
        QVERIFY2(s.contains(key), key);
    QCOMPARE(s["format_version"].asInt(), 1);
    QCOMPARE(s["settings"]["epochs"].asInt(), run.config.epochs);
    QCOMPARE(s["settings"]["batch_size"].asInt(), run.config.batchSize);
    QCOMPARE(s["settings"]["learning_rate"].asNumber(), run.config.learningRate);
    QCOMPARE(s["settings"]["architecture"].asString(), run.config.architecture);
    QCOMPARE(s["settings"]["schedule"].asString(), run.config.schedule);
    for (const char* key : {"seed", "threads", "train_limit", "validation_limit"})
        QVERIFY2(s["settings"].contains(key), key);
    QCOMPARE(s["versions"]["libtorch"].asString(), std::string("2.3.0"));
    double total = 0;
    for (const auto& [stage, seconds] : run.stageSeconds) {
        QCOMPARE(s["timings"][stage].asNumber(), seconds);
        total += seconds;
    }
    QCOMPARE(s["timings"]["total"].asNumber(), total);
    QCOMPARE(s["peak_memory_bytes"].asInteger(), run.peakMemoryBytes);
    QCOMPARE(s["sanity_check"]["accuracy"].asNumber(), run.sanity.accuracy);
    QCOMPARE(s["sanity_check"]["sample_count"].asInt(), run.sanity.sampleCount);
    QCOMPARE(s["sanity_check"]["prediction_counts"].arraySize(),
             run.sanity.predictionCounts.size());

    for (const auto* subset : {&run.train, &run.validation}) {
        const json::Cursor t = s[analysis::subsetName(subset->subset)];
        QCOMPARE(t["accuracy"].asNumber(), subset->accuracy);
        QCOMPARE(t["loss"].asNumber(), subset->meanLoss);
        QCOMPARE(t["sample_count"].asInt(), subset->sampleCount());
        QCOMPARE(t["confusion_matrix"].arraySize(), std::size_t{10});
        QCOMPARE(t["confusion_matrix"][3][4].asInteger(), subset->confusion(3, 4));
        QCOMPARE(t["per_class"].arraySize(), std::size_t{10});
        QCOMPARE(t["per_class"][2]["class"].asInt(), 2);
        QCOMPARE(t["per_class"][2]["count"].asInteger(), subset->perClass[2].count);
        QCOMPARE(t["per_class"][2]["accuracy"].asNumber(), subset->perClass[2].accuracy);
        QCOMPARE(t["per_class"][2]["mean_loss"].asNumber(), subset->perClass[2].meanLoss);
        const json::Cursor bins = t["loss_vs_distance"];
        QCOMPARE(bins["edges"].arraySize(), subset->lossVsDistance.edges.size());
        QCOMPARE(bins["mean_loss"][1].asNumber(), subset->lossVsDistance.meanLoss[1]);
        QCOMPARE(bins["std_error"].arraySize(), subset->lossVsDistance.stdError.size());
        QCOMPARE(bins["counts"][0].asInteger(), subset->lossVsDistance.counts[0]);
    }
    QCOMPARE(s["projection"]["method"].asString(), std::string("tsne"));
    QCOMPARE(s["projection"]["parameters"]["perplexity"].asNumber(), 30.0);
    QCOMPARE(s["projection"]["knn_accuracy_10"].asNumber(), run.projection.knnAccuracy);
    QCOMPARE(s["projection"]["trustworthiness_10"].asNumber(), run.projection.trustworthiness);
    QCOMPARE(s["projection"]["seconds"].asNumber(), run.projection.seconds);
    const json::Cursor epochs = s["history"]["epochs"];
    QCOMPARE(epochs.arraySize(), run.history.epochs.size());
    for (const char* key : {"epoch", "train_loss", "train_accuracy", "validation_loss",
                            "validation_accuracy", "seconds"})
        QVERIFY2(epochs[1].contains(key), key);
    QCOMPARE(epochs[1]["validation_accuracy"].asNumber(), run.history.epochs[1].validationAccuracy);
    QCOMPARE(static_cast<std::size_t>(s["history"]["batches"].asInteger()),
             run.history.batches.size());
    QCOMPARE(s["data_folder"].asString(), run.dataFolder);
    QCOMPARE(s["created_at"].asString(), run.createdAt);
    // A run without class names lists the numbers, and its form is IDX.
    QCOMPARE(s["dataset_format"].asString(), std::string("IDX"));
    QCOMPARE(s["class_names"].arraySize(), std::size_t(10));
    QCOMPARE(s["class_names"][3].asString(), std::string("3"));

    // With names: the names.
    store::RunData named = run;
    named.datasetFormat = "NumPy";
    named.classNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    QTemporaryDir other;
    store::saveRun(named, toStd(other.path()));
    const json::Value nv =
        json::parse(readBytes(other.filePath(QStringLiteral("summary.json"))).toStdString());
    const json::Cursor n(nv);
    QCOMPARE(n["dataset_format"].asString(), std::string("NumPy"));
    QCOMPARE(n["class_names"][9].asString(), std::string("Ankle boot"));
    QCOMPARE(store::loadRun(toStd(other.path())).classNames, named.classNames);
}

void TestRunStore::noTemporaryFilesLeft()
{
    QTemporaryDir tmp;
    store::saveRun(test::makeSyntheticRun(), toStd(tmp.path()));
    store::saveRun(test::makeSyntheticRun(), toStd(tmp.path()));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList({QStringLiteral("run.bin"), QStringLiteral("summary.json")}));
}

void TestRunStore::damagedStoreRefused_data()
{
    QTest::addColumn<int>("damage");
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char* name, Damage damage, const QString& argument,
                        const QString& expected) {
        QTest::newRow(name) << static_cast<int>(damage) << argument << expected;
    };
    const QString truncated = QStringLiteral("the file is truncated");
    row("missing folder", MissingFolder, {}, QStringLiteral("no stored run in "));
    row("folder without run.bin", NoRunBin, {}, QStringLiteral("no stored run in "));
    row("run.bin is a folder", RunBinIsFolder, {}, QStringLiteral("not a regular file"));
    row("empty run.bin", Replace, {}, QStringLiteral("the file is empty"));
    row("a zip file", Replace, QStringLiteral("PK\x03\x04 whatever follows"),
        QStringLiteral("not an MNIST Explorer run"));
    row("a short text", Replace, QStringLiteral("hi\n"),
        QStringLiteral("not an MNIST Explorer run"));
    row("an older format's magic", Replace, QStringLiteral("MNXRUN00 and more bytes"),
        QStringLiteral("not an MNIST Explorer run"));
    row("newer format version", SetVersion, QStringLiteral("2"),
        QStringLiteral("format version 2, this build reads 1"));
    row("format version 0", SetVersion, QStringLiteral("0"),
        QStringLiteral("format version 0, this build reads 1"));
    row("cut inside the magic", Truncate, QStringLiteral("5"), truncated);
    row("cut after the magic", Truncate, QStringLiteral("8"), truncated);
    row("cut inside the preamble", Truncate, QStringLiteral("13"), truncated);
    row("cut inside the table", Truncate, QStringLiteral("100"), truncated);
    row("cut inside the header checksum", Truncate, QStringLiteral("table+2"), truncated);
    row("cut after the header", Truncate, QStringLiteral("table+4"), truncated);
    row("cut in the middle", Truncate, QStringLiteral("middle"), truncated);
    row("last byte missing", Truncate, QStringLiteral("last"), truncated);
    row("flipped byte in train.features", FlipSection, QStringLiteral("train.features"),
        QStringLiteral("section 'train.features' is damaged (checksum mismatch)"));
    row("flipped byte in meta", FlipSection, QStringLiteral("meta"),
        QStringLiteral("section 'meta' is damaged (checksum mismatch)"));
    row("flipped byte in model", FlipSection, QStringLiteral("model"),
        QStringLiteral("section 'model' is damaged (checksum mismatch)"));
    row("flipped byte in validation.projection", FlipSection,
        QStringLiteral("validation.projection"),
        QStringLiteral("section 'validation.projection' is damaged (checksum mismatch)"));
    row("flipped byte in a section name", FlipHeader, QStringLiteral("17"),
        QStringLiteral("the header is damaged (checksum mismatch)"));
    row("flipped byte in a section offset", FlipHeader, QStringLiteral("%1").arg(16 + 48 * 4 + 25),
        QStringLiteral("the header is damaged (checksum mismatch)"));
    row("flipped byte in the header checksum", FlipHeader, QStringLiteral("table"),
        QStringLiteral("the header is damaged (checksum mismatch)"));
    row("section offset past the end", SectionOffset, QStringLiteral("train.logits"),
        QStringLiteral("section 'train.logits' would end past the end of the file"));
    row("section size 2^64 - 1", SectionSize, QStringLiteral("validation.labels"),
        QStringLiteral("section 'validation.labels' would end past the end of the file"));
    row("4 billion sections", SectionCount, QStringLiteral("4294967295"),
        QStringLiteral("the header is damaged (it claims 4294967295 sections)"));
    row("table larger than the file", SectionCount, QStringLiteral("4000"), truncated);
    row("section missing", RenameSection, QStringLiteral("train.losses"),
        QStringLiteral("section 'train.losses' is missing"));
    row("meta missing", RenameSection, QStringLiteral("meta"),
        QStringLiteral("section 'meta' is missing"));
    row("section twice", DuplicateSection, QStringLiteral("model"),
        QStringLiteral("the header is damaged (section 'model' appears twice)"));
    row("meta not JSON", MetaText, QStringLiteral("{\"config\": "),
        QStringLiteral("section 'meta' is not valid JSON (JSON: unexpected end of input"));
    row("meta a JSON array", MetaText, QStringLiteral("[]"),
        QStringLiteral(
            "the metadata does not describe a run ($: expected an object, found an array)"));
    row("meta without config", MetaRemove, QStringLiteral("config"),
        QStringLiteral("the metadata does not describe a run ($: missing key 'config')"));
    row("meta says 51 samples", MetaSet, QStringLiteral("train.sample_count=51"),
        QStringLiteral("section 'train.labels' holds 50 bytes, but the metadata says it is 51×1 "
                       "u8 (51 bytes)"));
    row("meta says 2^31 - 1 samples", MetaSet, QStringLiteral("validation.sample_count=2147483647"),
        QStringLiteral("section 'validation.labels' holds 20 bytes, but the metadata says it is "
                       "2147483647×1 u8"));
    row("meta says 10^15 samples", MetaSet, QStringLiteral("train.sample_count=1e15"),
        QStringLiteral("$.train.sample_count: 1000000000000000 is out of range"));
    row("meta says -1 samples", MetaSet, QStringLiteral("train.sample_count=-1"),
        QStringLiteral("$.train.sample_count: -1 is out of range"));
    row("meta says 9 feature dimensions", MetaSet, QStringLiteral("train.feature_dim=9"),
        QStringLiteral("section 'train.features' holds 1600 bytes, but the metadata says it is "
                       "50×9 float32 (1800 bytes)"));
    row("meta says 11 classes", MetaSet, QStringLiteral("validation.class_count=11"),
        QStringLiteral("$.validation.confusion: expected 11 rows"));
    row("meta says 0 classes", MetaSet, QStringLiteral("train.class_count=0"),
        QStringLiteral("$.train.class_count: 0 is out of range [1, 1000]"));
    row("meta accuracy a string", MetaSet, QStringLiteral("train.accuracy=\"high\""),
        QStringLiteral("$.train.accuracy: expected a number, found the string \"high\""));
    row("meta centroid pixels wrong", MetaSet, QStringLiteral("centroids.pixel_count=783"),
        QStringLiteral("section 'centroids' holds 31360 bytes, but the metadata says it is "
                       "10×783 float32"));
    row("meta confusion row short", ConfusionRowShort, {},
        QStringLiteral("$.train.confusion[3]: expected 10 entries"));
    row("label out of range", LabelOutOfRange, {},
        QStringLiteral("the stored run is inconsistent: train.labels[3] is 200, not a class (10 "
                       "classes)"));
}

void TestRunStore::damagedStoreRefused()
{
    QFETCH(int, damage);
    QFETCH(QString, argument);
    QFETCH(QString, expected);

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QString dir = tmp.filePath(QStringLiteral("run"));
    const QString runBin = dir + QStringLiteral("/run.bin");
    store::saveRun(test::makeSyntheticRun(), toStd(dir));
    QByteArray bytes = readBytes(runBin);
    QVERIFY(bytes.size() > 1000);

    bool rewrite = true;
    StoredFile file = StoredFile::parse(bytes);
    const QByteArray name = argument.toUtf8();
    switch (static_cast<Damage>(damage)) {
    case MissingFolder:
        dir = tmp.filePath(QStringLiteral("missing"));
        rewrite = false;
        break;
    case NoRunBin:
        QVERIFY(QFile::remove(runBin));
        rewrite = false;
        break;
    case RunBinIsFolder:
        QVERIFY(QFile::remove(runBin));
        QVERIFY(QDir().mkpath(runBin));
        rewrite = false;
        break;
    case Replace:
        bytes = argument.toLatin1();
        break;
    case SetVersion:
        putAt<quint32>(bytes, 8, argument.toUInt());
        break;
    case Truncate: {
        int size;
        if (argument == QLatin1String("middle"))
            size = static_cast<int>(bytes.size() / 2);
        else if (argument == QLatin1String("last"))
            size = static_cast<int>(bytes.size() - 1);
        else if (argument.startsWith(QLatin1String("table+")))
            size = tableEnd(bytes) + argument.mid(6).toInt();
        else
            size = argument.toInt();
        bytes.truncate(size);
        break;
    }
    case FlipSection: {
        const int entry = entryOf(bytes, name.constData());
        QVERIFY(entry >= 0);
        const auto offset = getAt<quint64>(bytes, entry + 24);
        const auto size = getAt<quint64>(bytes, entry + 32);
        QVERIFY(size > 0);
        bytes[static_cast<int>(offset + size / 2)] ^= 0x10;
        break;
    }
    case FlipHeader: {
        const int at = argument == QLatin1String("table") ? tableEnd(bytes) + 1 : argument.toInt();
        bytes[at] ^= 0x01;
        break;
    }
    case SectionOffset: {
        const int entry = entryOf(bytes, name.constData());
        putAt<quint64>(bytes, entry + 24, static_cast<quint64>(bytes.size()) + 64);
        fixHeaderCrc(bytes);
        break;
    }
    case SectionSize: {
        const int entry = entryOf(bytes, name.constData());
        putAt<quint64>(bytes, entry + 32, ~quint64{0});
        fixHeaderCrc(bytes);
        break;
    }
    case SectionCount:
        putAt<quint32>(bytes, 12, argument.toUInt());
        break;
    case RenameSection:
        for (auto& [n, data] : file.sections)
            if (n == name)
                n = name + "_old";
        bytes = file.bytes();
        break;
    case DuplicateSection:
        file.sections.emplace_back(name, file.section(name.constData()));
        bytes = file.bytes();
        break;
    case MetaText:
        file.section("meta") = argument.toUtf8();
        bytes = file.bytes();
        break;
    case MetaRemove: {
        json::Value meta = file.meta();
        meta.erase(toStd(argument));
        file.setMeta(meta);
        bytes = file.bytes();
        break;
    }
    case MetaSet: {
        json::Value meta = file.meta();
        const QStringList parts = argument.split(QLatin1Char('='));
        const QStringList path = parts[0].split(QLatin1Char('.'));
        meta[toStd(path[0])][toStd(path[1])] = json::parse(toStd(parts[1]));
        file.setMeta(meta);
        bytes = file.bytes();
        break;
    }
    case ConfusionRowShort: {
        json::Value meta = file.meta();
        meta["train"]["confusion"][3].erase(9);
        file.setMeta(meta);
        bytes = file.bytes();
        break;
    }
    case LabelOutOfRange:
        file.section("train.labels")[3] = static_cast<char>(200);
        bytes = file.bytes();
        break;
    }
    if (rewrite)
        QVERIFY(writeBytes(runBin, bytes));

    const QString message = loadError(dir);
    QVERIFY2(message.contains(expected), qPrintable(message));
    if (expected.startsWith(QLatin1String("no stored run in ")))
        QCOMPARE(message, QStringLiteral("no stored run in ") + dir);
    else
        QVERIFY2(message.startsWith(runBin + QStringLiteral(": ")), qPrintable(message));
}

void TestRunStore::failedSaveKeepsOldRun()
{
    QTemporaryDir tmp;
    const std::string dir = toStd(tmp.path());
    const store::RunData old = test::makeSyntheticRun();
    store::saveRun(old, dir);
    const QByteArray oldSummary = readBytes(tmp.filePath(QStringLiteral("summary.json")));

    // Something in the way of the temporary file makes the save fail.
    const QString blocker =
        tmp.filePath(QStringLiteral("run.bin.tmp-%1").arg(QCoreApplication::applicationPid()));
    QVERIFY(QDir().mkpath(blocker));
    test::SyntheticRunOptions options;
    options.seed = 99;
    options.trainCount = 10;
    try {
        store::saveRun(test::makeSyntheticRun(options), dir);
        QFAIL("saveRun did not fail");
    } catch (const store::StoreError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).startsWith(tmp.filePath(QStringLiteral("run.bin: "))),
                 e.what());
    }
    QCOMPARE(QString::fromStdString(test::runDifference(old, store::loadRun(dir))), QString());
    QCOMPARE(readBytes(tmp.filePath(QStringLiteral("summary.json"))), oldSummary);

    // Once the way is clear, the new run replaces the old one.
    QVERIFY(QDir(blocker).removeRecursively());
    const store::RunData next = test::makeSyntheticRun(options);
    store::saveRun(next, dir);
    QCOMPARE(QString::fromStdString(test::runDifference(next, store::loadRun(dir))), QString());
}

void TestRunStore::saveBelowRegularFileFails()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("not-a-folder"));
    QVERIFY(writeBytes(file, "x"));
    const QString dir = file + QStringLiteral("/run");
    try {
        store::saveRun(test::makeSyntheticRun(), toStd(dir));
        QFAIL("saveRun did not fail");
    } catch (const store::StoreError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(dir), e.what());
    }
    QCOMPARE(readBytes(file), QByteArray("x"));
    QVERIFY(!store::hasRun(toStd(dir)));
    QVERIFY(loadError(dir).startsWith(QStringLiteral("no stored run in ")));
}

void TestRunStore::inconsistentRunNotSaved()
{
    QTemporaryDir tmp;
    store::RunData run = test::makeSyntheticRun();
    run.validation.logits.resize(20, 9);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, store::saveRun(run, toStd(tmp.path())));
    QVERIFY(!store::hasRun(toStd(tmp.path())));
    QCOMPARE(store::describeInconsistency(run),
             std::string("validation.logits is 20×9, expected 20×10"));

    run = test::makeSyntheticRun();
    run.train.predictions[4] = 10;
    QCOMPARE(store::describeInconsistency(run),
             std::string("train.predictions[4] is 10, not a class (10 classes)"));
    run = test::makeSyntheticRun();
    run.projection.validation.resize(0, 0);
    QCOMPARE(store::describeInconsistency(run),
             std::string("validation.projection is 0×0, expected 20×2"));
    run = test::makeSyntheticRun();
    run.classNames = {"a", "b"};
    QCOMPARE(store::describeInconsistency(run),
             std::string("classNames has 2 names, expected 10 (one per class)"));
    run = test::makeSyntheticRun();
    run.validation.sources = {"x.png"};
    QCOMPARE(store::describeInconsistency(run),
             std::string("validation.sources has 1 entries, expected 20 (one per label)"));
}

void TestRunStore::fullSizeRunLoadsQuickly()
{
    QTemporaryDir tmp;
    test::SyntheticRunOptions options = test::syntheticRunSized(60000, 10000, 10, 64);
    options.epochs = 3;
    options.batchesPerEpoch = 469; // MNIST at batch 128
    const store::RunData run = test::makeSyntheticRun(options);

    QElapsedTimer timer;
    timer.start();
    store::saveRun(run, toStd(tmp.path()));
    const qint64 saveMs = timer.elapsed();
    timer.restart();
    const store::RunData back = store::loadRun(toStd(tmp.path()));
    const qint64 loadMs = timer.elapsed();
    qDebug("70,000 samples, D = 64, run.bin %lld bytes: saveRun %lld ms, loadRun %lld ms",
           static_cast<long long>(QFileInfo(tmp.filePath(QStringLiteral("run.bin"))).size()),
           static_cast<long long>(saveMs), static_cast<long long>(loadMs));
    QCOMPARE(QString::fromStdString(test::runDifference(run, back)), QString());
    QVERIFY2(loadMs < 1000, "a full MNIST run must open in well under a second");
}

// The seed is a plain JSON integer over the whole 64-bit range; files that
// spelled a seed beyond 2^53 as a decimal string (earlier builds) still load.
void TestRunStore::seedIsA64BitIntegerAndReadsAsString()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("run"));
    const QString runBin = dir + QStringLiteral("/run.bin");
    test::SyntheticRunOptions options;
    options.awkwardValues = true; // seed 2^64 - 1
    const store::RunData run = test::makeSyntheticRun(options);
    store::saveRun(run, toStd(dir));
    StoredFile file = StoredFile::parse(readBytes(runBin));
    json::Value meta = file.meta();
    QVERIFY(meta["config"]["seed"].is_number_unsigned());
    QCOMPARE(meta["config"]["seed"].get<std::uint64_t>(), run.config.seed);

    meta["config"]["seed"] = "18446744073709551615";
    file.setMeta(meta);
    QVERIFY(writeBytes(runBin, file.bytes()));
    QCOMPARE(store::loadRun(toStd(dir)).config.seed, std::numeric_limits<std::uint64_t>::max());

    meta["config"]["seed"] = "12x";
    file.setMeta(meta);
    QVERIFY(writeBytes(runBin, file.bytes()));
    const QString message = loadError(dir);
    QVERIFY2(message.contains(
                 QStringLiteral("$.config.seed: expected an unsigned integer, found \"12x\"")),
             qPrintable(message));
}

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
