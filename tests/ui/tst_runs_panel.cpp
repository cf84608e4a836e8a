#include "../common/stored_runs.h"
#include "core/store/run_store.h"
#include "ui/runs/runs_panel.h"

#include <QAction>
#include <QDir>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace mnistx;
using ui::RunsPanel;

class TestRunsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyFolderSaysSo();
    void listsRunsNewestFirst();
    void openRenameDelete();
};

namespace
{

void storeRun(const QString& dir, const std::string& createdAt, const std::string& dataFolder)
{
    test::storeSmallRun(dir.toStdString(), createdAt, dataFolder);
}

QAction* action(RunsPanel& panel, const QString& text)
{
    for (QAction* a : panel.findChildren<QAction*>())
        if (a->text().remove(QLatin1Char('&')) == text)
            return a;
    return nullptr;
}

} // namespace

void TestRunsPanel::emptyFolderSaysSo()
{
    QTemporaryDir tmp;
    RunsPanel panel;
    panel.setFolder(tmp.path());
    QVERIFY(panel.runs().empty());
    QVERIFY(panel.currentRun().isEmpty());
    QVERIFY(!action(panel, QStringLiteral("Open"))->isEnabled());
    QVERIFY(!action(panel, QStringLiteral("Delete…"))->isEnabled());
}

void TestRunsPanel::listsRunsNewestFirst()
{
    QTemporaryDir tmp;
    storeRun(tmp.filePath("older"), "2026-01-02T03:04:05Z", "/data/mnist");
    storeRun(tmp.filePath("newer"), "2026-12-07T09:30:00Z", "/data/fashion");
    storeRun(tmp.filePath("broken"), "2026-12-31T00:00:00Z", "/data/mnist");
    std::ofstream(tmp.filePath("broken/summary.json").toStdString(), std::ios::trunc) << "[";
    RunsPanel panel;
    panel.setFolder(tmp.path());
    QCOMPARE(panel.runs().size(), std::size_t(3));
    QCOMPARE(panel.cellText(0, RunsPanel::NameColumn), QStringLiteral("newer"));
    QCOMPARE(panel.cellText(0, RunsPanel::DatasetColumn), QStringLiteral("fashion"));
    QVERIFY(panel.cellText(0, RunsPanel::ModelColumn).endsWith(QStringLiteral("(trained)")));
    const double accuracy = store::loadRun(tmp.filePath("newer").toStdString()).validation.accuracy;
    QCOMPARE(panel.cellText(0, RunsPanel::AccuracyColumn),
             QLocale().toString(accuracy * 100.0, 'f', 2) + QStringLiteral(" %"));
    QCOMPARE(panel.cellText(0, RunsPanel::SamplesColumn), QLocale().toString(40));
    QVERIFY(panel.cellText(0, RunsPanel::DateColumn).startsWith(QStringLiteral("2026-12-0")));
    QCOMPARE(panel.cellText(1, RunsPanel::NameColumn), QStringLiteral("older"));
    // The damaged summary: listed last, its figures blank (the reason is the tooltip).
    QCOMPARE(panel.cellText(2, RunsPanel::NameColumn), QStringLiteral("broken"));
    QVERIFY(panel.cellText(2, RunsPanel::AccuracyColumn).isEmpty());
    QVERIFY(!panel.runs()[2].problem.empty());
}

void TestRunsPanel::openRenameDelete()
{
    QTemporaryDir tmp;
    storeRun(tmp.filePath("a"), "2026-01-01T00:00:00Z", "/data/mnist");
    storeRun(tmp.filePath("b"), "2026-02-01T00:00:00Z", "/data/mnist");
    RunsPanel panel;
    panel.setFolder(tmp.path(), tmp.filePath("a"));
    QCOMPARE(panel.currentRun(), QDir::cleanPath(tmp.filePath("a"))); // the open run is chosen

    // Open: the chosen run is asked for.
    QSignalSpy open(&panel, &RunsPanel::openRequested);
    panel.setCurrentRun(tmp.filePath("b"));
    action(panel, QStringLiteral("Open"))->trigger();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.first().first().toString(), QDir::cleanPath(tmp.filePath("b")));
    // Enter on the table opens it too.
    auto* table = panel.findChild<QTableView*>();
    QVERIFY(table);
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(open.size(), 2);
    QCOMPARE(open.last().first().toString(), QDir::cleanPath(tmp.filePath("b")));

    // The open run cannot be deleted; another one can.
    panel.setCurrentRun(tmp.filePath("a"));
    QVERIFY(!action(panel, QStringLiteral("Delete…"))->isEnabled());
    QVERIFY(panel.deleteRun(tmp.filePath("a")).contains(QStringLiteral("open run")));
    QVERIFY(QFileInfo::exists(tmp.filePath("a/run.bin")));
    QVERIFY(panel.deleteRun(tmp.filePath("b")).isEmpty());
    QVERIFY(!QFileInfo::exists(tmp.filePath("b")));
    QCOMPARE(panel.runs().size(), std::size_t(1));

    // Renaming the open run: the panel follows it and says so.
    storeRun(tmp.filePath("c"), "2026-03-01T00:00:00Z", "/data/mnist");
    panel.refresh();
    QSignalSpy renamed(&panel, &RunsPanel::runRenamed);
    QVERIFY(panel.renameRun(tmp.filePath("a"), QStringLiteral("c")).contains("already exists"));
    QCOMPARE(renamed.size(), 0);
    QVERIFY(panel.renameRun(tmp.filePath("a"), QStringLiteral("baseline")).isEmpty());
    QCOMPARE(renamed.size(), 1);
    QCOMPARE(renamed.first().at(0).toString(), QDir::cleanPath(tmp.filePath("a")));
    QCOMPARE(renamed.first().at(1).toString(), QDir::cleanPath(tmp.filePath("baseline")));
    QCOMPARE(panel.currentRun(), QDir::cleanPath(tmp.filePath("baseline")));
    QVERIFY(panel.deleteRun(tmp.filePath("baseline")).contains(QStringLiteral("open run")));
    QVERIFY(store::hasRun(tmp.filePath("baseline").toStdString()));
}

QTEST_MAIN(TestRunsPanel)
#include "tst_runs_panel.moc"
