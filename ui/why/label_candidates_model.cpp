#include "ui/why/label_candidates_model.h"

#include "ui/explorer_session.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace mnistx::ui
{

namespace
{

QString subsetText(analysis::Subset subset)
{
    return subset == analysis::Subset::Train ? QObject::tr("train") : QObject::tr("validation");
}

QString markText(int mark)
{
    if (mark == static_cast<int>(why::LabelMark::ConfirmedMislabeled))
        return QObject::tr("mislabeled");
    if (mark == static_cast<int>(why::LabelMark::Fine))
        return QObject::tr("fine");
    return {};
}

int neighbourCount(float share, int k)
{
    return static_cast<int>(std::lround(static_cast<double>(share) * k));
}

} // namespace

LabelCandidatesModel::LabelCandidatesModel(ExplorerSession* session, QObject* parent)
    : QAbstractTableModel(parent), m_session(session)
{
    connect(m_session, &ExplorerSession::runChanged, this, &LabelCandidatesModel::onRunChanged);
}

void LabelCandidatesModel::onRunChanged()
{
    // The rows belong to the old run; the panel ranks the new one.
    setCandidates(nullptr, m_neighbours);
}

void LabelCandidatesModel::setCandidates(
    std::shared_ptr<const std::vector<why::LabelCandidate>> candidates, int neighbours)
{
    beginResetModel();
    m_candidates = std::move(candidates);
    m_neighbours = std::max(1, neighbours);
    m_thumbnails.clear();
    m_rowOfId.clear();
    if (m_candidates && m_session->hasRun()) {
        m_rowOfId.reserve(static_cast<int>(m_candidates->size()));
        for (std::size_t row = 0; row < m_candidates->size(); ++row) {
            const auto& c = (*m_candidates)[row];
            m_rowOfId.insert(m_session->idOf(c.subset, c.index), static_cast<int>(row));
        }
    }
    endResetModel();
}

const std::vector<why::LabelCandidate>& LabelCandidatesModel::candidates() const
{
    static const std::vector<why::LabelCandidate> none;
    return m_candidates ? *m_candidates : none;
}

void LabelCandidatesModel::setMarks(why::LabelMarks marks)
{
    m_marks = std::move(marks);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, MarkColumn), index(rowCount() - 1, MarkColumn));
}

void LabelCandidatesModel::setMark(analysis::Subset subset, int index,
                                   std::optional<why::LabelMark> mark)
{
    if (mark)
        m_marks.set(subset, index, *mark);
    else
        m_marks.clear(subset, index);
    if (!m_session->hasRun())
        return;
    const int row = rowOf(m_session->idOf(subset, index));
    if (row >= 0)
        Q_EMIT dataChanged(this->index(row, MarkColumn), this->index(row, MarkColumn));
}

int LabelCandidatesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_candidates ? 0 : static_cast<int>(m_candidates->size());
}

int LabelCandidatesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const why::LabelCandidate& LabelCandidatesModel::candidate(int row) const
{
    return (*m_candidates)[static_cast<std::size_t>(row)];
}

int LabelCandidatesModel::idAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    const auto& c = candidate(row);
    return m_session->idOf(c.subset, c.index);
}

int LabelCandidatesModel::rowOf(int id) const
{
    return m_rowOfId.value(id, -1);
}

int LabelCandidatesModel::markAt(int row) const
{
    const auto& c = candidate(row);
    const why::LabelMark* mark = m_marks.find(c.subset, c.index);
    return mark ? static_cast<int>(*mark) : 0;
}

double LabelCandidatesModel::sortValue(int row, int column) const
{
    if (row < 0 || row >= rowCount())
        return 0.0;
    const auto& c = candidate(row);
    switch (column) {
    case ThumbnailColumn:
        return row; // the ranking
    case SubsetColumn:
        return idAt(row); // training rows first, each subset by index
    case IndexColumn:
        return c.index;
    case GivenLabelColumn:
        return c.givenLabel;
    case SuggestedLabelColumn:
        return c.suggestedLabel;
    case ScoreColumn:
        return c.score;
    case SelfConfidenceColumn:
        return c.selfConfidence;
    case NeighbourVoteColumn:
        return c.neighbourSuggestedShare;
    case MarkColumn:
        return markAt(row);
    default:
        return 0.0;
    }
}

QPixmap LabelCandidatesModel::classSwatch(int classIndex) const
{
    // A pixmap, not a QColor: a colour decoration would be drawn at the
    // table's icon size, which is the thumbnails' 56 px.
    auto it = m_swatches.find(classIndex);
    if (it == m_swatches.end()) {
        QPixmap swatch(12, 12);
        swatch.fill(classColor(classIndex));
        QPainter painter(&swatch);
        painter.setPen(classColor(classIndex).darker(140));
        painter.drawRect(0, 0, 11, 11);
        painter.end();
        it = m_swatches.insert(classIndex, swatch);
    }
    return *it;
}

QString LabelCandidatesModel::neighbourVoteText(int row) const
{
    const auto& c = candidate(row);
    return tr("%1/%2 say %3")
        .arg(neighbourCount(c.neighbourSuggestedShare, m_neighbours))
        .arg(m_neighbours)
        .arg(m_session->className(c.suggestedLabel));
}

