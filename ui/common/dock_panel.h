#pragma once

#include <QString>

class QDockWidget;
class QMainWindow;
class QWidget;

namespace mnistx::ui
{

// A dock for one of the window's panels, named objectName (saveState needs
// it). The panel sits in a frameless scroll area that resizes it to the dock
// whenever the dock is at least its minimum size and scrolls it otherwise:
// no panel's content (a long row of buttons, an unwrapped text) can make
// the dock, and with it the window, wider or taller than the user made it.
// The dock is created but not placed (addDockWidget is the caller's).
QDockWidget* makeDockPanel(QMainWindow* window, QWidget* panel, const QString& title,
                           const QString& objectName);

// The panel inside a dock made by makeDockPanel (or the dock's widget).
QWidget* dockPanel(const QDockWidget* dock);

} // namespace mnistx::ui
