// Datasets of any format in a folder (core/data/dataset_folder): IDX under
// every accepted name (idx3 and idx4, .gz, "test-", prefixes), NumPy in the
// layouts users save (N×H×W, N×H×W×C, N×C×H×W; uint8 and float; any integer
// labels), image folders (PNG and JPEG, grey and RGB, sorted classes,
// sources), class names from classes.txt, and every refusal with its reason:
// shapes that differ, too few or too many classes, a classes.txt of the
// wrong length, a bad image named, a class only the test split has.
// Real MNIST loads the same through loadDataset as through loadMnistFolder.

#include "../common/npy_test_files.h"
#include "core/data/class_names.h"
#include "core/data/dataset_folder.h"
#include "core/data/idx_reader.h"
#include "core/pipeline/pipeline.h"
#include "core/store/exports.h"
#include "core/store/run_store.h"
#include "core/util/json_cursor.h"
#include "mnist_fixture.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cstring>
#include <fstream>
#include <zlib.h>

using namespace mnistx;

namespace
{

void putBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// count images of rows × cols (× channels when > 0: idx4) whose pixel value
// encodes (image, position), and labels image % classes.
void writeIdx(const QString& folder, const QString& imagesName, const QString& labelsName,
              int count, int rows, int cols, int channels, int classes, bool gzip = false)
{
    std::vector<std::uint8_t> images{0, 0, 8, static_cast<std::uint8_t>(channels > 0 ? 4 : 3)};
    for (int d : {count, rows, cols})
        putBigEndian32(images, static_cast<std::uint32_t>(d));
    if (channels > 0)
        putBigEndian32(images, static_cast<std::uint32_t>(channels));
    const int values = rows * cols * std::max(1, channels);
    for (int i = 0; i < count; ++i)
        for (int p = 0; p < values; ++p)
            images.push_back(static_cast<std::uint8_t>((i * 7 + p) % 256));
    std::vector<std::uint8_t> labels{0, 0, 8, 1};
    putBigEndian32(labels, static_cast<std::uint32_t>(count));
    for (int i = 0; i < count; ++i)
        labels.push_back(static_cast<std::uint8_t>(i % classes));
    const auto write = [&](const QString& name, const std::vector<std::uint8_t>& bytes) {
        const std::string path = QDir(folder).filePath(name).toStdString();
        if (gzip) {
            gzFile f = gzopen(path.c_str(), "wb");
            gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
            gzclose(f);
        } else {
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(bytes.data()),
                       static_cast<std::streamsize>(bytes.size()));
        }
    };
    write(imagesName, images);
    write(labelsName, labels);
}

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

// An image of w × h whose pixels encode (index, x, y), grey or RGB.
QImage testImage(int w, int h, bool rgb, int index)
{
    QImage image(w, h, rgb ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int v = (index * 31 + x * 3 + y * 5) % 256;
            if (rgb)
                image.setPixel(x, y, qRgb(v, 255 - v, (v * 7) % 256));
            else
                image.setPixel(x, y, qRgb(v, v, v));
        }
    return image;
}

std::string messageOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const data::DataError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

class TestDatasetFolder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realMnistLoadsAsBefore();
    void idxOfAnySizeAndName();
    void idxWithChannels();
    void numpyLayouts();
    void numpyRefusals();
    void classNamesFromClassesTxt();
    void imageFolders();
    void imageFolderRefusals();
    void imageFoldersDecodeTheSameOnAnyThreadCount();
    void cancelStopsImageDecoding();
    void noDatasetSaysWhatItLooksFor();
    void aRunKeepsClassNamesAndSources();
};

void TestDatasetFolder::realMnistLoadsAsBefore()
{
    MNISTX_REQUIRE_MNIST(mnist);
    const data::DatasetSplits any = data::loadDataset(testing::mnistFolder());
    QCOMPARE(any.format, std::string("IDX"));
    QCOMPARE(any.classCount(), 10);
    QCOMPARE(any.train.count, 60000);
    QCOMPARE(any.validation.count, 10000);
    QCOMPARE(any.train.channels, 1);
    QVERIFY(any.train.images == mnist->train.images);
    QVERIFY(any.validation.labels == mnist->validation.labels);
    QCOMPARE(any.classNames, data::defaultClassNames(10));
    QVERIFY(any.train.sources.empty());
}

