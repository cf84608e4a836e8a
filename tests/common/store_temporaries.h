#pragma once

// The temporary files a save in progress leaves in a folder: the store's
// writeFileAtomically writes "<name>.tmp-<pid>" and renames it when whole, so
// any such file is a save that was cut off (killed) or is still running.

#include <QDir>
#include <QString>
#include <QStringList>

namespace mnistx::test
{

inline QStringList storeTemporaries(const QString& dir)
{
    return QDir(dir).entryList({QStringLiteral("*.tmp-*")}, QDir::Files | QDir::Hidden);
}

} // namespace mnistx::test
