// The metadata dashboard charts exactly why::meanLossBy's numbers, and
// "Colour map by" gives the map the colouring metadataColoring builds: class
// colours for the class fields, a sequential scale from the range's start to
// its end for continuous fields, with legend steps that agree with the
// samples in them. The user's metadata.csv fields join the built-in ones.
#include "../common/clustered_run.h"
#include "core/why/sample_metadata.h"
#include "ui/explorer_session.h"
#include "ui/map/population_map.h"
#include "ui/why/metadata_coloring.h"
#include "ui/why/metadata_dashboard.h"
#include "ui/why/why_context.h"

#include <QComboBox>
#include <QImage>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QtTest>
#include <algorithm>
#include <optional>
#include <set>

using namespace mnistx;
using why::MetadataField;

Q_DECLARE_METATYPE(mnistx::analysis::Subset)
Q_DECLARE_METATYPE(mnistx::why::MetadataField)
Q_DECLARE_METATYPE(std::optional<mnistx::why::MetadataField>)

namespace
{

test::ClusteredRunOptions options()
{
    test::ClusteredRunOptions o;
    o.trainCount = 600;
    o.validationCount = 300;
    return o;
}

// The run's samples as a session shows them: train rows, then validation.
std::vector<float> valuesOfAll(const ui::MetadataDashboard& d, MetadataField field)
{
    std::vector<float> v = d.metadata(analysis::Subset::Train)->values(field);
    const std::vector<float> w = d.metadata(analysis::Subset::Validation)->values(field);
    v.insert(v.end(), w.begin(), w.end());
    return v;
}

} // namespace

class TestMetadataDashboard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void metadataIsComputedForTheRun();
    void barsAreMeanLossBy_data();
    void barsAreMeanLossBy();
    void splitColoursNeverRepeat_data();
    void splitColoursNeverRepeat();
    void sequentialScaleGetsLighter();
    void continuousColoringSpansTheScale();
    void labelColoringUsesClassColors();
    void binaryColoringsNameTheirValues();
    void colourMapButtonRecoloursTheMap();
    void quantileLabelsTurnWhenCrowded();
    void axisTitleSitsBelowTheLabels_data();
    void axisTitleSitsBelowTheLabels();
    void renderDrawsTheChart();
    void exportNameFollowsTheFields();
    void setMetadataIsUsedAsGiven();
    void inkNeedsImages();
    void switchingQuicklyDoesNotCrash();
    void userFieldsJoinTheDashboard();

private:
    std::unique_ptr<ui::ExplorerSession> m_session;
    std::unique_ptr<ui::WhyContext> m_context;
    std::unique_ptr<ui::MetadataDashboard> m_dashboard;
};

void TestMetadataDashboard::init()
{
    m_session = std::make_unique<ui::ExplorerSession>();
    auto run = test::makeClusteredRun(options());
    m_session->setRun(run, test::makeSyntheticImages(*run));
    m_context = std::make_unique<ui::WhyContext>(m_session.get());
    m_dashboard = std::make_unique<ui::MetadataDashboard>(m_context.get());
    m_dashboard->resize(900, 560);
    m_dashboard->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dashboard.get()));
    QTRY_VERIFY(m_dashboard->hasMetadata());
}

void TestMetadataDashboard::cleanup()
{
    m_dashboard.reset();
    m_context.reset();
    m_session.reset();
}

void TestMetadataDashboard::metadataIsComputedForTheRun()
{
    const auto train = m_dashboard->metadata(analysis::Subset::Train);
    const auto validation = m_dashboard->metadata(analysis::Subset::Validation);
    QCOMPARE(train->sampleCount(), m_session->trainCount());
    QCOMPARE(validation->sampleCount(), m_session->validationCount());
    QCOMPARE(train->subset, analysis::Subset::Train);
    // Ink comes from the session's images (one 2 px × 20 px bar = 40 in [0,1]
    // plus the code row).
    QVERIFY(train->has(MetadataField::Ink));
    QVERIFY(train->ink[0] >= 40.0f && train->ink[0] < 42.0f);
    QCOMPARE(validation->loss, m_session->run().validation.losses);
}

