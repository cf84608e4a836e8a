// Exports: samples.csv (exact header, one row per sample in the documented
// order, values that read back) and features.npy (a valid NumPy 1.0 file with
// the right shape and data, checked by hand and, when NumPy is installed, by
// numpy.load), written atomically, with errors naming the path; exports of a
// run while a re-projection of it runs on another thread are unchanged.

#include "../common/synthetic_run.h"
#include "core/projection/projector_factory.h"
#include "core/projection/quality.h"
#include "core/store/csv_writer.h"
#include "core/store/exports.h"
#include "core/store/run_store.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

using namespace mnistx;

namespace
{

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QString expectedHeader(int classCount)
{
    QString header = QStringLiteral("subset,index,label,prediction,correct,loss");
    for (int c = 0; c < classCount; ++c)
        header += QStringLiteral(",p%1").arg(c);
    for (int c = 0; c < classCount; ++c)
        header += QStringLiteral(",dist%1").arg(c);
    return header + QStringLiteral(",x,y,label_name,prediction_name,source");
}

// |a − b| within what six significant digits keep.
bool closeTo(double printed, float value)
{
    return std::abs(printed - value) <= 1e-5 * std::max(1.0, std::abs(static_cast<double>(value)));
}

std::string toStd(const QString& s)
{
    return s.toStdString();
}

// What write(run, path) puts into a new file `name` in tmp.
template <class Write>
QByteArray writtenBytes(const QTemporaryDir& tmp, const char* name, const store::RunData& run,
                        Write write)
{
    const QString path = tmp.filePath(QLatin1String(name));
    write(run, toStd(path));
    return readBytes(path);
}

// The StoreError message of f(), or "" when it does not throw one.
template <typename F> QString storeError(F&& f)
{
    try {
        f();
    } catch (const store::StoreError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestExports : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvHeaderAndRows();
    void csvHeaderFollowsClassCount();
    void selectedRowsAreRowsOfTheFullTable();
    void csvWriterCells();
    void csvCarriesClassNamesAndSources();
    void npyParsesBack();
    void npyLoadsInNumpy();
    void filesAreReplacedAtomically();
    void unwritablePathNamed();
    void inconsistentRunRefused();
    void fullSizeCsvIsFast();
    void exportsWhileAReprojectionRuns();
};

void TestExports::csvHeaderAndRows()
{
    QTemporaryDir tmp;
    const store::RunData run = test::makeSyntheticRun();
    const QByteArray text = writtenBytes(tmp, "samples.csv", run, [](const auto& r, const auto& p) {
        store::writeSamplesCsv(r, p);
    });
    QVERIFY(text.endsWith('\n'));
    const QList<QByteArray> lines = text.trimmed().split('\n');
    QCOMPARE(QString::fromLatin1(lines[0]), expectedHeader(10));
    QCOMPARE(lines.size(), 1 + 50 + 20);

    // Train rows first, then validation rows, each in index order.
    const auto check = [&](int line, const analysis::SubsetAnalysis& a, const RowMatrixXf& xy,
                           const char* subset, int i) {
        const QList<QByteArray> f = lines[line].split(',');
        QCOMPARE(f.size(), 6 + 10 + 10 + 2 + 3);
        QCOMPARE(f[0], QByteArray(subset));
        QCOMPARE(f[1].toInt(), i);
        QCOMPARE(f[2].toInt(), int(a.labels[static_cast<std::size_t>(i)]));
        QCOMPARE(f[3].toInt(), int(a.predictions[static_cast<std::size_t>(i)]));
        QCOMPARE(f[4], QByteArray(a.correct(i) ? "1" : "0"));
        QVERIFY(closeTo(f[5].toDouble(), a.losses[static_cast<std::size_t>(i)]));
        for (int c = 0; c < 10; ++c) {
            QVERIFY2(closeTo(f[6 + c].toDouble(), a.probabilities(i, c)), f[6 + c].constData());
            QVERIFY2(closeTo(f[16 + c].toDouble(), a.centroidDistances(i, c)),
                     f[16 + c].constData());
        }
        QVERIFY(closeTo(f[26].toDouble(), xy(i, 0)));
        QVERIFY(closeTo(f[27].toDouble(), xy(i, 1)));
        // %.6g: six significant digits, a sign, a point, an exponent at most.
        QVERIFY2(f[26].size() <= 13, f[26].constData());
        // A run without names: the names are the numbers; no sources.
        QCOMPARE(f[28], f[2]);
        QCOMPARE(f[29], f[3]);
        QCOMPARE(f[30], QByteArray());
    };
    check(1, run.train, run.projection.train, "train", 0);
    check(7, run.train, run.projection.train, "train", 6); // a misclassified one
    check(50, run.train, run.projection.train, "train", 49);
    check(51, run.validation, run.projection.validation, "validation", 0);
    check(70, run.validation, run.projection.validation, "validation", 19);
    QCOMPARE(lines[7].split(',')[4], QByteArray("0"));

    // %.6g, not more, not less.
    char expected[32];
    std::snprintf(expected, sizeof expected, "%.6g", double(run.train.losses[3]));
    QCOMPARE(lines[4].split(',')[5], QByteArray(expected));
}

void TestExports::csvHeaderFollowsClassCount()
{
    QTemporaryDir tmp;
    test::SyntheticRunOptions options = test::syntheticRunSized(4, 2, 3);
    const QList<QByteArray> lines =
        writtenBytes(tmp, "three.csv", test::makeSyntheticRun(options),
                     [](const auto& r, const auto& p) { store::writeSamplesCsv(r, p); })
            .trimmed()
            .split('\n');
    QCOMPARE(QString::fromLatin1(lines[0]),
             QStringLiteral("subset,index,label,prediction,correct,loss,p0,p1,p2,dist0,dist1,"
                            "dist2,x,y,label_name,prediction_name,source"));
    QCOMPARE(lines.size(), 1 + 6);
    QCOMPARE(lines[6].split(',').size(), 6 + 3 + 3 + 2 + 3);
}

void TestExports::npyParsesBack()
{
    QTemporaryDir tmp;
    const store::RunData run = test::makeSyntheticRun();
    const QByteArray bytes = writtenBytes(tmp, "features.npy", run, store::writeFeaturesNpy);

    QVERIFY(bytes.startsWith(QByteArray("\x93NUMPY", 6)));
    QCOMPARE(int(bytes[6]), 1); // version 1.0
    QCOMPARE(int(bytes[7]), 0);
    const int headerLength =
        static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    const int dataStart = 10 + headerLength;
    QCOMPARE(dataStart % 64, 0);
    const QByteArray header = bytes.mid(10, headerLength);
    QVERIFY(header.endsWith('\n'));
    QVERIFY2(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (70, 8), }"),
             header.constData());
    QCOMPARE(header.trimmed().size(), QByteArray("{'descr': '<f4', 'fortran_order': False, "
                                                 "'shape': (70, 8), }")
                                          .size());

    QCOMPARE(bytes.size() - dataStart, qsizetype{70 * 8 * 4});
    const char* data = bytes.constData() + dataStart;
    QCOMPARE(std::memcmp(data, run.train.features.data(), 50 * 8 * 4), 0);
    QCOMPARE(std::memcmp(data + 50 * 8 * 4, run.validation.features.data(), 20 * 8 * 4), 0);
}

void TestExports::npyLoadsInNumpy()
{
    // The system Python first: that is where python3-numpy installs.
    QString python = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo::exists(python))
        python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 not installed");
    QProcess probe;
    probe.start(python, {QStringLiteral("-c"), QStringLiteral("import numpy")});
    if (!probe.waitForFinished(60000) || probe.exitCode() != 0)
        QSKIP("NumPy not installed for python3");

