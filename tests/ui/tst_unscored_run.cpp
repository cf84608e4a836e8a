// A run without model scores (embeddings saved without logits.npy or
// probabilities.npy) in the views and the window: the map sizes its dots by
// the distance to the own class centroid, every view that needs a prediction
// or a loss says why it is empty, the colourings and filters that need them
// are disabled with the reason, and nothing shows a made-up prediction.
#include "../common/clustered_run.h"
#include "core/analysis/subset_metrics.h"
#include "core/store/run_store.h"
#include "ui/charts/chart_view.h"
#include "ui/charts/loss_distance_chart.h"
#include "ui/common/hint_stack.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"
#include "ui/export/headless_plots.h"
#include "ui/export/run_report.h"
#include "ui/gallery/selection_gallery.h"
#include "ui/inspector/error_inspector.h"
#include "ui/main_window.h"
#include "ui/map/map_style.h"
#include "ui/map/map_tooltip.h"
#include "ui/map/population_map.h"
#include "ui/tables/misclassified_view.h"
#include "ui/why/confusion_matrix_view.h"
#include "ui/why/insights_panel.h"
#include "ui/why/label_candidates_panel.h"
#include "ui/why/metadata_dashboard.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <memory>

using namespace mnistx;

namespace
{

// The clustered run (200 + 50 samples, every 13th misclassified) with its
// scores taken away, as analyseEmbeddings makes it without logits.
std::shared_ptr<store::RunData> unscoredRun()
{
    auto run = test::makeClusteredRun();
    for (analysis::SubsetAnalysis* a : {&run->train, &run->validation})
        analysis::fillUnscored(*a);
    analysis::computeLossDistanceBins(run->train, run->validation, 10);
    return run;
}

float ownDistance(const ui::ExplorerSession& s, int id)
{
    return s.analysisOf(id).distanceToOwnCentroid(s.indexInSubset(id));
}

} // namespace

class TestUnscoredRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void mapSizesDotsByCentroidDistance();
    void viewsSayWhyTheyAreEmpty();
    void reportAndPlotsLeaveOutTheLoss();
    void windowDisablesWhatNeedsScores();

private:
    std::shared_ptr<store::RunData> m_run;
    std::shared_ptr<data::DatasetSplits> m_images;
};

void TestUnscoredRun::init()
{
    m_run = unscoredRun();
    m_images = test::makeSyntheticImages(*m_run);
}

void TestUnscoredRun::mapSizesDotsByCentroidDistance()
{
    ui::ExplorerSession session;
    session.setRun(m_run, m_images);
    QVERIFY(!session.scored());
    QVERIFY(session.misclassifiedByLoss().empty());
    ui::PopulationMap map(&session);
    map.resize(600, 400);

    // Within a class, farther from its centroid: a dot at least as large;
    // up to the class's median the smallest, its farthest the largest.
    const int n = session.sampleCount();
    for (int c = 0; c < session.classCount(); ++c) {
        std::vector<int> ids;
        for (int id = 0; id < n; ++id)
            if (session.label(id) == c)
                ids.push_back(id);
        QVERIFY(ids.size() > 10);
        std::sort(ids.begin(), ids.end(),
                  [&](int a, int b) { return ownDistance(session, a) < ownDistance(session, b); });
        for (std::size_t k = 1; k < ids.size(); ++k)
            QVERIFY(map.sizeBucket(ids[k]) >= map.sizeBucket(ids[k - 1]));
        QCOMPARE(map.sizeBucket(ids.back()), ui::mapstyle::kSizeBuckets - 1);
        QCOMPARE(map.sizeBucket(ids.front()), 0);
        QCOMPARE(map.sizeBucket(ids[(ids.size() - 1) / 2]), 0);
        QVERIFY(map.sizeBucket(ids[ids.size() * 9 / 10]) > 0);
    }
    // The draw order follows the distance: the farthest sample drawn last.
    int farthest = 0;
    for (int id = 1; id < n; ++id)
        if (ownDistance(session, id) > ownDistance(session, farthest))
            farthest = id;
    QCOMPARE(map.filterState().drawOrder().back(), farthest);

    // Nothing is wrong, so nothing colours or filters by it.
    QVERIFY(!map.filterState().scored());
    map.setColorBy(ui::PopulationMap::ColorBy::Correctness);
    QCOMPARE(map.colorBy(), ui::PopulationMap::ColorBy::GroundTruth);
    map.setColorBy(ui::PopulationMap::ColorBy::Prediction);
    QCOMPARE(map.colorBy(), ui::PopulationMap::ColorBy::GroundTruth);
    map.setMisclassifiedOnly(true);
    QVERIFY(!map.misclassifiedOnly());
    QCOMPARE(map.shownCount(), n);

    // The tooltip and the header speak of the class and the distance only.
    const QString tip = ui::MapTooltip::html(session, 3);
    QVERIFY2(tip.contains(QStringLiteral("Distance to own centroid")), qPrintable(tip));
    QVERIFY2(!tip.contains(QStringLiteral("Prediction")) && !tip.contains(QStringLiteral("Loss")),
             qPrintable(tip));
    const ui::SampleHeader header = ui::sampleHeader(session, 3);
    QCOMPARE(header.plain,
             QStringLiteral("train #3 · GT %1").arg(session.className(session.label(3))));
}

