// The insights panel on a synthetic run with a planted weak cluster in the
// validation set: the context announces the metadata of both subsets, the
// cluster is
// listed as an insight, and its Select button selects exactly its samples as
// session ids (validation ids after the training ones). A run replaced
// before its insights are done never shows the old run's.

#include "core/why/insights.h"
#include "ui/explorer_session.h"
#include "ui/why/insights_panel.h"
#include "ui/why/why_context.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

// After <QtTest>: the fixture uses QString.
#include "../common/blob_run.h"

#include <algorithm>
#include <memory>
#include <random>
#include <set>

using namespace mnistx;
using ui::InsightsPanel;

namespace
{

constexpr int kPlanted = 80;

// A blob run whose validation set gets kPlanted extra samples in a weak
// cluster (test::plantWeakCluster); their indices go to `planted`.
std::shared_ptr<const store::RunData> runWithWeakCluster(int trainCount, std::set<int>* planted)
{
    test::BlobRun blob = test::makeBlobRun({trainCount, 2000, 10, 16, 6.0f, 2.0f, 21});
    const std::set<int> weak = test::plantWeakCluster(blob, kPlanted);
    if (planted)
        *planted = weak;
    const int n = blob.run.validation.sampleCount();
    blob.run.projection.validation = RowMatrixXf::Zero(n, 2);
    blob.run.validationCount = n;
    return std::make_shared<const store::RunData>(std::move(blob.run));
}

} // namespace

class TestInsightsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void noRun();
    void plantedClusterIsAnInsight();
    void selectSetsExactlyItsSamples();
    void newRunDiscardsOldResults();
    void exportsJson();
    void cardTitleNamesTheGroup();

private:
    void showRun(InsightsPanel& panel, ui::ExplorerSession& session,
                 std::shared_ptr<const store::RunData> run);
    int plantedClusterInsight(const InsightsPanel& panel) const;
    std::shared_ptr<const store::RunData> m_run;
    std::set<int> m_planted; // validation indices
};

void TestInsightsPanel::initTestCase()
{
    m_run = runWithWeakCluster(600, &m_planted);
}

void TestInsightsPanel::showRun(InsightsPanel& panel, ui::ExplorerSession& session,
                                std::shared_ptr<const store::RunData> run)
{
    QSignalSpy ready(&panel, &InsightsPanel::insightsReady);
    session.setRun(std::move(run), nullptr);
    QVERIFY(panel.state() != InsightsPanel::State::Ready); // computed on a worker
    QVERIFY(ready.wait(30000));
    QCOMPARE(panel.state(), InsightsPanel::State::Ready);
}

int TestInsightsPanel::plantedClusterInsight(const InsightsPanel& panel) const
{
    // The validation feature-cluster insight with the most planted samples.
    int best = -1, bestInside = 0;
    for (int i = 0; i < static_cast<int>(panel.insights().size()); ++i) {
        const why::Insight& in = panel.insights()[static_cast<std::size_t>(i)];
        if (in.kind != why::InsightKind::FeatureCluster ||
            in.subset != analysis::Subset::Validation)
            continue;
        const int inside = static_cast<int>(std::count_if(
            in.samples.begin(), in.samples.end(), [&](int s) { return m_planted.count(s) > 0; }));
        if (inside > bestInside) {
            best = i;
            bestInside = inside;
        }
    }
    return best;
}

void TestInsightsPanel::noRun()
{
    ui::ExplorerSession session;
    ui::WhyContext context(&session);
    InsightsPanel panel(&context);
    QCOMPARE(panel.state(), InsightsPanel::State::NoRun);
    QVERIFY(panel.insights().empty());
    QVERIFY(panel.idsOf(0).isEmpty());
    QVERIFY(!panel.selectButton(0));
}

void TestInsightsPanel::plantedClusterIsAnInsight()
{
    ui::ExplorerSession session;
    ui::WhyContext context(&session);
    InsightsPanel panel(&context);
    QSignalSpy metadata(&context, &ui::WhyContext::metadataReady);
    showRun(panel, session, m_run);

    QCOMPARE(metadata.count(), 1);
    const auto train = metadata.first().at(0).value<std::shared_ptr<const why::SubsetMetadata>>();
    const auto validation =
        metadata.first().at(1).value<std::shared_ptr<const why::SubsetMetadata>>();
    QVERIFY(train && validation);
    QCOMPARE(train->sampleCount(), m_run->train.sampleCount());
    QCOMPARE(validation->sampleCount(), m_run->validation.sampleCount());
    QCOMPARE(context.metadata(analysis::Subset::Validation), validation);

    const int i = plantedClusterInsight(panel);
    QVERIFY(i >= 0);
    const why::Insight& in = panel.insights()[static_cast<std::size_t>(i)];
    const int inside = static_cast<int>(std::count_if(
        in.samples.begin(), in.samples.end(), [&](int s) { return m_planted.count(s) > 0; }));
    qInfo("%s", in.sentence.c_str());
    QVERIFY2(inside >= 0.8 * kPlanted && inside >= 0.8 * in.samples.size(),
             qPrintable(QString("%1 of %2 samples planted").arg(inside).arg(in.samples.size())));
    // The sentence is on screen.
    bool shown = false;
    for (const QLabel* label : panel.findChildren<QLabel*>())
        shown = shown || label->text() == QString::fromStdString(in.sentence);
    QVERIFY(shown);
}

