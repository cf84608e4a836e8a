// Bad input everywhere: each mistake a user can make with the data folder,
// a stored run, the disk or the command line gives one clear message (one
// line, naming the file, folder or option at fault), and the core stays
// usable: a good run works right after all of them.

#include "../common/idx_test_files.h"
#include "../common/message_of.h"
#include "../common/synthetic_run.h"
#include "../common/unprivileged_scope.h"
#include "core/data/idx_reader.h"
#include "core/pipeline/command_line.h"
#include "core/pipeline/headless.h"
#include "core/pipeline/pipeline.h"
#include "core/store/run_store.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

using namespace mnistx;

namespace
{

std::vector<std::uint8_t> idx(const std::vector<std::uint32_t>& dims,
                              const std::vector<std::uint8_t>& payload)
{
    std::vector<std::uint8_t> out{0, 0, 8, static_cast<std::uint8_t>(dims.size())};
    for (const std::uint32_t d : dims)
        testing::putBigEndian32(out, d);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::vector<std::uint8_t> pixels(std::uint32_t count, std::uint32_t rows, std::uint32_t cols)
{
    std::vector<std::uint8_t> out(std::size_t{count} * rows * cols);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>((i * 37) % 256);
    return out;
}

std::vector<std::uint8_t> labels(std::uint32_t count, int classes)
{
    std::vector<std::uint8_t> out(count);
    for (std::uint32_t i = 0; i < count; ++i)
        out[i] = static_cast<std::uint8_t>(i % static_cast<std::uint32_t>(classes));
    return out;
}

std::vector<std::uint8_t> gzipped(const std::vector<std::uint8_t>& bytes)
{
    uLongf size = compressBound(static_cast<uLong>(bytes.size())) + 32;
    std::vector<std::uint8_t> out(size);
    z_stream s{};
    deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); // +16: gzip wrapper
    s.next_in = const_cast<Bytef*>(bytes.data());
    s.avail_in = static_cast<uInt>(bytes.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

// A small MNIST-shaped folder: 60 training and 20 test images of 28×28, every
// digit present. Scenarios then break one thing in it.
struct FakeMnist {
    std::vector<std::uint8_t> trainImages = idx({60, 28, 28}, pixels(60, 28, 28));
    std::vector<std::uint8_t> trainLabels = idx({60}, labels(60, 10));
    std::vector<std::uint8_t> testImages = idx({20, 28, 28}, pixels(20, 28, 28));
    std::vector<std::uint8_t> testLabels = idx({20}, labels(20, 10));

    void write(const QString& folder) const
    {
        QDir().mkpath(folder);
        const std::string f = folder.toStdString();
        testing::writeBytes(f + "/train-images-idx3-ubyte", trainImages);
        testing::writeBytes(f + "/train-labels-idx1-ubyte", trainLabels);
        testing::writeBytes(f + "/t10k-images-idx3-ubyte", testImages);
        testing::writeBytes(f + "/t10k-labels-idx1-ubyte", testLabels);
    }
};

pipeline::PipelineConfig smallConfig(const QString& dataFolder, const QString& outDir = {})
{
    pipeline::PipelineConfig c;
    c.dataFolder = dataFolder.toStdString();
    c.outDir = outDir.toStdString();
    c.train.epochs = 1;
    c.train.batchSize = 16;
    c.train.threads = 1;
    c.projection = "pca";
    c.lossBins = 4;
    c.sanityCount = 20;
    return c;
}

using test::messageOf;

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void dataFolderRefused_data();
    void dataFolderRefused();
    void unreadableRefused_data();
    void unreadableRefused();
    void storedRunRefused_data();
    void storedRunRefused();
    void fullDiskOnSaveKeepsOldRun();
    void commandLineRefused_data();
    void commandLineRefused();
    void goodDataStillWorksAfterwards();
    void anotherClassCountTrains();

private:
    QTemporaryDir m_dir;
    int m_serial = 0;
    QString newPath(const QString& name)
    {
        return m_dir.filePath(QString::number(++m_serial) + name);
    }
};

void TestBadInput::initTestCase()
{
    QVERIFY(m_dir.isValid());
    pipeline::configureThreads(1);
}

void TestBadInput::dataFolderRefused_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("expected"); // part of the one-line message
    QTest::addColumn<QString>("names");    // the file named at the start ("" = the folder)

    QTest::newRow("wrong path") << "missing"
                                << "folder not found"
                                << "";
    QTest::newRow("a file, not a folder") << "file"
                                          << "is not a folder"
                                          << "";
    QTest::newRow("empty folder") << "empty"
                                  << "holds no dataset: expected IDX files"
                                  << "";
    QTest::newRow("labels file of the test set")
        << "test labels"
        << "images file has 60 images but labels file has 20 labels"
        << "train-images-idx3-ubyte";
    QTest::newRow("3 classes") << "3 classes"
                               << "the training labels hold only 3 of the 10 classes"
                               << "train-labels-idx1-ubyte";
    QTest::newRow("splits of two sizes")
        << "32x32 train"
        << "the training images are 32×32 grey, the test images 28×28 grey; both splits need "
           "one size and channel count"
        << "train-images-idx3-ubyte";
    QTest::newRow("empty dataset") << "empty set"
                                   << "empty dataset"
                                   << "train-images-idx3-ubyte";
    QTest::newRow("images and labels swapped") << "swapped"
                                               << "were the images and labels files swapped?"
                                               << "train-images-idx3-ubyte";
    QTest::newRow("truncated download") << "truncated"
                                        << "it is truncated"
                                        << "train-images-idx3-ubyte";
    QTest::newRow("web page saved as the file") << "html"
                                                << "not an IDX file"
                                                << "t10k-images-idx3-ubyte";
    QTest::newRow("cut gzip") << "cut gzip"
                              << "truncated gzip"
                              << "t10k-labels-idx1-ubyte.gz";
    QTest::newRow("metadata.csv naming a sample twice")
        << "metadata twice"
        << "line 3: train sample 1 has a row already"
        << "metadata.csv";
}

void TestBadInput::dataFolderRefused()
{
    QFETCH(QString, scenario);
    QFETCH(QString, expected);
    QFETCH(QString, names);
    const QString folder = newPath(QStringLiteral("-mnist"));
    FakeMnist mnist;
    if (scenario == QLatin1String("file")) {
        testing::writeBytes(folder.toStdString(), {1, 2, 3});
    } else if (scenario == QLatin1String("empty")) {
        QVERIFY(QDir().mkpath(folder));
    } else if (scenario != QLatin1String("missing")) {
        if (scenario == QLatin1String("test labels"))
            mnist.trainLabels = mnist.testLabels;
        else if (scenario == QLatin1String("3 classes"))
            mnist.trainLabels = idx({60}, labels(60, 3));
        else if (scenario == QLatin1String("32x32 train"))
            mnist.trainImages = idx({60, 32, 32}, pixels(60, 32, 32));
        else if (scenario == QLatin1String("empty set")) {
            mnist.trainImages = idx({0, 28, 28}, {});
            mnist.trainLabels = idx({0}, {});
        } else if (scenario == QLatin1String("swapped"))
            std::swap(mnist.trainImages, mnist.trainLabels);
        else if (scenario == QLatin1String("truncated"))
            mnist.trainImages.resize(mnist.trainImages.size() / 2);
        else if (scenario == QLatin1String("html")) {
            const std::string page = "<!DOCTYPE html><html><body>404 Not Found</body></html>\n";
            mnist.testImages.assign(page.begin(), page.end());
        }
        mnist.write(folder);
        if (scenario == QLatin1String("metadata twice"))
            testing::writeBytes(folder.toStdString() + "/metadata.csv",
                                {'s',  'u', 'b',  's', 'e', 't', ',', 'i', 'n', 'd', 'e', 'x',
                                 ',',  'a', '\n', 't', 'r', 'a', 'i', 'n', ',', '1', ',', 'x',
                                 '\n', 't', 'r',  'a', 'i', 'n', ',', '1', ',', 'y', '\n'});
        if (scenario == QLatin1String("cut gzip")) {
            std::vector<std::uint8_t> packed = gzipped(mnist.testLabels);
            packed.resize(packed.size() - 6);
            QVERIFY(QFile::remove(folder + QStringLiteral("/t10k-labels-idx1-ubyte")));
            testing::writeBytes(folder.toStdString() + "/t10k-labels-idx1-ubyte.gz", packed);
        }
    }

    std::atomic<int> batches{0};
    pipeline::PipelineCallbacks callbacks;
    callbacks.onBatch = [&](const training::BatchReport&) { ++batches; };
    const QString message =
        messageOf([&] { pipeline::runPipeline(smallConfig(folder), callbacks); });
    QVERIFY2(!message.isNull(), "the bad data folder was accepted");
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    const QString named = names.isEmpty() ? folder : folder + QLatin1Char('/') + names;
    QVERIFY2(message.startsWith(named), qPrintable(message));
    QCOMPARE(batches.load(), 0); // refused before any training
}

void TestBadInput::unreadableRefused_data()
{
    QTest::addColumn<QString>("locked"); // what loses its permissions ("" = the folder)
    QTest::addColumn<QString>("expected");
    QTest::newRow("unreadable folder") << ""
                                       << "Permission denied";
    QTest::newRow("unreadable images file") << "train-images-idx3-ubyte"
                                            << "Permission denied";
}

void TestBadInput::unreadableRefused()
{
    QFETCH(QString, locked);
    QFETCH(QString, expected);
    // "nobody" must reach the folder for the permissions below to matter.
    QVERIFY(QFile::setPermissions(m_dir.path(), QFile::permissions(m_dir.path()) |
                                                    QFileDevice::ExeOther |
                                                    QFileDevice::ReadOther));
    const QString folder = newPath(QStringLiteral("-locked"));
    FakeMnist().write(folder);
    const QString target = locked.isEmpty() ? folder : folder + QLatin1Char('/') + locked;
    QVERIFY(::chmod(target.toLocal8Bit().constData(), 0) == 0);

    QString message;
    {
        test::UnprivilegedScope scope;
        if (!scope.unprivileged()) {
            ::chmod(target.toLocal8Bit().constData(), 0755);
            QSKIP("runs as root and cannot switch to user nobody: permissions do not apply");
        }
        message = messageOf([&] { data::loadMnistFolder(folder.toStdString()); });
    }
    ::chmod(target.toLocal8Bit().constData(), 0755);
    QVERIFY2(!message.isNull(), "the unreadable data was accepted");
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    QVERIFY2(message.startsWith(target + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestBadInput::storedRunRefused_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("expected");
    QTest::newRow("wrong path") << "missing"
                                << "no stored run in ";
    QTest::newRow("a file, not a folder") << "file"
                                          << "no stored run in ";
    QTest::newRow("run.bin is a folder") << "folder"
                                         << "/run.bin: not a regular file";
    QTest::newRow("empty run.bin") << "empty"
                                   << "/run.bin: the file is empty";
    QTest::newRow("a text file as run.bin") << "text"
                                            << "/run.bin: not an MNIST Explorer run";
    QTest::newRow("cut run.bin") << "cut"
                                 << "/run.bin: the file is truncated";
}

void TestBadInput::storedRunRefused()
{
    QFETCH(QString, scenario);
    QFETCH(QString, expected);
    const QString dir = newPath(QStringLiteral("-run"));
    const std::string runBin = dir.toStdString() + "/run.bin";
    if (scenario == QLatin1String("file"))
        testing::writeBytes(dir.toStdString(), {1});
    else if (scenario == QLatin1String("folder"))
        QVERIFY(QDir().mkpath(QString::fromStdString(runBin)));
    else if (scenario == QLatin1String("empty") || scenario == QLatin1String("text")) {
        QVERIFY(QDir().mkpath(dir));
        const std::string text = scenario == QLatin1String("text") ? "run: 1\n" : "";
        testing::writeBytes(runBin, std::vector<std::uint8_t>(text.begin(), text.end()));
    } else if (scenario == QLatin1String("cut")) {
        store::saveRun(test::makeSyntheticRun(), dir.toStdString());
        QVERIFY(::truncate(runBin.c_str(), 100) == 0);
    }
    const QString message = messageOf([&] { store::loadRun(dir.toStdString()); });
    QVERIFY2(!message.isNull(), "the bad stored run was accepted");
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    QVERIFY2(message.contains(dir), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestBadInput::fullDiskOnSaveKeepsOldRun()
{
    // A full disk, simulated: a file-size limit makes write() fail part-way
    // through run.bin (EFBIG, where a full disk gives ENOSPC), the same path
    // through the store. SIGXFSZ would kill the process instead.
    const QString dir = newPath(QStringLiteral("-full"));
    const store::RunData old = test::makeSyntheticRun();
    store::saveRun(old, dir.toStdString());
    test::SyntheticRunOptions bigger;
    bigger.trainCount = 2000;
    bigger.seed = 5;
    const store::RunData next = test::makeSyntheticRun(bigger);

    rlimit saved{};
    QVERIFY(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit tiny = saved;
    tiny.rlim_cur = 64 * 1024; // well below the new run.bin (~1 MB)
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &tiny) == 0);
    const QString message = messageOf([&] { store::saveRun(next, dir.toStdString()); });
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);

    QVERIFY2(!message.isNull(), "the save on a full disk reported no error");
    QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message));
    QVERIFY2(message.startsWith(dir + QStringLiteral("/run.bin: cannot write: ")),
             qPrintable(message));
    // The previous run is untouched and no temporary file is left.
    QCOMPARE(QString::fromStdString(test::runDifference(old, store::loadRun(dir.toStdString()))),
             QString());
    QCOMPARE(QDir(dir).entryList(QDir::Files), (QStringList{"run.bin", "summary.json"}));
    // With room again, the same save succeeds.
    store::saveRun(next, dir.toStdString());
    QCOMPARE(QString::fromStdString(test::runDifference(next, store::loadRun(dir.toStdString()))),
             QString());
}

void TestBadInput::commandLineRefused_data()
{
    // tst_command_line checks every option; these are the typing slips.
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("word for a count")
        << QStringList{"--epochs", "three"} << "--epochs: 'three' is not a whole number";
    QTest::newRow("leading space")
        << QStringList{"--epochs", " 3"} << "--epochs: ' 3' is not a whole number";
    QTest::newRow("decimal comma")
        << QStringList{"--learning-rate", "0,001"} << "--learning-rate: '0,001' is not a number";
    QTest::newRow("underflow") << QStringList{"--learning-rate", "1e-400"}
                               << "--learning-rate: 1e-400 is out of range (1e-07..10)";
    QTest::newRow("infinite") << QStringList{"--learning-rate", "inf"}
                              << "--learning-rate: inf is out of range (1e-07..10)";
    QTest::newRow("units") << QStringList{"--batch-size", "128px"}
                           << "--batch-size: '128px' is not a whole number";
    QTest::newRow("value forgotten")
        << QStringList{"--seed", "--headless"} << "--seed: '--headless' is not a whole number";
}

void TestBadInput::commandLineRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    std::vector<std::string> argv;
    for (const QString& a : args)
        argv.push_back(a.toStdString());
    try {
        pipeline::parseCommandLine(argv);
        QFAIL("accepted");
    } catch (const std::invalid_argument& e) {
        QCOMPARE(QString::fromUtf8(e.what()), message);
    }
}

