#include "core/store/run_library.h"

#include "core/store/file_io.h"
#include "core/store/run_store.h"
#include "core/store/store_error.h"
#include "core/util/json_cursor.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace mnistx::store
{

namespace fs = std::filesystem;

namespace
{

std::string slug(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '.' || c == '_')
            out += static_cast<char>(std::tolower(u));
        else if (!out.empty() && out.back() != '-')
            out += '-'; // runs of anything else become one dash
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '.'))
        out.pop_back();
    while (!out.empty() && (out.front() == '.' || out.front() == '-'))
        out.erase(out.begin()); // no hidden folders, nothing that reads as an option
    return out;
}

std::string baseName(const std::string& path)
{
    fs::path p(path);
    if (!p.has_filename())
        p = p.parent_path();
    return p.filename().string();
}

std::string readText(const fs::path& file)
{
    const std::vector<unsigned char> bytes = readWholeFile(file.string());
    return std::string(bytes.begin(), bytes.end());
}

// The entry of a run folder from its summary.json.
RunEntry readEntry(const fs::path& dir)
{
    RunEntry e;
    e.dir = dir.string();
    e.name = dir.filename().string();
    try {
        const json::Value summary = json::parse(readText(dir / "summary.json"));
        const json::Cursor root(summary);
        e.createdAt = root["created_at"].asString();
        e.dataset = baseName(root["data_folder"].asString());
        e.sampleCount =
            static_cast<int>(root["train"]["sample_count"].asInteger(0, 1LL << 30) +
                             root["validation"]["sample_count"].asInteger(0, 1LL << 30));
        const json::Cursor model = root["model"];
        const std::string source = model["source"].asString();
        const std::string architecture = root["settings"]["architecture"].asString();
        if (source == "torchscript")
            e.model = baseName(model["file"].asString()) + " (TorchScript)";
        else if (source == "embeddings" || architecture == "embeddings")
            e.model = "embeddings";
        else
            e.model = architecture + " (trained)";
        // Absent for a run without model scores (embeddings without logits).
        if (root["validation"].contains("accuracy"))
            e.validationAccuracy = root["validation"]["accuracy"].asNumber();
    } catch (const std::exception& error) {
        e.problem = std::string("summary.json cannot be read: ") + error.what();
    }
    return e;
}

} // namespace

std::string runFolderName(const std::string& dataset, const std::string& model, std::time_t when)
{
    std::tm utc{};
    gmtime_r(&when, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
    std::string name;
    for (const std::string& part : {slug(dataset), slug(model), std::string(stamp)})
        if (!part.empty())
            name += (name.empty() ? "" : "-") + part;
    return name;
}

std::string freeRunFolder(const std::string& root, const std::string& name)
{
    std::error_code ec;
    fs::path candidate = fs::path(root) / name;
    for (int n = 2; fs::exists(fs::symlink_status(candidate, ec)); ++n)
        candidate = fs::path(root) / (name + "-" + std::to_string(n));
    return candidate.string();
}

std::vector<RunEntry> listRuns(const std::string& root)
{
    std::vector<RunEntry> runs;
    std::error_code ec;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && hasRun(it->path().string()))
            runs.push_back(readEntry(it->path()));
    std::sort(runs.begin(), runs.end(), [](const RunEntry& a, const RunEntry& b) {
        if (a.problem.empty() != b.problem.empty())
            return a.problem.empty();
        if (a.createdAt != b.createdAt)
            return a.createdAt > b.createdAt; // ISO 8601 sorts as text
        return a.name < b.name;
    });
    return runs;
}

std::string latestRun(const std::string& root)
{
    const std::vector<RunEntry> runs = listRuns(root);
    return runs.empty() || !runs.front().problem.empty() ? std::string() : runs.front().dir;
}

std::string renameRun(const std::string& dir, const std::string& newName)
{
    if (newName.empty() || newName == "." || newName == ".." ||
        newName.find_first_of("/\\") != std::string::npos)
        throw StoreError("'" + newName + "' cannot name a run folder (no slashes, not empty)");
    const fs::path from(dir);
    const fs::path to = from.parent_path() / newName;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(to, ec)))
        throw StoreError(to.string() + " already exists: choose another name");
    fs::rename(from, to, ec);
    if (ec)
        throw StoreError("cannot rename " + dir + " to " + newName + ": " + ec.message());
    return to.string();
}

void deleteRun(const std::string& dir)
{
    if (!hasRun(dir))
        throw StoreError(dir + " holds no run.bin: not a run folder, nothing was deleted");
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec)
        throw StoreError("cannot delete " + dir + ": " + ec.message());
}

std::vector<std::string> copyRunKeepsakes(const std::string& from, const std::string& to)
{
    std::vector<std::string> copied;
    std::error_code ec;
    for (const char* name : {"selections.json", "label_marks.json"}) {
        const fs::path source = fs::path(from) / name;
        const fs::path target = fs::path(to) / name;
        if (!fs::is_regular_file(source, ec) || fs::exists(target, ec))
            continue;
        const std::vector<unsigned char> bytes = readWholeFile(source.string());
        writeFileAtomically(target.string(), {{bytes.data(), bytes.size()}});
        copied.push_back(name);
    }
    return copied;
}

} // namespace mnistx::store
