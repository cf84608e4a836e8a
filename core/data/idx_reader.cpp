#include "core/data/idx_reader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <zlib.h>

namespace mnistx::data
{
namespace
{

namespace fs = std::filesystem;

// Deflate's best case is a 258-byte match coded in about two bits, which
// bounds any gzip file's uncompressed size at 1032 × its compressed size
// (zlib's technical notes). A header claiming more cannot be honest.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Compressed bytes fed to zlib per fread: large enough that the per-call cost
// vanishes, small enough to stay in cache.
constexpr std::size_t kGzipInputChunk = 256 * 1024;

constexpr std::uint8_t kUnsignedByteType = 0x08;

// What the caller expects the file to be; decides the dimension count and the
// words used in messages.
enum class IdxKind { Any, Images, Labels };

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    failData(path, problem);
}

std::string hex32(std::uint32_t value)
{
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "0x%08X", static_cast<unsigned>(value));
    return text.data();
}

std::string hex8(std::uint8_t value)
{
    std::array<char, 8> text{};
    std::snprintf(text.data(), text.size(), "0x%02X", static_cast<unsigned>(value));
    return text.data();
}

const char* elementTypeName(std::uint8_t type)
{
    switch (type) {
    case 0x08:
        return "unsigned byte";
    case 0x09:
        return "signed byte";
    case 0x0B:
        return "16-bit integer";
    case 0x0C:
        return "32-bit integer";
    case 0x0D:
        return "32-bit float";
    case 0x0E:
        return "64-bit float";
    default:
        return "not an IDX type";
    }
}

int expectedDimCount(IdxKind kind)
{
    switch (kind) {
    case IdxKind::Images:
        return 3;
    case IdxKind::Labels:
        return 1;
    case IdxKind::Any:
        break;
    }
    return 0;
}

const char* kindName(IdxKind kind)
{
    switch (kind) {
    case IdxKind::Images:
        return "an images file";
    case IdxKind::Labels:
        return "a labels file";
    case IdxKind::Any:
        break;
    }
    return "an IDX file";
}

std::string joinDims(const std::vector<std::uint32_t>& dims)
{
    std::string text;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i > 0)
            text += "×";
        text += std::to_string(dims[i]);
    }
    return text;
}

// "3×2×2 = 12 bytes of pixels", "10 labels", "4×5 = 20 bytes of data".
std::string describeClaim(const std::vector<std::uint32_t>& dims, std::uint64_t bytes, IdxKind kind)
{
    if (kind == IdxKind::Labels)
        return std::to_string(bytes) + " labels";
    std::string text = joinDims(dims);
    if (dims.size() > 1)
        text += " = " + std::to_string(bytes);
    return text + (kind == IdxKind::Images ? " bytes of pixels" : " bytes of data");
}

// Plain IDX bytes straight from the file.
class RawSource
{
public:
    RawSource(const std::string& path, std::FILE* file) : m_path(path), m_file(file) {}

    // Reads up to n bytes; fewer only at the end of the file.
    std::size_t read(std::uint8_t* dst, std::size_t n)
    {
        const std::size_t got = std::fread(dst, 1, n, m_file);
        if (got < n && std::ferror(m_file))
            fail(m_path, "read failed: " + errnoMessage(errno));
        return got;
    }

private:
    const std::string& m_path;
    std::FILE* m_file;
};

// IDX bytes decompressed from a gzip file as they are asked for, so the
// header can be checked before the payload is allocated.
class GzipSource
{
public:
    GzipSource(const std::string& path, std::FILE* file)
        : m_path(path), m_file(file), m_input(kGzipInputChunk)
    {
        // 15: the largest window, which any gzip stream may use; +16: accept
        // the gzip wrapper only (not raw deflate or zlib), so CRC and length are checked.
        const int rc = inflateInit2(&m_stream, 15 + 16);
        if (rc != Z_OK)
            fail(m_path, std::string("cannot start gzip decompression: ") + zError(rc));
    }
    ~GzipSource() { inflateEnd(&m_stream); }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;

