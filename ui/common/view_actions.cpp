#include "ui/common/view_actions.h"

#include <QAction>
#include <QHBoxLayout>
#include <QToolButton>
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

QHBoxLayout* actionButtonRow(QWidget* parent, const QList<QAction*>& actions)
{
    auto* row = new QHBoxLayout;
    for (QAction* a : actions) {
        auto* b = new QToolButton(parent);
        b->setDefaultAction(a);
        row->addWidget(b);
    }
    row->addStretch(1);
    return row;
}

} // namespace mnistx::ui
