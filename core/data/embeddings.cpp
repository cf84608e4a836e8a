#include "core/data/embeddings.h"

#include "core/data/class_names.h"
#include "core/data/data_files.h"
#include "core/data/npy_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

namespace mnistx::data
{
namespace
{

namespace fs = std::filesystem;

const char* const kFeaturesFile = "features.npy";
const char* const kLabelsFile = "labels.npy";
const char* const kLogitsFile = "logits.npy";
const char* const kProbabilitiesFile = "probabilities.npy";
const char* const kSubsetFile = "subset.npy";
const char* const kImagesFile = "images.npy";
const char* const kClassesFile = "classes.txt";
const char* const kMetadataFile = "metadata.csv";

// For the message when a required file is missing.
const char* const kWhatTheFolderHolds =
    "an embeddings folder holds features.npy (N×D float32 or float16, one row per sample) and "
    "labels.npy (N integers), and may hold logits.npy or probabilities.npy (N×K), subset.npy (N "
    "values: 0 = train, 1 = validation), images.npy (N×H×W or N×H×W×C), classes.txt and "
    "metadata.csv";

// Bytes read at a time where a payload is converted or split between the
// subsets: few enough reads that their cost vanishes (256 for 256 MB), and
// the piece stays in the L2 cache (1 MB a core here) from being read to being
// checked and copied.
constexpr std::size_t kPieceBytes = std::size_t{1} << 20;
// Bytes read at a time straight into a matrix (float32, one subset), each
// piece checked for NaN right after its read. The size hardly matters
// (256 KB to the whole file measured alike on 1,000,000 × 64: ~30 ms of
// reading, ~10 ms of checking); pieces bound what one call asks of fread.
constexpr std::size_t kDirectPieceBytes = std::size_t{8} << 20;

// Split counts are ints elsewhere (metadata.csv's index, the views).
constexpr std::int64_t kMaxRows = std::numeric_limits<int>::max();

std::string fileName(const std::string& path)
{
    return fs::path(path).filename().string();
}

// "1 row", "7 rows".
std::string counted(std::int64_t n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Two files that must have one row per sample disagree.
[[noreturn]] void failRowCounts(const std::string& featuresPath, std::int64_t rows,
                                const std::string& otherPath, std::int64_t otherRows)
{
    throw DataError(featuresPath + " and " + otherPath + ": " + fileName(featuresPath) + " has " +
                    counted(rows, "row", "rows") + ", " + fileName(otherPath) + " has " +
                    std::to_string(otherRows) +
                    "; every file needs one row per sample, in the same order");
}

// The folder's files and where they are.
class Folder
{
public:
    explicit Folder(const std::string& folder) : m_folder(folder) {}
    std::string path(const char* name) const { return (fs::path(m_folder) / name).string(); }
    // Present as anything: a folder of that name is then refused by the
    // file's reader ("is a folder, not …") rather than silently skipped.
    bool has(const char* name) const
    {
        std::error_code ec;
        return fs::exists(fs::path(m_folder) / name, ec);
    }

private:
    std::string m_folder;
};

// Header checks, before any payload is read or allocated.

NpyHeader floatMatrixHeader(const std::string& path, bool allowFloat64, const char* shapeWords)
{
    NpyHeader h = readNpyHeader(path);
    const bool typeOk = h.type == NpyType::Float32 || h.type == NpyType::Float16 ||
                        (allowFloat64 && h.type == NpyType::Float64);
    if (!typeOk)
        failData(path, std::string("holds ") + npyTypeName(h.type) + " values; " +
                           (allowFloat64 ? "scores must be float32, float64 or float16"
                                         : "features must be float32 or float16, e.g. "
                                           "numpy.save(path, features.astype(numpy.float32))"));
    if (h.shape.size() != 2)
        failData(path, std::string("must be ") + shapeWords + ", not " + h.shapeText());
    return h;
}

NpyHeader integerColumnHeader(const std::string& path, const char* shapeWords)
{
    NpyHeader h = readNpyHeader(path);
    if (!isIntegerType(h.type))
        failData(path, std::string("holds ") + npyTypeName(h.type) +
                           " values where integers are expected (" + shapeWords + ")");
    if (h.shape.size() != 1)
        failData(path, std::string("must be ") + shapeWords + ", not " + h.shapeText());
    return h;
}

// Reading payloads.

// A .npy payload of whole rows, read from its start in order.
class PayloadReader
{
public:
    PayloadReader(const std::string& path, const NpyHeader& header, std::int64_t rows)
        : m_path(path), m_file(openNpyPayload(path, header)),
          m_rowBytes(
              static_cast<std::size_t>(header.payloadBytes() / static_cast<std::uint64_t>(rows)))
    {
    }
    std::size_t rowBytes() const { return m_rowBytes; }
    // Rows in a piece of about `bytes` (at least one).
    std::int64_t rowsPer(std::size_t bytes) const
    {
        return static_cast<std::int64_t>(std::max<std::size_t>(1, bytes / m_rowBytes));
    }
    void read(void* dst, std::int64_t rows)
    {
        readExactly(m_file.get(), m_path, dst, static_cast<std::size_t>(rows) * m_rowBytes,
                    "the array");
    }

private:
    const std::string& m_path;
    FilePtr m_file;
    std::size_t m_rowBytes;
};

// Which subset each row is in.
struct RowSubsets {
    std::vector<std::uint8_t> validation; // per row, 1 = validation; empty: all validation
    std::int64_t trainCount = 0;
    std::int64_t validationCount = 0;

    bool isValidation(std::int64_t row) const
    {
        return validation.empty() || validation[static_cast<std::size_t>(row)] != 0;
    }
    // Every row in one subset: payloads go straight to it, no copies.
    bool oneSubset() const { return trainCount == 0 || validationCount == 0; }
};

// Copies rows given in file order to the end of their subset's array.
template <typename T> class RowScatter
{
public:
    RowScatter(const RowSubsets& subsets, T* train, T* validation, std::size_t rowValues)
        : m_subsets(subsets), m_train(train), m_validation(validation), m_rowValues(rowValues)
    {
    }
    void put(const T* rows, std::int64_t firstRow, std::int64_t count)
    {
        for (std::int64_t i = 0; i < count; ++i) {
            T*& dst = m_subsets.isValidation(firstRow + i) ? m_validation : m_train;
            std::memcpy(dst, rows + static_cast<std::size_t>(i) * m_rowValues,
                        m_rowValues * sizeof(T));
            dst += m_rowValues;
        }
    }

private:
    const RowSubsets& m_subsets;
    T* m_train;
    T* m_validation;
    std::size_t m_rowValues;
};

// Integers of a 1-D file in pieces: fn(values, firstRow) for each.
template <typename Fn>
void forEachIntegerPiece(const std::string& path, const NpyHeader& header, Fn fn)
{
    const std::int64_t rows = header.shape.at(0);
    PayloadReader reader(path, header, rows);
    const std::int64_t pieceRows = reader.rowsPer(kPieceBytes);
    NpyArray piece;
    piece.header = header;
    for (std::int64_t first = 0; first < rows; first += pieceRows) {
        const std::int64_t count = std::min(pieceRows, rows - first);
        piece.header.shape = {count};
        piece.bytes.resize(static_cast<std::size_t>(count) * reader.rowBytes());
        reader.read(piece.bytes.data(), count);
        fn(npyIntegers(piece, path, first), first);
    }
}

void toFloats(const std::uint8_t* raw, NpyType type, float* out, std::size_t count)
{
    if (type == NpyType::Float16) {
        for (std::size_t i = 0; i < count; ++i) {
            std::uint16_t bits;
            std::memcpy(&bits, raw + 2 * i, 2);
            out[i] = halfToFloat(bits);
        }
    } else if (type == NpyType::Float64) {
        constexpr double kLargest = std::numeric_limits<float>::max();
        constexpr float kInfinity = std::numeric_limits<float>::infinity();
        for (std::size_t i = 0; i < count; ++i) {
            double d;
            std::memcpy(&d, raw + 8 * i, 8);
            // Beyond float's range: infinite, which the checks then refuse.
            out[i] =
                std::fabs(d) > kLargest ? (d > 0 ? kInfinity : -kInfinity) : static_cast<float>(d);
        }
    } else {
        std::memcpy(out, raw, count * sizeof(float));
    }
}

enum class ValueCheck { Finite, Probability };

// Whether any of the values is NaN or infinite. No early exit inside a block,
// so that the compiler vectorises it: this pass reads every feature.
bool anyNotFinite(const float* values, std::size_t count)
{
    constexpr float kLargest = std::numeric_limits<float>::max();
    constexpr std::size_t kBlock = 4096;
    for (std::size_t start = 0; start < count; start += kBlock) {
        const std::size_t end = std::min(count, start + kBlock);
        int bad = 0;
        for (std::size_t i = start; i < end; ++i)
            bad |= !(std::fabs(values[i]) <= kLargest);
        if (bad)
            return true;
    }
    return false;
}

// Checks rows [firstRow, firstRow + count) of `cols` values, in file order.
// fromFloat64: the values were float64, and beyond float's range became infinite.
void checkRows(const float* values, std::int64_t firstRow, std::int64_t count, std::int64_t cols,
               ValueCheck check, bool fromFloat64, const std::string& path, const char* what)
{
    const auto n = static_cast<std::size_t>(count) * static_cast<std::size_t>(cols);
    const auto where = [&](std::size_t i) {
        return "row " + std::to_string(firstRow + static_cast<std::int64_t>(i) / cols) +
               ", column " + std::to_string(static_cast<std::int64_t>(i) % cols);
    };
    if (check == ValueCheck::Finite) {
        if (!anyNotFinite(values, n))
            return;
        for (std::size_t i = 0; i < n; ++i)
            if (!std::isfinite(values[i]))
                failData(path, where(i) + " is " + std::to_string(values[i]) +
                                   (fromFloat64 && !std::isnan(values[i])
                                        ? " after conversion to float32 (whose range ends at "
                                          "±3.4e38)"
                                        : "") +
                                   ": every " + what + " must be a finite number");
        return;
    }
    for (std::int64_t r = 0; r < count; ++r) {
        const float* row = values + static_cast<std::size_t>(r) * static_cast<std::size_t>(cols);
        double sum = 0.0;
        for (std::int64_t c = 0; c < cols; ++c) {
            const float v = row[c];
            if (!(v >= 0.0f && v <= 1.0f)) // also NaN
                failData(path, where(static_cast<std::size_t>(r * cols + c)) + " is " +
                                   std::to_string(v) +
                                   ": probabilities lie in 0 to 1 (save raw scores as logits.npy)");
            sum += v;
        }
        if (std::abs(sum - 1.0) > kProbabilitySumTolerance)
            failData(path, "row " + std::to_string(firstRow + r) + " sums to " +
                               std::to_string(sum) + ", not 1 (within " +
                               std::to_string(kProbabilitySumTolerance).substr(0, 5) +
                               "): each row must be one sample's class probabilities (save raw "
                               "scores as logits.npy)");
    }
}

// An uninitialised matrix, its memory marked for huge pages before the file
// fills it (see adviseHugePages).
void allocate(RowMatrixXf& m, std::int64_t rows, std::int64_t cols)
{
    m.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    adviseHugePages(m.data(), static_cast<std::size_t>(m.size()) * sizeof(float));
}

// An N×C float file (features or scores) into the subsets' matrices, checked.
void readFloatRows(const std::string& path, const NpyHeader& h, const RowSubsets& subsets,
                   ValueCheck check, const char* what, RowMatrixXf& train, RowMatrixXf& validation)
{
    const std::int64_t rows = h.shape[0];
    const std::int64_t cols = h.shape[1];
    allocate(train, subsets.trainCount, cols);
    allocate(validation, subsets.validationCount, cols);
    PayloadReader reader(path, h, rows);
    const auto rowValues = static_cast<std::size_t>(cols);
    // One subset: each piece lands in the matrix itself (float32 read as
    // stored, no copy); two: a piece at a time through a buffer, copied row
    // by row to its subset.
    const bool direct = subsets.oneSubset();
    const bool converted = h.type != NpyType::Float32;
    float* all = subsets.trainCount > 0 ? train.data() : validation.data();
    const std::int64_t pieceRows =
        reader.rowsPer(direct && !converted ? kDirectPieceBytes : kPieceBytes);
    std::vector<float> buffer(direct ? 0 : static_cast<std::size_t>(pieceRows) * rowValues);
    std::vector<std::uint8_t> raw(
        converted ? static_cast<std::size_t>(pieceRows) * reader.rowBytes() : 0);
    RowScatter<float> scatter(subsets, train.data(), validation.data(), rowValues);
    for (std::int64_t first = 0; first < rows; first += pieceRows) {
        const std::int64_t count = std::min(pieceRows, rows - first);
        float* piece = direct ? all + static_cast<std::size_t>(first) * rowValues : buffer.data();
        if (converted) {
            reader.read(raw.data(), count);
            toFloats(raw.data(), h.type, piece, static_cast<std::size_t>(count) * rowValues);
        } else {
            reader.read(piece, count);
        }
        checkRows(piece, first, count, cols, check, h.type == NpyType::Float64, path, what);
        if (!direct)
            scatter.put(piece, first, count);
    }
}

// Where the class count comes from, for the labels' messages.
struct ClassCount {
    int count = 0;      // 0: from the labels
    std::string source; // "the 10 columns of logits.npy"
};

// The labels in file order, each checked against the class count (when it
// is known already) or kMaxClasses.
std::vector<ClassLabel> readLabels(const std::string& path, const NpyHeader& h,
                                   const ClassCount& classes)
{
    std::vector<ClassLabel> labels(static_cast<std::size_t>(h.shape[0]));
    // Labels are below the class count, or below kMaxClasses while the
    // labels themselves set the count.
    const std::int64_t limit = classes.count > 0 ? classes.count : kMaxClasses;
    forEachIntegerPiece(path, h, [&](const std::vector<std::int64_t>& values, std::int64_t first) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::int64_t v = values[i];
            if (v >= 0 && v < limit) {
                labels[static_cast<std::size_t>(first) + i] = static_cast<ClassLabel>(v);
                continue;
            }
            const std::string at = "label " + std::to_string(v) + " at row " +
                                   std::to_string(first + static_cast<std::int64_t>(i));
            if (classes.count > 0)
                failData(path, at + " is not a class: there are " + std::to_string(classes.count) +
                                   " classes (from " + classes.source + "), so labels are 0 to " +
                                   std::to_string(classes.count - 1));
            if (v < 0)
                failData(path, at + " is negative; labels are class indexes from 0");
            failData(path, at + " would make " + std::to_string(v + 1) + " classes; at most " +
                               std::to_string(kMaxClasses) + " are supported (labels 0 to " +
                               std::to_string(kMaxClasses - 1) + ")");
        }
    });
    return labels;
}

RowSubsets readSubsets(const std::string& path, const NpyHeader& h)
{
    RowSubsets s;
    s.validation.resize(static_cast<std::size_t>(h.shape[0]));
    forEachIntegerPiece(path, h, [&](const std::vector<std::int64_t>& values, std::int64_t first) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] != 0 && values[i] != 1)
                failData(path, "value " + std::to_string(values[i]) + " at row " +
                                   std::to_string(first + static_cast<std::int64_t>(i)) +
                                   " is neither 0 (train) nor 1 (validation)");
            s.validation[static_cast<std::size_t>(first) + i] =
                static_cast<std::uint8_t>(values[i]);
        }
    });
    s.validationCount = std::count(s.validation.begin(), s.validation.end(), std::uint8_t{1});
    s.trainCount = h.shape[0] - s.validationCount;
    return s;
}

