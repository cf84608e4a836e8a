#include "core/util/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <system_error>

namespace mnistx::json
{

namespace
{

// The largest magnitude below which every integer is an exact double.
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53

[[noreturn]] void typeError(const std::string& path, const char* expected, Type found)
{
    std::string message = path.empty() ? std::string() : path + ": ";
    message += std::string("expected ") + expected + ", found " + typeName(found);
    throw Error(message);
}

// ---------------------------------------------------------------- UTF-8

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes
// there are not one (overlong forms, surrogates, > U+10FFFF, truncation).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80)
        return 1;
    std::size_t length;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        if (b0 == 0xE0)
            lo = 0xA0; // overlong
        else if (b0 == 0xED)
            hi = 0x9F; // UTF-16 surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        if (b0 == 0xF0)
            lo = 0x90; // overlong
        else if (b0 == 0xF4)
            hi = 0x8F; // beyond U+10FFFF
    } else {
        return 0;
    }
    if (s.size() - i < length)
        return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (std::size_t k = 2; k < length; ++k)
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
    return length;
}

void appendUtf8(std::string& out, std::uint32_t codePoint)
{
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

// ---------------------------------------------------------------- writing

void writeNumber(std::string& out, double v)
{
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buffer[32];
    if (v == 0.0) {
        out += std::signbit(v) ? "-0" : "0";
        return;
    }
    std::to_chars_result r;
    if (std::trunc(v) == v && std::fabs(v) < kMaxExactInteger)
        r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(v));
    else
        r = std::to_chars(buffer, buffer + sizeof buffer, v); // shortest round-trip form
    out.append(buffer, r.ptr);
}

