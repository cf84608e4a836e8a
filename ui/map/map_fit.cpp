#include "ui/map/map_fit.h"

#include "ui/map/map_style.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace mnistx::ui
{

namespace
{

// Off-screen dots at the plot edge still count as inside the fitted view.
constexpr qreal kFitPadding = mapstyle::kMaxDotRadius + 2.0;

// One axis of the box the view fits: all values, unless a few far outliers
// (UMAP strands the odd sample far from everything) would squeeze the rest
// into a corner. Then the central 99.8 % of the values (at least the extreme
// one left out), widened by a tenth on each side; the outliers are a wheel
// turn away.
// The fitted range from the full one and the quantiles of 0.1 % and 99.9 %.
std::pair<double, double> rangeFrom(double full0, double full1, double q0, double q1)
{
    // 1.5×: outliers that cost a third of the view or more.
    if (!(full1 - full0 > 1.5 * (q1 - q0)))
        return {full0, full1};
    const double pad = 0.1 * (q1 - q0);
    return {std::max(full0, q0 - pad), std::min(full1, q1 + pad)};
}

// Which value of n is the lower quantile (the upper one is n − 1 − k).
size_t quantileRank(size_t n)
{
    return std::max<size_t>(1, n / 1000);
}

std::pair<double, double> fitRangeOf(std::vector<float>& values)
{
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double full0 = *lo, full1 = *hi;
    const size_t n = values.size();
    // Below 100 dots every one of them counts.
    if (n < 100)
        return {full0, full1};
    const size_t k0 = quantileRank(n), k1 = n - 1 - k0;
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k0),
                     values.end());
    const double q0 = values[k0];
    // Everything after k0 is ≥ q0 now: the upper quantile lies there.
    std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(k0) + 1,
                     values.begin() + static_cast<std::ptrdiff_t>(k1), values.end());
    return rangeFrom(full0, full1, q0, values[k1]);
}

// The same for column `column` of positions whose values are all finite, as
// exactly, without copying and selecting over all of them (a million dots:
// about 2 ms instead of 30): a sample of the column bounds where the two
// quantiles can be, one pass gathers the values beyond those bounds, and the
// quantiles are selected among them. Falls back to fitRangeOf when the
// sample's bounds gathered too few (never seen: it would take a sample far
// from its column).
std::pair<double, double> fitRangeOfColumn(const RowMatrixXf& positions, int column)
{
    const auto n = static_cast<size_t>(positions.rows());
    const float* v = positions.data() + column;
    const auto at = [&](size_t i) { return v[i * 2]; };
    constexpr size_t kSample = 16384;
    if (n < 8 * kSample) {
        std::vector<float> values(n);
        for (size_t i = 0; i < n; ++i)
            values[i] = at(i);
        return fitRangeOf(values);
    }
    const size_t k0 = quantileRank(n);
    std::vector<float> sample(kSample);
    for (size_t j = 0; j < kSample; ++j)
        sample[j] = at(j * (n / kSample));
    std::sort(sample.begin(), sample.end());
    // Three times the quantile's share of the sample, and a margin: the
    // gathered tails then hold the quantiles with near certainty.
    const size_t r = std::min(kSample / 2 - 1, 3 * k0 * kSample / n + 16);
    const float low = sample[r], high = sample[kSample - 1 - r];
    std::vector<float> below, above;
    below.reserve(4 * r * (n / kSample));
    above.reserve(4 * r * (n / kSample));
    float full0 = at(0), full1 = at(0);
    for (size_t i = 0; i < n; ++i) {
        const float x = at(i);
        full0 = std::min(full0, x);
        full1 = std::max(full1, x);
        if (x <= low)
            below.push_back(x);
        else if (x >= high)
            above.push_back(x);
    }
    if (below.size() <= k0 || above.size() <= k0) {
        std::vector<float> values(n);
        for (size_t i = 0; i < n; ++i)
            values[i] = at(i);
        return fitRangeOf(values);
    }
    // Every value ≤ low is in `below`, so its k0-th smallest is the column's;
    // the upper quantile is the k0-th largest, in `above`.
    const auto k = static_cast<std::ptrdiff_t>(k0);
    std::nth_element(below.begin(), below.begin() + k, below.end());
    std::nth_element(above.begin(), above.begin() + k, above.end(), std::greater<float>());
    return rangeFrom(full0, full1, below[k0], above[k0]);
}

} // namespace

QRectF MapFit::boundsOf(const RowMatrixXf& positions)
{
    if (positions.cols() == 2 && positions.rows() > 0 && positions.allFinite()) {
        const auto [x0, x1] = fitRangeOfColumn(positions, 0);
        const auto [y0, y1] = fitRangeOfColumn(positions, 1);
        return QRectF(QPointF(x0, y0), QPointF(x1, y1));
    }
    std::vector<float> xs, ys;
    xs.reserve(static_cast<size_t>(positions.rows()));
    ys.reserve(static_cast<size_t>(positions.rows()));
    for (Eigen::Index i = 0; i < positions.rows(); ++i) {
        const float x = positions(i, 0), y = positions(i, 1);
        if (!std::isfinite(x) || !std::isfinite(y))
            continue;
        xs.push_back(x);
        ys.push_back(y);
    }
    if (xs.empty())
        return {};
    const auto [x0, x1] = fitRangeOf(xs);
    const auto [y0, y1] = fitRangeOf(ys);
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

MapView MapFit::fittedView(const QRectF& bounds, const QRectF& plotRect)
{
    MapView v;
    v.plotRect = plotRect;
    v.center = bounds.center();
    const double w = plotRect.width() - 2 * kFitPadding;
    const double h = plotRect.height() - 2 * kFitPadding;
    const double sx = bounds.width() > 1e-12 ? w / bounds.width() : 0.0;
    const double sy = bounds.height() > 1e-12 ? h / bounds.height() : 0.0;
    double scale = sx > 0 && sy > 0 ? std::min(sx, sy) : std::max(sx, sy);
    if (!(scale > 0) || !std::isfinite(scale))
        scale = 1.0; // every sample at one point (a layout not computed yet)
    v.scale = scale;
    return v;
}

MapView MapFit::framingView(const QRectF& box, const MapView& view, const QRectF& area,
                            const MapView& fitted, double minScale, bool* toFitted)
{
    double scale = view.scale;
    if (box.width() * scale > area.width() || box.height() * scale > area.height()) {
        const double sx = box.width() > 0 ? area.width() / box.width() : scale;
        const double sy = box.height() > 0 ? area.height() / box.height() : scale;
        scale = std::max(std::min({sx, sy, scale}), minScale);
    }
    // What the fitted view shows suffices: go back to "fit" (it then follows
    // resizes and live layouts, as after Home).
    *toFitted = scale <= fitted.scale && area.contains(fitted.toScreen(box.topLeft())) &&
                area.contains(fitted.toScreen(box.bottomRight()));
    if (*toFitted)
        return fitted;
    MapView v = view;
    v.scale = scale;
    const QPointF offset = area.center() - view.plotRect.center(); // widget px
    v.center =
        QPointF(box.center().x() - offset.x() / scale, box.center().y() + offset.y() / scale);
    return v;
}

} // namespace mnistx::ui