    // Decompresses up to n bytes; fewer only when the gzip stream ended
    // properly (CRC and length verified). A cut or damaged stream throws.
    std::size_t read(std::uint8_t* dst, std::size_t n)
    {
        std::size_t got = 0;
        while (got < n && !m_ended) {
            if (m_stream.avail_in == 0)
                refill();
            const auto room = static_cast<uInt>(std::min<std::size_t>(n - got, UINT_MAX));
            m_stream.next_out = dst + got;
            m_stream.avail_out = room;
            const int rc = inflate(&m_stream, Z_NO_FLUSH);
            got += room - m_stream.avail_out;
            m_produced += room - m_stream.avail_out;
            if (rc == Z_STREAM_END) {
                nextMemberOrEnd();
            } else if (rc == Z_BUF_ERROR) {
                // No progress possible: inflate wants input the file no longer has.
                if (m_stream.avail_in == 0 && m_atEof)
                    fail(m_path, "truncated gzip: the compressed data stops after " +
                                     std::to_string(m_produced) +
                                     " decompressed bytes, before the gzip stream is complete");
                fail(m_path, "gzip data is corrupt: decompression made no progress");
            } else if (rc == Z_MEM_ERROR) {
                fail(m_path, "out of memory while decompressing the gzip data");
            } else if (rc != Z_OK) {
                fail(m_path, std::string("gzip data is corrupt: ") +
                                 (m_stream.msg ? m_stream.msg : zError(rc)));
            }
        }
        return got;
    }

private:
    void refill()
    {
        if (m_atEof)
            return;
        const std::size_t got = std::fread(m_input.data(), 1, m_input.size(), m_file);
        if (got < m_input.size()) {
            if (std::ferror(m_file))
                fail(m_path, "read failed: " + errnoMessage(errno));
            m_atEof = true;
        }
        m_stream.next_in = m_input.data();
        m_stream.avail_in = static_cast<uInt>(got);
    }

    // gzip allows several members back to back (what `cat a.gz b.gz` makes);
    // anything else after the stream is ignored, as gzip itself does.
    void nextMemberOrEnd()
    {
        if (m_stream.avail_in < 2)
            refillKeepingTail();
        if (m_stream.avail_in >= 2 && m_stream.next_in[0] == 0x1f && m_stream.next_in[1] == 0x8b) {
            inflateReset(&m_stream);
            return;
        }
        m_ended = true;
    }

    // Makes sure at least two bytes of input are visible, unless the file ends.
    void refillKeepingTail()
    {
        if (m_atEof)
            return;
        const std::size_t kept = m_stream.avail_in;
        std::copy_n(m_stream.next_in, kept, m_input.data());
        const std::size_t got = std::fread(m_input.data() + kept, 1, m_input.size() - kept, m_file);
        if (got < m_input.size() - kept) {
            if (std::ferror(m_file))
                fail(m_path, "read failed: " + errnoMessage(errno));
            m_atEof = true;
        }
        m_stream.next_in = m_input.data();
        m_stream.avail_in = static_cast<uInt>(kept + got);
    }

    const std::string& m_path;
    std::FILE* m_file;
    std::vector<std::uint8_t> m_input;
    z_stream m_stream{};
    bool m_atEof = false;
    bool m_ended = false;
    std::uint64_t m_produced = 0;
};

struct IdxHeader {
    std::vector<std::uint32_t> dims;
    std::uint64_t payloadBytes = 0;
};

