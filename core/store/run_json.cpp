#include "core/store/run_json.h"

#include "core/store/run_store.h"
#include "core/util/json_cursor.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>

namespace mnistx::store
{

namespace
{

using json::Cursor;
using json::Value;

constexpr long long kMaxClasses = analysis::kMaxAnalysedClasses;
// Bounds for dimensions read from the metadata, so that size arithmetic in
// 64 bits cannot overflow (2^31 samples × 2^24 × 4 bytes < 2^63).
constexpr long long kMaxDimension = 1LL << 24;

std::string hexOf(const std::string& bytes)
{
    static const char* const kHex = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 0xF];
    }
    return out;
}

// ---------------------------------------------------------------- exact JSON
// (see run_json.h)

Value exact(double v)
{
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    return v;
}

Value plain(double v)
{
    return v;
} // summary.json: non-finite becomes null

using NumberFn = Value (*)(double);

double readExact(const Cursor& c)
{
    if (c.value().is_string()) {
        const std::string& s = c.asString();
        if (s == "nan")
            return std::numeric_limits<double>::quiet_NaN();
        if (s == "inf")
            return std::numeric_limits<double>::infinity();
        if (s == "-inf")
            return -std::numeric_limits<double>::infinity();
        c.fail("expected a number, found the string \"" + s + "\"");
    }
    return c.asNumber();
}

std::uint64_t readUnsigned(const Cursor& c)
{
    if (c.value().is_string()) {
        const std::string& s = c.asString();
        std::uint64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
            c.fail("expected an unsigned integer, found \"" + s + "\"");
        return v;
    }
    return c.asUnsigned();
}

Value exactText(const std::string& text)
{
    if (json::isUtf8(text))
        return text;
    Value v = Value::object();
    v["hex"] = hexOf(text);
    return v;
}

std::string readText(const Cursor& c)
{
    if (!c.value().is_object())
        return c.asString();
    const Cursor hex = c["hex"];
    const std::string& digits = hex.asString();
    if (digits.size() % 2 != 0)
        hex.fail("odd number of hex digits");
    std::string out(digits.size() / 2, '\0');
    for (std::size_t k = 0; k < out.size(); ++k) {
        unsigned value = 0;
        const auto r = std::from_chars(digits.data() + 2 * k, digits.data() + 2 * k + 2, value, 16);
        if (r.ec != std::errc() || r.ptr != digits.data() + 2 * k + 2)
            hex.fail("not a hex digit pair at " + std::to_string(2 * k));
        out[k] = static_cast<char>(value);
    }
    return out;
}

long long readCount(const Cursor& c)
{
    return c.asInteger(0, LLONG_MAX);
}

Value numbers(const std::vector<double>& values, NumberFn number)
{
    Value out = Value::array();
    for (const double v : values)
        out.push_back(number(v));
    return out;
}

template <typename Int> Value integers(const std::vector<Int>& values)
{
    Value out = Value::array();
    for (const Int v : values)
        out.push_back(v);
    return out;
}

std::vector<double> readNumbers(const Cursor& c)
{
    std::vector<double> out(c.arraySize());
    for (std::size_t k = 0; k < out.size(); ++k)
        out[k] = readExact(c[k]);
    return out;
}

std::vector<long long> readCounts(const Cursor& c)
{
    std::vector<long long> out(c.arraySize());
    for (std::size_t k = 0; k < out.size(); ++k)
        out[k] = readCount(c[k]);
    return out;
}

std::vector<int> readInts(const Cursor& c)
{
    std::vector<int> out(c.arraySize());
    for (std::size_t k = 0; k < out.size(); ++k)
        out[k] = c[k].asInt();
    return out;
}

// ---------------------------------------------------------------- training records
// The stored members of the training records, spelled once for writing and
// reading: XFields{}(record, f) calls f(key, member) for each, in the order
// the JSON lists them. Integers are written as they are, text through
// exactText, and numbers through the writer's NumberFn (exact in run.json,
// plain in summary.json); the reader takes any of those back.

