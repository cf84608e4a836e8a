#pragma once
// The container of run.bin: named binary sections behind a checksummed
// table (little-endian):
//   8 bytes   magic "MNXRUN01"
//   u32       format version
//   u32       section count S
//   S × 48    section table: name (24 bytes, zero-padded, not necessarily
//             zero-terminated), u64 offset from the file start, u64 size,
//             u32 crc32 (zlib) of the section bytes, u32 reserved (0)
//   u32       crc32 of everything above (magic to the end of the table)
//   sections  each at its offset, 64-byte aligned, zero padding between.
// What the sections hold is the run store's business (run_store.h).
//
// Plain functions and values, no shared state: any thread. Every failure a
// file can cause throws StoreError naming the path.

#include "core/store/store_error.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mnistx::store
{

// One section to write; data is not owned and must stay valid during the
// write. name: 1 to 24 bytes.
struct Section {
    std::string name;
    const void* data = nullptr;
    std::uint64_t size = 0;
};

// Writes the sections, in order, as a container file of this format version
// at path, atomically (writeFileAtomically).
void writeSectionFile(const std::string& path, std::uint32_t version,
                      const std::vector<Section>& sections);

// A container file read into memory whole and checked: magic, format version,
// header checksum, every section's name, bounds and checksum.
class SectionFile
{
public:
    // Bytes of one section, inside the file's buffer (valid while the
    // SectionFile lives; moving it keeps them valid).
    struct Bytes {
        const unsigned char* data = nullptr;
        std::uint64_t size = 0;
    };

    // Throws StoreError("<path>: <problem>") for a missing, unreadable,
    // truncated or damaged file, or one of another format version.
    static SectionFile read(const std::string& path, std::uint32_t version);

    // The section called name; StoreError "section '<name>' is missing" when
    // there is none. Sections a reader does not ask for are ignored.
    Bytes section(const std::string& name) const;
    // Whether there is a section called name (for optional sections).
    bool has(const std::string& name) const;
    const std::string& path() const { return m_path; }

private:
    SectionFile() = default;

    std::string m_path;
    std::vector<unsigned char> m_bytes;
    std::vector<std::pair<std::string, Bytes>> m_sections;
};

} // namespace mnistx::store
