// The label-candidates panel on a synthetic run with deliberately flipped
// labels: it waits for the context's index of the run and its ranking,
// lists the flipped samples at the
// top, saves each mark at once to label_marks.json (which the core reads
// back), reloads the marks with the run, keeps marks made without a run
// folder until it gets one, reports a damaged or unwritable marks file
// without losing or overwriting anything, and exports what it shows.

#include "core/why/feature_index.h"
#include "core/why/label_errors.h"
#include "ui/explorer_session.h"
#include "ui/why/label_candidates_panel.h"
#include "ui/why/why_context.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QFrame>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

// After <QtTest>: the fixture uses QString.
#include "../common/blob_run.h"

#include <memory>
#include <random>
#include <set>

using namespace mnistx;
using ui::LabelCandidatesModel;
using ui::LabelCandidatesPanel;
using ui::LabelCandidatesProxy;

namespace
{

QAction* markAction(const LabelCandidatesPanel& panel, const char* name)
{
    return panel.findChild<QAction*>(QLatin1String(name));
}

constexpr int kFlipped = 30;

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestLabelCandidates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void waitsForTheRunsIndexThenRanks();
    void flippedLabelsAreListedFirst();
    void modelPassesTester();
    void rowClickSetsCurrent();
    void markingSavesMarksFile();
    void keysMarkTheSelectedRow();
    void marksReloadWithTheRun();
    void marksWithoutFolderAreSavedLater();
    void damagedMarksFileIsReportedNotOverwritten();
    void unwritableFolderKeepsMarksInMemory();
    void filtersAndHideMarked();
    void exportsCsv();
    void headersArePlainWordsWithTooltips();

private:
    void waitForRanking(LabelCandidatesPanel& panel);
    std::shared_ptr<const store::RunData> m_run;
    std::set<int> m_flipped; // validation indices
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<ui::WhyContext> m_context;
    std::unique_ptr<LabelCandidatesPanel> m_panel;
};

void TestLabelCandidates::initTestCase()
{
    test::BlobRun blob = test::makeBlobRun({2000, 800, 10, 16, 6.0f, 2.0f, 11});
    // Flip labels of validation samples to another class; features and
    // probabilities keep the true digit, as a mislabeled image would.
    std::mt19937_64 rng(5);
    const int n = blob.run.validation.sampleCount();
    while (static_cast<int>(m_flipped.size()) < kFlipped) {
        const int i = static_cast<int>(rng() % static_cast<std::uint64_t>(n));
        if (!m_flipped.insert(i).second)
            continue;
        auto& label = blob.run.validation.labels[static_cast<std::size_t>(i)];
        label = static_cast<std::uint8_t>((label + 1 + rng() % 9) % 10);
    }
    m_run = std::make_shared<const store::RunData>(std::move(blob.run));
}

void TestLabelCandidates::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_context = std::make_unique<ui::WhyContext>(m_session.get());
    m_panel = std::make_unique<LabelCandidatesPanel>(m_context.get());
    m_panel->resize(900, 600);
}

void TestLabelCandidates::cleanup()
{
    m_panel.reset();
    m_context.reset();
    m_session.reset();
}

void TestLabelCandidates::waitForRanking(LabelCandidatesPanel& panel)
{
    if (panel.state() == LabelCandidatesPanel::State::Ready)
        return;
    QSignalSpy ready(&panel, &LabelCandidatesPanel::candidatesReady);
    QVERIFY(ready.wait(30000));
    QCOMPARE(panel.state(), LabelCandidatesPanel::State::Ready);
}

void TestLabelCandidates::waitsForTheRunsIndexThenRanks()
{
    QCOMPARE(m_panel->state(), LabelCandidatesPanel::State::NoRun);
    // The panel's state when the context has the index and when it starts ranking.
    QList<LabelCandidatesPanel::State> seen;
    connect(m_context.get(), &ui::WhyContext::indexReady, this, [&] { seen << m_panel->state(); });
    connect(m_context.get(), &ui::WhyContext::stepStarted, this, [&](ui::WhyContext::Step step) {
        if (step == ui::WhyContext::Step::Candidates)
            seen << m_panel->state();
    });
    m_session->setRun(m_run, nullptr);
    QCOMPARE(m_panel->state(), LabelCandidatesPanel::State::WaitingForIndex);
    QVERIFY(m_panel->statusText().contains(QStringLiteral("neighbour index")));

    QSignalSpy ready(m_panel.get(), &LabelCandidatesPanel::candidatesReady);
    QVERIFY(ready.wait(30000));
    QCOMPARE(seen, (QList<LabelCandidatesPanel::State>{LabelCandidatesPanel::State::Ranking,
                                                       LabelCandidatesPanel::State::Ranking}));
    QCOMPARE(ready.count(), 1);
    QCOMPARE(m_panel->state(), LabelCandidatesPanel::State::Ready);
    QVERIFY(m_panel->model()->rowCount() >= kFlipped);
    QCOMPARE(ready.first().first().toInt(), m_panel->model()->rowCount());
    QVERIFY(m_panel->statusText().contains(QString::number(m_panel->model()->rowCount())));
}

