#include "ui/common/sample_format.h"

#include <cmath>

namespace mnistx::ui
{

namespace
{
// format(v) for a finite v; "–" otherwise (an undefined loss or probability
// of a sample the model could not score).
template <typename Format> QString ifFinite(double v, Format format)
{
    return std::isfinite(v) ? format(v) : QStringLiteral("–");
}
} // namespace

QString formatLoss(double loss)
{
    return ifFinite(loss, [](double v) {
        return std::abs(v) >= 0.01 ? QString::number(v, 'f', 2) : QString::number(v, 'g', 2);
    });
}

QString formatLossShort(double loss)
{
    return ifFinite(loss, [](double v) {
        return std::abs(v) >= 0.01 ? QString::number(v, 'f', 2) : QString::number(v, 'g', 1);
    });
}

QString formatLossFixed(double loss)
{
    return ifFinite(loss, [](double v) { return QString::number(v, 'f', 3); });
}

QString formatProbability(double p)
{
    return ifFinite(p, [](double v) {
        return v > 0.0 && v < 0.005 ? QStringLiteral("<1%") : formatPercent(v);
    });
}

QString formatProbabilityExact(double p)
{
    return ifFinite(p, [](double v) { return QString::number(v, 'f', 3); });
}

QString formatPercent(double fraction)
{
    return ifFinite(fraction,
                    [](double v) { return QStringLiteral("%1%").arg(std::lround(v * 100.0)); });
}

QString formatDistance(double distance)
{
    return ifFinite(distance, [](double v) { return QString::number(v, 'f', 2); });
}

} // namespace mnistx::ui
