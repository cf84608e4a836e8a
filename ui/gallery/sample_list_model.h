#pragma once

#include "core/why/feature_index.h"

#include <QAbstractListModel>
#include <QVector>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// A list of samples, one row per sample, for the thumbnail grids: the
// session's selection (the gallery) or the nearest neighbours of a query
// (similar samples, which adds the rank and the feature-space distance).
// Cheap per row: the thumbnail and the texts are made on request, so a view
// asks only for the rows it paints; nothing is cached per row.
// GUI thread only.
class SampleListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1, // int: session id
        LabelRole,                 // int: ground truth
        PredictionRole,            // int
        LossRole,                  // double: cross-entropy, nats
        CorrectRole,               // bool
        ThumbnailRole,             // QImage: the sample's image, grey or RGB (null without images)
        RankRole,                  // int: 1 = nearest; invalid without neighbours
        DistanceRole,              // double: Euclidean, feature space; invalid without neighbours
        LabelNameRole,             // QString: the ground truth's class name
        PredictionNameRole,        // QString
    };
    Q_ENUM(Role)

    explicit SampleListModel(ExplorerSession* session, QObject* parent = nullptr);

    // The rows follow the session's selection, in the order it lists the
    // samples or in setOrder's: reset on selectionChanged and runChanged
    // (ids the run does not hold are left out).
    void followSelection();
    // How a followed selection is ordered: as the session lists it, by loss
    // (either way; equal losses and NaN, after every number, by ascending
    // id) or by id (training samples by index, then validation). Sorted here
    // with the keys read once: a QSortFilterProxyModel sorting a selection of
    // 400,000 rows through its model indexes held the GUI thread for a
    // second. Persistent indexes follow their rows.
    enum class Order { AsSelected, LossDescending, LossAscending, Id };
    void setOrder(Order order);
    Order order() const { return m_order; }
    // Replaces the rows by the neighbours of queryId, nearest first (ids and
    // distances of equal length; missing distances read 0). Without
    // followSelection the rows are cleared on runChanged (the ids belong to
    // a run).
    void setNeighbours(int queryId, why::Neighbours neighbours);
    void clear();

    ExplorerSession* session() const { return m_session; }
    // The query of setNeighbours, -1 otherwise.
    int queryId() const { return m_queryId; }
    // Whether the rows are neighbours (rank and distance roles).
    bool hasDistances() const { return m_hasDistances; }
    // Direct access for sorting and lookups (no QVariant per call).
    const QVector<int>& ids() const { return m_ids; }
    const std::vector<float>& distances() const { return m_distances; }
    int idAt(int row) const { return m_ids.value(row, -1); }
    float lossAt(int row) const;
    // The row of a session id, -1 when it is not listed.
    int rowOf(int id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    // DisplayRole: "train #123"; ToolTipRole: the sample header ("train #123 ·
    // GT 5 · predicted 6 (wrong) · loss 2.31"), with rank and distance for
    // neighbours.
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void reloadSelection();
    // The session's selection without ids the run does not hold.
    QVector<int> selectedIds() const;
    // m_ids in m_order (a selection's rows only).
    QVector<int> ordered(QVector<int> ids) const;
    void replaceRows(QVector<int> ids, std::vector<float> distances, int queryId,
                     bool hasDistances);
    void onRunChanged();

    ExplorerSession* m_session;
    bool m_followsSelection = false;
    Order m_order = Order::AsSelected;
    int m_queryId = -1;
    bool m_hasDistances = false;
    QVector<int> m_ids;
    std::vector<float> m_distances; // per row with neighbours, else empty
};

} // namespace mnistx::ui