void writeString(std::string& out, std::string_view s)
{
    static const char* const kHex = "0123456789abcdef";
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t length = utf8SequenceLength(s, i);
            if (length == 0) {
                out += "\xEF\xBF\xBD"; // U+FFFD for a byte that is not UTF-8
                ++i;
            } else {
                out.append(s.data() + i, length);
                i += length;
            }
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

bool isScalar(const Value& v)
{
    return !v.isArray() && !v.isObject();
}

void writeValue(std::string& out, const Value& v, int indent, int depth)
{
    const bool pretty = indent > 0;
    const auto newline = [&](int level) {
        out += '\n';
        out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
    };
    switch (v.type()) {
    case Type::Null:
        out += "null";
        return;
    case Type::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Type::Number:
        writeNumber(out, v.asNumber());
        return;
    case Type::String:
        writeString(out, v.asString());
        return;
    case Type::Array: {
        const Value::Array& elements = v.asArray();
        if (elements.empty()) {
            out += "[]";
            return;
        }
        // Rows of numbers (a confusion matrix row, bin edges) stay on one
        // line: a reader scans them, and the file stays short.
        const bool inline_ = !pretty || std::all_of(elements.begin(), elements.end(), isScalar);
        out += '[';
        for (std::size_t k = 0; k < elements.size(); ++k) {
            if (k > 0)
                out += (pretty && inline_) ? ", " : ",";
            if (!inline_)
                newline(depth + 1);
            writeValue(out, elements[k], indent, depth + 1);
        }
        if (!inline_)
            newline(depth);
        out += ']';
        return;
    }
    case Type::Object: {
        const Value::Object& members = v.asObject();
        if (members.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (std::size_t k = 0; k < members.size(); ++k) {
            if (k > 0)
                out += ',';
            if (pretty)
                newline(depth + 1);
            writeString(out, members[k].first);
            out += pretty ? ": " : ":";
            writeValue(out, members[k].second, indent, depth + 1);
        }
        if (pretty)
            newline(depth);
        out += '}';
        return;
    }
    }
}

// ---------------------------------------------------------------- parsing

class Parser
{
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    Value parseDocument()
    {
        skipWhitespace();
        Value v = parseValue(0);
        skipWhitespace();
        if (m_pos != m_text.size())
            fail("unexpected " + describe(m_pos) + " after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& problem, std::size_t at) const
    {
        throw Error("JSON: " + problem + " at byte " + std::to_string(at));
    }
    [[noreturn]] void fail(const std::string& problem) const { fail(problem, m_pos); }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    std::string describe(std::size_t at) const
    {
        if (at >= m_text.size())
            return "end of input";
        const auto c = static_cast<unsigned char>(m_text[at]);
        if (c >= 0x21 && c < 0x7F)
            return std::string("character '") + static_cast<char>(c) + "'";
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "byte 0x%02X", c);
        return buffer;
    }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const char c = peek();
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }

    void expectLiteral(std::string_view literal)
    {
        if (m_text.substr(m_pos, literal.size()) != literal)
            fail("invalid literal (expected '" + std::string(literal) + "')");
        m_pos += literal.size();
    }

    Value parseValue(int depth)
    {
        if (atEnd())
            fail("unexpected end of input, expected a value");
        switch (peek()) {
        case '{':
            return parseObject(depth + 1);
        case '[':
            return parseArray(depth + 1);
        case '"':
            return Value(parseString());
        case 't':
            expectLiteral("true");
            return Value(true);
        case 'f':
            expectLiteral("false");
            return Value(false);
        case 'n':
            expectLiteral("null");
            return Value();
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return Value(parseNumber());
            fail("unexpected " + describe(m_pos) + ", expected a value");
        }
    }

    void checkDepth(int depth) const
    {
        if (depth > kMaxDepth)
            fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }

    Value parseArray(int depth)
    {
        checkDepth(depth);
        ++m_pos; // '['
        Value::Array elements;
        skipWhitespace();
        if (!atEnd() && peek() == ']') {
            ++m_pos;
            return Value(std::move(elements));
        }
        for (;;) {
            skipWhitespace();
            elements.push_back(parseValue(depth));
            skipWhitespace();
            if (atEnd())
                fail("unexpected end of input in an array");
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                return Value(std::move(elements));
            }
            fail("unexpected " + describe(m_pos) + ", expected ',' or ']'");
        }
    }

    Value parseObject(int depth)
    {
        checkDepth(depth);
        ++m_pos; // '{'
        Value::Object members;
        skipWhitespace();
        if (!atEnd() && peek() == '}') {
            ++m_pos;
            return Value(std::move(members));
        }
        for (;;) {
            skipWhitespace();
            if (atEnd() || peek() != '"')
                fail("unexpected " + describe(m_pos) + ", expected a member name in quotes");
            std::string key = parseString();
            skipWhitespace();
            if (atEnd() || peek() != ':')
                fail("unexpected " + describe(m_pos) + ", expected ':'");
            ++m_pos;
            skipWhitespace();
            Value value = parseValue(depth);
            members.emplace_back(std::move(key), std::move(value));
            skipWhitespace();
            if (atEnd())
                fail("unexpected end of input in an object");
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                return Value(std::move(members));
            }
            fail("unexpected " + describe(m_pos) + ", expected ',' or '}'");
        }
    }

    // Four hex digits after "\u"; m_pos is on the first.
    std::uint32_t parseHex4()
    {
        if (m_text.size() - m_pos < 4)
            fail("unexpected end of input in a \\u escape");
        std::uint32_t value = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = m_text[m_pos];
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                value |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                value |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                fail("invalid hex digit in a \\u escape");
            ++m_pos;
        }
        return value;
    }

    std::string parseString()
    {
        const std::size_t start = m_pos;
        ++m_pos; // opening quote
        std::string out;
        for (;;) {
            if (atEnd())
                fail("unterminated string (it starts at byte " + std::to_string(start) + ")");
            const auto c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c < 0x20)
                fail("control character " + describe(m_pos) + " in a string (must be escaped)");
            if (c >= 0x80) {
                const std::size_t length = utf8SequenceLength(m_text, m_pos);
                if (length == 0)
                    fail("invalid UTF-8 in a string");
                out.append(m_text.data() + m_pos, length);
                m_pos += length;
                continue;
            }
            if (c != '\\') {
                // Copy the run of plain characters in one go.
                std::size_t end = m_pos + 1;
                while (end < m_text.size()) {
                    const auto d = static_cast<unsigned char>(m_text[end]);
                    if (d == '"' || d == '\\' || d < 0x20 || d >= 0x80)
                        break;
                    ++end;
                }
                out.append(m_text.data() + m_pos, end - m_pos);
                m_pos = end;
                continue;
            }
            const std::size_t escape = m_pos;
            ++m_pos;
            if (atEnd())
                fail("unterminated string (it starts at byte " + std::to_string(start) + ")");
            const char e = peek();
            ++m_pos;
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t codePoint = parseHex4();
                if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
                    fail("lone low surrogate in a \\u escape", escape);
                if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
                    if (m_text.substr(m_pos, 2) != "\\u")
                        fail("lone high surrogate in a \\u escape", escape);
                    m_pos += 2;
                    const std::uint32_t low = parseHex4();
                    if (low < 0xDC00 || low > 0xDFFF)
                        fail("high surrogate not followed by a low surrogate", escape);
                    codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(out, codePoint);
                break;
            }
            default:
                fail("invalid escape '\\" + describe(escape + 1) + "'", escape);
            }
        }
    }

    double parseNumber()
    {
        const std::size_t start = m_pos;
        const auto digit = [&]() { return !atEnd() && peek() >= '0' && peek() <= '9'; };
        bool negative = false;
        if (peek() == '-') {
            negative = true;
            ++m_pos;
        }
        // Decimal position of the first significant digit, relative to the
        // point, to tell an overflow from an underflow if from_chars says
        // "out of range".
        long long leading = 0;
        bool significant = false;
        if (!digit())
            fail("expected a digit");
        if (peek() == '0') {
            ++m_pos;
            if (digit())
                fail("leading zero in a number", start);
        } else {
            while (digit()) {
                if (!significant) {
                    significant = true;
                    leading = 0;
                }
                ++leading;
                ++m_pos;
            }
        }
        if (!atEnd() && peek() == '.') {
            ++m_pos;
            if (!digit())
                fail("expected a digit after the decimal point");
            long long position = 0;
            while (digit()) {
                --position;
                if (!significant && peek() != '0') {
                    significant = true;
                    leading = position + 1;
                }
                ++m_pos;
            }
        }
        long long exponent = 0;
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            ++m_pos;
            bool negativeExponent = false;
            if (!atEnd() && (peek() == '+' || peek() == '-')) {
                negativeExponent = peek() == '-';
                ++m_pos;
            }
            if (!digit())
                fail("expected a digit in the exponent");
            while (digit()) {
                // Saturate: anything past a billion is out of double range anyway.
                exponent = std::min(exponent * 10 + (peek() - '0'), 1000000000LL);
                ++m_pos;
            }
            if (negativeExponent)
                exponent = -exponent;
        }
        double value = 0.0;
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + m_pos;
        const auto r = std::from_chars(first, last, value);
        if (r.ec == std::errc::result_out_of_range) {
            if (significant && leading + exponent > 0)
                fail("number out of range", start);
            return negative ? -0.0 : 0.0; // underflow: as close as a double gets
        }
        if (r.ec != std::errc() || r.ptr != last)
            fail("malformed number", start);
        return value;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace

