#pragma once

#include <QCoreApplication>
#include <QFont>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QRgb>
#include <QString>

class QPainter;

namespace mnistx::ui
{

// The light layers the population map paints over its dots, in the widget
// and in exports alike: the current-sample marker, the title band, the
// rubber band or lasso being drawn, and the messages of an empty map.
// Coordinates are the painter's logical pixels; every function leaves the
// painter's state as it found it. GUI thread.
class MapOverlayPainter
{
    Q_DECLARE_TR_FUNCTIONS(MapOverlayPainter)
public:
    // The title's font: the body font, bold and a little larger.
    static QFont titleFont(const QFont& font);
    // "No run loaded" / "No samples match the filters." centred in the plot.
    static void paintNoRun(QPainter& painter, const QRectF& plotRect, const QFont& font);
    static void paintNoMatch(QPainter& painter, const QRectF& plotRect, const QFont& font);
    // The current sample: its dot (radius px, opaque colour), a white-haloed
    // black ring and four ticks, so it stands out in any colouring.
    static void paintCurrentMarker(QPainter& painter, const QPointF& at, qreal radius, QRgb color);
    // Title and (elided) subtitle in titleRect, on a translucent band so
    // panned dots under them do not make them unreadable.
    static void paintTitle(QPainter& painter, const QRectF& titleRect, const QFont& font,
                           const QString& title, const QString& subtitle);
    // The area being selected, in the selection rings' colour: a rectangle
    // from corner to corner, or the lasso's vertices closed at cursor.
    static void paintRubberBand(QPainter& painter, const QPointF& corner, const QPointF& cursor);
    static void paintLasso(QPainter& painter, const QPolygonF& lasso, const QPointF& cursor);
};

} // namespace mnistx::ui
