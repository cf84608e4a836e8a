// The confusion matrix view: the numbers shown are the run's confusion
// counts (and row percentages), a click on a cell selects exactly that
// cell's samples of the chosen subset as session ids and says which cell,
// and the exported rendering is a real picture.

#include "../common/clustered_run.h"
#include "ui/explorer_session.h"
#include "ui/why/confusion_matrix_view.h"

#include <QAction>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>
#include <functional>
#include <memory>

using namespace mnistx;
using ui::ConfusionMatrixView;

namespace
{

// The synthetic run, with some validation 5s predicted as 6 (the synthetic
// errors are label + 6 otherwise, which never gives 5 → 6), confusion
// recomputed.
std::shared_ptr<const store::RunData> runWithFiveAsSix()
{
    test::ClusteredRunOptions options;
    options.trainCount = 400;
    options.validationCount = 300;
    auto run = test::makeClusteredRun(options);
    for (auto* a : {&run->train, &run->validation}) {
        for (int i = 0; i < a->sampleCount(); ++i)
            if (a->subset == analysis::Subset::Validation && a->labels[std::size_t(i)] == 5 &&
                (i / 10) % 3 == 0)
                a->predictions[std::size_t(i)] = 6;
        a->confusion = MatrixXi64::Zero(a->classCount, a->classCount);
        for (int i = 0; i < a->sampleCount(); ++i)
            a->confusion(a->labels[std::size_t(i)], a->predictions[std::size_t(i)]) += 1;
    }
    return run;
}

QVector<int> cellIds(const store::RunData& run, analysis::Subset subset, int label, int prediction)
{
    const analysis::SubsetAnalysis& a =
        subset == analysis::Subset::Train ? run.train : run.validation;
    const int offset = subset == analysis::Subset::Train ? 0 : run.train.sampleCount();
    QVector<int> ids;
    for (int i = 0; i < a.sampleCount(); ++i)
        if (a.labels[std::size_t(i)] == label && a.predictions[std::size_t(i)] == prediction)
            ids.append(offset + i);
    return ids;
}

} // namespace

class TestConfusionMatrix : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void noRun();
    void countsAreTheRunsConfusion();
    void rowPercent();
    void clickSelectsExactlyTheCell();
    void trainSubsetSelectsTrainIds();
    void emptyCellSelectsNothing();
    void renderIsAPicture();
    void countsAndLegendShowInALowDock();

private:
    std::shared_ptr<const store::RunData> m_run;
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<ConfusionMatrixView> m_view;
};

void TestConfusionMatrix::init()
{
    m_run = runWithFiveAsSix();
    m_session = std::make_unique<ui::ExplorerSession>();
    m_view = std::make_unique<ConfusionMatrixView>(m_session.get());
    m_view->resize(620, 560);
}

void TestConfusionMatrix::cleanup()
{
    m_view.reset();
    m_session.reset();
}

void TestConfusionMatrix::noRun()
{
    QVERIFY(m_view->cellText(0, 0).isEmpty());
    QVERIFY(m_view->cellRect(0, 0).isEmpty());
    m_view->activateCell(5, 6); // nothing to select, no crash
    QVERIFY(m_session->selection().isEmpty());
    QImage image(300, 200, QImage::Format_ARGB32);
    QPainter painter(&image);
    m_view->render(&painter, QRectF(0, 0, 300, 200));
}

void TestConfusionMatrix::countsAreTheRunsConfusion()
{
    m_session->setRun(m_run, nullptr);
    QCOMPARE(m_view->subset(), analysis::Subset::Validation); // the honest numbers first
    for (auto subset : {analysis::Subset::Validation, analysis::Subset::Train}) {
        m_view->setSubset(subset);
        const analysis::SubsetAnalysis& a =
            subset == analysis::Subset::Train ? m_run->train : m_run->validation;
        for (int label = 0; label < 10; ++label) {
            for (int prediction = 0; prediction < 10; ++prediction) {
                QCOMPARE(m_view->cellText(label, prediction),
                         QString::number(a.confusion(label, prediction)));
                QCOMPARE(m_view->cellCount(label, prediction), a.confusion(label, prediction));
            }
            const double accuracy =
                100.0 * a.confusion(label, label) / double(a.confusion.row(label).sum());
            QCOMPARE(m_view->accuracyText(label), QString::number(accuracy, 'f', 1) + " %");
        }
    }
    QVERIFY(m_run->validation.confusion(5, 6) > 0);
}

