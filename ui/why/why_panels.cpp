#include "ui/why/why_panels.h"

#include "ui/common/dock_panel.h"
#include "ui/explorer_session.h"
#include "ui/map/population_map.h"
#include "ui/why/confusion_matrix_view.h"
#include "ui/why/heat_map_panel.h"
#include "ui/why/insights_panel.h"
#include "ui/why/label_candidates_panel.h"
#include "ui/why/metadata_dashboard.h"
#include "ui/why/similar_samples_panel.h"
#include "ui/why/why_context.h"

#include <QAction>
#include <QDockWidget>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenu>

namespace mnistx::ui
{

WhyPanels::WhyPanels(QMainWindow* window, ExplorerSession* session, PopulationMap* map)
    : QObject(window), m_window(window), m_session(session), m_map(map)
{
    m_context = new WhyContext(session, this);

    m_heatMaps = new HeatMapPanel(session, window);
    m_similar = new SimilarSamplesPanel(session, window);
    m_similar->setContext(m_context);
    m_similar->setMap(map);
    m_candidates = new LabelCandidatesPanel(m_context, window);
    m_insights = new InsightsPanel(m_context, window);
    m_confusion = new ConfusionMatrixView(session, window);
    m_metadata = new MetadataDashboard(m_context, window);
    m_metadata->setMap(map);

    m_heatMapDock = makeDock(m_heatMaps, tr("Heat Maps"), QStringLiteral("heatMaps"));
    m_similarDock = makeDock(m_similar, tr("Similar Samples"), QStringLiteral("similarSamples"));
    m_candidatesDock =
        makeDock(m_candidates, tr("Label Candidates"), QStringLiteral("labelCandidates"));
    m_insightsDock = makeDock(m_insights, tr("Insights"), QStringLiteral("insights"));
    m_confusionDock = makeDock(m_confusion, tr("Confusion Matrix"), QStringLiteral("confusion"));
    m_metadataDock = makeDock(m_metadata, tr("Loss by Metadata"), QStringLiteral("metadata"));

    connect(
        m_confusion, &ConfusionMatrixView::cellActivated, this,
        [this](int, int label, int prediction) { Q_EMIT pairFilterRequested(label, prediction); });
    connect(m_metadata, &MetadataDashboard::colorMapRequested, this, [this](int field) {
        m_mapField = static_cast<why::MetadataField>(field);
        Q_EMIT mapColoredBy(field);
    });
    // A new run resets the map's colouring; the field the user chose comes
    // back as soon as the new run's metadata is there.
    connect(m_metadata, &MetadataDashboard::metadataChanged, this, [this] {
        if (m_mapField && m_metadata->hasMetadata() && m_metadata->colorMapBy(*m_mapField))
            Q_EMIT mapColoredBy(static_cast<int>(*m_mapField));
    });

    m_menu = new QMenu(tr("&Analyse"), window);
    addShowAction(
        m_heatMapDock, tr("&Heat Maps"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H),
        tr("Which pixels push the current sample towards each class, and which raise its loss"));
    addShowAction(m_similarDock, tr("&Similar Samples"),
                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
                  tr("The current sample's nearest neighbours in the network's feature space"));
    addShowAction(m_candidatesDock, tr("&Label Candidates"),
                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L),
                  tr("Samples whose given label is probably wrong, with the evidence"));
    addShowAction(m_insightsDock, tr("&Insights"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I),
                  tr("Groups of samples where the model is weakest, found automatically"));
    addShowAction(m_confusionDock, tr("&Confusion Matrix"),
                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                  tr("Ground truth against prediction; click a cell to select its samples"));
    addShowAction(m_metadataDock, tr("Loss by &Metadata"),
                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M),
                  tr("Mean loss by label, parity, closed loop, ink, distance…, optionally split"));
    m_menu->addSeparator();
    m_menu->addActions(m_candidates->markActions());
}

WhyPanels::~WhyPanels() = default;

QDockWidget* WhyPanels::makeDock(QWidget* widget, const QString& title, const QString& objectName)
{
    return makeDockPanel(m_window, widget, title, objectName);
}

void WhyPanels::addShowAction(QDockWidget* dock, const QString& text, const QKeySequence& shortcut,
                              const QString& tip)
{
    QAction* action = m_menu->addAction(text, this, [dock] {
        dock->show();
        dock->raise();
        if (QWidget* w = dockPanel(dock))
            w->setFocus(Qt::ShortcutFocusReason);
    });
    action->setShortcut(shortcut);
    action->setToolTip(tip);
    action->setStatusTip(tip);
}

void WhyPanels::setRunDir(const QString& dir)
{
    m_candidates->setRunDir(dir);
}

QList<QDockWidget*> WhyPanels::docks() const
{
    return {m_heatMapDock,  m_similarDock,   m_candidatesDock,
            m_insightsDock, m_confusionDock, m_metadataDock};
}

QList<QAction*> WhyPanels::exportActions() const
{
    return m_candidates->exportActions();
}

bool WhyPanels::colorMapBy(std::optional<why::MetadataField> field)
{
    m_mapField = field;
    if (!field)
        return true;
    if (!m_session->hasRun())
        return false;
    if (!m_metadata->hasMetadata())
        return true; // applied by the metadataChanged handler once computed
    if (!m_metadata->colorMapBy(*field))
        return false;
    Q_EMIT mapColoredBy(static_cast<int>(*field));
    return true;
}

} // namespace mnistx::ui
