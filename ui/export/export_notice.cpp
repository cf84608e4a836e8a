#include "ui/export/export_notice.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QMainWindow>
#include <QStatusBar>

namespace mnistx::ui
{

namespace
{

// How long an export's confirmation stays in the status bar: long enough to
// read the path and reach for "Open Folder", short enough not to linger.
constexpr int kExportNoticeMs = 15000;

QMainWindow* mainWindowOf(QWidget* widget)
{
    for (; widget; widget = widget->parentWidget())
        if (auto* window = qobject_cast<QMainWindow*>(widget))
            return window;
    return nullptr;
}

} // namespace

OpenFolderButton::OpenFolderButton(const QUrl& folder, QWidget* parent)
    : QToolButton(parent), m_folder(folder)
{
    setObjectName(QStringLiteral("openExportFolder"));
    setText(tr("Open Folder"));
    setToolTip(
        tr("Show %1 in the file browser").arg(QDir::toNativeSeparators(folder.toLocalFile())));
    setIcon(QIcon::fromTheme(QStringLiteral("folder-open")));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    connect(this, &QToolButton::clicked, this, [this] { QDesktopServices::openUrl(m_folder); });
}

QUrl exportFolderUrl(const QString& path)
{
    const QFileInfo info(path);
    return QUrl::fromLocalFile(info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

void notifyExported(QWidget* from, const QString& path, const QString& message)
{
    QMainWindow* window = mainWindowOf(from);
    if (!window)
        return;
    QStatusBar* bar = window->statusBar();
    // One notice at a time: the same path exported twice would otherwise
    // leave two buttons (the old one only goes when the message changes).
    for (OpenFolderButton* old : bar->findChildren<OpenFolderButton*>())
        delete old;

    const QString text = message.isEmpty()
                             ? QObject::tr("Exported %1").arg(QDir::toNativeSeparators(path))
                             : message;
    bar->showMessage(text, kExportNoticeMs);
    // A permanent widget: normal status-bar widgets are hidden while a
    // temporary message shows, which is exactly when the button is needed.
    auto* button = new OpenFolderButton(exportFolderUrl(path), bar);
    bar->insertPermanentWidget(0, button);
    button->show();
    QObject::connect(bar, &QStatusBar::messageChanged, button,
                     [bar, button, text](const QString& now) {
                         if (now == text)
                             return;
                         bar->removeWidget(button);
                         button->deleteLater();
                     });
}

} // namespace mnistx::ui
