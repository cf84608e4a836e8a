#include "../common/message_of.h"
#include "../common/stored_runs.h"
#include "../common/synthetic_run.h"
#include "core/query/sample_query.h"
#include "core/query/stored_query.h"
#include "core/store/run_store.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

using namespace mnistx;
using query::QueryError;
using query::SampleQuery;

class TestSampleQuery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void expressionsMatchWhatTheyMean();
    void errorsPointAtTheToken();
    void errorsPointAtTheToken_data();
    void fieldsListWhatQueriesName();
    void storedQueryWritesTheMatchingRows();
    void storedQueryRefusesBeforeWriting();

private:
    store::RunData m_run;
    data::UserMetadata m_metadata;
};

namespace
{

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// One sample as the independent checks see it.
struct Sample {
    const analysis::SubsetAnalysis& a;
    const RowMatrixXf& xy;
    int i;
    bool validation;
    std::size_t k() const { return static_cast<std::size_t>(i); }
    int label() const { return a.labels[k()]; }
    int prediction() const { return a.predictions[k()]; }
    float loss() const { return a.losses[k()]; }
    float dist(int c) const { return a.centroidDistances(i, c); }
};

} // namespace

void TestSampleQuery::initTestCase()
{
    test::SyntheticRunOptions options = test::syntheticRunSized(60, 30, 5);
    m_run = test::makeSyntheticRun(options);
    m_run.classNames = {"zero", "one", "Ankle boot", "say \"hi\"", "four"};
    // Losses across 0…3 so that loss comparisons split the run.
    for (auto* a : {&m_run.train, &m_run.validation})
        for (int i = 0; i < a->sampleCount(); ++i)
            a->losses[static_cast<std::size_t>(i)] = 0.05f * float((i * 37) % 61);

    data::MetadataColumn exposure; // numeric, missing every 5th
    exposure.name = "exposure";
    data::MetadataColumn site; // categorical, missing every 7th
    site.name = "site";
    site.numeric = false;
    site.categories = {"east", "west"};
    data::MetadataColumn spaced; // a name with a space
    spaced.name = "exposure time";
    for (int n : {60, 30}) {
        std::vector<float> e, s, t;
        for (int i = 0; i < n; ++i) {
            e.push_back(i % 5 == 0 ? kNaN : float(i % 10) / 10.0f); // as read from "0.3"
            s.push_back(i % 7 == 0 ? kNaN : float(i % 2));
            t.push_back(float(i));
        }
        (n == 60 ? exposure.train : exposure.validation) = e;
        (n == 60 ? site.train : site.validation) = s;
        (n == 60 ? spaced.train : spaced.validation) = t;
    }
    m_metadata.columns = {exposure, site, spaced};
}

