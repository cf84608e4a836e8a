#pragma once

#include "ui/common/sample_proxy.h"
#include "ui/tables/misclassified_model.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mnistx::ui
{

// Filters a MisclassifiedModel by ground truth, prediction (a GT/prediction
// pair such as GT 1 → 7; -1 means any), subset and a query, and sorts it by the
// numbers behind each column (MisclassifiedModel::sortValue: losses and
// distances numerically, not as text). Ties keep ascending session ids in
// both directions, so the order is stable.
// GUI thread only.
class MisclassifiedFilterProxy : public ColumnSortedSampleProxy<MisclassifiedModel>
{
    Q_OBJECT
public:
    using ColumnSortedSampleProxy::ColumnSortedSampleProxy;

    void setGroundTruthFilter(int classIndex); // -1: any
    int groundTruthFilter() const { return m_groundTruth; }
    void setPredictionFilter(int classIndex); // -1: any
    int predictionFilter() const { return m_prediction; }
    void setPairFilter(int groundTruth, int prediction);
    // Only the samples a query matched: one flag per session id (the map's
    // query, MapFilterState::queryMatches); null: no query.
    void setQueryFilter(std::shared_ptr<const std::vector<std::uint8_t>> matches);
    bool hasQueryFilter() const { return static_cast<bool>(m_queryMatches); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    int m_groundTruth = -1;
    int m_prediction = -1;
    std::shared_ptr<const std::vector<std::uint8_t>> m_queryMatches;
};

} // namespace mnistx::ui
