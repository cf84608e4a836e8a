#pragma once
// Label-error candidates: samples whose given label is probably wrong, ranked
// from two kinds of evidence, and the user's verdicts on them.
//
// Evidence 1, confident learning (Northcutt et al., 2021): per given class j a
// threshold t_j = mean of p(j | x) over the samples labelled j (the class's
// mean self-confidence). A sample labelled y whose self-confidence p(y | x)
// is below t_y and that has some other class j with p(j | x) ≥ t_j lies in
// the confident joint off the diagonal: probably class j, labelled y.
// Evidence 2, feature-space neighbours: the share of its k nearest
// neighbours (penultimate layer, both subsets) whose given label differs.
// Thresholds are per subset: training probabilities are in-sample and much
// more confident than validation ones.

#include "core/analysis/analysis_types.h"
#include "core/store/run_data.h"
#include "core/why/feature_index.h"
#include "core/why/why_progress.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::why
{

struct LabelErrorConfig {
    int neighbours = 10; // k of the vote: enough for a stable share, small enough to stay local
    // score = confidenceWeight·(1 − self-confidence) + (1 − confidenceWeight)·(1 − neighbour share
    // of the given label). Equal weights: either evidence alone can only reach 0.5.
    double confidenceWeight = 0.5;
    // List only samples below their class threshold (confident learning's
    // candidates) with score ≥ minScore; 0.5 keeps ~1% of MNIST.
    double minScore = 0.5;
    int maxCandidates = 0; // 0: all that qualify
    int threads = 0;       // for the neighbour graph, 0: all cores
};

// One candidate with its evidence. Ids are global ids (train first).
struct LabelCandidate {
    analysis::Subset subset = analysis::Subset::Train;
    int index = 0; // within the subset
    int givenLabel = 0;
    int suggestedLabel = 0;      // off-diagonal class of the confident joint, else the runner-up
    float selfConfidence = 0.0f; // p(given label | x)
    float suggestedConfidence = 0.0f;     // p(suggested | x)
    float threshold = 0.0f;               // t of the given class in its subset
    float neighbourGivenShare = 0.0f;     // share of the k neighbours labelled like this one
    float neighbourSuggestedShare = 0.0f; // share labelled with the suggested label
    bool confidentJoint = false;          // p(suggested) ≥ t_suggested (evidence 1 holds)
    float score = 0.0f;                   // in [0,1], higher = more likely mislabeled
};

// Ranked best first (score descending, then subset, then index: the order is
// reproducible). Pure function of its inputs; call from any thread.
// `graph` must be the run's neighbour graph (n = N_train + N_validation, ids
// global); its k may differ from config.neighbours (the first
// min(k, neighbours) columns are used). Throws std::invalid_argument when the
// graph does not match the run. progress is asked every few thousand samples
// (≈ 1 ms) on the calling thread; Cancelled is thrown when it says stop.
// None for a run without model scores: the evidence starts from the model's
// probabilities.
std::vector<LabelCandidate> rankLabelCandidates(const store::RunData& run,
                                                const NeighbourGraph& graph,
                                                const LabelErrorConfig& config = {},
                                                const WhyProgress& progress = {});
// The same, building the neighbour graph from the index first (most of the
// time: ~1 s of 1.5 s at 70,000 on 2 threads; progress is asked between its
// chunks of queries, at least every 25 ms).
std::vector<LabelCandidate> rankLabelCandidates(const store::RunData& run,
                                                const FeatureIndex& index,
                                                const LabelErrorConfig& config = {},
                                                const WhyProgress& progress = {});

// Per-class thresholds t_j of one subset (C values; 1.0 for a class with no
// samples, so that nothing is flagged for it).
std::vector<float> selfConfidenceThresholds(const analysis::SubsetAnalysis& analysis);

// label_candidates.csv: header "subset,index,given_label,suggested_label,score,
// self_confidence,neighbour_given_share,neighbour_suggested_share", one row per
// candidate in the given order, %.6g floats, C locale. Written atomically;
// throws store::StoreError naming the path.
void writeLabelCandidatesCsv(const std::vector<LabelCandidate>& candidates,
                             const std::string& path);

// The user's verdict on a candidate.
enum class LabelMark : int { ConfirmedMislabeled = 1, Fine = 2 };
const char* labelMarkName(LabelMark mark); // "mislabeled", "fine"

// Verdicts keyed by (subset, index). A plain value: copy it, edit it on one
// thread at a time.
class LabelMarks
{
public:
    void set(analysis::Subset subset, int index, LabelMark mark);
    void clear(analysis::Subset subset, int index);
    // nullptr when the sample has no mark.
    const LabelMark* find(analysis::Subset subset, int index) const;
    int size() const { return static_cast<int>(m_marks.size()); }
    bool empty() const { return m_marks.empty(); }
    // Train before validation, ascending index.
    const std::map<std::pair<int, int>, LabelMark>& all() const { return m_marks; }

private:
    std::map<std::pair<int, int>, LabelMark> m_marks; // key: (subset, index)
};

// The file beside run.bin: "<runDir>/label_marks.json".
std::string labelMarksPath(const std::string& runDir);
// JSON {"format":"mnistx-label-marks","version":1,"marks":[{"subset":"validation",
// "index":3,"mark":"mislabeled"},...]}, written atomically. Throws
// store::StoreError naming the file on I/O failure.
void saveLabelMarks(const LabelMarks& marks, const std::string& runDir);
// Empty marks when the file does not exist; throws store::StoreError naming
// the file when it cannot be read or is not a marks file (bad JSON, unknown
// subset or mark, negative index).
LabelMarks loadLabelMarks(const std::string& runDir);
// CSV "subset,index,given_label,mark" (given label from the run, empty when
// the index is outside it), atomically; throws store::StoreError.
void writeLabelMarksCsv(const LabelMarks& marks, const store::RunData& run,
                        const std::string& path);

} // namespace mnistx::why