void TestLabelCandidates::flippedLabelsAreListedFirst()
{
    m_session->setRun(m_run, nullptr);
    waitForRanking(*m_panel);
    int found = 0;
    const int trainCount = m_run->train.sampleCount();
    for (int row = 0; row < kFlipped; ++row) {
        const int id = m_panel->proxy()->idAt(row);
        if (id >= trainCount && m_flipped.count(id - trainCount))
            ++found;
    }
    qInfo("%d of %d flipped labels in the top %d rows of %d", found, kFlipped, kFlipped,
          m_panel->model()->rowCount());
    QVERIFY(found >= kFlipped * 9 / 10);
    // The default view is sorted by score, highest first.
    for (int row = 1; row < m_panel->proxy()->rowCount(); ++row)
        QVERIFY(m_panel->model()->candidate(m_panel->proxy()->sourceRowAt(row - 1)).score >=
                m_panel->model()->candidate(m_panel->proxy()->sourceRowAt(row)).score);
    // The evidence reads as promised.
    const QString vote =
        m_panel->proxy()->index(0, LabelCandidatesModel::NeighbourVoteColumn).data().toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d+/10 say \\d$")).match(vote).hasMatch(),
             qPrintable(vote));
}

void TestLabelCandidates::modelPassesTester()
{
    QAbstractItemModelTester modelTester(m_panel->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(m_panel->proxy(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_session->setRun(m_run, nullptr);
    waitForRanking(*m_panel);
    m_panel->tableView()->selectRow(0);
    m_panel->markSelected(why::LabelMark::Fine);
    m_panel->proxy()->setHideMarked(true);
    m_panel->proxy()->sort(LabelCandidatesModel::IndexColumn, Qt::AscendingOrder);
    m_session->clear();
}

void TestLabelCandidates::rowClickSetsCurrent()
{
    m_session->setRun(m_run, nullptr);
    waitForRanking(*m_panel);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
    QTableView* table = m_panel->tableView();
    const QRect cell = table->visualRect(m_panel->proxy()->index(2, 1));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(m_session->current(), m_panel->proxy()->idAt(2));
    // And back: a current sample chosen elsewhere selects its row.
    const int other = m_panel->proxy()->idAt(5);
    m_session->setCurrent(other);
    QCOMPARE(m_panel->selectedIds(), QVector<int>{other});
}

void TestLabelCandidates::markingSavesMarksFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    m_session->setRun(m_run, nullptr);
    m_panel->setRunDir(dir.path());
    waitForRanking(*m_panel);
    m_panel->tableView()->selectRow(0);
    const why::LabelCandidate first = m_panel->model()->candidate(m_panel->proxy()->sourceRowAt(0));
    QSignalSpy changed(m_panel.get(), &LabelCandidatesPanel::marksChanged);
    QAction* mislabeled = markAction(*m_panel, "markMislabeledAction");
    QVERIFY(mislabeled);
    mislabeled->trigger();
    QCOMPARE(changed.count(), 1);

    const why::LabelMarks saved = why::loadLabelMarks(dir.path().toStdString());
    QCOMPARE(saved.size(), 1);
    const why::LabelMark* mark = saved.find(first.subset, first.index);
    QVERIFY(mark);
    QCOMPARE(*mark, why::LabelMark::ConfirmedMislabeled);
    QCOMPARE(m_panel->proxy()->index(0, LabelCandidatesModel::MarkColumn).data().toString(),
             QStringLiteral("mislabeled"));
    QVERIFY(m_panel->marksErrorText().isEmpty());

    // Clearing it is saved too.
    QAction* clear = markAction(*m_panel, "clearMarkAction");
    QVERIFY(clear);
    clear->trigger();
    QVERIFY(why::loadLabelMarks(dir.path().toStdString()).empty());
}

void TestLabelCandidates::keysMarkTheSelectedRow()
{
    QTemporaryDir dir;
    m_session->setRun(m_run, nullptr);
    m_panel->setRunDir(dir.path());
    waitForRanking(*m_panel);
    m_panel->show();
    m_panel->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
    QTableView* table = m_panel->tableView();
    table->setFocus();
    table->selectRow(1);
    const int id = m_panel->proxy()->idAt(1);
    QTest::keyClick(table, Qt::Key_F);
    const why::LabelMarks saved = why::loadLabelMarks(dir.path().toStdString());
    const why::LabelMark* mark = saved.find(m_session->subsetOf(id), m_session->indexInSubset(id));
    QVERIFY(mark);
    QCOMPARE(*mark, why::LabelMark::Fine);
    QTest::keyClick(table, Qt::Key_L);
    QCOMPARE(*why::loadLabelMarks(dir.path().toStdString())
                  .find(m_session->subsetOf(id), m_session->indexInSubset(id)),
             why::LabelMark::ConfirmedMislabeled);
    QTest::keyClick(table, Qt::Key_U);
    QVERIFY(why::loadLabelMarks(dir.path().toStdString()).empty());
}

void TestLabelCandidates::marksReloadWithTheRun()
{
    QTemporaryDir dir;
    m_session->setRun(m_run, nullptr);
    m_panel->setRunDir(dir.path());
    const int trainCount = m_run->train.sampleCount();
    const int id = trainCount + *m_flipped.begin();
    m_panel->setMark(id, why::LabelMark::ConfirmedMislabeled);

    // The same run opened again: the marks come back from the file.
    m_session->setRun(m_run, nullptr);
    QCOMPARE(m_panel->marks().size(), 1);
    waitForRanking(*m_panel);
    const int row = m_panel->model()->rowOf(id);
    QVERIFY(row >= 0);
    QCOMPARE(m_panel->model()->markAt(row), int(why::LabelMark::ConfirmedMislabeled));

    // A new panel told the folder after the run, and one told before it.
    for (bool folderFirst : {false, true}) {
        ui::ExplorerSession session;
        ui::WhyContext context(&session);
        LabelCandidatesPanel panel(&context);
        if (folderFirst)
            panel.setRunDir(dir.path());
        session.setRun(m_run, nullptr);
        if (!folderFirst)
            panel.setRunDir(dir.path());
        QCOMPARE(panel.marks().size(), 1);
        QVERIFY(panel.marks().find(analysis::Subset::Validation, *m_flipped.begin()));
    }
}

void TestLabelCandidates::marksWithoutFolderAreSavedLater()
{
    QTemporaryDir dir;
    m_session->setRun(m_run, nullptr); // a run only in memory
    const int id = m_run->train.sampleCount() + *m_flipped.rbegin();
    m_panel->setMark(id, why::LabelMark::Fine);
    QCOMPARE(m_panel->marks().size(), 1);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("label_marks.json"))));
    m_panel->setRunDir(dir.path()); // the run was saved
    const why::LabelMarks saved = why::loadLabelMarks(dir.path().toStdString());
    QCOMPARE(saved.size(), 1);
    QCOMPARE(*saved.find(analysis::Subset::Validation, *m_flipped.rbegin()), why::LabelMark::Fine);
}