struct ConfigFields {
    template <typename Config, typename F> void operator()(Config& c, F&& f) const
    {
        f("architecture", c.architecture);
        f("epochs", c.epochs);
        f("batch_size", c.batchSize);
        f("learning_rate", c.learningRate);
        f("schedule", c.schedule);
        f("seed", c.seed);
        f("threads", c.threads);
        f("train_limit", c.trainLimit);
        f("validation_limit", c.validationLimit);
    }
};

struct EpochFields {
    template <typename Epoch, typename F> void operator()(Epoch& e, F&& f) const
    {
        f("epoch", e.epoch);
        f("train_loss", e.trainLoss);
        f("train_accuracy", e.trainAccuracy);
        f("validation_loss", e.validationLoss);
        f("validation_accuracy", e.validationAccuracy);
        f("seconds", e.seconds);
    }
};

// BatchReport::epochs is the training's epoch count: run.json keeps it once,
// in the config.
struct BatchFields {
    template <typename Batch, typename F> void operator()(Batch& b, F&& f) const
    {
        f("epoch", b.epoch);
        f("batch", b.batch);
        f("batches_per_epoch", b.batchesPerEpoch);
        f("samples_seen", b.samplesSeen);
        f("loss", b.loss);
        f("running_loss", b.runningLoss);
        f("running_accuracy", b.runningAccuracy);
        f("learning_rate", b.learningRate);
        f("samples_per_second", b.samplesPerSecond);
        f("elapsed_seconds", b.elapsedSeconds);
        f("eta_seconds", b.etaSeconds);
    }
};

// The JSON object of a record whose members an XFields lists.
struct FieldWriter {
    Value* object;
    NumberFn number;

    void operator()(const char* key, int v) const { (*object)[key] = v; }
    void operator()(const char* key, long long v) const { (*object)[key] = v; }
    void operator()(const char* key, std::uint64_t v) const { (*object)[key] = v; }
    void operator()(const char* key, double v) const { (*object)[key] = number(v); }
    void operator()(const char* key, const std::string& v) const { (*object)[key] = exactText(v); }
};

// A record's members from the JSON object `c`, each key required.
struct FieldReader {
    const Cursor* c;

    void operator()(const char* key, int& v) const { v = (*c)[key].asInt(); }
    void operator()(const char* key, long long& v) const { v = (*c)[key].asInteger(); }
    void operator()(const char* key, std::uint64_t& v) const { v = readUnsigned((*c)[key]); }
    void operator()(const char* key, double& v) const { v = readExact((*c)[key]); }
    void operator()(const char* key, std::string& v) const { v = readText((*c)[key]); }
};

template <typename Record, typename Fields>
Value recordJson(const Record& record, Fields fields, NumberFn number)
{
    Value v = Value::object();
    fields(record, FieldWriter{&v, number});
    return v;
}

template <typename Record, typename Fields> Record readRecord(const Cursor& c, Fields fields)
{
    Record record;
    fields(record, FieldReader{&c});
    return record;
}

// ---------------------------------------------------------------- RunData → JSON

// The settings keep their exact numbers in summary.json too.
Value configJson(const training::TrainConfig& c)
{
    return recordJson(c, ConfigFields{}, exact);
}

Value confusionJson(const MatrixXi64& confusion)
{
    Value rows = Value::array();
    for (Eigen::Index r = 0; r < confusion.rows(); ++r) {
        Value row = Value::array();
        for (Eigen::Index c = 0; c < confusion.cols(); ++c)
            row.push_back(static_cast<long long>(confusion(r, c)));
        rows.push_back(std::move(row));
    }
    return rows;
}

Value lossBinsJson(const analysis::LossDistanceBins& b, NumberFn number, bool withRange)
{
    Value v = Value::object();
    if (withRange) {
        v["min_distance"] = number(b.minDistance);
        v["max_distance"] = number(b.maxDistance);
    }
    v["edges"] = numbers(b.edges, number);
    v["mean_loss"] = numbers(b.meanLoss, number);
    v["std_error"] = numbers(b.stdError, number);
    v["counts"] = integers(b.counts);
    return v;
}

