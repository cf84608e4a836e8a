// IDX reader: real MNIST (counts, labels, pixel checksum, gzip) and synthetic
// files for every way a file can be bad, each in plain and gzip form.

#include "../common/unprivileged_scope.h"
#include "core/data/dataset.h"
#include "core/data/idx_reader.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <array>
#include <numeric>
#include <optional>
#include <vector>
#include <zlib.h>

using namespace mnistx;

namespace
{

// How a written gzip file is damaged afterwards, to imitate a broken download.
enum class Damage { None, CutInHalf, FlipMiddle, ReservedBlockType };

// An IDX file: magic (0, 0, type, dimension count), big-endian dims, payload.
QByteArray idxFile(const std::vector<quint32>& dims, const QByteArray& payload, quint8 type = 0x08)
{
    QByteArray bytes;
    bytes.append('\0').append('\0');
    bytes.append(static_cast<char>(type)).append(static_cast<char>(dims.size()));
    for (const quint32 d : dims) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.append(static_cast<char>((d >> shift) & 0xFF));
    }
    return bytes + payload;
}

QByteArray bytesOf(std::initializer_list<int> values)
{
    QByteArray bytes;
    for (const int v : values)
        bytes.append(static_cast<char>(v));
    return bytes;
}

// Deterministic stand-in pixels: mostly background with strokes, like MNIST,
// so deflate compresses them the way it compresses real digits.
QByteArray strokePixels(int n)
{
    QByteArray bytes(n, '\0');
    quint32 state = 12345;
    for (int i = 0; i < n; ++i) {
        state = state * 1664525u + 1013904223u; // Numerical Recipes LCG
        if ((state >> 28) < 5)
            bytes[i] = static_cast<char>(state >> 20);
    }
    return bytes;
}

QByteArray labelsFor(int n)
{
    QByteArray bytes(n, '\0');
    for (int i = 0; i < n; ++i)
        bytes[i] = static_cast<char>(i % 10);
    return bytes;
}

// gzip at level 1: the tests need gzip files, not small ones, and the real
// MNIST images take seconds at level 9.
bool writeFile(const QString& path, const QByteArray& bytes, bool gzip)
{
    if (!gzip) {
        QFile file(path);
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
               file.write(bytes) == bytes.size();
    }
    gzFile gz = gzopen(QFile::encodeName(path).constData(), "wb1");
    if (!gz)
        return false;
    const bool written =
        bytes.isEmpty() || gzwrite(gz, bytes.constData(), static_cast<unsigned>(bytes.size())) ==
                               static_cast<int>(bytes.size());
    return gzclose(gz) == Z_OK && written;
}

// Appends a second gzip member, as `cat a.gz b.gz` would.
bool appendGzipMember(const QString& path, const QByteArray& bytes)
{
    gzFile gz = gzopen(QFile::encodeName(path).constData(), "ab1");
    if (!gz)
        return false;
    const bool written = gzwrite(gz, bytes.constData(), static_cast<unsigned>(bytes.size())) ==
                         static_cast<int>(bytes.size());
    return gzclose(gz) == Z_OK && written;
}

bool damageFile(const QString& path, Damage damage)
{
    if (damage == Damage::None)
        return true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QByteArray bytes = file.readAll();
    file.close();
    if (damage == Damage::CutInHalf) {
        bytes.truncate(bytes.size() / 2);
    } else if (damage == Damage::ReservedBlockType) {
        // Byte 10 starts the deflate data (after gzip's 10-byte header); bits 1-2
        // are the block type, and 3 is reserved.
        bytes[10] = static_cast<char>(bytes[10] | 0x06);
    } else {
        const int middle = bytes.size() / 2;
        for (int i = middle - 4; i < middle + 4; ++i)
            bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
    }
    return writeFile(path, bytes, false);
}

