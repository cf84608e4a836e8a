#include "ui/explorer_session.h"
#include "ui/main_window.h"
#include "ui/map/population_map.h"
#include "ui/map/query_box.h"
#include "ui/map/session_query.h"
#include "ui/tables/misclassified_view.h"

#include <QLocale>
#include <QStatusBar>

namespace mnistx::ui
{

void MainWindow::applyQuery(const QString& text, bool selectMatches)
{
    if (text.isEmpty()) {
        m_queryBox->clearError();
        m_map->setQueryFilter(QString(), nullptr);
        return;
    }
    const SessionQueryResult r = evaluateSessionQuery(*m_session, text);
    if (!r.ok()) {
        m_queryBox->showError(r.error, r.errorStart, r.errorLength);
        statusBar()->showMessage(tr("Query: %1").arg(r.error), kStatusMessageMs);
        return;
    }
    m_queryBox->clearError();
    m_map->setQueryFilter(text, r.matches);
    const QLocale en(QLocale::English);
    statusBar()->showMessage(
        r.matchCount == 0
            ? tr("No sample matches “%1” (Esc in the box shows every sample again)").arg(text)
            : tr("%1 of %2 match “%3”")
                  .arg(en.toString(r.matchCount),
                       MapFilterState::samplesText(m_session->sampleCount()), text),
        kStatusMessageMs);
    if (selectMatches && r.matchCount > 0) {
        QVector<int> ids;
        ids.reserve(r.matchCount);
        for (int id = 0; id < static_cast<int>(r.matches->size()); ++id)
            if ((*r.matches)[static_cast<std::size_t>(id)])
                ids.push_back(id);
        m_session->setSelection(std::move(ids), tr("query “%1”").arg(text));
    }
}

void MainWindow::reapplyQuery()
{
    m_queryBox->setWords(sessionQueryWords(*m_session));
    const QString text = m_queryBox->appliedText();
    if (text.isEmpty() || !m_session->hasRun())
        return;
    // The map dropped the query with the old run: check it on the new one.
    const SessionQueryResult r = evaluateSessionQuery(*m_session, text);
    if (!r.ok()) {
        m_queryBox->showError(r.error, r.errorStart, r.errorLength);
        statusBar()->showMessage(tr("The query no longer fits this run: %1").arg(r.error),
                                 kStatusMessageMs);
        return;
    }
    m_map->setQueryFilter(text, r.matches);
}

} // namespace mnistx::ui