void TestMetadataDashboard::barsAreMeanLossBy_data()
{
    QTest::addColumn<analysis::Subset>("subset");
    QTest::addColumn<MetadataField>("field");
    QTest::addColumn<std::optional<MetadataField>>("split");
    QTest::addColumn<int>("bins");
    const std::optional<MetadataField> none;
    QTest::newRow("label") << analysis::Subset::Validation << MetadataField::Label << none << 10;
    QTest::newRow("label, train") << analysis::Subset::Train << MetadataField::Label << none << 10;
    QTest::newRow("correct") << analysis::Subset::Validation << MetadataField::Correct << none
                             << 10;
    QTest::newRow("label split by correct")
        << analysis::Subset::Validation << MetadataField::Label
        << std::optional<MetadataField>(MetadataField::Correct) << 10;
    QTest::newRow("closed loop split by prediction")
        << analysis::Subset::Train << MetadataField::ClosedLoop
        << std::optional<MetadataField>(MetadataField::Prediction) << 10;
    QTest::newRow("distance, 10 bins")
        << analysis::Subset::Validation << MetadataField::DistanceToOwnCentroid << none << 10;
    QTest::newRow("confidence, 4 bins, split by even / odd")
        << analysis::Subset::Train << MetadataField::Confidence
        << std::optional<MetadataField>(MetadataField::Parity) << 4;
}

void TestMetadataDashboard::barsAreMeanLossBy()
{
    QFETCH(analysis::Subset, subset);
    QFETCH(MetadataField, field);
    QFETCH(std::optional<MetadataField>, split);
    QFETCH(int, bins);
    ui::MetadataDashboard& d = *m_dashboard;
    d.setSubset(subset);
    d.setField(field);
    d.setSplitField(split);
    d.setBins(bins);

    const why::SubsetMetadata& md = *d.metadata(subset);
    const why::GroupedLoss expected =
        split ? why::meanLossBy(md, field, *split, bins) : why::meanLossBy(md, field, bins);
    QVERIFY(expected.groups.groupCount() > 1);
    QCOMPARE(d.categories().size(), expected.groups.groupCount());
    QCOMPARE(d.barSetCount(), static_cast<int>(expected.meanLoss.cols()));
    for (int s = 0; s < d.barSetCount(); ++s) {
        const QVector<double> values = d.barValues(s);
        QCOMPARE(values.size(), expected.groups.groupCount());
        for (int g = 0; g < values.size(); ++g)
            QCOMPARE(values[g], expected.meanLoss(g, s));
    }
    // The tooltip of a bar names its count and error rate.
    int g = 0;
    while (expected.counts(g, 0) == 0)
        ++g;
    const QString tip = d.barTooltip(g, 0);
    QVERIFY2(tip.contains(QLocale(QLocale::English).toString(qlonglong(expected.counts(g, 0))) +
                          QStringLiteral(" samples")),
             qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("error rate")), qPrintable(tip));
    // The axis labels are distinct (Qt Charts drops repeated categories).
    const QStringList labels = d.categories();
    QCOMPARE(std::set<QString>(labels.begin(), labels.end()).size(),
             static_cast<size_t>(labels.size()));
}

void TestMetadataDashboard::splitColoursNeverRepeat_data()
{
    QTest::addColumn<MetadataField>("split");
    QTest::newRow("label") << MetadataField::Label;
    QTest::newRow("even / odd") << MetadataField::Parity;
    QTest::newRow("correct") << MetadataField::Correct;
    QTest::newRow("distance, 10 bins") << MetadataField::DistanceToOwnCentroid;
}

