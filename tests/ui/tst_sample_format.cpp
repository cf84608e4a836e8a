// The UI kit's sample texts: how a loss, a probability and a distance read,
// and the one-line sample header every single-sample view shows.
#include "../common/clustered_run.h"
#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"

#include <QtTest>
#include <limits>

using namespace mnistx;

class TestSampleFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lossForms_data();
    void lossForms();
    void probabilityForms();
    void distanceAndPercent();
    void headerNamesSampleVerdictAndLoss();
};

void TestSampleFormat::lossForms_data()
{
    QTest::addColumn<double>("loss");
    QTest::addColumn<QString>("caption");
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QString>("column");
    QTest::newRow("large") << 2.3149 << "2.31"
                           << "2.31"
                           << "2.315";
    QTest::newRow("at 0.01") << 0.01 << "0.01"
                             << "0.01"
                             << "0.010";
    // A confident right answer never reads "0.00"; the cell keeps one digit to fit.
    QTest::newRow("small") << 0.00345 << "0.0034"
                           << "0.003"
                           << "0.003";
    QTest::newRow("zero") << 0.0 << "0"
                          << "0"
                          << "0.000";
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "–"
                         << "–"
                         << "–";
}

void TestSampleFormat::lossForms()
{
    QFETCH(double, loss);
    QFETCH(QString, caption);
    QFETCH(QString, cell);
    QFETCH(QString, column);
    QCOMPARE(ui::formatLoss(loss), caption);
    QCOMPARE(ui::formatLossShort(loss), cell);
    QCOMPARE(ui::formatLossFixed(loss), column);
}

void TestSampleFormat::probabilityForms()
{
    QCOMPARE(ui::formatProbability(0.973), QStringLiteral("97%"));
    QCOMPARE(ui::formatProbability(1.0), QStringLiteral("100%"));
    QCOMPARE(ui::formatProbability(0.001), QStringLiteral("<1%"));
    QCOMPARE(ui::formatProbability(0.0), QStringLiteral("0%"));
    QCOMPARE(ui::formatProbability(std::nan("")), QStringLiteral("–"));
    QCOMPARE(ui::formatProbabilityExact(0.9734), QStringLiteral("0.973"));
}

void TestSampleFormat::distanceAndPercent()
{
    QCOMPARE(ui::formatDistance(6.8349), QStringLiteral("6.83"));
    QCOMPARE(ui::formatDistance(std::numeric_limits<double>::infinity()), QStringLiteral("–"));
    QCOMPARE(ui::formatPercent(0.4), QStringLiteral("40%"));
    QCOMPARE(ui::formatPercent(0.0), QStringLiteral("0%"));
}

void TestSampleFormat::headerNamesSampleVerdictAndLoss()
{
    ui::ExplorerSession session;
    QVERIFY(ui::sampleHeader(session, 0).plain.isEmpty()); // no run
    auto run = test::makeClusteredRun();
    session.setRun(run, test::makeSyntheticImages(*run));
    for (int id = 0; id < 40; ++id) {
        const ui::SampleHeader header = ui::sampleHeader(session, id);
        const bool right = session.correct(id);
        QCOMPARE(header.plain, QStringLiteral("%1 · GT %2 · predicted %3 (%4) · loss %5")
                                   .arg(session.describe(id))
                                   .arg(session.label(id))
                                   .arg(session.prediction(id))
                                   .arg(right ? QStringLiteral("right") : QStringLiteral("wrong"))
                                   .arg(ui::formatLoss(session.loss(id))));
        QVERIFY(header.html.contains(ui::verdictColor(right).name()));
        QVERIFY(
            header.html.contains(right ? QStringLiteral("✓ right") : QStringLiteral("✗ wrong")));
    }
    QVERIFY(ui::sampleHeader(session, -1).html.isEmpty());
    QVERIFY(ui::sampleHeader(session, session.sampleCount()).html.isEmpty());
    QVERIFY(ui::sampleHeader(session, 3, QStringLiteral("font-size:large"))
                .html.contains(QStringLiteral("font-size:large")));
}

QTEST_MAIN(TestSampleFormat)
#include "tst_sample_format.moc"
