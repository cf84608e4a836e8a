#include "ui/why/confusion_color_scale.h"

#include <algorithm>
#include <cmath>

namespace mnistx::ui
{

namespace
{

QColor mix(const QColor& a, const QColor& b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

} // namespace

ConfusionColorScale ConfusionColorScale::ofErrors(const MatrixXi64& confusion, bool rowShares)
{
    ConfusionColorScale scale;
    const auto classes = std::min(confusion.rows(), confusion.cols());
    for (Eigen::Index r = 0; r < classes; ++r) {
        const double row = static_cast<double>(confusion.row(r).sum());
        for (Eigen::Index c = 0; c < classes; ++c) {
            const double count = static_cast<double>(confusion(r, c));
            const double v = rowShares ? (row > 0 ? count / row : 0.0) : count;
            if (r == c || v <= 0)
                continue;
            scale.smallest = scale.smallest > 0 ? std::min(scale.smallest, v) : v;
            scale.largest = std::max(scale.largest, v);
        }
    }
    return scale;
}

double ConfusionColorScale::position(double v) const
{
    // log(1 + x / smallest): the rarest error is visible and a few large
    // confusions do not wash the rest out.
    if (!(largest > 0) || !(v > 0))
        return 0.0;
    return std::log1p(v / smallest) / std::log1p(largest / smallest);
}

double ConfusionColorScale::valueAt(double t) const
{
    return largest > 0 ? smallest * std::expm1(t * std::log1p(largest / smallest)) : 0.0;
}

QColor ConfusionColorScale::errorColor(double t)
{
    static const QColor stops[] = {QColor(0xfe, 0xe0, 0xb6), QColor(0xfc, 0x8d, 0x59),
                                   QColor(0xb3, 0x00, 0x00)};
    return t < 0.5 ? mix(stops[0], stops[1], t * 2.0) : mix(stops[1], stops[2], t * 2.0 - 1.0);
}

QColor ConfusionColorScale::diagonalColor(double accuracy)
{
    return mix(QColor(0xe5, 0xf5, 0xe0), QColor(0x74, 0xc4, 0x76), (accuracy - 0.5) / 0.5);
}

QColor ConfusionColorScale::textColorOn(const QColor& background)
{
    const auto channel = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    const double luminance = 0.2126 * channel(background.redF()) +
                             0.7152 * channel(background.greenF()) +
                             0.0722 * channel(background.blueF());
    // Crossover where both contrasts are equal (≈ 0.18).
    return luminance > 0.179 ? QColor(0x21, 0x21, 0x21) : Qt::white;
}

} // namespace mnistx::ui
