#include "../common/clustered_run.h"
#include "ui/explorer_session.h"
#include "ui/tables/misclassified_filter_proxy.h"
#include "ui/tables/misclassified_model.h"
#include "ui/tables/misclassified_view.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QSet>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QtTest>
#include <memory>

using namespace mnistx;
using ui::MisclassifiedFilterProxy;
using ui::MisclassifiedModel;
using ui::MisclassifiedView;

class TestMisclassifiedTable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void modelPassesTester();
    void rowsAreAllWrongPredictions();
    void sortedByLossDescendingByDefault();
    void sortsNumerically();
    void pairFilterKeepsOnlyThatPair();
    void subsetFilter();
    void rowSelectionSetsCurrent();
    void severalRowsBecomeTheSelection();
    void currentFromElsewhereSelectsRow();
    void hintWithoutRunOrErrors();

private:
    void setUpRun(const test::ClusteredRunOptions& options = {});
    int runMisclassifiedCount() const
    {
        int n = 0;
        for (const auto* a : {&m_session->run().train, &m_session->run().validation})
            for (int i = 0; i < a->sampleCount(); ++i)
                n += !a->correct(i);
        return n;
    }
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<MisclassifiedView> m_view;
};

void TestMisclassifiedTable::setUpRun(const test::ClusteredRunOptions& options)
{
    auto run = test::makeClusteredRun(options);
    m_session->setRun(run, test::makeSyntheticImages(*run));
}

void TestMisclassifiedTable::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_view = std::make_unique<MisclassifiedView>(m_session.get());
    m_view->resize(640, 480);
}

void TestMisclassifiedTable::cleanup()
{
    m_view.reset();
    m_session.reset();
}

void TestMisclassifiedTable::modelPassesTester()
{
    ui::ExplorerSession session;
    MisclassifiedModel model(&session);
    MisclassifiedFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(MisclassifiedModel::ColumnCount));

    auto run = test::makeClusteredRun();
    session.setRun(run, test::makeSyntheticImages(*run));
    QVERIFY(model.rowCount() > 0);
    proxy.sort(MisclassifiedModel::LossColumn, Qt::DescendingOrder);
    proxy.setPairFilter(1, 7);
    proxy.setSubsetFilter(ui::SubsetFilter::Validation);
    proxy.setPairFilter(-1, -1);
    proxy.setSubsetFilter(ui::SubsetFilter::Both);
    proxy.sort(MisclassifiedModel::GroundTruthDistanceColumn, Qt::AscendingOrder);
    for (int c = 0; c < model.columnCount(); ++c)
        QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    session.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestMisclassifiedTable::rowsAreAllWrongPredictions()
{
    setUpRun();
    const int expected = runMisclassifiedCount();
    QVERIFY(expected > 0);
    QCOMPARE(m_view->totalCount(), expected);
    QCOMPARE(m_view->shownCount(), expected);
    QCOMPARE(m_view->countText(), QStringLiteral("%1 of %1 misclassified").arg(expected));
    const QVector<int> ids = m_view->shownIds();
    QCOMPARE(QSet<int>(ids.begin(), ids.end()).size(), expected);
    auto* proxy = m_view->proxy();
    for (int row = 0; row < proxy->rowCount(); ++row) {
        const int id = ids[row];
        QVERIFY(!m_session->correct(id));
        // What the cells say matches the sample.
        const auto cell = [&](int column) { return proxy->index(row, column).data().toString(); };
        QCOMPARE(cell(MisclassifiedModel::IndexColumn),
                 QString::number(m_session->indexInSubset(id)));
        QCOMPARE(cell(MisclassifiedModel::GroundTruthColumn),
                 QString::number(m_session->label(id)));
        QCOMPARE(cell(MisclassifiedModel::PredictionColumn),
                 QString::number(m_session->prediction(id)));
        QCOMPARE(cell(MisclassifiedModel::LossColumn),
                 QString::number(m_session->loss(id), 'f', 3));
        const auto& a = m_session->analysisOf(id);
        const int i = m_session->indexInSubset(id);
        QCOMPARE(cell(MisclassifiedModel::GroundTruthDistanceColumn),
                 QString::number(a.centroidDistances(i, m_session->label(id)), 'f', 2));
        QCOMPARE(cell(MisclassifiedModel::PredictionDistanceColumn),
                 QString::number(a.centroidDistances(i, m_session->prediction(id)), 'f', 2));
        QCOMPARE(cell(MisclassifiedModel::SubsetColumn),
                 m_session->subsetOf(id) == analysis::Subset::Train ? QStringLiteral("train")
                                                                    : QStringLiteral("validation"));
    }
}