void TestMetadataDashboard::splitColoursNeverRepeat()
{
    QFETCH(MetadataField, split);
    ui::MetadataDashboard& d = *m_dashboard;
    d.setField(split == MetadataField::Label ? MetadataField::ClosedLoop : MetadataField::Label);
    d.setSplitField(split);
    QVERIFY(d.barSetCount() >= 2);
    std::set<QRgb> colors;
    std::set<QString> names;
    for (int s = 0; s < d.barSetCount(); ++s) {
        colors.insert(d.barSetColor(s).rgb());
        names.insert(d.barSetName(s));
    }
    QCOMPARE(static_cast<int>(colors.size()), d.barSetCount());
    QCOMPARE(static_cast<int>(names.size()), d.barSetCount());
    if (split == MetadataField::Label)
        for (int s = 0; s < d.barSetCount(); ++s)
            QCOMPARE(d.barSetColor(s), ui::classColor(s));
}

void TestMetadataDashboard::sequentialScaleGetsLighter()
{
    int previous = -1;
    for (int k = 0; k <= 20; ++k) {
        const int gray = qGray(ui::sequentialColor(k / 20.0));
        QVERIFY2(gray > previous, qPrintable(QStringLiteral("t = %1").arg(k / 20.0)));
        previous = gray;
    }
    QCOMPARE(ui::sequentialColor(-1.0), ui::sequentialColor(0.0));
    QCOMPARE(ui::sequentialColor(2.0), ui::sequentialColor(1.0));
}

void TestMetadataDashboard::continuousColoringSpansTheScale()
{
    const auto& d = *m_dashboard;
    for (MetadataField field : {MetadataField::DistanceToOwnCentroid, MetadataField::Confidence}) {
        const ui::MetadataColoring c = ui::metadataColoring(
            *d.metadata(analysis::Subset::Train), *d.metadata(analysis::Subset::Validation), field);
        const std::vector<float> v = valuesOfAll(d, field);
        QCOMPARE(c.perSample.size(), v.size());
        QCOMPARE(c.entryOfSample.size(), v.size());
        QCOMPARE(c.name, QString::fromUtf8(why::metadataFieldTitle(field)));
        QCOMPARE(c.legend.size(), ui::kColorScaleBins);
        QCOMPARE(static_cast<int>(c.binEdges.size()), ui::kColorScaleBins + 1);
        QCOMPARE(c.binEdges.front(), c.scaleMin);
        QCOMPARE(c.binEdges.back(), c.scaleMax);

        // The smallest value gets the scale's start, the largest its end.
        const auto [minIt, maxIt] = std::minmax_element(v.begin(), v.end());
        QCOMPARE(c.perSample[static_cast<size_t>(minIt - v.begin())], ui::sequentialColor(0.0));
        QCOMPARE(c.perSample[static_cast<size_t>(maxIt - v.begin())], ui::sequentialColor(1.0));

        // Every sample's step holds its value (the outer steps also what
        // lies beyond the range), and the legend counts them.
        std::vector<qint64> counts(static_cast<size_t>(c.legend.size()), 0);
        for (size_t i = 0; i < v.size(); ++i) {
            const int e = c.entryOfSample[i];
            QVERIFY(e >= 0 && e < c.legend.size());
            ++counts[static_cast<size_t>(e)];
            if (e > 0)
                QVERIFY(v[i] >= c.binEdges[static_cast<size_t>(e)]);
            if (e + 1 < c.legend.size())
                QVERIFY(v[i] < c.binEdges[static_cast<size_t>(e) + 1]);
        }
        for (int e = 0; e < c.legend.size(); ++e)
            QCOMPARE(c.legend[e].count, counts[static_cast<size_t>(e)]);
        // Steps are told apart by name and colour, darker to lighter.
        std::set<QString> names;
        for (int e = 0; e < c.legend.size(); ++e) {
            names.insert(c.legend[e].name);
            if (e > 0)
                QVERIFY(qGray(c.legend[e].color.rgb()) > qGray(c.legend[e - 1].color.rgb()));
        }
        QCOMPARE(static_cast<int>(names.size()), c.legend.size());
        QVERIFY(c.legend.front().name.startsWith(QStringLiteral("< ")));
        QVERIFY(c.legend.back().name.startsWith(QStringLiteral("≥ ")));
    }
}

