#include "../common/clustered_run.h"
#include "core/store/saved_selections.h"
#include "ui/explorer_session.h"
#include "ui/map/selection_coloring.h"
#include "ui/runs/saved_selections_panel.h"

#include <QAction>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace mnistx;

// The Saved panel over a run folder: selections kept in selections.json
// survive reopening, join, rename, delete; a file it cannot read is named
// and never overwritten; the map's colouring by them.
class TestSavedSelectionsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void selectionsSurviveReopening();
    void addRenameDelete();
    void unreadableFileIsKept();
    void colouringByTags();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::ExplorerSession> m_session;
};

void TestSavedSelectionsPanel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_session = std::make_unique<ui::ExplorerSession>();
    auto run = test::makeClusteredRun(); // 200 training, 50 validation samples
    m_session->setRun(run, test::makeSyntheticImages(*run));
}

void TestSavedSelectionsPanel::selectionsSurviveReopening()
{
    {
        ui::SavedSelectionsPanel panel(m_session.get());
        panel.setRunFolder(m_dir->path());
        QVERIFY(!panel.saveAction()->isEnabled()); // nothing selected
        QVERIFY(!panel.saveSelection("nothing").isEmpty());
        m_session->setSelection({3, 7, 210, 249}, "lasso on the map");
        QVERIFY(panel.saveAction()->isEnabled());
        QCOMPARE(panel.saveSelection("  odd ones  "), QString());
        QCOMPARE(panel.saveSelection("odd ones"),
                 QString("a selection is already named “odd ones”"));
        m_session->setSelection({0}, "");
        QCOMPARE(panel.saveSelection("first"), QString());
    }
    QVERIFY(QFile::exists(m_dir->filePath("selections.json")));
    // Another panel (the app started again) reads them back.
    ui::SavedSelectionsPanel panel(m_session.get());
    panel.setRunFolder(m_dir->path());
    QVERIFY(panel.problem().isEmpty());
    QCOMPARE(panel.selections().size(), std::size_t(2));
    const store::SavedSelection& s = panel.selections()[0];
    QCOMPARE(s.name, std::string("odd ones"));
    QCOMPARE(s.description, std::string("lasso on the map"));
    QCOMPARE(s.train, (std::vector<int>{3, 7}));
    QCOMPARE(s.validation, (std::vector<int>{10, 49}));
    // Opening one makes it the session's selection, named.
    panel.openSelection(0);
    QCOMPARE(m_session->selection(), (QVector<int>{3, 7, 210, 249}));
    QCOMPARE(m_session->selectionDescription(), QString("saved “odd ones”"));
    // Another run (fewer samples) is not judged by this folder's file: the
    // panel waits for the new run's folder, with nothing to report.
    test::ClusteredRunOptions small;
    small.trainCount = 5;
    small.validationCount = 5;
    auto other = test::makeClusteredRun(small);
    m_session->setRun(other, test::makeSyntheticImages(*other));
    QVERIFY(panel.selections().empty());
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    QVERIFY(!panel.saveAction()->isEnabled());
}

void TestSavedSelectionsPanel::addRenameDelete()
{
    ui::SavedSelectionsPanel panel(m_session.get());
    panel.setRunFolder(m_dir->path());
    m_session->setSelection({1, 2}, "");
    QCOMPARE(panel.saveSelection("a"), QString());
    m_session->setSelection({5}, "");
    QCOMPARE(panel.saveSelection("b"), QString());
    // Add To: the union, written at once.
    m_session->setSelection({2, 3, 240}, "");
    QCOMPARE(panel.addSelectionTo(0), QString());
    QCOMPARE(panel.selections()[0].train, (std::vector<int>{1, 2, 3}));
    QCOMPARE(panel.selections()[0].validation, (std::vector<int>{40}));
    QCOMPARE(store::loadSelections(m_dir->path().toStdString(), 200, 50)[0].size(), 4);
    // Rename: not onto another's name; onto its own is no change.
    QVERIFY(panel.renameSelection(0, "b").contains("already named"));
    QCOMPARE(panel.renameSelection(0, "a"), QString());
    QCOMPARE(panel.renameSelection(0, "fours"), QString());
    QCOMPARE(store::loadSelections(m_dir->path().toStdString(), 200, 50)[0].name,
             std::string("fours"));
    QCOMPARE(panel.deleteSelection(1), QString());
    const auto left = store::loadSelections(m_dir->path().toStdString(), 200, 50);
    QCOMPARE(left.size(), std::size_t(1));
    QCOMPARE(left[0].name, std::string("fours"));
    QVERIFY(!panel.deleteSelection(5).isEmpty());
}

void TestSavedSelectionsPanel::unreadableFileIsKept()
{
    const QByteArray newer = R"({"format": "mnistx-selections", "version": 3, "selections": []})";
    {
        QFile f(m_dir->filePath("selections.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(newer);
    }
    ui::SavedSelectionsPanel panel(m_session.get());
    panel.setRunFolder(m_dir->path());
    QVERIFY2(panel.problem().contains("written by a newer MNIST Explorer"),
             qPrintable(panel.problem()));
    m_session->setSelection({1}, "");
    QVERIFY(!panel.saveAction()->isEnabled());
    QVERIFY(panel.saveSelection("x").contains("newer"));
    QFile f(m_dir->filePath("selections.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), newer); // untouched
}

void TestSavedSelectionsPanel::colouringByTags()
{
    std::vector<store::SavedSelection> tags = {
        store::selectionOfIds("first", "", {0, 1, 2}, 4),
        store::selectionOfIds("second", "", {2, 3, 5}, 4),
    };
    const ui::SampleColoring c = ui::savedSelectionColoring(tags, 4, 7);
    // A sample in both takes the first's colour; 4 and 6 are in none.
    QCOMPARE(c.entries, (std::vector<int>{0, 0, 0, 1, 2, 1, 2}));
    QCOMPARE(c.legend.size(), 3);
    QCOMPARE(c.legend[0].name, QString("first"));
    QCOMPARE(c.legend[0].count, 3);
    QCOMPARE(c.legend[1].count, 2);
    QCOMPARE(c.legend[2].count, 2);
    QCOMPARE(c.colours.size(), std::size_t(7));
    QCOMPARE(c.colours[3], c.legend[1].color.rgb());
    QVERIFY(c.legend[0].color != c.legend[1].color);
}

QTEST_MAIN(TestSavedSelectionsPanel)
#include "tst_saved_selections_panel.moc"