void TestConfusionMatrix::rowPercent()
{
    m_session->setRun(m_run, nullptr);
    m_view->setNormalized(true);
    const auto& c = m_run->validation.confusion;
    const double share = 100.0 * c(5, 6) / double(c.row(5).sum());
    QCOMPARE(m_view->cellText(5, 6), QString::number(share, 'f', 1));
    QCOMPARE(m_view->cellText(5, 7), QStringLiteral("0"));
    m_view->setNormalized(false);
    QCOMPARE(m_view->cellText(5, 6), QString::number(c(5, 6)));
}

void TestConfusionMatrix::clickSelectsExactlyTheCell()
{
    m_session->setRun(m_run, nullptr);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QSignalSpy activated(m_view.get(), &ConfusionMatrixView::cellActivated);
    const QRectF cell = m_view->cellRect(5, 6);
    QVERIFY(!cell.isEmpty());
    QTest::mouseClick(m_view->matrixWidget(), Qt::LeftButton, {}, cell.center().toPoint());

    const QVector<int> expected = cellIds(*m_run, analysis::Subset::Validation, 5, 6);
    QVector<int> selected = m_session->selection();
    std::sort(selected.begin(), selected.end());
    QCOMPARE(selected, expected);
    QCOMPARE(m_session->selectionDescription(),
             QStringLiteral("validation: ground truth 5 predicted 6"));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().at(0).toInt(), int(analysis::Subset::Validation));
    QCOMPARE(activated.first().at(1).toInt(), 5);
    QCOMPARE(activated.first().at(2).toInt(), 6);

    // A neighbouring cell's click selects that cell instead.
    QTest::mouseClick(m_view->matrixWidget(), Qt::LeftButton, {},
                      m_view->cellRect(5, 5).center().toPoint());
    selected = m_session->selection();
    std::sort(selected.begin(), selected.end());
    QCOMPARE(selected, cellIds(*m_run, analysis::Subset::Validation, 5, 5));
}

void TestConfusionMatrix::trainSubsetSelectsTrainIds()
{
    m_session->setRun(m_run, nullptr);
    m_view->setSubset(analysis::Subset::Train);
    QSignalSpy activated(m_view.get(), &ConfusionMatrixView::cellActivated);
    m_view->activateCell(1, 7); // the synthetic errors: GT 1 predicted 7
    QVector<int> selected = m_session->selection();
    std::sort(selected.begin(), selected.end());
    const QVector<int> expected = cellIds(*m_run, analysis::Subset::Train, 1, 7);
    QVERIFY(!expected.isEmpty());
    QCOMPARE(selected, expected);
    QCOMPARE(activated.first().at(0).toInt(), int(analysis::Subset::Train));
}

void TestConfusionMatrix::emptyCellSelectsNothing()
{
    m_session->setRun(m_run, nullptr);
    QCOMPARE(m_view->cellCount(5, 7), 0);
    QSignalSpy activated(m_view.get(), &ConfusionMatrixView::cellActivated);
    m_view->activateCell(5, 7);
    QCOMPARE(activated.count(), 0);
    QVERIFY(m_session->selection().isEmpty());
}

void TestConfusionMatrix::renderIsAPicture()
{
    m_session->setRun(m_run, nullptr);
    QImage image(560, 500, QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        m_view->render(&painter, QRectF(0, 0, 560, 500));
    }
    int nonWhite = 0, reddish = 0, greenish = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            nonWhite += c != QColor(Qt::white);
            reddish += c.red() > 150 && c.green() < 200 && c.blue() < 150;
            greenish += c.green() > c.red() + 30 && c.green() > c.blue() + 30;
        }
    QVERIFY2(nonWhite > image.width() * image.height() / 10, qPrintable(QString::number(nonWhite)));
    QVERIFY(reddish > 100);   // the error cells
    QVERIFY(greenish > 1000); // the diagonal
    QCOMPARE(m_view->exportActions().size(), 3);
}

