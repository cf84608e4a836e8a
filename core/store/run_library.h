#pragma once
// A folder of runs, runs/ by default: one folder a run, named for what made it
// ("mnist-cnn-20261207-014502"), so that a new run never overwrites an older
// one. What the window's Runs panel lists, renames and deletes, and where the
// command line puts a run it was not given a folder for.

#include <cmath>
#include <ctime>
#include <string>
#include <vector>

namespace mnistx::store
{

// A run folder's name from what made it: "<dataset>-<model>-<YYYYMMDD-HHMMSS>"
// (UTC), each part reduced to lower-case letters, digits, '.', '_' and '-'
// ("Fashion MNIST" → "fashion-mnist"); an empty part is left out.
std::string runFolderName(const std::string& dataset, const std::string& model, std::time_t when);

// root/name when no such file or folder exists, else root/name-2, root/name-3, …
std::string freeRunFolder(const std::string& root, const std::string& name);

// One run of a library, read from its summary.json.
struct RunEntry {
    std::string dir;       // the run folder
    std::string name;      // its folder name
    std::string dataset;   // the data folder's name ("mnist"), or the embeddings folder's
    std::string model;     // "cnn (trained)", "model.pt (TorchScript)", "embeddings"
    std::string createdAt; // ISO 8601 UTC, as stored
    double validationAccuracy = std::nan(""); // NaN: none (a run without model scores)
    int sampleCount = 0;                      // analysed samples, train + validation
    std::string problem; // why the summary could not be read; empty when it was
};

// Every folder directly in root that holds run.bin, newest first (by
// created_at, then by name); a run whose summary.json is missing or damaged
// is listed with `problem` set and sorts last. An empty list when root does
// not exist.
std::vector<RunEntry> listRuns(const std::string& root);

// The newest readable run in root ("" when there is none): what the window
// opens when it was given no run.
std::string latestRun(const std::string& root);

// Renames a run folder within its parent; returns the new folder. Throws
// StoreError when the name is empty, is "." or "..", holds a path separator,
// or a file or folder of that name exists, and when the rename fails.
std::string renameRun(const std::string& dir, const std::string& newName);

// Deletes a run folder and everything in it. Throws StoreError, deleting
// nothing, when dir does not hold run.bin (a folder that is not a run is
// never removed), and when the removal fails.
void deleteRun(const std::string& dir);

// What a person keeps with a run beside what the pipeline writes: its saved
// selections (selections.json) and label marks (label_marks.json), copied
// from run folder `from` to run folder `to` (Save Run As…), each atomically
// and only when `to` has none of its own. Returns the names copied. Throws
// StoreError naming the file when one cannot be read or written.
std::vector<std::string> copyRunKeepsakes(const std::string& from, const std::string& to);

} // namespace mnistx::store
