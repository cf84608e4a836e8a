#include "core/why/label_errors.h"

#include "core/store/csv_writer.h"
#include "core/store/file_io.h"
#include "core/store/store_error.h"
#include "core/util/json_cursor.h"

#include <algorithm>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>

namespace mnistx::why
{

namespace
{

// Samples between two progress calls: a few thousand rows of ten
// probabilities and ten neighbours, well under a millisecond.
constexpr int kProgressChunk = 4096;

void rankSubset(const analysis::SubsetAnalysis& a, int idOffset, int totalTrain,
                const store::RunData& run, const NeighbourGraph& graph, int k,
                const LabelErrorConfig& config, std::vector<LabelCandidate>& out,
                const WhyProgress& progress)
{
    const int classCount = a.classCount;
    const std::vector<float> thresholds = selfConfidenceThresholds(a);
    for (int i = 0; i < a.sampleCount(); ++i) {
        if (i % kProgressChunk == 0)
            checkProgress(progress, double(i) / a.sampleCount());
        const int given = a.labels[static_cast<std::size_t>(i)];
        const float self = a.probabilities(i, given);
        const float threshold = thresholds[static_cast<std::size_t>(given)];
        if (self >= threshold)
            continue; // confident learning: at or above its class's mean, not a candidate

        // Suggested: the most probable class over its own threshold (the
        // confident joint), else the most probable other class.
        int suggested = -1;
        int runnerUp = -1;
        for (int c = 0; c < classCount; ++c) {
            if (c == given)
                continue;
            const float p = a.probabilities(i, c);
            if (runnerUp < 0 || p > a.probabilities(i, runnerUp))
                runnerUp = c;
            if (p >= thresholds[static_cast<std::size_t>(c)] &&
                (suggested < 0 || p > a.probabilities(i, suggested)))
                suggested = c;
        }
        const bool joint = suggested >= 0;
        if (!joint)
            suggested = runnerUp;
        if (suggested < 0)
            continue; // one class only

        const std::int32_t* neighbours = graph.row(idOffset + i);
        int sameGiven = 0, sameSuggested = 0, voters = 0;
        for (int j = 0; j < k; ++j) {
            const int id = neighbours[j];
            if (id < 0)
                continue;
            const int label =
                id < totalTrain ? run.train.labels[static_cast<std::size_t>(id)]
                                : run.validation.labels[static_cast<std::size_t>(id - totalTrain)];
            ++voters;
            sameGiven += label == given;
            sameSuggested += label == suggested;
        }
        const float givenShare = voters ? float(sameGiven) / voters : 1.0f;
        const float suggestedShare = voters ? float(sameSuggested) / voters : 0.0f;
        const float score =
            static_cast<float>(config.confidenceWeight * (1.0 - self) +
                               (1.0 - config.confidenceWeight) * (1.0 - givenShare));
        if (score < config.minScore)
            continue;

        LabelCandidate c;
        c.subset = a.subset;
        c.index = i;
        c.givenLabel = given;
        c.suggestedLabel = suggested;
        c.selfConfidence = self;
        c.suggestedConfidence = a.probabilities(i, suggested);
        c.threshold = threshold;
        c.neighbourGivenShare = givenShare;
        c.neighbourSuggestedShare = suggestedShare;
        c.confidentJoint = joint;
        c.score = score;
        out.push_back(c);
    }
}

} // namespace

std::vector<float> selfConfidenceThresholds(const analysis::SubsetAnalysis& a)
{
    std::vector<double> sum(static_cast<std::size_t>(a.classCount), 0.0);
    std::vector<long long> count(static_cast<std::size_t>(a.classCount), 0);
    for (int i = 0; i < a.sampleCount(); ++i) {
        const int label = a.labels[static_cast<std::size_t>(i)];
        sum[static_cast<std::size_t>(label)] += a.probabilities(i, label);
        ++count[static_cast<std::size_t>(label)];
    }
    std::vector<float> thresholds(static_cast<std::size_t>(a.classCount), 1.0f);
    for (std::size_t c = 0; c < thresholds.size(); ++c)
        if (count[c] > 0)
            thresholds[c] = static_cast<float>(sum[c] / double(count[c]));
    return thresholds;
}

std::vector<LabelCandidate> rankLabelCandidates(const store::RunData& run,
                                                const NeighbourGraph& graph,
                                                const LabelErrorConfig& config,
                                                const WhyProgress& progress)
{
    const int trainCount = run.train.sampleCount();
    const int n = trainCount + run.validation.sampleCount();
    if (graph.n != n)
        throw std::invalid_argument("label candidates: the neighbour graph has " +
                                    std::to_string(graph.n) + " rows, the run " +
                                    std::to_string(n) + " samples");
    if (graph.ids.size() != static_cast<std::size_t>(graph.n) * graph.k)
        throw std::invalid_argument("label candidates: the neighbour graph is inconsistent");
    if (!run.train.scored) // the evidence starts from the model's probabilities
        return {};
    for (const auto* a : {&run.train, &run.validation})
        if (a->probabilities.rows() != a->sampleCount() || a->probabilities.cols() != a->classCount)
            throw std::invalid_argument(std::string("label candidates: ") +
                                        analysis::subsetName(a->subset) +
                                        " probabilities do not match its labels");
    if (config.confidenceWeight < 0.0 || config.confidenceWeight > 1.0)
        throw std::invalid_argument("label candidates: confidenceWeight must be in [0,1]");

    const int k = std::min(graph.k, std::max(1, config.neighbours));
    std::vector<LabelCandidate> out;
    const double trainShare = n > 0 ? double(trainCount) / n : 1.0;
    rankSubset(run.train, 0, trainCount, run, graph, k, config, out,
               partOf(progress, 0.0, trainShare));
    rankSubset(run.validation, trainCount, trainCount, run, graph, k, config, out,
               partOf(progress, trainShare, 1.0 - trainShare));
    std::sort(out.begin(), out.end(), [](const LabelCandidate& x, const LabelCandidate& y) {
        if (x.score != y.score)
            return x.score > y.score;
        if (x.subset != y.subset)
            return x.subset < y.subset;
        return x.index < y.index;
    });
    if (config.maxCandidates > 0 && static_cast<int>(out.size()) > config.maxCandidates)
        out.resize(static_cast<std::size_t>(config.maxCandidates));
    return out;
}

std::vector<LabelCandidate> rankLabelCandidates(const store::RunData& run,
                                                const FeatureIndex& index,
                                                const LabelErrorConfig& config,
                                                const WhyProgress& progress)
{
    // The graph is nearly all of the time; the ranking itself the last few percent.
    constexpr double kGraphShare = 0.95;
    if (!run.train.scored)
        return {};
    NeighbourGraph graph;
    try {
        graph = index.neighbourGraph(std::max(1, config.neighbours), config.threads,
                                     partOf(progress, 0.0, kGraphShare));
    } catch (const IndexCancelled&) {
        throw Cancelled();
    }
    return rankLabelCandidates(run, graph, config,
                               partOf(progress, kGraphShare, 1.0 - kGraphShare));
}

void writeLabelCandidatesCsv(const std::vector<LabelCandidate>& candidates, const std::string& path)
{
    store::CsvWriter csv;
    csv.reserve(128 + candidates.size() * 64);
    for (const char* column :
         {"subset", "index", "given_label", "suggested_label", "score", "self_confidence",
          "neighbour_given_share", "neighbour_suggested_share"})
        csv.text(column);
    csv.endRow();
    for (const LabelCandidate& c : candidates) {
        csv.text(analysis::subsetName(c.subset))
            .integer(c.index)
            .integer(c.givenLabel)
            .integer(c.suggestedLabel)
            .number(c.score)
            .number(c.selfConfidence)
            .number(c.neighbourGivenShare)
            .number(c.neighbourSuggestedShare);
        csv.endRow();
    }
    csv.write(path);
}

const char* labelMarkName(LabelMark mark)
{
    return mark == LabelMark::ConfirmedMislabeled ? "mislabeled" : "fine";
}

void LabelMarks::set(analysis::Subset subset, int index, LabelMark mark)
{
    if (index < 0)
        throw std::invalid_argument("label marks: negative sample index");
    m_marks[{static_cast<int>(subset), index}] = mark;
}

void LabelMarks::clear(analysis::Subset subset, int index)
{
    m_marks.erase({static_cast<int>(subset), index});
}

const LabelMark* LabelMarks::find(analysis::Subset subset, int index) const
{
    const auto it = m_marks.find({static_cast<int>(subset), index});
    return it == m_marks.end() ? nullptr : &it->second;
}

std::string labelMarksPath(const std::string& runDir)
{
    return runDir + "/label_marks.json";
}

void saveLabelMarks(const LabelMarks& marks, const std::string& runDir)
{
    json::Value doc = json::Value::object();
    doc["format"] = "mnistx-label-marks";
    doc["version"] = 1;
    json::Value list = json::Value::array();
    for (const auto& [key, mark] : marks.all()) {
        json::Value entry = json::Value::object();
        entry["subset"] = analysis::subsetName(static_cast<analysis::Subset>(key.first));
        entry["index"] = key.second;
        entry["mark"] = labelMarkName(mark);
        list.push_back(std::move(entry));
    }
    doc["marks"] = std::move(list);
    store::writeTextAtomically(labelMarksPath(runDir), json::serialize(doc) + "\n");
}

LabelMarks loadLabelMarks(const std::string& runDir)
{
    const std::string path = labelMarksPath(runDir);
    struct stat info {
    };
    if (::stat(path.c_str(), &info) != 0)
        return {};
    const std::vector<unsigned char> text = store::readWholeFile(path);
    LabelMarks marks;
    try {
        const json::Value doc =
            json::parse(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
        const json::Cursor root(doc);
        if (root["format"].asString() != "mnistx-label-marks")
            root["format"].fail("not a label marks file");
        if (root["version"].asInteger() != 1)
            root["version"].fail("unsupported version");
        const json::Cursor list = root["marks"];
        for (std::size_t k = 0; k < list.arraySize(); ++k) {
            const json::Cursor entry = list[k];
            const std::string& subset = entry["subset"].asString();
            analysis::Subset s = analysis::Subset::Train;
            if (subset == "validation")
                s = analysis::Subset::Validation;
            else if (subset != "train")
                entry["subset"].fail("unknown subset '" + subset + "'");
            const int index = static_cast<int>(entry["index"].asInteger(0, 1LL << 30));
            const std::string& mark = entry["mark"].asString();
            if (mark == "mislabeled")
                marks.set(s, index, LabelMark::ConfirmedMislabeled);
            else if (mark == "fine")
                marks.set(s, index, LabelMark::Fine);
            else
                entry["mark"].fail("unknown mark '" + mark + "'");
        }
    } catch (const json::Error& e) {
        throw store::StoreError(path + ": " + e.what());
    }
    return marks;
}

void writeLabelMarksCsv(const LabelMarks& marks, const store::RunData& run, const std::string& path)
{
    store::CsvWriter csv;
    csv.text("subset").text("index").text("given_label").text("mark");
    csv.endRow();
    for (const auto& [key, mark] : marks.all()) {
        const auto subset = static_cast<analysis::Subset>(key.first);
        const auto& a = subset == analysis::Subset::Train ? run.train : run.validation;
        csv.text(analysis::subsetName(subset)).integer(key.second);
        if (key.second < a.sampleCount())
            csv.integer(a.labels[static_cast<std::size_t>(key.second)]);
        else
            csv.empty();
        csv.text(labelMarkName(mark));
        csv.endRow();
    }
    csv.write(path);
}

} // namespace mnistx::why
