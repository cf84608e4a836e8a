#pragma once

#include "core/why/label_errors.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPixmap>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace mnistx::ui
{

class ExplorerSession;

// The candidates of the session's run, one row each in ranking order (best
// first), and the marks of the run's samples (all marks, also of samples
// that are no longer candidates). DisplayRole gives text, SortRole the number
// to sort by, DecorationRole the digit (thumbnail column) and class colours.
// GUI thread only.
class LabelCandidatesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ThumbnailColumn,
        SubsetColumn,
        IndexColumn,
        GivenLabelColumn,
        SuggestedLabelColumn,
        ScoreColumn,
        SelfConfidenceColumn,
        NeighbourVoteColumn,
        MarkColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        SortRole = Qt::UserRole + 1, // double: the column's value as a number
        IdRole,                      // int: session id
        RankRole,                    // int: position in the ranking, 0 = best
        MarkRole,                    // int: 0 none, else why::LabelMark
        SubsetRole,                  // int: analysis::Subset
    };
    Q_ENUM(Role)

    explicit LabelCandidatesModel(ExplorerSession* session, QObject* parent = nullptr);

    // Replaces the rows (nullptr: none). neighbours: k of the vote, for the
    // "7/10 say 4" text.
    void setCandidates(std::shared_ptr<const std::vector<why::LabelCandidate>> candidates,
                       int neighbours);
    const std::vector<why::LabelCandidate>& candidates() const;

    // The marks: replaced as a whole (a run's file loaded) or one at a time.
    void setMarks(why::LabelMarks marks);
    const why::LabelMarks& marks() const { return m_marks; }
    void setMark(analysis::Subset subset, int index, std::optional<why::LabelMark> mark);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Direct access for the proxy and the panel (no QVariant per comparison).
    const why::LabelCandidate& candidate(int row) const;
    int idAt(int row) const;
    int rowOf(int id) const;   // -1 when the sample is not a candidate
    int markAt(int row) const; // 0 none, else why::LabelMark
    double sortValue(int row, int column) const;
    // The neighbour vote as shown: "7/10 say 4".
    QString neighbourVoteText(int row) const;

    static constexpr int kThumbnailScale = 2; // 56 px: the digit is recognisable, rows stay compact

private:
    void onRunChanged();
    QPixmap classSwatch(int classIndex) const;

    ExplorerSession* m_session;
    std::shared_ptr<const std::vector<why::LabelCandidate>> m_candidates;
    int m_neighbours = 10;
    why::LabelMarks m_marks;
    QHash<int, int> m_rowOfId;
    mutable QHash<int, QPixmap> m_thumbnails; // by row, made when first painted
    mutable QHash<int, QPixmap> m_swatches;   // by class
};

} // namespace mnistx::ui
