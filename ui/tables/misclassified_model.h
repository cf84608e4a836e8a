#pragma once

#include <QAbstractTableModel>
#include <QVector>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// Every misclassified sample of the session's run (both subsets), one row
// each, in the session's order (descending loss). Columns: subset, index,
// ground truth, prediction, loss, distance to the ground-truth class
// centroid, distance to the predicted class centroid (pixel space).
// DisplayRole gives formatted text; SortRole the number to sort by. Resets
// on runChanged. GUI thread only.
class MisclassifiedModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        SubsetColumn,
        IndexColumn,
        GroundTruthColumn,
        PredictionColumn,
        LossColumn,
        GroundTruthDistanceColumn,
        PredictionDistanceColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        SortRole =
            Qt::UserRole + 1, // double: the column's value as a number (subset: the session id)
        IdRole,               // int: session id
        GroundTruthRole,      // int
        PredictionRole,       // int
        SubsetRole,           // int: analysis::Subset
    };
    Q_ENUM(Role)

    explicit MisclassifiedModel(ExplorerSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    // The space the centroid distances are in ("pixel space", "feature space").
    QString space() const;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    ExplorerSession* session() const { return m_session; }
    // Direct access for the proxy (no QVariant per comparison).
    int idAt(int row) const
    {
        return row >= 0 && row < static_cast<int>(m_ids.size()) ? m_ids[row] : -1;
    }
    double sortValue(int row, int column) const;
    // The row of a session id; -1 when that sample is not misclassified.
    int rowOf(int id) const;
    // Pixel-space distance of a sample to a class centroid; NaN when the run has none.
    double distanceTo(int id, int classIndex) const;

private:
    void reload();

    ExplorerSession* m_session;
    std::vector<int> m_ids;
    std::vector<int> m_rowOfId; // sampleCount entries, -1 for correct samples
};

} // namespace mnistx::ui
