#pragma once
// A query over a stored run, written as a table: the headless
// `--run DIR --query EXPR --out FILE.csv`.

#include "core/data/user_metadata.h"
#include "core/query/query_syntax.h" // QueryError
#include "core/store/run_data.h"

#include <string>

namespace mnistx::query
{

// The user's metadata.csv of a stored run: the one in its data folder
// (run.dataFolder), read for the run's sample counts. Empty when there is
// none; when it cannot be read, empty and *problem says why (a query then
// knows no user field).
data::UserMetadata storedRunMetadata(const store::RunData& run, std::string* problem = nullptr);

struct StoredQueryResult {
    int matched = 0;             // rows written
    int sampleCount = 0;         // samples of the run
    std::string metadataProblem; // why metadata.csv was not read, or empty
};

// Loads the run in runDir, checks the expression against it and writes the
// matching samples to outFile in samples.csv's format (store/exports.h:
// training samples first, each subset in index order), atomically.
// Throws QueryError for the expression and store::StoreError for the run or
// the file; either way before anything is written.
StoredQueryResult writeStoredQuery(const std::string& runDir, const std::string& expression,
                                   const std::string& outFile);

} // namespace mnistx::query