void TestBadInput::goodDataStillWorksAfterwards()
{
    const QString folder = newPath(QStringLiteral("-good"));
    FakeMnist().write(folder);
    const QString out = newPath(QStringLiteral("-out"));
    const auto run = pipeline::runPipeline(smallConfig(folder, out));
    QVERIFY(run);
    QCOMPARE(run->train.sampleCount(), 60);
    QCOMPARE(run->validation.sampleCount(), 20);
    QVERIFY(store::hasRun(out.toStdString()));
}

void TestBadInput::anotherClassCountTrains()
{
    // Labels of 26 classes (EMNIST letters) once were refused as a damaged
    // MNIST; now they make a 26-class model, and its run says so.
    FakeMnist letters;
    letters.trainLabels = idx({60}, labels(60, 26));
    letters.testLabels = idx({20}, labels(20, 26));
    const QString folder = newPath(QStringLiteral("-letters"));
    letters.write(folder);
    const QString out = newPath(QStringLiteral("-out"));
    const auto run = pipeline::runPipeline(smallConfig(folder, out));
    QVERIFY(run);
    QCOMPARE(run->train.classCount, 26);
    QCOMPARE(run->validation.classCount, 26);
    QCOMPARE(run->centroids.classCount(), 26);
    QCOMPARE(run->validation.logits.cols(), Eigen::Index(26));
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