const char* typeName(Type type)
{
    switch (type) {
    case Type::Null:
        return "null";
    case Type::Bool:
        return "a boolean";
    case Type::Number:
        return "a number";
    case Type::String:
        return "a string";
    case Type::Array:
        return "an array";
    case Type::Object:
        return "an object";
    }
    return "an unknown type";
}

bool isUtf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

// ---------------------------------------------------------------- Value

bool Value::asBool() const
{
    if (!isBool())
        typeError({}, "a boolean", type());
    return std::get<bool>(m_data);
}

double Value::asNumber() const
{
    if (!isNumber())
        typeError({}, "a number", type());
    return std::get<double>(m_data);
}

long long Value::asInteger() const
{
    const double v = asNumber();
    if (std::trunc(v) != v || std::fabs(v) > kMaxExactInteger)
        throw Error("expected an integer, found " + serialize(*this, 0));
    return static_cast<long long>(v);
}

const std::string& Value::asString() const
{
    if (!isString())
        typeError({}, "a string", type());
    return std::get<std::string>(m_data);
}

const Value::Array& Value::asArray() const
{
    if (!isArray())
        typeError({}, "an array", type());
    return std::get<Array>(m_data);
}

Value::Array& Value::asArray()
{
    if (!isArray())
        typeError({}, "an array", type());
    return std::get<Array>(m_data);
}

