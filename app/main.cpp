// mnist-explorer: parse the command line, then show the window or run headless.
#include "core/pipeline/command_line.h"
#include "core/pipeline/headless.h"
#include "ui/main_window.h"

#include <QApplication>

#include <atomic>
#include <csignal>
#include <iostream>

namespace {

std::atomic<bool> g_interrupted{false}; // set by SIGINT/SIGTERM in headless mode

void onSignal(int) { g_interrupted.store(true); }

int runHeadless(const mnistx::pipeline::CommandLine& cl)
{
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    try {
        mnistx::pipeline::runHeadless(cl.pipeline, std::cerr, &g_interrupted);
        return 0;
    } catch (const mnistx::pipeline::PipelineCancelled&) {
        std::cerr << "mnist-explorer: interrupted; nothing was stored\n";
        return 130;
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
        return runHeadless(cl);
    case mnistx::pipeline::CommandLine::Mode::Gui:
        break;
    }
    mnistx::pipeline::configureThreads(cl.pipeline.train.threads);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("MNIST Explorer"));
    QApplication::setOrganizationName(QStringLiteral("mnistx"));
    mnistx::ui::MainWindow window(cl);
    window.show();
    return app.exec();
}
