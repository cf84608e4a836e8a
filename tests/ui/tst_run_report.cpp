#include "../common/clustered_run.h"
#include "ui/explorer_session.h"
#include "ui/export/run_report.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

using namespace mnistx;

// report.html: parsed as XML (it is written well-formed), every section
// there with the run's own numbers, every picture embedded, nothing fetched
// from a network; then opened in a real browser (Debian's chromium,
// headless) when it is installed.
class TestRunReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void reportHoldsEverySectionSelfContained();
    void confusionAndWorstErrorsAreTheRunsOwn();
    void missingPartsAreSaid();
    void unwritablePathIsNamed();
    void opensInAHeadlessBrowser();

private:
    ui::RunReportInputs m_inputs;
    QString m_html;
};

namespace
{

// The elements of a well-formed page: name, attributes, text (the parse's
// error when it is not well-formed).
struct Element {
    QString name;
    QXmlStreamAttributes attributes;
    QString text;    // the text directly inside, trimmed
    QString section; // the id of the <section> it is in
};

std::vector<Element> parse(const QString& html, QString* error)
{
    QXmlStreamReader xml(html);
    std::vector<Element> out;
    std::vector<std::size_t> open;
    QString section;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            if (xml.name() == QLatin1String("section"))
                section = xml.attributes().value("id").toString();
            out.push_back({xml.name().toString(), xml.attributes(), {}, section});
            open.push_back(out.size() - 1);
        } else if (xml.isCharacters() && !open.empty()) {
            out[open.back()].text += xml.text().toString().trimmed();
        } else if (xml.isEndElement()) {
            open.pop_back();
        }
    }
    if (xml.hasError())
        *error = QString("%1 at line %2").arg(xml.errorString()).arg(xml.lineNumber());
    return out;
}

std::vector<why::Insight> someInsights()
{
    why::Insight a;
    a.title = "4s and 9s near the 4/9 border · 12 samples · 50 % wrong";
    a.sentence = "These <samples> & others are confused.";
    why::Insight b = a;
    b.title = "5s predicted as 6";
    return {a, b};
}

} // namespace

void TestRunReport::initTestCase()
{
    auto run = test::makeClusteredRun(); // 200 + 50 samples, every 13th wrong
    m_inputs.run = run;
    m_inputs.images = test::makeSyntheticImages(*run);
    std::vector<why::LabelCandidate> candidates(30);
    for (int k = 0; k < 30; ++k) {
        candidates[static_cast<std::size_t>(k)].subset = analysis::Subset::Validation;
        candidates[static_cast<std::size_t>(k)].index = k;
        candidates[static_cast<std::size_t>(k)].givenLabel = k % 10;
        candidates[static_cast<std::size_t>(k)].suggestedLabel = (k + 1) % 10;
        candidates[static_cast<std::size_t>(k)].score = 1.0f - 0.01f * float(k);
    }
    m_inputs.candidates = std::make_shared<const std::vector<why::LabelCandidate>>(candidates);
    m_inputs.insights = std::make_shared<const std::vector<why::Insight>>(someInsights());
    m_inputs.name = QStringLiteral("baseline <& run>");
    m_html = ui::runReportHtml(m_inputs);
}

void TestRunReport::reportHoldsEverySectionSelfContained()
{
    QString error;
    const auto elements = parse(m_html, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_html.startsWith("<!DOCTYPE html>"));
    QStringList sections;
    int images = 0;
    for (const Element& e : elements) {
        if (e.name == "section")
            sections << e.attributes.value("id").toString();
        // Nothing fetched: no scripts, no stylesheets, every picture inline.
        QVERIFY(e.name != "script" && e.name != "link" && e.name != "iframe");
        QVERIFY2(!e.attributes.hasAttribute("href"), qPrintable(e.name));
        if (e.name == "img") {
            const QString src = e.attributes.value("src").toString();
            QVERIFY2(src.startsWith("data:image/png;base64,"), qPrintable(src.left(40)));
            QImage decoded;
            QVERIFY(decoded.loadFromData(
                QByteArray::fromBase64(src.mid(src.indexOf(',') + 1).toLatin1()), "PNG"));
            QVERIFY(!decoded.isNull());
            QVERIFY(!e.attributes.value("alt").isEmpty());
            ++images;
        }
    }
    QCOMPARE(sections, (QStringList{"settings", "maps", "loss-vs-distance", "confusion",
                                    "worst-errors", "label-candidates", "insights"}));
    QVERIFY(!m_html.contains("http://") && !m_html.contains("https://"));
    // 2 maps + 1 chart + 19 worst errors (every 13th of 250 is wrong) + 20 candidates.
    QCOMPARE(images, 3 + 19 + 20);
    // The name is escaped, the insight's text too.
    QVERIFY(m_html.contains("baseline &lt;&amp; run&gt;"));
    QVERIFY(m_html.contains("These &lt;samples&gt; &amp; others are confused."));
    int items = 0;
    for (const Element& e : elements)
        items += e.name == "li" && e.section == "insights";
    QCOMPARE(items, 2);
}

