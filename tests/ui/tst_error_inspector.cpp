#include "../common/clustered_run.h"
#include "ui/charts/bar_chart_widget.h"
#include "ui/common/sample_format.h"
#include "ui/explorer_session.h"
#include "ui/inspector/digit_view.h"
#include "ui/inspector/error_inspector.h"

#include <QAction>
#include <QBuffer>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgGenerator>
#include <QtTest>
#include <memory>

using namespace mnistx;
using ui::BarChartWidget;
using ui::ErrorInspector;

class TestErrorInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void hintWithoutRunOrSample();
    void showsMisclassifiedSample();
    void showsCorrectSample();
    void nearestCentroidOfAnotherClassIsNamed();
    void nextPreviousFollowDescendingLoss();
    void nextFromCorrectSampleStartsWithWorst();
    void keyboardShortcutsStep();
    void barChartTextNeverOverlaps_data();
    void barChartTextNeverOverlaps();
    void exportsRasterAndVector();
    void everyCentroidDistanceShowsInANarrowDock_data();
    void everyCentroidDistanceShowsInANarrowDock();
    void neighbouringTagsReadWhole_data();
    void neighbouringTagsReadWhole();
    void classNamesAndSourceAreShown();
    void userMetadataFieldsAreShown();
    void comparisonShowsTheOtherRunBeside();

private:
    void setUpRun(const std::function<void(store::RunData&)>& edit = {});
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<ErrorInspector> m_inspector;
    test::ClusteredRunOptions m_options;
};

void TestErrorInspector::setUpRun(const std::function<void(store::RunData&)>& edit)
{
    auto run = test::makeClusteredRun(m_options);
    if (edit)
        edit(*run);
    auto images = test::makeSyntheticImages(*run);
    m_session->setRun(run, images);
}

void TestErrorInspector::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    m_inspector = std::make_unique<ErrorInspector>(m_session.get());
    m_inspector->resize(520, 760);
}

void TestErrorInspector::cleanup()
{
    m_inspector.reset();
    m_session.reset();
}

void TestErrorInspector::hintWithoutRunOrSample()
{
    QVERIFY(m_inspector->isShowingHint());
    QVERIFY(m_inspector->hintText().contains(QStringLiteral("No run")));
    QCOMPARE(m_inspector->nextMisclassified(), -1);

    setUpRun();
    QVERIFY(m_inspector->isShowingHint());
    QVERIFY(m_inspector->hintText().contains(QStringLiteral("Click a dot on the map")));
    QCOMPARE(m_inspector->sampleId(), -1);
    QVERIFY(m_inspector->headerText().isEmpty());

    m_session->setCurrent(3);
    QVERIFY(!m_inspector->isShowingHint());
    m_session->setCurrent(-1);
    QVERIFY(m_inspector->isShowingHint());
}

void TestErrorInspector::showsMisclassifiedSample()
{
    setUpRun();
    // Every 13th id is wrong (id % 13 == 12): train #12, label 2, predicted 8.
    const int id = 12;
    QVERIFY(test::syntheticMisclassified(m_options, id));
    const int gt = m_session->label(id);
    const int pred = m_session->prediction(id);
    QCOMPARE(gt, 2);
    QCOMPARE(pred, 8);
    m_session->setCurrent(id);

    QCOMPARE(m_inspector->sampleId(), id);
    const QString header = m_inspector->headerText();
    QVERIFY2(header.contains(QStringLiteral("train #12")), qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("GT 2")), qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("predicted 8")), qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("wrong")), qPrintable(header));
    QVERIFY2(
        header.contains(QStringLiteral("loss ") + QString::number(m_session->loss(id), 'f', 2)),
        qPrintable(header));

    // The digit is the sample's image.
    QCOMPARE(m_inspector->digitView()->image(), m_session->image(id));

    const auto& a = m_session->run().train;
    const BarChartWidget* distances = m_inspector->distanceChart();
    const BarChartWidget* probabilities = m_inspector->probabilityChart();
    QCOMPARE(distances->barCount(), 10);
    QCOMPARE(probabilities->barCount(), 10);
    for (int c = 0; c < 10; ++c) {
        QCOMPARE(distances->values()[c], double(a.centroidDistances(id, c)));
        QCOMPARE(probabilities->values()[c], double(a.probabilities(id, c)));
        QCOMPARE(distances->labels()[c], QString::number(c));
    }
    // GT and prediction are marked in both charts; the others are not.
    for (const BarChartWidget* chart : {distances, probabilities}) {
        QVERIFY(chart->markTag(gt).contains(QStringLiteral("GT")));
        QVERIFY(chart->markTag(pred).contains(QStringLiteral("pred")));
        QVERIFY(chart->markColor(gt) != chart->markColor(pred));
        QVERIFY(chart->barColor(gt) != chart->barColor(pred));
        for (int c = 0; c < 10; ++c)
            if (c != gt && c != pred)
                QVERIFY(!chart->markColor(c).isValid());
    }
    // The dashed line is at the distance to the own class.
    QCOMPARE(distances->referenceLine(), double(a.centroidDistances(id, gt)));

    // The fixture puts a wrong sample nearer its predicted class's centroid.
    QCOMPARE(m_inspector->nearestCentroid(), pred);
    const QString expected =
        QStringLiteral("Nearest centroid: 8 (%1) — closer than its own class 2 (%2).")
            .arg(ui::formatDistance(a.centroidDistances(id, 8)),
                 ui::formatDistance(a.centroidDistances(id, 2)));
    QVERIFY2(m_inspector->nearestCentroidText().startsWith(expected),
             qPrintable(m_inspector->nearestCentroidText()));
    QVERIFY(m_inspector->nearestCentroidText().contains(QStringLiteral("predicted 8 too")));
}

