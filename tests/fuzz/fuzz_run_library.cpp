// libFuzzer harness for the run library's reading of summary.json
// (core/store/run_library: listRuns, what the Runs panel shows).
//
// Input: the summary.json text of a run folder that also holds a run.bin.
// listRuns must never throw: a summary it cannot read makes an entry with
// `problem` set. Anything escaping, a crash or a sanitizer report is a
// finding, as is an entry that breaks its promises: exactly the one run,
// named for its folder, and a readable one with a non-negative sample count.

#include "core/store/run_library.h"
#include "fuzz_files.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace
{

void readSummary(const std::uint8_t* data, std::size_t size)
{
    using namespace mnistx;
    namespace fs = std::filesystem;
    static const std::string library = mnistx::fuzz::scratchFolder() + "/runs";
    static const bool made = [] {
        fs::create_directories(library + "/run");
        const std::uint8_t nothing = 0;
        fuzz::writeScratch("runs/run/run.bin", &nothing, 0);
        return true;
    }();
    (void)made;
    fuzz::writeScratch("runs/run/summary.json", data, size);
    const std::vector<store::RunEntry> runs = store::listRuns(library);
    if (runs.size() != 1)
        fuzz::finding("listRuns found " + std::to_string(runs.size()) + " runs, not 1");
    const store::RunEntry& run = runs.front();
    if (run.name != "run")
        fuzz::finding("the run is named \"" + run.name + "\"");
    if (run.problem.empty() && run.sampleCount < 0)
        fuzz::finding("a readable run of " + std::to_string(run.sampleCount) + " samples");
    if (!run.problem.empty() && run.problem.find("summary.json") == std::string::npos)
        fuzz::finding("the problem does not name summary.json: " + run.problem);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    readSummary(data, size);
    return 0;
}
