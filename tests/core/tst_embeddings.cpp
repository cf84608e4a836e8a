// Embeddings computed elsewhere (core/data/embeddings): a folder of NumPy
// files read back exactly (every value, the rows split by subset.npy in file
// order, the row each sample came from, images, class names, metadata.csv
// joined to the right samples); float16 converted as NumPy converts it (all
// 63,488 finite halves); payloads larger than one read piece; absent optional
// files giving defaults and notes; and every refusal with its reason.

#include "../common/npy_test_files.h"
#include "core/data/class_names.h"
#include "core/data/embeddings.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mnistx;

namespace
{

using Changes = QMap<QString, QByteArray>; // file name → bytes; a null QByteArray deletes it

// A .npy file (format 1.0, as numpy.save writes it) holding `values`.
template <typename T>
QByteArray npyBytes(const char* descr, const std::vector<std::int64_t>& shape,
                    const std::vector<T>& values)
{
    QByteArray out = QByteArray::fromStdString(data::npyHeader(data::npyDict(descr, shape)));
    out.append(reinterpret_cast<const char*>(values.data()),
               static_cast<qsizetype>(values.size() * sizeof(T)));
    return out;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(f.write(bytes), bytes.size());
}

// The small folder every test starts from: 7 samples of 3 features, 3
// classes, logits, a subset (rows 0, 3, 5, 6 train; 1, 2, 4 validation),
// 8×8 grey images, class names and a metadata.csv. Each value encodes its
// row and column, so a row in the wrong place shows.
constexpr int kRows = 7;
constexpr int kDim = 3;
constexpr int kClasses = 3;
const std::vector<std::int64_t> kTrainRows{0, 3, 5, 6};
const std::vector<std::int64_t> kValidationRows{1, 2, 4};

float feature(std::int64_t row, int col)
{
    return static_cast<float>(row) * 10.0f + static_cast<float>(col) + 0.25f;
}
float logit(std::int64_t row, int col)
{
    return (static_cast<float>(row) - static_cast<float>(col)) * 0.5f;
}
int label(std::int64_t row)
{
    return static_cast<int>(row % kClasses);
}
std::uint8_t pixel(std::int64_t row, int p)
{
    return static_cast<std::uint8_t>((row * 64 + p) % 256);
}

std::vector<float> baseFeatures()
{
    std::vector<float> v;
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kDim; ++c)
            v.push_back(feature(r, c));
    return v;
}
std::vector<std::int64_t> baseLabels()
{
    std::vector<std::int64_t> v;
    for (int r = 0; r < kRows; ++r)
        v.push_back(label(r));
    return v;
}
std::vector<float> baseLogits()
{
    std::vector<float> v;
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kClasses; ++c)
            v.push_back(logit(r, c));
    return v;
}
// Each row's probabilities: 0.5, 0.25, 0.25 rotated by the row.
std::vector<float> baseProbabilities()
{
    std::vector<float> v;
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kClasses; ++c)
            v.push_back((r + c) % kClasses == 0 ? 0.5f : 0.25f);
    return v;
}
std::vector<std::uint8_t> baseImages()
{
    std::vector<std::uint8_t> v;
    for (int r = 0; r < kRows; ++r)
        for (int p = 0; p < 64; ++p)
            v.push_back(pixel(r, p));
    return v;
}

const char* const kMetadata = "subset,index,site,score\n"
                              "train,0,north,1.5\n"
                              "validation,2,south,\n"
                              "train,3,north,2\n";

Changes baseFolder()
{
    Changes files;
    files["features.npy"] = npyBytes("<f4", {kRows, kDim}, baseFeatures());
    files["labels.npy"] = npyBytes("<i8", {kRows}, baseLabels());
    files["logits.npy"] = npyBytes("<f4", {kRows, kClasses}, baseLogits());
    files["subset.npy"] = npyBytes("|u1", {kRows}, std::vector<std::uint8_t>{0, 1, 1, 0, 1, 0, 0});
    files["images.npy"] = npyBytes("|u1", {kRows, 8, 8}, baseImages());
    files["classes.txt"] = "cat\ndog\nbird\n";
    files["metadata.csv"] = kMetadata;
    return files;
}

// Writes `files` into `folder` (created, emptied first); "." names the
// folder itself: null deletes it, bytes replace it by a file.
void writeFolder(const QString& folder, const Changes& files)
{
    QDir(folder).removeRecursively();
    QFile::remove(folder); // a file in its place, from an earlier row
    if (files.contains(QStringLiteral("."))) {
        if (!files["."].isNull())
            writeFile(folder, files["."]);
        return;
    }
    QVERIFY(QDir().mkpath(folder));
    for (auto it = files.begin(); it != files.end(); ++it) {
        if (it.value().isNull())
            continue;
        if (it.value() == "(folder)")
            QVERIFY(QDir(folder).mkpath(it.key()));
        else
            writeFile(QDir(folder).filePath(it.key()), it.value());
    }
}

