#include "core/store/saved_selections.h"

#include "core/store/file_io.h"
#include "core/store/store_error.h"
#include "core/util/json_cursor.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace mnistx::store
{

namespace
{

const char* const kFormat = "mnistx-selections";

std::string nowUtc()
{
    const std::time_t t = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool ascendingUnique(const std::vector<int>& v)
{
    for (std::size_t k = 0; k < v.size(); ++k)
        if (v[k] < 0 || (k > 0 && v[k] <= v[k - 1]))
            return false;
    return true;
}

std::vector<int> readIndices(const json::Cursor& list, int count, const char* subset)
{
    std::vector<int> out;
    out.reserve(list.arraySize());
    for (std::size_t k = 0; k < list.arraySize(); ++k) {
        const json::Cursor item = list[k];
        const long long index = item.asInteger();
        if (index < 0 || index >= count)
            item.fail("the " + std::string(subset) + " index " + std::to_string(index) +
                      " is outside this run's " + std::to_string(count) +
                      " samples (a selections file of another run?)");
        if (!out.empty() && index <= out.back())
            item.fail("indices must ascend without repeats");
        out.push_back(static_cast<int>(index));
    }
    return out;
}

} // namespace

std::string selectionsPath(const std::string& runDir)
{
    return (std::filesystem::path(runDir) / "selections.json").string();
}

std::string selectionNameProblem(const std::string& name,
                                 const std::vector<SavedSelection>& existing)
{
    if (name.find_first_not_of(" \t") == std::string::npos)
        return "the name is empty";
    if (name.size() > static_cast<std::size_t>(kMaxSelectionNameBytes))
        return "the name is longer than " + std::to_string(kMaxSelectionNameBytes) + " bytes";
    if (std::any_of(name.begin(), name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return "the name has a control character";
    for (const SavedSelection& s : existing)
        if (s.name == name)
            return "a selection is already named “" + name + "”";
    return {};
}

std::vector<SavedSelection> loadSelections(const std::string& runDir, int trainCount,
                                           int validationCount)
{
    const std::string path = selectionsPath(runDir);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return {};
    const std::vector<unsigned char> text = readWholeFile(path);
    std::vector<SavedSelection> out;
    try {
        const json::Value doc =
            json::parse(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
        const json::Cursor root(doc);
        if (root["format"].asString() != kFormat)
            root["format"].fail("not a selections file (expected \"" + std::string(kFormat) +
                                "\")");
        const long long version = root["version"].asInteger();
        if (version > kSelectionsFormatVersion)
            root["version"].fail("written by a newer MNIST Explorer (format version " +
                                 std::to_string(version) + "; this one reads up to " +
                                 std::to_string(kSelectionsFormatVersion) +
                                 "): update it to open these selections");
        if (version < 1)
            root["version"].fail("unknown format version " + std::to_string(version));
        const json::Cursor list = root["selections"];
        if (list.arraySize() > static_cast<std::size_t>(kMaxSelections))
            list.fail("more than " + std::to_string(kMaxSelections) + " selections");
        for (std::size_t k = 0; k < list.arraySize(); ++k) {
            const json::Cursor entry = list[k];
            SavedSelection s;
            s.name = entry["name"].asString();
            const std::string problem = selectionNameProblem(s.name, out);
            if (!problem.empty())
                entry["name"].fail(problem);
            if (entry.contains("description"))
                s.description = entry["description"].asString();
            if (entry.contains("created_at"))
                s.createdAt = entry["created_at"].asString();
            s.train = readIndices(entry["train"], trainCount, "training");
            s.validation = readIndices(entry["validation"], validationCount, "validation");
            out.push_back(std::move(s));
        }
    } catch (const json::Error& e) {
        throw StoreError(path + ": " + e.what());
    }
    return out;
}

void saveSelections(const std::vector<SavedSelection>& selections, const std::string& runDir)
{
    json::Value doc = json::Value::object();
    doc["format"] = kFormat;
    doc["version"] = kSelectionsFormatVersion;
    json::Value list = json::Value::array();
    std::vector<SavedSelection> seen;
    for (const SavedSelection& s : selections) {
        const std::string problem = selectionNameProblem(s.name, seen);
        if (!problem.empty())
            throw std::invalid_argument("saveSelections: " + problem);
        if (!ascendingUnique(s.train) || !ascendingUnique(s.validation))
            throw std::invalid_argument("saveSelections: the indices of “" + s.name +
                                        "” do not ascend");
        seen.push_back(SavedSelection{s.name, {}, {}, {}, {}});
        json::Value entry = json::Value::object();
        entry["name"] = s.name;
        entry["description"] = s.description;
        entry["created_at"] = s.createdAt.empty() ? nowUtc() : s.createdAt;
        entry["train"] = s.train;
        entry["validation"] = s.validation;
        list.push_back(std::move(entry));
    }
    doc["selections"] = std::move(list);
    writeTextAtomically(selectionsPath(runDir), json::serialize(doc) + "\n");
}

SavedSelection selectionOfIds(std::string name, std::string description,
                              const std::vector<int>& ids, int trainCount)
{
    SavedSelection s;
    s.name = std::move(name);
    s.description = std::move(description);
    s.createdAt = nowUtc();
    for (const int id : ids) {
        if (id < 0)
            continue;
        if (id < trainCount)
            s.train.push_back(id);
        else
            s.validation.push_back(id - trainCount);
    }
    for (std::vector<int>* v : {&s.train, &s.validation}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    return s;
}

std::vector<int> idsOfSelection(const SavedSelection& selection, int trainCount)
{
    std::vector<int> ids(selection.train.begin(), selection.train.end());
    ids.reserve(static_cast<std::size_t>(selection.size()));
    for (const int i : selection.validation)
        ids.push_back(trainCount + i);
    return ids;
}

} // namespace mnistx::store