void TestMetadataDashboard::labelColoringUsesClassColors()
{
    const auto& d = *m_dashboard;
    for (MetadataField field : {MetadataField::Label, MetadataField::Prediction}) {
        const ui::MetadataColoring c = ui::metadataColoring(
            *d.metadata(analysis::Subset::Train), *d.metadata(analysis::Subset::Validation), field);
        QCOMPARE(static_cast<int>(c.perSample.size()), m_session->sampleCount());
        QCOMPARE(c.legend.size(), m_session->classCount());
        for (int k = 0; k < c.legend.size(); ++k) {
            QCOMPARE(c.legend[k].name, QString::number(k));
            QCOMPARE(c.legend[k].color, ui::classColor(k));
        }
        QVERIFY(c.binEdges.empty());
        for (int id = 0; id < m_session->sampleCount(); ++id) {
            const int cls =
                field == MetadataField::Label ? m_session->label(id) : m_session->prediction(id);
            QCOMPARE(c.perSample[static_cast<size_t>(id)], ui::classColor(cls).rgb());
            QCOMPARE(c.entryOfSample[static_cast<size_t>(id)], cls);
        }
    }
}

void TestMetadataDashboard::binaryColoringsNameTheirValues()
{
    const auto& d = *m_dashboard;
    struct Case {
        MetadataField field;
        QStringList names;
    };
    const Case cases[] = {
        {MetadataField::Parity, {QStringLiteral("even"), QStringLiteral("odd")}},
        {MetadataField::ClosedLoop, {QStringLiteral("closed loop"), QStringLiteral("no loop")}},
        {MetadataField::Correct, {QStringLiteral("correct"), QStringLiteral("wrong")}},
    };
    for (const Case& k : cases) {
        const ui::MetadataColoring c =
            ui::metadataColoring(*d.metadata(analysis::Subset::Train),
                                 *d.metadata(analysis::Subset::Validation), k.field);
        QCOMPARE(c.legend.size(), 2);
        QCOMPARE(c.legend[0].name, k.names[0]);
        QCOMPARE(c.legend[1].name, k.names[1]);
        QVERIFY(c.legend[0].color != c.legend[1].color);
        for (int id = 0; id < m_session->sampleCount(); ++id) {
            const int label = m_session->label(id);
            bool first = false;
            if (k.field == MetadataField::Parity)
                first = label % 2 == 0;
            else if (k.field == MetadataField::ClosedLoop)
                first = label == 0 || label == 6 || label == 8 || label == 9;
            else
                first = m_session->correct(id);
            QCOMPARE(c.entryOfSample[static_cast<size_t>(id)], first ? 0 : 1);
            QCOMPARE(c.perSample[static_cast<size_t>(id)], c.legend[first ? 0 : 1].color.rgb());
        }
        QCOMPARE(c.legend[0].count + c.legend[1].count, qint64(m_session->sampleCount()));
    }
}

