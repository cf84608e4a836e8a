#include "ui/why/confusion_matrix_canvas.h"

#include "ui/why/confusion_matrix_view.h"

#include <QEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

namespace mnistx::ui
{

ConfusionMatrixCanvas::ConfusionMatrixCanvas(ConfusionMatrixView* view)
    : QWidget(view), m_view(view)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    // Small enough to fit a short bottom dock whole (cells shrink and
    // drop their counts, see fitCellFont) rather than scroll out of sight.
    setMinimumSize(220, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

std::pair<int, int> ConfusionMatrixCanvas::cellAt(const QPointF& position) const
{
    return m_view->cellAt(position);
}

void ConfusionMatrixCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    // White in any theme: the cell colours and their text are chosen against it.
    painter.fillRect(rect(), Qt::white);
    m_view->paintMatrix(&painter, QRectF(rect()), false, m_hoverLabel, m_hoverPrediction);
    if (hasFocus() && m_focusLabel >= 0) {
        painter.setPen(QPen(palette().highlight().color(), 1, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(m_view->cellRect(m_focusLabel, m_focusPrediction).adjusted(2, 2, -2, -2));
    }
}

void ConfusionMatrixCanvas::mouseMoveEvent(QMouseEvent* event)
{
    const auto [label, prediction] = cellAt(event->position());
    if (label != m_hoverLabel || prediction != m_hoverPrediction) {
        m_hoverLabel = label;
        m_hoverPrediction = prediction;
        setCursor(label >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
        update();
    }
}

void ConfusionMatrixCanvas::leaveEvent(QEvent*)
{
    m_hoverLabel = m_hoverPrediction = -1;
    update();
}

void ConfusionMatrixCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const auto [label, prediction] = cellAt(event->position());
    if (label < 0)
        return;
    m_focusLabel = label;
    m_focusPrediction = prediction;
    m_view->activateCell(label, prediction);
}

void ConfusionMatrixCanvas::keyPressEvent(QKeyEvent* event)
{
    const int classes = m_view->classCount();
    if (classes == 0)
        return QWidget::keyPressEvent(event);
    if (m_focusLabel < 0)
        m_focusLabel = m_focusPrediction = 0;
    switch (event->key()) {
    case Qt::Key_Up:
        m_focusLabel = std::max(0, m_focusLabel - 1);
        break;
    case Qt::Key_Down:
        m_focusLabel = std::min(classes - 1, m_focusLabel + 1);
        break;
    case Qt::Key_Left:
        m_focusPrediction = std::max(0, m_focusPrediction - 1);
        break;
    case Qt::Key_Right:
        m_focusPrediction = std::min(classes - 1, m_focusPrediction + 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        m_view->activateCell(m_focusLabel, m_focusPrediction);
        break;
    default:
        return QWidget::keyPressEvent(event);
    }
    update();
}

bool ConfusionMatrixCanvas::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const auto [label, prediction] = cellAt(help->pos());
        const QRectF legend = m_view->legendRect();
        if (label >= 0)
            QToolTip::showText(help->globalPos(), m_view->cellDescription(label, prediction), this,
                               m_view->cellRect(label, prediction).toAlignedRect());
        else if (legend.contains(help->pos()))
            QToolTip::showText(help->globalPos(), m_view->legendDescription(), this,
                               legend.toAlignedRect());
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace mnistx::ui
