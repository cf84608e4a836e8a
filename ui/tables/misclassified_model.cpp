#include "ui/tables/misclassified_model.h"

#include "ui/common/sample_format.h"
#include "ui/common/sample_header.h"
#include "ui/explorer_session.h"

#include <QColor>
#include <QFont>
#include <cmath>
#include <limits>

namespace mnistx::ui
{

MisclassifiedModel::MisclassifiedModel(ExplorerSession* session, QObject* parent)
    : QAbstractTableModel(parent), m_session(session)
{
    connect(m_session, &ExplorerSession::runChanged, this, &MisclassifiedModel::reload);
    reload();
}

void MisclassifiedModel::reload()
{
    beginResetModel();
    m_ids.clear();
    m_rowOfId.clear();
    if (m_session->hasRun()) {
        m_ids = m_session->misclassifiedByLoss();
        m_rowOfId.assign(static_cast<size_t>(m_session->sampleCount()), -1);
        for (size_t row = 0; row < m_ids.size(); ++row)
            m_rowOfId[static_cast<size_t>(m_ids[row])] = static_cast<int>(row);
    }
    endResetModel();
}

int MisclassifiedModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

int MisclassifiedModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int MisclassifiedModel::rowOf(int id) const
{
    return id >= 0 && id < static_cast<int>(m_rowOfId.size()) ? m_rowOfId[static_cast<size_t>(id)]
                                                              : -1;
}

double MisclassifiedModel::distanceTo(int id, int classIndex) const
{
    const analysis::SubsetAnalysis& a = m_session->analysisOf(id);
    const int row = m_session->indexInSubset(id);
    if (row >= a.centroidDistances.rows() || classIndex < 0 ||
        classIndex >= a.centroidDistances.cols())
        return std::numeric_limits<double>::quiet_NaN();
    return a.centroidDistances(row, classIndex);
}

double MisclassifiedModel::sortValue(int row, int column) const
{
    const int id = idAt(row);
    if (id < 0)
        return 0.0;
    switch (column) {
    case SubsetColumn:
        return id; // training rows first, each subset by index
    case IndexColumn:
        return m_session->indexInSubset(id);
    case GroundTruthColumn:
        return m_session->label(id);
    case PredictionColumn:
        return m_session->prediction(id);
    case LossColumn:
        return m_session->loss(id);
    case GroundTruthDistanceColumn:
        return distanceTo(id, m_session->label(id));
    case PredictionDistanceColumn:
        return distanceTo(id, m_session->prediction(id));
    default:
        return 0.0;
    }
}

QVariant MisclassifiedModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const int id = m_ids[static_cast<size_t>(row)];
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SubsetColumn:
            return m_session->subsetOf(id) == analysis::Subset::Train ? tr("train")
                                                                      : tr("validation");
        case IndexColumn:
            return m_session->indexInSubset(id);
        case GroundTruthColumn:
            return m_session->className(m_session->label(id));
        case PredictionColumn:
            return m_session->className(m_session->prediction(id));
        case LossColumn:
            return formatLossFixed(m_session->loss(id));
        case GroundTruthDistanceColumn:
        case PredictionDistanceColumn: {
            const double d = sortValue(row, column);
            return formatDistance(d);
        }
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        return column == SubsetColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                      : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::DecorationRole:
        // The class colours of the map, so a row reads like its dots.
        if (column == GroundTruthColumn)
            return classColor(m_session->label(id));
        if (column == PredictionColumn)
            return classColor(m_session->prediction(id));
        return {};
    case Qt::ToolTipRole:
        return sampleHeader(*m_session, id).plain;
    case SortRole:
        return sortValue(row, column);
    case IdRole:
        return id;
    case GroundTruthRole:
        return m_session->label(id);
    case PredictionRole:
        return m_session->prediction(id);
    case SubsetRole:
        return static_cast<int>(m_session->subsetOf(id));
    default:
        return {};
    }
}

QString MisclassifiedModel::space() const
{
    return QString::fromLatin1(m_session->hasRun() ? m_session->run().centroidSpace()
                                                   : "pixel space");
}

QVariant MisclassifiedModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case SubsetColumn:
            return tr("Subset");
        case IndexColumn:
            return tr("Index");
        case GroundTruthColumn:
            return tr("GT");
        case PredictionColumn:
            return tr("Pred");
        case LossColumn:
            return tr("Loss");
        case GroundTruthDistanceColumn:
            return tr("Dist. GT");
        case PredictionDistanceColumn:
            return tr("Dist. pred");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case SubsetColumn:
            return tr("Training or validation set");
        case IndexColumn:
            return tr("Index of the sample in its subset's IDX file");
        case GroundTruthColumn:
            return tr("Ground-truth class (the label)");
        case PredictionColumn:
            return tr("The class the model predicted");
        case LossColumn:
            return tr("Cross-entropy loss of the sample (nats)");
        case GroundTruthDistanceColumn:
            return tr("Euclidean distance in %1 to the centroid of the ground-truth class")
                .arg(space());
        case PredictionDistanceColumn:
            return tr("Euclidean distance in %1 to the centroid of the predicted class")
                .arg(space());
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return section == SubsetColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                       : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace mnistx::ui
