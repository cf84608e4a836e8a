#pragma once
// The label-error candidates of a run (core/why/label_errors.h) as a table
// the user works through: each row a sample whose given label is probably
// wrong, with the evidence (self-confidence against its class threshold,
// the neighbour vote) and the user's verdict ("mislabeled" / "fine"), which
// is saved beside the run at once.

#include "core/why/feature_index.h"
#include "core/why/label_errors.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPixmap>
#include <QSortFilterProxyModel>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QFrame;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;

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

// Filters a LabelCandidatesModel by subset and hides marked rows on request;
// sorts numerically (LabelCandidatesModel::sortValue), ties in ranking order
// in both directions. GUI thread only.
class LabelCandidatesProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class SubsetFilter { Both, Train, Validation };
    Q_ENUM(SubsetFilter)

    explicit LabelCandidatesProxy(QObject* parent = nullptr);
    // The source must be a LabelCandidatesModel.
    void setSourceModel(QAbstractItemModel* model) override;

    void setSubsetFilter(SubsetFilter filter);
    SubsetFilter subsetFilter() const { return m_subset; }
    void setHideMarked(bool hide);
    bool hideMarked() const { return m_hideMarked; }

    int idAt(int proxyRow) const; // -1 when out of range
    int sourceRowAt(int proxyRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    const LabelCandidatesModel* m_source = nullptr;
    SubsetFilter m_subset = SubsetFilter::Both;
    bool m_hideMarked = false;
};

// The label-candidates panel: a table of the run's label-error candidates
// (thumbnail, subset, index, given label, suggested label, score,
// self-confidence vs its class threshold, neighbour vote, mark), sorted by
// score until the user clicks another column, filtered by subset and
// "hide marked".
//
// Ranking needs the run's feature index (built elsewhere, given with
// setIndex) and runs on a worker thread (QtConcurrent): "waiting for the
// neighbour index…", then "ranking…", then the table. A new run or index
// discards the results of an older ranking. An index of another run (other
// sizes or features) is ignored until the right one arrives.
//
// Marks: L = mislabeled, F = fine, U = clear (keys act while the panel has
// focus), the buttons below the table or the context menu; on the selected
// rows. Each change is saved at once to "<runDir>/label_marks.json"
// (why::saveLabelMarks, atomic). A failure is shown in a red banner above
// the table with a Retry button and the marks stay in memory; a marks file
// that cannot be read is reported the same way and is not overwritten unless
// the user clicks "Replace file". With no run folder (a run only in memory)
// marks are kept in memory and saved when setRunDir gives a folder.
//
// Follows the session: a clicked row becomes the current sample; a current
// sample chosen elsewhere selects its row when it is listed.
// GUI thread only.
class LabelCandidatesPanel : public QWidget
{
    Q_OBJECT
public:
    enum class State { NoRun, WaitingForIndex, Ranking, Ready, Failed };
    Q_ENUM(State)

    explicit LabelCandidatesPanel(ExplorerSession* session, QWidget* parent = nullptr);
    ~LabelCandidatesPanel() override;

    // The run's feature index (global ids as in the session); nullptr: none.
    // Ranking starts when the session has a run and this index matches it.
    void setIndex(std::shared_ptr<const why::FeatureIndex> index);
    // The folder of the session's run (where run.bin is), "" for a run only
    // in memory. Call it before or after ExplorerSession::setRun: the marks
    // are (re)loaded from the folder; marks made while there was no folder
    // are merged over the folder's file and saved.
    void setRunDir(const QString& runDir);
    QString runDir() const { return m_runDir; }
    // Ranking settings (default: why::LabelErrorConfig{}); re-ranks.
    void setConfig(const why::LabelErrorConfig& config);

    State state() const { return m_state; }
    QString statusText() const;
    // The last marks error (could not read or save the file), "" when none.
    QString marksErrorText() const { return m_marksError; }

    const std::vector<why::LabelCandidate>& candidates() const { return m_model->candidates(); }
    const why::LabelMarks& marks() const { return m_model->marks(); }

    // Marks (nullopt: clears) the selected rows, or one sample by session id,
    // and saves.
    void markSelected(std::optional<why::LabelMark> mark);
    void setMark(int id, std::optional<why::LabelMark> mark);

    // The rows as shown (filter and sort) to label_candidates CSV; the marks
    // to CSV. False with a message naming the file in *error.
    bool exportCandidatesCsv(const QString& path, QString* error = nullptr) const;
    bool exportMarksCsv(const QString& path, QString* error = nullptr) const;

    // Session ids of the rows in the order shown / of the selected rows.
    QVector<int> shownIds() const;
    QVector<int> selectedIds() const;

    QTableView* tableView() const { return m_table; }
    LabelCandidatesModel* model() const { return m_model; }
    LabelCandidatesProxy* proxy() const { return m_proxy; }
    QAction* markMislabeledAction() const { return m_markMislabeled; }
    QAction* markFineAction() const { return m_markFine; }
    QAction* clearMarkAction() const { return m_clearMark; }
    QAction* exportCandidatesAction() const { return m_exportCandidates; }
    QAction* exportMarksAction() const { return m_exportMarks; }

Q_SIGNALS:
    // The table holds a new ranking (count candidates).
    void candidatesReady(int count);
    void rankingFailed(const QString& message);
    // After every change of the marks (loaded, set, cleared).
    void marksChanged();
    // Saving or reading label_marks.json failed; message names the file.
    void marksError(const QString& message);

private:
    struct RankResult;
    void onRunChanged();
    void startRankingIfReady();
    void onRankingFinished(int generation, const RankResult& result);
    void loadMarks(bool mergeUnsaved);
    void saveMarks(bool replaceUnreadable = false);
    void showMarksError(const QString& message, const QString& buttonText);
    void setState(State state);
    void updateStatus();
    void updateActions();
    void onTableCurrentChanged();
    void onSessionCurrentChanged(int id);
    void showContextMenu(const QPoint& position);
    // Asks for a CSV path, writes it with write, then confirms or warns.
    using CsvWriter = bool (LabelCandidatesPanel::*)(const QString&, QString*) const;
    void exportCsvInteractively(const QString& baseName, const QString& title, CsvWriter write);
    void exportCandidatesInteractively();
    void exportMarksInteractively();

    ExplorerSession* m_session;
    std::shared_ptr<const why::FeatureIndex> m_index;
    why::LabelErrorConfig m_config;
    QString m_runDir;
    State m_state = State::NoRun;
    int m_generation = 0;        // results of older rankings are discarded
    bool m_unsavedMarks = false; // marks made with no run folder, or not saved after a failure
    bool m_marksFileUnreadable = false; // do not overwrite a file we could not read
    QString m_marksError;
    QString m_rankingError;
    bool m_syncing = false; // selecting the session's current sample: do not echo it back

    LabelCandidatesModel* m_model = nullptr;
    LabelCandidatesProxy* m_proxy = nullptr;
    QLabel* m_status = nullptr;
    QComboBox* m_subsetBox = nullptr;
    QCheckBox* m_hideMarkedBox = nullptr;
    QLabel* m_count = nullptr;
    QFrame* m_errorBanner = nullptr;
    QLabel* m_errorText = nullptr;
    QPushButton* m_errorButton = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_hint = nullptr;
    QTableView* m_table = nullptr;
    QAction* m_markMislabeled = nullptr;
    QAction* m_markFine = nullptr;
    QAction* m_clearMark = nullptr;
    QAction* m_exportCandidates = nullptr;
    QAction* m_exportMarks = nullptr;
};

} // namespace mnistx::ui
