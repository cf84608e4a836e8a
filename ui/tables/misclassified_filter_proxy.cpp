#include "ui/tables/misclassified_filter_proxy.h"

#include "ui/explorer_session.h"

#include <algorithm>

namespace mnistx::ui
{

void MisclassifiedFilterProxy::setGroundTruthFilter(int classIndex)
{
    setPairFilter(classIndex, m_prediction);
}

void MisclassifiedFilterProxy::setPredictionFilter(int classIndex)
{
    setPairFilter(m_groundTruth, classIndex);
}

void MisclassifiedFilterProxy::setPairFilter(int groundTruth, int prediction)
{
    groundTruth = std::max(-1, groundTruth);
    prediction = std::max(-1, prediction);
    if (groundTruth == m_groundTruth && prediction == m_prediction)
        return;
    m_groundTruth = groundTruth;
    m_prediction = prediction;
    invalidateRowsFilter();
}

void MisclassifiedFilterProxy::setQueryFilter(
    std::shared_ptr<const std::vector<std::uint8_t>> matches)
{
    if (matches == m_queryMatches)
        return;
    m_queryMatches = std::move(matches);
    invalidateRowsFilter();
}

bool MisclassifiedFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const int id = source()->idAt(sourceRow);
    if (id < 0)
        return false;
    const ExplorerSession* s = source()->session();
    if (m_groundTruth >= 0 && s->label(id) != m_groundTruth)
        return false;
    if (m_prediction >= 0 && s->prediction(id) != m_prediction)
        return false;
    if (m_queryMatches && (static_cast<std::size_t>(id) >= m_queryMatches->size() ||
                           !(*m_queryMatches)[static_cast<std::size_t>(id)]))
        return false;
    return acceptsSubset(s->subsetOf(id));
}

} // namespace mnistx::ui