Changes with(Changes files, const Changes& changes)
{
    for (auto it = changes.begin(); it != changes.end(); ++it)
        files[it.key()] = it.value();
    return files;
}

bool hasNote(const data::EmbeddingSet& set, const std::string& words)
{
    for (const std::string& note : set.notes)
        if (note.find(words) != std::string::npos)
            return true;
    return false;
}

std::uint32_t bitsOf(float f)
{
    std::uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
}

// A half's value from its bits by the IEEE 754 definition, independent of
// the reader's bit manipulation.
double halfValue(std::uint16_t bits)
{
    const int exponent = (bits >> 10) & 0x1f;
    const int mantissa = bits & 0x3ff;
    const double magnitude =
        exponent == 0 ? std::ldexp(mantissa, -24) : std::ldexp(1024 + mantissa, exponent - 25);
    return (bits & 0x8000) ? -magnitude : magnitude;
}

} // namespace

class TestEmbeddings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fullFolderRoundTrips();
    void optionalFilesAbsent();
    void oneSubsetOnly();
    void classCountSources();
    void payloadsLargerThanOnePiece();
    void whatNumpyWrites();
    void refusals_data();
    void refusals();
    void holdsEmbeddings();

private:
    QString folder(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)); }
    data::EmbeddingSet read(const QString& f) const
    {
        return data::readEmbeddings(f.toStdString());
    }
    QTemporaryDir m_dir;
};

void TestEmbeddings::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestEmbeddings::fullFolderRoundTrips()
{
    writeFolder(folder("full"), baseFolder());
    const data::EmbeddingSet set = read(folder("full"));

    QCOMPARE(set.folder, folder("full").toStdString());
    QCOMPARE(set.classCount, kClasses);
    QCOMPARE(set.featureDim, kDim);
    QCOMPARE(set.scores, data::EmbeddingScores::Logits);
    QCOMPARE(set.classNames, (std::vector<std::string>{"cat", "dog", "bird"}));
    QVERIFY(set.hasImages);
    QVERIFY(set.imageShape == (data::ImageShape{1, 8, 8}));
    QCOMPARE(set.count(), kRows);
    QVERIFY2(set.notes.empty(), set.notes.empty() ? "" : set.notes.front().c_str());

    // Each split holds its rows in file order, every value where it belongs.
    for (const bool validation : {false, true}) {
        const data::EmbeddingSplit& s = validation ? set.validation : set.train;
        const std::vector<std::int64_t>& rows = validation ? kValidationRows : kTrainRows;
        QCOMPARE(s.rows, rows);
        QCOMPARE(s.count(), int(rows.size()));
        QCOMPARE(s.features.rows(), Eigen::Index(rows.size()));
        QCOMPARE(s.features.cols(), Eigen::Index(kDim));
        QCOMPARE(s.scores.rows(), Eigen::Index(rows.size()));
        QCOMPARE(s.scores.cols(), Eigen::Index(kClasses));
        QCOMPARE(s.images.size(), rows.size() * 64);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto n = static_cast<Eigen::Index>(i);
            QCOMPARE(int(s.labels[i]), label(rows[i]));
            for (int c = 0; c < kDim; ++c)
                QCOMPARE(s.features(n, c), feature(rows[i], c));
            for (int c = 0; c < kClasses; ++c)
                QCOMPARE(s.scores(n, c), logit(rows[i], c));
            for (int p = 0; p < 64; ++p)
                QCOMPARE(s.images[i * 64 + static_cast<std::size_t>(p)], pixel(rows[i], p));
        }
    }

    // metadata.csv's index counts within its subset: train 0 and 3 are rows
    // 0 and 6, validation 2 is row 4.
    QCOMPARE(set.metadata.columns.size(), std::size_t(2));
    const data::MetadataColumn& site = set.metadata.columns[0];
    QCOMPARE(site.name, std::string("site"));
    QVERIFY(!site.numeric);
    QCOMPARE(site.categories, (std::vector<std::string>{"north", "south"}));
    QCOMPARE(site.train.size(), std::size_t(4));
    QCOMPARE(site.train[0], 0.0f);
    QVERIFY(std::isnan(site.train[1]) && std::isnan(site.train[2]));
    QCOMPARE(site.train[3], 0.0f);
    QCOMPARE(site.validation.size(), std::size_t(3));
    QVERIFY(std::isnan(site.validation[0]) && std::isnan(site.validation[1]));
    QCOMPARE(site.validation[2], 1.0f);
    const data::MetadataColumn& score = set.metadata.columns[1];
    QVERIFY(score.numeric);
    QCOMPARE(score.train[0], 1.5f);
    QCOMPARE(score.train[3], 2.0f);
    QVERIFY(std::isnan(score.validation[2]));

    // Probabilities instead of logits, RGB images.
    std::vector<std::uint8_t> rgb;
    for (int r = 0; r < kRows; ++r)
        for (int p = 0; p < 10 * 9 * 3; ++p)
            rgb.push_back(static_cast<std::uint8_t>((r * 31 + p) % 256));
    writeFolder(folder("probabilities"),
                with(baseFolder(), {{"logits.npy", QByteArray()},
                                    {"probabilities.npy",
                                     npyBytes("<f4", {kRows, kClasses}, baseProbabilities())},
                                    {"images.npy", npyBytes("|u1", {kRows, 10, 9, 3}, rgb)}}));
    const data::EmbeddingSet p = read(folder("probabilities"));
    QCOMPARE(p.scores, data::EmbeddingScores::Probabilities);
    QVERIFY(p.imageShape == (data::ImageShape{3, 10, 9}));
    // Validation's third sample is row 4: 0.5 where (4 + column) % 3 = 0.
    QCOMPARE(p.validation.scores(2, 0), 0.25f);
    QCOMPARE(p.validation.scores(2, 1), 0.25f);
    QCOMPARE(p.validation.scores(2, 2), 0.5f);
    QCOMPARE(p.train.images.size(), std::size_t(4 * 270));
    QCOMPARE(int(p.validation.images[270 + 5]), 2 * 31 + 5); // the second is row 2
}