void TestSampleQuery::expressionsMatchWhatTheyMean()
{
    const data::MetadataColumn& exposure = m_metadata.columns[0];
    const data::MetadataColumn& site = m_metadata.columns[1];
    auto exposureOf = [&](const Sample& s) { return exposure.values(s.validation)[s.k()]; };
    auto siteOf = [&](const Sample& s) { return site.values(s.validation)[s.k()]; };
    auto probability = [](const Sample& s, int c) { return s.a.probabilities(s.i, c); };

    const std::vector<std::pair<const char*, std::function<bool(const Sample&)>>> cases = {
        {"loss > 2 and label == 4", [](const Sample& s) { return s.loss() > 2 && s.label() == 4; }},
        {"subset == validation and prediction != label",
         [](const Sample& s) { return s.validation && s.prediction() != s.label(); }},
        {"not correct", [](const Sample& s) { return s.prediction() != s.label(); }},
        {"!correct", [](const Sample& s) { return s.prediction() != s.label(); }},
        {"correct == false", [](const Sample& s) { return s.prediction() != s.label(); }},
        {"correct = 1", [](const Sample& s) { return s.prediction() == s.label(); }},
        // and binds tighter than or, not tighter than and
        {"label == 1 or label == 2 and subset == train",
         [](const Sample& s) { return s.label() == 1 || (s.label() == 2 && !s.validation); }},
        {"(label == 1 or label == 2) and subset == train",
         [](const Sample& s) { return (s.label() == 1 || s.label() == 2) && !s.validation; }},
        {"not label == 1 and loss < 1",
         [](const Sample& s) { return s.label() != 1 && s.loss() < 1; }},
        {"not (label == 1 and loss < 2.5)",
         [](const Sample& s) { return !(s.label() == 1 && s.loss() < 2.5f); }},
        {"label == 0 || label == 3 && loss >= 1.5",
         [](const Sample& s) { return s.label() == 0 || (s.label() == 3 && s.loss() >= 1.5f); }},
        // keywords in any case, = for ==
        {"label_name = 'one' AND Not correct",
         [](const Sample& s) { return s.label() == 1 && s.prediction() != s.label(); }},
        // arithmetic: * before +, unary minus, literal on the left
        {"dist_pred < dist_own - 0.1",
         [](const Sample& s) { return s.dist(s.prediction()) < s.dist(s.label()) - 0.1f; }},
        {"loss * 2 > 1 + 1 * 2", [](const Sample& s) { return double(s.loss()) * 2 > 3; }},
        {"-loss < -1.5", [](const Sample& s) { return -double(s.loss()) < -1.5; }},
        {"2 < loss", [](const Sample& s) { return s.loss() > 2; }},
        {"1 >= loss / 2", [](const Sample& s) { return double(s.loss()) / 2 <= 1; }},
        // classes by name, number, quotes inside strings
        {"label == \"Ankle boot\"", [](const Sample& s) { return s.label() == 2; }},
        {"label == \"say \\\"hi\\\"\"", [](const Sample& s) { return s.label() == 3; }},
        {"prediction == 'say \"hi\"'", [](const Sample& s) { return s.prediction() == 3; }},
        {"label > 2", [](const Sample& s) { return s.label() > 2; }},
        {"\"four\" == prediction", [](const Sample& s) { return s.prediction() == 4; }},
        {"nearest != label",
         [](const Sample& s) { return s.a.nearestCentroid[s.k()] != s.label(); }},
        // subsets as names and texts
        {"subset == \"validation\"", [](const Sample& s) { return s.validation; }},
        {"val == subset and index < 5", [](const Sample& s) { return s.validation && s.i < 5; }},
        {"subset != train", [](const Sample& s) { return s.validation; }},
        // per-class columns and derived numbers
        {"p3 > 0.2", [&](const Sample& s) { return probability(s, 3) > 0.2f; }},
        {"dist0 <= 7", [](const Sample& s) { return s.dist(0) <= 7.0f; }},
        {"dist_nearest < dist_own",
         [](const Sample& s) { return s.dist(s.a.nearestCentroid[s.k()]) < s.dist(s.label()); }},
        {"confidence < 0.995",
         [](const Sample& s) { return s.a.probabilities.row(s.i).maxCoeff() < 0.995f; }},
        {"margin < 0.99",
         [&](const Sample& s) {
             std::vector<float> p;
             for (int c = 0; c < 5; ++c)
                 p.push_back(probability(s, c));
             std::sort(p.rbegin(), p.rend());
             return p[0] - p[1] < 0.99f;
         }},
        {"x > 0.5 or y < 0.2",
         [](const Sample& s) { return s.xy(s.i, 0) > 0.5f || s.xy(s.i, 1) < 0.2f; }},
        // the user's metadata; a missing value matches no comparison
        {"exposure > 0.45", [&](const Sample& s) { return exposureOf(s) > 0.45f; }},
        // numbers compare as the data's 32-bit floats: 0.3 is metadata.csv's 0.3
        {"exposure == 0.3", [&](const Sample& s) { return exposureOf(s) == 0.3f; }},
        {"exposure != 0.3",
         [&](const Sample& s) { return !std::isnan(exposureOf(s)) && exposureOf(s) != 0.3f; }},
        {"not exposure == 0.3", [&](const Sample& s) { return !(exposureOf(s) == 0.3f); }},
        {"site == \"east\"", [&](const Sample& s) { return siteOf(s) == 0.0f; }},
        {"site != \"east\"", [&](const Sample& s) { return siteOf(s) == 1.0f; }},
        {"`exposure time` >= 25 and subset == train",
         [](const Sample& s) { return s.i >= 25 && !s.validation; }},
        {"true", [](const Sample&) { return true; }},
        {"false or loss > 100", [](const Sample&) { return false; }},
        {"(loss > 1) == false", [](const Sample& s) { return !(s.loss() > 1); }},
    };

    int nonTrivial = 0;
    for (const auto& [expression, expected] : cases) {
        std::optional<SampleQuery> compiled;
        try {
            compiled.emplace(expression, m_run, &m_metadata);
        } catch (const QueryError& e) {
            QFAIL(qPrintable(QString("%1: %2").arg(expression, e.what())));
        }
        const SampleQuery& q = *compiled;
        const std::vector<std::uint8_t> flags = q.matchFlags();
        QCOMPARE(flags.size(), std::size_t(90));
        std::vector<int> ids;
        int id = 0;
        for (const bool validation : {false, true}) {
            const auto& a = validation ? m_run.validation : m_run.train;
            const auto& xy = validation ? m_run.projection.validation : m_run.projection.train;
            for (int i = 0; i < a.sampleCount(); ++i, ++id) {
                const bool want = expected(Sample{a, xy, i, validation});
                QVERIFY2(bool(flags[static_cast<std::size_t>(id)]) == want,
                         qPrintable(QString("%1: sample %2 %3").arg(expression).arg(id).arg(want)));
                QCOMPARE(q.matches(id), want);
                if (want)
                    ids.push_back(id);
            }
        }
        QCOMPARE(q.matchingIds(), ids);
        if (!ids.empty() && ids.size() < 90)
            ++nonTrivial;
        else
            qInfo("%s: %zu of 90", expression, ids.size());
    }
    // The cases split the run (not all true or all false) in the main.
    QVERIFY2(nonTrivial >= 39, qPrintable(QString::number(nonTrivial)));
    QVERIFY(!SampleQuery("loss > 1", m_run).matches(-1));
    QVERIFY(!SampleQuery("loss > 1", m_run).matches(90));
}