void TestMetadataDashboard::colourMapButtonRecoloursTheMap()
{
    ui::PopulationMap map(m_session.get());
    map.resize(700, 500);
    ui::MetadataDashboard& d = *m_dashboard;
    d.setMap(&map);
    d.setField(MetadataField::DistanceToOwnCentroid);
    QSignalSpy requested(&d, &ui::MetadataDashboard::colorMapRequested);
    auto* button = d.findChild<QPushButton*>(QStringLiteral("colorMapButton"));
    QVERIFY(button);
    QVERIFY(button->isEnabled());
    QVERIFY2(button->text().contains(QStringLiteral("distance to own centroid")),
             qPrintable(button->text()));
    QTest::mouseClick(button, Qt::LeftButton);

    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toInt(), static_cast<int>(MetadataField::DistanceToOwnCentroid));
    QCOMPARE(map.colorBy(), ui::PopulationMap::ColorBy::Custom);
    QCOMPARE(map.colorByName(), QStringLiteral("Distance to own centroid"));
    const ui::MetadataColoring expected = ui::metadataColoring(
        *d.metadata(analysis::Subset::Train), *d.metadata(analysis::Subset::Validation),
        MetadataField::DistanceToOwnCentroid);
    const QVector<ui::MapLegendEntry> legend = map.legendEntries();
    QCOMPARE(legend.size(), expected.legend.size());
    for (int e = 0; e < legend.size(); ++e) {
        QCOMPARE(legend[e].name, expected.legend[e].name);
        QCOMPARE(legend[e].color, expected.legend[e].color);
        QCOMPARE(legend[e].count, expected.legend[e].count); // nothing filtered
    }
    // A legend click hides that step's samples, as for classes.
    map.setEntryHidden(0, true);
    QCOMPARE(map.shownCount(),
             m_session->sampleCount() - static_cast<int>(expected.legend[0].count));

    // The View menu's path: no signal, same colouring.
    QVERIFY(d.colorMapBy(MetadataField::Parity));
    QCOMPARE(requested.count(), 1);
    QCOMPARE(map.colorByName(), QStringLiteral("Even / odd"));
    QCOMPARE(map.legendEntries().at(1).name, QStringLiteral("odd"));
}

void TestMetadataDashboard::quantileLabelsTurnWhenCrowded()
{
    ui::MetadataDashboard& d = *m_dashboard;
    d.setField(MetadataField::DistanceToOwnCentroid);
    d.setBins(10);
    QCOMPARE(d.categories().size(), 10);
    QVERIFY(d.categories().at(0).contains(QStringLiteral("–")));
    d.resize(2400, 560);
    QTRY_COMPARE(d.categoryLabelAngle(), 0);
    d.resize(380, 560);
    QTRY_VERIFY(d.categoryLabelAngle() != 0);
    // Categorical labels ("0".."9") stay upright.
    d.setField(MetadataField::Label);
    QTRY_COMPARE(d.categoryLabelAngle(), 0);
}

void TestMetadataDashboard::axisTitleSitsBelowTheLabels_data()
{
    QTest::addColumn<int>("field");
    QTest::addColumn<int>("bins");
    QTest::addColumn<QSize>("size");
    const std::pair<MetadataField, int> fields[] = {{MetadataField::Label, 10},
                                                    {MetadataField::DistanceToOwnCentroid, 10},
                                                    {MetadataField::Confidence, 20},
                                                    {MetadataField::Ink, 20}};
    for (const auto& [field, bins] : fields)
        for (const QSize& size :
             {QSize(900, 560), QSize(600, 300), QSize(420, 300), QSize(330, 300), QSize(380, 560)})
            QTest::addRow("%s %d bins %dx%d", why::metadataFieldName(field), bins, size.width(),
                          size.height())
                << int(field) << bins << size;
}

