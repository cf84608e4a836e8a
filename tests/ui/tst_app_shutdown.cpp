// The application as a process, the way a person ends it: SIGTERM (logout,
// kill) or SIGINT (Ctrl+C in the terminal it was started from) while the
// window trains or projects closes it like its close button. The whole
// process is gone within 2 s with exit code 0 (in the sanitizer build that
// includes LeakSanitizer's check at exit, which fails the exit code on a
// leak), and the run folder holds a whole run or none, never half of one.
// The headless mode stops on the same signals with its own message.

#include "../common/idx_test_files.h"
#include "../common/store_temporaries.h"
#include "../common/timing_budget.h"
#include "../core/mnist_fixture.h"
#include "core/store/run_store.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <sys/types.h>

using namespace mnistx;

namespace
{

// Reads the process's standard error into `log` until it holds `text`;
// false when the process ends or the time runs out first.
bool waitForText(QProcess& process, QByteArray& log, const QByteArray& text, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!log.contains(text)) {
        if (process.state() == QProcess::NotRunning || clock.elapsed() > timeoutMs)
            return false;
        process.waitForReadyRead(100);
        log += process.readAllStandardError();
    }
    return true;
}

// Sends `signal` to the process and waits for it to end; the milliseconds it
// took, or -1 when it did not end within a minute. The rest of its standard
// error goes into `log`.
qint64 signalAndWait(QProcess& process, int signal, QByteArray& log)
{
    QElapsedTimer clock;
    clock.start();
    if (::kill(static_cast<pid_t>(process.processId()), signal) != 0 ||
        !process.waitForFinished(60000))
        return -1;
    const qint64 ms = clock.elapsed();
    log += process.readAllStandardError();
    return ms;
}

} // namespace

class TestAppShutdown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void signalEndsTheWindowPromptly_data();
    void signalEndsTheWindowPromptly();
    void signalInterruptsHeadlessMode();

private:
    void startApp(QProcess& process, const QStringList& args, const QString& configHome) const;
    QTemporaryDir m_data;
};

void TestAppShutdown::initTestCase()
{
    MNISTX_REQUIRE_MNIST(mnist);
    QVERIFY(QFileInfo(QStringLiteral(MNISTX_APP_PATH)).isExecutable());
    testing::writeMnistSubset(*mnist, 3000, 500, m_data.path().toStdString());
}

void TestAppShutdown::startApp(QProcess& process, const QStringList& args,
                               const QString& configHome) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // The window's settings (layout, recent folders) go to a folder of the test's.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
    process.setProcessEnvironment(env);
    process.setReadChannel(QProcess::StandardError);
    process.start(QStringLiteral(MNISTX_APP_PATH),
                  QStringList{QStringLiteral("--data"), m_data.path()} + args);
}

void TestAppShutdown::signalEndsTheWindowPromptly_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("stage"); // sent once the app logs "[stage]"
    QTest::addColumn<int>("epochs");
    QTest::newRow("SIGTERM during training") << int(SIGTERM) << "train" << 50;
    QTest::newRow("SIGINT during training") << int(SIGINT) << "train" << 50;
    QTest::newRow("SIGTERM during the projection") << int(SIGTERM) << "project" << 1;
}

void TestAppShutdown::signalEndsTheWindowPromptly()
{
    QFETCH(int, signal);
    QFETCH(QString, stage);
    QFETCH(int, epochs);
    QTemporaryDir home;
    const QString out = home.filePath(QStringLiteral("run"));
    QProcess app;
    startApp(app,
             {QStringLiteral("--out"), out, QStringLiteral("--epochs"), QString::number(epochs)},
             home.filePath(QStringLiteral("config")));
    QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));
    QByteArray log;
    const QByteArray marker = '[' + stage.toUtf8() + ']';
    QVERIFY2(waitForText(app, log, marker, 300000), log.constData());

    const qint64 ms = signalAndWait(app, signal, log);
    QVERIFY2(ms >= 0, "the process did not exit");
    qInfo("%s: the process exited %lld ms after the signal", QTest::currentDataTag(), ms);

    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QVERIFY2(app.exitCode() == 0, log.constData());
    QVERIFY2(!log.contains("Sanitizer"), log.constData());
    QVERIFY2(ms < 2000 * test::kTimingBudgetFactor, qPrintable(QString::number(ms)));
    QVERIFY2(test::storeTemporaries(out).isEmpty(),
             qPrintable(test::storeTemporaries(out).join(QLatin1Char(' '))));
    if (stage == QLatin1String("train")) {
        QVERIFY(!store::hasRun(out.toStdString())); // cancelled before anything was stored
    } else if (store::hasRun(out.toStdString())) {
        // The projection may have ended just before the signal: then the run
        // that was stored is whole.
        QCOMPARE(store::loadRun(out.toStdString()).trainCount, 3000);
    }
}

void TestAppShutdown::signalInterruptsHeadlessMode()
{
    QTemporaryDir home;
    const QString out = home.filePath(QStringLiteral("run"));
    QProcess app;
    startApp(app,
             {QStringLiteral("--headless"), QStringLiteral("--out"), out,
              QStringLiteral("--epochs"), QStringLiteral("50")},
             home.filePath(QStringLiteral("config")));
    QVERIFY2(app.waitForStarted(10000), qPrintable(app.errorString()));
    QByteArray log;
    QVERIFY2(waitForText(app, log, "[train]", 300000), log.constData());
    QTest::qWait(500); // into the batches
    const qint64 ms = signalAndWait(app, SIGINT, log);
    QVERIFY2(ms >= 0, "the process did not exit");
    qInfo("headless: the process exited %lld ms after SIGINT", ms);
    QCOMPARE(app.exitCode(), 130); // the shell's code for "ended by SIGINT"
    QVERIFY2(log.contains("interrupted; nothing was stored"), log.constData());
    QVERIFY2(ms < 2000 * test::kTimingBudgetFactor, qPrintable(QString::number(ms)));
    QVERIFY(!store::hasRun(out.toStdString()));
    QVERIFY(test::storeTemporaries(out).isEmpty());
}

QTEST_GUILESS_MAIN(TestAppShutdown)
#include "tst_app_shutdown.moc"
