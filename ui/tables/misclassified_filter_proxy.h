#pragma once

#include "ui/common/sample_proxy.h"
#include "ui/tables/misclassified_model.h"

namespace mnistx::ui
{

// Filters a MisclassifiedModel by ground truth, prediction (a GT/prediction
// pair such as GT 1 → 7; -1 means any) and subset, and sorts it by the
// numbers behind each column (MisclassifiedModel::sortValue: losses and
// distances numerically, not as text). Ties keep ascending session ids in
// both directions, so the order is stable.
// GUI thread only.
class MisclassifiedFilterProxy : public TypedSampleProxy<MisclassifiedModel>
{
    Q_OBJECT
public:
    explicit MisclassifiedFilterProxy(QObject* parent = nullptr);

    void setGroundTruthFilter(int classIndex); // -1: any
    int groundTruthFilter() const { return m_groundTruth; }
    void setPredictionFilter(int classIndex); // -1: any
    int predictionFilter() const { return m_prediction; }
    void setPairFilter(int groundTruth, int prediction);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    int m_groundTruth = -1;
    int m_prediction = -1;
};

} // namespace mnistx::ui