void TestRunReport::confusionAndWorstErrorsAreTheRunsOwn()
{
    QString error;
    const auto elements = parse(m_html, &error);
    const store::RunData& run = *m_inputs.run;
    // The confusion cells (td in the section, row by row) are the counts.
    std::vector<long long> cells;
    for (const Element& e : elements)
        if (e.section == "confusion" && e.name == "td")
            cells.push_back(e.text.isEmpty() ? 0 : QString(e.text).remove(',').toLongLong());
    const int C = run.validation.classCount;
    QCOMPARE(cells.size(), std::size_t(C * C));
    for (int g = 0; g < C; ++g)
        for (int p = 0; p < C; ++p)
            QCOMPARE(cells[static_cast<std::size_t>(g * C + p)], run.validation.confusion(g, p));
    // The worst errors: the misclassified samples by loss, highest first.
    ui::ExplorerSession session;
    session.setRun(m_inputs.run, m_inputs.images);
    QStringList samples;
    for (std::size_t k = 0; k < elements.size(); ++k)
        if (elements[k].section == "worst-errors" && elements[k].name == "td" &&
            elements[k].text.contains('#'))
            samples << elements[k].text;
    QCOMPARE(samples.size(), 19);
    for (int k = 0; k < samples.size(); ++k)
        QCOMPARE(samples[k], session.describe(session.misclassifiedByLoss()[std::size_t(k)]));
}

void TestRunReport::missingPartsAreSaid()
{
    ui::RunReportInputs bare = m_inputs;
    bare.images = nullptr;
    bare.candidates = nullptr;
    bare.insights = std::make_shared<const std::vector<why::Insight>>();
    const QString html = ui::runReportHtml(bare);
    QString error;
    const auto elements = parse(html, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    int images = 0;
    for (const Element& e : elements)
        images += e.name == "img";
    QCOMPARE(images, 3); // the maps and the chart; no thumbnails without images
    QVERIFY(html.contains("Not computed when the report was written."));
    QVERIFY(html.contains("No group of samples stands out."));
}

void TestRunReport::unwritablePathIsNamed()
{
    const QString path = "/nonexistent-folder/report.html";
    try {
        ui::writeRunReport(m_inputs, path);
        QFAIL("no error");
    } catch (const std::exception& e) {
        QVERIFY2(QString(e.what()).contains(path), e.what());
    }
    QTemporaryDir tmp;
    ui::writeRunReport(m_inputs, tmp.filePath("report.html"));
    QFile f(tmp.filePath("report.html"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray written = f.readAll();
    QVERIFY(written.startsWith("<!DOCTYPE html>"));
    QVERIFY(written.endsWith("</html>\n"));
    QVERIFY(written.contains("<section id=\"insights\">"));
}

void TestRunReport::opensInAHeadlessBrowser()
{
    const QString browser = QStandardPaths::findExecutable("chromium");
    if (browser.isEmpty())
        QSKIP("chromium is not installed (scripts/test installs it): the XML checks above ran");
    QTemporaryDir tmp;
    const QString page = tmp.filePath("report.html");
    ui::writeRunReport(m_inputs, page);
    // No sandbox (tests may run as root), no /dev/shm (small in containers).
    const QStringList common = {"--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-dev-shm-usage",
                                "--user-data-dir=" + tmp.filePath("profile"),
                                "--no-first-run"};
    // The DOM as the browser built it: every section and picture there.
    QProcess dump;
    dump.start(browser, common + QStringList{"--dump-dom", "file://" + page});
    QVERIFY(dump.waitForFinished(120000));
    const QString dom = QString::fromUtf8(dump.readAllStandardOutput());
    for (const char* id : {"settings", "maps", "loss-vs-distance", "confusion", "worst-errors",
                           "label-candidates", "insights"})
        QVERIFY2(dom.contains(QString("<section id=\"%1\">").arg(id)), id);
    QCOMPARE(dom.count("<img "), 3 + 19 + 20);
    // And drawn: a screenshot that is not one colour.
    QProcess shot;
    shot.setWorkingDirectory(tmp.path());
    shot.start(browser, common + QStringList{"--screenshot=" + tmp.filePath("shot.png"),
                                             "--window-size=1200,2400", "file://" + page});
    QVERIFY(shot.waitForFinished(120000));
    const QImage image(tmp.filePath("shot.png"));
    QVERIFY2(!image.isNull(), qPrintable(QString::fromUtf8(shot.readAllStandardError())));
    QCOMPARE(image.size(), QSize(1200, 2400));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
}

QTEST_MAIN(TestRunReport)
#include "tst_run_report.moc"