// images.npy's header: N×H×W or N×H×W×C (C = 1 or 3), sides in range.
ImageShape imagesShape(const std::string& path, const NpyHeader& h)
{
    const std::vector<std::int64_t>& s = h.shape;
    if (!(s.size() == 3 || (s.size() == 4 && (s[3] == 1 || s[3] == 3))))
        failData(path,
                 "images must be N×H×W (grey) or N×H×W×C with C = 1 or 3, not " + h.shapeText());
    const std::string problem = imageSidesProblem(s[2], s[1]);
    if (!problem.empty())
        failData(path, "images are " + problem);
    return {s.size() == 4 ? static_cast<int>(s[3]) : 1, static_cast<int>(s[1]),
            static_cast<int>(s[2])};
}

void readImages(const std::string& path, const NpyHeader& header, const RowSubsets& subsets,
                EmbeddingSet& set)
{
    NpyArray array = readNpy(path);
    if (array.header.shape != header.shape)
        failData(path, "the file changed while it was read");
    double roundingError = 0.0;
    std::vector<std::uint8_t> bytes = npyImageBytes(std::move(array), path, &roundingError);
    // Float pixels that are not multiples of 1/255 lose up to half a step.
    if (roundingError > 1e-4)
        set.notes.push_back("float pixels of images.npy were rounded to 8 bits (steps of 1/255; "
                            "the largest change was " +
                            std::to_string(roundingError).substr(0, 6) + ")");
    if (subsets.oneSubset()) {
        (subsets.trainCount > 0 ? set.train : set.validation).images = std::move(bytes);
        return;
    }
    const auto imageBytes = static_cast<std::size_t>(set.imageShape.values());
    set.train.images = largeBuffer(static_cast<std::size_t>(subsets.trainCount) * imageBytes);
    set.validation.images =
        largeBuffer(static_cast<std::size_t>(subsets.validationCount) * imageBytes);
    RowScatter<std::uint8_t> scatter(subsets, set.train.images.data(), set.validation.images.data(),
                                     imageBytes);
    scatter.put(bytes.data(), 0, header.shape[0]);
}

