#include "core/store/run_store.h"

#include "core/util/json.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <limits>
#include <new>
#include <signal.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <zlib.h>

namespace mnistx::store
{

namespace
{

namespace fs = std::filesystem;
using json::Cursor;
using json::Value;

// Sections are copied to and from memory with memcpy: the file's byte order
// and float format must be the machine's.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "run.bin is little-endian");
static_assert(std::numeric_limits<float>::is_iec559, "run.bin stores IEEE 754 float32");

constexpr std::array<char, 8> kMagic = {'M', 'N', 'X', 'R', 'U', 'N', '0', '1'};
constexpr std::size_t kPreambleBytes = 16; // magic, version, section count
constexpr std::size_t kNameBytes = 24;
constexpr std::size_t kTableEntryBytes = kNameBytes + 8 + 8 + 4 + 4;
// Sections start on cache-line boundaries, so a reader that maps the file
// gets aligned float arrays.
constexpr std::uint64_t kSectionAlignment = 64;
// Far more sections than the format has; bounds the table of a damaged file.
constexpr std::uint32_t kMaxSections = 4096;
// Labels, predictions and nearest centroids are stored as u8.
constexpr long long kMaxClasses = 256;
// Bounds for dimensions read from the metadata, so that size arithmetic in
// 64 bits cannot overflow (2^31 samples × 2^24 × 4 bytes < 2^63).
constexpr long long kMaxDimension = 1LL << 24;
// Integers above this do not survive a trip through a JSON number.
constexpr std::uint64_t kMaxExactInteger = 1ULL << 53;

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw StoreError(path + ": " + problem);
}

std::string errnoText(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

std::uint32_t crcOf(const void* data, std::uint64_t size)
{
    const auto initial = crc32_z(0L, Z_NULL, 0);
    if (size == 0)
        return static_cast<std::uint32_t>(initial);
    return static_cast<std::uint32_t>(
        crc32_z(initial, static_cast<const Bytef*>(data), static_cast<z_size_t>(size)));
}

std::uint64_t alignUp(std::uint64_t offset)
{
    return (offset + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment;
}

template <typename T> void putLe(std::string& out, T value)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <typename T> T getLe(const unsigned char* p)
{
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

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
//
// The metadata must give back every field bit for bit, so three things JSON
// cannot hold are spelled out: non-finite doubles (a diverged training's NaN
// loss) as "nan"/"inf"/"-inf", integers beyond 2^53 (a seed) as decimal
// strings, and text that is not UTF-8 (a folder name from a Latin-1 disk) as
// {"hex": "..."}.

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
    if (c.value().isString()) {
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

Value exactUnsigned(std::uint64_t v)
{
    if (v <= kMaxExactInteger)
        return static_cast<double>(v);
    return std::to_string(v);
}

std::uint64_t readUnsigned(const Cursor& c)
{
    if (c.value().isString()) {
        const std::string& s = c.asString();
        std::uint64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
            c.fail("expected an unsigned integer, found \"" + s + "\"");
        return v;
    }
    return static_cast<std::uint64_t>(c.asInteger(0, static_cast<long long>(kMaxExactInteger)));
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
    if (!c.value().isObject())
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
    return c.asInteger(0, static_cast<long long>(kMaxExactInteger));
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
        out.push_back(static_cast<double>(v));
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

// ---------------------------------------------------------------- RunData → JSON

Value configJson(const training::TrainConfig& c)
{
    Value v = Value::object();
    v["architecture"] = exactText(c.architecture);
    v["epochs"] = c.epochs;
    v["batch_size"] = c.batchSize;
    v["learning_rate"] = exact(c.learningRate);
    v["schedule"] = exactText(c.schedule);
    v["seed"] = exactUnsigned(c.seed);
    v["threads"] = c.threads;
    v["train_limit"] = c.trainLimit;
    v["validation_limit"] = c.validationLimit;
    return v;
}

Value epochJson(const training::EpochReport& e, NumberFn number)
{
    Value v = Value::object();
    v["epoch"] = e.epoch;
    v["train_loss"] = number(e.trainLoss);
    v["train_accuracy"] = number(e.trainAccuracy);
    v["validation_loss"] = number(e.validationLoss);
    v["validation_accuracy"] = number(e.validationAccuracy);
    v["seconds"] = number(e.seconds);
    return v;
}

Value batchJson(const training::BatchReport& b)
{
    Value v = Value::object();
    v["epoch"] = b.epoch;
    v["batch"] = b.batch;
    v["batches_per_epoch"] = b.batchesPerEpoch;
    v["samples_seen"] = b.samplesSeen;
    v["loss"] = exact(b.loss);
    v["running_loss"] = exact(b.runningLoss);
    v["running_accuracy"] = exact(b.runningAccuracy);
    v["learning_rate"] = exact(b.learningRate);
    v["samples_per_second"] = exact(b.samplesPerSecond);
    v["elapsed_seconds"] = exact(b.elapsedSeconds);
    v["eta_seconds"] = exact(b.etaSeconds);
    return v;
}

Value confusionJson(const MatrixXi64& confusion)
{
    Value rows = Value::array();
    for (Eigen::Index r = 0; r < confusion.rows(); ++r) {
        Value row = Value::array();
        for (Eigen::Index c = 0; c < confusion.cols(); ++c)
            row.push_back(static_cast<double>(confusion(r, c)));
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
        out.push_back(Value(Value::Array{exactText(key), value}));
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
        epochs.push_back(epochJson(e, exact));
    history["epochs"] = std::move(epochs);
    Value batches = Value::array();
    for (const auto& b : run.history.batches)
        batches.push_back(batchJson(b));
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

Value subsetSummary(const analysis::SubsetAnalysis& a)
{
    Value v = Value::object();
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

// summary.json: the headline figures, small enough to read by eye (no
// per-sample or per-batch data).
Value summaryJson(const RunData& run)
{
    Value v = Value::object();
    v["format_version"] = kRunFormatVersion;
    v["created_at"] = exactText(run.createdAt);
    v["data_folder"] = exactText(run.dataFolder);
    v["train_count"] = run.trainCount;
    v["validation_count"] = run.validationCount;
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
        slot = (slot.isNumber() ? slot.asNumber() : 0.0) + seconds;
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
        epochs.push_back(epochJson(e, plain));
    history["epochs"] = std::move(epochs);
    history["batches"] = run.history.batches.size();
    history["cancelled"] = run.history.cancelled;
    history["seconds"] = run.history.seconds;
    v["history"] = std::move(history);
    return v;
}

// ---------------------------------------------------------------- JSON → RunData

training::TrainConfig readConfig(const Cursor& c)
{
    training::TrainConfig config;
    config.architecture = readText(c["architecture"]);
    config.epochs = c["epochs"].asInt();
    config.batchSize = c["batch_size"].asInt();
    config.learningRate = readExact(c["learning_rate"]);
    config.schedule = readText(c["schedule"]);
    config.seed = readUnsigned(c["seed"]);
    config.threads = c["threads"].asInt();
    config.trainLimit = c["train_limit"].asInt();
    config.validationLimit = c["validation_limit"].asInt();
    return config;
}

training::TrainingHistory readHistory(const Cursor& c)
{
    training::TrainingHistory history;
    history.cancelled = c["cancelled"].asBool();
    history.seconds = readExact(c["seconds"]);
    const Cursor epochs = c["epochs"];
    history.epochs.resize(epochs.arraySize());
    for (std::size_t k = 0; k < history.epochs.size(); ++k) {
        const Cursor e = epochs[k];
        auto& out = history.epochs[k];
        out.epoch = e["epoch"].asInt();
        out.trainLoss = readExact(e["train_loss"]);
        out.trainAccuracy = readExact(e["train_accuracy"]);
        out.validationLoss = readExact(e["validation_loss"]);
        out.validationAccuracy = readExact(e["validation_accuracy"]);
        out.seconds = readExact(e["seconds"]);
    }
    const Cursor batches = c["batches"];
    history.batches.resize(batches.arraySize());
    for (std::size_t k = 0; k < history.batches.size(); ++k) {
        const Cursor b = batches[k];
        auto& out = history.batches[k];
        out.epoch = b["epoch"].asInt();
        out.batch = b["batch"].asInt();
        out.batchesPerEpoch = b["batches_per_epoch"].asInt();
        out.samplesSeen = b["samples_seen"].asInteger();
        out.loss = readExact(b["loss"]);
        out.runningLoss = readExact(b["running_loss"]);
        out.runningAccuracy = readExact(b["running_accuracy"]);
        out.learningRate = readExact(b["learning_rate"]);
        out.samplesPerSecond = readExact(b["samples_per_second"]);
        out.elapsedSeconds = readExact(b["elapsed_seconds"]);
        out.etaSeconds = readExact(b["eta_seconds"]);
    }
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

// Shape of one subset's arrays, from the metadata.
struct SubsetShape {
    long long n = 0; // samples
    long long c = 0; // classes
    long long d = 0; // feature dimensions
};

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

// ---------------------------------------------------------------- consistency

std::string shapeText(long long rows, long long cols)
{
    return std::to_string(rows) + "×" + std::to_string(cols);
}

// Empty, or why the subset breaks the rules of saveRun.
std::string subsetInconsistency(const analysis::SubsetAnalysis& a, const RowMatrixXf& projection,
                                const std::string& name, int classCount)
{
    const auto n = static_cast<long long>(a.labels.size());
    const auto vectorSize = [&](const char* what, std::size_t size) -> std::string {
        if (static_cast<long long>(size) == n)
            return {};
        return name + "." + what + " has " + std::to_string(size) + " entries, expected " +
               std::to_string(n) + " (one per label)";
    };
    const auto matrixShape = [&](const char* what, const auto& m, long long cols) -> std::string {
        if (m.rows() == n && (n == 0 || cols < 0 || m.cols() == cols))
            return {};
        return name + "." + what + " is " + shapeText(m.rows(), m.cols()) + ", expected " +
               shapeText(n, cols < 0 ? m.cols() : cols);
    };
    for (const std::string& problem :
         {vectorSize("predictions", a.predictions.size()), vectorSize("losses", a.losses.size()),
          vectorSize("nearestCentroid", a.nearestCentroid.size()),
          matrixShape("logits", a.logits, classCount),
          matrixShape("probabilities", a.probabilities, classCount),
          matrixShape("centroidDistances", a.centroidDistances, classCount),
          matrixShape("features", a.features, -1), matrixShape("projection", projection, 2)})
        if (!problem.empty())
            return problem;
    if (a.confusion.rows() != classCount || a.confusion.cols() != classCount)
        return name + ".confusion is " + shapeText(a.confusion.rows(), a.confusion.cols()) +
               ", expected " + shapeText(classCount, classCount);
    if (static_cast<int>(a.perClass.size()) != classCount)
        return name + ".perClass has " + std::to_string(a.perClass.size()) + " entries, expected " +
               std::to_string(classCount);
    const auto classIndices = [&](const char* what,
                                  const std::vector<std::uint8_t>& values) -> std::string {
        for (std::size_t i = 0; i < values.size(); ++i)
            if (values[i] >= classCount)
                return name + "." + what + "[" + std::to_string(i) + "] is " +
                       std::to_string(values[i]) + ", not a class (" + std::to_string(classCount) +
                       " classes)";
        return {};
    };
    for (const std::string& problem :
         {classIndices("labels", a.labels), classIndices("predictions", a.predictions),
          classIndices("nearestCentroid", a.nearestCentroid)})
        if (!problem.empty())
            return problem;
    const auto& b = a.lossVsDistance;
    const std::size_t bins = b.counts.size();
    if (b.meanLoss.size() != bins || b.stdError.size() != bins ||
        (bins > 0 ? b.edges.size() != bins + 1 : b.edges.size() > 1))
        return name + ".lossVsDistance has " + std::to_string(bins) + " counts, " +
               std::to_string(b.meanLoss.size()) + " means, " + std::to_string(b.stdError.size()) +
               " standard errors and " + std::to_string(b.edges.size()) +
               " edges (expected bins, bins, bins and bins + 1)";
    return {};
}

// ---------------------------------------------------------------- files

struct Section {
    std::string name;
    const void* data = nullptr;
    std::uint64_t size = 0;
};

template <typename T> Section vectorSection(std::string name, const std::vector<T>& v)
{
    return {std::move(name), v.data(), static_cast<std::uint64_t>(v.size()) * sizeof(T)};
}

Section matrixSection(std::string name, const RowMatrixXf& m)
{
    return {std::move(name), m.data(), static_cast<std::uint64_t>(m.size()) * sizeof(float)};
}

void addSubsetSections(std::vector<Section>& sections, const std::string& prefix,
                       const analysis::SubsetAnalysis& a, const RowMatrixXf& projection)
{
    sections.push_back(vectorSection(prefix + ".labels", a.labels));
    sections.push_back(vectorSection(prefix + ".predictions", a.predictions));
    sections.push_back(vectorSection(prefix + ".losses", a.losses));
    sections.push_back(matrixSection(prefix + ".logits", a.logits));
    sections.push_back(matrixSection(prefix + ".probabilities", a.probabilities));
    sections.push_back(matrixSection(prefix + ".features", a.features));
    sections.push_back(matrixSection(prefix + ".distances", a.centroidDistances));
    sections.push_back(vectorSection(prefix + ".nearest", a.nearestCentroid));
    sections.push_back(matrixSection(prefix + ".projection", projection));
}

// Closes the descriptor and removes the temporary file unless released.
class TempFile
{
public:
    TempFile(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_committed)
            ::unlink(m_path.c_str());
    }
    int fd() const { return m_fd; }
    // Closes the descriptor; returns 0 or an errno value.
    int close()
    {
        const int result = ::close(m_fd);
        m_fd = -1;
        return result == 0 ? 0 : errno;
    }
    void commit() { m_committed = true; }

private:
    std::string m_path;
    int m_fd;
    bool m_committed = false;
};

int writeAll(int fd, const void* data, std::size_t size)
{
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(fd, p, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += written;
        size -= static_cast<std::size_t>(written);
    }
    return 0;
}

void syncFolder(const std::string& filePath)
{
    fs::path folder = fs::path(filePath).parent_path();
    if (folder.empty())
        folder = ".";
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail(filePath, "written, but its folder cannot be opened to sync it: " + errnoText(errno));
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    // Some file systems cannot sync a folder (EINVAL); the rename is then as
    // durable as they make it.
    if (result != 0 && error != EINVAL && error != ENOTSUP)
        fail(filePath, "written, but syncing its folder failed: " + errnoText(error));
}

// Removes "<name>.tmp-<pid>" files beside path whose writer no longer
// exists: a save killed mid-write (power loss, SIGKILL, a crash) leaves its
// temporary file behind, and nothing else would ever remove it. Files of
// live processes (another writer, or a pid that cannot be checked) stay.
void removeStaleTemporaries(const std::string& path)
{
    const fs::path target(path);
    fs::path folder = target.parent_path();
    if (folder.empty())
        folder = ".";
    const std::string prefix = target.filename().string() + ".tmp-";
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        pid_t pid = 0;
        const char* digits = name.data() + prefix.size();
        const char* last = name.data() + name.size();
        const auto parsed = std::from_chars(digits, last, pid);
        if (parsed.ec != std::errc() || parsed.ptr != last || pid <= 0 || pid == ::getpid())
            continue;
        if (::kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        std::error_code ignored;
        if (it->is_regular_file(ignored) && !it->is_symlink(ignored))
            fs::remove(it->path(), ignored);
    }
}

// The whole file, checked to be a regular file.
std::vector<unsigned char> readWholeFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(path, "cannot open: " + errnoText(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {
    };
    if (::fstat(fd, &info) != 0)
        fail(path, "cannot read: " + errnoText(errno));
    if (!S_ISREG(info.st_mode))
        fail(path, "not a regular file");
    std::vector<unsigned char> bytes(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fail(path, "cannot read: " + errnoText(errno));
        }
        if (got == 0)
            fail(path, "the file shrank while it was read");
        done += static_cast<std::size_t>(got);
    }
    return bytes;
}

struct Span {
    const unsigned char* data = nullptr;
    std::uint64_t size = 0;
};

// Checks the preamble, the header checksum and every section's bounds and
// checksum; returns the sections by name.
std::vector<std::pair<std::string, Span>> readSections(const std::string& path,
                                                       const std::vector<unsigned char>& bytes)
{
    const std::uint64_t fileSize = bytes.size();
    if (fileSize == 0)
        fail(path, "the file is empty");
    const std::size_t magicBytes = std::min<std::size_t>(kMagic.size(), bytes.size());
    if (std::memcmp(bytes.data(), kMagic.data(), magicBytes) != 0)
        fail(path, "not an MNIST Explorer run (wrong magic bytes)");
    if (fileSize < kPreambleBytes)
        fail(path, "the file is truncated (" + std::to_string(fileSize) + " bytes)");
    const auto version = getLe<std::uint32_t>(bytes.data() + 8);
    if (version != kRunFormatVersion)
        fail(path, "format version " + std::to_string(version) + ", this build reads " +
                       std::to_string(kRunFormatVersion));
    const auto count = getLe<std::uint32_t>(bytes.data() + 12);
    if (count > kMaxSections)
        fail(path, "the header is damaged (it claims " + std::to_string(count) + " sections)");
    const std::uint64_t tableEnd = kPreambleBytes + std::uint64_t{count} * kTableEntryBytes;
    if (fileSize < tableEnd + 4)
        fail(path, "the file is truncated (" + std::to_string(fileSize) +
                       " bytes, its header alone takes " + std::to_string(tableEnd + 4) + ")");
    if (crcOf(bytes.data(), tableEnd) != getLe<std::uint32_t>(bytes.data() + tableEnd))
        fail(path, "the header is damaged (checksum mismatch)");

    struct Entry {
        std::string name;
        std::uint64_t offset, size;
        std::uint32_t crc;
    };
    std::vector<Entry> entries;
    for (std::uint32_t k = 0; k < count; ++k) {
        const unsigned char* e = bytes.data() + kPreambleBytes + std::size_t{k} * kTableEntryBytes;
        const auto* nameBytes = reinterpret_cast<const char*>(e);
        const std::size_t nameLength = strnlen(nameBytes, kNameBytes);
        Entry entry{std::string(nameBytes, nameLength), getLe<std::uint64_t>(e + kNameBytes),
                    getLe<std::uint64_t>(e + kNameBytes + 8),
                    getLe<std::uint32_t>(e + kNameBytes + 16)};
        if (entry.name.empty() ||
            std::any_of(e + nameLength, e + kNameBytes, [](unsigned char b) { return b != 0; }))
            fail(path,
                 "the header is damaged (section " + std::to_string(k) + " has no valid name)");
        for (const Entry& other : entries)
            if (other.name == entry.name)
                fail(path, "the header is damaged (section '" + entry.name + "' appears twice)");
        if (entry.offset < tableEnd + 4)
            fail(path, "the header is damaged (section '" + entry.name + "' overlaps it)");
        if (entry.offset > fileSize || entry.size > fileSize - entry.offset)
            fail(path, "the file is truncated or damaged: section '" + entry.name +
                           "' would end past the end of the file (" + std::to_string(fileSize) +
                           " bytes)");
        entries.push_back(std::move(entry));
    }
    std::vector<std::pair<std::string, Span>> sections;
    for (const Entry& entry : entries) {
        const unsigned char* data = bytes.data() + entry.offset;
        if (crcOf(data, entry.size) != entry.crc)
            fail(path, "section '" + entry.name + "' is damaged (checksum mismatch)");
        sections.emplace_back(entry.name, Span{data, entry.size});
    }
    return sections;
}

RunData readRunFile(const std::string& path)
{
    const std::vector<unsigned char> bytes = readWholeFile(path);
    const auto sections = readSections(path, bytes);
    const auto section = [&](const std::string& name) -> Span {
        for (const auto& [sectionName, span] : sections)
            if (sectionName == name)
                return span;
        fail(path, "section '" + name + "' is missing");
    };

    const Span metaBytes = section("meta");
    Value meta;
    try {
        meta = json::parse(
            std::string_view(reinterpret_cast<const char*>(metaBytes.data), metaBytes.size));
    } catch (const json::Error& e) {
        fail(path, std::string("section 'meta' is not valid JSON (") + e.what() + ")");
    }

    RunData run;
    SubsetShape shapes[2];
    long long centroidClasses = 0, centroidPixels = 0;
    try {
        const Cursor m(meta);
        run.config = readConfig(m["config"]);
        run.history = readHistory(m["history"]);
        const Cursor sanity = m["sanity"];
        run.sanity.sampleCount = sanity["sample_count"].asInt();
        run.sanity.accuracy = readExact(sanity["accuracy"]);
        run.sanity.predictions = readInts(sanity["predictions"]);
        run.sanity.predictionCounts = readInts(sanity["prediction_counts"]);

        const Cursor centroids = m["centroids"];
        run.centroids.rows = centroids["rows"].asInt();
        run.centroids.cols = centroids["cols"].asInt();
        centroidClasses = centroids["class_count"].asInteger(0, kMaxClasses);
        centroidPixels = centroids["pixel_count"].asInteger(0, kMaxDimension);
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
        for (const auto& [stage, seconds] : readPairs(m["stage_seconds"]))
            run.stageSeconds.emplace_back(stage, readExact(seconds));
        for (const auto& [name, version] : readPairs(m["versions"]))
            run.versions[name] = readText(version);
        run.createdAt = readText(m["created_at"]);
        run.peakMemoryBytes = m["peak_memory_bytes"].asInteger();

        const char* const names[2] = {"train", "validation"};
        analysis::SubsetAnalysis* subsets[2] = {&run.train, &run.validation};
        for (int s = 0; s < 2; ++s) {
            shapes[s] = readShape(m[names[s]]);
            readSubsetMeta(m[names[s]], shapes[s], *subsets[s]);
        }
    } catch (const json::Error& e) {
        fail(path, std::string("the metadata does not describe a run (") + e.what() + ")");
    }

    // Every size is checked against the metadata before anything is
    // allocated for it; the sections themselves are within the file.
    const auto sized = [&](const std::string& name, long long rows, long long cols,
                           std::uint64_t elementBytes, const char* type) {
        const Span span = section(name);
        const std::uint64_t expected =
            static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) * elementBytes;
        if (span.size != expected)
            fail(path, "section '" + name + "' holds " + std::to_string(span.size) +
                           " bytes, but the metadata says it is " + shapeText(rows, cols) + " " +
                           type + " (" + std::to_string(expected) + " bytes)");
        return span;
    };
    const auto toBytes = [](const Span& span, std::vector<std::uint8_t>& out) {
        out.assign(span.data, span.data + span.size);
    };
    const auto toFloats = [](const Span& span, std::vector<float>& out) {
        out.resize(span.size / sizeof(float));
        if (span.size > 0)
            std::memcpy(out.data(), span.data, span.size);
    };
    const auto toMatrix = [](const Span& span, long long rows, long long cols, RowMatrixXf& out) {
        out.resize(rows, cols);
        if (span.size > 0)
            std::memcpy(out.data(), span.data, span.size);
    };

    const Span model = section("model");
    run.modelBytes.assign(reinterpret_cast<const char*>(model.data), model.size);
    toMatrix(sized("centroids", centroidClasses, centroidPixels, 4, "float32"), centroidClasses,
             centroidPixels, run.centroids.means);

    const char* const names[2] = {"train", "validation"};
    analysis::SubsetAnalysis* subsets[2] = {&run.train, &run.validation};
    RowMatrixXf* projections[2] = {&run.projection.train, &run.projection.validation};
    for (int s = 0; s < 2; ++s) {
        const std::string prefix = std::string(names[s]) + ".";
        const SubsetShape& shape = shapes[s];
        analysis::SubsetAnalysis& a = *subsets[s];
        a.subset = s == 0 ? analysis::Subset::Train : analysis::Subset::Validation;
        toBytes(sized(prefix + "labels", shape.n, 1, 1, "u8"), a.labels);
        toBytes(sized(prefix + "predictions", shape.n, 1, 1, "u8"), a.predictions);
        toFloats(sized(prefix + "losses", shape.n, 1, 4, "float32"), a.losses);
        toMatrix(sized(prefix + "logits", shape.n, shape.c, 4, "float32"), shape.n, shape.c,
                 a.logits);
        toMatrix(sized(prefix + "probabilities", shape.n, shape.c, 4, "float32"), shape.n, shape.c,
                 a.probabilities);
        toMatrix(sized(prefix + "features", shape.n, shape.d, 4, "float32"), shape.n, shape.d,
                 a.features);
        toMatrix(sized(prefix + "distances", shape.n, shape.c, 4, "float32"), shape.n, shape.c,
                 a.centroidDistances);
        toBytes(sized(prefix + "nearest", shape.n, 1, 1, "u8"), a.nearestCentroid);
        toMatrix(sized(prefix + "projection", shape.n, 2, 4, "float32"), shape.n, 2,
                 *projections[s]);
    }

    const std::string problem = describeInconsistency(run);
    if (!problem.empty())
        fail(path, "the stored run is inconsistent: " + problem);
    return run;
}

} // namespace

std::string describeInconsistency(const RunData& run)
{
    const int classCount = run.train.classCount;
    if (classCount < 1 || classCount > kMaxClasses)
        return "train.classCount is " + std::to_string(classCount) + ", not between 1 and " +
               std::to_string(kMaxClasses);
    if (run.validation.classCount != classCount)
        return "train has " + std::to_string(classCount) + " classes, validation " +
               std::to_string(run.validation.classCount);
    std::string problem = subsetInconsistency(run.train, run.projection.train, "train", classCount);
    if (problem.empty())
        problem = subsetInconsistency(run.validation, run.projection.validation, "validation",
                                      classCount);
    if (!problem.empty())
        return problem;
    if (run.train.sampleCount() > 0 && run.validation.sampleCount() > 0 &&
        run.train.features.cols() != run.validation.features.cols())
        return "train has " + std::to_string(run.train.features.cols()) +
               " feature dimensions, validation " + std::to_string(run.validation.features.cols());
    if (run.centroids.means.rows() != 0 && run.centroids.means.rows() != classCount)
        return "centroids.means has " + std::to_string(run.centroids.means.rows()) +
               " rows, expected " + std::to_string(classCount) + " (one per class)";
    return {};
}

void writeFileAtomically(const std::string& path, const std::vector<ByteSpan>& pieces)
{
    removeStaleTemporaries(path);
    const std::string tempPath = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(path, "cannot write (creating " + tempPath + " failed: " + errnoText(errno) + ")");
    TempFile temp(tempPath, fd);
    for (const ByteSpan& piece : pieces) {
        if (piece.size == 0)
            continue;
        if (const int error = writeAll(temp.fd(), piece.data, piece.size))
            fail(path, "cannot write: " + errnoText(error));
    }
    if (::fsync(temp.fd()) != 0)
        fail(path, "cannot write (sync failed: " + errnoText(errno) + ")");
    if (const int error = temp.close())
        fail(path, "cannot write (close failed: " + errnoText(error) + ")");
    if (::rename(tempPath.c_str(), path.c_str()) != 0)
        fail(path, "cannot replace the file: " + errnoText(errno));
    temp.commit();
    syncFolder(path);
}

void saveRun(const RunData& run, const std::string& dir)
{
    const std::string problem = describeInconsistency(run);
    if (!problem.empty())
        throw std::invalid_argument("saveRun: the run is inconsistent: " + problem);

    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw StoreError(dir + ": cannot create the folder: " + ec.message());
    if (!fs::is_directory(dir, ec))
        throw StoreError(dir + ": not a folder");

    const std::string meta = json::serialize(metaJson(run), 0);
    std::vector<Section> sections;
    sections.push_back({"meta", meta.data(), meta.size()});
    sections.push_back({"model", run.modelBytes.data(), run.modelBytes.size()});
    sections.push_back(matrixSection("centroids", run.centroids.means));
    addSubsetSections(sections, "train", run.train, run.projection.train);
    addSubsetSections(sections, "validation", run.validation, run.projection.validation);

    std::string header;
    header.append(kMagic.data(), kMagic.size());
    putLe<std::uint32_t>(header, kRunFormatVersion);
    putLe<std::uint32_t>(header, static_cast<std::uint32_t>(sections.size()));
    std::uint64_t offset = alignUp(kPreambleBytes + sections.size() * kTableEntryBytes + 4);
    std::vector<std::uint64_t> offsets;
    for (const Section& s : sections) {
        assert(s.name.size() <= kNameBytes); // "validation.probabilities" fills it exactly
        char name[kNameBytes] = {};
        std::memcpy(name, s.name.data(), std::min(s.name.size(), kNameBytes));
        header.append(name, kNameBytes);
        putLe<std::uint64_t>(header, offset);
        putLe<std::uint64_t>(header, s.size);
        putLe<std::uint32_t>(header, crcOf(s.data, s.size));
        putLe<std::uint32_t>(header, 0);
        offsets.push_back(offset);
        offset = alignUp(offset + s.size);
    }
    putLe<std::uint32_t>(header, crcOf(header.data(), header.size()));

    static const char kZeros[kSectionAlignment] = {};
    std::vector<ByteSpan> pieces{{header.data(), header.size()}};
    std::uint64_t written = header.size();
    for (std::size_t k = 0; k < sections.size(); ++k) {
        pieces.push_back({kZeros, static_cast<std::size_t>(offsets[k] - written)});
        pieces.push_back({sections[k].data, static_cast<std::size_t>(sections[k].size)});
        written = offsets[k] + sections[k].size;
    }
    const std::string runPath = (fs::path(dir) / "run.bin").string();
    writeFileAtomically(runPath, pieces);

    const std::string summary = json::serialize(summaryJson(run), 2) + "\n";
    writeFileAtomically((fs::path(dir) / "summary.json").string(),
                        {{summary.data(), summary.size()}});
}

RunData loadRun(const std::string& dir)
{
    const std::string path = (fs::path(dir) / "run.bin").string();
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw StoreError("no stored run in " + dir);
    try {
        return readRunFile(path);
    } catch (const StoreError&) {
        throw;
    } catch (const std::bad_alloc&) {
        fail(path, "too large to load into memory");
    } catch (const std::exception& e) {
        fail(path, std::string("cannot be read (") + e.what() + ")");
    }
}

bool hasRun(const std::string& dir)
{
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "run.bin", ec);
}

} // namespace mnistx::store
