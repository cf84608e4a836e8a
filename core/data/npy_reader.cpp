#include "core/data/npy_reader.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

namespace mnistx::data
{
namespace
{

constexpr std::array<std::uint8_t, 6> kMagic{0x93, 'N', 'U', 'M', 'P', 'Y'};
// numpy itself refuses headers above 10,000 bytes unless told otherwise; a
// header far beyond that is not one numpy wrote.
constexpr std::uint32_t kMaxHeaderBytes = 1u << 20;

struct TypeInfo {
    char code;
    int bytes;
    NpyType type;
};

constexpr std::array<TypeInfo, 12> kTypes{{
    {'b', 1, NpyType::Bool},
    {'i', 1, NpyType::Int8},
    {'u', 1, NpyType::UInt8},
    {'i', 2, NpyType::Int16},
    {'u', 2, NpyType::UInt16},
    {'i', 4, NpyType::Int32},
    {'u', 4, NpyType::UInt32},
    {'i', 8, NpyType::Int64},
    {'u', 8, NpyType::UInt64},
    {'f', 2, NpyType::Float16},
    {'f', 4, NpyType::Float32},
    {'f', 8, NpyType::Float64},
}};

// The Python literal numpy writes as the header: a dict of string keys whose
// values are strings, True/False or tuples of integers.
class HeaderParser
{
public:
    HeaderParser(const std::string& text, const std::string& path) : m_text(text), m_path(path) {}

    struct Value {
        std::string text;                // a string
        std::optional<bool> flag;        // True / False
        std::vector<std::int64_t> tuple; // a tuple of integers
        bool isTuple = false;
    };

    // key → value, in file order.
    std::vector<std::pair<std::string, Value>> parseDict()
    {
        std::vector<std::pair<std::string, Value>> items;
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            std::string key = parseString();
            expect(':');
            items.emplace_back(std::move(key), parseValue());
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            expect('}');
            break;
        }
        skipSpace();
        if (m_pos != m_text.size())
            bad("unexpected text after the header's dict");
        return items;
    }

private:
    [[noreturn]] void bad(const std::string& what) const
    {
        failData(m_path, "the NumPy header is not what numpy writes (" + what + " at character " +
                             std::to_string(m_pos) + " of \"" + printable() + "\")");
    }
    std::string printable() const
    {
        std::string text = m_text.substr(0, 200);
        for (char& c : text)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
                c = '?';
        return text;
    }
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    void skipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                         m_text[m_pos] == '\t' || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    void expect(char c)
    {
        skipSpace();
        if (peek() != c)
            bad(std::string("expected '") + c + "'");
        ++m_pos;
    }
    std::string parseString()
    {
        skipSpace();
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            bad("expected a quoted name");
        ++m_pos;
        const std::size_t end = m_text.find(quote, m_pos);
        if (end == std::string::npos)
            bad("unterminated string");
        std::string s = m_text.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return s;
    }
    std::int64_t parseInteger()
    {
        skipSpace();
        std::int64_t value = 0;
        const std::size_t start = m_pos;
        bool negative = false;
        if (peek() == '-') {
            negative = true;
            ++m_pos;
        }
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            const int digit = m_text[m_pos] - '0';
            if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
                bad("a dimension too large");
            value = value * 10 + digit;
            ++m_pos;
        }
        if (m_pos == start + (negative ? 1 : 0))
            bad("expected an integer");
        // Python 2's numpy wrote long integers as "60000L".
        if (peek() == 'L')
            ++m_pos;
        return negative ? -value : value;
    }
    Value parseValue()
    {
        skipSpace();
        Value v;
        const char c = peek();
        if (c == '\'' || c == '"') {
            v.text = parseString();
        } else if (m_text.compare(m_pos, 4, "True") == 0) {
            v.flag = true;
            m_pos += 4;
        } else if (m_text.compare(m_pos, 5, "False") == 0) {
            v.flag = false;
            m_pos += 5;
        } else if (c == '(') {
            ++m_pos;
            v.isTuple = true;
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    ++m_pos;
                    break;
                }
                v.tuple.push_back(parseInteger());
                skipSpace();
                if (peek() == ',') {
                    ++m_pos;
                    continue;
                }
                expect(')');
                break;
            }
        } else if (c == '[') {
            bad("a structured element type (a list of fields)");
        } else {
            bad("an unexpected value");
        }
        return v;
    }

    const std::string& m_text;
    const std::string& m_path;
    std::size_t m_pos = 0;
};