void TestErrorInspector::showsCorrectSample()
{
    setUpRun();
    const int id = m_options.trainCount + 4; // validation #4, label 4, correct
    QVERIFY(!test::syntheticMisclassified(m_options, id));
    m_session->setCurrent(id);
    const QString header = m_inspector->headerText();
    QVERIFY2(header.contains(QStringLiteral("validation #4")), qPrintable(header));
    QVERIFY(header.contains(QStringLiteral("GT 4")));
    QVERIFY(header.contains(QStringLiteral("predicted 4")));
    QVERIFY(header.contains(QStringLiteral("right")));
    QCOMPARE(m_inspector->nearestCentroid(), 4);
    QVERIFY2(m_inspector->nearestCentroidText().startsWith(QStringLiteral("Nearest centroid: 4 (")),
             qPrintable(m_inspector->nearestCentroidText()));
    QVERIFY(m_inspector->nearestCentroidText().contains(QStringLiteral("its own class")));
    QVERIFY(m_inspector->probabilityChart()->markTag(4).contains(QStringLiteral("GT")));
    QVERIFY(m_inspector->probabilityChart()->markTag(4).contains(QStringLiteral("pred")));
}

void TestErrorInspector::nearestCentroidOfAnotherClassIsNamed()
{
    // A correctly classified 0 whose image is nearer the 3s' centroid.
    setUpRun([](store::RunData& run) {
        run.train.centroidDistances(0, 3) = 4.25f;
        run.train.centroidDistances(0, 0) = 6.5f;
    });
    m_session->setCurrent(0);
    QCOMPARE(m_inspector->nearestCentroid(), 3);
    const QString text = m_inspector->nearestCentroidText();
    QVERIFY2(text.startsWith(QStringLiteral(
                 "Nearest centroid: 3 (4.25) — closer than its own class 0 (6.50).")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("still predicted 0 correctly")));
    QVERIFY(m_inspector->distanceChart()->markTag(3).contains(QStringLiteral("nearest")));
}

void TestErrorInspector::nextPreviousFollowDescendingLoss()
{
    setUpRun();
    const std::vector<int>& order = m_session->misclassifiedByLoss();
    QVERIFY(order.size() >= 10);
    for (size_t k = 1; k < order.size(); ++k)
        QVERIFY(m_session->loss(order[k - 1]) >= m_session->loss(order[k]));

    // From nothing, Next starts with the worst; each Next steps down in loss.
    QVERIFY(!m_inspector->previousMisclassifiedAction()->isEnabled());
    for (size_t k = 0; k < order.size(); ++k) {
        QVERIFY(m_inspector->nextMisclassifiedAction()->isEnabled());
        m_inspector->nextMisclassifiedAction()->trigger();
        QCOMPARE(m_session->current(), order[k]);
        QCOMPARE(m_inspector->sampleId(), order[k]);
        QVERIFY2(m_inspector->navigationText().startsWith(
                     QStringLiteral("misclassified %1 of %2").arg(k + 1).arg(order.size())),
                 qPrintable(m_inspector->navigationText()));
    }
    QVERIFY(!m_inspector->nextMisclassifiedAction()->isEnabled());
    // Previous walks back up.
    for (size_t k = order.size() - 1; k-- > 0;) {
        m_inspector->previousMisclassifiedAction()->trigger();
        QCOMPARE(m_session->current(), order[k]);
    }
    QVERIFY(!m_inspector->previousMisclassifiedAction()->isEnabled());
}