Value subsetMeta(const analysis::SubsetAnalysis& a)
{
    Value v = Value::object();
    v["sample_count"] = a.sampleCount();
    v["class_count"] = a.classCount;
    v["feature_dim"] = static_cast<long long>(a.features.cols());
    if (!a.scored) // absent: scored (every run from before unscored embeddings)
        v["scored"] = false;
    v["accuracy"] = exact(a.accuracy);
    v["mean_loss"] = exact(a.meanLoss);
    v["confusion"] = confusionJson(a.confusion);
    Value perClass = Value::array();
    for (const analysis::ClassStats& s : a.perClass) {
        Value c = Value::object();
        c["count"] = s.count;
        c["correct"] = s.correct;
        c["accuracy"] = exact(s.accuracy);
        c["mean_loss"] = exact(s.meanLoss);
        perClass.push_back(std::move(c));
    }
    v["per_class"] = std::move(perClass);
    v["loss_vs_distance"] = lossBinsJson(a.lossVsDistance, exact, true);
    return v;
}

Value pairsJson(const std::vector<std::pair<std::string, Value>>& pairs)
{
    Value out = Value::array();
    for (const auto& [key, value] : pairs)
        out.push_back(Value::array({exactText(key), value}));
    return out;
}

Value metaJson(const RunData& run)
{
    Value v = Value::object();
    v["format_version"] = kRunFormatVersion;
    v["config"] = configJson(run.config);

    Value history = Value::object();
    history["cancelled"] = run.history.cancelled;
    history["seconds"] = exact(run.history.seconds);
    Value epochs = Value::array();
    for (const auto& e : run.history.epochs)
        epochs.push_back(recordJson(e, EpochFields{}, exact));
    history["epochs"] = std::move(epochs);
    Value batches = Value::array();
    for (const auto& b : run.history.batches)
        batches.push_back(recordJson(b, BatchFields{}, exact));
    history["batches"] = std::move(batches);
    v["history"] = std::move(history);

    Value sanity = Value::object();
    sanity["sample_count"] = run.sanity.sampleCount;
    sanity["accuracy"] = exact(run.sanity.accuracy);
    sanity["predictions"] = integers(run.sanity.predictions);
    sanity["prediction_counts"] = integers(run.sanity.predictionCounts);
    v["sanity"] = std::move(sanity);

    Value centroids = Value::object();
    centroids["rows"] = run.centroids.rows;
    centroids["cols"] = run.centroids.cols;
    centroids["channels"] = run.centroids.channels;
    centroids["class_count"] = static_cast<long long>(run.centroids.means.rows());
    centroids["pixel_count"] = static_cast<long long>(run.centroids.means.cols());
    centroids["counts"] = integers(run.centroids.counts);
    v["centroids"] = std::move(centroids);

    Value projection = Value::object();
    projection["method"] = exactText(run.projection.method);
    std::vector<std::pair<std::string, Value>> parameters;
    for (const auto& [name, value] : run.projection.parameters)
        parameters.emplace_back(name, exact(value));
    projection["parameters"] = pairsJson(parameters);
    projection["knn_accuracy"] = exact(run.projection.knnAccuracy);
    projection["trustworthiness"] = exact(run.projection.trustworthiness);
    projection["seconds"] = exact(run.projection.seconds);
    v["projection"] = std::move(projection);

    v["data_folder"] = exactText(run.dataFolder);
    v["train_count"] = run.trainCount;
    v["validation_count"] = run.validationCount;
    v["dataset_format"] = exactText(run.datasetFormat);
    Value names = Value::array();
    for (const std::string& name : run.classNames)
        names.push_back(exactText(name));
    v["class_names"] = std::move(names);
    v["dataset_fingerprint"] = exactText(run.datasetFingerprint);
    v["imported_model"] = exactText(run.importedModel);
    v["features_are_logits"] = run.featuresAreLogits;
    v["centroid_space"] = run.featureSpaceCentroids ? "feature" : "pixel";
    std::vector<std::pair<std::string, Value>> stages;
    for (const auto& [stage, seconds] : run.stageSeconds)
        stages.emplace_back(stage, exact(seconds));
    v["stage_seconds"] = pairsJson(stages);
    std::vector<std::pair<std::string, Value>> versions;
    for (const auto& [name, version] : run.versions)
        versions.emplace_back(name, exactText(version));
    v["versions"] = pairsJson(versions);
    v["created_at"] = exactText(run.createdAt);
    v["peak_memory_bytes"] = run.peakMemoryBytes;
    v["train"] = subsetMeta(run.train);
    v["validation"] = subsetMeta(run.validation);
    return v;
}

