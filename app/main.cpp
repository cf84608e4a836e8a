// mnist-explorer: parse the command line, then show the window or run headless.
#include "core/pipeline/command_line.h"
#include "core/pipeline/headless.h"
#include "core/query/stored_query.h"
#include "ui/export/headless_plots.h"
#include "ui/export/run_report.h"
#include "ui/main_window.h"
#include "ui/workers/run_controller.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>

namespace
{

std::atomic<bool> g_interrupted{false}; // set by SIGINT/SIGTERM

void onSignal(int)
{
    g_interrupted.store(true);
}

// SIGINT (Ctrl+C in the terminal) and SIGTERM (logout, kill) only set
// g_interrupted; each mode stops its work cleanly when it sees it.
void catchInterrupts()
{
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

int runHeadless(const mnistx::pipeline::CommandLine& cl, int argc, char** argv)
{
    catchInterrupts();
    try {
        mnistx::pipeline::HeadlessOutputs outputs;
        const auto run =
            mnistx::pipeline::runHeadless(cl.pipeline, std::cerr, &g_interrupted, &outputs);
        // The plots are drawn by the same widgets as in the window, on Qt's
        // offscreen platform: no display needed.
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        std::cerr << "[plots]\n";
        const QString out = QString::fromStdString(cl.pipeline.outDir);
        mnistx::ui::writeHeadlessPlots(*run, nullptr, out);
        std::cerr << "plots written to " << cl.pipeline.outDir << " (embedding_train, "
                  << (run->train.scored ? "embedding_validation, loss_vs_distance"
                                        : "embedding_validation")
                  << ": .png and .svg)\n";
        std::cerr << "[report]\n";
        const QString report = QDir(out).filePath(QStringLiteral("report.html"));
        mnistx::ui::writeRunReport({run, outputs.images, outputs.why.candidateList,
                                    outputs.why.insightList,
                                    QFileInfo(QDir::cleanPath(out)).fileName()},
                                   report);
        std::cerr << "report written to " << report.toStdString() << '\n';
        return 0;
    } catch (const mnistx::pipeline::PipelineCancelled&) {
        std::cerr << "mnist-explorer: interrupted; nothing was stored\n";
        return 130;
    } catch (const std::exception& e) {
        std::cerr << "mnist-explorer: " << e.what() << '\n';
        return 1;
    }
}

// --compare A B --out DIR: compare.csv and compare.json (core), then the
// map (drawn by the window's code on the offscreen platform).
int runCompare(const mnistx::pipeline::CommandLine& cl, int argc, char** argv)
{
    try {
        const std::string& out = cl.pipeline.outDir;
        const auto stored =
            mnistx::compare::compareStoredRuns(cl.compareRuns[0], cl.compareRuns[1], out);
        const mnistx::compare::RunComparison& c = stored.comparison;
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        const QString nameB =
            QFileInfo(QDir::cleanPath(QString::fromStdString(cl.compareRuns[1]))).fileName();
        mnistx::ui::writeComparisonMap(
            *stored.runB, c, nameB,
            QDir(QString::fromStdString(out)).filePath(QStringLiteral("compare_map.png")));
        std::cerr << "A " << cl.compareRuns[0] << " → B " << cl.compareRuns[1] << ": "
                  << c.overall.fixed << " fixed, " << c.overall.broken << " broken, "
                  << c.overall.bothWrong << " wrong in both, " << c.overall.bothRight
                  << " right in both; validation accuracy " << c.validationAccuracyA << " → "
                  << c.validationAccuracyB << "\nwritten to " << out
                  << " (compare.csv, compare.json, compare_map.png)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "mnist-explorer: " << e.what() << '\n';
        return 1;
    }
}

// The characters of text's first `bytes` bytes (UTF-8), for a caret under
// the token an error is about.
std::size_t columnsOf(const std::string& text, int bytes)
{
    std::size_t columns = 0;
    for (int i = 0; i < bytes && i < static_cast<int>(text.size()); ++i)
        if ((static_cast<unsigned char>(text[static_cast<std::size_t>(i)]) & 0xC0) != 0x80)
            ++columns;
    return columns;
}

// --run DIR --query EXPR --out FILE.csv: the matching samples as a table.
int runQuery(const mnistx::pipeline::CommandLine& cl)
{
    try {
        const auto result =
            mnistx::query::writeStoredQuery(cl.runDir, cl.query, cl.pipeline.outDir);
        if (!result.metadataProblem.empty())
            std::cerr << "mnist-explorer: note: metadata.csv not used: " << result.metadataProblem
                      << '\n';
        std::cerr << result.matched << " of " << result.sampleCount << " samples match; written to "
                  << cl.pipeline.outDir << '\n';
        return 0;
    } catch (const mnistx::query::QueryError& e) {
        // The expression with a caret under the token.
        const std::size_t at = columnsOf(cl.query, e.offset());
        const std::size_t width =
            std::max<std::size_t>(1, columnsOf(cl.query, e.offset() + e.length()) - at);
        std::cerr << "mnist-explorer: --query: " << e.what() << "\n  " << cl.query << "\n  "
                  << std::string(at, ' ') << std::string(width, '^') << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "mnist-explorer: " << e.what() << '\n';
        return 1;
    }
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    mnistx::pipeline::CommandLine cl;
    try {
        cl = mnistx::pipeline::parseCommandLine(args);
    } catch (const std::exception& e) {
        std::cerr << "mnist-explorer: " << e.what() << '\n';
        return 2;
    }
    switch (cl.mode) {
    case mnistx::pipeline::CommandLine::Mode::Help:
        std::cout << mnistx::pipeline::usageText("mnist-explorer");
        return 0;
    case mnistx::pipeline::CommandLine::Mode::Version:
        for (const auto& [name, version] : mnistx::pipeline::libraryVersions())
            std::cout << name << ' ' << version << '\n';
        return 0;
    case mnistx::pipeline::CommandLine::Mode::Headless:
        mnistx::pipeline::configureThreads(cl.pipeline.train.threads);
        return runHeadless(cl, argc, argv);
    case mnistx::pipeline::CommandLine::Mode::Compare:
        return runCompare(cl, argc, argv);
    case mnistx::pipeline::CommandLine::Mode::Query:
        return runQuery(cl);
    case mnistx::pipeline::CommandLine::Mode::Gui:
        break;
    }
    mnistx::pipeline::configureThreads(cl.pipeline.train.threads);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MNIST Explorer"));
    QApplication::setOrganizationName(QStringLiteral("mnistx"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/mnist-explorer.svg")));
    mnistx::ui::MainWindow window(cl);

    // The stages on standard error, as the headless mode writes them ("[train]"),
    // for whoever started the window from a terminal.
    QObject::connect(window.controller()->worker(), &mnistx::ui::PipelineWorker::stageChanged,
                     &window, [last = QString()](const QString& stage, double) mutable {
                         if (stage == last)
                             return;
                         last = stage;
                         std::cerr << '[' << stage.toStdString() << "]\n";
                     });

    // SIGINT (Ctrl+C in that terminal) and SIGTERM (logout, kill) close the
    // window as its close button does: the job is cancelled within a batch,
    // the layout is saved, nothing is half-written. A handler may only set a
    // flag; the GUI thread looks at it ten times a second, often enough for a
    // person and nothing for the CPU. quit() also leaves an open dialog's loop.
    catchInterrupts();
    QTimer signalPoll;
    QObject::connect(&signalPoll, &QTimer::timeout, &app, [] {
        if (!g_interrupted.load())
            return;
        QApplication::closeAllWindows();
        QApplication::quit();
    });
    signalPoll.start(100);

    window.show();
    window.start();
    return app.exec();
}
