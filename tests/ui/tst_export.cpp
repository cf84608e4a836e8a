// Export: every format writes a valid, non-empty file at the requested size
// (PNG decodes at logical size × scale, SVG parses, PDF starts with %PDF),
// charts export through the same path, unwritable paths fail with a message
// naming the path, and a selection exports as the samples.csv rows.
#include "ui/charts/chart_view.h"
#include "ui/export/exporter.h"

#include "core/store/run_data.h"
#include "synthetic_session.h"

#include <QAction>
#include <QFile>
#include <QPainter>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace mnistx;

namespace {

// Something with lines, fills and text, so each writer has all three to do.
void drawSample(QPainter* p, const QRectF& target)
{
    p->fillRect(target, QColor(0xf0, 0xf4, 0xf8));
    p->setPen(QPen(QColor(0x4e, 0x79, 0xa7), 2));
    p->drawLine(target.topLeft(), target.bottomRight());
    p->setBrush(QColor(0xf2, 0x8e, 0x2b));
    p->drawEllipse(target.center(), target.width() / 6, target.height() / 6);
    p->setPen(Qt::black);
    p->drawText(target.adjusted(8, 8, -8, -8), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("loss 0.031"));
}

// CSV numbers are printed with 6 significant digits.
bool sameNumber(const QString& text, float value)
{
    bool ok = false;
    const double parsed = text.toDouble(&ok);
    return ok && std::abs(parsed - value) <= 1e-5 * std::max(1.0f, std::abs(value));
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formatFromSuffix();
    void pngHasScaledSize_data();
    void pngHasScaledSize();
    void svgParses();
    void pdfIsAPdf();
    void chartExportsInEveryFormat_data();
    void chartExportsInEveryFormat();
    void unwritablePathFailsWithMessage_data();
    void unwritablePathFailsWithMessage();
    void unknownSuffixIsRefused();
    void failedExportKeepsTheOldFile();
    void selectionCsvHasHeaderAndOneRowPerId();
    void contextMenuOffersEveryFormat();

private:
    QTemporaryDir m_dir;
};

void TestExport::formatFromSuffix()
{
    QCOMPARE(ui::exportFormatFor(QStringLiteral("a/b.PNG")), ui::ExportFormat::Png);
    QCOMPARE(ui::exportFormatFor(QStringLiteral("map.svg")), ui::ExportFormat::Svg);
    QCOMPARE(ui::exportFormatFor(QStringLiteral("map.pdf")), ui::ExportFormat::Pdf);
    QCOMPARE(ui::exportFormatFor(QStringLiteral("map.jpg")), ui::ExportFormat::Unknown);
    QCOMPARE(ui::exportFormatFor(QStringLiteral("map")), ui::ExportFormat::Unknown);
}

void TestExport::pngHasScaledSize_data()
{
    QTest::addColumn<QSizeF>("logical");
    QTest::addColumn<double>("scale");
    QTest::addColumn<QSize>("pixels");
    QTest::newRow("default 2x") << QSizeF(300, 200) << ui::kDefaultPngScale << QSize(600, 400);
    QTest::newRow("1x") << QSizeF(300, 200) << 1.0 << QSize(300, 200);
    QTest::newRow("1.5x") << QSizeF(301, 200) << 1.5 << QSize(452, 300);
    QTest::newRow("4x") << QSizeF(120, 80) << 4.0 << QSize(480, 320);
}

void TestExport::pngHasScaledSize()
{
    QFETCH(QSizeF, logical);
    QFETCH(double, scale);
    QFETCH(QSize, pixels);
    const QString path = m_dir.filePath(QStringLiteral("view_%1.png").arg(QTest::currentDataTag()));
    QString error;
    QVERIFY2(ui::exportView(drawSample, logical, path, scale, &error), qPrintable(error));
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), pixels);
    // Drawn, not blank: the orange disc is at the centre.
    const QColor centre = image.pixelColor(pixels.width() / 2 + 3, pixels.height() / 2 + 8);
    QVERIFY2(centre.red() > 200 && centre.blue() < 100, qPrintable(centre.name()));
}

void TestExport::svgParses()
{
    const QString path = m_dir.filePath(QStringLiteral("view.svg"));
    QString error;
    QVERIFY2(ui::exportView(drawSample, QSizeF(320, 240), path, 2.0, &error), qPrintable(error));
    QSvgRenderer renderer(path);
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.viewBoxF(), QRectF(0, 0, 320, 240));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int elements = 0;
    while (!xml.atEnd())
        if (xml.readNext() == QXmlStreamReader::StartElement)
            ++elements;
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(elements > 3);
}

