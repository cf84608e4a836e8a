#pragma once

#include <QString>
#include <QToolButton>
#include <QUrl>

class QWidget;

namespace mnistx::ui
{

// The "Open Folder" button shown beside an export's status-bar message; a
// click opens folder() in the desktop's file browser (QDesktopServices).
class OpenFolderButton : public QToolButton
{
    Q_OBJECT
public:
    explicit OpenFolderButton(const QUrl& folder, QWidget* parent = nullptr);
    // The folder a click opens (a file:// URL).
    QUrl folder() const { return m_folder; }

private:
    QUrl m_folder;
};

// Confirms a successful export, the one place every export path of the window
// calls: the status bar of `from`'s main window (the first QMainWindow among
// `from` and its parents, so floating docks and dialogs find it too) shows
// `message` (default "Exported <path>") and an OpenFolderButton for the folder
// holding `path` (`path` itself when it is a folder). The button goes with the
// message: at the timeout, or when another message (a status tip, the next
// notice) replaces it. Does nothing when there is no main window (headless
// exports, a bare widget). GUI thread.
void notifyExported(QWidget* from, const QString& path, const QString& message = {});

// The folder notifyExported's button opens for `path`: the folder itself when
// `path` is one, else the folder holding the file.
QUrl exportFolderUrl(const QString& path);

} // namespace mnistx::ui
