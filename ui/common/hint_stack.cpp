#include "ui/common/hint_stack.h"

#include <QLabel>

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

HintStack::HintStack(QWidget* content, QWidget* parent)
    : QStackedWidget(parent), m_hint(makeHintLabel(this))
{
    addWidget(m_hint);
    addWidget(content);
    setCurrentWidget(m_hint);
}

void HintStack::setHintText(const QString& text)
{
    m_hint->setText(text);
}

QString HintStack::hintText() const
{
    return m_hint->text();
}

void HintStack::showHint()
{
    setCurrentWidget(m_hint);
}

void HintStack::showHint(const QString& text)
{
    m_hint->setText(text);
    setCurrentWidget(m_hint);
}

void HintStack::showContent()
{
    setCurrentIndex(1);
}

void HintStack::setContentShown(bool content)
{
    if (content)
        showContent();
    else
        showHint();
}

bool HintStack::showsHint() const
{
    return currentWidget() == m_hint;
}

} // namespace mnistx::ui