void TestEmbeddings::optionalFilesAbsent()
{
    writeFolder(folder("minimal"),
                {{"features.npy", npyBytes("<f4", {5, 2}, std::vector<float>(10, 0.5f))},
                 {"labels.npy", npyBytes("|u1", {5}, std::vector<std::uint8_t>{0, 2, 1, 2, 0})}});
    const data::EmbeddingSet set = read(folder("minimal"));
    QCOMPARE(set.classCount, 3); // the largest label + 1
    QCOMPARE(set.classNames, data::defaultClassNames(3));
    QCOMPARE(set.scores, data::EmbeddingScores::None);
    QVERIFY(!set.hasImages);
    QCOMPARE(set.imageShape.values(), 0);
    QVERIFY(set.metadata.empty());
    QVERIFY(set.train.empty());
    QCOMPARE(set.train.features.rows(), Eigen::Index(0));
    QCOMPARE(set.validation.rows, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
    QCOMPARE(set.validation.labels, (std::vector<data::ClassLabel>{0, 2, 1, 2, 0}));
    QCOMPARE(set.validation.features.rows(), Eigen::Index(5));
    QCOMPARE(set.validation.features(4, 1), 0.5f);
    QCOMPARE(set.validation.scores.size(), Eigen::Index(0));
    QVERIFY(set.validation.images.empty());
    QVERIFY(hasNote(set, "no subset.npy: every row is validation"));
    QVERIFY(hasNote(set, "no logits.npy or probabilities.npy"));
    QVERIFY(hasNote(set, "no images.npy"));
    QCOMPARE(set.notes.size(), std::size_t(3));

    // Every label 0: still two classes, and a note says so.
    writeFolder(folder("one label"),
                {{"features.npy", npyBytes("<f4", {2, 2}, std::vector<float>(4, 1.0f))},
                 {"labels.npy", npyBytes("<i4", {2}, std::vector<std::int32_t>{0, 0})}});
    const data::EmbeddingSet one = read(folder("one label"));
    QCOMPARE(one.classCount, data::kMinClasses);
    QVERIFY(hasNote(one, "every label is 0; taken as 2 classes"));
}

void TestEmbeddings::oneSubsetOnly()
{
    for (const std::uint8_t value : {std::uint8_t{0}, std::uint8_t{1}}) {
        writeFolder(
            folder("one subset"),
            with(baseFolder(),
                 {{"subset.npy", npyBytes("|u1", {kRows}, std::vector<std::uint8_t>(kRows, value))},
                  {"metadata.csv", QByteArray()}}));
        const data::EmbeddingSet set = read(folder("one subset"));
        const data::EmbeddingSplit& all = value == 1 ? set.validation : set.train;
        const data::EmbeddingSplit& none = value == 1 ? set.train : set.validation;
        QVERIFY(none.empty());
        QCOMPARE(none.features.rows(), Eigen::Index(0));
        QCOMPARE(none.scores.rows(), Eigen::Index(0));
        QVERIFY(none.images.empty() && none.rows.empty());
        QCOMPARE(all.count(), kRows);
        QCOMPARE(all.rows, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
        QCOMPARE(all.features(6, 2), feature(6, 2));
        QCOMPARE(all.scores(5, 1), logit(5, 1));
        QCOMPARE(all.images[6 * 64 + 63], pixel(6, 63));
        QVERIFY(hasNote(set, value == 1 ? "every row in validation: there is no training split"
                                        : "every row in train: there is no validation split"));
    }
}

void TestEmbeddings::classCountSources()
{
    // classes.txt without scores: its names count, beyond the largest label.
    writeFolder(folder("classes"), with(baseFolder(), {{"logits.npy", QByteArray()},
                                                       {"classes.txt", "a\nb\nc\nd\ne\n"}}));
    const data::EmbeddingSet named = read(folder("classes"));
    QCOMPARE(named.classCount, 5);
    QCOMPARE(named.classNames.back(), std::string("e"));

    // Scores' columns beyond the largest label, default names.
    std::vector<float> five(kRows * 5, 0.0f);
    writeFolder(folder("scores"),
                with(baseFolder(), {{"logits.npy", npyBytes("<f4", {kRows, 5}, five)},
                                    {"classes.txt", QByteArray()}}));
    const data::EmbeddingSet scored = read(folder("scores"));
    QCOMPARE(scored.classCount, 5);
    QCOMPARE(scored.classNames, data::defaultClassNames(5));
}

void TestEmbeddings::payloadsLargerThanOnePiece()
{
    // 40,000 × 64 float32 (10 MB): more than one straight read into the
    // matrix, and ten pieces through the buffer when split; float16 of
    // 20,000 × 64 (2.5 MB) converted over several pieces.
    constexpr std::int64_t n = 40000, d = 64;
    std::vector<float> values(static_cast<std::size_t>(n * d));
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<float>(i); // exact below 2^24
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    std::vector<std::uint8_t> subset(static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; ++r) {
        labels[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(r % 10);
        subset[static_cast<std::size_t>(r)] = r % 3 == 0 ? 0 : 1;
    }
    const Changes big{{"features.npy", npyBytes("<f4", {n, d}, values)},
                      {"labels.npy", npyBytes("<i4", {n}, labels)}};
    const auto check = [&](const data::EmbeddingSet& set) {
        QCOMPARE(set.count(), int(n));
        for (const data::EmbeddingSplit* s : {&set.train, &set.validation})
            for (int i = 0; i < s->count(); ++i) {
                const std::int64_t row = s->rows[static_cast<std::size_t>(i)];
                QCOMPARE(int(s->labels[static_cast<std::size_t>(i)]), int(row % 10));
                for (int c = 0; c < d; ++c)
                    if (s->features(i, c) != static_cast<float>(row * d + c))
                        QFAIL(qPrintable(QStringLiteral("row %1 column %2").arg(row).arg(c)));
            }
    };
    writeFolder(folder("big"), big);
    check(read(folder("big")));
    if (QTest::currentTestFailed())
        return;
    writeFolder(folder("big"), with(big, {{"subset.npy", npyBytes("|u1", {n}, subset)}}));
    const data::EmbeddingSet split = read(folder("big"));
    QCOMPARE(split.train.count(), int((n + 2) / 3));
    QCOMPARE(split.train.rows[1], std::int64_t(3));
    check(split);
    if (QTest::currentTestFailed())
        return;

    // A NaN far into the file: named by its row in the file, either way.
    values[static_cast<std::size_t>(33333 * d + 17)] = std::numeric_limits<float>::quiet_NaN();
    for (const bool withSubset : {false, true}) {
        Changes nan = with(big, {{"features.npy", npyBytes("<f4", {n, d}, values)}});
        if (withSubset)
            nan["subset.npy"] = npyBytes("|u1", {n}, subset);
        writeFolder(folder("big"), nan);
        try {
            read(folder("big"));
            QFAIL("NaN accepted");
        } catch (const data::DataError& e) {
            QVERIFY2(std::strstr(e.what(), "features.npy: row 33333, column 17 is nan"), e.what());
        }
    }

    // float16: every finite positive half in turn, against the IEEE definition.
    constexpr std::int64_t n16 = 20000;
    std::vector<std::uint16_t> halves(static_cast<std::size_t>(n16 * d));
    for (std::size_t i = 0; i < halves.size(); ++i)
        halves[i] = static_cast<std::uint16_t>((i * 7) % 0x7c00);
    for (const bool withSubset : {false, true}) {
        Changes f16{{"features.npy", npyBytes("<f2", {n16, d}, halves)},
                    {"labels.npy", npyBytes("<i4", {n16}, std::vector<std::int32_t>(n16, 1))}};
        if (withSubset)
            f16["subset.npy"] = npyBytes(
                "|u1", {n16}, std::vector<std::uint8_t>(subset.begin(), subset.begin() + n16));
        writeFolder(folder("half"), f16);
        const data::EmbeddingSet set = read(folder("half"));
        QVERIFY(hasNote(set, "features converted from float16"));
        for (const data::EmbeddingSplit* s : {&set.train, &set.validation})
            for (int i = 0; i < s->count(); ++i)
                for (int c = 0; c < d; ++c) {
                    const auto at =
                        static_cast<std::size_t>(s->rows[static_cast<std::size_t>(i)] * d + c);
                    if (double(s->features(i, c)) != halfValue(halves[at]))
                        QFAIL(qPrintable(QStringLiteral("half %1").arg(halves[at], 0, 16)));
                }
    }
}

void TestEmbeddings::whatNumpyWrites()
{
    // scripts/test installs python3-numpy: without it these checks would
    // only test the reader against itself.
    const QString error = test::runNumpy(
        m_dir.path(),
        QStringLiteral(
            "rng = np.random.default_rng(5)\n"
            "def folder(name):\n"
            "    p = os.path.join(d, name)\n"
            "    os.makedirs(p, exist_ok=True)\n"
            "    return p\n"
            "f = folder('numpy')\n"
            "h = np.arange(65536, dtype=np.uint16).view(np.float16)\n"
            "h = h[np.isfinite(h)].reshape(992, 64)\n"
            "np.save(os.path.join(f, 'features.npy'), h)\n"
            "np.save(os.path.join(d, 'expected_features.npy'), h.astype(np.float32))\n"
            "np.save(os.path.join(f, 'labels.npy'), (np.arange(992) % 10).astype(np.int16))\n"
            "z = rng.normal(size=(992, 10)) * 3\n"
            "p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
            "np.save(os.path.join(f, 'probabilities.npy'), p)\n"
            "np.save(os.path.join(d, 'expected_probabilities.npy'), p.astype(np.float32))\n"
            "np.save(os.path.join(f, 'subset.npy'), (np.arange(992) % 4 != 0).astype(np.int64))\n"
            "images = rng.integers(0, 256, size=(992, 10, 12, 3), dtype=np.uint8)\n"
            "np.save(os.path.join(f, 'images.npy'), images.astype(np.float32) / 255)\n"
            "np.save(os.path.join(d, 'expected_images.npy'), images)\n"
            // float32 softmax over a thousand classes sums to 1 within the tolerance.
            "f = folder('softmax1000')\n"
            "z = rng.normal(size=(50, 1000)).astype(np.float32) * 4\n"
            "e = np.exp(z - z.max(axis=1, keepdims=True))\n"
            "np.save(os.path.join(f, 'probabilities.npy'), e / e.sum(axis=1, keepdims=True))\n"
            "np.save(os.path.join(f, 'features.npy'), rng.normal(size=(50, "
            "8)).astype(np.float32))\n"
            "np.save(os.path.join(f, 'labels.npy'), np.arange(50))\n"
            // Non-finite halves are refused, with their place.
            "for name, value in (('inf16', np.inf), ('nan16', np.nan)):\n"
            "    f = folder(name)\n"
            "    x = np.ones((6, 4), dtype=np.float16)\n"
            "    x[3, 1] = value\n"
            "    np.save(os.path.join(f, 'features.npy'), x)\n"
            "    np.save(os.path.join(f, 'labels.npy'), np.arange(6, dtype=np.uint8) % 2)\n"));
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const data::EmbeddingSet set = read(folder("numpy"));
    const data::NpyArray features = data::readNpy(folder("expected_features.npy").toStdString());
    const data::NpyArray probabilities =
        data::readNpy(folder("expected_probabilities.npy").toStdString());
    const data::NpyArray images = data::readNpy(folder("expected_images.npy").toStdString());
    QCOMPARE(set.featureDim, 64);
    QCOMPARE(set.classCount, 10);
    QCOMPARE(set.scores, data::EmbeddingScores::Probabilities);
    QVERIFY(set.imageShape == (data::ImageShape{3, 10, 12}));
    QCOMPARE(set.train.count(), 248);
    QCOMPARE(set.validation.count(), 744);
    QVERIFY(hasNote(set, "features converted from float16"));
    QVERIFY(hasNote(set, "probabilities.npy converted from float64 to float32"));
    QVERIFY(!hasNote(set, "rounded")); // k / 255 saved as float32 is exactly k
    const auto* expectedFeatures = reinterpret_cast<const float*>(features.bytes.data());
    const auto* expectedProbabilities = reinterpret_cast<const float*>(probabilities.bytes.data());
    for (const data::EmbeddingSplit* s : {&set.train, &set.validation})
        for (int i = 0; i < s->count(); ++i) {
            const auto row = static_cast<std::size_t>(s->rows[static_cast<std::size_t>(i)]);
            QCOMPARE(row % 4 == 0, s == &set.train);
            QCOMPARE(int(s->labels[static_cast<std::size_t>(i)]), int(row % 10));
            // Bit for bit: -0 stays -0, subnormals keep their value.
            for (int c = 0; c < 64; ++c)
                if (bitsOf(s->features(i, c)) != bitsOf(expectedFeatures[row * 64 + c]))
                    QFAIL(qPrintable(QStringLiteral("row %1 column %2: %3, numpy %4")
                                         .arg(row)
                                         .arg(c)
                                         .arg(double(s->features(i, c)))
                                         .arg(double(expectedFeatures[row * 64 + c]))));
            for (int c = 0; c < 10; ++c)
                QCOMPARE(s->scores(i, c), expectedProbabilities[row * 10 + c]);
            QVERIFY(std::equal(s->images.begin() + i * 360, s->images.begin() + (i + 1) * 360,
                               images.bytes.begin() + static_cast<std::ptrdiff_t>(row * 360)));
        }

    QCOMPARE(read(folder("softmax1000")).classCount, 1000);
    for (const char* name : {"inf16", "nan16"}) {
        try {
            read(folder(name));
            QFAIL(name);
        } catch (const data::DataError& e) {
            QVERIFY2(std::strstr(e.what(), "features.npy: row 3, column 1 is"), e.what());
        }
    }
}

void TestEmbeddings::refusals_data()
{
    QTest::addColumn<Changes>("changes");
    QTest::addColumn<QString>("words");
    const QByteArray gone;
    const std::vector<float> f = baseFeatures();
    const auto features = [&](std::size_t at, float value) {
        std::vector<float> v = f;
        v[at] = value;
        return npyBytes("<f4", {kRows, kDim}, v);
    };
    const auto labels = [&](std::size_t at, std::int64_t value) {
        std::vector<std::int64_t> v = baseLabels();
        v[at] = value;
        return npyBytes("<i8", {kRows}, v);
    };
    const auto probabilities = [&](std::size_t at, float value) {
        std::vector<float> v = baseProbabilities();
        v[at] = value;
        return npyBytes("<f4", {kRows, kClasses}, v);
    };
    const auto subset = [&](std::int64_t value) {
        return npyBytes(
            "<i2", {kRows},
            std::vector<std::int16_t>{0, 1, 1, static_cast<std::int16_t>(value), 1, 0, 0});
    };
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();
    constexpr float inf = std::numeric_limits<float>::infinity();
    const Changes probabilitiesOnly{
        {"logits.npy", gone},
        {"probabilities.npy", npyBytes("<f4", {kRows, kClasses}, baseProbabilities())}};

    // The folder.
    QTest::newRow("no folder") << Changes{{".", gone}} << "folder not found";
    QTest::newRow("a file, not a folder") << Changes{{".", "x"}} << "is not a folder";
    QTest::newRow("no features.npy")
        << Changes{{"features.npy", gone}}
        << "holds no features.npy; an embeddings folder holds features.npy (N×D float32 or "
           "float16, one row per sample) and labels.npy (N integers)";
    QTest::newRow("no labels.npy") << Changes{{"labels.npy", gone}} << "holds no labels.npy";
    QTest::newRow("features.npy a folder")
        << Changes{{"features.npy", "(folder)"}} << "features.npy: is a folder, not a .npy file";

    // features.npy.
    QTest::newRow("features not npy")
        << Changes{{"features.npy", "1,2,3\n"}} << "features.npy: not a NumPy .npy file";
    QTest::newRow("features 1-D")
        << Changes{{"features.npy", npyBytes("<f4", {kRows}, std::vector<float>(kRows))}}
        << "features.npy: must be N×D (one row of D values per sample), not 7";
    QTest::newRow("features 3-D") << Changes{{"features.npy", npyBytes("<f4", {kRows, kDim, 1}, f)}}
                                  << "not 7×3×1";
    QTest::newRow("features float64")
        << Changes{{"features.npy",
                    npyBytes("<f8", {kRows, kDim}, std::vector<double>(kRows * kDim))}}
        << "features.npy: holds float64 values; features must be float32 or float16";
    QTest::newRow("features int32")
        << Changes{{"features.npy",
                    npyBytes("<i4", {kRows, kDim}, std::vector<std::int32_t>(kRows * kDim))}}
        << "holds int32 values";
    QTest::newRow("features 0 rows")
        << Changes{{"features.npy", npyBytes("<f4", {0, kDim}, std::vector<float>())},
                   {"labels.npy", npyBytes("<i8", {0}, std::vector<std::int64_t>())}}
        << "features.npy: holds no rows (0×3)";
    QTest::newRow("features 0 columns")
        << Changes{{"features.npy", npyBytes("<f4", {kRows, 0}, std::vector<float>())}}
        << "holds rows of no values (7×0)";
    QTest::newRow("features NaN")
        << Changes{{"features.npy", features(5 * kDim + 2, nan)}}
        << "features.npy: row 5, column 2 is nan: every feature must be a finite number";
    QTest::newRow("features inf") << Changes{{"features.npy", features(1 * kDim + 0, inf)}}
                                  << "row 1, column 0 is inf";
    QTest::newRow("features -inf")
        << Changes{{"features.npy", features(0, -inf)}} << "row 0, column 0 is -inf";
    QTest::newRow("features truncated")
        << Changes{{"features.npy", npyBytes("<f4", {kRows, kDim}, f).chopped(4)}}
        << "features.npy: truncated";

    // Row counts.
    QTest::newRow("labels shorter")
        << Changes{{"labels.npy", npyBytes("<i8", {6}, std::vector<std::int64_t>(6))}}
        << "features.npy has 7 rows, labels.npy has 6; every file needs one row per sample, in "
           "the same order";
    QTest::newRow("logits longer")
        << Changes{{"logits.npy", npyBytes("<f4", {8, kClasses}, std::vector<float>(8 * kClasses))}}
        << "features.npy has 7 rows, logits.npy has 8; every file needs one row per sample";
    QTest::newRow("subset shorter")
        << Changes{{"subset.npy", npyBytes("|u1", {3}, std::vector<std::uint8_t>(3))}}
        << "features.npy has 7 rows, subset.npy has 3";
    QTest::newRow("images fewer")
        << Changes{{"images.npy", npyBytes("|u1", {6, 8, 8}, std::vector<std::uint8_t>(6 * 64))}}
        << "features.npy has 7 rows, images.npy has 6";

    // labels.npy.
    QTest::newRow("labels float") << Changes{{"labels.npy",
                                              npyBytes("<f4", {kRows}, std::vector<float>(kRows))}}
                                  << "labels.npy: holds float32 values where integers are expected";
    QTest::newRow("labels bool")
        << Changes{{"labels.npy", npyBytes("|b1", {kRows}, std::vector<std::uint8_t>(kRows))}}
        << "holds bool values where integers are expected";
    QTest::newRow("labels N×1") << Changes{{"labels.npy",
                                            npyBytes("<i8", {kRows, 1}, baseLabels())}}
                                << "labels.npy: must be one class index per row, shape N, not 7×1";
    QTest::newRow("label negative")
        << Changes{{"labels.npy", labels(2, -1)}}
        << "labels.npy: label -1 at row 2 is not a class: there are 3 "
           "classes (from the 3 columns of logits.npy), so labels are 0 to 2";
    QTest::newRow("label = K") << Changes{{"labels.npy", labels(4, 3)}}
                               << "label 3 at row 4 is not a class: there are 3 classes (from the "
                                  "3 columns of logits.npy)";
    QTest::newRow("label ≥ K of probabilities")
        << with(probabilitiesOnly, {{"labels.npy", labels(6, 7)}})
        << "label 7 at row 6 is not a class: there are 3 classes (from the 3 columns of "
           "probabilities.npy)";
    QTest::newRow("label ≥ K of classes.txt")
        << Changes{{"logits.npy", gone}, {"labels.npy", labels(1, 3)}}
        << "label 3 at row 1 is not a class: there are 3 classes (from the 3 names in classes.txt)";
    QTest::newRow("label negative, K from labels")
        << Changes{{"logits.npy", gone}, {"classes.txt", gone}, {"labels.npy", labels(0, -4)}}
        << "label -4 at row 0 is negative";
    QTest::newRow("label beyond kMaxClasses")
        << Changes{{"logits.npy", gone}, {"classes.txt", gone}, {"labels.npy", labels(3, 1000)}}
        << "label 1000 at row 3 would make 1001 classes; at most 1000 are supported";
    QTest::newRow("label beyond int64")
        << Changes{{"labels.npy",
                    npyBytes("<u8", {kRows},
                             std::vector<std::uint64_t>{0, 1, 2, 0, 1, 2, ~std::uint64_t(0)})}}
        << "labels.npy: value 18446744073709551615 at index 6 is too large";

    // subset.npy.
    QTest::newRow("subset 2")
        << Changes{{"subset.npy", subset(2)}}
        << "subset.npy: value 2 at row 3 is neither 0 (train) nor 1 (validation)";
    QTest::newRow("subset -1") << Changes{{"subset.npy", subset(-1)}}
                               << "value -1 at row 3 is neither";
    QTest::newRow("subset float") << Changes{{"subset.npy",
                                              npyBytes("<f4", {kRows}, std::vector<float>(kRows))}}
                                  << "subset.npy: holds float32 values where integers are expected";

    // Scores.
    QTest::newRow("logits and probabilities")
        << Changes{{"probabilities.npy", npyBytes("<f4", {kRows, kClasses}, baseProbabilities())}}
        << "probabilities.npy: both are present; keep one, remove probabilities.npy to use the "
           "logits or logits.npy to use the probabilities";
    QTest::newRow("logit NaN")
        << Changes{{"logits.npy",
                    [&] {
                        std::vector<float> v = baseLogits();
                        v[3 * kClasses] = nan;
                        return npyBytes("<f4", {kRows, kClasses}, v);
                    }()}}
        << "logits.npy: row 3, column 0 is nan: every logit must be a finite number";
    QTest::newRow("logit beyond float32")
        << Changes{{"logits.npy",
                    [&] {
                        std::vector<double> v(kRows * kClasses, 1.0);
                        v[2 * kClasses + 1] = -1e300;
                        return npyBytes("<f8", {kRows, kClasses}, v);
                    }()}}
        << "logits.npy: row 2, column 1 is -inf after conversion to float32 (whose range ends at "
           "±3.4e38)";
    QTest::newRow("logits int64")
        << Changes{{"logits.npy", npyBytes("<i8", {kRows, kClasses},
                                           std::vector<std::int64_t>(kRows * kClasses))}}
        << "logits.npy: holds int64 values; scores must be float32, float64 or float16";
    QTest::newRow("logits 1-D")
        << Changes{{"logits.npy", npyBytes("<f4", {kRows}, std::vector<float>(kRows))}}
        << "logits.npy: must be N×K (one row of K class scores per sample), not 7";
    QTest::newRow("logits 1 column")
        << Changes{{"logits.npy", npyBytes("<f4", {kRows, 1}, std::vector<float>(kRows))}}
        << "logits.npy: has 1 column; it needs one per class, and a dataset has 2 to 1000 classes";
    QTest::newRow("logits 1001 columns")
        << Changes{{"logits.npy", npyBytes("<f4", {kRows, 1001}, std::vector<float>(kRows * 1001))}}
        << "has 1001 columns";
    QTest::newRow("probability above 1")
        << with(probabilitiesOnly, {{"probabilities.npy", probabilities(2 * kClasses + 1, 1.5f)}})
        << "probabilities.npy: row 2, column 1 is 1.500000: probabilities lie in 0 to 1";
    QTest::newRow("probability negative")
        << with(probabilitiesOnly, {{"probabilities.npy", probabilities(0, -0.5f)}})
        << "row 0, column 0 is -0.500000";
    QTest::newRow("probability NaN")
        << with(probabilitiesOnly, {{"probabilities.npy", probabilities(5 * kClasses + 2, nan)}})
        << "row 5, column 2 is nan: probabilities lie in 0 to 1";
    QTest::newRow("probabilities sum 0.9")
        << with(probabilitiesOnly, {{"probabilities.npy", probabilities(4 * kClasses, 0.15f)}})
        << "probabilities.npy: row 4 sums to 0.900000, not 1 (within 0.001)"; // 0.15 + 0.25 + 0.5
    QTest::newRow("logits truncated")
        << Changes{{"logits.npy", npyBytes("<f4", {kRows, kClasses}, baseLogits()).chopped(1)}}
        << "logits.npy: truncated";

    // classes.txt.
    QTest::newRow("classes.txt and logits disagree")
        << Changes{{"classes.txt", "a\nb\nc\nd\n"}}
        << "classes.txt names 4 classes, logits.npy has 3 columns";
    QTest::newRow("classes.txt of one class")
        << Changes{{"logits.npy", gone},
                   {"classes.txt", "only\n"},
                   {"labels.npy", npyBytes("<i8", {kRows}, std::vector<std::int64_t>(kRows))}}
        << "classes.txt: names 1 class; a dataset has 2 to 1000";
    QTest::newRow("classes.txt repeats")
        << Changes{{"classes.txt", "a\nb\na\n"}} << "classes.txt: line 3 repeats the class name";

    // images.npy.
    QTest::newRow("images 4×4") << Changes{{"images.npy",
                                            npyBytes("|u1", {kRows, 4, 4},
                                                     std::vector<std::uint8_t>(kRows * 16))}}
                                << "images.npy: images are 4×4 pixels; each side must be 8 to 256";
    QTest::newRow("images 2 channels")
        << Changes{{"images.npy",
                    npyBytes("|u1", {kRows, 8, 8, 2}, std::vector<std::uint8_t>(kRows * 128))}}
        << "images must be N×H×W (grey) or N×H×W×C with C = 1 or 3, not 7×8×8×2";
    QTest::newRow("images int16") << Changes{{"images.npy",
                                              npyBytes("<i2", {kRows, 8, 8},
                                                       std::vector<std::int16_t>(kRows * 64))}}
                                  << "images.npy: holds int16 pixels; images must be uint8";
    QTest::newRow("images above 1") << Changes{{"images.npy",
                                                [&] {
                                                    std::vector<float> v(kRows * 64, 0.5f);
                                                    v[100] = 1.5f;
                                                    return npyBytes("<f4", {kRows, 8, 8}, v);
                                                }()}}
                                    << "pixel value 1.500000 at index 100 is outside 0 to 1";

    // metadata.csv.
    QTest::newRow("metadata index beyond the subset")
        << Changes{{"metadata.csv", "subset,index,site\ntrain,4,north\n"}}
        << "metadata.csv: line 2: index \"4\" is not a sample of the";
}

void TestEmbeddings::refusals()
{
    QFETCH(Changes, changes);
    QFETCH(QString, words);
    const QString f = folder("refused");
    writeFolder(f, with(baseFolder(), changes));
    try {
        read(f);
        QFAIL("read");
    } catch (const data::DataError& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.startsWith(f), e.what()); // names the folder or a file in it
        QVERIFY2(message.contains(words), e.what());
        QVERIFY2(!message.contains('\n'), e.what());
    }
}

void TestEmbeddings::holdsEmbeddings()
{
    writeFolder(folder("holds"), baseFolder());
    QVERIFY(data::holdsEmbeddings(folder("holds").toStdString()));
    writeFolder(folder("holds"), with(baseFolder(), {{"labels.npy", QByteArray()}}));
    QVERIFY(!data::holdsEmbeddings(folder("holds").toStdString()));
    QVERIFY(!data::holdsEmbeddings(folder("nowhere").toStdString()));
    QVERIFY(!data::holdsEmbeddings(""));
}

QTEST_GUILESS_MAIN(TestEmbeddings)
#include "tst_embeddings.moc"
