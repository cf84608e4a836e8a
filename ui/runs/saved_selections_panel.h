#pragma once

#include "core/store/saved_selections.h"
#include "ui/common/view_actions.h"

#include <QString>
#include <QWidget>
#include <vector>

class QAction;
class QLabel;
class QStandardItemModel;
class QTreeView;

namespace mnistx::ui
{

class ExplorerSession;
class HintStack;

// The Saved panel: the open run's saved selections (its tags), kept in
// selections.json beside run.bin (core/store/saved_selections.h): name,
// samples, how it was made.
//
// Save Selection… (Ctrl+Shift+S: the session's selection under a new name),
// Add Selection To (the session's selection joins the chosen one), Open
// (Enter, double-click: the chosen one becomes the session's selection, the
// gallery and the map show it), Rename… (F2), Delete… (Del, after asking),
// Export CSV… (samples.csv's columns), Colour Map (each saved selection a
// colour on the map: colourRequested).
//
// Every change is written at once, atomically. A selections.json this
// version cannot read (damaged, newer, another run's) is named in the panel
// and left as it is: nothing can be saved over it until it is moved away.
// GUI thread only.
class SavedSelectionsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SavedSelectionsPanel(ExplorerSession* session, QWidget* parent = nullptr);

    // Where the shown run is stored ("" while it is not): its
    // selections.json is read now and written on each change. A new run of
    // the session forgets the folder until this names the new run's.
    void setRunFolder(const QString& dir);
    const std::vector<store::SavedSelection>& selections() const { return m_selections; }
    // Why the folder's selections.json was not read ("" when it was, or
    // there is none).
    const QString& problem() const { return m_problem; }

    // The work behind the actions without their dialogs: "" when done, else
    // why not (also what the dialogs show).
    QString saveSelection(const QString& name);
    QString addSelectionTo(int row);
    QString renameSelection(int row, const QString& name);
    QString deleteSelection(int row);
    // Makes selection `row` the session's selection.
    void openSelection(int row);
    int currentRow() const;
    void setCurrentRow(int row);

    QAction* saveAction() const { return m_saveAction; }

Q_SIGNALS:
    // Colour the map by the saved selections (the window makes the colouring).
    void colourRequested();
    // A saved selection was written (the status bar says so).
    void message(const QString& text);

private:
    void reload();
    QString write(std::vector<store::SavedSelection> selections);
    void fill();
    void askSave();
    void askRename();
    void askDelete();
    void exportCsv();

    ExplorerSession* m_session;
    QString m_dir;
    QString m_problem;
    std::vector<store::SavedSelection> m_selections;
    QStandardItemModel* m_model = nullptr;
    QTreeView* m_view = nullptr;
    HintStack* m_stack = nullptr;
    QLabel* m_problemLabel = nullptr;
    ViewActions m_actions;
    QAction* m_saveAction = nullptr;
};

} // namespace mnistx::ui
