#include "ui/common/view_actions.h"

#include <QAction>
#include <QToolBar>
#include <QWidget>

namespace mnistx::ui
{

QAction* addViewAction(QWidget* view, const QString& text, const QString& tip,
                       const QKeySequence& key)
{
    auto* a = new QAction(text, view);
    a->setToolTip(tip);
    a->setStatusTip(tip);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view->addAction(a);
    return a;
}

QToolBar* actionButtonRow(QWidget* parent, const QList<QAction*>& actions)
{
    auto* bar = new QToolBar(parent);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->setFloatable(false);
    bar->setMovable(false);
    bar->addActions(actions);
    // Buttons that look like buttons, as QToolButtons in a layout did.
    for (QAction* a : actions)
        if (QWidget* button = bar->widgetForAction(a))
            button->setProperty("autoRaise", false);
    return bar;
}

} // namespace mnistx::ui
