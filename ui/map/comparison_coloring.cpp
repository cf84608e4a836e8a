#include "ui/map/comparison_coloring.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace mnistx::ui
{

QColor changeColor(compare::Change change)
{
    switch (change) {
    case compare::Change::Fixed:
        return QColor(0x2e, 0x7d, 0x32);
    case compare::Change::Broken:
        return QColor(0xd3, 0x2f, 0x2f);
    case compare::Change::BothWrong:
        return QColor(0xf5, 0xa6, 0x23);
    case compare::Change::BothRight:
        return QColor(0xc5, 0xcb, 0xd3);
    }
    return Qt::black;
}

ComparisonColoring comparisonColoring(const compare::RunComparison& comparison, const QString& runB)
{
    const compare::Change order[] = {compare::Change::Fixed, compare::Change::Broken,
                                     compare::Change::BothWrong, compare::Change::BothRight};
    const long long counts[] = {comparison.overall.fixed, comparison.overall.broken,
                                comparison.overall.bothWrong, comparison.overall.bothRight};
    const char* const names[] = {QT_TRANSLATE_NOOP("ComparisonColoring", "fixed by %1"),
                                 QT_TRANSLATE_NOOP("ComparisonColoring", "broken by %1"),
                                 QT_TRANSLATE_NOOP("ComparisonColoring", "wrong in both"),
                                 QT_TRANSLATE_NOOP("ComparisonColoring", "right in both")};
    ComparisonColoring out;
    for (int e = 0; e < 4; ++e) {
        QString name = QCoreApplication::translate("ComparisonColoring", names[e]);
        if (name.contains(QStringLiteral("%1")))
            name = name.arg(runB);
        out.legend.push_back({name, changeColor(order[e]), counts[e]});
    }
    out.colours.reserve(comparison.samples.size());
    out.entries.reserve(comparison.samples.size());
    for (const compare::SampleChange& s : comparison.samples) {
        out.colours.push_back(changeColor(s.change).rgb());
        out.entries.push_back(static_cast<int>(
            std::find(std::begin(order), std::end(order), s.change) - std::begin(order)));
    }
    return out;
}

ComparisonColoring lossChangeColoring(const compare::RunComparison& comparison)
{
    const char* const names[] = {
        QT_TRANSLATE_NOOP("ComparisonColoring", "loss down by more than 1"),
        QT_TRANSLATE_NOOP("ComparisonColoring", "loss down 0.1–1"),
        QT_TRANSLATE_NOOP("ComparisonColoring", "about the same (±0.1)"),
        QT_TRANSLATE_NOOP("ComparisonColoring", "loss up 0.1–1"),
        QT_TRANSLATE_NOOP("ComparisonColoring", "loss up by more than 1")};
    const QColor colours[] = {QColor(0x21, 0x66, 0xac), QColor(0x92, 0xc5, 0xde),
                              QColor(0xd9, 0xdc, 0xe0), QColor(0xf4, 0xa5, 0x82),
                              QColor(0xb2, 0x18, 0x2b)};
    ComparisonColoring out;
    std::vector<qint64> counts(5, 0);
    out.entries.reserve(comparison.samples.size());
    for (const compare::SampleChange& s : comparison.samples) {
        const double d = double(s.lossB) - double(s.lossA);
        int bin = 2;
        if (std::isfinite(d))
            bin = d < -1.0 ? 0 : d < -0.1 ? 1 : d <= 0.1 ? 2 : d <= 1.0 ? 3 : 4;
        out.entries.push_back(bin);
        ++counts[static_cast<std::size_t>(bin)];
    }
    for (int e = 0; e < 5; ++e)
        out.legend.push_back({QCoreApplication::translate("ComparisonColoring", names[e]),
                              colours[e], counts[static_cast<std::size_t>(e)]});
    out.colours.reserve(out.entries.size());
    for (const int e : out.entries)
        out.colours.push_back(colours[e].rgb());
    return out;
}

} // namespace mnistx::ui
