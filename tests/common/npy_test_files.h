#pragma once

// .npy files for the dataset tests: written by NumPy itself (the system
// Python's, which scripts/test installs) where the test is about files users
// have, and by hand where the test needs a file NumPy would not write.

#include "core/data/npy_reader.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <fstream>
#include <string>

namespace mnistx::test
{

// The system Python, where python3-numpy installs (empty when absent).
inline QString systemPython()
{
    const QString python = QStringLiteral("/usr/bin/python3");
    return QFileInfo::exists(python) ? python
                                     : QStandardPaths::findExecutable(QStringLiteral("python3"));
}

// Runs `script` (Python, `import numpy as np` done, the folder in `d`) with
// the folder as argument; returns its error output, empty on success.
inline QString runNumpy(const QString& folder, const QString& script)
{
    QProcess process;
    process.start(systemPython(),
                  {QStringLiteral("-c"),
                   QStringLiteral("import numpy as np, sys, os\nd = sys.argv[1]\n") + script,
                   folder});
    if (!process.waitForFinished(120000))
        return QStringLiteral("python did not finish");
    if (process.exitCode() != 0)
        return QString::fromUtf8(process.readAllStandardError());
    return {};
}

// A .npy file with a header written as given (format 1.0) and `payload`
// bytes after it: for headers NumPy would never write.
inline void writeRawNpy(const std::string& path, const std::string& dict,
                        const std::string& payload)
{
    std::ofstream(path, std::ios::binary) << data::npyHeader(dict) << payload;
}

} // namespace mnistx::test