// The DataError message f throws, or a marker when it throws none.
template <typename F> QString dataErrorFrom(F&& f)
{
    try {
        f();
    } catch (const data::DataError& e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("<no DataError thrown>");
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

class TestIdxReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void realMnistShapes();
    void realMnistFirstLabels_data();
    void realMnistFirstLabels();
    void realMnistClassCounts();
    void realMnistPixelChecksum();
    void realMnistGzipReadsIdentically_data();
    void realMnistGzipReadsIdentically();

    void goodSyntheticReadsBack_data();
    void goodSyntheticReadsBack();
    void readIdxKeepsAnyShape();
    void folderSpellings_data();
    void folderSpellings();

    void badFiles_data();
    void badFiles();
    void missingFile();
    void folderGivenAsFile();
    void unreadableFile();
    void missingFolder();
    void missingFileInFolder();

private:
    const data::DatasetSplits* realMnist();
    QString newPath(const QString& name);

    QTemporaryDir m_dir;
    int m_serial = 0;
    std::optional<data::DatasetSplits> m_mnist;
    bool m_mnistTried = false;
    QString m_mnistError;
};

// Skips without MNIST, but a folder that exists and does not load is a failure.
#define REQUIRE_REAL_MNIST(var)                                                                    \
    const data::DatasetSplits* var = realMnist();                                                  \
    if (!m_mnistError.isEmpty())                                                                   \
        QFAIL(qPrintable(m_mnistError));                                                           \
    if (!var)                                                                                      \
        QSKIP("real MNIST not found: set MNISTX_DATA_DIR to the folder with the IDX files");

const data::DatasetSplits* TestIdxReader::realMnist()
{
    if (!m_mnistTried) {
        m_mnistTried = true;
        const QString folder = qEnvironmentVariable("MNISTX_DATA_DIR");
        if (!folder.isEmpty() && QDir(folder).exists()) {
            try {
                m_mnist = data::loadMnistFolder(folder.toStdString());
            } catch (const std::exception& e) {
                m_mnistError = QString::fromUtf8(e.what());
            }
        }
    }
    return m_mnist ? &*m_mnist : nullptr;
}

QString TestIdxReader::newPath(const QString& name)
{
    return m_dir.filePath(QString::number(++m_serial) + QLatin1Char('-') + name);
}

void TestIdxReader::initTestCase()
{
    QVERIFY2(m_dir.isValid(), qPrintable(m_dir.errorString()));
}

void TestIdxReader::realMnistShapes()
{
    REQUIRE_REAL_MNIST(mnist);
    QCOMPARE(mnist->train.count, 60000);
    QCOMPARE(mnist->train.rows, 28);
    QCOMPARE(mnist->train.cols, 28);
    QCOMPARE(mnist->train.classCount, 10);
    QCOMPARE(mnist->train.images.size(), std::size_t{60000} * 28 * 28);
    QCOMPARE(mnist->train.labels.size(), std::size_t{60000});
    QVERIFY(q(mnist->train.imagesPath).endsWith(QLatin1String("train-images-idx3-ubyte")));
    QVERIFY(q(mnist->train.labelsPath).endsWith(QLatin1String("train-labels-idx1-ubyte")));

    QCOMPARE(mnist->validation.count, 10000);
    QCOMPARE(mnist->validation.rows, 28);
    QCOMPARE(mnist->validation.cols, 28);
    QCOMPARE(mnist->validation.images.size(), std::size_t{10000} * 28 * 28);
    QVERIFY(q(mnist->validation.imagesPath).endsWith(QLatin1String("t10k-images-idx3-ubyte")));
    QCOMPARE(q(mnist->folder), qEnvironmentVariable("MNISTX_DATA_DIR"));
}

void TestIdxReader::realMnistFirstLabels_data()
{
    QTest::addColumn<bool>("train");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("train") << true << bytesOf({5, 0, 4, 1, 9, 2, 1, 3, 1, 4});
    QTest::newRow("validation") << false << bytesOf({7, 2, 1, 0, 4, 1, 4, 9});
}

void TestIdxReader::realMnistFirstLabels()
{
    QFETCH(bool, train);
    QFETCH(QByteArray, expected);
    REQUIRE_REAL_MNIST(mnist);
    const data::Dataset& set = train ? mnist->train : mnist->validation;
    QByteArray first;
    for (int i = 0; i < expected.size(); ++i)
        first.append(static_cast<char>(set.labels[static_cast<std::size_t>(i)]));
    QCOMPARE(first, expected);
}

void TestIdxReader::realMnistClassCounts()
{
    REQUIRE_REAL_MNIST(mnist);
    std::array<int, 10> perClass{};
    for (const std::uint8_t label : mnist->train.labels)
        ++perClass.at(label);
    QCOMPARE(std::accumulate(perClass.begin(), perClass.end(), 0), 60000);
    QCOMPARE(perClass[1], 6742); // the most frequent digit in MNIST's training set
}

void TestIdxReader::realMnistPixelChecksum()
{
    REQUIRE_REAL_MNIST(mnist);
    // Independently: python3 -c "print(sum(open('train-images-idx3-ubyte','rb').read()[16:]))"
    const qint64 expected = 1567298545;
    const qint64 sum =
        std::accumulate(mnist->train.images.begin(), mnist->train.images.end(), qint64{0});
    QCOMPARE(sum, expected);
}

void TestIdxReader::realMnistGzipReadsIdentically_data()
{
    QTest::addColumn<bool>("images");
    QTest::addColumn<std::vector<std::uint32_t>>("dims");
    QTest::newRow("train labels") << false << std::vector<std::uint32_t>{60000};
    // 47 MB of pixels: many input chunks through zlib, not just one.
    QTest::newRow("train images") << true << std::vector<std::uint32_t>{60000, 28, 28};
}

void TestIdxReader::realMnistGzipReadsIdentically()
{
    QFETCH(bool, images);
    QFETCH(std::vector<std::uint32_t>, dims);
    REQUIRE_REAL_MNIST(mnist);
    const std::string plainPath = images ? mnist->train.imagesPath : mnist->train.labelsPath;
    QFile plain(q(plainPath));
    QVERIFY(plain.open(QIODevice::ReadOnly));
    const QString gzPath = newPath(QFileInfo(plain).fileName() + QLatin1String(".gz"));
    QVERIFY(writeFile(gzPath, plain.readAll(), true));
    QVERIFY(QFileInfo(gzPath).size() < plain.size()); // really compressed

    const data::IdxArray fromGzip = data::readIdx(gzPath.toStdString());
    QCOMPARE(fromGzip.dims, dims);
    const auto& labels = mnist->train.labels;
    QVERIFY(images ? fromGzip.data == mnist->train.images
                   : std::equal(fromGzip.data.begin(), fromGzip.data.end(), labels.begin(),
                                labels.end()));
}

void TestIdxReader::goodSyntheticReadsBack_data()
{
    QTest::addColumn<int>("gzipMembers"); // 0: plain file
    QTest::newRow("raw") << 0;
    QTest::newRow("gzip") << 1;
    QTest::newRow("gzip, header and payload in two members") << 2;
}

void TestIdxReader::goodSyntheticReadsBack()
{
    QFETCH(int, gzipMembers);
    const bool gzip = gzipMembers > 0;
    const QByteArray pixels = bytesOf({0, 1, 2, 3, 255, 128, 64, 32, 9, 8, 7, 6});
    const QByteArray labels = bytesOf({7, 0, 9});
    // No ".gz" suffix even for gzip: the reader goes by the file's magic bytes.
    const QString imagesPath = newPath(QStringLiteral("images.idx3-ubyte"));
    const QString labelsPath = newPath(QStringLiteral("labels.idx1-ubyte"));
    if (gzipMembers == 2) {
        QVERIFY(writeFile(imagesPath, idxFile({3, 2, 2}, {}), true));
        QVERIFY(appendGzipMember(imagesPath, pixels));
    } else {
        QVERIFY(writeFile(imagesPath, idxFile({3, 2, 2}, pixels), gzip));
    }
    QVERIFY(writeFile(labelsPath, idxFile({3}, labels), gzip));

    const data::Dataset d =
        data::readIdxImagesAndLabels(imagesPath.toStdString(), labelsPath.toStdString());
    QCOMPARE(d.count, 3);
    QCOMPARE(d.rows, 2);
    QCOMPARE(d.cols, 2);
    QCOMPARE(d.classCount, 10);
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(d.images.data()), int(d.images.size())),
             pixels);
    QByteArray labelBytes;
    for (const data::ClassLabel l : d.labels)
        labelBytes.append(static_cast<char>(l));
    QCOMPARE(labelBytes, labels);
    QCOMPARE(d.image(1)[0], std::uint8_t{255});
    QCOMPARE(q(d.imagesPath), imagesPath);
    QCOMPARE(q(d.labelsPath), labelsPath);

    const data::IdxArray raw = data::readIdx(imagesPath.toStdString());
    QCOMPARE(raw.dims, (std::vector<std::uint32_t>{3, 2, 2}));
    QCOMPARE(raw.data.size(), std::size_t{12});
}

