#include "core/util/json_cursor.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mnistx::json
{

namespace
{

// The largest magnitude below which every integer is an exact double.
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53
// Strings quoted in an error message are cut here: enough to recognise one.
constexpr std::size_t kQuotedBytes = 40;

std::string compact(const Value& value)
{
    return value.dump(-1, ' ', false, Value::error_handler_t::replace);
}

// What a value is, for "expected X, found Y": scalars by their text
// ("the string \"x\"", "true", "1.5"), arrays and objects by their type.
std::string describe(const Value& value)
{
    if (value.is_string()) {
        const std::string& s = value.get_ref<const std::string&>();
        if (s.size() <= kQuotedBytes)
            return "the string " + compact(value);
        return "the string " + compact(Value(s.substr(0, kQuotedBytes))) + "…";
    }
    if (value.is_array() || value.is_object())
        return typeName(value);
    return compact(value);
}

// nlohmann's what() without its prefixes: "[json.exception.parse_error.101]
// parse error at line 1, column 4: syntax error while parsing value -
// unexpected ']'; ..." becomes "unexpected ']'; ...".
std::string problemText(const std::string& what)
{
    std::string text = what;
    if (!text.empty() && text.front() == '[') {
        const std::size_t end = text.find("] ");
        if (end != std::string::npos)
            text.erase(0, end + 2);
    }
    if (text.rfind("parse error", 0) == 0) {
        const std::size_t colon = text.find(": ");
        if (colon != std::string::npos)
            text.erase(0, colon + 2);
    }
    if (text.rfind("syntax error while parsing ", 0) == 0) {
        const std::size_t dash = text.find(" - ");
        if (dash != std::string::npos)
            text.erase(0, dash + 3);
    }
    return text;
}

[[noreturn]] void parseFailure(const std::string& problem, std::size_t offset)
{
    throw Error("JSON: " + problem + " at byte " + std::to_string(offset));
}

// Offset of the first '[' or '{' nested deeper than kMaxDepth (outside
// strings), or npos.
std::size_t tooDeepAt(std::string_view text)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth)
                return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return std::string_view::npos;
}

// nlohmann's DOM builder with a nesting limit, and its errors kept with
// their position instead of thrown.
class Builder : public nlohmann::detail::json_sax_dom_parser<Value>
{
public:
    explicit Builder(Value& root) : json_sax_dom_parser(root, false) {}

    bool start_object(std::size_t elements)
    {
        return deeper() && json_sax_dom_parser::start_object(elements);
    }
    bool end_object()
    {
        --m_depth;
        return json_sax_dom_parser::end_object();
    }
    bool start_array(std::size_t elements)
    {
        return deeper() && json_sax_dom_parser::start_array(elements);
    }
    bool end_array()
    {
        --m_depth;
        return json_sax_dom_parser::end_array();
    }
    bool parse_error(std::size_t position, const std::string& lastToken,
                     const nlohmann::detail::exception& e)
    {
        m_problem = problemText(e.what());
        // A number out of range is reported after its token was read, every
        // other error at the byte it stopped on (counted from 1).
        m_offset = e.id == 406 ? position - std::min(position, lastToken.size())
                               : (position > 0 ? position - 1 : 0);
        return false;
    }

    bool tooDeep() const { return m_tooDeep; }
    const std::string& problem() const { return m_problem; }
    std::size_t offset() const { return m_offset; }

private:
    bool deeper()
    {
        m_tooDeep = ++m_depth > kMaxDepth;
        return !m_tooDeep;
    }

    int m_depth = 0;
    bool m_tooDeep = false;
    std::string m_problem;
    std::size_t m_offset = 0;
};

bool isScalar(const Value& v)
{
    return !v.is_array() && !v.is_object();
}

void writePretty(std::string& out, const Value& v, int indent, int depth)
{
    const auto newline = [&](int level) {
        out += '\n';
        out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
    };
    if (v.is_array() && !v.empty()) {
        // Rows of numbers (a confusion matrix row, bin edges) stay on one
        // line: a reader scans them, and the file stays short.
        const bool inline_ = std::all_of(v.begin(), v.end(), isScalar);
        out += '[';
        bool first = true;
        for (const Value& element : v) {
            if (!first)
                out += inline_ ? ", " : ",";
            first = false;
            if (!inline_)
                newline(depth + 1);
            writePretty(out, element, indent, depth + 1);
        }
        if (!inline_)
            newline(depth);
        out += ']';
    } else if (v.is_object() && !v.empty()) {
        out += '{';
        bool first = true;
        for (const auto& [key, member] : v.items()) {
            if (!first)
                out += ',';
            first = false;
            newline(depth + 1);
            out += compact(Value(key));
            out += ": ";
            writePretty(out, member, indent, depth + 1);
        }
        newline(depth);
        out += '}';
    } else {
        out += compact(v);
    }
}

} // namespace

