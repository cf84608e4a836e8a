#include "../common/message_of.h"
#include "../common/stored_runs.h"
#include "core/store/run_library.h"
#include "core/store/run_store.h"
#include "core/store/store_error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace mnistx;
namespace fs = std::filesystem;

class TestRunLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void folderNamesSayWhatMadeTheRun();
    void freeFolderNeverOverwrites();
    void listsRunsNewestFirst();
    void renameKeepsTheRun();
    void deleteRemovesOnlyRuns();
    void saveAsKeepsSelectionsAndMarks();
};

using test::storeSmallRun;

void TestRunLibrary::folderNamesSayWhatMadeTheRun()
{
    QCOMPARE(store::runFolderName("Fashion MNIST", "small_cnn", 0),
             std::string("fashion-mnist-small_cnn-19700101-000000"));
    // Path characters and leading dots or dashes never reach the name.
    QCOMPARE(store::runFolderName("../x/", "", 86400 + 3600 + 62),
             std::string("x-19700102-010102"));
    QCOMPARE(store::runFolderName("", "model.pt", 0), std::string("model.pt-19700101-000000"));
}

void TestRunLibrary::freeFolderNeverOverwrites()
{
    QTemporaryDir tmp;
    const std::string root = tmp.path().toStdString();
    QCOMPARE(store::freeRunFolder(root, "a"), root + "/a");
    fs::create_directory(root + "/a");
    QCOMPARE(store::freeRunFolder(root, "a"), root + "/a-2");
    std::ofstream(root + "/a-2") << "a file counts as taken";
    QCOMPARE(store::freeRunFolder(root, "a"), root + "/a-3");
}

void TestRunLibrary::listsRunsNewestFirst()
{
    QTemporaryDir tmp;
    const std::string root = tmp.path().toStdString();
    QVERIFY(store::listRuns(root + "/nowhere").empty());
    QCOMPARE(store::latestRun(root), std::string());

    storeSmallRun(root + "/old", "2026-11-01T10:00:00Z", "/data/mnist");
    storeSmallRun(root + "/new", "2026-12-07T09:30:00Z", "/data/fashion/",
                  [](store::RunData& run) { run.importedModel = "/models/resnet.pt"; });
    storeSmallRun(root + "/middle", "2026-12-01T00:00:00Z", "/somewhere/emb",
                  [](store::RunData& run) { run.datasetFormat = "embeddings"; });
    storeSmallRun(root + "/damaged", "2026-12-31T00:00:00Z", "/data/mnist");
    std::ofstream(root + "/damaged/summary.json", std::ios::trunc) << "{\"created_at\": ";
    fs::create_directory(root + "/not-a-run"); // no run.bin: not listed
    std::ofstream(root + "/stray.txt") << "a file";

    const std::vector<store::RunEntry> runs = store::listRuns(root);
    QCOMPARE(runs.size(), std::size_t(4));
    QCOMPARE(runs[0].name, std::string("new"));
    QCOMPARE(runs[0].dir, root + "/new");
    QCOMPARE(runs[0].dataset, std::string("fashion"));
    QCOMPARE(runs[0].model, std::string("resnet.pt (TorchScript)"));
    QCOMPARE(runs[0].createdAt, std::string("2026-12-07T09:30:00Z"));
    QCOMPARE(runs[0].sampleCount, 40);
    const store::RunData stored = store::loadRun(root + "/new");
    QCOMPARE(runs[0].validationAccuracy, stored.validation.accuracy);
    QVERIFY(runs[0].problem.empty());
    QCOMPARE(runs[1].name, std::string("middle"));
    QCOMPARE(runs[1].model, std::string("embeddings"));
    QCOMPARE(runs[2].name, std::string("old"));
    QCOMPARE(runs[2].dataset, std::string("mnist"));
    QVERIFY2(runs[2].model.find("(trained)") != std::string::npos, runs[2].model.c_str());
    // The newest by date, but its summary is damaged: listed last, saying why.
    QCOMPARE(runs[3].name, std::string("damaged"));
    QVERIFY2(runs[3].problem.find("summary.json") != std::string::npos, runs[3].problem.c_str());
    QCOMPARE(store::latestRun(root), root + "/new");
}

void TestRunLibrary::renameKeepsTheRun()
{
    QTemporaryDir tmp;
    const std::string root = tmp.path().toStdString();
    storeSmallRun(root + "/a", "2026-12-07T09:30:00Z", "/data/mnist");
    storeSmallRun(root + "/b", "2026-12-07T09:31:00Z", "/data/mnist");
    const std::string renamed = store::renameRun(root + "/a", "baseline");
    QCOMPARE(renamed, root + "/baseline");
    QVERIFY(store::hasRun(renamed));
    QVERIFY(!fs::exists(root + "/a"));
    store::loadRun(renamed); // whole and readable

    for (const std::string bad : {"", ".", "..", "x/y", "b"}) {
        const QString message = test::messageOf([&] { store::renameRun(renamed, bad); });
        QVERIFY2(!message.isEmpty(), bad.c_str());
        QVERIFY(store::hasRun(renamed)); // nothing moved
    }
    QVERIFY(test::messageOf([&] { store::renameRun(renamed, "b"); }).contains("already exists"));
    QVERIFY(store::hasRun(root + "/b"));
}

void TestRunLibrary::deleteRemovesOnlyRuns()
{
    QTemporaryDir tmp;
    const std::string root = tmp.path().toStdString();
    fs::create_directory(root + "/notes");
    std::ofstream(root + "/notes/keep.txt") << "mine";
    const QString refused = test::messageOf([&] { store::deleteRun(root + "/notes"); });
    QVERIFY2(refused.contains("not a run folder"), qPrintable(refused));
    QVERIFY(fs::exists(root + "/notes/keep.txt"));

    storeSmallRun(root + "/run", "2026-12-07T09:30:00Z", "/data/mnist");
    store::deleteRun(root + "/run");
    QVERIFY(!fs::exists(root + "/run"));
    QVERIFY(store::listRuns(root).empty());
}

void TestRunLibrary::saveAsKeepsSelectionsAndMarks()
{
    QTemporaryDir tmp;
    const QString from = tmp.filePath("a"), to = tmp.filePath("b");
    QVERIFY(QDir().mkpath(from) && QDir().mkpath(to));
    auto write = [](const QString& path, const QByteArray& text) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    };
    auto read = [](const QString& path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    };
    write(from + "/selections.json", "{\"saved\": 1}\n");
    write(from + "/label_marks.json", "{\"marks\": 1}\n");
    write(to + "/label_marks.json", "{\"theirs\": 1}\n"); // the target's own: kept
    const auto copied = store::copyRunKeepsakes(from.toStdString(), to.toStdString());
    QCOMPARE(copied, (std::vector<std::string>{"selections.json"}));
    QCOMPARE(read(to + "/selections.json"), QByteArray("{\"saved\": 1}\n"));
    QCOMPARE(read(to + "/label_marks.json"), QByteArray("{\"theirs\": 1}\n"));
    // Nothing to copy: nothing happens.
    QVERIFY(store::copyRunKeepsakes(tmp.filePath("none").toStdString(), to.toStdString()).empty());
    // A target that cannot be written is named.
    QVERIFY(QFile::remove(to + "/selections.json"));
    QVERIFY(test::messageOf([&] {
                store::copyRunKeepsakes(from.toStdString(), tmp.filePath("gone/x").toStdString());
            }).contains("selections.json"));
}

QTEST_GUILESS_MAIN(TestRunLibrary)
#include "tst_run_library.moc"
