#pragma once

#include <QSortFilterProxyModel>

namespace mnistx::ui
{

class MisclassifiedModel;

// Filters a MisclassifiedModel by ground truth, prediction (a GT/prediction
// pair such as GT 1 → 7; -1 means any) and subset, and sorts it by the
// numbers behind each column (MisclassifiedModel::sortValue: losses and
// distances numerically, not as text). Ties keep ascending session ids in
// both directions, so the order is stable.
// GUI thread only.
class MisclassifiedFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class SubsetFilter { Both, Train, Validation };
    Q_ENUM(SubsetFilter)

    explicit MisclassifiedFilterProxy(QObject* parent = nullptr);

    // The source must be a MisclassifiedModel.
    void setSourceModel(QAbstractItemModel* model) override;

    void setGroundTruthFilter(int classIndex); // -1: any
    int groundTruthFilter() const { return m_groundTruth; }
    void setPredictionFilter(int classIndex); // -1: any
    int predictionFilter() const { return m_prediction; }
    void setPairFilter(int groundTruth, int prediction);
    void setSubsetFilter(SubsetFilter filter);
    SubsetFilter subsetFilter() const { return m_subset; }

    // Session id of a row of this proxy, -1 when out of range.
    int idAt(int proxyRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    const MisclassifiedModel* m_source = nullptr;
    int m_groundTruth = -1;
    int m_prediction = -1;
    SubsetFilter m_subset = SubsetFilter::Both;
};

} // namespace mnistx::ui
