#pragma once
// The run store: one folder per run holding
//   run.bin       everything in RunData, one self-contained binary file;
//   summary.json  the headline figures for people and scripts (small).
//
// run.bin is a section container (section_file.h: magic "MNXRUN01", format
// version 1, a checksummed table of named sections, each 64-byte aligned).
// Sections: "meta" (UTF-8 JSON, run_json.h: settings, history, sanity check, centroid
// counts, projection parameters and quality, timings, versions, per-subset
// accuracy / loss / confusion / per-class figures / loss vs distance, and the
// shape of every array), "model" (model::Classifier::toBytes, as is),
// "centroids" (C × P float32, P = rows·cols·channels), and per subset s ∈ {train,
// validation} with N samples, C classes, D feature dimensions:
//   s.labels N, s.predictions N, s.losses f32 N, s.logits f32 N×C,
//   s.probabilities f32 N×C, s.features f32 N×D, s.distances f32 N×C,
//   s.nearest N, s.projection f32 N×2 (map space); matrices row-major; class
//   indices (labels, predictions, nearest) u8 up to 256 classes, else u16.
// Readers ignore sections they do not know.
//
// Functions here share no state; call them from any thread, but not two
// saveRun on the same folder at once.

#include "core/store/run_data.h"
#include "core/store/store_error.h"

#include <cstdint>
#include <string>

namespace mnistx::store
{

constexpr std::uint32_t kRunFormatVersion = 1;

// Writes run.bin and summary.json into dir (created with its parents if
// needed). Each file is written atomically (file_io.h: writeFileAtomically):
// a crash at any moment leaves either the old complete file or the new
// complete one.
// Throws StoreError naming the path on any I/O failure: run.bin is written
// first, so a failure leaves the old run.bin (or, if only summary.json
// failed, the new run.bin beside the old summary). Throws
// std::invalid_argument (a caller bug) for a RunData
// whose arrays do not agree in size: every per-sample array of a subset must
// have N = labels.size() rows, logits/probabilities/centroidDistances C =
// classCount columns (same C for both subsets, 1 ≤ C ≤ 256), features the
// same D in both subsets (when both have samples), the projection 2 columns,
// labels/predictions/nearestCentroid < C, confusion C×C, perClass C entries,
// centroid means 0 or C rows, loss-vs-distance edges one more than its bins.
void saveRun(const RunData& run, const std::string& dir);

// Reads dir/run.bin (in one go; a full MNIST run loads in tens of ms).
// Checks the magic, the format version, the header checksum, every section's
// bounds and checksum, that every required section is there, that every
// size agrees with the metadata (before allocating anything) and the
// consistency rules of saveRun. Throws StoreError naming the file on any
// failure ("no stored run in <dir>" when there is none); never returns a
// partly filled RunData.
RunData loadRun(const std::string& dir);

// True when dir holds a run.bin file (its content is not checked: loadRun
// says what is wrong with a damaged one).
bool hasRun(const std::string& dir);

// Empty when run satisfies the consistency rules of saveRun, else what breaks
// the first one violated ("validation.logits is 20×9, expected 20×10").
std::string describeInconsistency(const RunData& run);

} // namespace mnistx::store
