#include "ui/why/neighbour_model.h"

#include "ui/explorer_session.h"
#include "ui/inspector/error_inspector.h"

#include <QImage>
#include <algorithm>

namespace mnistx::ui
{

NeighbourModel::NeighbourModel(ExplorerSession* session, QObject* parent)
    : QAbstractListModel(parent), m_session(session)
{
    connect(m_session, &ExplorerSession::runChanged, this, &NeighbourModel::clear);
}

void NeighbourModel::setNeighbours(int queryId, why::Neighbours neighbours)
{
    beginResetModel();
    m_queryId = queryId;
    m_neighbours = std::move(neighbours);
    m_neighbours.distances.resize(m_neighbours.ids.size(), 0.0f);
    endResetModel();
}

void NeighbourModel::clear()
{
    beginResetModel();
    m_queryId = -1;
    m_neighbours = {};
    endResetModel();
}

QVector<int> NeighbourModel::ids() const
{
    return QVector<int>(m_neighbours.ids.begin(), m_neighbours.ids.end());
}

int NeighbourModel::idAt(int row) const
{
    return row >= 0 && row < rowCount() ? m_neighbours.ids[static_cast<std::size_t>(row)] : -1;
}

int NeighbourModel::rowOf(int id) const
{
    const auto it = std::find(m_neighbours.ids.begin(), m_neighbours.ids.end(), id);
    return it == m_neighbours.ids.end() ? -1 : static_cast<int>(it - m_neighbours.ids.begin());
}

int NeighbourModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_neighbours.ids.size());
}

QVariant NeighbourModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int id = idAt(index.row());
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount())
        return {};
    const double distance = m_neighbours.distances[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return m_session->describe(id);
    case Qt::ToolTipRole: {
        const bool right = m_session->correct(id);
        return tr("%1 · neighbour %2 · distance %3 (feature space)\nGT %4 · predicted %5 (%6) · "
                  "loss %7\nClick: inspect it (the list stays). Double-click: find its own "
                  "neighbours.")
            .arg(m_session->describe(id))
            .arg(index.row() + 1)
            .arg(QString::number(distance, 'f', 2))
            .arg(m_session->label(id))
            .arg(m_session->prediction(id))
            .arg(right ? tr("right") : tr("wrong"))
            .arg(ErrorInspector::formatLoss(m_session->loss(id)));
    }
    case IdRole:
        return id;
    case RankRole:
        return index.row() + 1;
    case DistanceRole:
        return distance;
    case LabelRole:
        return m_session->label(id);
    case PredictionRole:
        return m_session->prediction(id);
    case LossRole:
        return static_cast<double>(m_session->loss(id));
    case CorrectRole:
        return m_session->correct(id);
    case ThumbnailRole:
        return m_session->image(id);
    default:
        return {};
    }
}

QHash<int, QByteArray> NeighbourModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "sampleId");
    names.insert(RankRole, "rank");
    names.insert(DistanceRole, "distance");
    names.insert(LabelRole, "label");
    names.insert(PredictionRole, "prediction");
    names.insert(LossRole, "loss");
    names.insert(CorrectRole, "correct");
    names.insert(ThumbnailRole, "thumbnail");
    return names;
}

} // namespace mnistx::ui
