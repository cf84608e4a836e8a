#pragma once

#include "core/store/run_library.h"
#include "ui/common/view_actions.h"

#include <QString>
#include <QWidget>
#include <vector>

class QAction;
class QLabel;
class QStandardItemModel;
class QTableView;

namespace mnistx::ui
{

class HintStack;

// The Runs panel: the runs of the library folder (runs/, the folder of the
// open run's folder) as a table, newest first: name, dataset, model,
// validation accuracy, samples, date; the open run's name in bold; a run whose
// summary cannot be read greyed, with the reason in its tooltip.
//
// Open (double-click, Enter), Compare (the open run against the chosen
// one, on the map), Rename… (F2), Delete… (Del, after a
// confirmation; the open run cannot be deleted), Refresh (F5); also from the
// context menu. The panel changes nothing but the folders it is asked to:
// renames and deletions go through store::renameRun / deleteRun, whose
// refusals (a name taken, a folder that is not a run) are shown as they are.
// GUI thread only.
class RunsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPanel(QWidget* parent = nullptr);

    // The library folder to list and the open run in it (bold; not
    // deletable; "" for none), listed once.
    void setFolder(const QString& root, const QString& openRun = {});
    QString folder() const { return m_root; }
    // Lists the folder again.
    void refresh();

    // What is listed, top to bottom (tests, the actions).
    const std::vector<store::RunEntry>& runs() const { return m_runs; }
    QString cellText(int row, int column) const;
    // The run of the current row ("" when none).
    QString currentRun() const;
    void setCurrentRun(const QString& dir);

    // The work behind Rename… and Delete… without their dialogs: "" when
    // done, else the message that says why not (also shown by the dialogs).
    QString renameRun(const QString& dir, const QString& newName);
    QString deleteRun(const QString& dir);

    enum Column {
        NameColumn,
        DatasetColumn,
        ModelColumn,
        AccuracyColumn,
        SamplesColumn,
        DateColumn
    };

Q_SIGNALS:
    void openRequested(const QString& dir);
    // Compare the open run with this one (the window colours the map).
    void compareRequested(const QString& dir);
    // A run folder was renamed (the window follows when it is the open run).
    void runRenamed(const QString& from, const QString& to);

private:
    void askRename();
    void askDelete();
    void updateActions();
    static QString deleteTip(bool openRunChosen);

    QString m_root;
    QString m_openRun;
    std::vector<store::RunEntry> m_runs;
    QStandardItemModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    HintStack* m_stack = nullptr;
    QLabel* m_folderLabel = nullptr;
    ViewActions m_actions;
    // Its tooltip says why it is off while the open run is chosen.
    QAction* m_deleteAction = nullptr;
};

} // namespace mnistx::ui
