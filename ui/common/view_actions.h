#pragma once

#include <QKeySequence>
#include <QList>
#include <QString>

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

} // namespace mnistx::ui
