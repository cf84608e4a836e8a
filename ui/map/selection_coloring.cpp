#include "ui/map/selection_coloring.h"

#include "ui/explorer_session.h"

#include <QCoreApplication>

namespace mnistx::ui
{

SampleColoring savedSelectionColoring(const std::vector<store::SavedSelection>& selections,
                                      int trainCount, int sampleCount)
{
    SampleColoring out;
    const int none = static_cast<int>(selections.size());
    out.entries.assign(static_cast<std::size_t>(std::max(0, sampleCount)), none);
    // Last to first, so that the first selection a sample is in wins.
    for (int k = none - 1; k >= 0; --k)
        for (const int id :
             store::idsOfSelection(selections[static_cast<std::size_t>(k)], trainCount))
            if (id >= 0 && id < sampleCount)
                out.entries[static_cast<std::size_t>(id)] = k;
    std::vector<qint64> counts(selections.size() + 1, 0);
    for (const int e : out.entries)
        ++counts[static_cast<std::size_t>(e)];
    const QColor grey(0xd4, 0xd8, 0xde);
    for (int k = 0; k < none; ++k)
        out.legend.push_back({QString::fromStdString(selections[static_cast<std::size_t>(k)].name),
                              classColor(k), counts[static_cast<std::size_t>(k)]});
    out.legend.push_back({QCoreApplication::translate("SelectionColoring", "in no saved selection"),
                          grey, counts.back()});
    out.colours.reserve(out.entries.size());
    for (const int e : out.entries)
        out.colours.push_back(out.legend[e].color.rgb());
    return out;
}

} // namespace mnistx::ui
