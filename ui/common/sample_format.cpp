#include "ui/common/sample_format.h"

#include <cmath>

namespace mnistx::ui
{

namespace
{
const QString kUndefined = QStringLiteral("–");
} // namespace

QString formatLoss(double loss)
{
    if (!std::isfinite(loss))
        return kUndefined;
    return std::abs(loss) >= 0.01 ? QString::number(loss, 'f', 2) : QString::number(loss, 'g', 2);
}

QString formatLossShort(double loss)
{
    if (!std::isfinite(loss))
        return kUndefined;
    return std::abs(loss) >= 0.01 ? QString::number(loss, 'f', 2) : QString::number(loss, 'g', 1);
}

QString formatLossFixed(double loss)
{
    if (!std::isfinite(loss))
        return kUndefined;
    return QString::number(loss, 'f', 3);
}

QString formatProbability(double p)
{
    if (!std::isfinite(p))
        return kUndefined;
    if (p > 0.0 && p < 0.005)
        return QStringLiteral("<1%");
    return formatPercent(p);
}

QString formatProbabilityExact(double p)
{
    if (!std::isfinite(p))
        return kUndefined;
    return QString::number(p, 'f', 3);
}

QString formatPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return kUndefined;
    return QStringLiteral("%1%").arg(std::lround(fraction * 100.0));
}

QString formatDistance(double distance)
{
    if (!std::isfinite(distance))
        return kUndefined;
    return QString::number(distance, 'f', 2);
}

} // namespace mnistx::ui