// Without scores, the counts only: no accuracy, loss or confusion to report.
Value subsetSummary(const analysis::SubsetAnalysis& a)
{
    Value v = Value::object();
    if (!a.scored) {
        v["sample_count"] = a.sampleCount();
        Value counts = Value::array();
        for (const analysis::ClassStats& s : a.perClass)
            counts.push_back(s.count);
        v["class_counts"] = std::move(counts);
        return v;
    }
    v["accuracy"] = a.accuracy;
    v["loss"] = a.meanLoss;
    v["sample_count"] = a.sampleCount();
    v["confusion_matrix"] = confusionJson(a.confusion);
    Value perClass = Value::array();
    for (std::size_t c = 0; c < a.perClass.size(); ++c) {
        const analysis::ClassStats& s = a.perClass[c];
        Value entry = Value::object();
        entry["class"] = c;
        entry["count"] = s.count;
        entry["correct"] = s.correct;
        entry["accuracy"] = s.accuracy;
        entry["mean_loss"] = s.meanLoss;
        perClass.push_back(std::move(entry));
    }
    v["per_class"] = std::move(perClass);
    v["loss_vs_distance"] = lossBinsJson(a.lossVsDistance, plain, false);
    return v;
}

Value summaryJson(const RunData& run)
{
    Value v = Value::object();
    v["format_version"] = kRunFormatVersion;
    v["created_at"] = exactText(run.createdAt);
    v["data_folder"] = exactText(run.dataFolder);
    v["train_count"] = run.trainCount;
    v["validation_count"] = run.validationCount;
    v["dataset_format"] = run.datasetFormat.empty() ? "IDX" : exactText(run.datasetFormat);
    Value classNames = Value::array();
    for (int c = 0; c < run.train.classCount; ++c)
        classNames.push_back(exactText(run.className(c)));
    v["class_names"] = std::move(classNames);
    v["dataset_fingerprint"] = exactText(run.datasetFingerprint);
    Value model = Value::object();
    // Trained here, an imported TorchScript file, or features computed
    // elsewhere (--embeddings: no model ran here at all).
    const bool embeddings = run.importedModel.empty() && run.datasetFormat == "embeddings";
    model["source"] = !run.importedModel.empty() ? "torchscript"
                      : embeddings               ? "embeddings"
                                                 : "trained";
    if (!run.importedModel.empty())
        model["file"] = exactText(run.importedModel);
    model["features"] = run.featuresAreLogits
                            ? "logits (the model returns no features: its logits stand in)"
                            : "penultimate layer";
    // False for embeddings without logits.npy or probabilities.npy: no
    // predictions, losses, accuracy or confusion anywhere in the run.
    model["has_scores"] = run.train.scored;
    v["model"] = std::move(model);
    v["centroid_space"] = run.featureSpaceCentroids ? "feature" : "pixel";
    v["settings"] = configJson(run.config);
    Value versions = Value::object();
    for (const auto& [name, version] : run.versions)
        versions[name] = exactText(version);
    v["versions"] = std::move(versions);

    // A stage that ran twice is reported once, with its total.
    Value timings = Value::object();
    double total = 0.0;
    for (const auto& [stage, seconds] : run.stageSeconds) {
        Value& slot = timings[stage];
        slot = (slot.is_number() ? slot.get<double>() : 0.0) + seconds;
        total += seconds;
    }
    timings["total"] = total;
    v["timings"] = std::move(timings);
    v["peak_memory_bytes"] = run.peakMemoryBytes;

    Value sanity = Value::object();
    sanity["accuracy"] = run.sanity.accuracy;
    sanity["sample_count"] = run.sanity.sampleCount;
    sanity["prediction_counts"] = integers(run.sanity.predictionCounts);
    v["sanity_check"] = std::move(sanity);

    v["class_count"] = run.train.classCount;
    v["feature_dim"] = static_cast<long long>(run.train.features.cols());
    v["train"] = subsetSummary(run.train);
    v["validation"] = subsetSummary(run.validation);

    Value projection = Value::object();
    projection["method"] = exactText(run.projection.method);
    Value parameters = Value::object();
    for (const auto& [name, value] : run.projection.parameters)
        parameters[name] = value;
    projection["parameters"] = std::move(parameters);
    projection["knn_accuracy_10"] = run.projection.knnAccuracy;
    projection["trustworthiness_10"] = run.projection.trustworthiness;
    projection["seconds"] = run.projection.seconds;
    v["projection"] = std::move(projection);

    Value history = Value::object();
    Value epochs = Value::array();
    for (const auto& e : run.history.epochs)
        epochs.push_back(recordJson(e, EpochFields{}, plain));
    history["epochs"] = std::move(epochs);
    history["batches"] = run.history.batches.size();
    history["cancelled"] = run.history.cancelled;
    history["seconds"] = run.history.seconds;
    v["history"] = std::move(history);
    return v;
}

