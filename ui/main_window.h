#pragma once

#include "core/pipeline/command_line.h"

#include <QMainWindow>

namespace mnistx::ui {

// The explorer's main window. (Issue 4 fills in the panels.)
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const pipeline::CommandLine& commandLine, QWidget* parent = nullptr);

private:
    void createMenus();
    void showAbout();

    pipeline::CommandLine m_commandLine;
};

} // namespace mnistx::ui