    QTemporaryDir tmp;
    const store::RunData run = test::makeSyntheticRun();
    const QString path = tmp.filePath(QStringLiteral("features.npy"));
    store::writeFeaturesNpy(run, toStd(path));
    QProcess process;
    process.start(python, {QStringLiteral("-c"),
                           QStringLiteral("import numpy, sys\n"
                                          "a = numpy.load(sys.argv[1])\n"
                                          "print(a.shape, a.dtype, '%.9g' % a[50, 3])"),
                           path});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    const QString out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    QCOMPARE(out, QStringLiteral("(70, 8) float32 ") +
                      QString::asprintf("%.9g", double(run.validation.features(0, 3))));
}

void TestExports::filesAreReplacedAtomically()
{
    QTemporaryDir tmp;
    const QString csv = tmp.filePath(QStringLiteral("samples.csv"));
    const QString npy = tmp.filePath(QStringLiteral("features.npy"));
    QFile old(csv);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write(QByteArray(1 << 20, '#')); // longer than the new file: no tail may survive
    old.close();
    const store::RunData run = test::makeSyntheticRun();
    store::writeSamplesCsv(run, toStd(csv));
    store::writeFeaturesNpy(run, toStd(npy));
    QVERIFY(!readBytes(csv).contains('#'));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList({QStringLiteral("features.npy"), QStringLiteral("samples.csv")}));
}