void TestErrorInspector::nextFromCorrectSampleStartsWithWorst()
{
    setUpRun();
    m_session->setCurrent(1);
    QVERIFY(m_session->correct(1));
    QCOMPARE(m_inspector->nextMisclassified(), m_session->misclassifiedByLoss().front());
    QCOMPARE(m_inspector->previousMisclassified(), m_session->misclassifiedByLoss().back());
    m_inspector->showNextMisclassified();
    QCOMPARE(m_session->current(), m_session->misclassifiedByLoss().front());
}

void TestErrorInspector::keyboardShortcutsStep()
{
    setUpRun();
    m_inspector->show();
    m_inspector->activateWindow();
    if (!QTest::qWaitForWindowActive(m_inspector.get()))
        QSKIP("this platform does not activate windows; shortcuts need an active window");
    const std::vector<int>& order = m_session->misclassifiedByLoss();
    QTest::keyClick(m_inspector.get(), Qt::Key_N);
    QCOMPARE(m_session->current(), order[0]);
    QTest::keyClick(m_inspector.get(), Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(m_session->current(), order[1]);
    QTest::keyClick(m_inspector.get(), Qt::Key_P);
    QCOMPARE(m_session->current(), order[0]);
    // Every control explains itself.
    QVERIFY(m_inspector->nextMisclassifiedAction()->toolTip().contains(QStringLiteral("N")));
    QVERIFY(!m_inspector->probabilityChart()->toolTip().isEmpty());
    QVERIFY(!m_inspector->distanceChart()->toolTip().isEmpty());
}

void TestErrorInspector::barChartTextNeverOverlaps_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<QSize>("size");
    for (const QSize& s : {QSize(220, 150), QSize(300, 200), QSize(480, 260), QSize(900, 400)}) {
        QTest::addRow("vertical %dx%d", s.width(), s.height()) << int(Qt::Vertical) << s;
        QTest::addRow("horizontal %dx%d", s.width(), s.height()) << int(Qt::Horizontal) << s;
    }
}

void TestErrorInspector::barChartTextNeverOverlaps()
{
    QFETCH(int, orientation);
    QFETCH(QSize, size);
    BarChartWidget chart;
    chart.setOrientation(Qt::Orientation(orientation));
    chart.setTitle(QStringLiteral("Distance to each class centroid (pixel space)"));
    chart.setValueAxisTitle(QStringLiteral("Euclidean distance"));
    QVector<double> values;
    QStringList labels;
    QVector<QImage> icons;
    for (int c = 0; c < 10; ++c) {
        values << 6.0 + 0.37 * c + (c == 7 ? 4.0 : 0.0);
        labels << QString::number(c);
        QImage icon(28, 28, QImage::Format_Grayscale8);
        icon.fill(c * 20);
        icons << icon;
    }
    chart.setValues(values);
    chart.setLabels(labels);
    chart.setBarIcons(icons);
    chart.setMark(5, QStringLiteral("GT"), Qt::black);
    chart.setMark(6, QStringLiteral("pred\nnearest"), Qt::red);
    chart.setValueFormatter([](double v) { return QString::number(v, 'f', 2); });
    chart.resize(size);
    const QRectF bounds(QPointF(0, 0), QSizeF(size));
    for (int i = 0; i < 10; ++i) {
        const QRectF bar = chart.barRect(i);
        QVERIFY(!bar.isEmpty());
        QVERIFY2(bounds.contains(bar), qPrintable(QStringLiteral("bar %1 outside").arg(i)));
        for (int j = i + 1; j < 10; ++j)
            QVERIFY(!bar.intersects(chart.barRect(j)));
    }
    if (size.width() >= 480)
        QVERIFY2(chart.valueLabelsShown(), "value labels dropped at a comfortable size");
    if (chart.valueLabelsShown()) {
        for (int i = 0; i < 10; ++i) {
            const QRectF label = chart.valueLabelRect(i);
            QVERIFY(bounds.contains(label));
            for (int j = 0; j < 10; ++j) {
                if (j != i)
                    QVERIFY2(
                        !label.intersects(chart.valueLabelRect(j)),
                        qPrintable(QStringLiteral("value labels %1 and %2 overlap").arg(i).arg(j)));
                QVERIFY2(!label.intersects(chart.barRect(j).adjusted(0.5, 0.5, -0.5, -0.5)),
                         qPrintable(QStringLiteral("value label %1 covers bar %2").arg(i).arg(j)));
            }
        }
    }
}

