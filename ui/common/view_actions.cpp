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

QAction* ViewActions::add(QWidget* view, const QString& text, const QString& tip,
                          const QKeySequence& key, std::function<void()> run, Condition enabled)
{
    return add(addViewAction(view, text, tip, key), std::move(run), std::move(enabled));
}

QAction* ViewActions::add(QAction* action, std::function<void()> run, Condition enabled)
{
    QObject::connect(action, &QAction::triggered, action, [run = std::move(run)] { run(); });
    m_actions.append(action);
    m_conditions.push_back(std::move(enabled));
    return action;
}

void ViewActions::update() const
{
    for (int i = 0; i < m_actions.size(); ++i)
        if (m_conditions[size_t(i)])
            m_actions[i]->setEnabled(m_conditions[size_t(i)]());
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
