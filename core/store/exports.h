#pragma once
// Exports of a run for other tools (pandas, NumPy), written by the headless
// mode next to run.bin and by the GUI's "Export all samples".
//
// Both files are written atomically (temporary file, fsync, rename: see
// writeFileAtomically), so a reader never sees half a file. Both throw
// StoreError naming the path when it cannot be written (missing or read-only
// folder, full disk), and std::invalid_argument for a RunData that breaks the
// consistency rules of saveRun (a caller bug). Call from any thread.

#include "core/data/user_metadata.h"
#include "core/store/run_data.h"

#include <string>
#include <vector>

namespace mnistx::store
{

// One row per sample, training samples first, then validation samples, in
// IDX order within each. Columns (C = classCount):
//   subset       "train" or "validation"
//   index        index of the sample within its subset (its IDX file)
//   label        ground truth
//   prediction   argmax of the logits
//   correct      1 when label == prediction, else 0
//   loss         cross-entropy in nats
//   p0..p{C-1}   softmax probabilities
//   dist0..dist{C-1}  Euclidean distance to each class centroid, pixel space
//   x,y          position on the 2D map (map space)
//   label_name, prediction_name  the classes' names (the numbers when the
//                run has no names)
//   source       the image's path relative to the data folder (image
//                folders; empty otherwise)
//   A run without model scores (train.scored false) has no prediction,
//   correct, loss, p<c> or prediction_name column.
//   then one column per field of the user's metadata.csv, when `metadata`
//                is given and its splits are the run's: numbers, or the
//                category's text; empty where the user gave no value
// Floats are printed like printf's %.6g, in the C locale whatever the
// process's locale is; lines end in '\n'. 70,000 rows take well under 0.1 s.
void writeSamplesCsv(const RunData& run, const std::string& path,
                     const data::UserMetadata* metadata = nullptr);
// The same table with the rows of the given samples only, in the given order
// (ids: training samples 0..N_train−1, then validation samples offset by
// N_train, as ExplorerSession numbers them); ids out of range are skipped.
// The header is written even when no id is left.
void writeSamplesCsv(const RunData& run, const std::vector<int>& ids, const std::string& path,
                     const data::UserMetadata* metadata = nullptr);

// The feature vectors as a NumPy .npy file (format 1.0): dtype '<f4',
// C order, shape (N_train + N_validation, D), rows in the order of
// samples.csv, so numpy.load(path)[i] belongs to row i of samples.csv.
void writeFeaturesNpy(const RunData& run, const std::string& path);

} // namespace mnistx::store