void TestExports::unwritablePathNamed()
{
    QTemporaryDir tmp;
    const store::RunData run = test::makeSyntheticRun();
    const QString missing = tmp.filePath(QStringLiteral("no/such/folder/samples.csv"));
    QString message = storeError([&] { store::writeSamplesCsv(run, toStd(missing)); });
    QVERIFY2(message.startsWith(missing + QStringLiteral(": cannot write")), qPrintable(message));

    const QString file = tmp.filePath(QStringLiteral("plain-file"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    const QString below = file + QStringLiteral("/features.npy");
    message = storeError([&] { store::writeFeaturesNpy(run, toStd(below)); });
    QVERIFY2(message.startsWith(below + QStringLiteral(": cannot write")), qPrintable(message));

    // A folder in the way of the file itself.
    const QString folder = tmp.filePath(QStringLiteral("taken.csv"));
    QVERIFY(QDir().mkpath(folder));
    message = storeError([&] { store::writeSamplesCsv(run, toStd(folder)); });
    QVERIFY2(message.startsWith(folder + QStringLiteral(": cannot replace the file")),
             qPrintable(message));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList({QStringLiteral("plain-file")}));
}

void TestExports::inconsistentRunRefused()
{
    QTemporaryDir tmp;
    store::RunData run = test::makeSyntheticRun();
    run.train.probabilities.resize(0, 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             store::writeSamplesCsv(run, toStd(tmp.filePath("a.csv"))));
    run = test::makeSyntheticRun();
    run.validation.features.resize(20, 7);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             store::writeFeaturesNpy(run, toStd(tmp.filePath("a.npy"))));
    QVERIFY(QDir(tmp.path()).isEmpty());
}

void TestExports::fullSizeCsvIsFast()
{
    QTemporaryDir tmp;
    test::SyntheticRunOptions options = test::syntheticRunSized(60000, 10000, 10, 64);
    const store::RunData run = test::makeSyntheticRun(options);
    QElapsedTimer timer;
    timer.start();
    store::writeSamplesCsv(run, toStd(tmp.filePath(QStringLiteral("samples.csv"))));
    const qint64 csvMs = timer.elapsed();
    timer.restart();
    store::writeFeaturesNpy(run, toStd(tmp.filePath(QStringLiteral("features.npy"))));
    const qint64 npyMs = timer.elapsed();
    qDebug("70,000 samples: samples.csv %lld ms, features.npy %lld ms",
           static_cast<long long>(csvMs), static_cast<long long>(npyMs));
    QVERIFY2(csvMs < 1000, "samples.csv for MNIST must take well under a second");
    const QByteArray text = readBytes(tmp.filePath(QStringLiteral("samples.csv")));
    QCOMPARE(text.count('\n'), qsizetype{70001});
}

