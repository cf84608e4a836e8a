#include "ui/map/map_view_animation.h"

#include <QSignalBlocker>
#include <cmath>

namespace mnistx::ui
{

namespace
{

// Long enough to follow where the map went, short enough not to wait for
// (Qt's own view transitions take 150–300 ms).
constexpr int kFrameAnimationMs = 250;

} // namespace

MapViewAnimation::MapViewAnimation(QObject* parent) : QObject(parent)
{
    m_animation.setDuration(kFrameAnimationMs);
    m_animation.setStartValue(0.0);
    m_animation.setEndValue(1.0);
    m_animation.setEasingCurve(QEasingCurve::InOutCubic);
    connect(&m_animation, &QVariantAnimation::valueChanged, this, [this](const QVariant& value) {
        if (m_animation.state() != QAbstractAnimation::Running)
            return; // the final value comes with finished()
        const double t = value.toDouble();
        Q_EMIT stepped(m_from.scale * std::pow(m_to.scale / m_from.scale, t),
                       m_from.center + (m_to.center - m_from.center) * t);
    });
    connect(&m_animation, &QVariantAnimation::finished, this,
            [this] { Q_EMIT finished(m_to, m_toFitted); });
}

void MapViewAnimation::start(const MapView& from, const MapView& to, bool fitted)
{
    stop();
    m_from = from;
    m_to = to;
    m_toFitted = fitted;
    m_animation.start();
}

void MapViewAnimation::stop()
{
    if (m_animation.state() != QAbstractAnimation::Stopped) {
        const QSignalBlocker block(m_animation); // no jump to the end
        m_animation.stop();
    }
}

} // namespace mnistx::ui
