#include "core/data/image_folder.h"

#include "core/projection/heartbeat.h"
#include "core/projection/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

namespace mnistx::data
{
namespace
{

namespace fs = std::filesystem;

// Images per parallel task: a few milliseconds of decoding for small images,
// so cancellation is prompt and two threads stay balanced.
constexpr int kImagesPerTask = 64;

bool isImageName(const fs::path& path)
{
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

bool isHidden(const fs::path& path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

struct ImageEntry {
    fs::path path;
    std::string source; // relative to the data folder, '/'-separated
    ClassLabel label = 0;
};

struct SplitListing {
    std::vector<ImageEntry> images;
    int skipped = 0; // files that are not PNG or JPEG
};

// Sorted entries of a folder (names in byte order, as `ls` with LC_ALL=C).
std::vector<fs::directory_entry> sortedEntries(const fs::path& dir)
{
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        entries.push_back(*it);
    if (ec)
        failData(dir.string(), "cannot list the folder: " + ec.message());
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.path().filename() < b.path().filename();
    });
    return entries;
}

std::vector<std::string> classFolders(const fs::path& split)
{
    std::vector<std::string> names;
    for (const auto& entry : sortedEntries(split)) {
        std::error_code ec;
        if (entry.is_directory(ec) && !isHidden(entry.path()))
            names.push_back(entry.path().filename().string());
    }
    return names;
}

SplitListing listSplit(const fs::path& root, const fs::path& split,
                       const std::vector<std::string>& classes)
{
    SplitListing listing;
    for (const std::string& name : classFolders(split)) {
        const auto it = std::find(classes.begin(), classes.end(), name);
        if (it == classes.end())
            failData((split / name).string(),
                     "is a class the training set does not have (its classes are the folders "
                     "of " +
                         (root / "train").string() + ")");
        const auto label = static_cast<ClassLabel>(it - classes.begin());
        for (const auto& entry : sortedEntries(split / name)) {
            std::error_code ec;
            if (isHidden(entry.path()) || entry.is_directory(ec))
                continue;
            if (!isImageName(entry.path())) {
                ++listing.skipped;
                continue;
            }
            ImageEntry image;
            image.path = entry.path();
            // Lexically: the entry was found under root, and fs::relative
            // would resolve every path on disk (a system call per file).
            image.source = entry.path().lexically_relative(root).generic_string();
            image.label = label;
            listing.images.push_back(std::move(image));
        }
    }
    return listing;
}

std::vector<std::uint8_t> readWholeFile(const fs::path& path)
{
    std::uint64_t size = 0;
    FilePtr file = openDataFile(path.string(), "an image file", size);
    if (size > kMaxImageFileBytes)
        failData(path.string(), "is " + std::to_string(size >> 20) +
                                    " MB, too large for an image of at most 256×256 pixels");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    readExactly(file.get(), path.string(), bytes.data(), bytes.size(), "the image");
    return bytes;
}

// The images of one split, decoded in parallel into one Dataset. `first`
// (when set) is the size and mode every image must have.
Dataset decodeSplit(const SplitListing& listing, int classCount, int threads,
                    std::optional<DecodedImage>& first, const std::function<bool(int)>& decoded,
                    bool& sawAlpha)
{
    const int n = static_cast<int>(listing.images.size());
    Dataset d;
    d.count = n;
    d.classCount = classCount;
    if (n == 0)
        return d;
    // The first image decoded here sets the size and mode; the loop below
    // takes its pixels instead of decoding it again.
    const bool firstIsHere = !first;
    if (firstIsHere) {
        const auto& e = listing.images.front();
        const std::vector<std::uint8_t> bytes = readWholeFile(e.path);
        first = decodeImage(bytes.data(), bytes.size(), e.path.string());
    }
    d.rows = first->rows;
    d.cols = first->cols;
    d.channels = first->channels;
    const std::size_t imageBytes = static_cast<std::size_t>(d.valuesPerImage());
    d.images.resize(imageBytes * static_cast<std::size_t>(n));
    d.labels.resize(static_cast<std::size_t>(n));
    d.sources.resize(static_cast<std::size_t>(n));

    // Errors are kept per task and the one of the lowest image reported, so
    // the message names the first bad file whatever the schedule.
    const int tasks = (n + kImagesPerTask - 1) / kImagesPerTask;
    std::vector<std::string> errors(static_cast<std::size_t>(tasks));
    std::vector<char> alpha(static_cast<std::size_t>(tasks), 0);
    std::atomic<int> done{0};
    const bool finished = projection::detail::parallelTasks(
        tasks, projection::detail::resolveThreads(threads),
        [&](int task) {
            const int begin = task * kImagesPerTask;
            const int end = std::min(n, begin + kImagesPerTask);
            for (int i = begin; i < end; ++i) {
                const ImageEntry& e = listing.images[static_cast<std::size_t>(i)];
                try {
                    DecodedImage decodedHere;
                    if (i > 0 || !firstIsHere) {
                        const std::vector<std::uint8_t> bytes = readWholeFile(e.path);
                        decodedHere = decodeImage(bytes.data(), bytes.size(), e.path.string());
                    }
                    const DecodedImage& image = i > 0 || !firstIsHere ? decodedHere : *first;
                    if (image.rows != first->rows || image.cols != first->cols ||
                        image.channels != first->channels)
                        failData(e.path.string(),
                                 "is " + imageShapeText(image.cols, image.rows, image.channels) +
                                     ", but the images before it are " +
                                     imageShapeText(first->cols, first->rows, first->channels) +
                                     ": every image must have one size and mode");
                    alpha[static_cast<std::size_t>(task)] |= image.hadAlpha ? 1 : 0;
                    std::memcpy(d.images.data() + imageBytes * static_cast<std::size_t>(i),
                                image.pixels.data(), imageBytes);
                } catch (const DataError& error) {
                    errors[static_cast<std::size_t>(task)] = error.what();
                    break;
                }
                d.labels[static_cast<std::size_t>(i)] = e.label;
                d.sources[static_cast<std::size_t>(i)] = e.source;
            }
            done += end - begin;
        },
        [&] { return decoded(done.load()); });
    if (!finished)
        throw LoadCancelled();
    for (const std::string& error : errors)
        if (!error.empty())
            throw DataError(error);
    sawAlpha = sawAlpha || std::any_of(alpha.begin(), alpha.end(), [](char a) { return a != 0; });
    return d;
}

} // namespace

bool holdsImageFolders(const std::string& folder)
{
    try {
        std::error_code ec;
        const fs::path train = fs::path(folder) / "train";
        return fs::is_directory(train, ec) && !classFolders(train).empty();
    } catch (const DataError&) {
        return false;
    }
}

DatasetSplits loadImageFolders(const std::string& folder, int threads, const LoadProgress& progress)
{
    const fs::path root(folder);
    const fs::path trainDir = root / "train";
    std::error_code ec;
    if (!fs::is_directory(trainDir, ec))
        failData(folder, "has no train/ folder (image folders: train/<class>/*.png and "
                         "test/<class>/*.png)");
    fs::path testDir = root / "test";
    if (!fs::is_directory(testDir, ec))
        testDir = root / "val";
    if (!fs::is_directory(testDir, ec))
        failData(folder, "has train/ but neither test/ nor val/: the validation images go in "
                         "test/<class>/ (or val/<class>/)");

    const std::vector<std::string> classes = classFolders(trainDir);
    if (classes.size() < static_cast<std::size_t>(kMinClasses))
        failData(trainDir.string(), "holds " + std::to_string(classes.size()) +
                                        " class folders; a classifier needs at least " +
                                        std::to_string(kMinClasses));
    if (classes.size() > static_cast<std::size_t>(kMaxClasses))
        failData(trainDir.string(), "holds " + std::to_string(classes.size()) +
                                        " class folders; at most " + std::to_string(kMaxClasses) +
                                        " are supported");
    const SplitListing train = listSplit(root, trainDir, classes);
    const SplitListing test = listSplit(root, testDir, classes);
    std::vector<int> perClass(classes.size(), 0);
    for (const ImageEntry& e : train.images)
        ++perClass[e.label];
    for (std::size_t c = 0; c < classes.size(); ++c)
        if (perClass[c] == 0)
            failData((trainDir / classes[c]).string(),
                     "holds no PNG or JPEG image; every class needs training images");
    if (test.images.empty())
        failData(testDir.string(), "holds no PNG or JPEG image in its class folders");

    const int total = static_cast<int>(train.images.size() + test.images.size());
    projection::detail::Heartbeat beat;
    const auto decoded = [&](int offset) {
        return [&, offset](int doneInSplit) {
            return !progress || !beat.due() || progress(double(offset + doneInSplit) / total);
        };
    };
    std::optional<DecodedImage> first;
    bool sawAlpha = false;
    const int classCount = static_cast<int>(classes.size());
    DatasetSplits splits;
    splits.train = decodeSplit(train, classCount, threads, first, decoded(0), sawAlpha);
    splits.validation = decodeSplit(test, classCount, threads, first,
                                    decoded(static_cast<int>(train.images.size())), sawAlpha);
    splits.train.imagesPath = splits.train.labelsPath = trainDir.string();
    splits.validation.imagesPath = splits.validation.labelsPath = testDir.string();
    splits.folder = folder;
    splits.format = "image folders";
    splits.classNames = classes;
    const int skipped = train.skipped + test.skipped;
    if (skipped > 0)
        splits.notes.push_back("skipped " + std::to_string(skipped) +
                               " files in the class folders that are not PNG or JPEG images");
    if (sawAlpha)
        splits.notes.push_back("the images' alpha channel was dropped");
    return splits;
}

} // namespace mnistx::data