// "Export during work": the explorer writes samples.csv, features.npy and the
// run itself from the run it shows while the worker re-projects that same run
// (PipelineWorker::reproject: copy it, project with intermediate layouts
// handed to the GUI, evaluate, save). Both sides only read the shared run, so
// every file written during the work equals the one written before it. CI
// runs this under ThreadSanitizer (core_exports.threads), which reports any
// write to what the two threads share.
void TestExports::exportsWhileAReprojectionRuns()
{
    QTemporaryDir tmp;
    // Enough points that the projection outlasts several exports.
    test::SyntheticRunOptions options = test::syntheticRunSized(1500, 500, 10, 16);
    const auto shown = std::make_shared<const store::RunData>(test::makeSyntheticRun(options));
    const auto file = [&](const char* name) {
        return toStd(tmp.filePath(QString::fromLatin1(name)));
    };
    store::writeSamplesCsv(*shown, file("before.csv"));
    store::writeFeaturesNpy(*shown, file("before.npy"));
    const QByteArray csvBefore = readBytes(tmp.filePath(QStringLiteral("before.csv")));
    const QByteArray npyBefore = readBytes(tmp.filePath(QStringLiteral("before.npy")));

    // The worker's side. Layouts cross to this thread as immutable copies, as
    // the worker's layout signal carries them.
    std::mutex layoutMutex;
    std::shared_ptr<const RowMatrixXf> latestLayout;
    std::atomic<int> layoutsHandedOver{0};
    std::atomic<bool> workerDone{false};
    std::string workerError;
    store::RunData reprojected;
    std::thread worker([&] {
        try {
            auto projector = projection::makeProjector("umap", {}, shown->config.seed, 2);
            auto next = std::make_shared<store::RunData>(*shown);
            next->projection =
                projector->project(shown->train.features, shown->validation.features,
                                   [&](const projection::ProjectionProgress& p) {
                                       if (p.layout) {
                                           auto copy =
                                               std::make_shared<const RowMatrixXf>(*p.layout);
                                           std::lock_guard<std::mutex> lock(layoutMutex);
                                           latestLayout = std::move(copy);
                                           ++layoutsHandedOver;
                                       }
                                       return true;
                                   });
            projection::evaluate(next->projection, next->train.features, next->validation.features,
                                 next->train.labels, next->validation.labels);
            store::saveRun(*next, file("reprojected-run"));
            reprojected = *next;
        } catch (const std::exception& e) {
            workerError = e.what();
        }
        workerDone = true;
    });

    // The GUI's side: export the shown run again and again, and read the
    // newest layout the way the map repaints from it.
    int exports = 0;
    int layoutsRead = 0;
    QString mismatch;
    while ((!workerDone.load() || exports < 3) && mismatch.isEmpty()) {
        store::writeSamplesCsv(*shown, file("during.csv"));
        store::writeFeaturesNpy(*shown, file("during.npy"));
        store::saveRun(*shown, file("during-run"));
        if (readBytes(tmp.filePath(QStringLiteral("during.csv"))) != csvBefore)
            mismatch = QStringLiteral("samples.csv of export %1").arg(exports);
        else if (readBytes(tmp.filePath(QStringLiteral("during.npy"))) != npyBefore)
            mismatch = QStringLiteral("features.npy of export %1").arg(exports);
        std::shared_ptr<const RowMatrixXf> layout;
        {
            std::lock_guard<std::mutex> lock(layoutMutex);
            layout = latestLayout;
        }
        if (layout) {
            // No QVERIFY while the worker runs: a failing one would return
            // past the join.
            if (layout->rows() != 2000 || layout->cols() != 2 || !layout->allFinite())
                mismatch = QStringLiteral("a handed-over layout (%1 rows)").arg(layout->rows());
            ++layoutsRead;
        }
        ++exports;
    }
    worker.join();
    QVERIFY2(mismatch.isEmpty(),
             qPrintable(mismatch + QStringLiteral(" is not what it should be")));
    QVERIFY2(workerError.empty(), workerError.c_str());
    QVERIFY(layoutsHandedOver.load() > 0);
    qInfo("%d exports and %d layout reads during the projection", exports, layoutsRead);

    // What each side saved is whole: the shown run unchanged, the worker's
    // run with its new map.
    QCOMPARE(
        QString::fromStdString(test::runDifference(store::loadRun(file("during-run")), *shown)),
        QString());
    QCOMPARE(QString::fromStdString(
                 test::runDifference(store::loadRun(file("reprojected-run")), reprojected)),
             QString());
    QCOMPARE(QString::fromStdString(reprojected.projection.method), QStringLiteral("umap"));
    QVERIFY(reprojected.projection.knnAccuracy >= 0.0);
}