// The category axis's title never runs into its labels, upright, turned or
// elided, at a comfortable size and in a low or narrow dock: every visible
// label's box lies above the title's.
void TestMetadataDashboard::axisTitleSitsBelowTheLabels()
{
    QFETCH(int, field);
    QFETCH(int, bins);
    QFETCH(QSize, size);
    ui::MetadataDashboard& d = *m_dashboard;
    d.setField(MetadataField(field));
    d.setBins(bins);
    d.resize(size);
    QTest::qWait(50); // Qt Charts lays the axes out on the event loop
    const QRectF title = d.categoryAxisTitleRect();
    QStringList texts;
    const QVector<QRectF> labels = d.categoryLabelRects(&texts);
    QVERIFY2(!labels.isEmpty(), "no category label shown");
    if (title.isEmpty()) {
        // Too low for both: the labels keep the room, the chart's title names the field.
        QVERIFY2(size.height() <= 300, "axis title left out of a chart of normal height");
        QVERIFY(d.chartTitle().contains(
            QString::fromUtf8(why::metadataFieldTitle(MetadataField(field))).toLower()));
        return;
    }
    QVERIFY(QRectF(d.rect()).contains(title));
    for (const QRectF& label : labels) {
        const QString where = QStringLiteral("label (%1,%2 %3×%4), title (%5,%6 %7×%8), angle %9")
                                  .arg(label.x())
                                  .arg(label.y())
                                  .arg(label.width())
                                  .arg(label.height())
                                  .arg(title.x())
                                  .arg(title.y())
                                  .arg(title.width())
                                  .arg(title.height())
                                  .arg(d.categoryLabelAngle());
        QVERIFY2(!label.intersects(title), qPrintable(where));
        QVERIFY2(label.bottom() <= title.top() + 0.5, qPrintable(where));
    }
    // In the dock's default size (600 × 300) and larger, ten labels are
    // shown whole (shortened to the bins' lower edges if need be), never
    // elided to "0...".
    if (bins == 10 && size.width() >= 600) {
        QCOMPARE(texts.size(), 10);
        for (const QString& text : texts)
            QVERIFY2(!text.endsWith(QStringLiteral("...")) && !text.endsWith(QChar(0x2026)),
                     qPrintable(text));
    }
}

void TestMetadataDashboard::renderDrawsTheChart()
{
    ui::MetadataDashboard& d = *m_dashboard;
    d.setField(MetadataField::Label);
    const QSize size(720, 460);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        d.render(&p, QRectF(QPointF(0, 0), QSizeF(size)));
    }
    int ink = 0, bar = 0;
    const QRgb barColor = qRgb(0x4e, 0x79, 0xa7);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb px = image.pixel(x, y) | 0xff000000u;
            ink += px != qRgb(255, 255, 255);
            bar += px == barColor;
        }
    QVERIFY2(ink > size.width() * size.height() / 50, qPrintable(QString::number(ink)));
    QVERIFY2(bar > 1000, qPrintable(QString::number(bar))); // ten bars' worth
    // Rendering at another size leaves the widget's own chart as it was.
    QCOMPARE(d.categories().size(), 10);
}

void TestMetadataDashboard::exportNameFollowsTheFields()
{
    ui::MetadataDashboard& d = *m_dashboard;
    d.setField(MetadataField::DistanceToOwnCentroid);
    QCOMPARE(d.exportName(), QStringLiteral("mean_loss_by_distance_to_own_centroid"));
    d.setSplitField(MetadataField::Parity);
    QCOMPARE(d.exportName(), QStringLiteral("mean_loss_by_distance_to_own_centroid_split_parity"));
    QCOMPARE(d.exportActions().size(), 3);
    // A field is not split by itself: choosing the split's field clears it.
    d.setField(MetadataField::Parity);
    QVERIFY(!d.splitField());
    QCOMPARE(d.exportName(), QStringLiteral("mean_loss_by_parity"));
}

void TestMetadataDashboard::setMetadataIsUsedAsGiven()
{
    auto train =
        std::make_shared<const why::SubsetMetadata>(why::computeMetadata(m_session->run().train));
    auto validation = std::make_shared<const why::SubsetMetadata>(
        why::computeMetadata(m_session->run().validation));
    ui::MetadataDashboard d(m_context.get());
    QVERIFY(d.hasMetadata()); // the context's, computed for the run in init()
    QVERIFY(d.metadata(analysis::Subset::Train) != train);
    QSignalSpy changed(&d, &ui::MetadataDashboard::metadataChanged);
    d.setMetadata(train, validation);
    QVERIFY(d.hasMetadata());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(d.barSetCount(), 1);
    QCOMPARE(d.metadata(analysis::Subset::Train), train);
    // These have no ink (no images given).
    QVERIFY(!d.isFieldAvailable(MetadataField::Ink));
    // Wrong counts are refused.
    auto shortTrain = std::make_shared<why::SubsetMetadata>(*train);
    shortTrain->label.pop_back();
    d.setMetadata(shortTrain, validation);
    QCOMPARE(d.metadata(analysis::Subset::Train), train);
}