void TestSampleQuery::errorsPointAtTheToken_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");
    QTest::addColumn<int>("length");
    auto row = [](const char* name, const char* expression, const char* message, int offset,
                  int length) {
        QTest::newRow(name) << QString::fromUtf8(expression) << QString::fromUtf8(message) << offset
                            << length;
    };
    row("empty", "", "the query is empty", 0, 1);
    row("blank", "   ", "the query is empty", 0, 1);
    row("missing operand", "loss >", "expected a value, found the end of the query", 6, 1);
    row("dangling and", "loss > 2 and", "expected a value, found the end of the query", 12, 1);
    row("leading and", "and loss > 2", "expected a value before 'and'", 0, 3);
    row("lone not", "not", "expected a value, found the end of the query", 3, 1);
    row("unknown field", "lsos > 2", "unknown field lsos (did you mean loss?)", 0, 4);
    row("names are case-sensitive", "LOSS > 1", "unknown field LOSS (did you mean loss?)", 0, 4);
    row("far from any field", "banana > 2", "unknown field banana (fields:", 0, 6);
    row("user field suggested", "exposur > 1", "did you mean exposure?", 0, 7);
    row("order on a class name", "label > \"x\"", "label is a class: compare it with == or !=", 0,
        11);
    row("unknown class", "label == \"nope\"", "no class is named \"nope\" (classes: \"zero\"", 9,
        6);
    row("class number out of range", "label == 7", "label is a class 0–4: there is no class 7", 9,
        1);
    row("class number not whole", "prediction != 1.5", "there is no class 1.5", 14, 3);
    row("number and text", "loss == \"a\"", "cannot compare: loss is a number, \"a\" is a text", 0,
        11);
    row("subset and number", "subset < 1", "cannot compare: subset is train or validation", 0, 10);
    row("unknown subset", "subset == \"testing\"", "\"testing\" is no subset", 10, 9);
    row("category order", "site > \"east\"", "site is a category: compare it with == or !=", 0, 13);
    row("unknown category", "site == \"north\"", "site has no value \"north\" (\"east\", \"west\")",
        8, 7);
    row("value is no condition", "loss", "loss is a number, not a condition: compare it (loss > 2)",
        0, 4);
    row("class is no condition", "label and correct", "label is a class, not a condition", 0, 5);
    row("unclosed group", "(loss > 2", "expected ')' to close the '(' here", 0, 1);
    row("stray close", "loss > 2)", "unexpected ')' (no '(' opens it)", 8, 1);
    row("chained comparison", "1 < loss < 3", "comparisons do not chain", 9, 1);
    row("unclosed string", "label == \"abc", "the text has no closing \"", 9, 4);
    row("unclosed backtick", "`exposure > 1", "the name has no closing backtick", 0, 13);
    row("missing operator", "loss > 2 an label == 1", "unexpected 'an'", 9, 2);
    row("unknown character", "loss # 2", "'#' is not part of the query language", 5, 1);
    row("non-ASCII character", "loss ≥ 2", "'≥' is not part of the query language", 5, 3);
    row("bad number", "12abc > 1", "'12abc' is not a number", 0, 5);
    row("per-class column out of range", "p12 > 0.1", "p12: the run has classes 0–4", 0, 3);
    row("two constants", "1 == 1", "compares two constants", 0, 6);
    row("arithmetic on a class", "label + 1 > 2", "label is a class: only numbers take +", 0, 5);
    row("negated text", "-source == \"a\"", "source is a text: only numbers can be negated", 0, 7);
    row("empty backticks", "`` > 1", "`` names nothing", 0, 2);
}

void TestSampleQuery::errorsPointAtTheToken()
{
    QFETCH(QString, expression);
    QFETCH(QString, message);
    QFETCH(int, offset);
    QFETCH(int, length);
    try {
        SampleQuery q(expression.toStdString(), m_run, &m_metadata);
        QFAIL("no error");
    } catch (const QueryError& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(message), qPrintable(what));
        QCOMPARE(e.offset(), offset);
        QCOMPARE(e.length(), length);
    }
}

