#include "ui/main_window.h"

#include "core/pipeline/pipeline.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace mnistx::ui {

MainWindow::MainWindow(const pipeline::CommandLine& commandLine, QWidget* parent)
    : QMainWindow(parent), m_commandLine(commandLine)
{
    setWindowTitle(tr("MNIST Explorer"));
    resize(1280, 800);
    auto* placeholder = new QLabel(tr("Data folder: %1").arg(QString::fromStdString(
                                       m_commandLine.pipeline.dataFolder)),
                                   this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    createMenus();
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About MNIST Explorer"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QString text = tr("<b>MNIST Explorer</b><br>Error analysis of an MNIST classifier.<br><br>");
    for (const auto& [name, version] : pipeline::libraryVersions())
        text += QString::fromStdString(name) + ": " + QString::fromStdString(version) + "<br>";
    text += QStringLiteral("Qt: ") + QString::fromLatin1(qVersion());
    QMessageBox::about(this, tr("About MNIST Explorer"), text);
}

} // namespace mnistx::ui
