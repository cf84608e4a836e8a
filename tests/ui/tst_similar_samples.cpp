// The similar-samples panel and the why context: the listed neighbours are
// FeatureIndex::nearest of the query (ids and order), k changes the count,
// Select makes exactly those ids the selection, clicking a neighbour
// inspects it without changing the query, "Show on map" rings query and
// neighbours, and WhyContext builds the index of a session's run off the GUI
// thread, with a second run during a build neither crashing nor delivering
// the first run's index.

#include "../common/clustered_run.h"
#include "core/why/feature_index.h"
#include "ui/explorer_session.h"
#include "ui/gallery/sample_list_model.h"
#include "ui/map/population_map.h"
#include "ui/why/similar_samples_panel.h"
#include "ui/why/why_context.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>
#include <memory>
#include <random>

using namespace mnistx;
using ui::SimilarSamplesPanel;

namespace
{

// A synthetic run whose features are Gaussian blobs around one centre per
// predicted class (continuous values: no tied distances, so "the order" is
// well defined).
std::shared_ptr<store::RunData> blobRun(int trainCount, int validationCount, int featureDim,
                                        std::uint64_t seed)
{
    test::ClusteredRunOptions options;
    options.trainCount = trainCount;
    options.validationCount = validationCount;
    options.featureDim = featureDim;
    options.seed = seed;
    auto run = test::makeClusteredRun(options);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    RowMatrixXf centres(10, featureDim);
    for (Eigen::Index i = 0; i < centres.size(); ++i)
        centres.data()[i] = 4.0f * gauss(rng);
    for (auto* a : {&run->train, &run->validation})
        for (int i = 0; i < a->sampleCount(); ++i)
            for (int d = 0; d < featureDim; ++d)
                a->features(i, d) =
                    centres(a->predictions[static_cast<std::size_t>(i)], d) + gauss(rng);
    return run;
}

std::shared_ptr<const why::FeatureIndex> indexOf(const store::RunData& run)
{
    return std::make_shared<const why::FeatureIndex>(run.train.features, run.validation.features);
}

QVector<int> toQVector(const std::vector<int>& v)
{
    return QVector<int>(v.begin(), v.end());
}

} // namespace

class TestSimilarSamples : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void hintUntilIndexIsReady();
    void neighboursEqualFeatureIndex();
    void kChangesTheCount();
    void selectPutsExactlyTheNeighbours();
    void clickingANeighbourKeepsTheQuery();
    void showOnMapRingsQueryAndNeighbours();
    void indexOfAnotherRunIsIgnored();
    void renderIsNotBlank();
    void whyContextBuildsTheIndex();
    void newRunWhileBuildingDeliversOnlyTheNewIndex();
    void destructorStopsABuildQuickly();
    void panelFollowsWhyContext();

private:
    void setUpRun(int train = 300, int validation = 100);

    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<SimilarSamplesPanel> m_panel;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::shared_ptr<store::RunData> m_run;
};

void TestSimilarSamples::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_panel = std::make_unique<SimilarSamplesPanel>(m_session.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_panel->resize(520, 560);
    m_panel->show();
}

void TestSimilarSamples::cleanup()
{
    m_tester.reset();
    m_panel.reset();
    m_session.reset();
}

void TestSimilarSamples::setUpRun(int train, int validation)
{
    m_run = blobRun(train, validation, 16, 3);
    m_session->setRun(m_run, test::makeSyntheticImages(*m_run));
}

void TestSimilarSamples::hintUntilIndexIsReady()
{
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(m_panel->hintText().contains(QStringLiteral("No run")));
    setUpRun();
    m_session->setCurrent(5);
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(m_panel->hintText().contains(QStringLiteral("Building the neighbour index… 0%")));
    m_panel->setIndexProgress(0.4);
    QVERIFY(m_panel->hintText().contains(QStringLiteral("40%")));
    m_panel->setIndex(indexOf(*m_run));
    QVERIFY(!m_panel->isShowingHint());
    QCOMPARE(m_panel->queryId(), 5);
    QCOMPARE(m_panel->neighbourIds().size(), SimilarSamplesPanel::kDefaultK);

    m_session->setCurrent(-1);
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(m_panel->hintText().contains(QStringLiteral("Pick a sample")));
    QVERIFY(m_panel->neighbourIds().isEmpty());
}