void TestErrorInspector::exportsRasterAndVector()
{
    setUpRun();
    m_session->setCurrent(12);
    const QImage image = m_inspector->renderImage(QSize(520, 760), 2.0);
    QCOMPARE(image.size(), QSize(1040, 1520));
    // Not blank: the digit (black square with white ink) and coloured bars are there.
    int dark = 0, red = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) {
            const QRgb p = image.pixel(x, y);
            dark += qGray(p) < 20;
            red += qRed(p) > 200 && qGreen(p) < 90 && qBlue(p) < 90;
        }
    QVERIFY(dark > 1000);
    QVERIFY(red > 50);

    QBuffer svg;
    svg.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&svg);
    generator.setSize(QSize(520, 760));
    generator.setViewBox(QRect(0, 0, 520, 760));
    {
        QPainter painter(&generator);
        m_inspector->render(&painter, QRectF(0, 0, 520, 760));
    }
    QVERIFY(svg.data().size() > 5000);
    QVERIFY(svg.data().contains("<svg"));
}

void TestErrorInspector::everyCentroidDistanceShowsInANarrowDock_data()
{
    QTest::addColumn<int>("width");
    for (int width : {300, 330, 360, 400, 430})
        QTest::addRow("%d px", width) << width;
}

// The distances of a real MNIST sample ("10.23" and "6.24" over ten bars)
// are wider than a bar's slot in a narrow dock: every bar still shows its
// value (turned upright above the bar if need be), painted, inside the
// chart, clear of the bars, of each other and of the GT / pred / nearest tags.
void TestErrorInspector::everyCentroidDistanceShowsInANarrowDock()
{
    QFETCH(int, width);
    const int id = 12; // train #12: GT 2, predicted 8
    // MNIST-like distances: 6–11 pixels, the prediction's centroid nearest.
    const double distances[] = {10.23, 8.07, 7.68, 8.70, 9.45, 7.83, 8.32, 10.61, 6.24, 7.33};
    setUpRun([&](store::RunData& run) {
        for (int c = 0; c < 10; ++c)
            run.train.centroidDistances(id, c) = static_cast<float>(distances[c]);
    });
    m_session->setCurrent(id);
    m_inspector->resize(width, 720);
    m_inspector->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_inspector.get()));
    const BarChartWidget* chart = m_inspector->distanceChart();
    QCOMPARE(chart->barCount(), 10);
    QVERIFY(chart->markTag(8).contains(QStringLiteral("nearest")));
    QVERIFY2(
        chart->valueLabelsShown(),
        qPrintable(
            QStringLiteral("no distances at %1 px (chart %2 px)").arg(width).arg(chart->width())));
    const QImage image = const_cast<BarChartWidget*>(chart)->grab().toImage();
    const qreal dpr = image.devicePixelRatio();
    const QRectF bounds(chart->rect());
    for (int i = 0; i < 10; ++i) {
        const QRectF label = chart->valueLabelRect(i);
        QVERIFY2(!label.isEmpty() && bounds.contains(label), qPrintable(QString::number(i)));
        for (int j = 0; j < 10; ++j) {
            QVERIFY(!label.intersects(chart->barRect(j).adjusted(0.5, 0.5, -0.5, -0.5)));
            if (j != i)
                QVERIFY(!label.intersects(chart->valueLabelRect(j)));
        }
        // Painted: text pixels (dark grey or a mark colour) inside the label's box.
        int ink = 0;
        const QRect r = label.toAlignedRect();
        for (int y = r.top(); y <= r.bottom(); ++y)
            for (int x = r.left(); x <= r.right(); ++x) {
                const QColor c = image.pixelColor(int(x * dpr), int(y * dpr));
                ink += std::min({c.red(), c.green(), c.blue()}) < 150 ? 1 : 0;
            }
        QVERIFY2(ink >= 8,
                 qPrintable(QStringLiteral("value of bar %1 not painted (%2 px)").arg(i).arg(ink)));
    }
}

