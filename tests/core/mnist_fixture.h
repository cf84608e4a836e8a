#pragma once
// Real MNIST for tests: MNISTX_DATA_DIR (set by CTest) names the folder that
// scripts/setup fills. Tests skip only when no folder is configured; a folder
// that is configured but does not load is a failure (scripts/test fetches it).

#include "core/data/dataset.h"
#include "core/data/idx_reader.h"

#include <QString>
#include <QtGlobal>
#include <memory>
#include <string>

namespace mnistx::testing
{

inline std::string mnistFolder()
{
    return qEnvironmentVariable("MNISTX_DATA_DIR").toStdString();
}

// Loaded once per test executable.
inline std::shared_ptr<const data::DatasetSplits> realMnist()
{
    static std::shared_ptr<const data::DatasetSplits> cached = [] {
        const std::string folder = mnistFolder();
        if (folder.empty())
            return std::shared_ptr<const data::DatasetSplits>();
        try {
            return std::make_shared<const data::DatasetSplits>(data::loadMnistFolder(folder));
        } catch (const std::exception& e) {
            qFatal("MNISTX_DATA_DIR=%s does not hold MNIST: %s", folder.c_str(), e.what());
        }
    }();
    return cached;
}

// The first n samples of a dataset.
inline data::Dataset head(const data::Dataset& d, int n)
{
    data::Dataset out = d;
    out.count = std::min(n, d.count);
    out.images.resize(static_cast<std::size_t>(out.count) * d.rows * d.cols);
    out.labels.resize(out.count);
    return out;
}

} // namespace mnistx::testing

#define MNISTX_REQUIRE_MNIST(var)                                                                  \
    const auto var = mnistx::testing::realMnist();                                                 \
    if (!var)                                                                                      \
        QSKIP("real MNIST not found: set MNISTX_DATA_DIR (scripts/setup fetches it)");