void TestLabelCandidates::damagedMarksFileIsReportedNotOverwritten()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("label_marks.json"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\":\"mnistx-label-marks\",\"marks\":[{\"subset\":");
    }
    const QByteArray damaged = readAll(path);
    QSignalSpy errors(m_panel.get(), &LabelCandidatesPanel::marksError);
    m_session->setRun(m_run, nullptr);
    m_panel->setRunDir(dir.path());
    QCOMPARE(errors.count(), 1);
    QVERIFY2(m_panel->marksErrorText().contains(QStringLiteral("label_marks.json")),
             qPrintable(m_panel->marksErrorText()));
    auto* banner = m_panel->findChild<QFrame*>(QStringLiteral("marksErrorBanner"));
    QVERIFY(banner);
    QVERIFY(banner->isVisibleTo(m_panel.get()));
    QVERIFY(m_panel->marks().empty());

    // A new mark stays in memory; the file is left as it was.
    const int id = m_run->train.sampleCount() + *m_flipped.begin();
    m_panel->setMark(id, why::LabelMark::ConfirmedMislabeled);
    QCOMPARE(m_panel->marks().size(), 1);
    QCOMPARE(readAll(path), damaged);

    // Only on request is it replaced.
    auto* replace = banner->findChild<QPushButton*>();
    QVERIFY(replace);
    QTest::mouseClick(replace, Qt::LeftButton);
    QCOMPARE(why::loadLabelMarks(dir.path().toStdString()).size(), 1);
    QVERIFY(!banner->isVisibleTo(m_panel.get()));
    QVERIFY(m_panel->marksErrorText().isEmpty());
}

