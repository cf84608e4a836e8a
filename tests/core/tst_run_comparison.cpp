#include "../common/message_of.h"
#include "../common/synthetic_run.h"
#include "core/compare/run_comparison.h"
#include "core/store/run_store.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace mnistx;
using compare::Change;

class TestRunComparison : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyChangeIsFound();
    void filesRecomputeFromTheRuns();
    void otherDatasetsAreRefused();
    void missingRunWritesNothing();
};

namespace
{

// Run A and run B of the same samples: in both subsets sample i is, by
// i % 4, right in both, fixed by B, broken by B, or wrong in both (A says
// label + 1, B label + 2). Losses say which run is right.
struct Pair {
    store::RunData a, b;
};

Pair makePair()
{
    test::SyntheticRunOptions options = test::syntheticRunSized(40, 20, 5);
    Pair p;
    p.a = test::makeSyntheticRun(options);
    p.a.datasetFingerprint = "xxh3-64:0123456789abcdef";
    p.b = p.a;
    for (const auto& subsets : {std::make_pair(&p.a.train, &p.b.train),
                                std::make_pair(&p.a.validation, &p.b.validation)}) {
        analysis::SubsetAnalysis& a = *subsets.first;
        analysis::SubsetAnalysis& b = *subsets.second;
        for (int i = 0; i < a.sampleCount(); ++i) {
            const auto k = static_cast<std::size_t>(i);
            const int label = a.labels[k];
            const bool rightA = i % 4 == 0 || i % 4 == 2;
            const bool rightB = i % 4 == 0 || i % 4 == 1;
            a.predictions[k] = static_cast<data::ClassLabel>(rightA ? label : (label + 1) % 5);
            b.predictions[k] = static_cast<data::ClassLabel>(rightB ? label : (label + 2) % 5);
            a.losses[k] = rightA ? 0.1f : 2.0f + 0.01f * float(i);
            b.losses[k] = rightB ? 0.2f : 3.0f + 0.01f * float(i);
        }
    }
    return p;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

void TestRunComparison::everyChangeIsFound()
{
    const Pair p = makePair();
    const compare::RunComparison c = compare::compareRuns(p.a, p.b);
    QCOMPARE(c.samples.size(), std::size_t(60));
    QCOMPARE(c.train.fixed, 10LL);
    QCOMPARE(c.train.broken, 10LL);
    QCOMPARE(c.train.bothRight, 10LL);
    QCOMPARE(c.train.bothWrong, 10LL);
    QCOMPARE(c.validation.total(), 20LL);
    QCOMPARE(c.overall.fixed, 15LL);
    QCOMPARE(c.validationAccuracyA, 0.5);
    QCOMPARE(c.validationAccuracyB, 0.5);
    for (const compare::SampleChange& s : c.samples) {
        const Change expected[] = {Change::BothRight, Change::Fixed, Change::Broken,
                                   Change::BothWrong};
        QCOMPARE(s.change, expected[s.index % 4]);
    }
    // Confusions: A's errors are label → label+1, B's label → label+2; each
    // of B's pairs rises by what it has, each of A's falls to nothing.
    QVERIFY(!c.gained.empty() && !c.lost.empty());
    QVERIFY(int(c.gained.size()) <= compare::RunComparison::kTopPairs);
    for (const compare::PairShift& s : c.gained) {
        QCOMPARE(s.prediction, (s.label + 2) % 5);
        QCOMPARE(s.countA, 0LL);
        QVERIFY(s.countB > 0);
    }
    for (const compare::PairShift& s : c.lost) {
        QCOMPARE(s.prediction, (s.label + 1) % 5);
        QCOMPARE(s.countB, 0LL);
    }
    for (std::size_t i = 1; i < c.gained.size(); ++i)
        QVERIFY(c.gained[i - 1].delta() >= c.gained[i].delta());
}

void TestRunComparison::filesRecomputeFromTheRuns()
{
    QTemporaryDir tmp;
    const Pair p = makePair();
    store::saveRun(p.a, tmp.filePath("a").toStdString());
    store::saveRun(p.b, tmp.filePath("b").toStdString());
    const QString out = tmp.filePath("out/deeper"); // made as needed
    const auto stored = compare::compareStoredRuns(
        tmp.filePath("a").toStdString(), tmp.filePath("b").toStdString(), out.toStdString());
    QCOMPARE(stored.comparison.overall.total(), 60LL);

    // compare.csv, recomputed from the runs themselves.
    const QList<QByteArray> lines = readAll(out + "/compare.csv").trimmed().split('\n');
    QCOMPARE(lines.size(), 61);
    QCOMPARE(lines[0],
             QByteArray("subset,index,label,prediction_a,prediction_b,loss_a,loss_b,change"));
    std::map<QByteArray, int> counted;
    for (int r = 1; r < lines.size(); ++r) {
        const QList<QByteArray> cells = lines[r].split(',');
        QCOMPARE(cells.size(), 8);
        const bool validation = cells[0] == "validation";
        const analysis::SubsetAnalysis& a = validation ? p.a.validation : p.a.train;
        const analysis::SubsetAnalysis& b = validation ? p.b.validation : p.b.train;
        const auto k = static_cast<std::size_t>(cells[1].toInt());
        QCOMPARE(cells[2].toInt(), int(a.labels[k]));
        QCOMPARE(cells[3].toInt(), int(a.predictions[k]));
        QCOMPARE(cells[4].toInt(), int(b.predictions[k]));
        QCOMPARE(cells[5].toFloat(), a.losses[k]);
        QCOMPARE(cells[6].toFloat(), b.losses[k]);
        const bool rightA = a.predictions[k] == a.labels[k];
        const bool rightB = b.predictions[k] == b.labels[k];
        const QByteArray change =
            rightA ? (rightB ? "both_right" : "broken") : (rightB ? "fixed" : "both_wrong");
        QCOMPARE(cells[7], change);
        ++counted[change];
    }

    // compare.json agrees with the rows.
    const QJsonObject json = QJsonDocument::fromJson(readAll(out + "/compare.json")).object();
    const QJsonObject overall = json["overall"].toObject();
    QCOMPARE(overall["fixed"].toInt(), counted["fixed"]);
    QCOMPARE(overall["broken"].toInt(), counted["broken"]);
    QCOMPARE(overall["both_right"].toInt(), counted["both_right"]);
    QCOMPARE(overall["both_wrong"].toInt(), counted["both_wrong"]);
    QCOMPARE(json["validation"].toObject()["total"].toInt(), 20);
    QCOMPARE(json["accuracy"].toObject()["train_a"].toDouble(), 0.5);
    QCOMPARE(json["run_a"].toString(), tmp.filePath("a"));
    QVERIFY(!json["pairs_gained"].toArray().isEmpty());
}

void TestRunComparison::otherDatasetsAreRefused()
{
    Pair p = makePair();
    p.b.datasetFingerprint = "xxh3-64:fedcba9876543210";
    p.a.dataFolder = "/data/mnist";
    p.b.dataFolder = "/data/fashion";
    QString message = test::messageOf([&] { compare::compareRuns(p.a, p.b); });
    QVERIFY2(message.contains("different datasets") && message.contains("/data/mnist") &&
                 message.contains("/data/fashion"),
             qPrintable(message));

    p = makePair();
    p.b.validation.labels[3] = static_cast<data::ClassLabel>((p.b.validation.labels[3] + 1) % 5);
    message = test::messageOf([&] { compare::compareRuns(p.a, p.b); });
    QVERIFY2(message.contains("labels differ") && message.contains("validation sample 3"),
             qPrintable(message));

    // Runs from before fingerprints: the samples still have to line up.
    p = makePair();
    p.a.datasetFingerprint.clear();
    test::SyntheticRunOptions fewer = test::syntheticRunSized(30, 20, 5);
    p.b = test::makeSyntheticRun(fewer);
    message = test::messageOf([&] { compare::compareRuns(p.a, p.b); });
    QVERIFY2(message.contains("other samples") && message.contains("40 + 20") &&
                 message.contains("30 + 20"),
             qPrintable(message));
}

void TestRunComparison::missingRunWritesNothing()
{
    QTemporaryDir tmp;
    const Pair p = makePair();
    store::saveRun(p.a, tmp.filePath("a").toStdString());
    const QString out = tmp.filePath("out");
    const QString message = test::messageOf([&] {
        compare::compareStoredRuns(tmp.filePath("a").toStdString(),
                                   tmp.filePath("gone").toStdString(), out.toStdString());
    });
    QVERIFY2(message.contains(tmp.filePath("gone")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(out));

    Pair other = makePair();
    other.b.datasetFingerprint = "xxh3-64:ffffffffffffffff";
    store::saveRun(other.b, tmp.filePath("other").toStdString());
    QVERIFY(!test::messageOf([&] {
                 compare::compareStoredRuns(tmp.filePath("a").toStdString(),
                                            tmp.filePath("other").toStdString(), out.toStdString());
             }).isEmpty());
    QVERIFY(!QFileInfo::exists(out));
}

QTEST_GUILESS_MAIN(TestRunComparison)
#include "tst_run_comparison.moc"