void TestUnscoredRun::viewsSayWhyTheyAreEmpty()
{
    ui::ExplorerSession session;
    session.setRun(m_run, m_images);
    const QString reason = ui::ExplorerSession::noScoresReason();
    QVERIFY(reason.contains(QStringLiteral("logits.npy")));

    ui::ErrorInspector inspector(&session);
    session.setCurrent(7);
    QVERIFY2(!inspector.headerText().contains(QStringLiteral("predicted")),
             qPrintable(inspector.headerText()));
    QCOMPARE(inspector.navigationText(), QStringLiteral("no predictions in this run"));
    QVERIFY2(inspector.nearestCentroidText().startsWith(QStringLiteral("Nearest centroid")),
             qPrintable(inspector.nearestCentroidText()));
    QVERIFY(!inspector.nearestCentroidText().contains(QStringLiteral("model")));

    ui::MisclassifiedView table(&session);
    const auto* hint = table.findChild<ui::HintStack*>();
    QVERIFY(hint && hint->showsHint());
    QVERIFY2(hint->hintText().contains(reason), qPrintable(hint->hintText()));

    ui::LossDistanceChart chart(&session);
    QCOMPARE(chart.chartView()->placeholderText(), reason);
    // No legend for series that have nothing to show.
    chart.resize(900, 600);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const QString drawn = chart.chartView()->drawnTexts().join(QLatin1Char('|'));
    QVERIFY2(drawn.contains(QStringLiteral("distance to own class centroid")), qPrintable(drawn));
    QVERIFY2(!drawn.contains(QStringLiteral("± s.e.")), qPrintable(drawn));
    // The count axis has no column of "0" either (whole numbers on quarter
    // steps): its ticks are 0 and 1, and the only other "0" starts the
    // distance axis.
    QVERIFY2(chart.chartView()->drawnTexts().count(QStringLiteral("0")) <= 2, qPrintable(drawn));

    ui::ConfusionMatrixView confusion(&session);
    QVERIFY(confusion.findChild<QLabel*>() != nullptr);
    bool said = false;
    for (const QLabel* label : confusion.findChildren<QLabel*>())
        said = said || label->text().contains(QStringLiteral("no predictions"));
    QVERIFY(said);

    ui::SelectionGallery gallery(&session);
    QCOMPARE(gallery.sortKey(), ui::SelectionSortProxy::SortKey::Index);
    session.setSelection({1, 2, 3, 14}, QStringLiteral("four"));
    QVERIFY2(gallery.summaryText().startsWith(QStringLiteral("four: 4 samples · classes: ")),
             qPrintable(gallery.summaryText()));
    QVERIFY(!gallery.summaryText().contains(QStringLiteral("loss")));
}