void TestLabelCandidates::unwritableFolderKeepsMarksInMemory()
{
    QTemporaryDir dir;
    // A folder below a regular file can never be created.
    const QString blocker = dir.filePath(QStringLiteral("not_a_folder"));
    {
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    m_session->setRun(m_run, nullptr);
    m_panel->setRunDir(blocker + QStringLiteral("/run"));
    QSignalSpy errors(m_panel.get(), &LabelCandidatesPanel::marksError);
    const int id = m_run->train.sampleCount() + *m_flipped.begin();
    m_panel->setMark(id, why::LabelMark::ConfirmedMislabeled);
    QCOMPARE(errors.count(), 1);
    QVERIFY(!m_panel->marksErrorText().isEmpty());
    QCOMPARE(m_panel->marks().size(), 1);
    // They can still be exported.
    const QString csv = dir.filePath(QStringLiteral("marks.csv"));
    QVERIFY(m_panel->exportMarksCsv(csv));
    QVERIFY(
        readAll(csv).contains(QStringLiteral("validation,%1,").arg(*m_flipped.begin()).toUtf8()));
}

void TestLabelCandidates::filtersAndHideMarked()
{
    m_session->setRun(m_run, nullptr);
    waitForRanking(*m_panel);
    const int total = m_panel->proxy()->rowCount();
    m_panel->proxy()->setSubsetFilter(ui::SubsetFilter::Validation);
    for (int id : m_panel->shownIds())
        QVERIFY(id >= m_run->train.sampleCount());
    m_panel->proxy()->setSubsetFilter(ui::SubsetFilter::Both);
    QCOMPARE(m_panel->proxy()->rowCount(), total);

    const int first = m_panel->proxy()->idAt(0);
    m_panel->setMark(first, why::LabelMark::Fine);
    m_panel->proxy()->setHideMarked(true);
    QCOMPARE(m_panel->proxy()->rowCount(), total - 1);
    QVERIFY(!m_panel->shownIds().contains(first));
}

void TestLabelCandidates::exportsCsv()
{
    QTemporaryDir dir;
    m_session->setRun(m_run, nullptr);
    waitForRanking(*m_panel);
    const QString path = dir.filePath(QStringLiteral("candidates.csv"));
    QVERIFY(m_panel->exportCandidatesCsv(path));
    const QList<QByteArray> lines = readAll(path).trimmed().split('\n');
    QCOMPARE(lines.size(), m_panel->proxy()->rowCount() + 1);
    QVERIFY(lines.first().startsWith("subset,index,given_label,suggested_label,score"));
    for (int row = 0; row < 5; ++row) {
        const int id = m_panel->proxy()->idAt(row);
        const QByteArray expected =
            QStringLiteral("%1,%2,")
                .arg(QLatin1String(analysis::subsetName(m_session->subsetOf(id))))
                .arg(m_session->indexInSubset(id))
                .toUtf8();
        QVERIFY2(lines[row + 1].startsWith(expected), lines[row + 1].constData());
    }

    // What is shown is what is written: the training rows only.
    m_panel->proxy()->setSubsetFilter(ui::SubsetFilter::Train);
    QVERIFY(m_panel->exportCandidatesCsv(path));
    const QList<QByteArray> trainLines = readAll(path).trimmed().split('\n');
    QCOMPARE(trainLines.size(), m_panel->proxy()->rowCount() + 1);
    for (int k = 1; k < trainLines.size(); ++k)
        QVERIFY(trainLines[k].startsWith("train,"));

    QString error;
    QVERIFY(!m_panel->exportCandidatesCsv(dir.filePath(QStringLiteral("missing/x.csv")), &error));
    QVERIFY2(error.contains(QStringLiteral("missing")), qPrintable(error));
}

// A new user reads every column header without a manual: plain words (no
// "Self-conf." or "GT"), and hovering any header says what the column is.
void TestLabelCandidates::headersArePlainWordsWithTooltips()
{
    const QAbstractItemModel* model = m_panel->model();
    QCOMPARE(model->columnCount(), int(LabelCandidatesModel::ColumnCount));
    for (int c = 0; c < model->columnCount(); ++c) {
        const QString header = model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        const QString tip = model->headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString();
        QVERIFY2(!tip.isEmpty(),
                 qPrintable(QStringLiteral("column %1 (%2) has no tooltip").arg(c).arg(header)));
        QVERIFY2(tip.size() > header.size(),
                 qPrintable(QStringLiteral("tooltip of %1 explains nothing").arg(header)));
        // An abbreviation: a word cut short with a dot, or a header of fewer than 4 letters.
        QVERIFY2(!header.contains(QLatin1Char('.')),
                 qPrintable(QStringLiteral("abbreviated header: %1").arg(header)));
        const QString letters = QString(header).remove(QRegularExpression(QStringLiteral("\\W")));
        QVERIFY2(letters.size() >= 4,
                 qPrintable(QStringLiteral("header too short: %1").arg(header)));
    }
    QCOMPARE(model->headerData(LabelCandidatesModel::GivenLabelColumn, Qt::Horizontal)
                 .toString()
                 .simplified(),
             QStringLiteral("Given label"));
    QCOMPARE(model->headerData(LabelCandidatesModel::SuggestedLabelColumn, Qt::Horizontal)
                 .toString()
                 .simplified(),
             QStringLiteral("Suggested label"));
}

QTEST_MAIN(TestLabelCandidates)
#include "tst_label_candidates.moc"
