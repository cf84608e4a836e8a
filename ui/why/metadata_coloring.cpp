#include "ui/why/metadata_coloring.h"

#include "ui/explorer_session.h"
#include "ui/map/map_style.h"

#include <QCoreApplication>
#include <algorithm>
#include <array>
#include <cmath>

namespace mnistx::ui
{

namespace
{

using why::MetadataField;

QString tr(const char* text)
{
    return QCoreApplication::translate("MetadataColoring", text);
}

// The sequential scale's stops, evenly spaced in t: a violet → blue → teal →
// green → yellow ramp whose lightness rises steadily (perceptually uniform
// like viridis), so "more" reads as "lighter" also in grey and for
// colour-blind readers.
struct Stop {
    int r, g, b;
};
constexpr std::array<Stop, 9> kScaleStops{{
    {68, 1, 84},
    {71, 45, 123},
    {59, 82, 139},
    {44, 114, 142},
    {33, 145, 140},
    {40, 174, 128},
    {94, 201, 98},
    {173, 220, 48},
    {253, 231, 37},
}};

bool isClassField(MetadataField f)
{
    return f == MetadataField::Label || f == MetadataField::Prediction ||
           f == MetadataField::NearestCentroid;
}

// The two values of a binary field in legend order (the notable one where
// it reads naturally: "correct, wrong" as the map's own outcome colouring).
std::array<int, 2> binaryLegendOrder(MetadataField f)
{
    if (f == MetadataField::Correct || f == MetadataField::ClosedLoop)
        return {1, 0};
    return {0, 1};
}

// Decimals that tell values `width` apart: one digit more than the width's
// leading digit (width 1.3 → 1 decimal, 0.13 → 2, 25 → 0).
int decimalsFor(double width)
{
    if (!(width > 0) || !std::isfinite(width))
        return 2;
    return std::clamp(1 - static_cast<int>(std::floor(std::log10(width))), 0, 6);
}

// Equal-width edges formatted with a shared number of decimals, more when
// neighbours would print alike.
QStringList formatFixedEdges(const std::vector<double>& edges)
{
    int decimals = edges.size() >= 2 ? decimalsFor(edges[1] - edges[0]) : 2;
    QStringList out;
    for (; decimals <= 8; ++decimals) {
        out.clear();
        for (double e : edges)
            out << QString::number(e, 'f', decimals);
        if (std::adjacent_find(out.begin(), out.end()) == out.end())
            break;
    }
    return out;
}

// A last legend entry "(missing)" in `color` for the samples without a
// value (entry −1 until here), when there are any.
void addMissingEntry(MetadataColoring& c, QRgb color)
{
    const auto missing = std::count(c.entryOfSample.begin(), c.entryOfSample.end(), -1);
    if (missing == 0)
        return;
    const int entry = static_cast<int>(c.legend.size());
    c.legend.append({tr("(missing)"), QColor(color), static_cast<qint64>(missing)});
    for (int& e : c.entryOfSample)
        if (e == -1)
            e = entry;
}

} // namespace

QRgb sequentialColor(double t)
{
    if (!(t > 0))
        t = 0; // also NaN
    t = std::min(t, 1.0);
    const double x = t * (kScaleStops.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(x), kScaleStops.size() - 2);
    const double f = x - static_cast<double>(i);
    const Stop& a = kScaleStops[i];
    const Stop& b = kScaleStops[i + 1];
    auto mix = [f](int u, int v) { return static_cast<int>(std::lround(u + (v - u) * f)); };
    return qRgb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
}

QColor metadataCategoryColor(MetadataField field, int value)
{
    if (isClassField(field))
        return classColor(value);
    switch (field) {
    // Purple and orange: far apart in hue and lightness, distinct for
    // colour-blind readers, and neither is the map's "wrong" red.
    case MetadataField::Parity:
        return value == 0 ? QColor(0x5e, 0x3c, 0x99) : QColor(0xe6, 0x61, 0x01);
    // The closed-loop digits in a strong blue, the rest in a light orange.
    case MetadataField::ClosedLoop:
        return value == 1 ? QColor(0x21, 0x66, 0xac) : QColor(0xf4, 0xa5, 0x82);
    // As the map's own correct / wrong colouring.
    case MetadataField::Correct:
        return QColor(value == 1 ? mapstyle::correctColor() : mapstyle::wrongColor());
    default:
        // The user's categorical fields: the class palette, distinct to 20
        // categories and spread around the hue circle beyond.
        return static_cast<int>(field) >= why::kMetadataFieldCount ? classColor(value) : QColor();
    }
}

QString metadataCategoryName(MetadataField field, int value)
{
    switch (field) {
    case MetadataField::Parity:
        return value == 0 ? tr("even") : tr("odd");
    case MetadataField::ClosedLoop:
        return value == 1 ? tr("closed loop") : tr("no loop");
    case MetadataField::Correct:
        return value == 1 ? tr("correct") : tr("wrong");
    default:
        return QString::number(value);
    }
}

QStringList formatDistinctEdges(const std::vector<double>& edges, int minDigits)
{
    // Each edge gets the fewest digits that tell it from both neighbours
    // (printed with as many): 0.243 next to 0.9936 keeps its labels short
    // even where ties crowd other edges together.
    constexpr int kMaxDigits = 10;
    const int n = static_cast<int>(edges.size());
    auto at = [&](int k, int digits) { return QString::number(edges[k], 'g', digits); };
    QStringList out;
    for (int k = 0; k < n; ++k) {
        int digits = std::max(1, minDigits);
        for (; digits < kMaxDigits; ++digits) {
            const QString s = at(k, digits);
            if ((k == 0 || at(k - 1, digits) != s) && (k + 1 == n || at(k + 1, digits) != s))
                break;
        }
        out << at(k, digits);
    }
    return out;
}

MetadataColoring metadataColoring(const why::SubsetMetadata& train,
                                  const why::SubsetMetadata& validation, MetadataField field)
{
    MetadataColoring out;
    if (!train.has(field) || !validation.has(field) ||
        train.sampleCount() + validation.sampleCount() == 0)
        return out;
    out.name = QString::fromStdString(train.fieldTitle(field));
    std::vector<float> values = train.values(field);
    {
        const std::vector<float> v = validation.values(field);
        values.insert(values.end(), v.begin(), v.end());
    }
    const std::size_t n = values.size();
    out.perSample.resize(n);
    out.entryOfSample.resize(n);

    // Samples without a value (the user's fields may have gaps).
    const QRgb none = mapstyle::otherClassesColor();
    if (!train.continuous(field)) {
        QVector<int> entryOfValue;
        if (const why::UserField* user = train.userField(field)) {
            for (int c = 0; c < static_cast<int>(user->categories.size()); ++c) {
                out.legend.append({QString::fromStdString(user->categories[c]),
                                   metadataCategoryColor(field, c), 0});
                entryOfValue.append(c);
            }
        } else if (isClassField(field)) {
            const int classes = std::max(train.classCount, validation.classCount);
            for (int c = 0; c < classes; ++c) {
                out.legend.append(
                    {metadataCategoryName(field, c), metadataCategoryColor(field, c), 0});
                entryOfValue.append(c);
            }
        } else {
            const std::array<int, 2> order = binaryLegendOrder(field);
            entryOfValue = {0, 0};
            for (int e = 0; e < 2; ++e) {
                out.legend.append({metadataCategoryName(field, order[e]),
                                   metadataCategoryColor(field, order[e]), 0});
                entryOfValue[order[e]] = e;
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            const int v = std::isnan(values[i]) ? -1 : static_cast<int>(values[i]);
            const int e = v >= 0 && v < entryOfValue.size() ? entryOfValue[v] : -1;
            out.entryOfSample[i] = e;
            out.perSample[i] = e >= 0 ? out.legend[e].color.rgb() : none;
            if (e >= 0)
                ++out.legend[e].count;
        }
        addMissingEntry(out, none);
        return out;
    }

    // Continuous: the scale's range.
    std::vector<float> sorted;
    sorted.reserve(n);
    for (float v : values)
        if (std::isfinite(v))
            sorted.push_back(v);
    double lo = 0.0, hi = 1.0;
    if (!sorted.empty()) {
        const auto [minIt, maxIt] = std::minmax_element(sorted.begin(), sorted.end());
        lo = *minIt;
        hi = *maxIt;
        if (field != MetadataField::Confidence) {
            const auto last = static_cast<double>(sorted.size() - 1);
            const auto at = [&](double q) {
                const auto k = static_cast<std::size_t>(std::floor(q * last));
                std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(k),
                                 sorted.end());
                return static_cast<double>(sorted[k]);
            };
            const double qlo = at(kRobustRangeQuantile), qhi = at(1.0 - kRobustRangeQuantile);
            if (qhi > qlo) { // else nearly constant: keep the full range
                lo = qlo;
                hi = qhi;
            }
        }
    }
    out.scaleMin = lo;
    out.scaleMax = hi;
    if (!(hi > lo)) {
        // One value for everyone: one entry, the scale's middle.
        const QRgb c = sequentialColor(0.5);
        out.legend.append({QString::number(lo, 'g', 4), QColor(c), static_cast<qint64>(n)});
        out.binEdges = {lo, hi};
        for (std::size_t i = 0; i < n; ++i) {
            const bool present = !std::isnan(values[i]);
            out.perSample[i] = present ? c : none;
            out.entryOfSample[i] = present ? 0 : -1;
        }
        out.legend[0].count =
            static_cast<qint64>(std::count(out.entryOfSample.begin(), out.entryOfSample.end(), 0));
        addMissingEntry(out, none);
        return out;
    }

    const int bins = kColorScaleBins;
    for (int b = 0; b <= bins; ++b)
        out.binEdges.push_back(b == bins ? hi : lo + (hi - lo) * b / bins);
    const QStringList edge = formatFixedEdges(out.binEdges);
    for (int b = 0; b < bins; ++b) {
        QString name;
        if (b == 0)
            name = QStringLiteral("< %1").arg(edge[1]);
        else if (b == bins - 1)
            name = QStringLiteral("≥ %1").arg(edge[b]);
        else
            name = QStringLiteral("%1 – %2").arg(edge[b], edge[b + 1]);
        out.legend.append({name, QColor(sequentialColor((b + 0.5) / bins)), 0});
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double v = values[i];
        if (std::isnan(v)) {
            out.perSample[i] = none;
            out.entryOfSample[i] = -1;
            continue;
        }
        const double t = std::isfinite(v) ? std::clamp((v - lo) / (hi - lo), 0.0, 1.0) : 0.0;
        // By the edges themselves, so a value on an edge is in the step the
        // legend names (edges[b] <= v < edges[b + 1]).
        const auto e = out.binEdges.begin();
        const int b =
            std::isfinite(v) ? static_cast<int>(std::upper_bound(e + 1, e + bins, v) - (e + 1)) : 0;
        out.perSample[i] = sequentialColor(t);
        out.entryOfSample[i] = b;
        ++out.legend[b].count;
    }
    addMissingEntry(out, none);
    return out;
}

} // namespace mnistx::ui