void TestMisclassifiedTable::sortedByLossDescendingByDefault()
{
    setUpRun();
    QCOMPARE(m_view->tableView()->horizontalHeader()->sortIndicatorSection(),
             int(MisclassifiedModel::LossColumn));
    QCOMPARE(m_view->tableView()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    const QVector<int> ids = m_view->shownIds();
    for (int k = 1; k < ids.size(); ++k)
        QVERIFY(m_session->loss(ids[k - 1]) >= m_session->loss(ids[k]));
    // The same order the session uses for Next/Previous.
    QCOMPARE(std::vector<int>(ids.begin(), ids.end()), m_session->misclassifiedByLoss());
}

void TestMisclassifiedTable::sortsNumerically()
{
    setUpRun();
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QHeaderView* header = m_view->tableView()->horizontalHeader();
    // A click on the loss header flips to ascending.
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                      QPoint(header->sectionViewportPosition(MisclassifiedModel::LossColumn) + 5,
                             header->height() / 2));
    QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
    QVector<int> ids = m_view->shownIds();
    for (int k = 1; k < ids.size(); ++k)
        QVERIFY(m_session->loss(ids[k - 1]) <= m_session->loss(ids[k]));

    // Index: as numbers (2 < 10), not as text ("10" < "2").
    m_view->tableView()->sortByColumn(MisclassifiedModel::IndexColumn, Qt::AscendingOrder);
    ids = m_view->shownIds();
    for (int k = 1; k < ids.size(); ++k)
        QVERIFY(m_session->indexInSubset(ids[k - 1]) <= m_session->indexInSubset(ids[k]));
    m_view->tableView()->sortByColumn(MisclassifiedModel::PredictionDistanceColumn,
                                      Qt::DescendingOrder);
    ids = m_view->shownIds();
    const auto* model = m_view->model();
    for (int k = 1; k < ids.size(); ++k)
        QVERIFY(model->distanceTo(ids[k - 1], m_session->prediction(ids[k - 1])) >=
                model->distanceTo(ids[k], m_session->prediction(ids[k])));
}

void TestMisclassifiedTable::pairFilterKeepsOnlyThatPair()
{
    setUpRun();
    int expected = 0;
    for (int id : m_session->misclassifiedByLoss())
        expected += m_session->label(id) == 1 && m_session->prediction(id) == 7;
    QVERIFY(expected > 0); // the fixture predicts GT 1 as 7

    // Through the combo boxes, as a user would.
    m_view->groundTruthBox()->setCurrentIndex(
        m_view->groundTruthBox()->findText(QStringLiteral("1")));
    m_view->predictionBox()->setCurrentIndex(
        m_view->predictionBox()->findText(QStringLiteral("7")));
    QCOMPARE(m_view->shownCount(), expected);
    for (int id : m_view->shownIds()) {
        QCOMPARE(m_session->label(id), 1);
        QCOMPARE(m_session->prediction(id), 7);
    }
    QCOMPARE(m_view->countText(),
             QStringLiteral("%1 of %2 misclassified").arg(expected).arg(m_view->totalCount()));
    // Still by descending loss.
    const QVector<int> ids = m_view->shownIds();
    for (int k = 1; k < ids.size(); ++k)
        QVERIFY(m_session->loss(ids[k - 1]) >= m_session->loss(ids[k]));

    // A pair nobody confuses: no rows; back to any: all rows.
    m_view->setPairFilter(1, 2);
    QCOMPARE(m_view->shownCount(), 0);
    QCOMPARE(m_view->predictionBox()->currentText(), QStringLiteral("2"));
    m_view->setPairFilter(-1, -1);
    QCOMPARE(m_view->groundTruthBox()->currentText(), QStringLiteral("any"));
    QCOMPARE(m_view->shownCount(), m_view->totalCount());
    // GT only.
    m_view->setPairFilter(3, -1);
    QVERIFY(m_view->shownCount() > 0);
    for (int id : m_view->shownIds())
        QCOMPARE(m_session->label(id), 3);
}

