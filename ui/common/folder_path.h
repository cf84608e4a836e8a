#pragma once

#include <QDir>
#include <QFileInfo>
#include <QString>

namespace mnistx::ui
{

// A folder's absolute, clean path ("" stays ""): how the run library, the
// recent runs and the window compare run folders given in any form
// ("runs/a/", "./runs/a", "/home/me/runs/a").
inline QString absoluteFolder(const QString& dir)
{
    return dir.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
}

} // namespace mnistx::ui
