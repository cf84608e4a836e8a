#include "core/util/cpu_share.h"

#include <QProcess>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace mnistx;
using util::CpuShare;

namespace
{

// A sampler that answers from a script, one value per sample.
CpuShare::Sampler scripted(std::vector<int> values)
{
    auto at = std::make_shared<std::size_t>(0);
    return [values = std::move(values), at] {
        const int v = values[std::min(*at, values.size() - 1)];
        ++*at;
        return v;
    };
}

// otherRunnableThreads() sampled `count` times, 20 ms apart.
std::vector<int> samples(int count)
{
    std::vector<int> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(util::otherRunnableThreads());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return out;
}

} // namespace

class TestCpuShare : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void aloneKeepsEveryThread();
    void yieldsAfterTwoSamplesOfCompetition();
    void takesTheCoresBackWhenTheOthersStop();
    void aMomentaryProcessChangesNothing();
    void unreadableProcKeepsTheCount();
    void canBeTurnedOff();
    void otherProcessesAreCountedOurOwnThreadsAreNot();
};

void TestCpuShare::init()
{
    qunsetenv("MNISTX_CPU_SHARE");
    if (util::onlineCores() < 2)
        QSKIP("the share only changes on a machine with two cores or more");
}

void TestCpuShare::aloneKeepsEveryThread()
{
    CpuShare share(2, scripted({0, 0, 0, 0}));
    for (int i = 0; i < 4; ++i)
        QCOMPARE(share.sampleNow(), 2);
}

void TestCpuShare::yieldsAfterTwoSamplesOfCompetition()
{
    const int cores = util::onlineCores();
    // Another process's two spinning threads: ours and theirs may not
    // outnumber the cores.
    CpuShare share(cores, scripted({cores, cores, cores}));
    QCOMPARE(share.sampleNow(), cores); // one sample is not enough
    QCOMPARE(share.sampleNow(), 1);
    QCOMPARE(share.sampleNow(), 1);
    // Never more than asked for, never fewer than one.
    CpuShare few(1, scripted({cores * 4, cores * 4}));
    few.sampleNow();
    QCOMPARE(few.sampleNow(), 1);
    if (cores >= 4) {
        CpuShare part(cores, scripted({1, 1}));
        part.sampleNow();
        QCOMPARE(part.sampleNow(), cores - 1);
    }
}

void TestCpuShare::takesTheCoresBackWhenTheOthersStop()
{
    const int cores = util::onlineCores();
    CpuShare share(cores, scripted({cores, cores, 0, 0, 0}));
    share.sampleNow();
    QCOMPARE(share.sampleNow(), 1);
    QCOMPARE(share.sampleNow(), 1);
    QCOMPARE(share.sampleNow(), cores);
    QCOMPARE(share.sampleNow(), cores);
}

void TestCpuShare::aMomentaryProcessChangesNothing()
{
    const int cores = util::onlineCores();
    // Runnable for one sample at a time, twice: no change.
    CpuShare share(cores, scripted({0, 3, 0, 3, 0}));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(share.sampleNow(), cores);
}

void TestCpuShare::unreadableProcKeepsTheCount()
{
    const int cores = util::onlineCores();
    CpuShare share(cores, scripted({-1, -1, cores, cores, -1, -1}));
    QCOMPARE(share.sampleNow(), cores);
    QCOMPARE(share.sampleNow(), cores);
    share.sampleNow();
    QCOMPARE(share.sampleNow(), 1);
    QCOMPARE(share.sampleNow(), 1);
    QCOMPARE(share.sampleNow(), 1);
}

void TestCpuShare::canBeTurnedOff()
{
    qputenv("MNISTX_CPU_SHARE", "0");
    const int cores = util::onlineCores();
    CpuShare share(cores, scripted({cores, cores, cores}), std::chrono::milliseconds(0));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(share.threads(), cores);
}

void TestCpuShare::otherProcessesAreCountedOurOwnThreadsAreNot()
{
    QVERIFY(util::otherRunnableThreads() >= 0); // Linux: /proc is there

    // Our own busy threads are ours: most samples must not count them.
    std::atomic<bool> stop{false};
    std::vector<std::thread> spinners;
    for (int t = 0; t < 2; ++t)
        spinners.emplace_back([&stop] {
            while (!stop.load(std::memory_order_relaxed)) {
            }
        });
    const std::vector<int> withOurs = samples(20);
    stop = true;
    for (auto& t : spinners)
        t.join();
    const auto counted =
        std::count_if(withOurs.begin(), withOurs.end(), [](int n) { return n >= 2; });
    QVERIFY2(counted < 10,
             qPrintable(QStringLiteral("%1 of 20 samples counted our own threads").arg(counted)));

    // Another process that keeps a core busy is seen.
    QProcess busy;
    busy.start(QStringLiteral("/bin/sh"),
               {QStringLiteral("-c"), QStringLiteral("while :; do :; done")});
    QVERIFY(busy.waitForStarted());
    const std::vector<int> withTheirs = samples(20);
    busy.kill();
    busy.waitForFinished();
    QVERIFY2(*std::max_element(withTheirs.begin(), withTheirs.end()) >= 1,
             "a busy process was never counted");
    const auto seen =
        std::count_if(withTheirs.begin(), withTheirs.end(), [](int n) { return n >= 1; });
    QVERIFY2(seen >= 10, qPrintable(QStringLiteral("the busy process was counted in only %1 of 20 "
                                                   "samples")
                                        .arg(seen)));
}

QTEST_GUILESS_MAIN(TestCpuShare)
#include "tst_cpu_share.moc"
