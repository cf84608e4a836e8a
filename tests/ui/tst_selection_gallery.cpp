#include "../common/clustered_run.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"
#include "ui/gallery/sample_list_model.h"
#include "ui/gallery/selection_gallery.h"
#include "ui/gallery/selection_sort_proxy.h"
#include "ui/gallery/selection_summary.h"
#include "ui/gallery/thumbnail_delegate.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QElapsedTimer>
#include <QListView>
#include <QSignalSpy>
#include <QtTest>
#include <map>
#include <memory>

using namespace mnistx;
using ui::SampleListModel;
using ui::SelectionGallery;
using ui::SelectionSortProxy;

class TestSelectionGallery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void modelPassesTester();
    void hintWhenNothingSelected();
    void summaryLineNumbers();
    void summaryNeverRoundsErrorsAway();
    void sortByLossAndIndex();
    void clickSelectsSample();
    void currentFromElsewhereSelectsThumbnail();
    void wrongPredictionsAreMarkedRed();
    void allSeventyThousandStayFast();

private:
    void setUpRun(const test::ClusteredRunOptions& options = {});
    QVector<int> sampleIds(int first, int count) const
    {
        QVector<int> ids;
        for (int id = first; id < first + count; ++id)
            ids.append(id);
        return ids;
    }
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<SelectionGallery> m_gallery;
};

void TestSelectionGallery::setUpRun(const test::ClusteredRunOptions& options)
{
    auto run = test::makeClusteredRun(options);
    auto images = test::makeSyntheticImages(*run);
    m_session->setRun(run, images);
}

void TestSelectionGallery::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_gallery = std::make_unique<SelectionGallery>(m_session.get());
    m_gallery->resize(520, 600);
}

void TestSelectionGallery::cleanup()
{
    m_gallery.reset();
    m_session.reset();
}

void TestSelectionGallery::modelPassesTester()
{
    ui::ExplorerSession session;
    SampleListModel model(&session);
    model.followSelection();
    SelectionSortProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);

    auto run = test::makeClusteredRun();
    session.setRun(run, test::makeSyntheticImages(*run));
    session.setSelection(sampleIds(5, 40), QStringLiteral("a few"));
    QCOMPARE(model.rowCount(), 40);
    QCOMPARE(proxy.rowCount(), 40);
    // The proxy orders the model by descending loss (SelectionSortProxy's default).
    QCOMPARE(model.order(), SampleListModel::Order::LossDescending);
    const QModelIndex first = model.index(model.rowOf(5), 0);
    QCOMPARE(first.data(SampleListModel::IdRole).toInt(), 5);
    QCOMPARE(first.data(SampleListModel::LabelRole).toInt(), session.label(5));
    QCOMPARE(first.data(SampleListModel::PredictionRole).toInt(), session.prediction(5));
    QCOMPARE(first.data(SampleListModel::LossRole).toDouble(), double(session.loss(5)));
    QCOMPARE(first.data(SampleListModel::CorrectRole).toBool(), session.correct(5));
    QCOMPARE(first.data(SampleListModel::ThumbnailRole).value<QImage>(), session.image(5));
    QCOMPARE(model.roleNames().value(SampleListModel::ThumbnailRole), QByteArray("thumbnail"));
    // A selection has no neighbour rank or distance; its tooltip is the sample header.
    QVERIFY(!model.hasDistances());
    QVERIFY(!first.data(SampleListModel::RankRole).isValid());
    QVERIFY(!first.data(SampleListModel::DistanceRole).isValid());
    QCOMPARE(first.data(Qt::ToolTipRole).toString(), ui::sampleHeader(session, 5).plain);
    proxy.setSortKey(SelectionSortProxy::SortKey::LossAscending);
    proxy.setSortKey(SelectionSortProxy::SortKey::Index);
    session.setSelection({}, QString());
    QCOMPARE(model.rowCount(), 0);
    session.setSelection(sampleIds(100, 3), QString());
    session.clear();
    QCOMPARE(model.rowCount(), 0);
}

// A lasso over 9,611 samples holding 9 errors once read "lasso: 9,611
// samples: 9,611 samples · accuracy 1.00".
void TestSelectionGallery::summaryNeverRoundsErrorsAway()
{
    QCOMPARE(ui::accuracyText(9602, 9611), QStringLiteral("9 wrong · accuracy 99.91 %"));
    QCOMPARE(ui::accuracyText(999999, 1000000), QStringLiteral("1 wrong · accuracy > 99.99 %"));
    QCOMPARE(ui::accuracyText(50, 50), QStringLiteral("all correct"));
    QCOMPARE(ui::accuracyText(0, 4), QStringLiteral("4 wrong · accuracy 0.00 %"));

    // Every 13th sample wrong: 600 samples hold 46 errors.
    test::ClusteredRunOptions options;
    options.trainCount = 500;
    options.validationCount = 100;
    setUpRun(options);
    m_session->setSelection(sampleIds(0, 600), QStringLiteral("Lasso on the map"));
    const QString text = m_gallery->summaryText();
    QVERIFY2(text.startsWith(QStringLiteral("Lasso on the map: 600 samples · 46 wrong · "
                                            "accuracy 92.33 % · ")),
             qPrintable(text));
    QCOMPARE(text.count(QStringLiteral("samples")), 1);
}

