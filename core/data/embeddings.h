#pragma once
// Embeddings computed elsewhere: a folder of NumPy files that another
// program (a PyTorch or JAX model, an embedding service) wrote for N samples,
// one row per sample, rows in the same order in every file.
//
//   features.npy       N×D float32 or float16: the feature vectors (required)
//   labels.npy         N integers, any integer type: the true classes (required)
//   logits.npy         N×K float32, float64 or float16: raw class scores, or
//   probabilities.npy  N×K the same types: scores in [0, 1], each row summing
//                      to 1 (softmax outputs); at most one of the two,
//                      and neither gives a run without predictions or
//                      losses (analysis::fillUnscored)
//   subset.npy         N integers: 0 = train, 1 = validation; without it
//                      every row is validation
//   images.npy         N×H×W (grey) or N×H×W×C (C = 1 or 3), uint8 (0 to 255)
//                      or float (0 to 1): the pictures the features came from
//   classes.txt        one class name per line, in label order
//   metadata.csv       the user's per-sample fields (see user_metadata.h);
//                      its index is a row's position within its subset
//
// The class count K comes from the scores' columns, else from classes.txt,
// else from the largest label + 1 (at least kMinClasses).
//
// No torch, no Qt: the app, the headless mode, tests and benchmarks share it.

#include "core/data/data_files.h"
#include "core/data/dataset.h"
#include "core/data/user_metadata.h"
#include "core/util/matrix.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::data
{

// One subset of the rows (train or validation), in file order.
struct EmbeddingSplit {
    RowMatrixXf features;           // count × featureDim, feature space, finite
    std::vector<ClassLabel> labels; // count values in [0, classCount)
    // count × classCount logits or probabilities (EmbeddingSet::scores says
    // which); 0×0 when the folder has neither.
    RowMatrixXf scores;
    // count × rows × cols × channels bytes (0 = black, 255 = white), row-major,
    // channels interleaved, as Dataset::images; empty when there is no images.npy.
    std::vector<std::uint8_t> images;
    // count values: each sample's row in the files (0-based, ascending).
    std::vector<std::int64_t> rows;

    int count() const { return static_cast<int>(labels.size()); }
    bool empty() const { return labels.empty(); }
};

enum class EmbeddingScores { None, Logits, Probabilities };

// What readEmbeddings read. A plain value: safe to copy, or to share across
// threads as std::shared_ptr<const EmbeddingSet>.
struct EmbeddingSet {
    EmbeddingSplit train;
    EmbeddingSplit validation;
    EmbeddingScores scores = EmbeddingScores::None;
    int classCount = 0; // K, kMinClasses to kMaxClasses
    int featureDim = 0; // D ≥ 1
    // The images' shape when hasImages; 0×0 with no channels otherwise.
    ImageShape imageShape{0, 0, 0};
    bool hasImages = false;
    // classCount names in label order: classes.txt's, else "0", "1", ….
    std::vector<std::string> classNames;
    // The folder's metadata.csv joined to the samples; empty without one.
    UserMetadata metadata;
    std::string folder;
    // What the reader did or did not find that the user should know (no
    // subset.npy, float16 converted, an empty split), one sentence each.
    std::vector<std::string> notes;

    int count() const { return train.count() + validation.count(); }
};

// A row of probabilities.npy may sum to 1 within this: float32 softmax
// outputs of a thousand classes sum to 1 within ~1e-5, and values rounded
// to 4 decimals before saving within K × 5e-5 (5e-4 for ten classes).
inline constexpr double kProbabilitySumTolerance = 1e-3;

// True when `folder` holds features.npy and labels.npy (what readEmbeddings
// needs to start); never throws. For offering a folder before any work starts.
bool holdsEmbeddings(const std::string& folder);

// The images and labels of `set` as a dataset (format "embeddings"), for the
// views that show pictures. Throws DataError naming the folder when it has
// no images.npy. A split without rows keeps the image shape.
DatasetSplits embeddingDataset(const EmbeddingSet& set);

// Reads the folder described above. Every row lands in exactly one split, in
// file order; the per-split copies are made only when subset.npy puts rows
// in both (otherwise the payloads are read straight into the one split).
// Memory: the features, scores and images once, plus a few MB of buffers.
//
// Throws DataError, naming the file(s) and the problem, when the folder is
// missing; features.npy or labels.npy is missing; a .npy file cannot be read
// (npy_reader.h) or has the wrong shape or element type; features.npy has no
// rows; two files disagree on the row count (both named, with both counts);
// a feature or logit is NaN or infinite (row and column named); a
// probability is outside [0, 1] or a row does not sum to 1 (row named);
// logits.npy and probabilities.npy are both present; a label is negative or
// not below K (row, value, K and where K came from); K is outside
// kMinClasses to kMaxClasses; classes.txt names another number of classes
// than the scores have columns; a subset value is neither 0 nor 1; the
// images are of an unsupported size or type; classes.txt or metadata.csv is
// refused by its own reader.
//
// May be called from any thread; shares no state.
EmbeddingSet readEmbeddings(const std::string& folder);

} // namespace mnistx::data
