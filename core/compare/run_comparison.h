#pragma once
// Two runs of one dataset side by side: which samples the second model fixed,
// which it broke, and which confusions grew or shrank. What
// `mnist-explorer --compare RUN_A RUN_B --out DIR` writes (compare.csv,
// compare.json; the map is drawn by ui/export).

#include "core/analysis/analysis_types.h"

#include <memory>
#include <string>
#include <vector>

namespace mnistx::store
{
struct RunData;
}

namespace mnistx::compare
{

// A sample's fate from run A to run B.
enum class Change {
    Fixed,     // A wrong, B right
    Broken,    // A right, B wrong
    BothRight, // right in both
    BothWrong, // wrong in both (the same or another wrong class)
};
// "fixed", "broken", "both_right", "both_wrong": compare.csv's words.
const char* changeName(Change change);

struct SampleChange {
    analysis::Subset subset = analysis::Subset::Train;
    int index = 0; // in its subset
    int label = 0;
    int predictionA = 0;
    int predictionB = 0;
    float lossA = 0.0f;
    float lossB = 0.0f;
    Change change = Change::BothRight;
};

struct ChangeCounts {
    long long fixed = 0;
    long long broken = 0;
    long long bothRight = 0;
    long long bothWrong = 0;
    long long total() const { return fixed + broken + bothRight + bothWrong; }
};

// An off-diagonal confusion cell (ground truth → prediction) over both
// subsets, counted in each run.
struct PairShift {
    int label = 0;
    int prediction = 0;
    long long countA = 0;
    long long countB = 0;
    long long delta() const { return countB - countA; }
};

struct RunComparison {
    std::vector<SampleChange> samples; // train rows, then validation rows
    ChangeCounts overall, train, validation;
    double trainAccuracyA = 0.0, trainAccuracyB = 0.0;
    double validationAccuracyA = 0.0, validationAccuracyB = 0.0;
    // The confusions B made more often than A (largest increase first) and
    // less often (largest decrease first); at most kTopPairs each, none
    // unchanged.
    static constexpr int kTopPairs = 5;
    std::vector<PairShift> gained;
    std::vector<PairShift> lost;
};

// Empty when a and b can be compared sample by sample, else why not: other
// datasets (fingerprints differ; for runs from before fingerprints, other
// counts, classes or labels), named with both runs' figures, or a run
// without model scores (nothing to compare).
std::string whyNotComparable(const store::RunData& a, const store::RunData& b);

// Throws std::invalid_argument with whyNotComparable's reason.
RunComparison compareRuns(const store::RunData& a, const store::RunData& b);

// dir/compare.csv: one row per sample, "subset,index,label,prediction_a,
// prediction_b,loss_a,loss_b,change", train rows first. Written atomically;
// throws StoreError naming the file.
void writeComparisonCsv(const RunComparison& comparison, const std::string& path);

// dir/compare.json: the runs compared (folders as given), counts per change
// overall and per subset, both runs' accuracies per subset, and the pairs
// gained and lost. Written atomically; throws StoreError naming the file.
void writeComparisonJson(const RunComparison& comparison, const std::string& runA,
                         const std::string& runB, const std::string& path);

// The headless --compare: loads the runs stored in runA and runB, compares
// them and writes outDir/compare.csv and outDir/compare.json (the folder is
// made when missing). Throws StoreError (a run cannot be read, a file cannot
// be written) or std::invalid_argument (runs that cannot be compared), in
// both cases before anything is written when the runs are the problem.
struct StoredComparison {
    std::shared_ptr<const store::RunData> runA;
    std::shared_ptr<const store::RunData> runB;
    RunComparison comparison;
};
StoredComparison compareStoredRuns(const std::string& runA, const std::string& runB,
                                   const std::string& outDir);

} // namespace mnistx::compare