void TestSelectionGallery::hintWhenNothingSelected()
{
    QVERIFY(m_gallery->isShowingHint());
    setUpRun();
    QVERIFY(m_gallery->isShowingHint());
    m_session->setSelection(sampleIds(0, 3), QStringLiteral("three"));
    QVERIFY(!m_gallery->isShowingHint());
    m_session->setSelection({}, QString());
    QVERIFY(m_gallery->isShowingHint());
    QCOMPARE(m_gallery->summaryText(), QStringLiteral("0 samples"));
}

void TestSelectionGallery::summaryLineNumbers()
{
    setUpRun();
    // ids 0..51: labels i % 10, ids 12, 25, 38, 51 wrong (every 13th).
    const QVector<int> ids = sampleIds(0, 52);
    m_session->setSelection(ids, QStringLiteral("rectangle"));
    int correct = 0;
    double lossSum = 0.0;
    std::map<int, int> perClass;
    for (int id : ids) {
        correct += m_session->correct(id);
        lossSum += m_session->loss(id);
        ++perClass[m_session->label(id)];
    }
    QCOMPARE(correct, 48);
    const auto& s = m_gallery->summary();
    QCOMPARE(s.count, 52);
    QCOMPARE(s.correct, 48);
    QCOMPARE(s.accuracy, 48.0 / 52.0);
    QVERIFY(qAbs(s.meanLoss - lossSum / 52) < 1e-9);
    for (const auto& [label, count] : perClass)
        QCOMPARE(s.classCounts[size_t(label)], count);

    const QString text = m_gallery->summaryText();
    QVERIFY2(text.startsWith(
                 QStringLiteral("rectangle: 52 samples · 4 wrong · accuracy 92.31 % · mean loss ")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("mean loss ") + QString::number(lossSum / 52, 'f', 2)));
    // Class mix, most frequent first (0 and 1 have 6 each, the others 5), then "…".
    QVERIFY2(text.endsWith(QStringLiteral("classes: 0×6, 1×6, 2×5, 3×5, 4×5, …")),
             qPrintable(text));
}

void TestSelectionGallery::sortByLossAndIndex()
{
    setUpRun();
    QVector<int> ids = sampleIds(0, 120);
    std::reverse(ids.begin(), ids.end());
    m_session->setSelection(ids, QString());
    const int n = m_gallery->proxy()->rowCount();
    QCOMPARE(n, 120);

    // Default: highest loss first; the worst one is a misclassified sample.
    QCOMPARE(m_gallery->sortKey(), SelectionSortProxy::SortKey::LossDescending);
    QVERIFY(!m_session->correct(m_gallery->idAt(0)));
    for (int row = 1; row < n; ++row)
        QVERIFY(m_session->loss(m_gallery->idAt(row - 1)) >= m_session->loss(m_gallery->idAt(row)));

    // Through the combo box, as a user would.
    auto* box = m_gallery->findChild<QComboBox*>();
    QVERIFY(box);
    box->setCurrentIndex(box->findText(QStringLiteral("Loss: low → high")));
    QCOMPARE(m_gallery->sortKey(), SelectionSortProxy::SortKey::LossAscending);
    for (int row = 1; row < n; ++row)
        QVERIFY(m_session->loss(m_gallery->idAt(row - 1)) <= m_session->loss(m_gallery->idAt(row)));

    // The inspected thumbnail stays the selected one whatever the order.
    m_session->setCurrent(37);
    QCOMPARE(m_gallery->selectedId(), 37);
    m_gallery->setSortKey(SelectionSortProxy::SortKey::Index);
    QCOMPARE(box->currentText(), QStringLiteral("Index"));
    for (int row = 0; row < n; ++row)
        QCOMPARE(m_gallery->idAt(row), row);
    QCOMPARE(m_gallery->selectedId(), 37);
    QCOMPARE(m_gallery->listView()->currentIndex().row(), 37);
}

void TestSelectionGallery::clickSelectsSample()
{
    setUpRun();
    m_session->setSelection(sampleIds(30, 60), QString());
    m_gallery->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_gallery.get()));
    QListView* view = m_gallery->listView();
    const QModelIndex index = m_gallery->proxy()->index(5, 0);
    const QRect rect = view->visualRect(index);
    QVERIFY(!rect.isEmpty());
    QVERIFY(view->viewport()->rect().contains(rect.center()));
    QSignalSpy current(m_session.get(), &ui::ExplorerSession::currentChanged);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(m_session->current(), m_gallery->idAt(5));
    QCOMPARE(current.count(), 1);
    QCOMPARE(m_gallery->selectedId(), m_gallery->idAt(5));
    // Keyboard: the next thumbnail is inspected too.
    QTest::keyClick(view, Qt::Key_Right);
    QCOMPARE(m_session->current(), m_gallery->idAt(6));
}