void TestSimilarSamples::neighboursEqualFeatureIndex()
{
    setUpRun();
    const auto index = indexOf(*m_run);
    m_panel->setIndex(index);
    for (int id : {0, 17, 299, 300, 345, 399}) {
        m_session->setCurrent(id);
        QCOMPARE(m_panel->queryId(), id);
        const why::Neighbours expected = index->nearest(id, 12);
        QCOMPARE(m_panel->neighbourIds(), toQVector(expected.ids));
        QCOMPARE(m_panel->neighbours().distances, expected.distances);
        QVERIFY(!m_panel->neighbourIds().contains(id));
        // The model's rows say the same.
        auto* model = m_panel->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex mi = model->index(row, 0);
            QCOMPARE(mi.data(ui::SampleListModel::IdRole).toInt(), expected.ids[row]);
            QCOMPARE(mi.data(ui::SampleListModel::RankRole).toInt(), row + 1);
            QCOMPARE(mi.data(Qt::DisplayRole).toString(), m_session->describe(expected.ids[row]));
            QCOMPARE(mi.data(ui::SampleListModel::CorrectRole).toBool(),
                     m_session->correct(expected.ids[row]));
        }
    }
    QVERIFY(m_panel->queryText().startsWith(QStringLiteral("Query: validation #99 · GT 9")));
    QVERIFY(m_panel->summaryText().startsWith(QStringLiteral("12 nearest in feature space")));
    QCOMPARE(m_panel->exportName(), QStringLiteral("similar_validation_99"));
}

void TestSimilarSamples::kChangesTheCount()
{
    setUpRun();
    const auto index = indexOf(*m_run);
    m_panel->setIndex(index);
    m_session->setCurrent(42);
    QCOMPARE(m_panel->neighbourIds().size(), 12);
    auto* spin = m_panel->findChild<QSpinBox*>();
    QVERIFY(spin);
    QCOMPARE(spin->value(), 12);
    QCOMPARE(spin->minimum(), 1);
    QCOMPARE(spin->maximum(), 100);
    spin->setValue(5);
    QCOMPARE(m_panel->neighbourIds(), toQVector(index->nearest(42, 5).ids));
    spin->setValue(40);
    QCOMPARE(m_panel->neighbourIds(), toQVector(index->nearest(42, 40).ids));
    QCOMPARE(m_panel->model()->rowCount(), 40);
    m_panel->setK(1000);
    QCOMPARE(m_panel->k(), 100);
    QCOMPARE(m_panel->neighbourIds().size(), 100);
}