void TestErrorInspector::neighbouringTagsReadWhole_data()
{
    QTest::addColumn<int>("width");
    for (int width : {360, 400, 430})
        QTest::addRow("%d px", width) << width;
}

// Validation #9729 of the default run: a 5 predicted as 6, centroid 6 the
// nearest. The tags "GT" and "pred / nearest" sit on neighbouring bars and
// "nearest" read "neare…" in a 430 px dock: it may use the room "GT" leaves.
void TestErrorInspector::neighbouringTagsReadWhole()
{
    QFETCH(int, width);
    const int id = 15; // train #15: GT 5
    const double distances[] = {8.51, 8.08, 7.63, 7.90, 8.03, 7.59, 7.45, 8.66, 8.19, 8.35};
    setUpRun([&](store::RunData& run) {
        run.train.predictions[id] = 6;
        for (int c = 0; c < 10; ++c)
            run.train.centroidDistances(id, c) = static_cast<float>(distances[c]);
    });
    QCOMPARE(m_session->label(id), 5);
    m_session->setCurrent(id);
    m_inspector->resize(width, 720);
    m_inspector->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_inspector.get()));
    const BarChartWidget* chart = m_inspector->distanceChart();
    QCOMPARE(chart->markTag(6), QStringLiteral("pred\nnearest"));
    QCOMPARE(chart->markTag(5), QStringLiteral("GT"));
    QCOMPARE(chart->drawnTagLine(5, 0), QStringLiteral("GT"));
    QCOMPARE(chart->drawnTagLine(6, 0), QStringLiteral("pred"));
    QCOMPARE(chart->drawnTagLine(6, 1), QStringLiteral("nearest"));
}

void TestErrorInspector::classNamesAndSourceAreShown()
{
    // A run of a dataset with class names and image files: the header, the
    // nearest-centroid sentence and the charts speak of names, and the
    // header says which file the sample is.
    setUpRun([](store::RunData& run) {
        for (int c = 0; c < run.train.classCount; ++c)
            run.classNames.push_back(c == 2   ? "Pullover"
                                     : c == 8 ? "Bag"
                                              : "class " + std::to_string(c));
        for (int i = 0; i < run.train.sampleCount(); ++i)
            run.train.sources.push_back("train/x/" + std::to_string(i) + ".png");
    });
    m_session->setCurrent(12); // train #12: GT 2, predicted 8
    const QString header = m_inspector->headerText();
    QVERIFY2(header.contains(QStringLiteral("GT Pullover")), qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("predicted Bag")), qPrintable(header));
    QVERIFY2(header.contains(QStringLiteral("train/x/12.png")), qPrintable(header));
    QVERIFY2(m_inspector->nearestCentroidText().contains(QStringLiteral("Pullover")) ||
                 m_inspector->nearestCentroidText().contains(QStringLiteral("Bag")),
             qPrintable(m_inspector->nearestCentroidText()));
    // A validation sample has no source: nothing is added.
    m_session->setCurrent(m_session->trainCount());
    QVERIFY(!m_inspector->headerText().contains(QStringLiteral(".png")));
}