void checkFolder(const std::string& folder)
{
    if (folder.empty())
        throw DataError("no embeddings folder given");
    requireFolder(folder);
}

} // namespace

bool holdsEmbeddings(const std::string& folder)
{
    if (folder.empty()) // not the current folder
        return false;
    const Folder f(folder);
    return f.has(kFeaturesFile) && f.has(kLabelsFile);
}

EmbeddingSet readEmbeddings(const std::string& folder)
{
    checkFolder(folder);
    const Folder f(folder);
    for (const char* required : {kFeaturesFile, kLabelsFile})
        if (!f.has(required))
            failData(folder, std::string("holds no ") + required + "; " + kWhatTheFolderHolds);
    if (f.has(kLogitsFile) && f.has(kProbabilitiesFile))
        throw DataError(f.path(kLogitsFile) + " and " + f.path(kProbabilitiesFile) +
                        ": both are present; keep one, remove probabilities.npy to use the "
                        "logits or logits.npy to use the probabilities");

    EmbeddingSet set;
    set.folder = folder;

    // Every header first: a file of the wrong shape or length is refused
    // before anything large is read or allocated.
    const std::string featuresPath = f.path(kFeaturesFile);
    const NpyHeader features =
        floatMatrixHeader(featuresPath, false, "N×D (one row of D values per sample)");
    const std::int64_t rows = features.shape[0];
    if (rows == 0)
        failData(featuresPath, "holds no rows (" + features.shapeText() +
                                   "); it needs one row of features per sample");
    if (features.shape[1] == 0)
        failData(featuresPath, "holds rows of no values (" + features.shapeText() + ")");
    if (rows > kMaxRows || features.shape[1] > kMaxRows)
        failData(featuresPath, "is " + features.shapeText() + "; at most " +
                                   std::to_string(kMaxRows) + " rows and columns are supported");
    set.featureDim = static_cast<int>(features.shape[1]);

    const std::string labelsPath = f.path(kLabelsFile);
    const NpyHeader labels = integerColumnHeader(labelsPath, "one class index per row, shape N");
    if (labels.shape[0] != rows)
        failRowCounts(featuresPath, rows, labelsPath, labels.shape[0]);

    std::string scoresPath;
    NpyHeader scores;
    ClassCount classes;
    if (f.has(kLogitsFile) || f.has(kProbabilitiesFile)) {
        const bool logits = f.has(kLogitsFile);
        set.scores = logits ? EmbeddingScores::Logits : EmbeddingScores::Probabilities;
        scoresPath = f.path(logits ? kLogitsFile : kProbabilitiesFile);
        scores = floatMatrixHeader(scoresPath, true, "N×K (one row of K class scores per sample)");
        if (scores.shape[0] != rows)
            failRowCounts(featuresPath, rows, scoresPath, scores.shape[0]);
        const std::int64_t k = scores.shape[1];
        if (k < kMinClasses || k > kMaxClasses)
            failData(scoresPath, "has " + counted(k, "column", "columns") +
                                     "; it needs one per class, and a dataset has " +
                                     std::to_string(kMinClasses) + " to " +
                                     std::to_string(kMaxClasses) + " classes");
        classes = {static_cast<int>(k),
                   "the " + std::to_string(k) + " columns of " + fileName(scoresPath)};
    }

    const std::string subsetPath = f.path(kSubsetFile);
    const bool haveSubset = f.has(kSubsetFile);
    NpyHeader subset;
    if (haveSubset) {
        subset = integerColumnHeader(subsetPath, "one value per row, 0 = train, 1 = validation");
        if (subset.shape[0] != rows)
            failRowCounts(featuresPath, rows, subsetPath, subset.shape[0]);
    }

    const std::string imagesPath = f.path(kImagesFile);
    set.hasImages = f.has(kImagesFile);
    NpyHeader images;
    if (set.hasImages) {
        images = readNpyHeader(imagesPath);
        set.imageShape = imagesShape(imagesPath, images);
        if (images.shape[0] != rows)
            failRowCounts(featuresPath, rows, imagesPath, images.shape[0]);
    }

    if (f.has(kClassesFile)) {
        const std::string classesPath = f.path(kClassesFile);
        set.classNames = readClassNames(classesPath, 0);
        const auto named = static_cast<int>(set.classNames.size());
        if (classes.count > 0 && named != classes.count)
            throw DataError(classesPath + " and " + scoresPath + ": " + kClassesFile + " names " +
                            std::to_string(named) + " classes, " + fileName(scoresPath) + " has " +
                            std::to_string(classes.count) +
                            " columns; one name per class, in column order");
        if (named < kMinClasses || named > kMaxClasses)
            failData(classesPath, "names " + counted(named, "class", "classes") +
                                      "; a dataset has " + std::to_string(kMinClasses) + " to " +
                                      std::to_string(kMaxClasses));
        if (classes.count == 0)
            classes = {named, "the " + std::to_string(named) + " names in " + kClassesFile};
    }

    // The payloads: which subset each row is in first, then each file
    // straight into its subsets.
    RowSubsets subsets;
    if (haveSubset) {
        subsets = readSubsets(subsetPath, subset);
        if (subsets.trainCount == 0)
            set.notes.push_back("subset.npy puts every row in validation: there is no training "
                                "split");
        else if (subsets.validationCount == 0)
            set.notes.push_back("subset.npy puts every row in train: there is no validation "
                                "split");
    } else {
        subsets.validationCount = rows;
        set.notes.push_back("no subset.npy: every row is validation");
    }

    std::vector<ClassLabel> allLabels = readLabels(labelsPath, labels, classes);
    if (classes.count == 0) {
        const int largest = *std::max_element(allLabels.begin(), allLabels.end());
        classes.count = std::max(largest + 1, kMinClasses);
        if (largest + 1 < kMinClasses)
            set.notes.push_back("every label is " + std::to_string(largest) + "; taken as " +
                                std::to_string(kMinClasses) + " classes");
    }
    set.classCount = classes.count;
    if (subsets.oneSubset()) {
        (subsets.trainCount > 0 ? set.train : set.validation).labels = std::move(allLabels);
    } else {
        set.train.labels.resize(static_cast<std::size_t>(subsets.trainCount));
        set.validation.labels.resize(static_cast<std::size_t>(subsets.validationCount));
        RowScatter<ClassLabel>(subsets, set.train.labels.data(), set.validation.labels.data(), 1)
            .put(allLabels.data(), 0, rows);
    }

    readFloatRows(featuresPath, features, subsets, ValueCheck::Finite, "feature",
                  set.train.features, set.validation.features);
    if (features.type == NpyType::Float16)
        set.notes.push_back("features converted from float16 (exactly)");

    if (set.scores != EmbeddingScores::None) {
        const bool logits = set.scores == EmbeddingScores::Logits;
        readFloatRows(scoresPath, scores, subsets,
                      logits ? ValueCheck::Finite : ValueCheck::Probability,
                      logits ? "logit" : "probability", set.train.scores, set.validation.scores);
        if (scores.type != NpyType::Float32)
            set.notes.push_back(fileName(scoresPath) + " converted from " +
                                npyTypeName(scores.type) + " to float32");
    } else {
        set.notes.push_back("no logits.npy or probabilities.npy: the samples have no model "
                            "scores");
    }

    if (set.hasImages)
        readImages(imagesPath, images, subsets, set);
    else
        set.notes.push_back("no images.npy: the samples have no pictures");

    set.train.rows.reserve(static_cast<std::size_t>(subsets.trainCount));
    set.validation.rows.reserve(static_cast<std::size_t>(subsets.validationCount));
    for (std::int64_t r = 0; r < rows; ++r)
        (subsets.isValidation(r) ? set.validation : set.train).rows.push_back(r);

    if (set.classNames.empty())
        set.classNames = defaultClassNames(set.classCount);
    if (f.has(kMetadataFile))
        set.metadata =
            readUserMetadata(f.path(kMetadataFile), set.train.count(), set.validation.count());
    return set;
}

DatasetSplits embeddingDataset(const EmbeddingSet& set)
{
    if (!set.hasImages)
        throw DataError(set.folder + ": holds embeddings without images.npy, so there are no "
                                     "images to show");
    DatasetSplits s;
    s.folder = set.folder;
    s.format = "embeddings";
    s.classNames = set.classNames;
    s.metadata = set.metadata;
    s.notes = set.notes;
    const std::string images = (std::filesystem::path(set.folder) / "images.npy").string();
    const std::string labels = (std::filesystem::path(set.folder) / "labels.npy").string();
    for (auto [split, d] :
         {std::pair{&set.train, &s.train}, std::pair{&set.validation, &s.validation}}) {
        d->count = split->count();
        d->rows = set.imageShape.rows;
        d->cols = set.imageShape.cols;
        d->channels = set.imageShape.channels;
        d->classCount = set.classCount;
        d->images = split->images;
        d->labels = split->labels;
        d->imagesPath = images;
        d->labelsPath = labels;
    }
    return s;
}

} // namespace mnistx::data
