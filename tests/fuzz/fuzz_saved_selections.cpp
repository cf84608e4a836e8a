// libFuzzer harness for a run's selections.json (core/store/
// saved_selections: loadSelections, what the Saved Selections panel opens).
//
// Input: the file's text, for a run of 50 training and 20 validation
// samples. A StoreError naming the file is the expected answer to a bad
// file; anything else escaping, a crash or a sanitizer report is a finding,
// as is a selection that breaks the promises: a valid, unique name, indices
// ascending within the run, and a save that reads back the same.

#include "core/store/saved_selections.h"
#include "core/store/store_error.h"
#include "fuzz_files.h"

#include <cstdint>
#include <string>

namespace
{

using namespace mnistx;

void check(const std::vector<int>& indices, int count, const std::string& what)
{
    for (std::size_t k = 0; k < indices.size(); ++k)
        if (indices[k] < 0 || indices[k] >= count || (k > 0 && indices[k] <= indices[k - 1]))
            fuzz::finding(what + " index " + std::to_string(indices[k]) + " out of order or range");
}

void readSelections(const std::uint8_t* data, std::size_t size)
{
    static const std::string dir = fuzz::scratchFolder();
    fuzz::writeScratch("selections.json", data, size);
    std::vector<store::SavedSelection> selections;
    try {
        selections = store::loadSelections(dir, 50, 20);
    } catch (const store::StoreError& e) {
        if (std::string(e.what()).find("selections.json") == std::string::npos)
            fuzz::finding(std::string("the error does not name the file: ") + e.what());
        return;
    }
    std::vector<store::SavedSelection> earlier;
    for (const store::SavedSelection& s : selections) {
        const std::string problem = store::selectionNameProblem(s.name, earlier);
        if (!problem.empty())
            fuzz::finding("a loaded selection's name: " + problem);
        check(s.train, 50, "training");
        check(s.validation, 20, "validation");
        earlier.push_back(s);
    }
    // What was read saves and reads back the same.
    store::saveSelections(selections, dir);
    const auto again = store::loadSelections(dir, 50, 20);
    if (again.size() != selections.size())
        fuzz::finding("a save read back " + std::to_string(again.size()) + " selections, not " +
                      std::to_string(selections.size()));
    for (std::size_t k = 0; k < again.size() && k < selections.size(); ++k)
        if (again[k].name != selections[k].name || again[k].train != selections[k].train ||
            again[k].validation != selections[k].validation ||
            again[k].description != selections[k].description)
            fuzz::finding("selection " + std::to_string(k) + " changed in a save");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    readSelections(data, size);
    return 0;
}