void TestExport::pdfIsAPdf()
{
    const QString path = m_dir.filePath(QStringLiteral("view.pdf"));
    QString error;
    QVERIFY2(ui::exportView(drawSample, QSizeF(320, 240), path, 2.0, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("%PDF"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    // One page of the view's size: 320 × 240 px at 96 dpi = 240 × 180 pt.
    const QRegularExpression mediaBox(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"));
    const QRegularExpressionMatch m = mediaBox.match(QString::fromLatin1(bytes));
    QVERIFY2(m.hasMatch(), "no /MediaBox");
    QVERIFY2(std::abs(m.captured(1).toDouble() - 240) < 0.5 && std::abs(m.captured(2).toDouble() - 180) < 0.5,
             qPrintable(m.captured(0)));
    QCOMPARE(bytes.count("/Type /Page\n") + bytes.count("/Type /Page\r") + bytes.count("/Type /Page "), 1);
}

void TestExport::chartExportsInEveryFormat_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::newRow("png") << QStringLiteral("png");
    QTest::newRow("svg") << QStringLiteral("svg");
    QTest::newRow("pdf") << QStringLiteral("pdf");
}

void TestExport::chartExportsInEveryFormat()
{
    QFETCH(QString, suffix);
    ui::ChartView chart; // never shown: export must not depend on the widget's size
    chart.setTitle(QStringLiteral("test chart"));
    chart.setAxisTitles(QStringLiteral("epoch"), QStringLiteral("loss"));
    ui::SeriesStyle style;
    style.kind = ui::SeriesKind::LineWithMarkers;
    const int s = chart.addSeries(QStringLiteral("train"), style);
    chart.setPoints(s, {{0, 1}, {1, 0.5}, {2, 0.2}});
    chart.setErrorBars(s, {0.1, 0.05, 0.02});
    chart.setXRange(0, 2);
    chart.setYRange(ui::AxisSide::Left, 0, 1.2);

    const QString path = m_dir.filePath(QStringLiteral("chart.") + suffix);
    QString error;
    QVERIFY2(ui::exportView([&chart](QPainter* p, const QRectF& r) { chart.render(p, r); },
                            QSizeF(640, 400), path, 2.0, &error),
             qPrintable(error));
    QVERIFY(QFileInfo(path).size() > 1000);
    if (suffix == QLatin1String("png")) {
        QImage image(path);
        QCOMPARE(image.size(), QSize(1280, 800));
        // The chart filled the image: dark axis text and the blue line exist
        // in both halves (layout done at the export size, not the widget's).
        for (const QRect half : {QRect(0, 0, 640, 800), QRect(640, 0, 640, 800)}) {
            int blue = 0;
            for (int y = half.top(); y <= half.bottom(); y += 2)
                for (int x = half.left(); x <= half.right(); x += 2) {
                    const QColor c = image.pixelColor(x, y);
                    if (c.blue() > 140 && c.red() < 110)
                        ++blue;
                }
            QVERIFY2(blue > 50, qPrintable(QString::number(blue)));
        }
    } else if (suffix == QLatin1String("svg")) {
        QVERIFY(QSvgRenderer(path).isValid());
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(4) == "%PDF");
    }
}

void TestExport::unwritablePathFailsWithMessage_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("missing folder") << m_dir.filePath(QStringLiteral("no/such/folder/map.png"));
    QTest::newRow("path is a folder") << m_dir.path() + QStringLiteral("/isdir.svg");
    // /proc accepts no new files, even for root (tests may run as root, so
    // permission bits prove nothing).
    QTest::newRow("read-only file system") << QStringLiteral("/proc/mnistx_export_test.pdf");
}

void TestExport::unwritablePathFailsWithMessage()
{
    QFETCH(QString, path);
    QDir(m_dir.path()).mkpath(QStringLiteral("isdir.svg"));
    QString error;
    QVERIFY(!ui::exportView(drawSample, QSizeF(100, 100), path, 2.0, &error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(path)), qPrintable(error));
    QVERIFY(error.length() > path.length() + 10); // and says what is wrong
    QVERIFY(!QFileInfo(path).isFile());
}

void TestExport::unknownSuffixIsRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("map.jpg"));
    QString error;
    QVERIFY(!ui::exportView(drawSample, QSizeF(100, 100), path, 2.0, &error));
    QVERIFY2(error.contains(QStringLiteral("map.jpg")) && error.contains(QStringLiteral(".png")),
             qPrintable(error));
    QVERIFY(!QFile::exists(path));
    QVERIFY(!ui::exportView(drawSample, QSizeF(0, 100), m_dir.filePath(QStringLiteral("empty.png")), 2.0, &error));
    QVERIFY(!error.isEmpty());
}