// ---------------------------------------------------------------- JSON → RunData

training::TrainingHistory readHistory(const Cursor& c)
{
    training::TrainingHistory history;
    history.cancelled = c["cancelled"].asBool();
    history.seconds = readExact(c["seconds"]);
    const Cursor epochs = c["epochs"];
    for (std::size_t k = 0; k < epochs.arraySize(); ++k)
        history.epochs.push_back(readRecord<training::EpochReport>(epochs[k], EpochFields{}));
    const Cursor batches = c["batches"];
    for (std::size_t k = 0; k < batches.arraySize(); ++k)
        history.batches.push_back(readRecord<training::BatchReport>(batches[k], BatchFields{}));
    return history;
}

// [[key, value], ...] as written by pairsJson.
std::vector<std::pair<std::string, Cursor>> readPairs(const Cursor& c)
{
    std::vector<std::pair<std::string, Cursor>> out;
    const std::size_t n = c.arraySize();
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const Cursor pair = c[k];
        if (pair.arraySize() != 2)
            pair.fail("expected a [name, value] pair");
        out.emplace_back(readText(pair[0]), pair[1]);
    }
    return out;
}

SubsetShape readShape(const Cursor& s)
{
    SubsetShape shape;
    shape.n = s["sample_count"].asInteger(0, INT_MAX);
    shape.c = s["class_count"].asInteger(1, kMaxClasses);
    shape.d = s["feature_dim"].asInteger(0, kMaxDimension);
    return shape;
}

// Everything of a subset that lives in the metadata (the arrays come from
// their sections).
void readSubsetMeta(const Cursor& s, const SubsetShape& shape, analysis::SubsetAnalysis& a)
{
    a.classCount = static_cast<int>(shape.c);
    a.scored = !s.contains("scored") || s["scored"].asBool();
    a.accuracy = readExact(s["accuracy"]);
    a.meanLoss = readExact(s["mean_loss"]);
    const Cursor confusion = s["confusion"];
    if (static_cast<long long>(confusion.arraySize()) != shape.c)
        confusion.fail("expected " + std::to_string(shape.c) + " rows");
    a.confusion.resize(shape.c, shape.c);
    for (long long r = 0; r < shape.c; ++r) {
        const Cursor row = confusion[static_cast<std::size_t>(r)];
        if (static_cast<long long>(row.arraySize()) != shape.c)
            row.fail("expected " + std::to_string(shape.c) + " entries");
        for (long long c = 0; c < shape.c; ++c)
            a.confusion(r, c) = readCount(row[static_cast<std::size_t>(c)]);
    }
    const Cursor perClass = s["per_class"];
    a.perClass.resize(perClass.arraySize());
    for (std::size_t k = 0; k < a.perClass.size(); ++k) {
        const Cursor e = perClass[k];
        a.perClass[k].count = readCount(e["count"]);
        a.perClass[k].correct = readCount(e["correct"]);
        a.perClass[k].accuracy = readExact(e["accuracy"]);
        a.perClass[k].meanLoss = readExact(e["mean_loss"]);
    }
    const Cursor bins = s["loss_vs_distance"];
    auto& b = a.lossVsDistance;
    b.minDistance = readExact(bins["min_distance"]);
    b.maxDistance = readExact(bins["max_distance"]);
    b.edges = readNumbers(bins["edges"]);
    b.meanLoss = readNumbers(bins["mean_loss"]);
    b.stdError = readNumbers(bins["std_error"]);
    b.counts = readCounts(bins["counts"]);
}

} // namespace