void TestMisclassifiedTable::subsetFilter()
{
    setUpRun();
    m_view->setSubsetFilter(ui::SubsetFilter::Validation);
    QVERIFY(m_view->shownCount() > 0);
    int expected = 0;
    for (int id : m_session->misclassifiedByLoss())
        expected += m_session->subsetOf(id) == analysis::Subset::Validation;
    QCOMPARE(m_view->shownCount(), expected);
    for (int id : m_view->shownIds())
        QCOMPARE(m_session->subsetOf(id), analysis::Subset::Validation);
    QCOMPARE(m_view->subsetBox()->currentText(), QStringLiteral("validation"));
    m_view->subsetBox()->setCurrentIndex(m_view->subsetBox()->findText(QStringLiteral("train")));
    for (int id : m_view->shownIds())
        QCOMPARE(m_session->subsetOf(id), analysis::Subset::Train);
    QCOMPARE(m_view->shownCount(), m_view->totalCount() - expected);
}

void TestMisclassifiedTable::rowSelectionSetsCurrent()
{
    setUpRun();
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QTableView* table = m_view->tableView();
    const QVector<int> ids = m_view->shownIds();
    QSignalSpy current(m_session.get(), &ui::ExplorerSession::currentChanged);
    QSignalSpy selection(m_session.get(), &ui::ExplorerSession::selectionChanged);
    const QRect cell = table->visualRect(m_view->proxy()->index(3, MisclassifiedModel::LossColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(m_session->current(), ids[3]);
    QCOMPARE(current.count(), 1);
    QCOMPARE(selection.count(), 0); // one row inspects; it does not replace the selection
    table->selectRow(5);
    QCOMPARE(m_session->current(), ids[5]);
}

void TestMisclassifiedTable::severalRowsBecomeTheSelection()
{
    setUpRun();
    m_view->setPairFilter(1, 7);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    const QVector<int> ids = m_view->shownIds();
    QVERIFY(ids.size() >= 2);
    QTableView* table = m_view->tableView();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(m_view->proxy()->index(0, 0)).center());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                      table->visualRect(m_view->proxy()->index(ids.size() - 1, 0)).center());
    QCOMPARE(m_view->selectedIds(), ids);
    QCOMPARE(m_session->selection(), ids);
    QCOMPARE(m_session->selectionDescription(), QStringLiteral("misclassified GT 1 → 7"));
    // The row clicked last is inspected.
    QCOMPARE(m_session->current(), ids.last());
}

void TestMisclassifiedTable::currentFromElsewhereSelectsRow()
{
    setUpRun();
    const std::vector<int>& order = m_session->misclassifiedByLoss();
    const int id = order[order.size() / 2];
    QSignalSpy current(m_session.get(), &ui::ExplorerSession::currentChanged);
    QSignalSpy selection(m_session.get(), &ui::ExplorerSession::selectionChanged);
    m_session->setCurrent(id);
    QCOMPARE(m_view->selectedIds(), QVector<int>{id});
    QCOMPARE(current.count(), 1); // no echo back
    QCOMPARE(selection.count(), 0);
    // A correct sample is not listed: no row stays selected.
    m_session->setCurrent(0);
    QVERIFY(m_session->correct(0));
    QVERIFY(m_view->selectedIds().isEmpty());
    QCOMPARE(m_session->current(), 0);
    // A listed sample hidden by the filter: no row selected either.
    m_view->setPairFilter(1, 7);
    const int hidden = [&] {
        for (int wrong : order)
            if (m_session->label(wrong) != 1)
                return wrong;
        return -1;
    }();
    m_session->setCurrent(hidden);
    QVERIFY(m_view->selectedIds().isEmpty());
}

void TestMisclassifiedTable::hintWithoutRunOrErrors()
{
    QCOMPARE(m_view->totalCount(), 0);
    QCOMPARE(m_view->countText(), QStringLiteral("0 of 0 misclassified"));
    test::ClusteredRunOptions options;
    options.misclassifiedEvery = 0;
    setUpRun(options);
    QCOMPARE(m_view->totalCount(), 0);
    auto* hint = m_view->findChild<QStackedWidget*>()->currentWidget();
    auto* label = qobject_cast<QLabel*>(hint);
    QVERIFY(label);
    QVERIFY(label->text().contains(QStringLiteral("No misclassified samples")));
    setUpRun();
    QCOMPARE(m_view->findChild<QStackedWidget*>()->currentWidget(),
             static_cast<QWidget*>(m_view->tableView()));
}

QTEST_MAIN(TestMisclassifiedTable)
#include "tst_misclassified_table.moc"