void TestExport::failedExportKeepsTheOldFile()
{
    // An export too large to allocate fails before touching the old file.
    const QString path = m_dir.filePath(QStringLiteral("keep.png"));
    QString error;
    QVERIFY(ui::exportView(drawSample, QSizeF(50, 50), path, 1.0, &error));
    const QByteArray before = [&] {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();
    QVERIFY(!ui::exportView(drawSample, QSizeF(20000, 20000), path, 2.0, &error));
    QVERIFY(error.contains(QStringLiteral("too large")));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
}

void TestExport::selectionCsvHasHeaderAndOneRowPerId()
{
    test::SyntheticRunOptions options;
    options.trainCount = 40;
    options.validationCount = 12;
    const std::shared_ptr<const store::RunData> runPtr = test::makeSyntheticRun(options);
    const store::RunData& run = *runPtr;
    const QString path = m_dir.filePath(QStringLiteral("selection.csv"));
    // Two training samples and one validation sample (id 40 + 3), in the
    // order given; an out-of-range id is skipped. Sample 12 is misclassified.
    const QVector<int> ids{12, 0, 43, 9999};
    QString error;
    QVERIFY2(ui::writeSelectionCsv(run, ids, path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 3);

    QStringList expectedHeader{QStringLiteral("subset"), QStringLiteral("index"), QStringLiteral("label"),
                               QStringLiteral("prediction"), QStringLiteral("correct"), QStringLiteral("loss")};
    for (int c = 0; c < 10; ++c)
        expectedHeader << QStringLiteral("p%1").arg(c);
    for (int c = 0; c < 10; ++c)
        expectedHeader << QStringLiteral("dist%1").arg(c);
    expectedHeader << QStringLiteral("x") << QStringLiteral("y");
    QCOMPARE(lines[0].split(QLatin1Char(',')), expectedHeader);

    const QStringList first = lines[1].split(QLatin1Char(','));
    QCOMPARE(first.size(), expectedHeader.size());
    QCOMPARE(first[0], QStringLiteral("train"));
    QCOMPARE(first[1], QStringLiteral("12"));
    QCOMPARE(first[2], QString::number(run.train.labels[12]));
    QCOMPARE(first[3], QString::number(run.train.predictions[12]));
    QVERIFY(!run.train.correct(12));
    QCOMPARE(first[4], QStringLiteral("0"));
    QVERIFY(sameNumber(first[5], run.train.losses[12]));
    QVERIFY(sameNumber(first[6 + 7], run.train.probabilities(12, 7)));
    QVERIFY(sameNumber(first[6 + 10 + 3], run.train.centroidDistances(12, 3)));
    QVERIFY(sameNumber(first[26], run.projection.train(12, 0)));

    QCOMPARE(lines[2].section(QLatin1Char(','), 0, 1), QStringLiteral("train,0"));
    const QStringList validation = lines[3].split(QLatin1Char(','));
    QCOMPARE(validation[0], QStringLiteral("validation"));
    QCOMPARE(validation[1], QStringLiteral("3"));
    QCOMPARE(validation[4], QStringLiteral("1"));
    QVERIFY(sameNumber(validation[27], run.projection.validation(3, 1)));

    // An empty selection still writes the header.
    QVERIFY(ui::writeSelectionCsv(run, {}, path, &error));
    QFile again(path);
    QVERIFY(again.open(QIODevice::ReadOnly));
    QCOMPARE(again.readAll().count('\n'), 1);
}

void TestExport::contextMenuOffersEveryFormat()
{
    QWidget view;
    const QList<QAction*> actions = ui::addExportActions(&view, drawSample, QStringLiteral("view"));
    QCOMPARE(actions.size(), 3);
    QCOMPARE(actions[0]->text(), QStringLiteral("Export as PNG…"));
    QCOMPARE(actions[1]->text(), QStringLiteral("Export as SVG…"));
    QCOMPARE(actions[2]->text(), QStringLiteral("Export as PDF…"));
    QCOMPARE(view.actions(), actions);
    QCOMPARE(view.contextMenuPolicy(), Qt::ActionsContextMenu);
}

QTEST_MAIN(TestExport)
#include "tst_export.moc"