void TestSelectionGallery::currentFromElsewhereSelectsThumbnail()
{
    setUpRun();
    m_session->setSelection(sampleIds(0, 50), QString());
    QSignalSpy current(m_session.get(), &ui::ExplorerSession::currentChanged);
    m_session->setCurrent(17);
    QCOMPARE(m_gallery->selectedId(), 17);
    QCOMPARE(current.count(), 1); // no echo back into the session
    QCOMPARE(m_session->current(), 17);
    // A sample outside the selection: nothing selected.
    m_session->setCurrent(120);
    QCOMPARE(m_gallery->selectedId(), -1);
    QCOMPARE(current.count(), 2);
}

void TestSelectionGallery::wrongPredictionsAreMarkedRed()
{
    setUpRun();
    m_session->setSelection(sampleIds(0, 30), QString());
    m_gallery->setSortKey(SelectionSortProxy::SortKey::Index);
    m_gallery->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_gallery.get()));
    QListView* view = m_gallery->listView();
    const QImage shot = view->viewport()->grab().toImage();
    auto* delegate = qobject_cast<ui::ThumbnailDelegate*>(view->itemDelegate());
    QVERIFY(delegate);
    const auto frameIsRed = [&](int row) {
        const QRect digit =
            delegate->thumbnailRect(view->visualRect(m_gallery->proxy()->index(row, 0)));
        const double dpr = shot.devicePixelRatio();
        const QRgb p = shot.pixel(QPoint(digit.center().x(), digit.top() - 1) * dpr);
        return qRed(p) > 150 && qGreen(p) < 100 && qBlue(p) < 100;
    };
    QVERIFY(frameIsRed(12));  // id 12: wrong
    QVERIFY(!frameIsRed(11)); // id 11: right
    // The digit is drawn ×3 nearest-neighbour: the white bar of label 2 at x = 8..9.
    const QRect digit = delegate->thumbnailRect(view->visualRect(m_gallery->proxy()->index(2, 0)));
    QCOMPARE(digit.size(), QSize(84, 84));
    const double dpr = shot.devicePixelRatio();
    QCOMPARE(qGray(shot.pixel((digit.topLeft() + QPoint(8 * 3 + 1, 10 * 3 + 1)) * dpr)), 255);
    QCOMPARE(qGray(shot.pixel((digit.topLeft() + QPoint(7 * 3 + 1, 10 * 3 + 1)) * dpr)), 0);
}

void TestSelectionGallery::allSeventyThousandStayFast()
{
    test::ClusteredRunOptions options;
    options.trainCount = 60000;
    options.validationCount = 10000;
    setUpRun(options);
    m_gallery->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_gallery.get()));
    QVector<int> all = sampleIds(0, 70000);
    QElapsedTimer timer;
    timer.start();
    m_session->setSelection(all, QStringLiteral("everything"));
    m_gallery->listView()->viewport()->repaint();
    const qint64 selectMs = timer.elapsed();
    QCOMPARE(m_gallery->proxy()->rowCount(), 70000);
    timer.restart();
    m_gallery->setSortKey(SelectionSortProxy::SortKey::Index);
    m_gallery->setSortKey(SelectionSortProxy::SortKey::LossDescending);
    m_gallery->listView()->viewport()->repaint();
    const qint64 sortMs = timer.elapsed();
    // The batched layout finishes in the event loop; then the last thumbnail
    // can be scrolled to and is painted.
    timer.restart();
    QListView* view = m_gallery->listView();
    const QModelIndex last = m_gallery->proxy()->index(69999, 0);
    QTRY_VERIFY_WITH_TIMEOUT(view->visualRect(last).isValid(), 5000);
    const qint64 layoutMs = timer.elapsed();
    timer.restart();
    view->scrollTo(last);
    view->viewport()->repaint();
    const qint64 scrollMs = timer.elapsed();
    QVERIFY(view->viewport()->rect().contains(view->visualRect(last)));
    qInfo("70,000 thumbnails: select %lld ms, two sorts %lld ms, layout done after %lld ms, scroll "
          "to end "
          "%lld ms",
          selectMs, sortMs, layoutMs, scrollMs);
    // Generous bounds for a loaded 2-core CI box; typical values are far lower.
    QVERIFY2(selectMs < 1500, qPrintable(QString::number(selectMs)));
    QVERIFY2(sortMs < 1500, qPrintable(QString::number(sortMs)));
    QVERIFY2(layoutMs < 3000, qPrintable(QString::number(layoutMs)));
    QVERIFY2(scrollMs < 500, qPrintable(QString::number(scrollMs)));
    QVERIFY(m_gallery->summaryText().contains(QStringLiteral("70,000 samples")) ||
            m_gallery->summaryText().contains(QStringLiteral("70000 samples")));
}

QTEST_MAIN(TestSelectionGallery)
#include "tst_selection_gallery.moc"