void TestMetadataDashboard::inkNeedsImages()
{
    ui::ExplorerSession session;
    session.setRun(test::makeClusteredRun(options()), nullptr);
    ui::WhyContext context(&session);
    ui::MetadataDashboard d(&context);
    QTRY_VERIFY(d.hasMetadata());
    QVERIFY(!d.isFieldAvailable(MetadataField::Ink));
    d.setField(MetadataField::Ink);
    QCOMPARE(d.field(), MetadataField::Label);
    auto* combo = d.findChild<QComboBox*>(QStringLiteral("fieldCombo"));
    QVERIFY(combo);
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    QVERIFY(model);
    QVERIFY(!model->item(static_cast<int>(MetadataField::Ink))->isEnabled());
    QVERIFY(model->item(static_cast<int>(MetadataField::Confidence))->isEnabled());
    QVERIFY(!d.colorMapBy(MetadataField::Ink)); // and no map anyway
}

void TestMetadataDashboard::switchingQuicklyDoesNotCrash()
{
    ui::PopulationMap map(m_session.get());
    ui::MetadataDashboard& d = *m_dashboard;
    d.setMap(&map);
    for (int round = 0; round < 2; ++round) {
        QTRY_VERIFY(d.hasMetadata());
        for (int f = 0; f < why::kMetadataFieldCount; ++f) {
            d.setField(static_cast<MetadataField>(f));
            d.setSubset(f % 2 ? analysis::Subset::Train : analysis::Subset::Validation);
            for (int s = -1; s < why::kMetadataFieldCount; s += 3)
                d.setSplitField(s < 0
                                    ? std::nullopt
                                    : std::optional<MetadataField>(static_cast<MetadataField>(s)));
            d.setBins(2 + (f * 7) % 19);
            QVERIFY(d.colorMapBy(static_cast<MetadataField>(f)));
            QCoreApplication::processEvents();
        }
        // A new run while the worker computes the last one's metadata.
        auto run = test::makeClusteredRun(options());
        m_session->setRun(run, round == 0 ? test::makeSyntheticImages(*run) : nullptr);
        QVERIFY(!d.hasMetadata());
        d.setField(MetadataField::Confidence);
        d.setSplitField(MetadataField::Label);
        QCOMPARE(d.barSetCount(), 0);
    }
    QTRY_VERIFY(d.hasMetadata());
    QVERIFY(d.barSetCount() > 0);
    // Destroyed with a computation in flight.
    auto run = test::makeClusteredRun(options());
    m_session->setRun(run, test::makeSyntheticImages(*run));
    m_dashboard.reset();
    m_session->clear();
}