NpyType typeFromDescr(const std::string& descr, int& bytes, const std::string& path)
{
    const std::string reason = "element type '" + descr + "'";
    if (descr.size() < 3)
        failData(path, reason + " is not one numpy writes");
    const char order = descr[0];
    const char code = descr[1];
    int size = 0;
    for (std::size_t i = 2; i < descr.size(); ++i) {
        if (descr[i] < '0' || descr[i] > '9' || size > 1000)
            failData(path, reason + " is not supported: use numbers (bool, integers or floats)");
        size = size * 10 + (descr[i] - '0');
    }
    for (const TypeInfo& t : kTypes) {
        if (t.code != code || t.bytes != size)
            continue;
        if (order == '>' && size > 1)
            failData(path, reason +
                               " is big-endian; save it little-endian, e.g. "
                               "numpy.save(path, array.astype(array.dtype.newbyteorder('<')))");
        if (order != '<' && order != '|' && order != '=' && order != '>')
            failData(path, reason + " has an unknown byte order '" + std::string(1, order) + "'");
        bytes = size;
        return t.type;
    }
    failData(path, reason + " is not supported: use bool, (u)int8/16/32/64 or float16/32/64");
}

void readLittle(const std::uint8_t* p, int bytes, void* out)
{
    std::memcpy(out, p, static_cast<std::size_t>(bytes)); // x86-64 and AArch64 are little-endian
}

double floatAt(const NpyArray& a, std::size_t i)
{
    const std::uint8_t* p = a.bytes.data() + i * static_cast<std::size_t>(a.header.itemBytes);
    switch (a.header.type) {
    case NpyType::Float16: {
        std::uint16_t h;
        readLittle(p, 2, &h);
        return halfToFloat(h);
    }
    case NpyType::Float32: {
        float f;
        readLittle(p, 4, &f);
        return f;
    }
    default: {
        double d;
        readLittle(p, 8, &d);
        return d;
    }
    }
}

} // namespace

const char* npyTypeName(NpyType type)
{
    switch (type) {
    case NpyType::Bool:
        return "bool";
    case NpyType::Int8:
        return "int8";
    case NpyType::UInt8:
        return "uint8";
    case NpyType::Int16:
        return "int16";
    case NpyType::UInt16:
        return "uint16";
    case NpyType::Int32:
        return "int32";
    case NpyType::UInt32:
        return "uint32";
    case NpyType::Int64:
        return "int64";
    case NpyType::UInt64:
        return "uint64";
    case NpyType::Float16:
        return "float16";
    case NpyType::Float32:
        return "float32";
    case NpyType::Float64:
        return "float64";
    }
    return "?";
}

bool isIntegerType(NpyType type)
{
    return type != NpyType::Bool && !isFloatType(type);
}

bool isFloatType(NpyType type)
{
    return type == NpyType::Float16 || type == NpyType::Float32 || type == NpyType::Float64;
}

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const int exponent = (h >> 10) & 0x1f;
    std::uint32_t mantissa = h & 0x3ffu;
    std::uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { // subnormal: normalise
            int e = -1;
            do {
                ++e;
                mantissa <<= 1;
            } while ((mantissa & 0x400u) == 0);
            bits =
                sign | static_cast<std::uint32_t>(127 - 15 - e) << 23 | (mantissa & 0x3ffu) << 13;
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | mantissa << 13; // inf or NaN
    } else {
        bits = sign | static_cast<std::uint32_t>(exponent - 15 + 127) << 23 | mantissa << 13;
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

std::int64_t NpyHeader::elementCount() const
{
    std::int64_t n = 1;
    for (const std::int64_t d : shape)
        n *= d; // parseNpyHeader has bounded the product by the file's size
    return n;
}

std::string NpyHeader::shapeText() const
{
    if (shape.empty())
        return "a scalar";
    std::string text;
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i > 0 ? "×" : "") + std::to_string(shape[i]);
    return text;
}

