#pragma once

#include <QCoreApplication>
#include <QString>

namespace mnistx::ui
{

class ExplorerSession;
struct MapLegendEntry;

// The population map's hover tooltip for one sample: the digit (an embedded
// PNG, 4× with crisp pixels), its description, ground truth, prediction with
// its probability, correct / wrong and loss, as rich text. GUI thread.
class MapTooltip
{
    Q_DECLARE_TR_FUNCTIONS(MapTooltip)
public:
    // "" without a run or for an id out of range.
    static QString html(const ExplorerSession& session, int id);
    // A legend entry's tooltip: its sample count (when counted) and what a
    // click and a double-click do.
    static QString legendEntryText(const MapLegendEntry& entry);
};

} // namespace mnistx::ui
