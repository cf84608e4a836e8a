// libFuzzer harness for the embeddings folder reader (core/data/embeddings).
//
// Input: one mode byte, then the bytes of one file of the folder:
//   mode bits 0-2 (mod 6): which file they are: features.npy, labels.npy,
//     subset.npy, probabilities.npy, logits.npy or images.npy;
//   mode bits 3-7: which optional companions the folder also holds:
//     subset.npy, probabilities.npy, images.npy, classes.txt, metadata.csv.
// The other files are small valid ones for 4 samples (3 features, 3
// classes), so that the fuzzed file gets past the row-count checks once it
// claims 4 rows, and its payload reaches the value checks, the conversions
// and the split by subset. Then readEmbeddings reads the folder.
// A DataError is the expected answer to a bad file; anything else escaping,
// a crash, a sanitizer report, an allocation beyond -malloc_limit_mb or a
// broken promise of the result (checked below) is a finding.

#include "core/data/embeddings.h"
#include "core/data/npy_reader.h"
#include "fuzz_files.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace
{

using namespace mnistx;

constexpr int kRows = 4;

template <typename T>
std::string npyFile(const char* descr, const std::vector<std::int64_t>& shape,
                    const std::vector<T>& values)
{
    std::string file = data::npyHeader(data::npyDict(descr, shape));
    file.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    return file;
}

struct Companion {
    const char* name;
    std::string bytes;
};

// The valid folder, in the order of the mode's file index (0-5), then the
// text files.
const std::array<Companion, 8>& companions()
{
    static const std::array<Companion, 8> files{{
        {"features.npy", npyFile("<f4", {kRows, 3},
                                 std::vector<float>{0.5f, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1e-3f})},
        {"labels.npy", npyFile("<i8", {kRows}, std::vector<std::int64_t>{0, 1, 2, 1})},
        {"subset.npy", npyFile("|u1", {kRows}, std::vector<std::uint8_t>{0, 1, 1, 0})},
        {"probabilities.npy",
         npyFile("<f4", {kRows, 3},
                 std::vector<float>{0.5f, 0.25f, 0.25f, 1, 0, 0, 0.2f, 0.3f, 0.5f, 0, 0, 1})},
        {"logits.npy", npyFile("<f4", {kRows, 3}, std::vector<float>(kRows * 3, 0.75f))},
        {"images.npy", npyFile("|u1", {kRows, 8, 8}, std::vector<std::uint8_t>(kRows * 64, 200))},
        {"classes.txt", "cat\ndog\nbird\n"},
        {"metadata.csv", "subset,index,site\ntrain,0,north\nvalidation,1,south\n"},
    }};
    return files;
}

const std::string& folder()
{
    static const std::string path = [] {
        const std::string p = fuzz::scratchFolder() + "/embeddings";
        std::filesystem::create_directories(p);
        return p;
    }();
    return path;
}

// Whether the companion `index` is in the folder under this mode: the
// required two always, the optional ones by the mode's bits 3-7.
bool present(int index, std::uint8_t mode)
{
    switch (index) {
    case 0: // features.npy
    case 1: // labels.npy
        return true;
    case 2: // subset.npy
        return mode & 0x08;
    case 3: // probabilities.npy
        return mode & 0x10;
    case 5: // images.npy
        return mode & 0x20;
    case 6: // classes.txt
        return mode & 0x40;
    case 7: // metadata.csv
        return mode & 0x80;
    default: // logits.npy: only as the fuzzed file
        return false;
    }
}

// The folder for this mode with the fuzzed file in it. The companions are
// rewritten only when the mode differs from the last input's (each execution
// otherwise costs seven file writes).
void writeFolder(const fuzz::ModeAndBytes& in, int fuzzed)
{
    static int lastMode = -1;
    const std::string& dir = folder(); // created on the first call
    if (in.mode != lastMode) {
        for (int i = 0; i < static_cast<int>(companions().size()); ++i) {
            const Companion& c = companions()[static_cast<std::size_t>(i)];
            const std::string name = std::string("embeddings/") + c.name;
            if (present(i, in.mode))
                fuzz::writeScratch(name, reinterpret_cast<const std::uint8_t*>(c.bytes.data()),
                                   c.bytes.size());
            else
                std::filesystem::remove(dir + "/" + c.name);
        }
        lastMode = in.mode;
    }
    fuzz::writeScratch(std::string("embeddings/") +
                           companions()[static_cast<std::size_t>(fuzzed)].name,
                       in.data, in.size);
}

// What a read set promises (embeddings.h).
void checkPromises(const data::EmbeddingSet& set)
{
    if (set.classCount < data::kMinClasses || set.classCount > data::kMaxClasses ||
        static_cast<int>(set.classNames.size()) != set.classCount || set.featureDim < 1)
        fuzz::finding("class count " + std::to_string(set.classCount) + ", " +
                      std::to_string(set.classNames.size()) + " names, feature dimension " +
                      std::to_string(set.featureDim));
    std::vector<std::int64_t> rows; // train's, then validation's
    const auto trainCount = static_cast<std::size_t>(set.train.count());
    for (const data::EmbeddingSplit* s : {&set.train, &set.validation}) {
        const auto n = static_cast<Eigen::Index>(s->count());
        if (s->features.rows() != n || s->features.cols() != set.featureDim ||
            s->rows.size() != s->labels.size())
            fuzz::finding("a split's features or rows do not match its labels");
        if (set.scores == data::EmbeddingScores::None
                ? s->scores.size() != 0
                : s->scores.rows() != n || s->scores.cols() != set.classCount)
            fuzz::finding("a split's scores do not match its labels");
        const std::size_t imageBytes = static_cast<std::size_t>(s->count()) *
                                       static_cast<std::size_t>(set.imageShape.values());
        if (set.hasImages ? s->images.size() != imageBytes : !s->images.empty())
            fuzz::finding("a split's images do not match its labels");
        for (const data::ClassLabel l : s->labels)
            if (l >= set.classCount)
                fuzz::finding("label " + std::to_string(l) + " of " +
                              std::to_string(set.classCount) + " classes");
        for (Eigen::Index i = 0; i < s->features.size(); ++i)
            if (!std::isfinite(s->features.data()[i]))
                fuzz::finding("a feature is not finite");
        if (set.scores == data::EmbeddingScores::Probabilities)
            for (Eigen::Index i = 0; i < s->scores.size(); ++i)
                if (!(s->scores.data()[i] >= 0.0f && s->scores.data()[i] <= 1.0f))
                    fuzz::finding("a probability outside 0 to 1");
        for (const data::MetadataColumn& c : set.metadata.columns)
            if (c.values(s == &set.validation).size() != s->labels.size())
                fuzz::finding("metadata column " + c.name + " does not match its split");
        rows.insert(rows.end(), s->rows.begin(), s->rows.end());
    }
    // Both splits together hold every row once, each in file order.
    std::vector<bool> seen(rows.size(), false);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::int64_t r = rows[i];
        if (r < 0 || r >= static_cast<std::int64_t>(rows.size()) ||
            seen[static_cast<std::size_t>(r)])
            fuzz::finding("row " + std::to_string(r) + " is out of range or appears twice");
        seen[static_cast<std::size_t>(r)] = true;
        if (i != 0 && i != trainCount && rows[i - 1] >= r)
            fuzz::finding("rows out of file order");
    }
}

void readInput(const fuzz::ModeAndBytes& in)
{
    const int fuzzed = (in.mode & 0x07) % 6;
    writeFolder(in, fuzzed);
    try {
        checkPromises(data::readEmbeddings(folder()));
    } catch (const data::DataError&) {
        // The reader's answer to a bad folder.
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(readInput)
