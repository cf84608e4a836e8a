#pragma once

#include "core/why/sample_metadata.h"

#include <QList>
#include <QObject>
#include <QString>
#include <optional>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace mnistx::ui
{

class ConfusionMatrixView;
class ExplorerSession;
class HeatMapPanel;
class InsightsPanel;
class LabelCandidatesPanel;
class MetadataDashboard;
class PopulationMap;
class SimilarSamplesPanel;
class WhyContext;

// The "why did the model get it wrong" views of one main window, wired to
// each other and to the session: heat maps and similar samples of the current
// sample, label-error candidates, automatic insights, confusion matrices and
// the metadata dashboard, each in its own dock (created here; the window
// places them), plus an Analyse menu that shows them. One WhyContext
// computes what they show (metadata, neighbour index, label candidates,
// insights) once per run; the views only show it. GUI thread only.
class WhyPanels : public QObject
{
    Q_OBJECT
public:
    WhyPanels(QMainWindow* window, ExplorerSession* session, PopulationMap* map);
    ~WhyPanels() override;

    // Where the shown run is stored ("" = only in memory): label marks are
    // kept beside it.
    void setRunDir(const QString& dir);

    QDockWidget* heatMapDock() const { return m_heatMapDock; }
    QDockWidget* similarDock() const { return m_similarDock; }
    QDockWidget* candidatesDock() const { return m_candidatesDock; }
    QDockWidget* insightsDock() const { return m_insightsDock; }
    QDockWidget* confusionDock() const { return m_confusionDock; }
    QDockWidget* metadataDock() const { return m_metadataDock; }
    QList<QDockWidget*> docks() const;
    // "&Analyse": one entry per view (shows and raises its dock, with a
    // shortcut), then the label-mark and export actions.
    QMenu* menu() const { return m_menu; }
    // PNG/SVG/PDF exports of the views and the CSV/JSON exports, for the
    // File > Export menu.
    QList<QAction*> exportActions() const;

    // Colours the map by a metadata field, now or (when the metadata of a
    // new run is still being computed) as soon as it is ready; nullopt stops
    // re-applying it. Returns false when the field cannot be shown (no run,
    // no images for ink).
    bool colorMapBy(std::optional<why::MetadataField> field);
    std::optional<why::MetadataField> mapField() const { return m_mapField; }

    WhyContext* context() const { return m_context; }
    HeatMapPanel* heatMaps() const { return m_heatMaps; }
    SimilarSamplesPanel* similar() const { return m_similar; }
    LabelCandidatesPanel* candidates() const { return m_candidates; }
    InsightsPanel* insights() const { return m_insights; }
    ConfusionMatrixView* confusion() const { return m_confusion; }
    MetadataDashboard* metadata() const { return m_metadata; }

Q_SIGNALS:
    // A confusion-matrix cell was clicked: the window filters the map to it.
    void pairFilterRequested(int label, int prediction);
    // The map is now coloured by this metadata field (the dashboard's button
    // or colorMapBy); the window updates its colour controls.
    void mapColoredBy(int field);

private:
    QDockWidget* makeDock(QWidget* widget, const QString& title, const QString& objectName);
    void addShowAction(QDockWidget* dock, const QString& text, const QKeySequence& shortcut,
                       const QString& tip);

    QMainWindow* m_window = nullptr;
    ExplorerSession* m_session = nullptr;
    PopulationMap* m_map = nullptr;
    WhyContext* m_context = nullptr;
    HeatMapPanel* m_heatMaps = nullptr;
    SimilarSamplesPanel* m_similar = nullptr;
    LabelCandidatesPanel* m_candidates = nullptr;
    InsightsPanel* m_insights = nullptr;
    ConfusionMatrixView* m_confusion = nullptr;
    MetadataDashboard* m_metadata = nullptr;
    QDockWidget* m_heatMapDock = nullptr;
    QDockWidget* m_similarDock = nullptr;
    QDockWidget* m_candidatesDock = nullptr;
    QDockWidget* m_insightsDock = nullptr;
    QDockWidget* m_confusionDock = nullptr;
    QDockWidget* m_metadataDock = nullptr;
    QMenu* m_menu = nullptr;
    std::optional<why::MetadataField> m_mapField;
};

} // namespace mnistx::ui
