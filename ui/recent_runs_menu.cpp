#include "ui/recent_runs_menu.h"

#include "core/store/run_store.h"
#include "ui/common/folder_path.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace mnistx::ui
{

namespace
{

const QString kKey = QStringLiteral("recentRuns");

void store(const QStringList& runs)
{
    QSettings().setValue(kKey, runs);
}

} // namespace

QStringList recentRuns()
{
    QStringList runs;
    for (const QString& dir : QSettings().value(kKey).toStringList())
        if (!dir.isEmpty() && !runs.contains(dir) && runs.size() < kMaxRecentRuns)
            runs << dir;
    return runs;
}

void rememberRecentRun(const QString& dir)
{
    if (dir.isEmpty())
        return;
    const QString path = absoluteFolder(dir);
    QStringList runs = recentRuns();
    runs.removeAll(path);
    runs.prepend(path);
    while (runs.size() > kMaxRecentRuns)
        runs.removeLast();
    store(runs);
}

void forgetRecentRun(const QString& dir)
{
    QStringList runs = recentRuns();
    runs.removeAll(absoluteFolder(dir));
    store(runs);
}

RecentRunsMenu::RecentRunsMenu(QWidget* parent) : QMenu(tr("Open &Recent"), parent)
{
    setToolTipsVisible(true);
    connect(this, &QMenu::aboutToShow, this, &RecentRunsMenu::refresh);
    refresh();
}

void RecentRunsMenu::refresh()
{
    clear();
    const QStringList runs = recentRuns();
    for (int i = 0; i < runs.size(); ++i) {
        const QString& dir = runs[i];
        const QFileInfo info(dir);
        const bool present = store::hasRun(dir.toStdString());
        // "&1 default — /home/me/runs": the name to recognise, where it is.
        // The number is the entry's key (&1 … &9, 1&0); an '&' in a folder
        // name is shown as itself.
        const auto literal = [](QString s) {
            return s.replace(QLatin1Char('&'), QStringLiteral("&&"));
        };
        QString text =
            tr("%1 %2 — %3")
                .arg(i + 1 < 10 ? QStringLiteral("&%1").arg(i + 1) : QStringLiteral("1&0"))
                .arg(literal(info.fileName()), literal(QDir::toNativeSeparators(info.path())));
        if (!present)
            text += tr(" (missing)");
        QAction* action = addAction(text);
        action->setData(dir);
        action->setStatusTip(QDir::toNativeSeparators(dir));
        action->setToolTip(
            present ? QDir::toNativeSeparators(dir)
                    : tr("%1 no longer holds a stored run").arg(QDir::toNativeSeparators(dir)));
        connect(action, &QAction::triggered, this, [this, dir] { Q_EMIT runChosen(dir); });
    }
    if (runs.isEmpty())
        addAction(tr("No Recent Runs"))->setEnabled(false);
    addSeparator();
    QAction* clearAll = addAction(tr("&Clear Menu"));
    clearAll->setEnabled(!runs.isEmpty());
    connect(clearAll, &QAction::triggered, this, [this] {
        store({});
        refresh();
    });
}

} // namespace mnistx::ui
