#include "../common/message_of.h"
#include "core/store/saved_selections.h"
#include "core/store/store_error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace mnistx;
using store::SavedSelection;

class TestSavedSelections : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idsRoundTrip();
    void selectionsSurviveReopening();
    void noFileIsNoSelections();
    void namesAreChecked();
    void badFilesAreRefusedByName();
    void badFilesAreRefusedByName_data();
};

namespace
{

void writeFile(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

void TestSavedSelections::idsRoundTrip()
{
    // Session ids: 0 … 9 training, 10 … 14 validation.
    const SavedSelection s =
        store::selectionOfIds("mix", "lasso", {12, 3, -1, 3, 10, 0, 9, 14}, 10);
    QCOMPARE(s.train, (std::vector<int>{0, 3, 9}));
    QCOMPARE(s.validation, (std::vector<int>{0, 2, 4}));
    QCOMPARE(s.size(), 6);
    QVERIFY(!s.createdAt.empty());
    QCOMPARE(store::idsOfSelection(s, 10), (std::vector<int>{0, 3, 9, 10, 12, 14}));
}

void TestSavedSelections::selectionsSurviveReopening()
{
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString();
    std::vector<SavedSelection> saved = {
        store::selectionOfIds("4 vs 9", "query “label == 4 and prediction == 9”", {1, 5, 61}, 60),
        store::selectionOfIds("name with \"quotes\", é", "", {}, 60),
        store::selectionOfIds("validation only", "lasso", {60, 79}, 60),
    };
    store::saveSelections(saved, dir);
    const auto loaded = store::loadSelections(dir, 60, 20);
    QCOMPARE(loaded.size(), saved.size());
    for (std::size_t k = 0; k < saved.size(); ++k) {
        QCOMPARE(loaded[k].name, saved[k].name);
        QCOMPARE(loaded[k].description, saved[k].description);
        QCOMPARE(loaded[k].createdAt, saved[k].createdAt);
        QCOMPARE(loaded[k].train, saved[k].train);
        QCOMPARE(loaded[k].validation, saved[k].validation);
    }
    QCOMPARE(loaded[0].train, (std::vector<int>{1, 5}));
    QCOMPARE(loaded[0].validation, (std::vector<int>{1}));
    // Written whole: no temporary file is left beside it.
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"selections.json"});
    // A save of fewer replaces the file.
    saved.pop_back();
    store::saveSelections(saved, dir);
    QCOMPARE(store::loadSelections(dir, 60, 20).size(), std::size_t(2));
}

void TestSavedSelections::noFileIsNoSelections()
{
    QTemporaryDir tmp;
    QVERIFY(store::loadSelections(tmp.path().toStdString(), 10, 10).empty());
}

void TestSavedSelections::namesAreChecked()
{
    const std::vector<SavedSelection> existing = {store::selectionOfIds("a", "", {1}, 10)};
    QVERIFY(store::selectionNameProblem("b", existing).empty());
    QCOMPARE(QString::fromStdString(store::selectionNameProblem("a", existing)),
             QString("a selection is already named “a”"));
    QCOMPARE(QString::fromStdString(store::selectionNameProblem("  ", existing)),
             QString("the name is empty"));
    QVERIFY(!store::selectionNameProblem(std::string(101, 'x'), existing).empty());
    QVERIFY(!store::selectionNameProblem("tab\there", existing).empty());
    // A caller that saves a duplicate is told, and nothing is written.
    QTemporaryDir tmp;
    const auto twice = std::vector<SavedSelection>{existing[0], existing[0]};
    QVERIFY(test::messageOf([&] {
                store::saveSelections(twice, tmp.path().toStdString());
            }).contains("already named"));
    QVERIFY(!QFile::exists(tmp.filePath("selections.json")));
}

void TestSavedSelections::badFilesAreRefusedByName_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    const QByteArray head = R"({"format": "mnistx-selections", "version": 1, "selections": )";
    QTest::newRow("not JSON") << QByteArray("{\"format\": ") << "JSON:";
    QTest::newRow("another format")
        << QByteArray(R"({"format": "mnistx-label-marks", "version": 1, "marks": []})")
        << "not a selections file";
    QTest::newRow("a newer version")
        << QByteArray(R"({"format": "mnistx-selections", "version": 2, "selections": []})")
        << "written by a newer MNIST Explorer (format version 2; this one reads up to 1)";
    QTest::newRow("index of another run")
        << head + R"([{"name": "a", "train": [3, 10], "validation": []}]})"
        << "the training index 10 is outside this run's 10 samples";
    QTest::newRow("negative index") << head + R"([{"name": "a", "train": [], "validation": [-1]}]})"
                                    << "the validation index -1 is outside";
    QTest::newRow("indices out of order")
        << head + R"([{"name": "a", "train": [3, 2], "validation": []}]})"
        << "indices must ascend without repeats";
    QTest::newRow("repeated name")
        << head +
               R"([{"name": "a", "train": [], "validation": []}, {"name": "a", "train": [], "validation": []}]})"
        << "a selection is already named “a”";
    QTest::newRow("missing list") << head + R"([{"name": "a", "train": []}]})"
                                  << "validation";
    QTest::newRow("a number for a name")
        << head + R"([{"name": 3, "train": [], "validation": []}]})"
        << "expected a string";
}

void TestSavedSelections::badFilesAreRefusedByName()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    writeFile(tmp.filePath("selections.json"), text);
    const QString what =
        test::messageOf([&] { store::loadSelections(tmp.path().toStdString(), 10, 10); });
    QVERIFY2(what.contains(message), qPrintable(what));
    QVERIFY2(what.contains("selections.json"), qPrintable(what));
}

QTEST_GUILESS_MAIN(TestSavedSelections)
#include "tst_saved_selections.moc"
