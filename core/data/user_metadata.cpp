#include "core/data/user_metadata.h"

#include "core/data/data_files.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace mnistx::data
{
namespace
{

// A million samples with a few fields each is tens of MB.
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;

// What samples.csv, the built-in metadata fields and queries call their columns.
const char* const kReservedNames[] = {
    "subset", "index", "label", "prediction", "correct", "loss", "x", "y", "label_name",
    "prediction_name", "source", "parity", "closed_loop", "distance_to_own_centroid",
    "nearest_centroid", "ink", "confidence", "contrast", "distance_to_nearest_centroid", "margin",
    // the query language's own fields (sample_query.h)
    "nearest", "dist_own", "dist_pred", "dist_nearest"};

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// "p3", "dist12": samples.csv's per-class columns.
bool isPerClassName(std::string_view name)
{
    for (const std::string_view prefix : {std::string_view("p"), std::string_view("dist")}) {
        if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix &&
            std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                        [](char c) { return c >= '0' && c <= '9'; }))
            return true;
    }
    return false;
}

// Splits CSV text into records of cells (RFC 4180). `line` of each record is
// where it starts, for messages.
class CsvRecords
{
public:
    CsvRecords(std::string_view text, const std::string& path) : m_text(text), m_path(path) {}

    bool next(std::vector<std::string>& cells, int& line)
    {
        cells.clear();
        if (m_pos >= m_text.size())
            return false;
        line = m_line;
        std::string cell;
        bool quoted = false, wasQuoted = false;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (quoted) {
                if (c == '"') {
                    if (m_pos < m_text.size() && m_text[m_pos] == '"') {
                        cell += '"';
                        ++m_pos;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n')
                        ++m_line;
                    cell += c;
                }
            } else if (c == '"' && trimmed(cell).empty() && !wasQuoted) {
                cell.clear();
                quoted = wasQuoted = true;
            } else if (c == ',') {
                cells.push_back(finish(cell, wasQuoted));
                cell.clear();
                wasQuoted = false;
            } else if (c == '\n') {
                ++m_line;
                cells.push_back(finish(cell, wasQuoted));
                return true;
            } else if (wasQuoted) {
                if (c != ' ' && c != '\t' && c != '\r')
                    failData(m_path, "line " + std::to_string(m_line) +
                                         ": text after a closing quote (write \"\" for a quote "
                                         "inside a quoted cell)");
            } else if (c != '\r') {
                cell += c;
            }
        }
        if (quoted)
            failData(m_path, "line " + std::to_string(line) + ": a quote is never closed");
        cells.push_back(finish(cell, wasQuoted));
        return true;
    }

private:
    static std::string finish(const std::string& cell, bool wasQuoted)
    {
        return wasQuoted ? cell : std::string(trimmed(cell));
    }

    std::string_view m_text;
    const std::string& m_path;
    std::size_t m_pos = 0;
    int m_line = 1;
};

bool parseNumber(const std::string& cell, float& value)
{
    const char* begin = cell.data();
    const char* end = begin + cell.size();
    if (begin != end && *begin == '+')
        ++begin;
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v) ||
        std::abs(v) > std::numeric_limits<float>::max())
        return false;
    value = static_cast<float>(v);
    return true;
}

bool parseIndex(const std::string& cell, long long& value)
{
    const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return ec == std::errc() && ptr == cell.data() + cell.size() && !cell.empty();
}

bool isValidationName(const std::string& s)
{
    return s == "validation" || s == "test" || s == "val";
}

} // namespace

