#include "ui/map/comparison_coloring.h"

#include <QCoreApplication>
#include <algorithm>
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

} // namespace mnistx::ui
