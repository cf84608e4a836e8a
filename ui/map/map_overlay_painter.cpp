#include "ui/map/map_overlay_painter.h"

#include "ui/map/map_style.h"

#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

void paintMessage(QPainter& p, const QRectF& plotRect, const QFont& font, const QString& text)
{
    p.save();
    p.setFont(font);
    p.setPen(QColor(0x80, 0x80, 0x80));
    p.drawText(plotRect, Qt::AlignCenter, text);
    p.restore();
}

// The selection being drawn gets the colour of the rings it will make.
void setSelectionStyle(QPainter& p)
{
    const QColor accent(mapstyle::selectionRingColor());
    QColor fill = accent;
    fill.setAlpha(28);
    p.setPen(QPen(accent, 1.2, Qt::DashLine));
    p.setBrush(fill);
}

} // namespace

QFont MapOverlayPainter::titleFont(const QFont& font)
{
    QFont f = font;
    f.setBold(true);
    f.setPixelSize(std::max(1, static_cast<int>(std::lround(f.pixelSize() * 1.15))));
    return f;
}

void MapOverlayPainter::paintNoRun(QPainter& p, const QRectF& plotRect, const QFont& font)
{
    paintMessage(p, plotRect, font, tr("No run loaded"));
}

void MapOverlayPainter::paintNoMatch(QPainter& p, const QRectF& plotRect, const QFont& font)
{
    paintMessage(p, plotRect, font, tr("No samples match the filters."));
}

void MapOverlayPainter::paintCurrentMarker(QPainter& p, const QPointF& s, qreal r, QRgb color)
{
    p.save();
    p.setPen(QPen(Qt::white, 1.0));
    p.setBrush(QColor(color));
    p.drawEllipse(s, r, r);
    const qreal ring = r + 4.0;
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(Qt::white, 4.0));
    p.drawEllipse(s, ring, ring);
    p.setPen(QPen(Qt::black, 2.0));
    p.drawEllipse(s, ring, ring);
    for (const QPointF d : {QPointF(1, 0), QPointF(-1, 0), QPointF(0, 1), QPointF(0, -1)}) {
        p.setPen(QPen(Qt::white, 4.0, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(s + d * (ring + 3.0), s + d * (ring + 9.0));
        p.setPen(QPen(Qt::black, 2.0, Qt::SolidLine, Qt::FlatCap));
        p.drawLine(s + d * (ring + 3.0), s + d * (ring + 9.0));
    }
    p.restore();
}

void MapOverlayPainter::paintTitle(QPainter& p, const QRectF& titleRect, const QFont& font,
                                   const QString& title, const QString& subtitleText)
{
    p.save();
    const QColor ink(0x20, 0x20, 0x20);
    const QFont bold = titleFont(font);
    const QFontMetricsF titleMetrics(bold);
    const QFontMetricsF bodyMetrics(font);
    const QString subtitle =
        bodyMetrics.elidedText(subtitleText, Qt::ElideRight, titleRect.width());
    const qreal textWidth =
        std::max(titleMetrics.horizontalAdvance(title), bodyMetrics.horizontalAdvance(subtitle));
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 220));
    p.drawRect(QRectF(titleRect.left() - 4, titleRect.top() - 4, textWidth + 8,
                      titleMetrics.height() + bodyMetrics.height() + 8));
    p.setFont(bold);
    p.setPen(ink);
    p.drawText(QRectF(titleRect.topLeft(), QSizeF(titleRect.width(), titleMetrics.height())),
               Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setFont(font);
    p.setPen(QColor(0x60, 0x60, 0x60));
    p.drawText(QRectF(titleRect.left(), titleRect.top() + titleMetrics.height(), titleRect.width(),
                      bodyMetrics.height()),
               Qt::AlignLeft | Qt::AlignVCenter, subtitle);
    p.restore();
}

void MapOverlayPainter::paintRubberBand(QPainter& p, const QPointF& corner, const QPointF& cursor)
{
    p.save();
    setSelectionStyle(p);
    p.drawRect(QRectF(corner, cursor).normalized());
    p.restore();
}

void MapOverlayPainter::paintLasso(QPainter& p, const QPolygonF& lasso, const QPointF& cursor)
{
    if (lasso.size() <= 1)
        return;
    p.save();
    setSelectionStyle(p);
    QPolygonF closed = lasso;
    closed << cursor;
    p.drawPolygon(closed);
    p.restore();
}

} // namespace mnistx::ui
