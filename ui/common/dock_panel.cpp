#include "ui/common/dock_panel.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QScrollArea>

namespace mnistx::ui
{

QDockWidget* makeDockPanel(QMainWindow* window, QWidget* panel, const QString& title,
                           const QString& objectName)
{
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(objectName);
    auto* scroll = new QScrollArea(dock);
    scroll->setObjectName(objectName + QStringLiteral("Scroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(panel);
    // Keyboard focus given to the dock's widget (Analyse menu, shortcuts)
    // lands on the panel itself.
    scroll->setFocusProxy(panel);
    dock->setWidget(scroll);
    return dock;
}

QWidget* dockPanel(const QDockWidget* dock)
{
    if (!dock)
        return nullptr;
    if (auto* scroll = qobject_cast<QScrollArea*>(dock->widget()))
        return scroll->widget();
    return dock->widget();
}

} // namespace mnistx::ui