template <typename Source>
IdxHeader readHeader(const std::string& path, IdxKind kind, Source& source)
{
    std::array<std::uint8_t, 4> magicBytes{};
    const std::size_t got = source.read(magicBytes.data(), magicBytes.size());
    if (got == 0)
        fail(path, "file is empty");
    if (got < magicBytes.size())
        fail(path, "file is too short to be an IDX file: " + std::to_string(got) +
                       " bytes, while the magic number alone takes 4");
    const std::uint32_t magic = (std::uint32_t{magicBytes[0]} << 24) |
                                (std::uint32_t{magicBytes[1]} << 16) |
                                (std::uint32_t{magicBytes[2]} << 8) | magicBytes[3];
    const int wantDims = expectedDimCount(kind);
    if (magicBytes[0] != 0 || magicBytes[1] != 0) {
        const std::string expected =
            wantDims > 0 ? hex32(0x00000800u | static_cast<std::uint32_t>(wantDims)) : "0x000008NN";
        fail(path, "not an IDX file: its magic number is " + hex32(magic) + ", expected " +
                       expected + " (" + kindName(kind) + ")");
    }
    const std::uint8_t type = magicBytes[2];
    if (type != kUnsignedByteType)
        fail(path, "unsupported element type " + hex8(type) + " (" + elementTypeName(type) +
                       ") in magic number " + hex32(magic) +
                       "; only unsigned bytes (0x08) are supported");
    const int dimCount = magicBytes[3];
    if (dimCount == 0)
        fail(path,
             "magic number " + hex32(magic) + " gives 0 dimensions; an IDX file needs at least 1");
    // Images: count × rows × cols (idx3), or × channels as well (idx4).
    const bool imagesWithChannels = kind == IdxKind::Images && dimCount == 4;
    if (wantDims > 0 && dimCount != wantDims && !imagesWithChannels) {
        const bool swapped = (kind == IdxKind::Images && dimCount == 1) ||
                             (kind == IdxKind::Labels && dimCount == 3);
        fail(path, "wrong dimension count: magic number " + hex32(magic) + " gives " +
                       std::to_string(dimCount) + ", but " + kindName(kind) + " needs " +
                       std::to_string(wantDims) + " (magic number " +
                       hex32(0x00000800u | static_cast<std::uint32_t>(wantDims)) + ")" +
                       (swapped ? "; were the images and labels files swapped?" : ""));
    }

    // At most 255 dimensions, so this allocation is bounded by the format.
    std::vector<std::uint8_t> dimBytes(static_cast<std::size_t>(dimCount) * 4);
    const std::size_t gotDims = source.read(dimBytes.data(), dimBytes.size());
    if (gotDims < dimBytes.size())
        fail(path, "file ends inside the header: " + std::to_string(dimCount) +
                       " dimensions need " + std::to_string(dimBytes.size()) +
                       " bytes after the magic number, only " + std::to_string(gotDims) +
                       " are there");

    IdxHeader header;
    header.dims.resize(static_cast<std::size_t>(dimCount));
    for (std::size_t i = 0; i < header.dims.size(); ++i) {
        const std::uint8_t* b = dimBytes.data() + i * 4;
        header.dims[i] = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                         (std::uint32_t{b[2]} << 8) | b[3];
    }

    // The first dimension is the item count and may be 0 (an empty set, reported
    // by the caller); the item shape may not be empty when there are items.
    const bool zeroShape =
        std::find(header.dims.begin() + 1, header.dims.end(), 0u) != header.dims.end();
    if (header.dims[0] > 0 && zeroShape) {
        if (kind == IdxKind::Images)
            fail(path, "invalid rows/cols: the header gives " + std::to_string(header.dims[0]) +
                           " images of " + std::to_string(header.dims[1]) + "×" +
                           std::to_string(header.dims[2]) +
                           " pixels; rows and columns must both be at least 1");
        fail(path, "invalid size " + joinDims(header.dims) +
                       ": only the first dimension (the count) may be 0");
    }

    std::uint64_t bytes = 1;
    for (const std::uint32_t d : header.dims) {
        if (d != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / d)
            fail(path, "header claims " + joinDims(header.dims) +
                           (kind == IdxKind::Images ? " bytes of pixels" : " bytes of data") +
                           ", more than any file can hold");
        bytes *= d;
    }
    header.payloadBytes = bytes;

    if (kind == IdxKind::Images) {
        const std::uint64_t valuesPerImage = header.payloadBytes / std::max(1u, header.dims[0]);
        if (header.dims[0] > static_cast<std::uint32_t>(INT_MAX) || valuesPerImage > INT_MAX)
            fail(path, "header claims " + joinDims(header.dims) +
                           " pixels; this app handles at most " + std::to_string(INT_MAX) +
                           " images of at most " + std::to_string(INT_MAX) + " pixels each");
    }
    return header;
}

std::vector<std::uint8_t> allocatePayload(const std::string& path, std::uint64_t bytes)
{
    if (bytes > std::vector<std::uint8_t>().max_size())
        fail(path, "header claims " + std::to_string(bytes) +
                       " bytes of data, more than this computer can address");
    return largeBuffer(static_cast<std::size_t>(bytes));
}

IdxArray readRaw(const std::string& path, IdxKind kind, std::FILE* file, std::uint64_t fileSize)
{
    RawSource source(path, file);
    IdxHeader header = readHeader(path, kind, source);
    const std::uint64_t headerBytes = 4 + 4 * std::uint64_t{header.dims.size()};
    // readHeader got headerBytes from the file, so only a file shrinking meanwhile makes this 0.
    const std::uint64_t available = fileSize > headerBytes ? fileSize - headerBytes : 0;
    const std::string claim = describeClaim(header.dims, header.payloadBytes, kind);
    if (available < header.payloadBytes)
        fail(path, "header claims " + claim + " but the file holds only " +
                       std::to_string(available) + ": it is truncated");
    if (available > header.payloadBytes)
        fail(path, "header claims " + claim + " but the file holds " + std::to_string(available) +
                       ": " + std::to_string(available - header.payloadBytes) +
                       " trailing bytes that belong to no image or label");

    IdxArray result;
    result.dims = std::move(header.dims);
    result.data = allocatePayload(path, header.payloadBytes);
    // One read for the whole payload: 47 MB of MNIST pixels arrive in one call.
    const std::size_t got = source.read(result.data.data(), result.data.size());
    if (got < result.data.size())
        fail(path, "file ended after " + std::to_string(got) + " of " +
                       std::to_string(result.data.size()) +
                       " bytes of data; was it changed while being read?");
    return result;
}