void TestInsightsPanel::selectSetsExactlyItsSamples()
{
    ui::ExplorerSession session;
    ui::WhyContext context(&session);
    InsightsPanel panel(&context);
    panel.resize(500, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    showRun(panel, session, m_run);

    const int trainCount = m_run->train.sampleCount();
    const int i = plantedClusterInsight(panel);
    QVERIFY(i >= 0);
    const why::Insight& in = panel.insights()[static_cast<std::size_t>(i)];
    QSignalSpy selection(&session, &ui::ExplorerSession::selectionChanged);
    QPushButton* select = panel.selectButton(i);
    QVERIFY(select);
    QTest::mouseClick(select, Qt::LeftButton);
    QCOMPARE(selection.count(), 1);
    QVector<int> expected;
    for (int index : in.samples)
        expected.append(trainCount + index); // validation ids follow the training ones
    QVector<int> selected = session.selection();
    std::sort(selected.begin(), selected.end());
    QCOMPARE(selected, expected);
    QCOMPARE(session.selectionDescription(), QString::fromStdString(in.sentence));

    // A training insight selects training ids, unshifted.
    for (int k = 0; k < static_cast<int>(panel.insights().size()); ++k) {
        const why::Insight& t = panel.insights()[static_cast<std::size_t>(k)];
        if (t.subset != analysis::Subset::Train)
            continue;
        panel.selectInsight(k);
        QVector<int> ids = session.selection();
        std::sort(ids.begin(), ids.end());
        QCOMPARE(ids, QVector<int>(t.samples.begin(), t.samples.end()));
        break;
    }
}

void TestInsightsPanel::newRunDiscardsOldResults()
{
    ui::ExplorerSession session;
    ui::WhyContext context(&session);
    InsightsPanel panel(&context);
    QSignalSpy ready(&panel, &InsightsPanel::insightsReady);
    QSignalSpy metadata(&context, &ui::WhyContext::metadataReady);
    session.setRun(m_run, nullptr);
    const auto other = runWithWeakCluster(300, nullptr); // replaced before the first is done
    session.setRun(other, nullptr);
    QVERIFY(ready.wait(30000));
    QTest::qWait(200); // would let a late result of the first run arrive
    QCOMPARE(ready.count(), 1);
    QCOMPARE(metadata.count(), 1);
    QCOMPARE(context.metadata(analysis::Subset::Train)->sampleCount(), other->train.sampleCount());
    for (const why::Insight& in : panel.insights())
        for (int s : in.samples)
            QVERIFY(s < (in.subset == analysis::Subset::Train ? other->train.sampleCount()
                                                              : other->validation.sampleCount()));
}

void TestInsightsPanel::exportsJson()
{
    ui::ExplorerSession session;
    ui::WhyContext context(&session);
    InsightsPanel panel(&context);
    showRun(panel, session, m_run);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("insights.json"));
    QVERIFY(panel.exportJson(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray json = file.readAll();
    QVERIFY(json.contains("mnistx-insights"));
    QVERIFY(json.contains(QByteArray::fromStdString(panel.insights().front().sentence)));
    QString error;
    QVERIFY(!panel.exportJson(dir.filePath(QStringLiteral("missing/insights.json")), &error));
    QVERIFY(!error.isEmpty());
}

// Each card leads with a title naming its group in plain words: the planted
// cluster of 3s between 3 and 5 reads "3s near the 3/5 border · N samples ·
// E % wrong", not "cluster 16".
void TestInsightsPanel::cardTitleNamesTheGroup()
{
    ui::ExplorerSession session;
    ui::WhyContext context(&session);
    InsightsPanel panel(&context);
    showRun(panel, session, m_run);
    const int i = plantedClusterInsight(panel);
    QVERIFY(i >= 0);
    const why::Insight& in = panel.insights()[static_cast<std::size_t>(i)];
    const QString title = QString::fromStdString(in.title);
    QVERIFY2(title.startsWith(QStringLiteral("3s")) ||
                 title.startsWith(QStringLiteral("Mostly 3s")),
             qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("3/5 border")), qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("%1 samples").arg(in.samples.size())),
             qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("% wrong")), qPrintable(title));
    // On screen, in bold, one per card.
    QStringList shown;
    for (const QLabel* label : panel.findChildren<QLabel*>(QStringLiteral("insightTitle"))) {
        QVERIFY(label->font().bold());
        shown << label->text();
    }
    QCOMPARE(shown.size(), static_cast<int>(panel.insights().size()));
    QVERIFY(shown.contains(title));
}

QTEST_MAIN(TestInsightsPanel)
#include "tst_insights_panel.moc"
