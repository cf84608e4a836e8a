// libFuzzer harness for the classes.txt parser (core/data/class_names).
//
// Input: one byte, the class count the labels have (0: not checked), then
// the file's text. A DataError is the expected answer to a bad file;
// anything else escaping, a crash or a sanitizer report is a finding, as is
// a list that breaks the parser's promises: as many names as classes, none
// empty, none repeated, none with the spaces or line ends around it.

#include "core/data/class_names.h"
#include "core/data/data_files.h"
#include "fuzz_files.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace
{

void parseInput(const mnistx::fuzz::ModeAndBytes& in)
{
    using namespace mnistx;
    const int classCount = in.mode;
    try {
        const std::string_view text(reinterpret_cast<const char*>(in.data), in.size);
        const std::vector<std::string> names =
            data::parseClassNames(text, "classes.txt", classCount);
        if (classCount > 0 && static_cast<int>(names.size()) != classCount)
            fuzz::finding("parseClassNames returned " + std::to_string(names.size()) +
                          " names for " + std::to_string(classCount) + " classes");
        std::set<std::string> seen;
        for (const std::string& name : names) {
            if (name.empty() || name.front() == ' ' || name.back() == ' ' ||
                name.find('\n') != std::string::npos || name.find('\r') != std::string::npos)
                fuzz::finding("parseClassNames returned the name \"" + name + "\"");
            if (!seen.insert(name).second)
                fuzz::finding("parseClassNames returned \"" + name + "\" twice");
        }
    } catch (const data::DataError&) {
        // The parser's answer to a bad file.
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(parseInput)