IdxArray readGzip(const std::string& path, IdxKind kind, std::FILE* file, std::uint64_t fileSize)
{
    GzipSource source(path, file);
    IdxHeader header = readHeader(path, kind, source);
    const std::string claim = describeClaim(header.dims, header.payloadBytes, kind);
    const bool boundFits = fileSize <= std::numeric_limits<std::uint64_t>::max() / kMaxDeflateRatio;
    if (boundFits && header.payloadBytes > fileSize * kMaxDeflateRatio)
        fail(path, "header claims " + claim + ", more than a gzip file of " +
                       std::to_string(fileSize) + " bytes can hold");

    IdxArray result;
    result.dims = std::move(header.dims);
    result.data = allocatePayload(path, header.payloadBytes);
    const std::size_t got = source.read(result.data.data(), result.data.size());
    if (got < result.data.size())
        fail(path, "header claims " + claim + " but the gzip data holds only " +
                       std::to_string(got) + ": it is truncated");
    // Reading past the payload also runs the gzip CRC and length check.
    std::uint8_t probe = 0;
    if (source.read(&probe, 1) > 0) {
        // Decompress the rest before blaming trailing bytes: a damaged stream
        // often decodes to too much data, and its CRC then says "corrupt",
        // which is the truer message. The 1032:1 bound above limits the work.
        std::uint64_t extra = 1;
        std::vector<std::uint8_t> scratch(kGzipInputChunk);
        for (std::size_t drained = scratch.size(); drained == scratch.size();) {
            drained = source.read(scratch.data(), scratch.size());
            extra += drained;
        }
        fail(path, "header claims " + claim + " but the gzip data holds " +
                       std::to_string(header.payloadBytes + extra) + ": " + std::to_string(extra) +
                       " trailing bytes that belong to no image or label");
    }
    return result;
}

IdxArray readIdxFile(const std::string& path, IdxKind kind)
{
    std::uint64_t fileSize = 0;
    FilePtr file = openDataFile(path, "an IDX file", fileSize);
    if (fileSize == 0)
        fail(path, "file is empty");

    std::array<std::uint8_t, 2> start{};
    const std::size_t got = std::fread(start.data(), 1, start.size(), file.get());
    if (got < start.size() && std::ferror(file.get()))
        fail(path, "read failed: " + errnoMessage(errno));
    if (std::fseek(file.get(), 0, SEEK_SET) != 0)
        fail(path, "cannot seek in the file: " + errnoMessage(errno));

    // Recognised by content rather than by name: mirrors serve both
    // "x.gz" files that are already unpacked and gzip files without ".gz".
    const bool gzip = got == 2 && start[0] == 0x1f && start[1] == 0x8b;
    return gzip ? readGzip(path, kind, file.get(), fileSize)
                : readRaw(path, kind, file.get(), fileSize);
}

// One of the four MNIST files, named as in the original distribution.
struct MnistFile {
    const char* stem;   // "train-images"
    const char* format; // "idx3-ubyte"
    const char* description;
};

std::vector<std::string> candidateNames(const MnistFile& file)
{
    const std::string dash = std::string(file.stem) + "-" + file.format;
    const std::string dot = std::string(file.stem) + "." + file.format;
    return {dash, dash + ".gz", dot, dot + ".gz"};
}

std::optional<std::string> findInFolder(const std::string& folder,
                                        const std::vector<std::string>& names)
{
    for (const std::string& name : names) {
        std::error_code ec;
        const fs::path candidate = fs::path(folder) / name;
        const fs::file_status status = fs::status(candidate, ec);
        // A folder the user may not look into is not a folder without MNIST.
        if (ec == std::errc::permission_denied)
            fail(folder, "cannot look into the folder: " + ec.message());
        if (ec && ec != std::errc::no_such_file_or_directory)
            fail(candidate.string(), "cannot access the file: " + ec.message());
        if (fs::is_regular_file(status))
            return candidate.string();
    }
    return std::nullopt;
}

// The four files, training set first.
constexpr std::array<MnistFile, 4> kMnistFiles{{
    {"train-images", "idx3-ubyte", "training images"},
    {"train-labels", "idx1-ubyte", "training labels"},
    {"t10k-images", "idx3-ubyte", "test images"},
    {"t10k-labels", "idx1-ubyte", "test labels"},
}};

