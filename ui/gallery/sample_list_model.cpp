#include "ui/gallery/sample_list_model.h"

#include "ui/common/radix_order.h"
#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"

#include <QHash>
#include <QImage>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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

QVector<int> SampleListModel::selectedIds() const
{
    QVector<int> ids;
    if (m_session->hasRun()) {
        ids.reserve(m_session->selection().size());
        for (int id : m_session->selection())
            if (id >= 0 && id < m_session->sampleCount()) // a stale id after a reload: left out
                ids.append(id);
    }
    return ids;
}

void SampleListModel::reloadSelection()
{
    replaceRows(ordered(selectedIds()), {}, -1, false);
}

QVector<int> SampleListModel::ordered(QVector<int> ids) const
{
    if (m_order == Order::AsSelected)
        return ids;
    // Selections from the map come in ascending ids already.
    if (!std::is_sorted(ids.begin(), ids.end()))
        std::sort(ids.begin(), ids.end());
    if (m_order == Order::Id || !m_session->scored()) // no losses to order by
        return ids;
    // (key, id) packed and radix-sorted: the losses are read once, in the
    // selection's order; equal keys keep ascending ids.
    const bool descending = m_order == Order::LossDescending;
    std::vector<std::uint64_t> packed;
    packed.reserve(static_cast<std::size_t>(ids.size()));
    for (int id : ids) {
        const float loss = m_session->loss(id);
        const std::uint32_t key =
            std::isnan(loss) ? 0xffffffffu : orderedFloatBits(descending ? -loss : loss);
        packed.push_back((std::uint64_t{key} << kRadixIdBits) | static_cast<std::uint32_t>(id));
    }
    radixSortByKey(packed, 32);
    for (qsizetype i = 0; i < ids.size(); ++i)
        ids[i] = radixId(packed[static_cast<std::size_t>(i)]);
    return ids;
}

void SampleListModel::setOrder(Order order)
{
    if (order == m_order)
        return;
    m_order = order;
    if (!m_followsSelection || m_ids.isEmpty())
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<int> idsBefore;
    idsBefore.reserve(static_cast<std::size_t>(before.size()));
    for (const QModelIndex& index : before)
        idsBefore.push_back(m_ids.value(index.row(), -1));
    m_ids = ordered(selectedIds());
    if (!before.isEmpty()) {
        QHash<int, int> rowOfId;
        for (int id : idsBefore)
            rowOfId.insert(id, -1);
        for (qsizetype row = 0; row < m_ids.size(); ++row) {
            const auto it = rowOfId.find(m_ids[row]);
            if (it != rowOfId.end())
                *it = static_cast<int>(row);
        }
        QModelIndexList after;
        for (std::size_t i = 0; i < idsBefore.size(); ++i)
            after.append(
                index(rowOfId.value(idsBefore[i], -1), before[static_cast<int>(i)].column()));
        changePersistentIndexList(before, after);
    }
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
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
    if (!m_session->scored())
        return std::numeric_limits<float>::quiet_NaN();
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
    if (!m_session->scored() && (role == PredictionRole || role == PredictionNameRole ||
                                 role == LossRole || role == CorrectRole))
        return {}; // a run without model scores
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