void TestIdxReader::readIdxKeepsAnyShape()
{
    const QString path = newPath(QStringLiteral("matrix.idx2-ubyte"));
    QVERIFY(writeFile(path, idxFile({4, 5}, strokePixels(20)), false));
    const data::IdxArray a = data::readIdx(path.toStdString());
    QCOMPARE(a.dims, (std::vector<std::uint32_t>{4, 5}));
    QCOMPARE(a.data.size(), std::size_t{20});
}

void TestIdxReader::folderSpellings_data()
{
    QTest::addColumn<QString>("separator"); // between "train-images" and "idx3-ubyte"
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<bool>("gzip");
    const QString gz = QStringLiteral(".gz");
    QTest::newRow("plain") << QStringLiteral("-") << QString() << false;
    QTest::newRow(".gz") << QStringLiteral("-") << gz << true;
    QTest::newRow("dot spelling") << QStringLiteral(".") << QString() << false;
    QTest::newRow("dot spelling .gz") << QStringLiteral(".") << gz << true;
    // Some browsers unpack downloads but keep the name: content decides, not the suffix.
    QTest::newRow("unpacked but named .gz") << QStringLiteral("-") << gz << false;
}

void TestIdxReader::folderSpellings()
{
    QFETCH(QString, separator);
    QFETCH(QString, suffix);
    QFETCH(bool, gzip);
    const QString folder = newPath(QStringLiteral("mnist"));
    QVERIFY(QDir().mkpath(folder));
    const auto name = [&](const char* stem, const char* format) {
        return folder + QLatin1Char('/') + QLatin1String(stem) + separator + QLatin1String(format) +
               suffix;
    };
    QVERIFY(
        writeFile(name("train-images", "idx3-ubyte"), idxFile({5, 3, 2}, strokePixels(30)), gzip));
    QVERIFY(writeFile(name("train-labels", "idx1-ubyte"), idxFile({5}, labelsFor(5)), gzip));
    QVERIFY(
        writeFile(name("t10k-images", "idx3-ubyte"), idxFile({2, 3, 2}, strokePixels(12)), gzip));
    QVERIFY(writeFile(name("t10k-labels", "idx1-ubyte"), idxFile({2}, bytesOf({9, 8})), gzip));

    // Every spelling the loader accepts counts as a folder to offer for training.
    QVERIFY(data::holdsMnistFiles(folder.toStdString()));
    const data::DatasetSplits mnist = data::loadMnistFolder(folder.toStdString());
    QCOMPARE(q(mnist.folder), folder);
    QCOMPARE(mnist.train.count, 5);
    QCOMPARE(mnist.train.rows, 3);
    QCOMPARE(mnist.train.cols, 2);
    QCOMPARE(mnist.train.labels[4], std::uint8_t{4});
    QCOMPARE(q(mnist.train.imagesPath), name("train-images", "idx3-ubyte"));
    QCOMPARE(mnist.validation.count, 2);
    QCOMPARE(mnist.validation.labels[0], std::uint8_t{9});
    QCOMPARE(q(mnist.validation.labelsPath), name("t10k-labels", "idx1-ubyte"));
}

