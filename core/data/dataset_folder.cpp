#include "core/data/dataset_folder.h"

#include "core/data/class_names.h"
#include "core/data/data_files.h"
#include "core/data/embeddings.h"
#include "core/data/idx_reader.h"
#include "core/data/npy_reader.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <regex>
#include <system_error>

namespace mnistx::data
{
namespace
{

namespace fs = std::filesystem;

const char* const kNumpyFiles[4] = {"train_images.npy", "train_labels.npy", "test_images.npy",
                                    "test_labels.npy"};
const char* const kClassesFile = "classes.txt";
const char* const kMetadataFile = "metadata.csv";

std::vector<std::string> fileNames(const std::string& folder)
{
    requireFolder(folder);
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (it->is_regular_file(typeError))
            names.push_back(it->path().filename().string());
    }
    if (ec)
        failData(folder, "cannot list the folder: " + ec.message());
    std::sort(names.begin(), names.end());
    return names;
}

// The IDX file of one role (split × images/labels) among a folder's names;
// empty when there is none. Several candidates are an error: which one is
// meant cannot be guessed.
std::string idxFile(const std::string& folder, const std::vector<std::string>& names, bool train,
                    bool images)
{
    static const std::regex pattern(
        R"(^(.*[-_.])?(train|t10k|test)-(images|labels)[-.]idx([134])-ubyte(\.gz)?$)",
        std::regex::icase);
    std::vector<std::string> found;
    for (const std::string& name : names) {
        std::smatch m;
        if (!std::regex_match(name, m, pattern))
            continue;
        const bool isTrain = m[2].str() == "train" || m[2].str() == "TRAIN";
        const bool isImages = m[3].str().front() == 'i' || m[3].str().front() == 'I';
        if (isTrain == train && isImages == images)
            found.push_back(name);
    }
    if (found.size() > 1) {
        std::string list;
        for (const std::string& f : found)
            list += (list.empty() ? "" : ", ") + f;
        failData(folder, std::string("several files could be the ") +
                             (train ? "training" : "test") + (images ? " images" : " labels") +
                             ": " + list + "; keep one");
    }
    return found.empty() ? std::string() : (fs::path(folder) / found.front()).string();
}

bool hasAll(const std::vector<std::string>& names, const char* const (&wanted)[4])
{
    return std::all_of(std::begin(wanted), std::end(wanted), [&](const char* w) {
        return std::find(names.begin(), names.end(), w) != names.end();
    });
}

// Labels of a NumPy file as class labels: N integers in [0, kMaxClasses).
std::vector<ClassLabel> npyLabels(const std::string& path)
{
    const NpyArray array = readNpy(path);
    if (array.header.shape.size() != 1)
        failData(path,
                 "labels must be one integer per image (shape N), not " + array.header.shapeText());
    const std::vector<std::int64_t> values = npyIntegers(array, path);
    std::vector<ClassLabel> labels(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] < 0 || values[i] >= kMaxClasses)
            failData(path, "label " + std::to_string(values[i]) + " at index " + std::to_string(i) +
                               " is outside 0 to " + std::to_string(kMaxClasses - 1));
        labels[i] = static_cast<ClassLabel>(values[i]);
    }
    return labels;
}

