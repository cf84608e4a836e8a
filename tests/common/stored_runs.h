#pragma once

// Small stored runs for the tests of the run library (listing, renaming,
// deleting, opening the newest).

#include "core/store/run_store.h"
#include "synthetic_run.h"

#include <functional>
#include <string>

namespace mnistx::test
{

// A synthetic run of 30 training and 10 validation samples, made at
// createdAt (ISO 8601) from dataFolder, edited by `edit` when given, stored
// in dir (store::saveRun: parents made).
inline void storeSmallRun(const std::string& dir, const std::string& createdAt,
                          const std::string& dataFolder,
                          const std::function<void(store::RunData&)>& edit = {})
{
    SyntheticRunOptions options = syntheticRunSized(30, 10);
    store::RunData run = makeSyntheticRun(options);
    run.createdAt = createdAt;
    run.dataFolder = dataFolder;
    if (edit)
        edit(run);
    store::saveRun(run, dir);
}

} // namespace mnistx::test