NpyHeader parseNpyHeader(const std::uint8_t* file, std::size_t available, std::uint64_t fileBytes,
                         const std::string& path)
{
    if (available < 10 || !std::equal(kMagic.begin(), kMagic.end(), file))
        failData(path, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
    const int major = file[6];
    if (major < 1 || major > 3)
        failData(path, "NumPy format version " + std::to_string(major) + "." +
                           std::to_string(file[7]) + " is not supported (1.0 to 3.0 are)");
    const std::size_t lengthBytes = major == 1 ? 2 : 4;
    const std::size_t prefix = 8 + lengthBytes;
    if (available < prefix)
        failData(path, "truncated: the file ends inside the NumPy header");
    std::uint32_t headerBytes = file[8] | static_cast<std::uint32_t>(file[9]) << 8;
    if (major > 1)
        headerBytes |=
            static_cast<std::uint32_t>(file[10]) << 16 | static_cast<std::uint32_t>(file[11]) << 24;
    if (headerBytes > kMaxHeaderBytes)
        failData(path, "the NumPy header claims " + std::to_string(headerBytes) +
                           " bytes; numpy writes a few hundred");
    if (available < prefix + headerBytes)
        failData(path, "truncated: the file ends inside the NumPy header (" +
                           std::to_string(prefix + headerBytes) + " bytes)");
    const std::string text(reinterpret_cast<const char*>(file + prefix), headerBytes);

    NpyHeader h;
    h.dataOffset = prefix + headerBytes;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    for (auto& [key, value] : HeaderParser(text, path).parseDict()) {
        if (key == "descr" && !value.text.empty()) {
            h.type = typeFromDescr(value.text, h.itemBytes, path);
            haveDescr = true;
        } else if (key == "fortran_order" && value.flag) {
            if (*value.flag)
                failData(path, "the array is in Fortran order; save it in C order, e.g. "
                               "numpy.save(path, numpy.ascontiguousarray(array))");
            haveOrder = true;
        } else if (key == "shape" && value.isTuple) {
            h.shape = value.tuple;
            haveShape = true;
        } else if (key == "descr" || key == "fortran_order" || key == "shape") {
            failData(path, "the NumPy header's '" + key + "' has a value of the wrong kind");
        }
    }
    if (!haveDescr || !haveOrder || !haveShape)
        failData(path, std::string("the NumPy header lacks '") +
                           (!haveDescr   ? "descr"
                            : !haveOrder ? "fortran_order"
                                         : "shape") +
                           "'");

    // The payload must be exactly what the rest of the file holds: bound the
    // product by it dimension by dimension, so that no product overflows.
    const std::uint64_t rest = fileBytes >= h.dataOffset ? fileBytes - h.dataOffset : 0;
    bool zero = false;
    for (const std::int64_t d : h.shape) {
        if (d < 0)
            failData(path, "the NumPy header has a negative dimension (" + std::to_string(d) + ")");
        zero = zero || d == 0;
    }
    std::uint64_t elements = 1;
    for (const std::int64_t d : h.shape) {
        if (zero)
            break;
        if (elements > rest / static_cast<std::uint64_t>(d))
            failData(path, "truncated: the header says " + h.shapeText() + " " +
                               npyTypeName(h.type) + " values, more than the " +
                               std::to_string(rest) + " bytes after the header hold");
        elements *= static_cast<std::uint64_t>(d);
    }
    const std::uint64_t payload = zero ? 0 : elements * static_cast<std::uint64_t>(h.itemBytes);
    if (payload > rest)
        failData(path, "truncated: the header says " + h.shapeText() + " " + npyTypeName(h.type) +
                           " = " + std::to_string(payload) + " bytes, the file holds " +
                           std::to_string(rest) + " after the header");
    if (payload < rest)
        failData(path, "the file holds " + std::to_string(rest - payload) +
                           " bytes after the array it describes (" + h.shapeText() + " " +
                           npyTypeName(h.type) + "): not a file numpy.save wrote");
    return h;
}

NpyHeader readNpyHeader(const std::string& path)
{
    std::uint64_t size = 0;
    FilePtr file = openDataFile(path, "a .npy file", size);
    std::vector<std::uint8_t> start(static_cast<std::size_t>(std::min<std::uint64_t>(size, 12)));
    readExactly(file.get(), path, start.data(), start.size(), "the NumPy header");
    if (start.size() < 12 || !std::equal(kMagic.begin(), kMagic.end(), start.begin()))
        return parseNpyHeader(start.data(), start.size(), size, path); // throws the reason
    const std::size_t lengthBytes = start[6] == 1 ? 2 : 4;
    std::uint32_t headerBytes = start[8] | static_cast<std::uint32_t>(start[9]) << 8;
    if (lengthBytes == 4)
        headerBytes |= static_cast<std::uint32_t>(start[10]) << 16 |
                       static_cast<std::uint32_t>(start[11]) << 24;
    const std::uint64_t wanted =
        std::min<std::uint64_t>(size, 8 + lengthBytes + std::min(headerBytes, kMaxHeaderBytes));
    start.resize(static_cast<std::size_t>(wanted));
    if (wanted > 12)
        readExactly(file.get(), path, start.data() + 12, start.size() - 12, "the NumPy header");
    return parseNpyHeader(start.data(), start.size(), size, path);
}

FilePtr openNpyPayload(const std::string& path, const NpyHeader& header)
{
    std::uint64_t size = 0;
    FilePtr file = openDataFile(path, "a .npy file", size);
    if (size != header.dataOffset + header.payloadBytes())
        failData(path, "the file changed while it was read");
    if (std::fseek(file.get(), static_cast<long>(header.dataOffset), SEEK_SET) != 0)
        failData(path, "cannot seek in the file: " + errnoMessage(errno));
    return file;
}

NpyArray readNpy(const std::string& path)
{
    NpyArray a;
    a.header = readNpyHeader(path);
    FilePtr file = openNpyPayload(path, a.header);
    a.bytes = largeBuffer(static_cast<std::size_t>(a.header.payloadBytes()));
    readExactly(file.get(), path, a.bytes.data(), a.bytes.size(), "the array");
    return a;
}

std::string npyHeader(const std::string& dict)
{
    constexpr std::size_t kPrefixBytes = 10; // magic (6) + version (2) + length (2)
    std::string padded = dict;
    const std::size_t total = (kPrefixBytes + padded.size() + 1 + 63) / 64 * 64;
    padded.append(total - kPrefixBytes - padded.size() - 1, ' ');
    padded += '\n';
    std::string header(reinterpret_cast<const char*>(kMagic.data()), kMagic.size());
    header += '\x01';
    header += '\x00';
    const auto length = static_cast<std::uint16_t>(padded.size());
    header += static_cast<char>(length & 0xff);
    header += static_cast<char>(length >> 8);
    return header + padded;
}

std::string npyDict(const std::string& descr, const std::vector<std::int64_t>& shape)
{
    std::string dims;
    for (std::size_t i = 0; i < shape.size(); ++i)
        dims += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "") +
                (i + 1 < shape.size() ? " " : "");
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
}

