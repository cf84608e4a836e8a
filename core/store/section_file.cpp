#include "core/store/section_file.h"

#include "core/store/file_io.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <limits>
#include <zlib.h>

namespace mnistx::store
{

namespace
{

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

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw StoreError(path + ": " + problem);
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

} // namespace

void writeSectionFile(const std::string& path, std::uint32_t version,
                      const std::vector<Section>& sections)
{
    std::string header;
    header.append(kMagic.data(), kMagic.size());
    putLe<std::uint32_t>(header, version);
    putLe<std::uint32_t>(header, static_cast<std::uint32_t>(sections.size()));
    std::uint64_t offset = alignUp(kPreambleBytes + sections.size() * kTableEntryBytes + 4);
    std::vector<std::uint64_t> offsets;
    for (const Section& s : sections) {
        assert(!s.name.empty() &&
               s.name.size() <= kNameBytes); // "validation.probabilities" fills it exactly
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
    writeFileAtomically(path, pieces);
}

SectionFile SectionFile::read(const std::string& path, std::uint32_t version)
{
    SectionFile file;
    file.m_path = path;
    file.m_bytes = readWholeFile(path);
    const std::vector<unsigned char>& bytes = file.m_bytes;

    const std::uint64_t fileSize = bytes.size();
    if (fileSize == 0)
        fail(path, "the file is empty");
    const std::size_t magicBytes = std::min<std::size_t>(kMagic.size(), bytes.size());
    if (std::memcmp(bytes.data(), kMagic.data(), magicBytes) != 0)
        fail(path, "not an MNIST Explorer run (wrong magic bytes)");
    if (fileSize < kPreambleBytes)
        fail(path, "the file is truncated (" + std::to_string(fileSize) + " bytes)");
    const auto fileVersion = getLe<std::uint32_t>(bytes.data() + 8);
    if (fileVersion != version)
        fail(path, "format version " + std::to_string(fileVersion) + ", this build reads " +
                       std::to_string(version));
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
    for (const Entry& entry : entries) {
        const unsigned char* data = bytes.data() + entry.offset;
        if (crcOf(data, entry.size) != entry.crc)
            fail(path, "section '" + entry.name + "' is damaged (checksum mismatch)");
        file.m_sections.emplace_back(entry.name, Bytes{data, entry.size});
    }
    return file;
}

bool SectionFile::has(const std::string& name) const
{
    for (const auto& entry : m_sections)
        if (entry.first == name)
            return true;
    return false;
}

SectionFile::Bytes SectionFile::section(const std::string& name) const
{
    for (const auto& [sectionName, bytes] : m_sections)
        if (sectionName == name)
            return bytes;
    fail(m_path, "section '" + name + "' is missing");
}

} // namespace mnistx::store