void TestUnscoredRun::reportAndPlotsLeaveOutTheLoss()
{
    ui::RunReportInputs inputs;
    inputs.run = m_run;
    inputs.images = m_images;
    inputs.name = QStringLiteral("embeddings");
    const QString html = ui::runReportHtml(inputs);
    const QString reason = ui::ExplorerSession::noScoresReason().toHtmlEscaped();
    QVERIFY(!html.contains(QStringLiteral("Validation accuracy")));
    // Said in the settings, the loss chart, the confusion and the worst errors.
    QVERIFY2(html.count(reason) >= 4, qPrintable(QString::number(html.count(reason))));

    QTemporaryDir dir;
    ui::writeHeadlessPlots(*m_run, m_images, dir.path());
    const QDir out(dir.path());
    QVERIFY(out.exists(QStringLiteral("embedding_train.png")));
    QVERIFY(out.exists(QStringLiteral("embedding_validation.svg")));
    QVERIFY(!out.exists(QStringLiteral("loss_vs_distance.png")));
}

void TestUnscoredRun::windowDisablesWhatNeedsScores()
{
    QTemporaryDir dir;
    m_run->dataFolder = dir.filePath(QStringLiteral("gone")).toStdString(); // no images
    store::saveRun(*m_run, dir.filePath(QStringLiteral("run")).toStdString());
    pipeline::CommandLine cl;
    cl.pipeline.outDir = dir.filePath(QStringLiteral("run")).toStdString();
    ui::MainWindow w(cl);
    w.show();
    QSignalSpy shown(&w, &ui::MainWindow::runShown);
    w.start();
    QVERIFY(shown.wait(20000));

    QComboBox* colour = nullptr;
    for (QComboBox* box : w.findChildren<QComboBox*>())
        if (box->toolTip().startsWith(QStringLiteral("What the dot colours")))
            colour = box;
    QVERIFY(colour);
    const auto* model = qobject_cast<const QStandardItemModel*>(colour->model());
    QVERIFY(model);
    const auto item = [&](ui::PopulationMap::ColorBy by) {
        return model->item(colour->findData(static_cast<int>(by)));
    };
    QVERIFY(item(ui::PopulationMap::ColorBy::GroundTruth)->isEnabled());
    QVERIFY(item(ui::PopulationMap::ColorBy::Subset)->isEnabled());
    QVERIFY(!item(ui::PopulationMap::ColorBy::Prediction)->isEnabled());
    QVERIFY(!item(ui::PopulationMap::ColorBy::Correctness)->isEnabled());
    QCOMPARE(item(ui::PopulationMap::ColorBy::Correctness)->toolTip(),
             ui::ExplorerSession::noScoresReason());
    // Ctrl+3 (correct / wrong) reaches the box, which stays on the ground truth.
    colour->setCurrentIndex(
        colour->findData(static_cast<int>(ui::PopulationMap::ColorBy::Correctness)));
    QCOMPARE(w.populationMap()->colorBy(), ui::PopulationMap::ColorBy::GroundTruth);
    QCOMPARE(colour->currentData().toInt(),
             static_cast<int>(ui::PopulationMap::ColorBy::GroundTruth));

    bool misclassifiedOnlySeen = false, compareSeen = false;
    for (const QAction* a : w.findChildren<QAction*>()) {
        if (a->text() == QStringLiteral("&Misclassified Only")) {
            misclassifiedOnlySeen = true;
            QVERIFY(!a->isEnabled());
        }
        if (a->text() == QStringLiteral("Compare &With…")) {
            compareSeen = true;
            QVERIFY(!a->isEnabled());
        }
    }
    QVERIFY(misclassifiedOnlySeen && compareSeen);
    QVERIFY(!w.populationMap()->filterState().scored());

    // The why-views, once their worker has been through the run, say why
    // they have nothing.
    const QString reason = ui::ExplorerSession::noScoresReason();
    const auto* dashboard = w.findChild<ui::MetadataDashboard*>();
    const auto* insights = w.findChild<ui::InsightsPanel*>();
    const auto* candidates = w.findChild<ui::LabelCandidatesPanel*>();
    QVERIFY(dashboard && insights && candidates);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->placeholderText().startsWith(reason), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(insights->statusText().startsWith(reason), 20000);
    const auto* candidateHint = candidates->findChild<ui::HintStack*>();
    QVERIFY(candidateHint);
    QTRY_VERIFY_WITH_TIMEOUT(candidateHint->hintText().startsWith(reason), 20000);
}

QTEST_MAIN(TestUnscoredRun)
#include "tst_unscored_run.moc"
