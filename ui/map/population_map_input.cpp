// PopulationMap's input: mouse (pick, hover, rubber band, lasso, legend
// clicks), wheel (zoom; scrolling a long legend), keyboard and resizing.
#include "ui/explorer_session.h"
#include "ui/map/map_style.h"
#include "ui/map/map_tooltip.h"
#include "ui/map/population_map.h"

#include <QApplication>
#include <QKeyEvent>
#include <QLineF>
#include <QMouseEvent>
#include <QScopedValueRollback>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

namespace mnistx::ui
{

namespace
{
constexpr double kWheelZoomPerNotch = 1.25; // one wheel notch (120 units = 15°)
constexpr int kLegendRowsPerNotch = 3;      // legend rows one wheel notch scrolls
constexpr double kKeyZoom = 1.25;
constexpr qreal kLassoStep = 2.0; // px between recorded lasso vertices: smooth, few edges
} // namespace

// ---------------------------------------------------------------- events

void PopulationMap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void PopulationMap::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        relayout();
}

void PopulationMap::setHovered(int id, const QPoint& globalPos)
{
    if (id == m_hovered)
        return;
    m_hovered = id;
    if (id >= 0) {
        const QPoint s = mapToScreen(id).toPoint();
        // The tooltip closes when the mouse leaves the dot.
        const int reach =
            static_cast<int>(std::ceil(mapstyle::kMaxDotRadius + mapstyle::kPickSlack));
        QToolTip::showText(globalPos, tooltipHtml(id), this,
                           QRect(s - QPoint(reach, reach), QSize(2 * reach + 1, 2 * reach + 1)));
    } else {
        QToolTip::hideText();
    }
    Q_EMIT hoveredChanged(id);
}

void PopulationMap::mousePressEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    m_pressPos = m_lastPos = pos;
    m_dragMode = DragMode::None;
    stopAnimation(); // the user takes the view over
    if (event->button() == Qt::LeftButton) {
        const int entry = m_legend.entryAt(pos);
        if (entry >= 0) {
            setEntryHidden(entry, !isEntryHidden(entry));
            return;
        }
        if (m_legend.boundingRect().contains(pos))
            return; // the legend's titles and size examples do nothing
        const Qt::KeyboardModifiers mods = event->modifiers();
        if (mods & Qt::ShiftModifier) {
            m_dragMode = DragMode::RubberBand;
        } else if (mods & (Qt::ControlModifier | Qt::AltModifier)) {
            m_dragMode = DragMode::Lasso;
            m_lasso = QPolygonF{pos};
        } else {
            m_dragMode = DragMode::PendingClick;
        }
    } else if (event->button() == Qt::MiddleButton) {
        m_dragMode = DragMode::Pan;
    } else {
        QWidget::mousePressEvent(event);
        return;
    }
    setHovered(-1, {});
}

void PopulationMap::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    switch (m_dragMode) {
    case DragMode::PendingClick:
        // m_lastPos stays at the press until the drag starts: the pan then
        // moves the map by the whole way the mouse went.
        if ((pos - m_pressPos).manhattanLength() < QApplication::startDragDistance())
            return;
        m_dragMode = DragMode::Pan;
        [[fallthrough]];
    case DragMode::Pan: {
        MapView v = m_view;
        v.center.rx() -= (pos.x() - m_lastPos.x()) / v.scale;
        v.center.ry() += (pos.y() - m_lastPos.y()) / v.scale;
        setView(v, false);
        break;
    }
    case DragMode::RubberBand:
        update();
        break;
    case DragMode::Lasso:
        if (QLineF(m_lasso.last(), pos).length() >= kLassoStep)
            m_lasso << pos;
        update();
        break;
    case DragMode::None: {
        const int entry = m_legend.entryAt(pos);
        if (entry >= 0) {
            setHovered(-1, {});
            QToolTip::showText(event->globalPosition().toPoint(),
                               MapTooltip::legendEntryText(m_legend.entries()[entry]), this,
                               m_legend.entryRect(entry).toAlignedRect());
        } else {
            setHovered(m_legend.boundingRect().contains(pos) ? -1 : pickAt(pos),
                       event->globalPosition().toPoint());
        }
        break;
    }
    }
    m_lastPos = pos;
}

void PopulationMap::mouseReleaseEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    m_lastPos = pos;
    const DragMode mode = m_dragMode;
    m_dragMode = DragMode::None;
    switch (mode) {
    case DragMode::PendingClick: {
        const int id = pickAt(pos);
        if (id >= 0)
            m_session->setCurrent(id);
        break;
    }
    case DragMode::RubberBand: {
        const QRectF band = QRectF(m_pressPos, pos).normalized();
        if (band.width() >= 1 || band.height() >= 1) {
            const QVector<int> ids = samplesInRect(band);
            const QScopedValueRollback<bool> own(m_selectingItself, true);
            m_session->setSelection(ids, tr("Rectangle on the map"));
        }
        break;
    }
    case DragMode::Lasso: {
        if (m_lasso.last() != pos)
            m_lasso << pos;
        if (m_lasso.size() >= 3) {
            const QVector<int> ids = samplesInPolygon(m_lasso);
            const QScopedValueRollback<bool> own(m_selectingItself, true);
            m_session->setSelection(ids, tr("Lasso on the map"));
        }
        m_lasso.clear();
        break;
    }
    case DragMode::Pan:
    case DragMode::None:
        break;
    }
    update();
}

void PopulationMap::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        const int entry = m_legend.entryAt(event->position());
        if (entry >= 0) {
            isolateEntry(entry);
            return;
        }
    }
    mousePressEvent(event); // elsewhere a double-click is a second click
}

void PopulationMap::wheelEvent(QWheelEvent* event)
{
    double notches = event->angleDelta().y() / 120.0;
    if (notches == 0.0 && !event->pixelDelta().isNull())
        notches = event->pixelDelta().y() / 50.0; // touchpads: ~50 px per notch-like step
    if (notches == 0.0) {
        event->ignore();
        return;
    }
    // Over a legend with more entries than room, the wheel scrolls its rows.
    if (m_legend.isScrollable() && m_legend.boundingRect().contains(event->position())) {
        if (m_legend.scrollBy(notches > 0 ? -kLegendRowsPerNotch : kLegendRowsPerNotch))
            update();
        event->accept();
        return;
    }
    zoomBy(std::pow(kWheelZoomPerNotch, notches), event->position());
    event->accept();
}

void PopulationMap::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Home:
    case Qt::Key_R:
        resetView();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(kKeyZoom, m_view.plotRect.center());
        break;
    case Qt::Key_Minus:
        zoomBy(1.0 / kKeyZoom, m_view.plotRect.center());
        break;
    case Qt::Key_Escape:
        if (m_dragMode != DragMode::None) {
            m_dragMode = DragMode::None;
            m_lasso.clear();
            update();
            break;
        }
        [[fallthrough]];
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void PopulationMap::leaveEvent(QEvent* event)
{
    setHovered(-1, {});
    QWidget::leaveEvent(event);
}

} // namespace mnistx::ui
