#include "ui/why/heat_map_style.h"

#include <algorithm>
#include <cmath>

namespace mnistx::ui::heatmap
{

QColor sequentialColor(double t)
{
    t = std::clamp(t, 0.0, 1.0) * 3.0;
    const int i = std::min(2, static_cast<int>(t));
    const double f = t - i;
    const QColor& a = kSequential[i];
    const QColor& b = kSequential[i + 1];
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QRgb composite(float value, const HeatMapPanel::Scale& scale, double opacity, int base)
{
    const double range = std::max(1e-20, static_cast<double>(scale.hi));
    double t = std::clamp(static_cast<double>(value) / range, scale.signedScale ? -1.0 : 0.0, 1.0);
    QColor heat;
    double weight;
    if (scale.signedScale) {
        heat = t >= 0.0 ? kPositive : kNegative;
        weight = std::abs(t);
    } else {
        heat = sequentialColor(t);
        weight = std::min(1.0, 3.0 * t); // opaque from a third up: the ramp's hues carry the rest
    }
    const double w = std::clamp(weight * opacity, 0.0, 1.0);
    const auto mix = [&](int c) { return static_cast<int>(std::lround(base * (1.0 - w) + c * w)); };
    return qRgb(mix(heat.red()), mix(heat.green()), mix(heat.blue()));
}

QString formatValue(double v)
{
    if (v == 0.0)
        return QStringLiteral("0");
    const double a = std::abs(v);
    QString text =
        a >= 0.01 && a < 1000.0 ? QString::number(v, 'g', 2) : QString::number(v, 'e', 1);
    return text.replace(QLatin1Char('-'), QChar(0x2212)); // a real minus sign
}

HeatMapPanel::Scale scaleOver(const std::vector<const std::vector<float>*>& maps, bool signedScale)
{
    std::vector<float> magnitudes;
    for (const auto* m : maps)
        for (float v : *m)
            magnitudes.push_back(std::abs(v));
    HeatMapPanel::Scale s;
    s.signedScale = signedScale;
    if (magnitudes.empty())
        return s;
    const auto k = static_cast<std::size_t>(kSaturationQuantile * (magnitudes.size() - 1));
    std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(k),
                     magnitudes.end());
    const float q = magnitudes[k];
    const float top =
        *std::max_element(magnitudes.begin() + static_cast<std::ptrdiff_t>(k), magnitudes.end());
    s.hi = q > 0.0f ? q : top;
    s.lo = signedScale ? -s.hi : 0.0f;
    s.clipped = top > s.hi;
    return s;
}

} // namespace mnistx::ui::heatmap
