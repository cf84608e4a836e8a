#pragma once

#include "ui/map/map_view.h"

#include <QObject>
#include <QVariantAnimation>

namespace mnistx::ui
{

// A short eased transition between two views of the population map (framing
// a view's samples, centring one): the scale on a log scale (a zoom feels
// even), the centre linearly. Emits each step's scale and centre (the
// widget supplies its current plot rectangle), then the target. A child of
// the map; GUI thread.
class MapViewAnimation : public QObject
{
    Q_OBJECT
public:
    explicit MapViewAnimation(QObject* parent = nullptr);

    // Starts from `from` towards `to` (fitted: the target is the fitted
    // view, which the widget recomputes at the end); stops a running one.
    void start(const MapView& from, const MapView& to, bool fitted);
    // Stops where it is, without the jump to the end.
    void stop();
    bool isRunning() const { return m_animation.state() == QAbstractAnimation::Running; }

Q_SIGNALS:
    void stepped(double scale, const QPointF& center);
    void finished(const MapView& target, bool fitted);

private:
    QVariantAnimation m_animation; // 0 → 1 from m_from to m_to
    MapView m_from;
    MapView m_to;
    bool m_toFitted = false;
};

} // namespace mnistx::ui
