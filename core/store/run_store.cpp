#include "core/store/run_store.h"

#include "core/store/file_io.h"
#include "core/store/run_json.h"
#include "core/store/section_file.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <system_error>

namespace mnistx::store
{

namespace
{

namespace fs = std::filesystem;

constexpr long long kMaxClasses = analysis::kMaxAnalysedClasses;

// Labels, predictions and nearest centroids go to run.bin as u8 while every
// class fits in a byte (so every run stored before there could be more than
// 256 classes reads as it did), else as u16; the class count says which.
int classIndexBytes(long long classCount)
{
    return classCount <= 256 ? 1 : 2;
}

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw StoreError(path + ": " + problem);
}

std::string shapeText(long long rows, long long cols)
{
    return std::to_string(rows) + "×" + std::to_string(cols);
}

// Empty, or why the subset breaks the rules of saveRun.
std::string subsetInconsistency(const analysis::SubsetAnalysis& a, const RowMatrixXf& projection,
                                const std::string& name, int classCount)
{
    const auto n = static_cast<long long>(a.labels.size());
    const auto vectorSize = [&](const char* what, std::size_t size,
                                long long expected) -> std::string {
        if (static_cast<long long>(size) == expected)
            return {};
        return name + "." + what + " has " + std::to_string(size) + " entries, expected " +
               std::to_string(expected) +
               (expected == n ? " (one per label)" : " (an unscored subset has none)");
    };
    // An unscored subset has no predictions and losses, and logits and
    // probabilities without columns.
    const long long scoredRows = a.scored ? n : 0;
    const long long scoreColumns = a.scored ? classCount : 0;
    const auto matrixShape = [&](const char* what, const auto& m, long long cols) -> std::string {
        if (m.rows() == n && (n == 0 || cols < 0 || m.cols() == cols))
            return {};
        return name + "." + what + " is " + shapeText(m.rows(), m.cols()) + ", expected " +
               shapeText(n, cols < 0 ? m.cols() : cols);
    };
    for (const std::string& problem :
         {vectorSize("predictions", a.predictions.size(), scoredRows),
          vectorSize("losses", a.losses.size(), scoredRows),
          vectorSize("nearestCentroid", a.nearestCentroid.size(), n),
          matrixShape("logits", a.logits, scoreColumns),
          matrixShape("probabilities", a.probabilities, scoreColumns),
          matrixShape("centroidDistances", a.centroidDistances, classCount),
          matrixShape("features", a.features, -1), matrixShape("projection", projection, 2)})
        if (!problem.empty())
            return problem;
    if (!a.sources.empty()) {
        if (static_cast<long long>(a.sources.size()) != n)
            return vectorSize("sources", a.sources.size(), n);
        for (std::size_t i = 0; i < a.sources.size(); ++i)
            if (a.sources[i].find('\0') != std::string::npos)
                return name + ".sources[" + std::to_string(i) + "] holds a NUL byte";
    }
    if (a.confusion.rows() != classCount || a.confusion.cols() != classCount)
        return name + ".confusion is " + shapeText(a.confusion.rows(), a.confusion.cols()) +
               ", expected " + shapeText(classCount, classCount);
    if (static_cast<int>(a.perClass.size()) != classCount)
        return name + ".perClass has " + std::to_string(a.perClass.size()) + " entries, expected " +
               std::to_string(classCount);
    const auto classIndices = [&](const char* what,
                                  const std::vector<data::ClassLabel>& values) -> std::string {
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

template <typename T> Section vectorSection(std::string name, const std::vector<T>& v)
{
    return {std::move(name), v.data(), static_cast<std::uint64_t>(v.size()) * sizeof(T)};
}

Section matrixSection(std::string name, const RowMatrixXf& m)
{
    return {std::move(name), m.data(), static_cast<std::uint64_t>(m.size()) * sizeof(float)};
}

// The section of class indices, narrowed into `bytes` (which must outlive
// the section) when they are stored as u8.
Section classIndexSection(std::string name, const std::vector<data::ClassLabel>& values,
                          int classCount, std::vector<std::uint8_t>& bytes)
{
    if (classIndexBytes(classCount) == 2)
        return vectorSection(std::move(name), values);
    bytes.assign(values.begin(), values.end());
    return vectorSection(std::move(name), bytes);
}

// Narrowed class indices of one subset: labels, predictions, nearest.
using IndexBytes = std::array<std::vector<std::uint8_t>, 3>;

void addSubsetSections(std::vector<Section>& sections, const std::string& prefix,
                       const analysis::SubsetAnalysis& a, const RowMatrixXf& projection,
                       IndexBytes& scratch)
{
    sections.push_back(classIndexSection(prefix + ".labels", a.labels, a.classCount, scratch[0]));
    sections.push_back(
        classIndexSection(prefix + ".predictions", a.predictions, a.classCount, scratch[1]));
    sections.push_back(vectorSection(prefix + ".losses", a.losses));
    sections.push_back(matrixSection(prefix + ".logits", a.logits));
    sections.push_back(matrixSection(prefix + ".probabilities", a.probabilities));
    sections.push_back(matrixSection(prefix + ".features", a.features));
    sections.push_back(matrixSection(prefix + ".distances", a.centroidDistances));
    sections.push_back(
        classIndexSection(prefix + ".nearest", a.nearestCentroid, a.classCount, scratch[2]));
    sections.push_back(matrixSection(prefix + ".projection", projection));
}

// Each sample's source path followed by a NUL (no path holds one); empty when
// the subset has none.
std::string joinSources(const std::vector<std::string>& sources)
{
    std::string joined;
    for (const std::string& s : sources) {
        joined += s;
        joined += '\0';
    }
    return joined;
}

RunData readRunFile(const std::string& path)
{
    const SectionFile file = SectionFile::read(path, kRunFormatVersion);
    const SectionFile::Bytes metaBytes = file.section("meta");
    RunMeta meta = readRunMeta(
        path, std::string_view(reinterpret_cast<const char*>(metaBytes.data), metaBytes.size));
    RunData& run = meta.run;

    // Every size is checked against the metadata before anything is
    // allocated for it; the sections themselves are within the file.
    const auto sized = [&](const std::string& name, long long rows, long long cols,
                           std::uint64_t elementBytes, const char* type) {
        const SectionFile::Bytes bytes = file.section(name);
        const std::uint64_t expected =
            static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) * elementBytes;
        if (bytes.size != expected)
            fail(path, "section '" + name + "' holds " + std::to_string(bytes.size) +
                           " bytes, but the metadata says it is " + shapeText(rows, cols) + " " +
                           type + " (" + std::to_string(expected) + " bytes)");
        return bytes;
    };
    const auto classIndices = [&](const std::string& name, const SubsetShape& shape,
                                  std::vector<data::ClassLabel>& out) {
        const int width = classIndexBytes(shape.c);
        const SectionFile::Bytes bytes =
            sized(name, shape.n, 1, static_cast<std::uint64_t>(width), width == 1 ? "u8" : "u16");
        if (width == 1) {
            out.assign(bytes.data, bytes.data + bytes.size);
        } else {
            out.resize(static_cast<std::size_t>(shape.n));
            if (bytes.size > 0)
                std::memcpy(out.data(), bytes.data, bytes.size);
        }
    };
    const auto toFloats = [](const SectionFile::Bytes& bytes, std::vector<float>& out) {
        out.resize(bytes.size / sizeof(float));
        if (bytes.size > 0)
            std::memcpy(out.data(), bytes.data, bytes.size);
    };
    const auto toMatrix = [](const SectionFile::Bytes& bytes, long long rows, long long cols,
                             RowMatrixXf& out) {
        out.resize(rows, cols);
        if (bytes.size > 0)
            std::memcpy(out.data(), bytes.data, bytes.size);
    };

    const SectionFile::Bytes model = file.section("model");
    run.modelBytes.assign(reinterpret_cast<const char*>(model.data), model.size);
    toMatrix(sized("centroids", meta.centroidClasses, meta.centroidPixels, 4, "float32"),
             meta.centroidClasses, meta.centroidPixels, run.centroids.means);

    const char* const names[2] = {"train", "validation"};
    const SubsetShape* shapes[2] = {&meta.train, &meta.validation};
    analysis::SubsetAnalysis* subsets[2] = {&run.train, &run.validation};
    RowMatrixXf* projections[2] = {&run.projection.train, &run.projection.validation};
    for (int s = 0; s < 2; ++s) {
        const std::string prefix = std::string(names[s]) + ".";
        const SubsetShape& shape = *shapes[s];
        analysis::SubsetAnalysis& a = *subsets[s];
        a.subset = s == 0 ? analysis::Subset::Train : analysis::Subset::Validation;
        classIndices(prefix + "labels", shape, a.labels);
        // Unscored: the score sections are empty and the matrices N × 0.
        const long long scoredRows = a.scored ? shape.n : 0;
        const long long scoreColumns = a.scored ? shape.c : 0;
        SubsetShape scoreShape = shape;
        scoreShape.n = scoredRows;
        classIndices(prefix + "predictions", scoreShape, a.predictions);
        toFloats(sized(prefix + "losses", scoredRows, 1, 4, "float32"), a.losses);
        toMatrix(sized(prefix + "logits", scoredRows, scoreColumns, 4, "float32"), shape.n,
                 scoreColumns, a.logits);
        toMatrix(sized(prefix + "probabilities", scoredRows, scoreColumns, 4, "float32"), shape.n,
                 scoreColumns, a.probabilities);
        toMatrix(sized(prefix + "features", shape.n, shape.d, 4, "float32"), shape.n, shape.d,
                 a.features);
        toMatrix(sized(prefix + "distances", shape.n, shape.c, 4, "float32"), shape.n, shape.c,
                 a.centroidDistances);
        classIndices(prefix + "nearest", shape, a.nearestCentroid);
        toMatrix(sized(prefix + "projection", shape.n, 2, 4, "float32"), shape.n, 2,
                 *projections[s]);
        if (file.has(prefix + "sources")) {
            const SectionFile::Bytes bytes = file.section(prefix + "sources");
            const char* text = reinterpret_cast<const char*>(bytes.data);
            const auto terminators = std::count(text, text + bytes.size, '\0');
            if (terminators != shape.n || (bytes.size > 0 && text[bytes.size - 1] != '\0'))
                fail(path, "section '" + prefix + "sources' holds " + std::to_string(terminators) +
                               " paths, expected " + std::to_string(shape.n) + " (one per sample)");
            a.sources.reserve(static_cast<std::size_t>(shape.n));
            for (const char* p = text; p < text + bytes.size; p += a.sources.back().size() + 1)
                a.sources.emplace_back(p);
        }
    }

    const std::string problem = describeInconsistency(run);
    if (!problem.empty())
        fail(path, "the stored run is inconsistent: " + problem);
    return std::move(run);
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
    if (run.train.scored != run.validation.scored)
        return std::string("train is ") + (run.train.scored ? "scored" : "unscored") +
               ", validation " + (run.validation.scored ? "scored" : "unscored");
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
    if (!run.classNames.empty() && static_cast<int>(run.classNames.size()) != classCount)
        return "classNames has " + std::to_string(run.classNames.size()) + " names, expected " +
               std::to_string(classCount) + " (one per class)";
    if (run.centroids.means.rows() != 0 && run.centroids.means.rows() != classCount)
        return "centroids.means has " + std::to_string(run.centroids.means.rows()) +
               " rows, expected " + std::to_string(classCount) + " (one per class)";
    const auto& c = run.centroids;
    if (run.featureSpaceCentroids) {
        if (c.means.size() != 0 && c.means.cols() != run.train.features.cols() &&
            c.means.cols() != run.validation.features.cols())
            return "centroids.means has " + std::to_string(c.means.cols()) +
                   " values a class in feature space, the features " +
                   std::to_string(run.validation.features.cols());
        return {};
    }
    if (c.means.size() != 0 &&
        (c.channels < 1 || c.rows < 1 || c.cols < 1 ||
         c.means.cols() != static_cast<long long>(c.rows) * c.cols * c.channels))
        return "centroids.means has " + std::to_string(c.means.cols()) + " values a class, not " +
               std::to_string(c.rows) + " rows × " + std::to_string(c.cols) + " columns × " +
               std::to_string(c.channels) + " channels";
    return {};
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

    const std::string meta = runMetaJson(run);
    std::vector<Section> sections;
    sections.push_back({"meta", meta.data(), meta.size()});
    sections.push_back({"model", run.modelBytes.data(), run.modelBytes.size()});
    sections.push_back(matrixSection("centroids", run.centroids.means));
    IndexBytes trainIndices, validationIndices;
    addSubsetSections(sections, "train", run.train, run.projection.train, trainIndices);
    addSubsetSections(sections, "validation", run.validation, run.projection.validation,
                      validationIndices);
    // Optional: older readers ignore them, runs without sources have none.
    const std::string trainSources = joinSources(run.train.sources);
    const std::string validationSources = joinSources(run.validation.sources);
    if (!run.train.sources.empty())
        sections.push_back({"train.sources", trainSources.data(), trainSources.size()});
    if (!run.validation.sources.empty())
        sections.push_back(
            {"validation.sources", validationSources.data(), validationSources.size()});

    writeSectionFile((fs::path(dir) / "run.bin").string(), kRunFormatVersion, sections);

    writeTextAtomically((fs::path(dir) / "summary.json").string(), runSummaryJson(run));
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
