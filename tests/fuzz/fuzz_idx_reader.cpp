// libFuzzer harness for the IDX reader (core/data/idx_reader), plain and gzip.
//
// Input: one mode byte, then file bytes.
//   mode < 0x80: the rest is one file, read with readIdx (any shape).
//   mode ≥ 0x80: the next two bytes (big-endian) say where the rest splits
//     into an images file and a labels file, read with readIdxImagesAndLabels
//     and 1 + (mode & 0x0F) classes, which reaches the count, empty-set and
//     label-range checks.
// A DataError is the expected answer to a bad file; anything else escaping,
// a crash, a sanitizer report, or an allocation above what the file can
// justify (checked below and by -malloc_limit_mb in scripts/fuzz) is a finding.

#include "core/data/idx_reader.h"
#include "fuzz_files.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace
{

// gzip's best case (zlib's technical notes), as in idx_reader.cpp.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

void checkJustified(const mnistx::data::IdxArray& array, std::size_t fileBytes)
{
    if (array.data.size() > kMaxDeflateRatio * fileBytes)
        mnistx::fuzz::finding("readIdx returned " + std::to_string(array.data.size()) +
                              " bytes from a " + std::to_string(fileBytes) + "-byte file");
}

} // namespace

namespace
{

void readInput(const mnistx::fuzz::ModeAndBytes& in)
{
    using namespace mnistx;
    try {
        if (in.mode < 0x80) {
            const std::string path = fuzz::writeScratch("file", in.data, in.size);
            checkJustified(data::readIdx(path), in.size);
        } else {
            if (in.size < 2)
                return;
            const std::size_t split =
                std::min<std::size_t>((in.data[0] << 8) | in.data[1], in.size - 2);
            const std::string images = fuzz::writeScratch("images", in.data + 2, split);
            const std::string labels =
                fuzz::writeScratch("labels", in.data + 2 + split, in.size - 2 - split);
            const data::Dataset set =
                data::readIdxImagesAndLabels(images, labels, 1 + (in.mode & 0x0F));
            // What a Dataset promises its users (the map, the gallery).
            if (set.count < 1 || set.rows < 1 || set.cols < 1 ||
                set.images.size() != static_cast<std::size_t>(set.count) * set.valuesPerImage() ||
                set.labels.size() != static_cast<std::size_t>(set.count) ||
                std::any_of(set.labels.begin(), set.labels.end(),
                            [&](std::uint8_t l) { return l >= set.classCount; }))
                fuzz::finding("readIdxImagesAndLabels broke a promise of Dataset");
        }
    } catch (const data::DataError&) {
        // The reader's answer to a bad file.
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(readInput)