void TestIdxReader::badFiles_data()
{
    QTest::addColumn<QByteArray>("images");
    QTest::addColumn<QByteArray>("labels");
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<int>("damage");      // Damage, applied to the culprit file(s) after writing
    QTest::addColumn<QString>("culprit"); // "images", "labels" or "both": named in the message
    QTest::addColumn<QString>("expected");

    const QByteArray goodImages = idxFile({3, 2, 2}, strokePixels(12));
    const QByteArray goodLabels = idxFile({3}, bytesOf({1, 2, 3}));
    const QByteArray bigImages = idxFile({40, 28, 28}, strokePixels(40 * 28 * 28));
    const QByteArray bigLabels = idxFile({40}, labelsFor(40));
    const auto none = static_cast<int>(Damage::None);
    const QString images = QStringLiteral("images");
    const QString labels = QStringLiteral("labels");
    const QString both = QStringLiteral("both");

    for (const bool gz : {false, true}) {
        const char* form = gz ? "gzip" : "raw";
        const auto row = [&](const char* name) -> QTestData& {
            return QTest::addRow("%s (%s)", name, form);
        };

        row("empty file") << QByteArray() << goodLabels << gz << none << images
                          << QStringLiteral("file is empty");
        row("shorter than the magic") << bytesOf({0, 0, 8}) << goodLabels << gz << none << images
                                      << QStringLiteral("too short to be an IDX file: 3 bytes");
        row("cut inside the header") << goodImages.left(10) << goodLabels << gz << none << images
                                     << QStringLiteral("file ends inside the header");
        row("wrong magic") << bytesOf({0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1}) << goodLabels << gz
                           << none << images
                           << QStringLiteral("magic number is 0x12340803, expected 0x00000803");
        row("unsupported type") << idxFile({3, 2, 2}, QByteArray(48, '\0'), 0x0D) << goodLabels
                                << gz << none << images
                                << QStringLiteral("unsupported element type 0x0D (32-bit float)");
        row("images file has labels magic")
            << goodLabels << goodLabels << gz << none << images
            << QStringLiteral("wrong dimension count: magic number 0x00000801 gives 1, but an "
                              "images file needs 3");
        row("labels file has images magic")
            << goodImages << goodImages << gz << none << labels
            << QStringLiteral("wrong dimension count: magic number 0x00000803 gives 3, but a "
                              "labels file needs 1");
        row("dims overflow 64 bits")
            << idxFile({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {}) << goodLabels << gz << none
            << images
            << QStringLiteral("header claims 4294967295×4294967295×4294967295 bytes of pixels, "
                              "more than any file can hold");
        row("dims claim 100 GB")
            << idxFile({100000, 1000, 1000}, strokePixels(100)) << goodLabels << gz << none
            << images
            << (gz ? QStringLiteral("header claims 100000×1000×1000 = 100000000000 bytes of "
                                    "pixels, more than a gzip file of")
                   : QStringLiteral("header claims 100000×1000×1000 = 100000000000 bytes of "
                                    "pixels but the file holds only 100: it is truncated"));
        row("labels claim 4 billion")
            << goodImages << idxFile({0xFFFFFFFF}, bytesOf({1, 2, 3})) << gz << none << labels
            << (gz ? QStringLiteral("header claims 4294967295 labels, more than a gzip file of")
                   : QStringLiteral("header claims 4294967295 labels but the file holds only 3"));
        row("zero columns") << idxFile({3, 2, 0}, {}) << goodLabels << gz << none << images
                            << QStringLiteral("invalid rows/cols: the header gives 3 images of "
                                              "2×0 pixels");
        row("truncated pixels")
            << idxFile({3, 2, 2}, strokePixels(5)) << goodLabels << gz << none << images
            << QStringLiteral("header claims 3×2×2 = 12 bytes of pixels but the %1 holds only 5")
                   .arg(gz ? QStringLiteral("gzip data") : QStringLiteral("file"));
        row("truncated labels") << goodImages << idxFile({3}, bytesOf({1, 2})) << gz << none
                                << labels
                                << QStringLiteral("header claims 3 labels but the %1 holds only 2")
                                       .arg(gz ? QStringLiteral("gzip data")
                                               : QStringLiteral("file"));
        row("trailing bytes") << idxFile({3, 2, 2}, strokePixels(14)) << goodLabels << gz << none
                              << images
                              << QStringLiteral("header claims 3×2×2 = 12 bytes of pixels but the "
                                                "%1 holds 14: 2 trailing bytes")
                                     .arg(gz ? QStringLiteral("gzip data")
                                             : QStringLiteral("file"));
        row("count mismatch") << goodImages << idxFile({4}, bytesOf({1, 2, 3, 4})) << gz << none
                              << both
                              << QStringLiteral("images file has 3 images but labels file has "
                                                "4 labels");
        row("label out of range") << idxFile({6, 2, 2}, strokePixels(24))
                                  << idxFile({6}, bytesOf({1, 2, 3, 4, 5, 12})) << gz << none
                                  << labels
                                  << QStringLiteral("label 12 at index 5 is out of range 0..9");
        row("empty dataset") << idxFile({0, 28, 28}, {}) << idxFile({0}, {}) << gz << none << both
                             << QStringLiteral("empty dataset");
    }
    QTest::newRow("truncated gzip (images cut in half)")
        << bigImages << bigLabels << true << static_cast<int>(Damage::CutInHalf) << images
        << QStringLiteral("truncated gzip");
    QTest::newRow("truncated gzip (labels cut in half)")
        << bigImages << bigLabels << true << static_cast<int>(Damage::CutInHalf) << labels
        << QStringLiteral("truncated gzip");
    QTest::newRow("corrupt gzip (bytes flipped mid-file)")
        << bigImages << bigLabels << true << static_cast<int>(Damage::FlipMiddle) << images
        << QStringLiteral("gzip data is corrupt: "); // the exact symptom depends on the zlib build
    QTest::newRow("corrupt gzip (reserved deflate block type)")
        << bigImages << bigLabels << true << static_cast<int>(Damage::ReservedBlockType) << labels
        << QStringLiteral("gzip data is corrupt: invalid block type");
}

void TestIdxReader::badFiles()
{
    QFETCH(QByteArray, images);
    QFETCH(QByteArray, labels);
    QFETCH(bool, gzip);
    QFETCH(int, damage);
    QFETCH(QString, culprit);
    QFETCH(QString, expected);

    const QString imagesPath = newPath(QStringLiteral("images-idx3-ubyte"));
    const QString labelsPath = newPath(QStringLiteral("labels-idx1-ubyte"));
    QVERIFY(writeFile(imagesPath, images, gzip));
    QVERIFY(writeFile(labelsPath, labels, gzip));
    const bool imagesAtFault = culprit != QLatin1String("labels");
    const bool labelsAtFault = culprit != QLatin1String("images");
    if (imagesAtFault)
        QVERIFY(damageFile(imagesPath, static_cast<Damage>(damage)));
    if (labelsAtFault)
        QVERIFY(damageFile(labelsPath, static_cast<Damage>(damage)));

    const QString message = dataErrorFrom(
        [&] { data::readIdxImagesAndLabels(imagesPath.toStdString(), labelsPath.toStdString()); });
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(message.contains(imagesPath) == imagesAtFault, qPrintable(message));
    QVERIFY2(message.contains(labelsPath) == labelsAtFault, qPrintable(message));
}

void TestIdxReader::missingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("no-such-file-idx3-ubyte"));
    const QString message = dataErrorFrom([&] { data::readIdx(path.toStdString()); });
    QVERIFY2(message.startsWith(path + QLatin1String(": file not found")), qPrintable(message));
}

