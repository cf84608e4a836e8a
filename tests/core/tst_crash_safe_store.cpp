// Crash-safe store: a process saving a run is killed (SIGKILL) at random
// moments, 200 times in a row; after every kill the folder must hold a whole
// run (the previous one, or the new one when the save got that far), never a
// half-written one, and a first save into an empty folder must leave either
// the whole new run or none ("no stored run in ..."). The temporary files
// killed saves leave behind are removed by the next save.
//
// MNISTX_CRASH_ROUNDS=N runs N kills instead of 200.

#include "../common/store_temporaries.h"
#include "core/store/run_store.h"
#include "core/util/json_cursor.h"
#include "crash_safe_run.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mnistx;

namespace
{

std::string toStd(const QString& s)
{
    return s.toStdString();
}

int roundCount(int fallback)
{
    const QByteArray env = qgetenv("MNISTX_CRASH_ROUNDS");
    return env.isEmpty() ? fallback : std::max(1, env.toInt());
}

// What a kill left behind.
struct KillOutcome {
    bool saveReturned = false; // the helper printed "saved" before the kill
    bool tempSeen = false;     // a temporary file existed just before the kill
};

} // namespace

class TestCrashSafeStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void killWhileReplacingKeepsAWholeRun();
    void killDuringFirstSaveLeavesNoRunOrAWholeOne();
    void nextSaveRemovesStaleTemporaries();

private:
    KillOutcome saveAndKill(const QString& dir, std::uint64_t seed);

    std::mt19937_64 m_random{20240607}; // fixed: the same delays' distribution each run
    double m_saveMicroseconds = 0.0;    // median time of one save, measured here
};

void TestCrashSafeStore::initTestCase()
{
    QVERIFY2(QFile::exists(QStringLiteral(MNISTX_CRASH_SAVE_HELPER)), MNISTX_CRASH_SAVE_HELPER);
    // The kill moments are spread over the time a save takes on this disk.
    QTemporaryDir tmp;
    const store::RunData run = test::makeCrashTestRun(1);
    std::vector<double> times;
    for (int k = 0; k < 5; ++k) {
        QElapsedTimer timer;
        timer.start();
        store::saveRun(run, toStd(tmp.path()));
        times.push_back(static_cast<double>(timer.nsecsElapsed()) / 1000.0);
    }
    std::sort(times.begin(), times.end());
    m_saveMicroseconds = times[times.size() / 2];
    qInfo("one save takes %.1f ms here", m_saveMicroseconds / 1000.0);
}

KillOutcome TestCrashSafeStore::saveAndKill(const QString& dir, std::uint64_t seed)
{
    KillOutcome outcome;
    QProcess helper;
    helper.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    helper.start(QStringLiteral(MNISTX_CRASH_SAVE_HELPER), {dir, QString::number(seed)});
    if (!helper.waitForStarted(30000))
        qFatal("cannot start %s", MNISTX_CRASH_SAVE_HELPER);
    QByteArray output;
    while (!output.contains("ready\n")) {
        if (!helper.waitForReadyRead(60000))
            qFatal("the helper never got ready: %s", output.constData());
        output += helper.readAllStandardOutput();
    }
    // From "ready" (before the first byte) to 1.5 saves later: most kills land
    // inside the save, some after it.
    std::uniform_real_distribution<double> delay(0.0, 1.5 * m_saveMicroseconds);
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long long>(delay(m_random))));
    outcome.tempSeen = !test::storeTemporaries(dir).isEmpty();
    helper.kill(); // SIGKILL: no destructor, no handler, no flush
    helper.waitForFinished(30000);
    output += helper.readAllStandardOutput();
    outcome.saveReturned = output.contains("saved\n");
    return outcome;
}

