#include "core/data/class_names.h"

#include "core/data/data_files.h"

#include <algorithm>
#include <set>

namespace mnistx::data
{
namespace
{

// A class name is a label for a legend and a table cell, not a paragraph; a
// longer line is most likely not a class list at all.
constexpr std::size_t kMaxNameBytes = 200;
// A classes.txt of kMaxClasses names of kMaxNameBytes is ~200 KB.
constexpr std::uint64_t kMaxFileBytes = 1 << 20;

std::string_view trimmed(std::string_view s)
{
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::vector<std::string> defaultClassNames(int classCount)
{
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(std::max(0, classCount)));
    for (int c = 0; c < classCount; ++c)
        names.push_back(std::to_string(c));
    return names;
}

std::vector<std::string> parseClassNames(std::string_view text, const std::string& path,
                                         int classCount)
{
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    while (!lines.empty() && trimmed(lines.back()).empty())
        lines.pop_back();

    std::vector<std::string> names;
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string where = "line " + std::to_string(i + 1);
        if (lines[i].size() > kMaxNameBytes)
            failData(path, where + " is " + std::to_string(lines[i].size()) +
                               " bytes long; a class name may have at most " +
                               std::to_string(kMaxNameBytes));
        const std::string_view name = trimmed(lines[i]);
        if (name.empty())
            failData(path, where + " is empty; every class needs a name (one per line)");
        // Control characters (a NUL, a carriage return inside the line…):
        // not a class name, most likely not a text file.
        if (std::any_of(name.begin(), name.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            failData(path, where + " holds a control character; a class name is printable text");
        if (!seen.insert(name).second)
            failData(path, where + " repeats the class name \"" + std::string(name) + "\"");
        names.emplace_back(name);
    }
    if (names.empty())
        failData(path, "holds no class names (one per line, in label order)");
    if (classCount > 0 && static_cast<int>(names.size()) != classCount)
        failData(path, "names " + std::to_string(names.size()) + " classes, but the labels have " +
                           std::to_string(classCount) + " (0 to " + std::to_string(classCount - 1) +
                           "): one name per line, in label order");
    return names;
}

std::vector<std::string> readClassNames(const std::string& path, int classCount)
{
    std::uint64_t size = 0;
    FilePtr file = openDataFile(path, "a list of class names", size);
    if (size > kMaxFileBytes)
        failData(path, "is " + std::to_string(size) +
                           " bytes, too large for a list of class names (one per line)");
    std::string text(static_cast<std::size_t>(size), '\0');
    readExactly(file.get(), path, text.data(), text.size(), "the class names");
    return parseClassNames(text, path, classCount);
}

} // namespace mnistx::data