void TestIdxReader::folderGivenAsFile()
{
    const QString message = dataErrorFrom([&] { data::readIdx(m_dir.path().toStdString()); });
    QVERIFY2(message.startsWith(m_dir.path() + QLatin1String(": is a folder, not an IDX file")),
             qPrintable(message));
}

void TestIdxReader::unreadableFile()
{
    const QString path = newPath(QStringLiteral("locked-idx1-ubyte"));
    QVERIFY(writeFile(path, idxFile({3}, bytesOf({1, 2, 3})), false));
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
    // Root reads it anyway: read as "nobody", who must reach the folder for
    // the file's own permissions to be what refuses it.
    QVERIFY(QFile::setPermissions(m_dir.path(), QFile::permissions(m_dir.path()) |
                                                    QFileDevice::ExeOther |
                                                    QFileDevice::ReadOther));
    QString message;
    {
        test::UnprivilegedScope scope;
        QFile probe(path);
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("permissions do not stop this user from reading");
        message = dataErrorFrom([&] { data::readIdx(path.toStdString()); });
    }
    QVERIFY2(message.contains(path + QLatin1String(": cannot open the file: Permission denied")),
             qPrintable(message));
}

void TestIdxReader::missingFolder()
{
    const QString folder = m_dir.filePath(QStringLiteral("no-such-folder"));
    QVERIFY(!data::holdsMnistFiles(folder.toStdString()));
    const QString message = dataErrorFrom([&] { data::loadMnistFolder(folder.toStdString()); });
    QVERIFY2(message.startsWith(folder + QLatin1String(": folder not found")), qPrintable(message));
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
        QVERIFY2(message.contains(QLatin1String(name)), qPrintable(message));
}

void TestIdxReader::missingFileInFolder()
{
    const QString folder = newPath(QStringLiteral("half-mnist"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(writeFile(folder + QLatin1String("/train-images-idx3-ubyte"),
                      idxFile({1, 1, 1}, bytesOf({0})), false));
    QVERIFY(writeFile(folder + QLatin1String("/train-labels-idx1-ubyte"),
                      idxFile({1}, bytesOf({0})), false));
    QVERIFY(writeFile(folder + QLatin1String("/t10k-images-idx3-ubyte.gz"),
                      idxFile({1, 1, 1}, bytesOf({0})), true));

    QVERIFY(!data::holdsMnistFiles(folder.toStdString())); // three of the four files
    const QString message = dataErrorFrom([&] { data::loadMnistFolder(folder.toStdString()); });
    QVERIFY2(message.startsWith(folder + QLatin1String(": MNIST files missing: test labels not "
                                                       "found (looked for t10k-labels-idx1-ubyte, "
                                                       "t10k-labels-idx1-ubyte.gz, "
                                                       "t10k-labels.idx1-ubyte, "
                                                       "t10k-labels.idx1-ubyte.gz)")),
             qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String("train")), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestIdxReader)
#include "tst_idx_reader.moc"