Value parse(std::string_view text)
{
    // nlohmann stops at a NUL byte as at the end of a C string; in JSON text
    // a raw NUL is never valid.
    const std::size_t nul = text.find('\0');
    if (nul != std::string_view::npos)
        parseFailure("unexpected byte 0x00", nul);
    Value root;
    Builder builder(root);
    if (Value::sax_parse(text.begin(), text.end(), &builder))
        return root;
    if (builder.tooDeep())
        parseFailure("nesting deeper than " + std::to_string(kMaxDepth) + " levels",
                     std::min(tooDeepAt(text), text.size()));
    parseFailure(builder.problem(), builder.offset());
}

std::string serialize(const Value& value, int indent)
{
    if (indent <= 0)
        return compact(value);
    std::string out;
    writePretty(out, value, indent, 0);
    return out;
}

bool isUtf8(std::string_view text)
{
    try {
        Value(std::string(text)).dump();
        return true;
    } catch (const Value::type_error&) {
        return false;
    }
}

const char* typeName(const Value& value)
{
    switch (value.type()) {
    case Value::value_t::null:
        return "null";
    case Value::value_t::boolean:
        return "a boolean";
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
        return "a number";
    case Value::value_t::string:
        return "a string";
    case Value::value_t::array:
        return "an array";
    case Value::value_t::object:
        return "an object";
    default:
        return "binary data";
    }
}

// ---------------------------------------------------------------- Cursor

void Cursor::fail(const std::string& problem) const
{
    throw Error(m_path + ": " + problem);
}

void Cursor::typeError(const char* expected) const
{
    fail(std::string("expected ") + expected + ", found " + describe(*m_value));
}

Cursor Cursor::operator[](std::string_view key) const
{
    const Value::object_t& members = asObject();
    const auto it = members.find(std::string(key));
    if (it == members.end())
        fail("missing key '" + std::string(key) + "'");
    return Cursor(it->second, m_path + "." + std::string(key));
}

Cursor Cursor::operator[](std::size_t index) const
{
    const std::size_t size = arraySize();
    if (index >= size)
        fail("index " + std::to_string(index) + " out of range (the array has " +
             std::to_string(size) + " elements)");
    return Cursor((*m_value)[index], m_path + "[" + std::to_string(index) + "]");
}

bool Cursor::contains(std::string_view key) const
{
    return m_value->is_object() && m_value->contains(std::string(key));
}

std::size_t Cursor::arraySize() const
{
    if (!m_value->is_array())
        typeError("an array");
    return m_value->size();
}

const Value::object_t& Cursor::asObject() const
{
    if (!m_value->is_object())
        typeError("an object");
    return m_value->get_ref<const Value::object_t&>();
}

bool Cursor::asBool() const
{
    if (!m_value->is_boolean())
        typeError("a boolean");
    return m_value->get<bool>();
}

double Cursor::asNumber() const
{
    if (!m_value->is_number())
        typeError("a number");
    return m_value->get<double>();
}

long long Cursor::asInteger() const
{
    return asInteger(std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max());
}

long long Cursor::asInteger(long long min, long long max) const
{
    const auto outOfRange = [&](const std::string& text) {
        fail(text + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    };
    long long v = 0;
    if (m_value->is_number_unsigned()) {
        const auto u = m_value->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<long long>::max()))
            outOfRange(std::to_string(u));
        v = static_cast<long long>(u);
    } else if (m_value->is_number_integer()) {
        v = m_value->get<std::int64_t>();
    } else if (m_value->is_number_float()) {
        const double d = m_value->get<double>();
        if (std::trunc(d) != d || std::fabs(d) > kMaxExactInteger)
            typeError("an integer");
        v = static_cast<long long>(d);
    } else {
        typeError("an integer");
    }
    if (v < min || v > max)
        outOfRange(std::to_string(v));
    return v;
}

int Cursor::asInt() const
{
    return static_cast<int>(
        asInteger(std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

std::uint64_t Cursor::asUnsigned() const
{
    if (m_value->is_number_unsigned())
        return m_value->get<std::uint64_t>();
    return static_cast<std::uint64_t>(asInteger(0, std::numeric_limits<long long>::max()));
}

const std::string& Cursor::asString() const
{
    if (!m_value->is_string())
        typeError("a string");
    return m_value->get_ref<const std::string&>();
}

} // namespace mnistx::json
