#include "ui/gallery/sample_list_model.h"

#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"

#include <QImage>

namespace mnistx::ui
{

SampleListModel::SampleListModel(ExplorerSession* session, QObject* parent)
    : QAbstractListModel(parent), m_session(session)
{
    connect(m_session, &ExplorerSession::runChanged, this, &SampleListModel::onRunChanged);
}

void SampleListModel::followSelection()
{
    if (m_followsSelection)
        return;
    m_followsSelection = true;
    connect(m_session, &ExplorerSession::selectionChanged, this, &SampleListModel::reloadSelection);
    reloadSelection();
}

void SampleListModel::onRunChanged()
{
    if (m_followsSelection)
        reloadSelection();
    else
        clear();
}

void SampleListModel::reloadSelection()
{
    QVector<int> ids;
    if (m_session->hasRun()) {
        ids.reserve(m_session->selection().size());
        for (int id : m_session->selection())
            if (id >= 0 && id < m_session->sampleCount()) // a stale id after a reload: left out
                ids.append(id);
    }
    replaceRows(std::move(ids), {}, -1, false);
}

void SampleListModel::setNeighbours(int queryId, why::Neighbours neighbours)
{
    std::vector<float> distances = std::move(neighbours.distances);
    distances.resize(neighbours.ids.size(), 0.0f);
    replaceRows(QVector<int>(neighbours.ids.begin(), neighbours.ids.end()), std::move(distances),
                queryId, true);
}

void SampleListModel::clear()
{
    replaceRows({}, {}, -1, false);
}

void SampleListModel::replaceRows(QVector<int> ids, std::vector<float> distances, int queryId,
                                  bool hasDistances)
{
    beginResetModel();
    m_ids = std::move(ids);
    m_distances = std::move(distances);
    m_queryId = queryId;
    m_hasDistances = hasDistances;
    endResetModel();
}

float SampleListModel::lossAt(int row) const
{
    return row >= 0 && row < m_ids.size() ? m_session->loss(m_ids[row]) : 0.0f;
}

int SampleListModel::rowOf(int id) const
{
    return static_cast<int>(m_ids.indexOf(id));
}

int SampleListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

QVariant SampleListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int id = m_ids[index.row()];
    if (!m_session->hasRun() || id < 0 || id >= m_session->sampleCount())
        return {};
    const bool neighbour = hasDistances();
    const double distance = neighbour ? m_distances[static_cast<std::size_t>(index.row())] : 0.0;
    switch (role) {
    case Qt::DisplayRole:
        return m_session->describe(id);
    case Qt::ToolTipRole: {
        QString tip = sampleHeader(*m_session, id).plain;
        if (neighbour)
            tip += QLatin1Char('\n') +
                   tr("neighbour %1 · distance %2 (feature space)\nClick: inspect it (the list "
                      "stays). Double-click: find its own neighbours.")
                       .arg(index.row() + 1)
                       .arg(formatDistance(distance));
        return tip;
    }
    case IdRole:
        return id;
    case LabelRole:
        return m_session->label(id);
    case PredictionRole:
        return m_session->prediction(id);
    case LabelNameRole:
        return m_session->className(m_session->label(id));
    case PredictionNameRole:
        return m_session->className(m_session->prediction(id));
    case LossRole:
        return static_cast<double>(m_session->loss(id));
    case CorrectRole:
        return m_session->correct(id);
    case ThumbnailRole:
        return m_session->image(id);
    case RankRole:
        return neighbour ? QVariant(index.row() + 1) : QVariant();
    case DistanceRole:
        return neighbour ? QVariant(distance) : QVariant();
    default:
        return {};
    }
}

QHash<int, QByteArray> SampleListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names[IdRole] = "id";
    names[LabelRole] = "label";
    names[PredictionRole] = "prediction";
    names[LossRole] = "loss";
    names[CorrectRole] = "correct";
    names[ThumbnailRole] = "thumbnail";
    names[RankRole] = "rank";
    names[DistanceRole] = "distance";
    return names;
}

} // namespace mnistx::ui
