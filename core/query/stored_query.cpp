#include "core/query/stored_query.h"

#include "core/query/sample_query.h"
#include "core/store/exports.h"
#include "core/store/run_store.h"

#include <filesystem>

namespace mnistx::query
{

data::UserMetadata storedRunMetadata(const store::RunData& run, std::string* problem)
{
    namespace fs = std::filesystem;
    if (run.dataFolder.empty())
        return {};
    const fs::path file = fs::path(run.dataFolder) / "metadata.csv";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return {};
    try {
        return data::readUserMetadata(file.string(), run.train.sampleCount(),
                                      run.validation.sampleCount());
    } catch (const std::exception& e) {
        if (problem)
            *problem = e.what();
        return {};
    }
}

StoredQueryResult writeStoredQuery(const std::string& runDir, const std::string& expression,
                                   const std::string& outFile)
{
    const store::RunData run = store::loadRun(runDir);
    StoredQueryResult result;
    const data::UserMetadata metadata = storedRunMetadata(run, &result.metadataProblem);
    const SampleQuery query(expression, run, &metadata);
    const std::vector<int> ids = query.matchingIds();
    store::writeSamplesCsv(run, ids, outFile, &metadata);
    result.matched = static_cast<int>(ids.size());
    result.sampleCount = run.train.sampleCount() + run.validation.sampleCount();
    return result;
}

} // namespace mnistx::query