// In the dock's default size (about 600 × 300, the matrix gets ~210 px of
// height) with MNIST-sized counts ("1108"), every cell shows its count, in
// dark type on the pale cells and white on the darkest, and a legend beside
// the matrix shows both colour scales with their ends.
void TestConfusionMatrix::countsAndLegendShowInALowDock()
{
    test::ClusteredRunOptions options;
    options.trainCount = 400;
    options.validationCount = 11000;
    auto run = test::makeClusteredRun(options);
    m_session->setRun(run, nullptr);
    m_view->resize(600, 300);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QVERIFY(m_view->cellText(1, 1).size() >= 4);
    QVERIFY(m_view->cellTextShown());
    const QImage image = m_view->matrixWidget()->grab().toImage();
    const qreal dpr = image.devicePixelRatio();
    const auto count = [&](const QRectF& area, const std::function<bool(const QColor&)>& test) {
        int n = 0;
        const QRect r = area.toAlignedRect();
        for (int y = r.top(); y <= r.bottom(); ++y)
            for (int x = r.left(); x <= r.right(); ++x)
                n += test(image.pixelColor(int(x * dpr), int(y * dpr))) ? 1 : 0;
        return n;
    };
    const auto dark = [](const QColor& c) { return c.lightness() < 90; };
    const auto white = [](const QColor& c) {
        return c.red() > 235 && c.green() > 235 && c.blue() > 235;
    };
    const auto grey = [](const QColor& c) {
        return std::abs(c.red() - c.blue()) < 12 && c.lightness() < 215 && c.lightness() > 120;
    };
    for (int k = 0; k < 10; ++k) {
        // The diagonal: pale-to-mid green with dark counts.
        const QRectF cell = m_view->cellRect(k, k).adjusted(2, 2, -2, -2);
        QVERIFY2(count(cell, dark) >= 10,
                 qPrintable(QStringLiteral("no count in cell %1,%1").arg(k)));
    }
    // An empty cell shows a light grey "0".
    QCOMPARE(m_view->cellCount(5, 7), 0);
    QVERIFY(count(m_view->cellRect(5, 7).adjusted(2, 2, -2, -2), grey) >= 3);
    // The synthetic errors are label + 6: the largest error cell is the darkest red,
    // with white text.
    int worstLabel = 0, worstPrediction = 1;
    for (int l = 0; l < 10; ++l)
        for (int p = 0; p < 10; ++p)
            if (l != p && m_view->cellCount(l, p) > m_view->cellCount(worstLabel, worstPrediction))
                worstLabel = l, worstPrediction = p;
    QVERIFY(count(m_view->cellRect(worstLabel, worstPrediction).adjusted(2, 2, -2, -2), white) >=
            5);

    // The legend: beside the accuracy column, inside the matrix, clear of the cells.
    const QRectF legend = m_view->legendRect();
    QVERIFY(!legend.isEmpty());
    QVERIFY(QRectF(m_view->matrixWidget()->rect()).contains(legend));
    QVERIFY(legend.left() > m_view->cellRect(0, 9).right());
    QVERIFY(legend.height() >= m_view->cellRect(9, 0).bottom() - m_view->cellRect(0, 0).top());
    const int reds = count(
        legend, [](const QColor& c) { return c.red() > 150 && c.green() < 140 && c.blue() < 100; });
    const int greens = count(legend, [](const QColor& c) {
        return c.green() > c.red() + 30 && c.green() > c.blue() + 30;
    });
    QVERIFY2(reds > 30, qPrintable(QString::number(reds)));     // the errors' ramp
    QVERIFY2(greens > 30, qPrintable(QString::number(greens))); // the diagonal's
    QVERIFY(count(legend, dark) > 40);                          // titles and range labels
}

QTEST_MAIN(TestConfusionMatrix)
#include "tst_confusion_matrix.moc"
