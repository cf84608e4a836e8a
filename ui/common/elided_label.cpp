#include "ui/common/elided_label.h"

#include <QResizeEvent>

namespace mnistx::ui
{

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent)
{
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void ElidedLabel::setFullText(const QString& text, const QString& explanation)
{
    m_full = text;
    setToolTip(text.isEmpty() || explanation.isEmpty()
                   ? text
                   : text + QStringLiteral("\n\n") + explanation);
    elide();
}

void ElidedLabel::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide()
{
    setText(fontMetrics().elidedText(m_full, Qt::ElideRight, contentsRect().width()));
}

} // namespace mnistx::ui
