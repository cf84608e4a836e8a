#include "core/compare/run_comparison.h"

#include "core/store/csv_writer.h"
#include "core/store/file_io.h"
#include "core/store/run_data.h"
#include "core/store/run_store.h"
#include "core/store/store_error.h"
#include "core/util/json_cursor.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace mnistx::compare
{

namespace
{

std::string countsOf(const store::RunData& run)
{
    return std::to_string(run.train.sampleCount()) + " + " +
           std::to_string(run.validation.sampleCount()) + " samples, " +
           std::to_string(run.train.classCount) + " classes";
}

// Each change's counter and word, in the enum's order.
long long ChangeCounts::*const kCounters[] = {&ChangeCounts::fixed, &ChangeCounts::broken,
                                              &ChangeCounts::bothRight, &ChangeCounts::bothWrong};
const char* const kChangeNames[] = {"fixed", "broken", "both_right", "both_wrong"};

void addChange(ChangeCounts& counts, Change change)
{
    ++(counts.*kCounters[static_cast<int>(change)]);
}

json::Value countsJson(const ChangeCounts& counts)
{
    json::Value v = json::Value::object();
    for (int c = 0; c < 4; ++c)
        v[kChangeNames[c]] = counts.*kCounters[c];
    v["total"] = counts.total();
    return v;
}

json::Value pairsJson(const std::vector<PairShift>& pairs)
{
    json::Value list = json::Value::array();
    for (const PairShift& p : pairs) {
        json::Value v = json::Value::object();
        v["label"] = p.label;
        v["prediction"] = p.prediction;
        v["count_a"] = p.countA;
        v["count_b"] = p.countB;
        v["delta"] = p.delta();
        list.push_back(std::move(v));
    }
    return list;
}

} // namespace

const char* changeName(Change change)
{
    return kChangeNames[static_cast<int>(change)];
}

std::string whyNotComparable(const store::RunData& a, const store::RunData& b)
{
    // A comparison is of predictions and losses.
    for (const auto* run : {&a, &b})
        if (!run->train.scored)
            return std::string("run ") + (run == &a ? "A" : "B") + " (" + run->dataFolder +
                   ") has no model scores to compare: " + analysis::kNoScoresCause;
    if (!a.datasetFingerprint.empty() && !b.datasetFingerprint.empty()) {
        if (a.datasetFingerprint != b.datasetFingerprint)
            return "the runs are of different datasets: A of " + a.dataFolder + " (" + countsOf(a) +
                   ", fingerprint " + a.datasetFingerprint + "), B of " + b.dataFolder + " (" +
                   countsOf(b) + ", fingerprint " + b.datasetFingerprint + ")";
    }
    // Same fingerprint, or a run from before fingerprints: the samples must
    // still line up one to one (a --train-limit run of the same folder does not).
    if (a.train.sampleCount() != b.train.sampleCount() ||
        a.validation.sampleCount() != b.validation.sampleCount() ||
        a.train.classCount != b.train.classCount)
        return "the runs hold other samples: A " + countsOf(a) + ", B " + countsOf(b);
    for (const auto* pair : {&a.train, &a.validation}) {
        const analysis::SubsetAnalysis& other = pair == &a.train ? b.train : b.validation;
        for (int i = 0; i < pair->sampleCount(); ++i)
            if (pair->labels[static_cast<std::size_t>(i)] !=
                other.labels[static_cast<std::size_t>(i)])
                return std::string("the runs' labels differ: ") +
                       analysis::subsetName(pair->subset) + " sample " + std::to_string(i) +
                       " is " + std::to_string(pair->labels[static_cast<std::size_t>(i)]) +
                       " in A and " + std::to_string(other.labels[static_cast<std::size_t>(i)]) +
                       " in B";
    }
    return {};
}

RunComparison compareRuns(const store::RunData& a, const store::RunData& b)
{
    const std::string problem = whyNotComparable(a, b);
    if (!problem.empty())
        throw std::invalid_argument("cannot compare: " + problem);
    RunComparison out;
    out.samples.reserve(
        static_cast<std::size_t>(a.train.sampleCount() + a.validation.sampleCount()));
    std::map<std::pair<int, int>, PairShift> cells;
    for (const auto* subsetA : {&a.train, &a.validation}) {
        const bool validation = subsetA == &a.validation;
        const analysis::SubsetAnalysis& subsetB = validation ? b.validation : b.train;
        ChangeCounts& counts = validation ? out.validation : out.train;
        for (int i = 0; i < subsetA->sampleCount(); ++i) {
            const auto k = static_cast<std::size_t>(i);
            SampleChange s;
            s.subset = validation ? analysis::Subset::Validation : analysis::Subset::Train;
            s.index = i;
            s.label = subsetA->labels[k];
            s.predictionA = subsetA->predictions[k];
            s.predictionB = subsetB.predictions[k];
            s.lossA = subsetA->losses[k];
            s.lossB = subsetB.losses[k];
            const bool rightA = s.predictionA == s.label, rightB = s.predictionB == s.label;
            s.change = rightA ? (rightB ? Change::BothRight : Change::Broken)
                              : (rightB ? Change::Fixed : Change::BothWrong);
            addChange(counts, s.change);
            addChange(out.overall, s.change);
            if (!rightA) {
                PairShift& cell = cells[{s.label, s.predictionA}];
                cell.label = s.label;
                cell.prediction = s.predictionA;
                ++cell.countA;
            }
            if (!rightB) {
                PairShift& cell = cells[{s.label, s.predictionB}];
                cell.label = s.label;
                cell.prediction = s.predictionB;
                ++cell.countB;
            }
            out.samples.push_back(s);
        }
    }
    // From the predictions compared (what compare.csv shows), not the stored figures.
    const auto accuracy = [](const ChangeCounts& c, bool runB) {
        const long long right = c.bothRight + (runB ? c.fixed : c.broken);
        return c.total() > 0 ? double(right) / double(c.total()) : 0.0;
    };
    out.trainAccuracyA = accuracy(out.train, false);
    out.trainAccuracyB = accuracy(out.train, true);
    out.validationAccuracyA = accuracy(out.validation, false);
    out.validationAccuracyB = accuracy(out.validation, true);
    for (const auto& [key, cell] : cells) {
        if (cell.delta() > 0)
            out.gained.push_back(cell);
        else if (cell.delta() < 0)
            out.lost.push_back(cell);
    }
    // Largest change first; ties by ground truth, then prediction (the
    // map's order), so the lists do not depend on anything else.
    const auto byChange = [](bool rising) {
        return [rising](const PairShift& x, const PairShift& y) {
            const long long dx = rising ? x.delta() : -x.delta();
            const long long dy = rising ? y.delta() : -y.delta();
            if (dx != dy)
                return dx > dy;
            return std::make_pair(x.label, x.prediction) < std::make_pair(y.label, y.prediction);
        };
    };
    std::sort(out.gained.begin(), out.gained.end(), byChange(true));
    std::sort(out.lost.begin(), out.lost.end(), byChange(false));
    if (out.gained.size() > RunComparison::kTopPairs)
        out.gained.resize(RunComparison::kTopPairs);
    if (out.lost.size() > RunComparison::kTopPairs)
        out.lost.resize(RunComparison::kTopPairs);
    return out;
}

void writeComparisonCsv(const RunComparison& comparison, const std::string& path)
{
    store::CsvWriter csv;
    csv.reserve(comparison.samples.size() * 48 + 128);
    for (const char* column :
         {"subset", "index", "label", "prediction_a", "prediction_b", "loss_a", "loss_b", "change"})
        csv.text(column);
    csv.endRow();
    for (const SampleChange& s : comparison.samples) {
        csv.text(analysis::subsetName(s.subset))
            .integer(s.index)
            .integer(s.label)
            .integer(s.predictionA)
            .integer(s.predictionB)
            .number(s.lossA)
            .number(s.lossB)
            .text(changeName(s.change));
        csv.endRow();
    }
    csv.write(path);
}

void writeComparisonJson(const RunComparison& comparison, const std::string& runA,
                         const std::string& runB, const std::string& path)
{
    json::Value v = json::Value::object();
    v["run_a"] = runA;
    v["run_b"] = runB;
    v["overall"] = countsJson(comparison.overall);
    v["train"] = countsJson(comparison.train);
    v["validation"] = countsJson(comparison.validation);
    json::Value accuracy = json::Value::object();
    accuracy["train_a"] = comparison.trainAccuracyA;
    accuracy["train_b"] = comparison.trainAccuracyB;
    accuracy["validation_a"] = comparison.validationAccuracyA;
    accuracy["validation_b"] = comparison.validationAccuracyB;
    v["accuracy"] = std::move(accuracy);
    v["pairs_gained"] = pairsJson(comparison.gained);
    v["pairs_lost"] = pairsJson(comparison.lost);
    store::writeTextAtomically(path, json::serialize(v) + "\n");
}

StoredComparison compareStoredRuns(const std::string& runA, const std::string& runB,
                                   const std::string& outDir)
{
    StoredComparison out;
    out.runA = std::make_shared<const store::RunData>(store::loadRun(runA));
    out.runB = std::make_shared<const store::RunData>(store::loadRun(runB));
    out.comparison = compareRuns(*out.runA, *out.runB);
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec)
        throw store::StoreError("cannot create the folder " + outDir + ": " + ec.message());
    writeComparisonCsv(out.comparison, outDir + "/compare.csv");
    writeComparisonJson(out.comparison, runA, runB, outDir + "/compare.json");
    return out;
}

} // namespace mnistx::compare
