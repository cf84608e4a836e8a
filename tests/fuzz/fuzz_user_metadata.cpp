// libFuzzer harness for the metadata.csv parser (core/data/user_metadata).
//
// Input: one byte, the split sizes (high nibble: training samples, low
// nibble: validation samples, 0 to 15 each), then the file's text. A
// DataError is the expected answer to a bad file; anything else escaping, a
// crash or a sanitizer report is a finding, as is a table that breaks the
// parser's promises: one value per sample of each split, numeric values
// finite or missing, categorical values whole indices into the sorted,
// distinct categories or missing, names unique and not empty.

#include "core/data/data_files.h"
#include "core/data/user_metadata.h"
#include "fuzz_files.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace
{

void checkColumn(const mnistx::data::MetadataColumn& c, int trainCount, int validationCount)
{
    using mnistx::fuzz::finding;
    if (static_cast<int>(c.train.size()) != trainCount ||
        static_cast<int>(c.validation.size()) != validationCount)
        finding("column \"" + c.name + "\" has " + std::to_string(c.train.size()) + " + " +
                std::to_string(c.validation.size()) + " values for " + std::to_string(trainCount) +
                " + " + std::to_string(validationCount) + " samples");
    if (c.numeric && !c.categories.empty())
        finding("numeric column \"" + c.name + "\" has categories");
    if (!std::is_sorted(c.categories.begin(), c.categories.end()) ||
        std::adjacent_find(c.categories.begin(), c.categories.end()) != c.categories.end())
        finding("column \"" + c.name + "\"'s categories are not sorted and distinct");
    for (const auto* values : {&c.train, &c.validation})
        for (const float v : *values) {
            if (std::isnan(v))
                continue;
            if (!std::isfinite(v))
                finding("column \"" + c.name + "\" holds an infinite value");
            if (!c.numeric &&
                (v != std::floor(v) || v < 0 || v >= static_cast<float>(c.categories.size())))
                finding("column \"" + c.name + "\" holds category " + std::to_string(v) + " of " +
                        std::to_string(c.categories.size()));
        }
}

void parseInput(const mnistx::fuzz::ModeAndBytes& in)
{
    using namespace mnistx;
    const int trainCount = in.mode >> 4;
    const int validationCount = in.mode & 15;
    try {
        const std::string_view text(reinterpret_cast<const char*>(in.data), in.size);
        const data::UserMetadata m =
            data::parseUserMetadata(text, "metadata.csv", trainCount, validationCount);
        if (m.columns.empty())
            fuzz::finding("parseUserMetadata returned no columns");
        std::set<std::string> seen;
        for (const data::MetadataColumn& c : m.columns) {
            if (c.name.empty() || !seen.insert(c.name).second)
                fuzz::finding("parseUserMetadata returned the column name \"" + c.name + "\"");
            checkColumn(c, trainCount, validationCount);
        }
    } catch (const data::DataError&) {
        // The parser's answer to a bad file.
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(parseInput)
