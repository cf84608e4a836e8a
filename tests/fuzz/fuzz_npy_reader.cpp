// libFuzzer harness for the NumPy reader (core/data/npy_reader).
//
// Input: one mode byte, then the file's bytes, read with readNpy; then
//   mode bit 0: the elements as labels (npyIntegers),
//   mode bit 1: as image bytes (npyImageBytes),
// which reach the type checks and conversions.
// A DataError is the expected answer to a bad file; anything else escaping,
// a crash, a sanitizer report, or an array larger than the file (checked
// below and by -malloc_limit_mb in scripts/fuzz) is a finding.

#include "core/data/npy_reader.h"
#include "fuzz_files.h"

#include <cstdint>
#include <string>

namespace
{

void readInput(const mnistx::fuzz::ModeAndBytes& in)
{
    using namespace mnistx;
    const std::string path = fuzz::writeScratch("array.npy", in.data, in.size);
    try {
        const data::NpyArray array = data::readNpy(path);
        // What a read array promises: its payload is the file's rest, of the
        // size its shape and type say.
        const auto elements = static_cast<std::size_t>(array.header.elementCount());
        if (array.bytes.size() != array.header.payloadBytes() ||
            array.header.dataOffset + array.bytes.size() != in.size)
            fuzz::finding("readNpy returned " + std::to_string(array.bytes.size()) +
                          " bytes from a " + std::to_string(in.size) + "-byte file");
        if ((in.mode & 1) && data::npyIntegers(array, path).size() != elements)
            fuzz::finding("npyIntegers lost elements");
        if ((in.mode & 2) && data::npyImageBytes(array, path).size() != elements)
            fuzz::finding("npyImageBytes lost elements");
    } catch (const data::DataError&) {
        // The reader's answer to a bad file.
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(readInput)