// NumPy images as a Dataset's HWC bytes.
Dataset npyImages(const std::string& path, double& roundingError)
{
    NpyArray array = readNpy(path);
    const std::vector<std::int64_t> s = array.header.shape;
    Dataset d;
    bool channelsFirst = false;
    if (s.size() == 3) {
        d.channels = 1;
    } else if (s.size() == 4 && (s[3] == 1 || s[3] == 3)) {
        d.channels = static_cast<int>(s[3]);
    } else if (s.size() == 4 && (s[1] == 1 || s[1] == 3)) {
        d.channels = static_cast<int>(s[1]);
        channelsFirst = true;
    } else {
        failData(path, "images must be N×H×W, N×H×W×C or N×C×H×W with C = 1 or 3, not " +
                           array.header.shapeText());
    }
    const std::int64_t rows = channelsFirst ? s[2] : s[1];
    const std::int64_t cols = channelsFirst ? s[3] : s[2];
    // Before the sizes become ints.
    const std::string problem = imageSidesProblem(cols, rows);
    if (!problem.empty())
        failData(path, "images are " + problem);
    if (s[0] > INT32_MAX)
        failData(path, "holds " + std::to_string(s[0]) + " images; at most " +
                           std::to_string(INT32_MAX) + " are supported");
    d.count = static_cast<int>(s[0]);
    d.rows = static_cast<int>(rows);
    d.cols = static_cast<int>(cols);
    std::vector<std::uint8_t> bytes = npyImageBytes(std::move(array), path, &roundingError);
    if (channelsFirst && d.channels > 1) { // N×C×H×W → N×H×W×C
        std::vector<std::uint8_t> hwc = largeBuffer(bytes.size());
        const std::size_t plane = static_cast<std::size_t>(d.rows) * d.cols;
        const std::size_t image = plane * d.channels;
        for (std::size_t n = 0; n < static_cast<std::size_t>(d.count); ++n)
            for (std::size_t c = 0; c < static_cast<std::size_t>(d.channels); ++c)
                for (std::size_t p = 0; p < plane; ++p)
                    hwc[n * image + p * d.channels + c] = bytes[n * image + c * plane + p];
        bytes.swap(hwc);
    }
    d.images = std::move(bytes);
    d.imagesPath = path;
    return d;
}

Dataset numpySplit(const std::string& imagesPath, const std::string& labelsPath,
                   double& roundingError)
{
    Dataset d = npyImages(imagesPath, roundingError);
    d.labels = npyLabels(labelsPath);
    d.labelsPath = labelsPath;
    if (d.labels.size() != static_cast<std::size_t>(d.count))
        throw DataError(imagesPath + " and " + labelsPath + ": " + std::to_string(d.count) +
                        " images but " + std::to_string(d.labels.size()) + " labels");
    return d;
}

// What every format must satisfy, and the class count and names.
void finish(DatasetSplits& s)
{
    for (const Dataset* d : {&s.train, &s.validation}) {
        const bool train = d == &s.train;
        if (d->count == 0)
            failData(d->imagesPath, std::string("holds no images: the ") +
                                        (train ? "training" : "test") + " split is empty");
        // Channels are 1 or 3 by each reader's own check (where the files
        // say it); the sides only the image decoder and NumPy check before.
        const std::string problem = imageSidesProblem(d->cols, d->rows);
        if (!problem.empty())
            failData(d->imagesPath, "images are " + problem);
    }
    if (s.train.rows != s.validation.rows || s.train.cols != s.validation.cols ||
        s.train.channels != s.validation.channels)
        throw DataError(
            s.train.imagesPath + " and " + s.validation.imagesPath + ": the training images are " +
            imageShapeText(s.train.cols, s.train.rows, s.train.channels) + ", the test images " +
            imageShapeText(s.validation.cols, s.validation.rows, s.validation.channels) +
            "; both splits need one size and channel count");

    int classCount = static_cast<int>(s.classNames.size());
    if (classCount == 0) {
        int largest = 0;
        for (const Dataset* d : {&s.train, &s.validation})
            for (const ClassLabel l : d->labels)
                largest = std::max<int>(largest, l);
        classCount = largest + 1;
    }
    if (classCount < kMinClasses)
        failData(s.train.labelsPath, "every label is 0: a classifier needs at least " +
                                         std::to_string(kMinClasses) + " classes");
    if (classCount > kMaxClasses)
        failData(s.train.labelsPath, "the labels go up to " + std::to_string(classCount - 1) +
                                         "; at most " + std::to_string(kMaxClasses) +
                                         " classes are supported");
    s.train.classCount = s.validation.classCount = classCount;

    const fs::path classesFile = fs::path(s.folder) / kClassesFile;
    std::error_code ec;
    const bool haveClassesFile = fs::is_regular_file(classesFile, ec);
    if (!s.classNames.empty()) {
        if (haveClassesFile)
            s.notes.push_back(std::string(kClassesFile) +
                              " was not read: the class folders name the classes");
    } else if (haveClassesFile) {
        s.classNames = readClassNames(classesFile.string(), classCount);
    } else {
        s.classNames = defaultClassNames(classCount);
    }

    const fs::path metadataFile = fs::path(s.folder) / kMetadataFile;
    if (fs::is_regular_file(metadataFile, ec))
        s.metadata = readUserMetadata(metadataFile.string(), s.train.count, s.validation.count);
}

} // namespace

