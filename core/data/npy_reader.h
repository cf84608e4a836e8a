#pragma once
// Reader for NumPy's .npy files (format versions 1.0, 2.0 and 3.0, as
// numpy.save writes them): a magic string, a version, a Python dict literal
// naming the element type, the memory order and the shape, then the payload.
// Numbers in little-endian byte order, arrays in C order only; anything else
// is refused with the reason and the way to save it as expected.
//
// Every function here may be called from any thread; they share no state.
// Every failure a file can cause throws DataError naming the file. The shape
// is checked against the file's size before anything is allocated.

#include "core/data/data_files.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mnistx::data
{

enum class NpyType {
    Bool,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float16,
    Float32,
    Float64
};

// "uint8", "float32": NumPy's own name for the type.
const char* npyTypeName(NpyType type);
bool isIntegerType(NpyType type);
bool isFloatType(NpyType type);

// What the header of a .npy file says.
struct NpyHeader {
    NpyType type = NpyType::UInt8;
    int itemBytes = 1;
    std::vector<std::int64_t> shape; // empty: a scalar
    std::uint64_t dataOffset = 0;    // where the payload starts in the file
    std::int64_t elementCount() const;
    std::uint64_t payloadBytes() const
    {
        return static_cast<std::uint64_t>(elementCount()) * itemBytes;
    }
    // "60000×28×28".
    std::string shapeText() const;
};

// A whole .npy file: its header and the payload as stored (little-endian).
struct NpyArray {
    NpyHeader header;
    std::vector<std::uint8_t> bytes;
};

// Parses the header of the file at `path` (reads only the header). Throws
// DataError on a missing file, a bad magic or version, a header that is not
// the dict numpy writes, a big-endian or structured type, Fortran order, a
// negative dimension, or a shape whose payload is not what the file holds.
NpyHeader readNpyHeader(const std::string& path);

// Reads the whole file (readNpyHeader's checks, then the payload).
NpyArray readNpy(const std::string& path);

// Opens the file of `header` (from readNpyHeader) at the start of its
// payload, for readers that put the payload straight where it belongs or
// convert it piece by piece instead of holding it whole. Throws DataError
// when the file has changed size since the header was read.
FilePtr openNpyPayload(const std::string& path, const NpyHeader& header);

// Parses a header held in memory: `file` is the start of a file of
// `fileBytes` bytes (at least the header). For the fuzz target and for
// callers that already read the file.
NpyHeader parseNpyHeader(const std::uint8_t* file, std::size_t available, std::uint64_t fileBytes,
                         const std::string& path);

// Writing: the header of a format-1.0 file holding `dict` (a Python dict
// literal): magic, version, length, the dict padded with spaces and ending in
// a newline so that the payload starts on a 64-byte boundary, as numpy does.
std::string npyHeader(const std::string& dict);
// The dict numpy writes for a C-order array of element type `descr`
// ("<f4", "|u1", "<i8") and `shape`.
std::string npyDict(const std::string& descr, const std::vector<std::int64_t>& shape);

// The elements as 64-bit integers, for labels: any integer type (bool is
// refused). Throws DataError naming the path otherwise.
// firstIndex: the index in the file of the array's first element, when
// `array` holds a piece of the file's payload (messages name the file's index).
std::vector<std::int64_t> npyIntegers(const NpyArray& array, const std::string& path,
                                      std::int64_t firstIndex = 0);

// An IEEE half-precision value (float16's bits) as a float, exactly: every
// half is a float. Subnormals become normal floats, infinities stay infinite,
// NaN stays NaN.
float halfToFloat(std::uint16_t bits);

// Images as bytes 0..255: uint8 as stored; float32 or float64 in [0, 1]
// scaled by 255 and rounded (exact for images saved as uint8 / 255). A float
// outside [0, 1] or NaN throws DataError naming its index and value; any
// other type throws too.
// maxRoundingError (optional): the largest |value − byte/255| seen (0 for
// uint8 and for floats that were bytes / 255).
std::vector<std::uint8_t> npyImageBytes(const NpyArray& array, const std::string& path,
                                        double* maxRoundingError = nullptr);
// The same, taking uint8 payloads over without a copy.
std::vector<std::uint8_t> npyImageBytes(NpyArray&& array, const std::string& path,
                                        double* maxRoundingError = nullptr);

} // namespace mnistx::data