std::vector<std::int64_t> npyIntegers(const NpyArray& a, const std::string& path,
                                      std::int64_t firstIndex)
{
    if (!isIntegerType(a.header.type))
        failData(path, std::string("holds ") + npyTypeName(a.header.type) +
                           " values where integers are expected");
    const auto n = static_cast<std::size_t>(a.header.elementCount());
    std::vector<std::int64_t> out(n);
    const int bytes = a.header.itemBytes;
    const bool isSigned = a.header.type == NpyType::Int8 || a.header.type == NpyType::Int16 ||
                          a.header.type == NpyType::Int32 || a.header.type == NpyType::Int64;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* p = a.bytes.data() + i * static_cast<std::size_t>(bytes);
        std::uint64_t raw = 0;
        readLittle(p, bytes, &raw);
        if (isSigned && bytes < 8 && (raw >> (8 * bytes - 1)) & 1u)
            raw |= ~std::uint64_t(0) << (8 * bytes); // sign-extend
        if (!isSigned && raw > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            failData(path, "value " + std::to_string(raw) + " at index " +
                               std::to_string(firstIndex + static_cast<std::int64_t>(i)) +
                               " is too large");
        std::int64_t v;
        std::memcpy(&v, &raw, sizeof v);
        out[i] = v;
    }
    return out;
}

std::vector<std::uint8_t> npyImageBytes(NpyArray&& a, const std::string& path,
                                        double* maxRoundingError)
{
    if (a.header.type == NpyType::UInt8)
        return std::move(a.bytes);
    return npyImageBytes(static_cast<const NpyArray&>(a), path, maxRoundingError);
}

std::vector<std::uint8_t> npyImageBytes(const NpyArray& a, const std::string& path,
                                        double* maxRoundingError)
{
    if (a.header.type == NpyType::UInt8)
        return a.bytes;
    if (!isFloatType(a.header.type))
        failData(path, std::string("holds ") + npyTypeName(a.header.type) +
                           " pixels; images must be uint8 (0 to 255) or float32 (0 to 1)");
    const auto n = static_cast<std::size_t>(a.header.elementCount());
    std::vector<std::uint8_t> out = largeBuffer(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = floatAt(a, i);
        if (!(v >= 0.0 && v <= 1.0)) // also NaN
            failData(path, "pixel value " + std::to_string(v) + " at index " + std::to_string(i) +
                               " is outside 0 to 1 (float images must be scaled to [0, 1])");
        const long byte = std::lround(v * 255.0);
        out[i] = static_cast<std::uint8_t>(byte);
        if (maxRoundingError)
            *maxRoundingError = std::max(*maxRoundingError, std::abs(v - double(byte) / 255.0));
    }
    return out;
}

} // namespace mnistx::data