void TestMetadataDashboard::userFieldsJoinTheDashboard()
{
    // A session whose dataset has a metadata.csv: "site" (categorical, one
    // training sample in ten without a value) and "exposure" (numeric).
    auto run = test::makeClusteredRun(options());
    auto images = test::makeSyntheticImages(*run);
    data::MetadataColumn site;
    site.name = "site";
    site.numeric = false;
    site.categories = {"north", "south"};
    data::MetadataColumn exposure;
    exposure.name = "Exposure";
    for (int v = 0; v < 2; ++v) {
        const int n = v ? run->validation.sampleCount() : run->train.sampleCount();
        auto& s = v ? site.validation : site.train;
        auto& e = v ? exposure.validation : exposure.train;
        for (int i = 0; i < n; ++i) {
            s.push_back(v == 0 && i % 10 == 0 ? std::nanf("") : float(i % 2));
            e.push_back(float(i));
        }
    }
    images->metadata.columns = {site, exposure};
    m_dashboard.reset();
    m_context.reset();
    m_session->setRun(run, images);
    m_context = std::make_unique<ui::WhyContext>(m_session.get());
    m_dashboard = std::make_unique<ui::MetadataDashboard>(m_context.get());
    ui::MetadataDashboard& d = *m_dashboard;
    d.resize(900, 560);
    d.show();
    QTRY_VERIFY(d.hasMetadata());

    // Both fields are offered after the built-in ones, by their names.
    QCOMPARE(d.fieldCount(), why::kMetadataFieldCount + 2);
    auto* fieldCombo = d.findChild<QComboBox*>(QStringLiteral("fieldCombo"));
    auto* splitCombo = d.findChild<QComboBox*>(QStringLiteral("splitCombo"));
    QCOMPARE(fieldCombo->count(), why::kMetadataFieldCount + 2);
    QCOMPARE(fieldCombo->itemText(why::kMetadataFieldCount), QStringLiteral("site"));
    QCOMPARE(fieldCombo->itemText(why::kMetadataFieldCount + 1), QStringLiteral("Exposure"));
    QCOMPARE(splitCombo->count(), why::kMetadataFieldCount + 3); // with "None"

    // The chart is meanLossBy's, with the training samples' gap as a group.
    const MetadataField siteField = why::userMetadataField(0);
    d.setSubset(analysis::Subset::Train);
    d.setField(siteField);
    QCOMPARE(d.field(), siteField);
    QCOMPARE(d.categories(), (QStringList{QStringLiteral("north"), QStringLiteral("south"),
                                          QStringLiteral("(missing)")}));
    const why::GroupedLoss expected =
        why::meanLossBy(*d.metadata(analysis::Subset::Train), siteField);
    const QVector<double> bars = d.barValues(0);
    QCOMPARE(bars.size(), 3);
    for (int g = 0; g < 3; ++g)
        QVERIFY(std::abs(bars[g] - expected.meanLoss(g, 0)) < 1e-9);
    QCOMPARE(d.chartTitle(), QStringLiteral("Mean loss by site"));
    QCOMPARE(d.exportName(), QStringLiteral("mean_loss_by_site"));

    // Split by the numeric field: quantile bins coloured along the scale.
    d.setSplitField(why::userMetadataField(1));
    QCOMPARE(d.splitField(), std::optional<MetadataField>(why::userMetadataField(1)));
    QVERIFY(d.barSetCount() >= 2);
    QCOMPARE(d.exportName(), QStringLiteral("mean_loss_by_site_split_exposure"));

    // The map: the categories in the class palette, the gap in grey.
    ui::PopulationMap map(m_session.get());
    d.setMap(&map);
    QVERIFY(d.colorMapBy(siteField));
    QCOMPARE(map.colorByName(), QStringLiteral("site"));
    const QVector<ui::MapLegendEntry> legend = map.legendEntries();
    QCOMPARE(legend.size(), 3);
    QCOMPARE(legend[2].name, QStringLiteral("(missing)"));
    QCOMPARE(legend[2].count, qint64((m_session->trainCount() + 9) / 10));
    QCOMPARE(legend[0].count + legend[1].count + legend[2].count, qint64(m_session->sampleCount()));

    // A run of data without metadata.csv takes the fields away again.
    m_session->setRun(run, test::makeSyntheticImages(*run));
    QTRY_COMPARE(fieldCombo->count(), why::kMetadataFieldCount);
    QTRY_VERIFY(d.hasMetadata());
    QCOMPARE(d.field(), MetadataField::Label);
}

QTEST_MAIN(TestMetadataDashboard)
#include "tst_metadata_dashboard.moc"
