#pragma once
// The label-error candidates of a run (core/why/label_errors.h) as a table
// the user works through: each row a sample whose given label is probably
// wrong, with the evidence (self-confidence against its class threshold,
// the neighbour vote) and the user's verdict ("mislabeled" / "fine"), which
// is saved beside the run at once.

#include "core/why/label_errors.h"
#include "ui/common/view_actions.h"
#include "ui/why/label_candidates_model.h"
#include "ui/why/label_candidates_proxy.h"

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
class QTableView;

namespace mnistx::ui
{

class ElidedLabel;
class HintStack;

class ExplorerSession;
class WhyContext;

// The label-candidates panel: a table of the run's label-error candidates
// (thumbnail, subset, index, given label, suggested label, score,
// self-confidence vs its class threshold, neighbour vote, mark), sorted by
// score until the user clicks another column, filtered by subset and
// "hide marked".
//
// A view of the context's ranking (WhyContext: from the run's feature
// index, with the settings of WhyContext::setLabelErrorConfig): "waiting for
// the neighbour index…", then "ranking…", then the table.
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
    explicit LabelCandidatesPanel(WhyContext* context, QWidget* parent = nullptr);

    enum class State { NoRun, WaitingForIndex, Ranking, Ready, Failed };
    Q_ENUM(State)

    // The folder of the session's run (where run.bin is), "" for a run only
    // in memory. Call it before or after ExplorerSession::setRun: the marks
    // are (re)loaded from the folder; marks made while there was no folder
    // are merged over the folder's file and saved.
    void setRunDir(const QString& runDir);
    QString runDir() const { return m_runDir; }

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
    // Mislabeled (L), Fine (F), Clear Mark (U), on the selected rows; the
    // window's Why menu lists them too.
    const QList<QAction*>& markActions() const { return m_markActions.all(); }
    // Export Label Candidates as CSV…, Export Label Marks as CSV… (File ▸ Export).
    const QList<QAction*>& exportActions() const { return m_exportActions.all(); }

Q_SIGNALS:
    // The table holds a new ranking (count candidates).
    void candidatesReady(int count);
    void rankingFailed(const QString& message);
    // After every change of the marks (loaded, set, cleared).
    void marksChanged();
    // Saving or reading label_marks.json failed; message names the file.
    void marksError(const QString& message);

private:
    void onRunChanged();
    // Shows what the context has: its ranking, or which step it is at.
    void followContext();
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

    WhyContext* m_context;
    ExplorerSession* m_session;
    QString m_runDir;
    State m_state = State::NoRun;
    bool m_unsavedMarks = false; // marks made with no run folder, or not saved after a failure
    bool m_marksFileUnreadable = false; // do not overwrite a file we could not read
    QString m_marksError;
    QString m_rankingError;
    bool m_syncing = false; // selecting the session's current sample: do not echo it back

    LabelCandidatesModel* m_model = nullptr;
    LabelCandidatesProxy* m_proxy = nullptr;
    ElidedLabel* m_status = nullptr;
    QComboBox* m_subsetBox = nullptr;
    QCheckBox* m_hideMarkedBox = nullptr;
    ElidedLabel* m_count = nullptr;
    QFrame* m_errorBanner = nullptr;
    QLabel* m_errorText = nullptr;
    QPushButton* m_errorButton = nullptr;
    HintStack* m_stack = nullptr;
    QTableView* m_table = nullptr;
    ViewActions m_markActions;
    ViewActions m_exportActions;
};

} // namespace mnistx::ui