void TestSampleQuery::fieldsListWhatQueriesName()
{
    const auto fields = query::queryFields(m_run, &m_metadata);
    QStringList names;
    for (const auto& f : fields) {
        names << QString::fromStdString(f.name);
        QVERIFY(!f.description.empty());
    }
    for (const char* n : {"subset", "label", "loss", "dist_own", "p4", "dist4", "exposure", "site",
                          "`exposure time`"})
        QVERIFY2(names.contains(n), n);
    QVERIFY(!names.contains("p5"));
    // Every field listed is a field a query accepts.
    for (const auto& f : fields) {
        const std::string e = f.name + " == " + f.name;
        QVERIFY2(test::messageOf([&] { SampleQuery(e, m_run, &m_metadata); }).isNull() ||
                     test::messageOf([&] {
                         SampleQuery(e, m_run, &m_metadata);
                     }).contains("compare it with"),
                 qPrintable(QString::fromStdString(e)));
    }
    // Without the metadata, its fields are unknown.
    QVERIFY(test::messageOf([&] {
                SampleQuery("site == \"east\"", m_run);
            }).contains("unknown field site"));
}

void TestSampleQuery::storedQueryWritesTheMatchingRows()
{
    QTemporaryDir tmp;
    const std::string runDir = tmp.filePath("run").toStdString();
    const std::string out = tmp.filePath("wrong.csv").toStdString();
    test::storeSmallRun(runDir, "2026-12-07T00:00:00Z", tmp.path().toStdString());
    QFile meta(tmp.filePath("metadata.csv"));
    QVERIFY(meta.open(QIODevice::WriteOnly));
    meta.write("subset,index,site\ntrain,3,east\nvalidation,6,east\ntrain,13,west\n");
    meta.close();

    const auto result = query::writeStoredQuery(runDir, "not correct or site == \"east\"", out);
    QVERIFY(result.metadataProblem.empty());
    QCOMPARE(result.sampleCount, 40);
    // samples.csv's rows: recomputed from the stored run.
    const store::RunData run = store::loadRun(runDir);
    QStringList expected;
    for (const bool validation : {false, true}) {
        const auto& a = validation ? run.validation : run.train;
        for (int i = 0; i < a.sampleCount(); ++i) {
            const bool east = (!validation && i == 3) || (validation && i == 6);
            if (!a.correct(i) || east)
                expected << QString("%1,%2,").arg(validation ? "validation" : "train").arg(i);
        }
    }
    QFile f(QString::fromStdString(out));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(result.matched, int(expected.size()));
    QCOMPARE(lines.size(), expected.size() + 1);
    QVERIFY(lines[0].startsWith("subset,index,label,prediction,correct,loss,p0"));
    QVERIFY(lines[0].endsWith(",site"));
    for (int r = 0; r < expected.size(); ++r)
        QVERIFY2(lines[r + 1].startsWith(expected[r]), qPrintable(lines[r + 1]));
    QVERIFY(expected.size() > 2 && expected.size() < 40);
}

void TestSampleQuery::storedQueryRefusesBeforeWriting()
{
    QTemporaryDir tmp;
    const std::string runDir = tmp.filePath("run").toStdString();
    const std::string out = tmp.filePath("rows.csv").toStdString();
    test::storeSmallRun(runDir, "2026-12-07T00:00:00Z", tmp.filePath("nowhere").toStdString());
    QVERIFY(test::messageOf([&] {
                query::writeStoredQuery(runDir, "loss >", out);
            }).contains("expected a value"));
    QVERIFY(test::messageOf([&] {
                query::writeStoredQuery(runDir, "site == 1", out);
            }).contains("unknown field site"));
    QVERIFY(test::messageOf([&] {
                query::writeStoredQuery(tmp.filePath("none").toStdString(), "loss > 1", out);
            }).contains("no stored run"));
    QVERIFY(!QFile::exists(QString::fromStdString(out)));
    // A broken metadata.csv: said, and the query still runs on the rest.
    QFile meta(tmp.filePath("metadata.csv"));
    QVERIFY(meta.open(QIODevice::WriteOnly));
    meta.write("subset,index,site\ntrain,999,east\n");
    meta.close();
    store::RunData run = store::loadRun(runDir);
    run.dataFolder = tmp.path().toStdString();
    store::saveRun(run, runDir);
    const auto result = query::writeStoredQuery(runDir, "loss >= 0", out);
    QVERIFY2(result.metadataProblem.find("metadata.csv") != std::string::npos,
             result.metadataProblem.c_str());
    QCOMPARE(result.matched, 40);
}

QTEST_GUILESS_MAIN(TestSampleQuery)
#include "tst_sample_query.moc"
