#pragma once

#include <QMenu>
#include <QString>
#include <QStringList>

namespace mnistx::ui
{

// The runs the window opened, trained or saved last, most recent first, kept
// in QSettings under "recentRuns": absolute clean paths, each once, at most
// kMaxRecentRuns. GUI thread.
inline constexpr int kMaxRecentRuns = 10;
QStringList recentRuns();
void rememberRecentRun(const QString& dir);
void forgetRecentRun(const QString& dir);

// File ▸ Open Recent: the recent runs (refreshed each time it opens), "&1 name
// — parent folder" with the whole path in the status tip and as the action's
// data, then Clear Menu.
// A run whose folder no longer holds run.bin stays listed, marked
// "(missing)": choosing it asks whether to remove it from the list.
class RecentRunsMenu : public QMenu
{
    Q_OBJECT
public:
    explicit RecentRunsMenu(QWidget* parent = nullptr);

    // Rebuilds the entries from the settings (also done on aboutToShow).
    void refresh();

Q_SIGNALS:
    // The user chose a run (it may have gone missing since it was listed).
    void runChosen(const QString& dir);
};

} // namespace mnistx::ui