void TestCrashSafeStore::killWhileReplacingKeepsAWholeRun()
{
    const int rounds = roundCount(200);
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    store::RunData previous = test::makeCrashTestRun(0);
    store::saveRun(previous, toStd(dir));

    int keptOld = 0, gotNew = 0, killedMidSave = 0, tempSeen = 0;
    for (int round = 1; round <= rounds; ++round) {
        const auto seed = static_cast<std::uint64_t>(round);
        const KillOutcome outcome = saveAndKill(dir, seed);
        killedMidSave += outcome.saveReturned ? 0 : 1;
        tempSeen += outcome.tempSeen ? 1 : 0;

        store::RunData loaded;
        try {
            loaded = store::loadRun(toStd(dir));
        } catch (const store::StoreError& e) {
            QFAIL(qPrintable(QStringLiteral("round %1: the stored run no longer loads: %2")
                                 .arg(round)
                                 .arg(QString::fromUtf8(e.what()))));
        }
        const store::RunData candidate = test::makeCrashTestRun(seed);
        if (test::runDifference(loaded, previous).empty()) {
            QVERIFY2(!outcome.saveReturned,
                     qPrintable(QStringLiteral("round %1: saveRun returned, yet the old run is "
                                               "still there")
                                    .arg(round)));
            ++keptOld;
        } else {
            const std::string difference = test::runDifference(loaded, candidate);
            QVERIFY2(difference.empty(),
                     qPrintable(QStringLiteral("round %1: the stored run is neither the previous "
                                               "nor the new one: %2")
                                    .arg(round)
                                    .arg(QString::fromStdString(difference))));
            previous = candidate;
            ++gotNew;
        }
        // summary.json is written after run.bin: it may still be the old one,
        // but it is whole.
        QFile summary(dir + QStringLiteral("/summary.json"));
        QVERIFY(summary.open(QIODevice::ReadOnly));
        const QByteArray text = summary.readAll();
        try {
            json::parse(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
        } catch (const json::Error& e) {
            QFAIL(qPrintable(QStringLiteral("round %1: summary.json is damaged: %2")
                                 .arg(round)
                                 .arg(QString::fromUtf8(e.what()))));
        }
    }
    qInfo("%d kills: %d before saveRun returned (%d with a temporary file on disk); the old run "
          "stayed %d times, the new one was complete %d times",
          rounds, killedMidSave, tempSeen, keptOld, gotNew);
    // Otherwise the test proved nothing: the kills must hit saves in flight.
    QVERIFY2(killedMidSave * 4 >= rounds, "too few kills landed during a save");
}

void TestCrashSafeStore::killDuringFirstSaveLeavesNoRunOrAWholeOne()
{
    const int rounds = std::max(1, roundCount(200) / 4);
    QTemporaryDir tmp;
    int none = 0, whole = 0;
    for (int round = 1; round <= rounds; ++round) {
        const QString dir = tmp.filePath(QStringLiteral("run-%1").arg(round));
        const auto seed = static_cast<std::uint64_t>(1000 + round);
        const KillOutcome outcome = saveAndKill(dir, seed);
        try {
            const store::RunData loaded = store::loadRun(toStd(dir));
            const std::string difference =
                test::runDifference(loaded, test::makeCrashTestRun(seed));
            QVERIFY2(difference.empty(), difference.c_str());
            ++whole;
        } catch (const store::StoreError& e) {
            QVERIFY2(!outcome.saveReturned, e.what());
            QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("no stored run in ") + dir);
            QVERIFY(!store::hasRun(toStd(dir)));
            ++none;
        }
    }
    qInfo("%d kills of a first save: no run %d times, a whole run %d times", rounds, none, whole);
}

void TestCrashSafeStore::nextSaveRemovesStaleTemporaries()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    store::saveRun(test::makeCrashTestRun(0), toStd(dir));
    // Kill saves until one leaves its temporary file behind.
    for (int attempt = 0; attempt < 50 && test::storeTemporaries(dir).isEmpty(); ++attempt)
        saveAndKill(dir, 7);
    QVERIFY2(!test::storeTemporaries(dir).isEmpty(),
             "no kill left a temporary file in 50 attempts");

    // Another process's temporary file, which is alive (pid 1): not ours to remove.
    QFile alive(dir + QStringLiteral("/run.bin.tmp-1"));
    QVERIFY(alive.open(QIODevice::WriteOnly));
    alive.close();

    const store::RunData next = test::makeCrashTestRun(8);
    store::saveRun(next, toStd(dir));
    QCOMPARE(test::storeTemporaries(dir), QStringList{QStringLiteral("run.bin.tmp-1")});
    QCOMPARE(QString::fromStdString(test::runDifference(next, store::loadRun(toStd(dir)))),
             QString());
}

QTEST_GUILESS_MAIN(TestCrashSafeStore)
#include "tst_crash_safe_store.moc"
