#include "ui/common/hint_stack.h"

#include <QLabel>
#include <QStackedWidget>

namespace mnistx::ui
{

QLabel* makeHintLabel(QWidget* parent)
{
    auto* hint = new QLabel(parent);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    // Room around the words: a hint reads as a note on an empty view, not as
    // content squeezed into its corner.
    hint->setMargin(24);
    hint->setStyleSheet(QStringLiteral("color: #666;"));
    return hint;
}

QStackedWidget* makeHintStack(QWidget* parent, QLabel* hint, QWidget* content)
{
    auto* stack = new QStackedWidget(parent);
    stack->addWidget(hint);
    stack->addWidget(content);
    return stack;
}

} // namespace mnistx::ui
