#include "ui/explorer_session.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/map/selection_coloring.h"
#include "ui/runs/saved_selections_panel.h"

#include <QComboBox>
#include <QSignalBlocker>

namespace mnistx::ui
{

void MainWindow::colourBySavedSelections()
{
    if (!m_session->hasRun() || m_saved->selections().empty())
        return;
    // The colour box says what the map shows: an entry of its own after the
    // class colourings (and a comparison's), to come back to.
    const int index = placeColorEntry(kSavedSelectionsColoring, tr("Saved selections"),
                                      tr("One colour per saved selection of the run"));
    const QSignalBlocker block(m_colorBox);
    m_colorBox->setCurrentIndex(index);
    applySavedSelectionsColoring();
}

void MainWindow::applySavedSelectionsColoring()
{
    SampleColoring c = savedSelectionColoring(m_saved->selections(), m_session->trainCount(),
                                              m_session->sampleCount());
    m_map->setCustomColoring(tr("saved selection"), std::move(c.colours), c.legend,
                             std::move(c.entries));
}

} // namespace mnistx::ui
