#include "ui/why/heat_map_canvas.h"

#include "ui/why/heat_map_painter.h"
#include "ui/why/heat_map_panel.h"
#include "ui/why/heat_map_style.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

namespace mnistx::ui
{

HeatMapCanvas::HeatMapCanvas(HeatMapPanel* panel) : QWidget(panel), m_panel(panel)
{
    setMinimumSize(240, 260);
    setCursor(Qt::PointingHandCursor);
}

void HeatMapCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    HeatMapPainter(*m_panel).paint(painter, QRectF(rect()).adjusted(6, 6, -6, -6), font(),
                                   m_panel->m_computingVisible);
}

void HeatMapCanvas::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    const int tile = m_panel->tileAt(event->position());
    if (tile != heatmap::kNoTile)
        m_panel->clickTile(tile);
}

bool HeatMapCanvas::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = m_panel->toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace mnistx::ui
