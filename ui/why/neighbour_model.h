#pragma once

#include "core/why/feature_index.h"

#include <QAbstractListModel>
#include <QVector>

namespace mnistx::ui
{

class ExplorerSession;

// The nearest neighbours of one query sample in feature space, one row per
// neighbour, nearest first (as why::FeatureIndex::nearest returns them).
// Resets on setNeighbours/clear and on the session's runChanged (the ids
// belong to a run). Thumbnails are made on request, nothing cached per row.
// GUI thread only.
class NeighbourModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1, // int: session id
        RankRole,                  // int: 1 = nearest
        DistanceRole,              // double: Euclidean, feature space
        LabelRole,                 // int: ground truth
        PredictionRole,            // int
        LossRole,                  // double: cross-entropy, nats
        CorrectRole,               // bool
        ThumbnailRole, // QImage: 28×28 grayscale, white ink on black (null without images)
    };
    Q_ENUM(Role)

    explicit NeighbourModel(ExplorerSession* session, QObject* parent = nullptr);

    // Replaces the rows: neighbours of queryId (ids and distances of equal length).
    void setNeighbours(int queryId, why::Neighbours neighbours);
    void clear();

    int queryId() const { return m_queryId; }
    const why::Neighbours& neighbours() const { return m_neighbours; }
    QVector<int> ids() const;
    int idAt(int row) const;
    // The row of a session id, -1 when it is not a neighbour.
    int rowOf(int id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    // DisplayRole: "train #123"; ToolTipRole: everything about the neighbour.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    ExplorerSession* m_session;
    int m_queryId = -1;
    why::Neighbours m_neighbours;
};

} // namespace mnistx::ui
