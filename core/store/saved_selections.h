#pragma once
// Saved selections (also the run's tags): named sets of samples kept beside
// run.bin in selections.json, so that a set found once (the 4s read as 9s,
// a lasso around a strange cluster, a query's matches) can be reopened,
// extended, coloured on the map and exported later.
//
//   {"format": "mnistx-selections", "version": 1, "selections": [
//     {"name": "4 vs 9", "description": "query “label == 4 and prediction == 9”",
//      "created_at": "2026-12-07T05:01:02Z",
//      "train": [17, 431], "validation": [12]}, …]}
//
// Indices are within their subset (as in samples.csv), ascending, unique.
// Plain functions; any thread, but not two saves of one run at once.

#include <string>
#include <vector>

namespace mnistx::store
{

struct SavedSelection {
    std::string name;        // 1 … kMaxSelectionNameBytes bytes, unique in a run
    std::string description; // how it was made; may be empty
    std::string createdAt;   // ISO 8601 UTC; may be empty
    std::vector<int> train;  // training-set indices, ascending, unique
    std::vector<int> validation;
    int size() const { return static_cast<int>(train.size() + validation.size()); }
};

inline constexpr int kSelectionsFormatVersion = 1;
inline constexpr int kMaxSelectionNameBytes = 100;
inline constexpr int kMaxSelections = 1000;

// "<runDir>/selections.json".
std::string selectionsPath(const std::string& runDir);

// The run's saved selections, in the order they were saved; none when
// there is no selections.json. Throws StoreError naming the file when it
// cannot be read or is not one: bad JSON, another format, a version newer
// than kSelectionsFormatVersion ("written by a newer MNIST Explorer"), an
// empty, too long or repeated name, an index that is negative, repeated or
// not below the run's trainCount / validationCount (a file of another run),
// more than kMaxSelections.
std::vector<SavedSelection> loadSelections(const std::string& runDir, int trainCount,
                                           int validationCount);

// Writes selections.json atomically (file_io.h): a crash leaves the old file
// or the new one. Throws StoreError naming the file when it cannot be
// written, std::invalid_argument (a caller bug) for names that
// selectionNameProblem refuses or indices out of order.
void saveSelections(const std::vector<SavedSelection>& selections, const std::string& runDir);

// Why name cannot name a new selection beside `existing` ("a selection is
// already named “x”", "the name is empty"), or empty when it can.
std::string selectionNameProblem(const std::string& name,
                                 const std::vector<SavedSelection>& existing);

// A selection of session ids (training samples 0 … trainCount − 1, then
// validation samples offset by trainCount): sorted, repeats and negative
// ids dropped. And back: the selection's session ids, ascending.
SavedSelection selectionOfIds(std::string name, std::string description,
                              const std::vector<int>& ids, int trainCount);
std::vector<int> idsOfSelection(const SavedSelection& selection, int trainCount);

} // namespace mnistx::store