void TestErrorInspector::userMetadataFieldsAreShown()
{
    // The dataset's metadata.csv, read by the real parser: a categorical and
    // a numeric field, one cell left empty, most samples without a row.
    auto run = test::makeClusteredRun(m_options);
    auto images = test::makeSyntheticImages(*run);
    m_session->setRun(run, images);
    m_session->setCurrent(3);
    QVERIFY(m_inspector->userFieldsText().isEmpty()); // no metadata.csv: nothing added

    auto withFields = std::make_shared<data::DatasetSplits>(*images);
    withFields->metadata = data::parseUserMetadata("subset,index,scene,exposure\n"
                                                   "train,3,studio,0.82\n"
                                                   "validation,1,\"outdoor, rain\",\n",
                                                   "metadata.csv", run->train.sampleCount(),
                                                   run->validation.sampleCount());
    m_session->setRun(run, withFields);
    m_session->setCurrent(3);
    QCOMPARE(m_inspector->userFieldsText(), QStringLiteral("scene studio · exposure 0.82"));
    QVERIFY2(m_inspector->headerText().endsWith(m_inspector->userFieldsText()),
             qPrintable(m_inspector->headerText()));
    m_session->setCurrent(m_session->trainCount() + 1);
    QCOMPARE(m_inspector->userFieldsText(), QStringLiteral("scene outdoor, rain · exposure —"));
    m_session->setCurrent(4);
    QCOMPARE(m_inspector->userFieldsText(), QStringLiteral("scene — · exposure —"));

    // Many fields: the first 16 are listed, the others counted.
    QString header = QStringLiteral("subset,index");
    QString values = QStringLiteral("train,0");
    for (int f = 0; f < 18; ++f) {
        header += QStringLiteral(",f%1").arg(f);
        values += QStringLiteral(",%1").arg(f);
    }
    withFields->metadata = data::parseUserMetadata(
        (header + QLatin1Char('\n') + values + QLatin1Char('\n')).toStdString(), "metadata.csv",
        run->train.sampleCount(), run->validation.sampleCount());
    m_session->setRun(run, withFields);
    m_session->setCurrent(0);
    const QString fields = m_inspector->userFieldsText();
    QVERIFY2(fields.startsWith(QStringLiteral("f0 0 · f1 1 · ")), qPrintable(fields));
    QVERIFY2(fields.endsWith(QStringLiteral("f15 15 · … 2 more fields")), qPrintable(fields));
}

void TestErrorInspector::comparisonShowsTheOtherRunBeside()
{
    setUpRun();
    // Run A: the same samples, its own probabilities, predictions and losses.
    auto other = std::make_shared<store::RunData>(m_session->run());
    const int id = m_session->trainCount() + 3; // validation #3
    analysis::SubsetAnalysis& a = other->validation;
    const int C = a.classCount;
    a.predictions[3] = static_cast<data::ClassLabel>((m_session->label(id) + 2) % C);
    a.losses[3] = 4.25f;
    for (int c = 0; c < C; ++c) {
        a.probabilities(3, c) = c == a.predictions[3] ? 0.91f : 0.01f;
        a.centroidDistances(3, c) = 5.0f + 0.25f * float(c);
    }
    m_inspector->setComparison(other, "baseline");
    m_session->setCurrent(id);
    QCOMPARE(m_inspector->comparisonText(), QString("baseline: predicted %1 (wrong) · loss 4.25")
                                                .arg(m_session->className(a.predictions[3])));
    QVERIFY(m_inspector->headerText().contains(m_inspector->comparisonText()));
    // Both charts carry A's values beside B's, and say so in their legends.
    const QVector<double> p = m_inspector->probabilityChart()->comparisonValues();
    QCOMPARE(p.size(), C);
    QCOMPARE(p[a.predictions[3]], double(0.91f));
    const QVector<double> d = m_inspector->distanceChart()->comparisonValues();
    QCOMPARE(d.size(), C);
    QCOMPARE(d[C - 1], double(5.0f + 0.25f * float(C - 1)));
    QVERIFY(m_inspector->probabilityChart()->values() != p);
    bool named = false;
    for (const auto& e : m_inspector->distanceChart()->legend())
        named = named || e.text == "baseline";
    QVERIFY(named);
    // The ticks are drawn: the chart differs from one without them.
    const QImage with = m_inspector->probabilityChart()->renderImage(QSize(300, 260), 1.0);
    m_inspector->setComparison(nullptr, QString());
    QVERIFY(m_inspector->comparisonText().isEmpty());
    QVERIFY(m_inspector->probabilityChart()->comparisonValues().isEmpty());
    QVERIFY(with != m_inspector->probabilityChart()->renderImage(QSize(300, 260), 1.0));
    // A run of other samples is ignored.
    auto smaller = std::make_shared<store::RunData>(*test::makeClusteredRun([] {
        test::ClusteredRunOptions o;
        o.trainCount = 20;
        return o;
    }()));
    m_inspector->setComparison(smaller, "other");
    QVERIFY(m_inspector->comparisonText().isEmpty());
}

QTEST_MAIN(TestErrorInspector)
#include "tst_error_inspector.moc"