std::string joinNames(const std::vector<std::string>& names)
{
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i)
        text += (i > 0 ? ", " : "") + names[i];
    return text;
}

} // namespace

IdxArray readIdx(const std::string& path)
{
    return readIdxFile(path, IdxKind::Any);
}

Dataset readIdxImagesAndLabels(const std::string& imagesPath, const std::string& labelsPath,
                               int classCount)
{
    if (classCount < 1)
        throw std::invalid_argument("readIdxImagesAndLabels: classCount must be at least 1, got " +
                                    std::to_string(classCount));
    IdxArray images = readIdxFile(imagesPath, IdxKind::Images);
    IdxArray labels = readIdxFile(labelsPath, IdxKind::Labels);

    const std::uint32_t imageCount = images.dims[0];
    const std::uint32_t labelCount = labels.dims[0];
    if (imageCount != labelCount)
        throw DataError(imagesPath + " and " + labelsPath + ": images file has " +
                        std::to_string(imageCount) + " images but labels file has " +
                        std::to_string(labelCount) + " labels");
    if (imageCount == 0)
        throw DataError(imagesPath + " and " + labelsPath +
                        ": empty dataset: the files hold 0 images and 0 labels");

    const auto outOfRange = std::find_if(labels.data.begin(), labels.data.end(),
                                         [classCount](std::uint8_t l) { return l >= classCount; });
    if (outOfRange != labels.data.end()) {
        // The largest label tells a user what the file is: "up to 25" is a
        // 26-class dataset such as EMNIST letters, not a damaged MNIST file.
        const int largest = *std::max_element(labels.data.begin(), labels.data.end());
        fail(labelsPath, "label " + std::to_string(*outOfRange) + " at index " +
                             std::to_string(outOfRange - labels.data.begin()) +
                             " is out of range 0.." + std::to_string(classCount - 1) +
                             "; the labels go up to " + std::to_string(largest) +
                             ", as in a dataset of " + std::to_string(largest + 1) +
                             " classes: is this the labels file of another dataset?");
    }

    Dataset d;
    d.count = static_cast<int>(imageCount); // readHeader refuses counts above INT_MAX
    d.rows = static_cast<int>(images.dims[1]);
    d.cols = static_cast<int>(images.dims[2]);
    d.channels = images.dims.size() == 4 ? static_cast<int>(images.dims[3]) : 1;
    if (d.channels != 1 && d.channels != 3)
        fail(imagesPath, "images have " + std::to_string(d.channels) +
                             " channels; 1 (grey) or 3 (RGB) are supported");
    d.classCount = classCount;
    d.images = std::move(images.data);
    d.labels.assign(labels.data.begin(), labels.data.end());
    d.imagesPath = imagesPath;
    d.labelsPath = labelsPath;
    return d;
}

bool holdsMnistFiles(const std::string& folder)
{
    try {
        for (const MnistFile& file : kMnistFiles)
            if (!findInFolder(folder, candidateNames(file)))
                return false;
        return true;
    } catch (const DataError&) {
        return false; // a folder it may not look into
    }
}

DatasetSplits loadMnistFolder(const std::string& folder, int classCount)
{
    const auto& files = kMnistFiles;
    const std::string expected =
        "it should hold train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte "
        "and t10k-labels-idx1-ubyte, each possibly ending in .gz";
    if (folder.empty())
        throw DataError("no MNIST folder given; " + expected);

    std::error_code ec;
    const fs::file_status status = fs::status(folder, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        fail(folder, "cannot access the folder: " + ec.message());
    if (!fs::exists(status))
        fail(folder, "folder not found; " + expected);
    if (!fs::is_directory(status))
        fail(folder, "is not a folder; " + expected);

    std::array<std::string, 4> paths;
    std::string missing;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::vector<std::string> names = candidateNames(files[i]);
        if (std::optional<std::string> found = findInFolder(folder, names)) {
            paths[i] = std::move(*found);
        } else {
            missing += (missing.empty() ? "" : "; ") + std::string(files[i].description) +
                       " not found (looked for " + joinNames(names) + ")";
        }
    }
    if (!missing.empty())
        fail(folder, "MNIST files missing: " + missing);

    DatasetSplits mnist;
    mnist.train = readIdxImagesAndLabels(paths[0], paths[1], classCount);
    mnist.validation = readIdxImagesAndLabels(paths[2], paths[3], classCount);
    mnist.folder = folder;
    return mnist;
}

} // namespace mnistx::data
