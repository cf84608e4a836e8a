#include "core/model/torchscript_archive.h"

#include "core/model/model_error.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace mnistx::model
{

namespace
{

// The zip format (PKWARE APPNOTE 6.3): an end-of-central-directory record
// within the last 64 KiB, pointing at the central directory, whose entries
// point at each file's local header. Zip64 records stand in when a field
// holds 0xFFFF… (archives over 4 GiB, which PyTorch writes for big models).
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64EndOfDirectory = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::uint16_t kZip64Extra = 0x0001;
// More entries than any model archive holds (a big model has thousands);
// a directory claiming more is damaged.
constexpr std::uint64_t kMaxEntries = 1'000'000;

class Reader
{
public:
    Reader(std::string_view bytes, const std::string& source) : m_bytes(bytes), m_source(source) {}

    bool fits(std::uint64_t offset, std::uint64_t size) const
    {
        return offset <= m_bytes.size() && size <= m_bytes.size() - offset;
    }
    std::uint64_t le(std::uint64_t offset, int size) const
    {
        if (!fits(offset, static_cast<std::uint64_t>(size)))
            damaged("a record runs past the end of the file");
        std::uint64_t v = 0;
        for (int i = size - 1; i >= 0; --i)
            v = (v << 8) |
                static_cast<unsigned char>(m_bytes[offset + static_cast<std::uint64_t>(i)]);
        return v;
    }
    std::string_view slice(std::uint64_t offset, std::uint64_t size) const
    {
        if (!fits(offset, size))
            damaged("a record runs past the end of the file");
        return m_bytes.substr(offset, size);
    }
    [[noreturn]] void damaged(const std::string& why) const
    {
        throw ModelError(m_source + ": a damaged zip archive (" + why +
                         "); save the model again with torch.jit.save");
    }
    std::uint64_t size() const { return m_bytes.size(); }

private:
    std::string_view m_bytes;
    const std::string& m_source;
};

struct Directory {
    std::uint64_t entries = 0;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

Directory findDirectory(const Reader& in)
{
    const std::uint64_t n = in.size();
    if (n < 22)
        in.damaged("no end-of-directory record");
    const std::uint64_t lowest = n > 22 + 65535 ? n - 22 - 65535 : 0;
    for (std::uint64_t at = n - 22;; --at) {
        if (in.le(at, 4) == kEndOfDirectory) {
            Directory d{in.le(at + 10, 2), in.le(at + 16, 4), in.le(at + 12, 4)};
            if ((d.entries == 0xFFFF || d.offset == 0xFFFFFFFF || d.size == 0xFFFFFFFF) &&
                at >= 20 && in.le(at - 20, 4) == kZip64Locator) {
                const std::uint64_t z = in.le(at - 20 + 8, 8);
                if (in.le(z, 4) != kZip64EndOfDirectory)
                    in.damaged("a zip64 locator points at no zip64 record");
                d = {in.le(z + 32, 8), in.le(z + 48, 8), in.le(z + 40, 8)};
            }
            if (!in.fits(d.offset, d.size))
                in.damaged("the directory lies outside the file");
            if (d.entries > kMaxEntries)
                in.damaged("the directory claims " + std::to_string(d.entries) + " entries");
            return d;
        }
        if (at == lowest)
            break;
    }
    in.damaged("no end-of-directory record");
}

struct Entry {
    std::string name;
    std::uint16_t method = 0;
    std::uint64_t compressedSize = 0;
    std::uint64_t localOffset = 0;
};

std::vector<Entry> readDirectory(const Reader& in, const Directory& d)
{
    std::vector<Entry> entries;
    std::uint64_t at = d.offset;
    const std::uint64_t end = d.offset + d.size;
    for (std::uint64_t k = 0; k < d.entries; ++k) {
        if (at + 46 > end || in.le(at, 4) != kCentralHeader)
            in.damaged("directory entry " + std::to_string(k + 1) + " is not where it should be");
        Entry e;
        e.method = static_cast<std::uint16_t>(in.le(at + 10, 2));
        e.compressedSize = in.le(at + 20, 4);
        const std::uint64_t uncompressed = in.le(at + 24, 4);
        const std::uint64_t nameLength = in.le(at + 28, 2);
        const std::uint64_t extraLength = in.le(at + 30, 2);
        const std::uint64_t commentLength = in.le(at + 32, 2);
        e.localOffset = in.le(at + 42, 4);
        e.name = std::string(in.slice(at + 46, nameLength));
        // Zip64: the 64-bit values follow in the order of the fields that
        // hold 0xFFFFFFFF (uncompressed, compressed, local offset).
        std::uint64_t extra = at + 46 + nameLength;
        const std::uint64_t extraEnd = extra + extraLength;
        while (extra + 4 <= extraEnd) {
            const std::uint64_t id = in.le(extra, 2);
            const std::uint64_t length = in.le(extra + 2, 2);
            if (id == kZip64Extra) {
                std::uint64_t field = extra + 4;
                const std::uint64_t fieldEnd = std::min(field + length, extraEnd);
                auto take = [&](std::uint64_t& value) {
                    if (value == 0xFFFFFFFF && field + 8 <= fieldEnd) {
                        value = in.le(field, 8);
                        field += 8;
                    }
                };
                std::uint64_t u = uncompressed;
                take(u);
                take(e.compressedSize);
                take(e.localOffset);
            }
            extra += 4 + length;
        }
        at = extraEnd + commentLength;
        if (at > end)
            in.damaged("directory entry " + std::to_string(k + 1) + " runs past the directory");
        entries.push_back(std::move(e));
    }
    return entries;
}

// The stored (uncompressed) bytes of `e`, or nothing when it is compressed.
std::optional<std::string_view> storedBytes(const Reader& in, const Entry& e)
{
    if (e.method != 0 || in.le(e.localOffset, 4) != kLocalHeader)
        return std::nullopt;
    const std::uint64_t nameLength = in.le(e.localOffset + 26, 2);
    const std::uint64_t extraLength = in.le(e.localOffset + 28, 2);
    return in.slice(e.localOffset + 30 + nameLength + extraLength, e.compressedSize);
}

long long parseVersion(std::string_view text)
{
    long long v = 0;
    std::size_t digits = 0;
    for (const char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0)
            break;
        if (++digits > 12)
            return 0;
        v = v * 10 + (c - '0');
    }
    return digits > 0 ? v : 0;
}

std::string pickleMessage(const std::string& source, const std::string& what)
{
    return source + ": " + what +
           ", not a TorchScript archive. Unpickling can run arbitrary code, so the app reads "
           "TorchScript only; in Python, save the model as TorchScript:\n" +
           kTorchScriptRecipe;
}

} // namespace

TorchScriptArchive inspectTorchScriptArchive(std::string_view bytes, const std::string& source,
                                             long long maxFormatVersion,
                                             const std::string& readerName)
{
    if (bytes.empty())
        throw ModelError(source + ": the file is empty");
    // Pickle protocol 2+ starts with PROTO (0x80) and the protocol number:
    // what torch.save wrote before PyTorch 1.6 (and with
    // _use_new_zipfile_serialization=False).
    if (static_cast<unsigned char>(bytes[0]) == 0x80 && bytes.size() > 1 &&
        static_cast<unsigned char>(bytes[1]) >= 2 && static_cast<unsigned char>(bytes[1]) <= 5)
        throw ModelError(pickleMessage(source, "a Python pickle (torch.save of the model)"));
    if (bytes.size() < 4 || bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4))
        throw ModelError(source +
                         ": not a TorchScript archive (a model saved with torch.jit.save is a zip "
                         "file; this one starts otherwise)");
    const Reader in(bytes, source);
    const std::vector<Entry> entries = readDirectory(in, findDirectory(in));
    if (entries.empty())
        in.damaged("no entries");

    TorchScriptArchive archive;
    archive.entryCount = static_cast<long long>(entries.size());
    archive.prefix = entries.front().name.substr(0, entries.front().name.find('/'));
    const std::string top = archive.prefix + "/";
    bool hasCode = false, hasPickledData = false;
    const Entry* version = nullptr;
    for (const Entry& e : entries) {
        if (e.name.compare(0, top.size(), top) != 0)
            continue;
        const std::string_view rest = std::string_view(e.name).substr(top.size());
        if (rest.substr(0, 5) == "code/" || rest == "constants.pkl")
            hasCode = true;
        else if (rest == "data.pkl")
            hasPickledData = true;
        else if (rest == "version" || (rest == ".data/version" && !version))
            version = &e;
    }
    if (!hasCode) {
        if (hasPickledData)
            throw ModelError(pickleMessage(
                source, "a pickled Python module (torch.save of the model, PyTorch 1.6 or later)"));
        throw ModelError(source +
                         ": a zip file, but not a TorchScript archive (no code/ or constants.pkl "
                         "under " +
                         top + "); save the model with:\n" + kTorchScriptRecipe);
    }
    if (version) {
        if (const auto text = storedBytes(in, *version))
            archive.formatVersion = parseVersion(*text);
    }
    if (archive.formatVersion > maxFormatVersion)
        throw ModelError(
            source + ": saved in TorchScript file format " + std::to_string(archive.formatVersion) +
            " by a newer PyTorch; " + readerName + " reads formats up to " +
            std::to_string(maxFormatVersion) +
            ". Save it again with torch.jit.save from PyTorch 1.13 or older, or export "
            "its outputs as .npy files and open them with --embeddings");
    return archive;
}

} // namespace mnistx::model