void TestDatasetFolder::idxOfAnySizeAndName()
{
    QTemporaryDir dir;
    // Fashion-MNIST's names with gzip, 12×20 images, 5 classes; "test-".
    writeIdx(dir.path(), "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 30, 12, 20, 0,
             5, true);
    writeIdx(dir.path(), "test-images.idx3-ubyte", "test-labels.idx1-ubyte", 10, 12, 20, 0, 5);
    QVERIFY(data::holdsDataset(dir.path().toStdString()));
    const data::DatasetSplits s = data::loadDataset(dir.path().toStdString());
    QCOMPARE(s.format, std::string("IDX"));
    QCOMPARE(s.train.rows, 12);
    QCOMPARE(s.train.cols, 20);
    QCOMPARE(s.classCount(), 5);
    QCOMPARE(s.validation.classCount, 5);
    QCOMPARE(int(s.train.labels[7]), 2);
    QCOMPARE(int(s.train.image(3)[4]), (3 * 7 + 4) % 256);

    // EMNIST's prefixed names; labels 1..26 make 27 classes (0 unused).
    QTemporaryDir emnist;
    writeIdx(emnist.path(), "emnist-letters-train-images-idx3-ubyte",
             "emnist-letters-train-labels-idx1-ubyte", 54, 28, 28, 0, 27);
    writeIdx(emnist.path(), "emnist-letters-test-images-idx3-ubyte",
             "emnist-letters-test-labels-idx1-ubyte", 27, 28, 28, 0, 27);
    QCOMPARE(data::loadDataset(emnist.path().toStdString()).classCount(), 27);

    // Two candidates for one role: which one is meant cannot be guessed.
    writeIdx(emnist.path(), "train-images-idx3-ubyte", "other-labels", 5, 28, 28, 0, 2);
    QVERIFY(messageOf([&] {
                data::loadDataset(emnist.path().toStdString());
            }).find("several files could be the training images") != std::string::npos);

    // Too small and too large images.
    QTemporaryDir tiny;
    writeIdx(tiny.path(), "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 4, 4, 4, 0, 2);
    writeIdx(tiny.path(), "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 4, 4, 4, 0, 2);
    QVERIFY(messageOf([&] {
                data::loadDataset(tiny.path().toStdString());
            }).find("4×4 pixels; each side must be 8 to 256") != std::string::npos);

    // Splits of different sizes.
    QTemporaryDir mixed;
    writeIdx(mixed.path(), "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 4, 28, 28, 0, 2);
    writeIdx(mixed.path(), "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 4, 32, 32, 0, 2);
    QVERIFY(messageOf([&] {
                data::loadDataset(mixed.path().toStdString());
            }).find("the training images are 28×28 grey, the test images 32×32 grey") !=
            std::string::npos);

    // One class only.
    QTemporaryDir one;
    writeIdx(one.path(), "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 4, 28, 28, 0, 1);
    writeIdx(one.path(), "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 4, 28, 28, 0, 1);
    QVERIFY(messageOf([&] {
                data::loadDataset(one.path().toStdString());
            }).find("every label is 0: a classifier needs at least 2 classes") !=
            std::string::npos);
}

void TestDatasetFolder::idxWithChannels()
{
    QTemporaryDir dir;
    writeIdx(dir.path(), "train-images-idx4-ubyte", "train-labels-idx1-ubyte", 6, 32, 32, 3, 3);
    writeIdx(dir.path(), "t10k-images-idx4-ubyte", "t10k-labels-idx1-ubyte", 3, 32, 32, 3, 3);
    const data::DatasetSplits s = data::loadDataset(dir.path().toStdString());
    QCOMPARE(s.train.channels, 3);
    QCOMPARE(s.train.valuesPerImage(), 32 * 32 * 3);
    QCOMPARE(int(s.train.image(2)[100]), (2 * 7 + 100) % 256);

    QTemporaryDir two;
    writeIdx(two.path(), "train-images-idx4-ubyte", "train-labels-idx1-ubyte", 2, 28, 28, 2, 2);
    writeIdx(two.path(), "t10k-images-idx4-ubyte", "t10k-labels-idx1-ubyte", 2, 28, 28, 2, 2);
    QVERIFY(messageOf([&] {
                data::loadDataset(two.path().toStdString());
            }).find("2 channels; 1 (grey) or 3 (RGB)") != std::string::npos);
}

void TestDatasetFolder::numpyLayouts()
{
    // The same RGB images saved channels-last (uint8) and channels-first
    // (float32 = uint8 / 255) load to the same bytes, pixel for pixel.
    QTemporaryDir last, first, grey;
    const QString make =
        QStringLiteral("rng = np.random.default_rng(3)\n"
                       "x = rng.integers(0, 256, size=(%1, 16, 12, 3), dtype=np.uint8)\n"
                       "t = rng.integers(0, 256, size=(5, 16, 12, 3), dtype=np.uint8)\n"
                       "y = np.arange(%1, dtype=np.int64) % 4\n"
                       "yt = np.array([3, 2, 1, 0, 0], dtype=np.int16)\n");
    QString error = test::runNumpy(
        last.path(),
        make.arg(20) +
            "np.save(d + '/train_images.npy', x); np.save(d + '/test_images.npy', t)\n"
            "np.save(d + '/train_labels.npy', y); np.save(d + '/test_labels.npy', yt)\n");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = test::runNumpy(
        first.path(),
        make.arg(20) +
            "f = lambda a: (a.transpose(0, 3, 1, 2) / 255).astype(np.float32)\n"
            "np.save(d + '/train_images.npy', f(x)); np.save(d + '/test_images.npy', f(t))\n"
            "np.save(d + '/train_labels.npy', y.astype(np.uint8)); np.save(d + '/test_labels.npy', "
            "yt)\n");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = test::runNumpy(
        grey.path(),
        make.arg(20) +
            "np.save(d + '/train_images.npy', x[..., 0]); np.save(d + '/test_images.npy', t[..., "
            "0])\n"
            "np.save(d + '/train_labels.npy', y); np.save(d + '/test_labels.npy', yt)\n");
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const data::DatasetSplits a = data::loadDataset(last.path().toStdString());
    const data::DatasetSplits b = data::loadDataset(first.path().toStdString());
    QCOMPARE(a.format, std::string("NumPy"));
    QCOMPARE(a.train.rows, 16);
    QCOMPARE(a.train.cols, 12);
    QCOMPARE(a.train.channels, 3);
    QCOMPARE(a.classCount(), 4);
    QVERIFY(a.train.images == b.train.images);
    QVERIFY(a.validation.images == b.validation.images);
    QVERIFY(a.train.labels == b.train.labels);
    QCOMPARE(int(a.validation.labels[0]), 3);
    QVERIFY(a.notes.empty()); // k/255 floats come back exactly
    const data::DatasetSplits g = data::loadDataset(grey.path().toStdString());
    QCOMPARE(g.train.channels, 1);
    for (int p = 0; p < 16 * 12; ++p)
        QCOMPARE(g.train.image(7)[p], a.train.image(7)[p * 3]);
}

void TestDatasetFolder::numpyRefusals()
{
    struct Case {
        const char* script;
        const char* words;
    };
    const Case cases[] = {
        {"np.save(d + '/train_labels.npy', np.arange(19) % 4)", "20 images but 19 labels"},
        {"np.save(d + '/train_labels.npy', np.arange(20) - 1)",
         "label -1 at index 0 is outside 0 to 999"},
        {"np.save(d + '/train_labels.npy', np.full(20, 1000))", "label 1000 at index 0"},
        {"np.save(d + '/train_labels.npy', np.zeros((20, 1), np.int64))",
         "one integer per image (shape N), not 20×1"},
        {"np.save(d + '/train_labels.npy', np.zeros(20, np.float32))",
         "float32 values where integers"},
        {"np.save(d + '/train_images.npy', np.zeros((20, 16, 12, 5), np.uint8))",
         "N×H×W, N×H×W×C or N×C×H×W with C = 1 or 3, not 20×16×12×5"},
        {"np.save(d + '/train_images.npy', np.zeros((20, 16), np.uint8))", "not 20×16"},
        {"np.save(d + '/train_images.npy', np.full((20, 16, 12), 1.5, np.float32))",
         "outside 0 to 1"},
        {"np.save(d + '/train_images.npy', np.zeros((20, 300, 12), np.uint8))",
         "each side must be 8 to 256"},
        {"np.save(d + '/train_images.npy', np.zeros((20, 16, 12), np.int32))",
         "images must be uint8"},
        {"np.save(d + '/train_images.npy', np.asfortranarray(np.zeros((20, 16, 12), np.uint8)))",
         "Fortran order"},
        {"np.save(d + '/test_images.npy', np.zeros((5, 16, 16), np.uint8))",
         "the training images are 12×16 grey, the test images 16×16 grey"},
    };
    for (const Case& c : cases) {
        QTemporaryDir dir;
        const QString error = test::runNumpy(
            dir.path(),
            QStringLiteral("np.save(d + '/train_images.npy', np.zeros((20, 16, 12), np.uint8))\n"
                           "np.save(d + '/test_images.npy', np.zeros((5, 16, 12), np.uint8))\n"
                           "np.save(d + '/train_labels.npy', np.arange(20) % 4)\n"
                           "np.save(d + '/test_labels.npy', np.arange(5) % 4)\n") +
                QString::fromUtf8(c.script) + "\n");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const std::string message = messageOf([&] { data::loadDataset(dir.path().toStdString()); });
        QVERIFY2(message.find(c.words) != std::string::npos, message.c_str());
        QVERIFY2(message.find(dir.path().toStdString()) == 0, message.c_str());
    }
}

void TestDatasetFolder::classNamesFromClassesTxt()
{
    QTemporaryDir dir;
    writeIdx(dir.path(), "train-images-idx3-ubyte", "train-labels-idx1-ubyte", 9, 28, 28, 0, 3);
    writeIdx(dir.path(), "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 3, 28, 28, 0, 3);
    const QString classes = dir.filePath("classes.txt");
    // A BOM, CRLF, spaces and a trailing empty line are what editors write.
    writeText(classes, "\xEF\xBB\xBFT-shirt/top\r\n  Trouser \r\nAnkle boot\r\n\r\n");
    QCOMPARE(data::loadDataset(dir.path().toStdString()).classNames,
             (std::vector<std::string>{"T-shirt/top", "Trouser", "Ankle boot"}));

    const auto refused = [&](const QByteArray& text, const char* words) {
        writeText(classes, text);
        const std::string message = messageOf([&] { data::loadDataset(dir.path().toStdString()); });
        QVERIFY2(message.find(classes.toStdString()) == 0, message.c_str());
        QVERIFY2(message.find(words) != std::string::npos, message.c_str());
    };
    refused("a\nb\n", "names 2 classes, but the labels have 3 (0 to 2)");
    refused("a\nb\nc\nd\n", "names 4 classes, but the labels have 3");
    refused("a\n\nc\n", "line 2 is empty");
    refused("a\nb\na\n", "line 3 repeats the class name \"a\"");
    refused(QByteArray("a\nb\n") + QByteArray(300, 'x') + "\n", "line 3 is 300 bytes long");
    refused("", "holds no class names");
    refused("a\nb\rc\nd\n", "line 2 holds a control character");
}

void TestDatasetFolder::imageFolders()
{
    QTemporaryDir dir;
    QDir root(dir.path());
    // Classes in unsorted creation order; names sort as bytes.
    const QStringList classes{"zebra", "cat", "dog"};
    for (const QString& split : {QStringLiteral("train"), QStringLiteral("val")})
        for (const QString& c : classes)
            QVERIFY(root.mkpath(split + "/" + c));
    int index = 0;
    for (const QString& c : classes)
        for (int i = 0; i < 3; ++i)
            QVERIFY(testImage(10, 14, true, index++)
                        .save(root.filePath(QStringLiteral("train/%1/%2.png").arg(c).arg(i))));
    QVERIFY(testImage(10, 14, true, 99).save(root.filePath("val/dog/a.png")));
    QVERIFY(testImage(10, 14, true, 98).save(root.filePath("val/cat/b.jpg"), "JPEG", 100));
    writeText(root.filePath("train/cat/notes.txt"), "not an image");
    writeText(root.filePath("train/cat/.hidden.png"), "not even an image");
    writeText(root.filePath("classes.txt"), "x\ny\nz\n"); // ignored: the folders name the classes

    QVERIFY(data::holdsDataset(dir.path().toStdString()));
    const data::DatasetSplits s = data::loadDataset(dir.path().toStdString());
    QCOMPARE(s.format, std::string("image folders"));
    QCOMPARE(s.classNames, (std::vector<std::string>{"cat", "dog", "zebra"}));
    QCOMPARE(s.train.count, 9);
    QCOMPARE(s.validation.count, 2);
    QCOMPARE(s.train.rows, 14);
    QCOMPARE(s.train.cols, 10);
    QCOMPARE(s.train.channels, 3);
    // Sorted classes, sorted files: cat's images (index 3..5) come first.
    QCOMPARE(s.train.sources[0], std::string("train/cat/0.png"));
    QCOMPARE(s.train.sources[8], std::string("train/zebra/2.png"));
    QCOMPARE(int(s.train.labels[0]), 0);
    QCOMPARE(int(s.train.labels[8]), 2);
    QCOMPARE(s.validation.sources, (std::vector<std::string>{"val/cat/b.jpg", "val/dog/a.png"}));
    // The same, named with a trailing slash or through "..".
    for (const QString& spelling :
         {dir.path() + QStringLiteral("/"), dir.path() + QStringLiteral("/train/..")})
        QCOMPARE(data::loadDataset(spelling.toStdString()).train.sources, s.train.sources);
    // PNG is lossless: the bytes are the pixels written.
    // The first image (decoded once, to learn the size) and the last.
    for (const auto& [sample, written] : {std::pair<int, int>{0, 3}, {8, 2}}) {
        const QImage expected = testImage(10, 14, true, written);
        const std::uint8_t* px = s.train.image(sample);
        for (int y = 0; y < 14; ++y)
            for (int x = 0; x < 10; ++x) {
                const QRgb c = expected.pixel(x, y);
                const std::uint8_t* p = px + (y * 10 + x) * 3;
                QCOMPARE(int(p[0]), qRed(c));
                QCOMPARE(int(p[1]), qGreen(c));
                QCOMPARE(int(p[2]), qBlue(c));
            }
    }
    // JPEG at quality 100 is close.
    const QImage cat = testImage(10, 14, true, 98);
    QVERIFY(std::abs(int(s.validation.image(0)[0]) - qRed(cat.pixel(0, 0))) <= 8);
    // The skipped file and the unread classes.txt are said.
    QCOMPARE(s.notes.size(), std::size_t(2));
    QVERIFY(s.notes[0].find("skipped 1 files") != std::string::npos);
    QVERIFY(s.notes[1].find("classes.txt was not read") != std::string::npos);
}

void TestDatasetFolder::imageFolderRefusals()
{
    const auto folder = [](QTemporaryDir& dir, bool rgbOdd, int oddSize) {
        QDir root(dir.path());
        for (const char* c : {"a", "b"}) {
            root.mkpath(QStringLiteral("train/%1").arg(c));
            root.mkpath(QStringLiteral("test/%1").arg(c));
            for (int i = 0; i < 3; ++i)
                testImage(16, 16, false, i)
                    .save(root.filePath(QStringLiteral("train/%1/%2.png").arg(c).arg(i)));
            testImage(16, 16, false, 5).save(root.filePath(QStringLiteral("test/%1/0.png").arg(c)));
        }
        if (rgbOdd)
            testImage(16, 16, true, 1).save(root.filePath("train/b/1.png"));
        if (oddSize > 0)
            testImage(oddSize, 16, false, 1).save(root.filePath("train/a/2.png"));
    };
    const auto refused = [](QTemporaryDir& dir, const std::string& words) {
        const std::string message = messageOf([&] { data::loadDataset(dir.path().toStdString()); });
        QVERIFY2(message.find(words) != std::string::npos, message.c_str());
    };
    {
        QTemporaryDir dir;
        folder(dir, true, 0);
        refused(dir, dir.filePath("train/b/1.png").toStdString() +
                         ": is 16×16 RGB, but the images before it are 16×16 grey");
    }
    {
        // Two odd images: the first in sorted order is named.
        QTemporaryDir dir;
        folder(dir, true, 20);
        refused(dir, dir.filePath("train/a/2.png").toStdString() + ": is 20×16 grey");
    }
    {
        // A photo among the crops: refused by its header's size, named.
        QTemporaryDir dir;
        folder(dir, false, 0);
        QImage photo(4000, 4000, QImage::Format_Grayscale8);
        photo.fill(128);
        QVERIFY(photo.save(dir.filePath("train/b/1.png")));
        refused(dir, dir.filePath("train/b/1.png").toStdString() +
                         ": is 4000×4000 pixels; each side must be 8 to 256");
    }
    {
        // A chunk whose length field claims 1.9 GB in a file of a few hundred
        // bytes: refused before libpng allocates what it claims.
        QTemporaryDir dir;
        folder(dir, false, 0);
        QFile file(dir.filePath("train/a/1.png"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray png = file.readAll();
        file.close();
        png.insert(8 + 25, QByteArray("\x73\x73\x73\x73sPLTshort", 12)); // after IHDR
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(png);
        file.close();
        refused(dir, dir.filePath("train/a/1.png").toStdString() +
                         ": is truncated or damaged: its sPLT chunk declares 1936946035 bytes");
    }
    {
        QTemporaryDir dir;
        folder(dir, false, 0);
        QFile::resize(dir.filePath("train/b/2.png"), 40);
        refused(dir, dir.filePath("train/b/2.png").toStdString() + ": cannot");
    }
    {
        QTemporaryDir dir;
        folder(dir, false, 0);
        QDir(dir.path()).mkpath("test/c");
        testImage(16, 16, false, 1).save(dir.filePath("test/c/0.png"));
        refused(dir, "test/c: is a class the training set does not have");
    }
    {
        QTemporaryDir dir;
        folder(dir, false, 0);
        QDir(dir.path()).mkpath("train/empty");
        refused(dir, "train/empty: holds no PNG or JPEG image");
    }
    {
        QTemporaryDir dir;
        folder(dir, false, 0);
        QDir(dir.filePath("test")).removeRecursively();
        refused(dir, "has train/ but neither test/ nor val/");
    }
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath("train/only");
        QDir(dir.path()).mkpath("test/only");
        testImage(16, 16, false, 1).save(dir.filePath("train/only/0.png"));
        refused(dir, "holds 1 class folders; a classifier needs at least 2");
    }
}

void TestDatasetFolder::imageFoldersDecodeTheSameOnAnyThreadCount()
{
    QTemporaryDir dir;
    QDir root(dir.path());
    for (int c = 0; c < 4; ++c) {
        root.mkpath(QStringLiteral("train/c%1").arg(c));
        root.mkpath(QStringLiteral("test/c%1").arg(c));
        for (int i = 0; i < 100; ++i)
            testImage(12, 12, c % 2 == 0, c * 1000 + i)
                .convertToFormat(QImage::Format_RGB888)
                .save(root.filePath(
                    QStringLiteral("train/c%1/%2.png").arg(c).arg(i, 3, 10, QLatin1Char('0'))));
        testImage(12, 12, true, c)
            .convertToFormat(QImage::Format_RGB888)
            .save(root.filePath(QStringLiteral("test/c%1/x.png").arg(c)));
    }
    const data::DatasetSplits one = data::loadImageFolders(dir.path().toStdString(), 1);
    const data::DatasetSplits two = data::loadImageFolders(dir.path().toStdString(), 2);
    QCOMPARE(one.train.count, 400);
    QVERIFY(one.train.images == two.train.images);
    QVERIFY(one.train.labels == two.train.labels);
    QVERIFY(one.train.sources == two.train.sources);
    QVERIFY(one.validation.images == two.validation.images);
}

void TestDatasetFolder::cancelStopsImageDecoding()
{
    QTemporaryDir dir;
    QDir root(dir.path());
    for (int c = 0; c < 2; ++c) {
        root.mkpath(QStringLiteral("train/%1").arg(c));
        root.mkpath(QStringLiteral("test/%1").arg(c));
        for (int i = 0; i < 300; ++i)
            testImage(16, 16, false, i)
                .save(root.filePath(QStringLiteral("train/%1/%2.png").arg(c).arg(i)));
        testImage(16, 16, false, 0).save(root.filePath(QStringLiteral("test/%1/0.png").arg(c)));
    }
    int calls = 0;
    QVERIFY_THROWS_EXCEPTION(data::LoadCancelled,
                             data::loadImageFolders(dir.path().toStdString(), 2, [&](double f) {
                                 ++calls;
                                 return f < 0.0; // never: stop at the first report
                             }));
    QCOMPARE(calls, 1);
    double last = -1.0;
    data::loadImageFolders(dir.path().toStdString(), 2, [&](double f) {
        last = f;
        return true;
    });
    QVERIFY(last >= 0.0 && last <= 1.0);
}

void TestDatasetFolder::noDatasetSaysWhatItLooksFor()
{
    QTemporaryDir dir;
    writeText(dir.filePath("readme.txt"), "nothing here");
    QVERIFY(!data::holdsDataset(dir.path().toStdString()));
    const std::string message = messageOf([&] { data::loadDataset(dir.path().toStdString()); });
    QVERIFY2(message.find("holds no dataset: expected IDX files") != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("train_images.npy") != std::string::npos, message.c_str());
    QVERIFY2(message.find("train/<class>/*.png") != std::string::npos, message.c_str());
    QVERIFY(messageOf([&] {
                data::loadDataset(dir.filePath("missing").toStdString());
            }).find("folder not found") != std::string::npos);
    QVERIFY(!data::holdsDataset(dir.filePath("missing").toStdString()));
}

void TestDatasetFolder::aRunKeepsClassNamesAndSources()
{
    // Three classes of 28×28 grey PNGs, trained on for one epoch: the run,
    // its summary.json and samples.csv carry the folder names and each
    // image's path.
    QTemporaryDir dir, out;
    QDir root(dir.path());
    const QStringList classes{"bag", "coat", "sandal"};
    for (int c = 0; c < 3; ++c)
        for (const char* split : {"train", "test"}) {
            root.mkpath(QStringLiteral("%1/%2").arg(split, classes[c]));
            for (int i = 0; i < (QLatin1String(split) == QLatin1String("train") ? 12 : 4); ++i)
                testImage(28, 28, false, c * 50 + i)
                    .save(root.filePath(
                        QStringLiteral("%1/%2/%3.png").arg(split, classes[c]).arg(i)));
        }
    pipeline::PipelineConfig config;
    config.dataFolder = dir.path().toStdString();
    config.outDir = out.path().toStdString();
    config.train.epochs = 1;
    config.train.threads = 2;
    config.projection = "pca";
    const auto run = pipeline::runPipeline(config);
    QVERIFY(run);
    QCOMPARE(run->classNames, (std::vector<std::string>{"bag", "coat", "sandal"}));
    QCOMPARE(run->datasetFormat, std::string("image folders"));
    QCOMPARE(run->train.sources.size(), std::size_t(36));
    QCOMPARE(run->validation.sources[5], std::string("test/coat/1.png"));

    const store::RunData stored = store::loadRun(out.path().toStdString());
    QCOMPARE(stored.classNames, run->classNames);
    QVERIFY(stored.train.sources == run->train.sources);

    QFile summary(QDir(out.path()).filePath("summary.json"));
    QVERIFY(summary.open(QIODevice::ReadOnly));
    const json::Value v = json::parse(summary.readAll().toStdString());
    const json::Cursor s(v);
    QCOMPARE(s["dataset_format"].asString(), std::string("image folders"));
    QCOMPARE(s["class_names"].arraySize(), std::size_t(3));
    QCOMPARE(s["class_names"][2].asString(), std::string("sandal"));

    store::writeSamplesCsv(stored, QDir(out.path()).filePath("samples.csv").toStdString());
    QFile csv(QDir(out.path()).filePath("samples.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csv.readAll().trimmed().split('\n');
    QCOMPARE(rows.size(), 1 + 36 + 12);
    // Training row 13: the second class's second image.
    const QList<QByteArray> row = rows[1 + 13].split(',');
    QCOMPARE(row[2], QByteArray("1"));
    QCOMPARE(row[row.size() - 3], QByteArray("coat"));
    QCOMPARE(row.back(), QByteArray("train/coat/1.png"));
}

QTEST_GUILESS_MAIN(TestDatasetFolder)
#include "tst_dataset_folder.moc"