std::string runMetaJson(const RunData& run)
{
    return json::serialize(metaJson(run), 0);
}

std::string runSummaryJson(const RunData& run)
{
    return json::serialize(summaryJson(run), 2) + "\n";
}

RunMeta readRunMeta(const std::string& path, std::string_view text)
{
    Value meta;
    try {
        meta = json::parse(text);
    } catch (const json::Error& e) {
        throw StoreError(path + ": section 'meta' is not valid JSON (" + e.what() + ")");
    }

    RunMeta out;
    RunData& run = out.run;
    try {
        const Cursor m(meta);
        run.config = readRecord<training::TrainConfig>(m["config"], ConfigFields{});
        run.history = readHistory(m["history"]);
        const Cursor sanity = m["sanity"];
        run.sanity.sampleCount = sanity["sample_count"].asInt();
        run.sanity.accuracy = readExact(sanity["accuracy"]);
        run.sanity.predictions = readInts(sanity["predictions"]);
        run.sanity.predictionCounts = readInts(sanity["prediction_counts"]);

        const Cursor centroids = m["centroids"];
        run.centroids.rows = centroids["rows"].asInt();
        run.centroids.cols = centroids["cols"].asInt();
        // Absent: a run stored when every image was grey.
        run.centroids.channels = centroids.contains("channels")
                                     ? static_cast<int>(centroids["channels"].asInteger(1, 3))
                                     : 1;
        out.centroidClasses = centroids["class_count"].asInteger(0, kMaxClasses);
        out.centroidPixels = centroids["pixel_count"].asInteger(0, kMaxDimension);
        run.centroids.counts = readInts(centroids["counts"]);

        const Cursor projection = m["projection"];
        run.projection.method = readText(projection["method"]);
        for (const auto& [name, value] : readPairs(projection["parameters"]))
            run.projection.parameters[name] = readExact(value);
        run.projection.knnAccuracy = readExact(projection["knn_accuracy"]);
        run.projection.trustworthiness = readExact(projection["trustworthiness"]);
        run.projection.seconds = readExact(projection["seconds"]);

        run.dataFolder = readText(m["data_folder"]);
        run.trainCount = m["train_count"].asInt();
        run.validationCount = m["validation_count"].asInt();
        // Runs from before datasets had forms and names have neither.
        if (m.contains("dataset_format"))
            run.datasetFormat = readText(m["dataset_format"]);
        if (m.contains("class_names")) {
            const Cursor names = m["class_names"];
            for (std::size_t k = 0; k < names.arraySize(); ++k)
                run.classNames.push_back(readText(names[k]));
        }
        if (m.contains("dataset_fingerprint"))
            run.datasetFingerprint = readText(m["dataset_fingerprint"]);
        // Absent: a run from before imported models, trained here.
        if (m.contains("imported_model"))
            run.importedModel = readText(m["imported_model"]);
        if (m.contains("features_are_logits"))
            run.featuresAreLogits = m["features_are_logits"].asBool();
        if (m.contains("centroid_space"))
            run.featureSpaceCentroids = readText(m["centroid_space"]) == "feature";
        for (const auto& [stage, seconds] : readPairs(m["stage_seconds"]))
            run.stageSeconds.emplace_back(stage, readExact(seconds));
        for (const auto& [name, version] : readPairs(m["versions"]))
            run.versions[name] = readText(version);
        run.createdAt = readText(m["created_at"]);
        run.peakMemoryBytes = m["peak_memory_bytes"].asInteger();

        out.train = readShape(m["train"]);
        readSubsetMeta(m["train"], out.train, run.train);
        out.validation = readShape(m["validation"]);
        readSubsetMeta(m["validation"], out.validation, run.validation);
    } catch (const json::Error& e) {
        throw StoreError(path + ": the metadata does not describe a run (" + e.what() + ")");
    }
    return out;
}

} // namespace mnistx::store