const Value::Object& Value::asObject() const
{
    if (!isObject())
        typeError({}, "an object", type());
    return std::get<Object>(m_data);
}

Value::Object& Value::asObject()
{
    if (!isObject())
        typeError({}, "an object", type());
    return std::get<Object>(m_data);
}

const Value* Value::find(std::string_view key) const
{
    if (!isObject())
        return nullptr;
    for (const Member& m : std::get<Object>(m_data))
        if (m.first == key)
            return &m.second;
    return nullptr;
}

Value* Value::find(std::string_view key)
{
    return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

const Value& Value::operator[](std::string_view key) const
{
    asObject();
    const Value* v = find(key);
    if (!v)
        throw Error("missing key '" + std::string(key) + "'");
    return *v;
}

const Value& Value::operator[](std::size_t index) const
{
    const Array& elements = asArray();
    if (index >= elements.size())
        throw Error("index " + std::to_string(index) + " out of range (the array has " +
                    std::to_string(elements.size()) + " elements)");
    return elements[index];
}

Value& Value::operator[](std::string_view key)
{
    if (isNull())
        m_data = Object{};
    if (Value* v = find(key))
        return *v;
    Object& members = asObject();
    members.emplace_back(std::string(key), Value());
    return members.back().second;
}

std::size_t Value::size() const
{
    if (isArray())
        return std::get<Array>(m_data).size();
    if (isObject())
        return std::get<Object>(m_data).size();
    return 0;
}

void Value::push_back(Value element)
{
    if (isNull())
        m_data = Array{};
    asArray().push_back(std::move(element));
}

// ---------------------------------------------------------------- Cursor

void Cursor::fail(const std::string& problem) const
{
    throw Error(m_path + ": " + problem);
}

Cursor Cursor::operator[](std::string_view key) const
{
    if (!m_value->isObject())
        typeError(m_path, "an object", m_value->type());
    const Value* v = m_value->find(key);
    if (!v)
        fail("missing key '" + std::string(key) + "'");
    return Cursor(*v, m_path + "." + std::string(key));
}

Cursor Cursor::operator[](std::size_t index) const
{
    const Value::Array& elements = asArray();
    if (index >= elements.size())
        fail("index " + std::to_string(index) + " out of range (the array has " +
             std::to_string(elements.size()) + " elements)");
    return Cursor(elements[index], m_path + "[" + std::to_string(index) + "]");
}

std::size_t Cursor::arraySize() const
{
    return asArray().size();
}

bool Cursor::asBool() const
{
    if (!m_value->isBool())
        typeError(m_path, "a boolean", m_value->type());
    return m_value->asBool();
}

double Cursor::asNumber() const
{
    if (!m_value->isNumber())
        typeError(m_path, "a number", m_value->type());
    return m_value->asNumber();
}

long long Cursor::asInteger() const
{
    const double v = asNumber();
    if (std::trunc(v) != v || std::fabs(v) > kMaxExactInteger)
        fail("expected an integer, found " + serialize(*m_value, 0));
    return static_cast<long long>(v);
}

long long Cursor::asInteger(long long min, long long max) const
{
    const long long v = asInteger();
    if (v < min || v > max)
        fail(std::to_string(v) + " is out of range [" + std::to_string(min) + ", " +
             std::to_string(max) + "]");
    return v;
}

int Cursor::asInt() const
{
    return static_cast<int>(
        asInteger(std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

const std::string& Cursor::asString() const
{
    if (!m_value->isString())
        typeError(m_path, "a string", m_value->type());
    return m_value->asString();
}

const Value::Array& Cursor::asArray() const
{
    if (!m_value->isArray())
        typeError(m_path, "an array", m_value->type());
    return m_value->asArray();
}

const Value::Object& Cursor::asObject() const
{
    if (!m_value->isObject())
        typeError(m_path, "an object", m_value->type());
    return m_value->asObject();
}

// ---------------------------------------------------------------- entry points

std::string serialize(const Value& value, int indent)
{
    std::string out;
    writeValue(out, value, indent, 0);
    return out;
}

Value parse(std::string_view text)
{
    return Parser(text).parseDocument();
}

} // namespace mnistx::json