void TestSimilarSamples::selectPutsExactlyTheNeighbours()
{
    setUpRun();
    const auto index = indexOf(*m_run);
    m_panel->setIndex(index);
    m_session->setCurrent(345); // validation #45
    QSignalSpy selectionChanged(m_session.get(), &ui::ExplorerSession::selectionChanged);
    QPushButton* select = nullptr;
    for (auto* b : m_panel->findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Select"))
            select = b;
    QVERIFY(select);
    QTest::mouseClick(select, Qt::LeftButton);
    QCOMPARE(selectionChanged.count(), 1);
    QCOMPARE(m_session->selection(), toQVector(index->nearest(345, 12).ids));
    QCOMPARE(m_session->selectionDescription(),
             QStringLiteral("12 nearest neighbours of validation #45"));
    QCOMPARE(m_session->current(), 345); // selecting does not move the current sample
}

void TestSimilarSamples::clickingANeighbourKeepsTheQuery()
{
    setUpRun();
    m_panel->setIndex(indexOf(*m_run));
    m_session->setCurrent(10);
    const QVector<int> listed = m_panel->neighbourIds();
    QListView* view = m_panel->listView();
    const QModelIndex second = m_panel->model()->index(1, 0);
    const QPoint at = view->visualRect(second).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(m_session->current(), listed[1]); // inspected ...
    QCOMPARE(m_panel->queryId(), 10);          // ... with the query and its list kept
    QCOMPARE(m_panel->neighbourIds(), listed);

    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(m_panel->queryId(), listed[1]); // double-click: its own neighbours
    QVERIFY(m_panel->neighbourIds() != listed);

    m_session->setCurrent(200); // chosen elsewhere: the new query
    QCOMPARE(m_panel->queryId(), 200);
}

void TestSimilarSamples::showOnMapRingsQueryAndNeighbours()
{
    setUpRun();
    ui::PopulationMap map(m_session.get());
    auto* box = m_panel->findChild<QCheckBox*>();
    QVERIFY(box);
    QVERIFY(!box->isEnabled()); // no map yet
    m_panel->setMap(&map);
    QVERIFY(box->isEnabled());
    m_panel->setIndex(indexOf(*m_run));
    m_session->setCurrent(77);
    QVERIFY(map.highlighted().isEmpty());
    box->setChecked(true);
    QVector<int> expected{77};
    expected += m_panel->neighbourIds();
    QCOMPARE(map.highlighted(), expected);
    m_panel->setK(3);
    QCOMPARE(map.highlighted().size(), 4);
    m_session->setCurrent(78);
    QCOMPARE(map.highlighted().first(), 78);
    box->setChecked(false);
    QVERIFY(map.highlighted().isEmpty());
    // Someone else's rings (set after ours) are left alone.
    box->setChecked(true);
    map.setHighlighted({1, 2});
    box->setChecked(false);
    QCOMPARE(map.highlighted(), (QVector<int>{1, 2}));
    box->setChecked(true);
    map.setHighlighted({1, 2});
    m_panel->setMap(nullptr);
    QCOMPARE(map.highlighted(), (QVector<int>{1, 2}));
}

void TestSimilarSamples::indexOfAnotherRunIsIgnored()
{
    setUpRun(300, 100);
    auto other = blobRun(200, 50, 16, 4);
    m_session->setCurrent(3);
    m_panel->setIndex(indexOf(*other));
    QVERIFY(!m_panel->index());
    QVERIFY(m_panel->isShowingHint());
    m_panel->setIndex(indexOf(*m_run));
    QVERIFY(m_panel->index());
    // A new run drops the old index.
    setUpRun(300, 100);
    QVERIFY(!m_panel->index());
    QVERIFY(m_panel->neighbourIds().isEmpty());
}

void TestSimilarSamples::renderIsNotBlank()
{
    setUpRun();
    m_panel->setIndex(indexOf(*m_run));
    m_session->setCurrent(120);
    const QImage image = m_panel->renderImage(QSize(520, 560), 1.0);
    int dark = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            dark += qGray(image.pixel(x, y)) < 100;
    QVERIFY2(dark > 5000, qPrintable(QString::number(dark))); // digit backgrounds and text
    QCOMPARE(m_panel->exportActions().size(), 3);
}

void TestSimilarSamples::whyContextBuildsTheIndex()
{
    setUpRun(2000, 500);
    ui::WhyContext context(m_session.get());
    QSignalSpy ready(&context, &ui::WhyContext::indexReady);
    QSignalSpy progress(&context, &ui::WhyContext::indexProgress);
    QVERIFY(context.isBuilding());
    QVERIFY(!context.index());
    QVERIFY(ready.wait(10000));
    QCOMPARE(ready.count(), 1);
    const auto index = context.index();
    QVERIFY(index);
    QCOMPARE(ready.first().at(0).value<std::shared_ptr<const why::FeatureIndex>>(), index);
    QCOMPARE(index->size(), 2500);
    QCOMPARE(index->trainCount(), 2000);
    QVERIFY(!context.isBuilding());
    QCOMPARE(context.progress(), 1.0);
    QVERIFY(!progress.isEmpty());
    double last = 0.0;
    for (const auto& args : progress) {
        const double fraction = args.at(0).toDouble();
        QVERIFY(fraction >= last && fraction <= 1.0);
        last = fraction;
    }
    QCOMPARE(last, 1.0);
    // The same neighbours as an index built here with the same configuration.
    const auto reference = indexOf(*m_run);
    for (int id : {0, 1999, 2000, 2499})
        QCOMPARE(index->nearest(id, 10).ids, reference->nearest(id, 10).ids);
}

void TestSimilarSamples::newRunWhileBuildingDeliversOnlyTheNewIndex()
{
    // Large enough that the first build is still running when the second run comes.
    setUpRun(30000, 5000);
    ui::WhyContext context(m_session.get());
    QSignalSpy ready(&context, &ui::WhyContext::indexReady);
    QSignalSpy failed(&context, &ui::WhyContext::indexFailed);
    QTest::qWait(30);           // let the first build start
    QCOMPARE(ready.count(), 0); // ... and not finish: the second run cancels it
    QVERIFY(context.isBuilding());
    auto second = blobRun(1500, 500, 16, 9);
    m_session->setRun(second, test::makeSyntheticImages(*second));
    QVERIFY(!context.index());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 20000);
    QTest::qWait(300); // a late result of the first run would show up now
    QCOMPARE(ready.count(), 1);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(context.index()->size(), 2000);
    QCOMPARE(ready.first().at(0).value<std::shared_ptr<const why::FeatureIndex>>()->size(), 2000);

    // Clearing the session drops the index.
    m_session->clear();
    QVERIFY(!context.index());
    QVERIFY(!context.isBuilding());
}

void TestSimilarSamples::destructorStopsABuildQuickly()
{
    setUpRun(30000, 5000);
    auto context = std::make_unique<ui::WhyContext>(m_session.get());
    QTest::qWait(50);
    QElapsedTimer clock;
    clock.start();
    context.reset();
    const qint64 ms = clock.elapsed();
    qInfo("WhyContext destroyed during a build in %lld ms", ms);
    QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
}

void TestSimilarSamples::panelFollowsWhyContext()
{
    setUpRun(600, 200);
    ui::WhyContext context(m_session.get());
    m_panel->setContext(&context);
    m_session->setCurrent(650);
    QVERIFY(m_panel->isShowingHint());
    QVERIFY(m_panel->hintText().contains(QStringLiteral("Building the neighbour index")));
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->index(), 10000);
    QVERIFY(!m_panel->isShowingHint());
    QCOMPARE(m_panel->neighbourIds(), toQVector(context.index()->nearest(650, 12).ids));
    // A new run: building again, then the new run's neighbours.
    setUpRun(500, 100);
    QVERIFY(m_panel->isShowingHint());
    m_session->setCurrent(20);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->index(), 10000);
    QCOMPARE(m_panel->index()->size(), 600);
    QCOMPARE(m_panel->neighbourIds(), toQVector(context.index()->nearest(20, 12).ids));
}

QTEST_MAIN(TestSimilarSamples)
#include "tst_similar_samples.moc"