// The selection export is the same table: its header and each of its rows are
// byte for byte the full table's, in the order of the ids given.
void TestExports::selectedRowsAreRowsOfTheFullTable()
{
    QTemporaryDir tmp;
    const store::RunData run = test::makeSyntheticRun(); // 50 train, 20 validation
    const QString all = tmp.filePath(QStringLiteral("all.csv"));
    const QString some = tmp.filePath(QStringLiteral("some.csv"));
    store::writeSamplesCsv(run, toStd(all));
    store::writeSamplesCsv(run, std::vector<int>{55, 3, -1, 70, 49, 3}, toStd(some));
    const QList<QByteArray> full = readBytes(all).split('\n');
    const QList<QByteArray> selected = readBytes(some).split('\n');
    QCOMPARE(selected.size(), 1 + 4 + 1); // header, four rows, "" after the last '\n'
    QCOMPARE(selected[0], full[0]);
    QCOMPARE(selected[1], full[1 + 55]);
    QCOMPARE(selected[2], full[1 + 3]);
    QCOMPARE(selected[3], full[1 + 49]);
    QCOMPARE(selected[4], full[1 + 3]);

    store::writeSamplesCsv(run, std::vector<int>{}, toStd(some));
    QCOMPARE(readBytes(some), full[0] + '\n');
}

void TestExports::csvWriterCells()
{
    store::CsvWriter csv;
    csv.text("a").text("b").text("c").text("d");
    csv.endRow();
    csv.integer(-12).number(0.1f).empty().number(1e-7f);
    csv.endRow();
    csv.number(123456789.0f).number(-0.0f).number(2.5f).integer(9007199254740993LL);
    csv.endRow();
    csv.quoted("T-shirt/top").quoted("a, b").quoted("say \"hi\"").quoted("two\nlines");
    csv.endRow();
    QCOMPARE(csv.str(), std::string("a,b,c,d\n-12,0.1,,1e-07\n1.23457e+08,-0,2.5,9007199254740993\n"
                                    "T-shirt/top,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\"\n"));
}

void TestExports::csvCarriesClassNamesAndSources()
{
    test::SyntheticRunOptions options = test::syntheticRunSized(4, 2, 3);
    store::RunData run = test::makeSyntheticRun(options);
    run.classNames = {"cat", "dog, big", "Ankle boot"};
    run.train.sources = {"train/cat/1.png", "train/dog, big/2.png", "train/x/3.png",
                         "train/x/4.png"};
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("named.csv"));
    store::writeSamplesCsv(run, toStd(path));
    const QList<QByteArray> lines = readBytes(path).trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + 6);
    const auto nameOf = [&](int label) {
        const std::string& n = run.classNames[static_cast<std::size_t>(label)];
        return n.find(',') != std::string::npos ? "\"" + n + "\"" : n;
    };
    for (int i = 0; i < 4; ++i) {
        const QByteArray line = lines[1 + i];
        const std::string expectedEnd =
            "," + nameOf(run.train.labels[static_cast<std::size_t>(i)]) + "," +
            nameOf(run.train.predictions[static_cast<std::size_t>(i)]) + "," +
            (i == 1 ? "\"train/dog, big/2.png\"" : run.train.sources[static_cast<std::size_t>(i)]);
        QVERIFY2(line.endsWith(QByteArray::fromStdString(expectedEnd)), line.constData());
    }
    // The validation rows have no sources: an empty last cell.
    QVERIFY(lines[5].endsWith(','));
}

QTEST_GUILESS_MAIN(TestExports)
#include "tst_exports.moc"
