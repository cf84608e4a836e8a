#pragma once

#include "core/store/saved_selections.h"
#include "ui/map/map_legend.h"

#include <vector>

namespace mnistx::ui
{

// The map coloured by a run's saved selections (its tags): each selection a
// colour of the class palette in the order they were saved, its name and
// size in the legend; a sample in several takes the first one's colour;
// samples in none are light grey ("in no saved selection"), listed last.
// sampleCount samples, training ones first (trainCount of them).
SampleColoring savedSelectionColoring(const std::vector<store::SavedSelection>& selections,
                                      int trainCount, int sampleCount);

} // namespace mnistx::ui
