// libFuzzer harness for the run-store loader (core/store/run_store, and the
// JSON parser its metadata goes through).
//
// Input: one mode byte, then the bytes of a run.bin.
//   mode bit 0 set: before writing, the harness recomputes the header and
//     section checksums wherever the table allows, so mutations reach the
//     section bounds, the metadata JSON and the size checks behind them
//     instead of stopping at "checksum mismatch".
// loadRun must either throw StoreError or return a run that saves, loads
// back equal field for field, and saves again to the same bytes. Anything
// else (another exception, a crash, a sanitizer report, an allocation the
// file cannot justify: -malloc_limit_mb in scripts/fuzz) is a finding.

#include "../common/synthetic_run.h"
#include "core/store/run_store.h"
#include "fuzz_files.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <zlib.h>

namespace
{

// The layout documented in section_file.h.
constexpr std::size_t kPreambleBytes = 16;
constexpr std::size_t kTableEntryBytes = 48;
constexpr std::size_t kNameBytes = 24;
constexpr std::uint32_t kMaxSections = 4096;

template <typename T> T getLe(const std::uint8_t* p)
{
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

template <typename T> void putLe(std::uint8_t* p, T value)
{
    std::memcpy(p, &value, sizeof(T));
}

std::uint32_t crcOf(const std::uint8_t* data, std::uint64_t size)
{
    return static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), data, size));
}

void repairChecksums(std::vector<std::uint8_t>& bytes)
{
    if (bytes.size() < kPreambleBytes)
        return;
    const auto count = getLe<std::uint32_t>(bytes.data() + 12);
    if (count > kMaxSections)
        return;
    const std::uint64_t tableEnd = kPreambleBytes + std::uint64_t{count} * kTableEntryBytes;
    if (bytes.size() < tableEnd + 4)
        return;
    for (std::uint32_t k = 0; k < count; ++k) {
        std::uint8_t* e = bytes.data() + kPreambleBytes + std::size_t{k} * kTableEntryBytes;
        const auto offset = getLe<std::uint64_t>(e + kNameBytes);
        const auto size = getLe<std::uint64_t>(e + kNameBytes + 8);
        if (offset <= bytes.size() && size <= bytes.size() - offset)
            putLe<std::uint32_t>(e + kNameBytes + 16, crcOf(bytes.data() + offset, size));
    }
    putLe<std::uint32_t>(bytes.data() + tableEnd, crcOf(bytes.data(), tableEnd));
}

std::string fileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

namespace
{

void loadInput(const mnistx::fuzz::ModeAndBytes& in)
{
    using namespace mnistx;
    std::vector<std::uint8_t> bytes(in.data, in.data + in.size);
    if (in.mode & 1)
        repairChecksums(bytes);

    const std::string folder = fuzz::scratchFolder() + "/run";
    const std::string copyFolder = fuzz::scratchFolder() + "/copy";
    static const bool made = std::filesystem::create_directories(folder);
    (void)made;
    fuzz::writeScratch("run/run.bin", bytes.data(), bytes.size());

    store::RunData run;
    try {
        run = store::loadRun(folder);
    } catch (const store::StoreError&) {
        return; // the loader's answer to a damaged store
    }

    // A run that loads is a run the app will show and may save again.
    try {
        store::saveRun(run, copyFolder);
        const store::RunData again = store::loadRun(copyFolder);
        const std::string difference = test::runDifference(run, again);
        if (!difference.empty())
            fuzz::finding("a loaded run does not survive save + load: " + difference);
        const std::string first = fileBytes(copyFolder + "/run.bin");
        store::saveRun(again, copyFolder);
        if (fileBytes(copyFolder + "/run.bin") != first)
            fuzz::finding("saving the same run twice gives different bytes");
    } catch (const std::exception& e) {
        fuzz::finding(std::string("a loaded run cannot be saved and loaded again: ") + e.what());
    }
}

} // namespace

MNISTX_FUZZ_WITH_MODE(loadInput)
