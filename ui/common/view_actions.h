#pragma once

#include <QKeySequence>
#include <QList>
#include <QString>
#include <functional>
#include <vector>

class QAction;
class QToolBar;
class QWidget;

namespace mnistx::ui
{

// The actions of a panel's list or table: an action owned by and added to
// view (its context menu, with Qt::ActionsContextMenu), the tip as tool and
// status tip, the shortcut only while the focus is in the view's window
// part (no clash with the window's own keys).
QAction* addViewAction(QWidget* view, const QString& text, const QString& tip,
                       const QKeySequence& key = {});

// A row of buttons for actions, left-aligned, for under the view: a tool
// bar, so that in a narrow dock the buttons that do not fit move into its
// "»" menu instead of being cut off.
QToolBar* actionButtonRow(QWidget* parent, const QList<QAction*>& actions);

// A panel's actions, each made together with what it does and when it is
// enabled, so that the panel keeps one list instead of a member per action
// and a hand-written enable function. update() applies every condition:
// call it when the selection, the run or the folder changes. The actions are
// owned by their view (or whoever made them); this only lists them. GUI
// thread only.
class ViewActions
{
public:
    using Condition = std::function<bool()>;

    // addViewAction(view, text, tip, key) that runs `run` when triggered and
    // is enabled while `enabled` holds (always, when it is empty).
    QAction* add(QWidget* view, const QString& text, const QString& tip, const QKeySequence& key,
                 std::function<void()> run, Condition enabled = {});
    // An action made elsewhere (one with a window-wide shortcut, say), kept
    // in the list and enabled by its condition.
    QAction* add(QAction* action, std::function<void()> run, Condition enabled = {});

    void update() const;
    // In the order they were added (the button row, the context menu).
    const QList<QAction*>& all() const { return m_actions; }

private:
    QList<QAction*> m_actions;
    std::vector<Condition> m_conditions;
};

} // namespace mnistx::ui