const char* datasetFormatName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Idx:
        return "IDX";
    case DatasetFormat::Numpy:
        return "NumPy";
    case DatasetFormat::ImageFolders:
        return "image folders";
    case DatasetFormat::Embeddings:
        return "embeddings";
    }
    return "?";
}

std::optional<DatasetFormat> detectDatasetFormat(const std::string& folder)
{
    const std::vector<std::string> names = fileNames(folder);
    if (hasAll(names, kNumpyFiles))
        return DatasetFormat::Numpy;
    if (!idxFile(folder, names, true, true).empty())
        return DatasetFormat::Idx;
    if (holdsImageFolders(folder))
        return DatasetFormat::ImageFolders;
    if (holdsEmbeddings(folder))
        return DatasetFormat::Embeddings;
    return std::nullopt;
}

bool holdsDataset(const std::string& folder)
{
    try {
        return detectDatasetFormat(folder).has_value();
    } catch (const DataError&) {
        return false;
    }
}

DatasetSplits loadNumpyFolder(const std::string& folder)
{
    const auto path = [&](int i) { return (fs::path(folder) / kNumpyFiles[i]).string(); };
    double roundingError = 0.0;
    DatasetSplits s;
    s.train = numpySplit(path(0), path(1), roundingError);
    s.validation = numpySplit(path(2), path(3), roundingError);
    s.folder = folder;
    s.format = "NumPy";
    // Float pixels that are not multiples of 1/255 lose up to half a step.
    if (roundingError > 1e-4)
        s.notes.push_back("float pixels were rounded to 8 bits (steps of 1/255; the largest change "
                          "was " +
                          std::to_string(roundingError).substr(0, 6) + ")");
    return s;
}

DatasetSplits loadIdxFolder(const std::string& folder)
{
    const std::vector<std::string> names = fileNames(folder);
    std::array<std::string, 4> paths{
        idxFile(folder, names, true, true), idxFile(folder, names, true, false),
        idxFile(folder, names, false, true), idxFile(folder, names, false, false)};
    const char* const roles[4] = {"training images (train-images-idx3-ubyte)",
                                  "training labels (train-labels-idx1-ubyte)",
                                  "test images (t10k-images-idx3-ubyte or test-images-…)",
                                  "test labels (t10k-labels-idx1-ubyte or test-labels-…)"};
    std::string missing;
    for (int i = 0; i < 4; ++i)
        if (paths[static_cast<std::size_t>(i)].empty())
            missing += (missing.empty() ? "" : ", ") + std::string(roles[i]);
    if (!missing.empty())
        failData(folder, "IDX files missing: " + missing + " (each may end in .gz)");
    // IDX labels are bytes: every value is a class here; finish() counts them.
    constexpr int kAnyByte = 256;
    DatasetSplits s;
    s.train = readIdxImagesAndLabels(paths[0], paths[1], kAnyByte);
    s.validation = readIdxImagesAndLabels(paths[2], paths[3], kAnyByte);
    s.folder = folder;
    s.format = "IDX";
    return s;
}

DatasetSplits loadDataset(const std::string& folder, int threads, const LoadProgress& progress)
{
    if (folder.empty())
        throw DataError("no data folder given");
    const std::optional<DatasetFormat> format = detectDatasetFormat(folder);
    if (!format)
        failData(folder,
                 "holds no dataset: expected IDX files (train-images-idx3-ubyte, "
                 "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), NumPy "
                 "files (train_images.npy, train_labels.npy, test_images.npy, test_labels.npy) or "
                 "image folders (train/<class>/*.png, test/<class>/*.png)");
    DatasetSplits s;
    switch (*format) {
    case DatasetFormat::Idx:
        s = loadIdxFolder(folder);
        break;
    case DatasetFormat::Numpy:
        s = loadNumpyFolder(folder);
        break;
    case DatasetFormat::ImageFolders:
        s = loadImageFolders(folder, threads, progress);
        break;
    case DatasetFormat::Embeddings:
        // Checked by its reader; a split may be empty there.
        return embeddingDataset(readEmbeddings(folder));
    }
    finish(s);
    return s;
}

} // namespace mnistx::data
