#pragma once

// Which samples a view shows by subset, and the combo box that picks it: the
// map's toolbar, the misclassified table and the label candidates share both.

#include "core/analysis/analysis_types.h"

class QComboBox;
class QString;
class QWidget;

namespace mnistx::ui
{

enum class SubsetFilter { Both, Train, Validation };

// Whether a sample of `subset` passes the filter.
bool subsetAccepts(SubsetFilter filter, analysis::Subset subset);
inline bool subsetAccepts(SubsetFilter filter, bool inTraining)
{
    return subsetAccepts(filter,
                         inTraining ? analysis::Subset::Train : analysis::Subset::Validation);
}

// How a subset box names its choices: a filter row's short words ("both",
// "train", "validation") or a toolbar's ("Train + validation", "Training set",
// "Validation set").
enum class SubsetBoxWords { Short, Toolbar };

// A combo box offering the three filters, Both first and current.
QComboBox* makeSubsetBox(SubsetBoxWords words, const QString& toolTip, QWidget* parent);
// The filter a subset box shows.
SubsetFilter subsetFilterOf(const QComboBox* box);
// Shows `filter` in a subset box without emitting its change signals.
void showSubsetFilter(QComboBox* box, SubsetFilter filter);

} // namespace mnistx::ui