QVariant LabelCandidatesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const why::LabelCandidate& c = candidate(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case SubsetColumn:
            return subsetText(c.subset);
        case IndexColumn:
            return c.index;
        case GivenLabelColumn:
            return m_session->className(c.givenLabel);
        case SuggestedLabelColumn:
            return m_session->className(c.suggestedLabel);
        case ScoreColumn:
            return QString::number(c.score, 'f', 3);
        case SelfConfidenceColumn:
            return tr("%1 < %2").arg(QString::number(c.selfConfidence, 'f', 3),
                                     QString::number(c.threshold, 'f', 3));
        case NeighbourVoteColumn:
            return neighbourVoteText(row);
        case MarkColumn:
            return markText(markAt(row));
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (column == ThumbnailColumn) {
            auto it = m_thumbnails.find(row);
            if (it == m_thumbnails.end()) {
                const QImage image = m_session->image(idAt(row));
                QPixmap pixmap;
                if (!image.isNull())
                    pixmap = QPixmap::fromImage(image.scaled(image.size() * kThumbnailScale,
                                                             Qt::IgnoreAspectRatio,
                                                             Qt::FastTransformation));
                it = m_thumbnails.insert(row, pixmap);
            }
            return it->isNull() ? QVariant() : QVariant(*it);
        }
        // The class colours of the map, so a row reads like its dots.
        if (column == GivenLabelColumn)
            return classSwatch(c.givenLabel);
        if (column == SuggestedLabelColumn)
            return classSwatch(c.suggestedLabel);
        return {};
    case Qt::FontRole:
        // A suggestion that is only the runner-up (no confident-joint evidence) is weaker.
        if (column == SuggestedLabelColumn && !c.confidentJoint) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        if (column == MarkColumn && markAt(row) != 0) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (column == MarkColumn) {
            const int mark = markAt(row);
            if (mark == static_cast<int>(why::LabelMark::ConfirmedMislabeled))
                return QColor(0xb0, 0x1c, 0x1c); // dark red: readable on white and alternate rows
            if (mark == static_cast<int>(why::LabelMark::Fine))
                return QColor(0x1b, 0x6e, 0x2a);
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == SubsetColumn || column == MarkColumn || column == NeighbourVoteColumn
                   ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                   : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole: {
        const int k = m_neighbours;
        QString tip =
            tr("%1: labelled %2, probably %3 (score %4).\n"
               "Self-confidence p(%2 | x) = %5, below the mean self-confidence of class %2 in "
               "this subset (threshold %6).\n"
               "p(%3 | x) = %7%8.\n"
               "Of its %9 nearest neighbours in feature space, %10 are labelled %3 and %11 "
               "labelled %2.")
                .arg(m_session->describe(idAt(row)))
                .arg(m_session->className(c.givenLabel))
                .arg(m_session->className(c.suggestedLabel))
                .arg(QString::number(c.score, 'f', 2), QString::number(c.selfConfidence, 'g', 3),
                     QString::number(c.threshold, 'g', 3),
                     QString::number(c.suggestedConfidence, 'g', 3),
                     c.confidentJoint
                         ? tr(", at least the mean self-confidence of class %1 (confident "
                              "learning: probably class %1)")
                               .arg(m_session->className(c.suggestedLabel))
                         : tr(", below the threshold of class %1: %1 is only the runner-up")
                               .arg(m_session->className(c.suggestedLabel)))
                .arg(k)
                .arg(neighbourCount(c.neighbourSuggestedShare, k))
                .arg(neighbourCount(c.neighbourGivenShare, k));
        const QString mark = markText(markAt(row));
        if (!mark.isEmpty())
            tip += QLatin1Char('\n') + tr("Marked %1.").arg(mark);
        return tip;
    }
    case SortRole:
        return sortValue(row, column);
    case IdRole:
        return idAt(row);
    case RankRole:
        return row;
    case MarkRole:
        return markAt(row);
    case SubsetRole:
        return static_cast<int>(c.subset);
    default:
        return {};
    }
}

namespace
{

// Each column's header and its tooltip, in Column order. The headers are
// plain words, two short lines where one would widen the column beyond its
// numbers (QHeaderView draws the line break).
struct ColumnText {
    const char* header;
    const char* toolTip;
};
constexpr ColumnText kColumnTexts[] = {
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Image"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "The sample's image; sort by this column to restore the ranking order")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Subset"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "Whether the sample is one of the training or of the validation samples")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Sample\nnumber"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "The sample's position in its subset (0 = the first), as in exports and "
                       "the inspector's header")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Given\nlabel"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel", "The label in the data set")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Suggested\nlabel"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "The class the sample probably is: the class whose probability reaches "
                       "that class's threshold (confident learning), else the runner-up "
                       "(italic)")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Score"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "How likely the label is wrong, 0–1: half from the model's doubt "
                       "(1 − self-confidence), half from the neighbours that disagree with "
                       "the label")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Confidence in label\n< class average"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "How sure the model is of the given label (its probability p(given "
                       "label | x), 0–1) against what is usual for that class: the mean of this "
                       "probability over the samples labelled with that class in the same subset "
                       "(self-confidence and its threshold in confident learning, Northcutt et "
                       "al. 2021). Candidates are below it.")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Neighbours\nagreeing"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "How many of the sample's nearest neighbours in feature space "
                       "(penultimate layer, both subsets) carry the suggested label")},
    {QT_TRANSLATE_NOOP("LabelCandidatesModel", "Your\nverdict"),
     QT_TRANSLATE_NOOP("LabelCandidatesModel",
                       "Your verdict: L = mislabeled, F = fine, U = clear. Saved beside the run "
                       "in label_marks.json.")},
};
static_assert(std::size(kColumnTexts) == LabelCandidatesModel::ColumnCount,
              "one header and tooltip per column");

} // namespace

QVariant LabelCandidatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return tr(kColumnTexts[section].header);
    if (role == Qt::ToolTipRole)
        return tr(kColumnTexts[section].toolTip);
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace mnistx::ui