UserMetadata parseUserMetadata(std::string_view text, const std::string& path, int trainCount,
                               int validationCount)
{
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    CsvRecords records(text, path);
    std::vector<std::string> header;
    int line = 0;
    // Blank lines before the header are tolerated like those at the end.
    while (records.next(header, line))
        if (!(header.size() == 1 && header[0].empty()))
            break;
    if (header.size() < 2 || header[0] != "subset" || header[1] != "index")
        failData(path, "the first line must start with the columns subset,index (then one "
                       "column per field)");
    const int fields = static_cast<int>(header.size()) - 2;
    if (fields == 0)
        failData(path, "has no field columns after subset,index");
    if (fields > kMaxMetadataColumns)
        failData(path, "has " + std::to_string(fields) + " field columns; at most " +
                           std::to_string(kMaxMetadataColumns) + " are supported");
    std::set<std::string> names;
    for (int f = 0; f < fields; ++f) {
        const std::string& name = header[static_cast<std::size_t>(f) + 2];
        const std::string where = "column " + std::to_string(f + 3);
        if (name.empty())
            failData(path, where + " has no name");
        if (name.size() > kMaxMetadataNameBytes)
            failData(path, where + "'s name is longer than " +
                               std::to_string(kMaxMetadataNameBytes) + " bytes");
        if (std::any_of(name.begin(), name.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            failData(path, where + "'s name holds a control character");
        if (std::find(std::begin(kReservedNames), std::end(kReservedNames), name) !=
                std::end(kReservedNames) ||
            isPerClassName(name))
            failData(path, where + " is named \"" + name +
                               "\", a name the app uses itself; rename the column");
        if (!names.insert(name).second)
            failData(path, where + " repeats the name \"" + name + "\"");
    }

    // Cells as text first: a column is numeric only when all of it is.
    std::vector<std::vector<std::string>> cells(static_cast<std::size_t>(fields));
    std::vector<int> rowSplit, rowIndex;
    std::vector<std::uint8_t> seenTrain(static_cast<std::size_t>(std::max(0, trainCount)));
    std::vector<std::uint8_t> seenValidation(
        static_cast<std::size_t>(std::max(0, validationCount)));
    std::vector<std::string> row;
    while (records.next(row, line)) {
        if (row.size() == 1 && row[0].empty())
            continue; // a blank line
        const std::string where = "line " + std::to_string(line);
        if (row.size() != header.size())
            failData(path, where + " has " + std::to_string(row.size()) +
                               " cells; the header has " + std::to_string(header.size()));
        const bool validation = isValidationName(row[0]);
        if (!validation && row[0] != "train")
            failData(path, where + ": subset \"" + row[0] +
                               "\" is neither train nor validation (or test)");
        const int count = validation ? validationCount : trainCount;
        long long index = -1;
        if (!parseIndex(row[1], index) || index < 0 || index >= count)
            failData(path, where + ": index \"" + row[1] + "\" is not a sample of the " +
                               (validation ? "validation" : "training") + " split (0 to " +
                               std::to_string(count - 1) + ")");
        auto& seen = validation ? seenValidation : seenTrain;
        if (seen[static_cast<std::size_t>(index)])
            failData(path, where + ": " + row[0] + " sample " + std::to_string(index) +
                               " has a row already");
        seen[static_cast<std::size_t>(index)] = 1;
        rowSplit.push_back(validation ? 1 : 0);
        rowIndex.push_back(static_cast<int>(index));
        for (int f = 0; f < fields; ++f)
            cells[static_cast<std::size_t>(f)].push_back(
                std::move(row[static_cast<std::size_t>(f) + 2]));
    }

    UserMetadata out;
    out.path = path;
    const float missing = std::numeric_limits<float>::quiet_NaN();
    for (int f = 0; f < fields; ++f) {
        const auto& column = cells[static_cast<std::size_t>(f)];
        MetadataColumn c;
        c.name = header[static_cast<std::size_t>(f) + 2];
        c.train.assign(static_cast<std::size_t>(std::max(0, trainCount)), missing);
        c.validation.assign(static_cast<std::size_t>(std::max(0, validationCount)), missing);
        std::vector<float> numbers(column.size(), missing);
        for (std::size_t r = 0; r < column.size() && c.numeric; ++r)
            if (!column[r].empty() && !parseNumber(column[r], numbers[r]))
                c.numeric = false;
        std::map<std::string, int> categoryOf;
        if (!c.numeric) {
            for (const std::string& cell : column)
                if (!cell.empty())
                    categoryOf.emplace(cell, 0);
            if (static_cast<int>(categoryOf.size()) > kMaxMetadataCategories)
                failData(path, "column \"" + c.name + "\" has " +
                                   std::to_string(categoryOf.size()) +
                                   " different texts; a categorical field may have at most " +
                                   std::to_string(kMaxMetadataCategories) + " categories");
            for (auto& [text, index] : categoryOf) {
                index = static_cast<int>(c.categories.size());
                c.categories.push_back(text);
            }
        }
        for (std::size_t r = 0; r < column.size(); ++r) {
            if (column[r].empty())
                continue;
            auto& values = rowSplit[r] ? c.validation : c.train;
            values[static_cast<std::size_t>(rowIndex[r])] =
                c.numeric ? numbers[r] : static_cast<float>(categoryOf.at(column[r]));
        }
        out.columns.push_back(std::move(c));
    }
    return out;
}

UserMetadata readUserMetadata(const std::string& path, int trainCount, int validationCount)
{
    std::uint64_t size = 0;
    FilePtr file = openDataFile(path, "a metadata table", size);
    if (size > kMaxFileBytes)
        failData(path, "is " + std::to_string(size) + " bytes, too large for a metadata table");
    std::string text(static_cast<std::size_t>(size), '\0');
    readExactly(file.get(), path, text.data(), text.size(), "the metadata table");
    return parseUserMetadata(text, path, trainCount, validationCount);
}

} // namespace mnistx::data
