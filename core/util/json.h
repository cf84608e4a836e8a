#pragma once
// A small JSON value type with a strict RFC 8259 parser and a serializer, for
// the run store's metadata and summary.json. Plain C++17, no locale: numbers
// are read and written with std::from_chars / std::to_chars, so a German
// LC_NUMERIC (which QCoreApplication installs) cannot turn "0.5" into 0.
//
// Objects keep their members in insertion (file) order and may hold a key
// twice when parsed from a file that does (RFC 8259 allows it); find() then
// returns the first. Numbers are doubles: integers are exact up to 2^53.
//
// Values are plain data: copy them, share them read-only between threads.
// Every failure throws json::Error with a message saying where.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mnistx::json
{

// Bad JSON text (what() names the byte offset) or a value of the wrong type
// or shape (what() names the path, e.g. "$.train.per_class[3].count").
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

enum class Type { Null, Bool, Number, String, Array, Object };

// "null", "a boolean", "a number", "a string", "an array", "an object".
const char* typeName(Type type);

// Arrays and objects nest at most this deep in parse(): deep enough for any
// real document, shallow enough that the recursive descent cannot exhaust
// the stack of a worker thread.
constexpr int kMaxDepth = 512;

class Value
{
public:
    using Array = std::vector<Value>;
    using Member = std::pair<std::string, Value>;
    using Object = std::vector<Member>;

    Value() = default; // null
    Value(std::nullptr_t) {}
    Value(bool b) : m_data(b) {}
    // Any arithmetic type but bool becomes a double (exact up to 2^53).
    template <typename T,
              std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, int> = 0>
    Value(T number) : m_data(static_cast<double>(number))
    {
    }
    Value(const char* text) : m_data(std::string(text)) {}
    Value(std::string text) : m_data(std::move(text)) {}
    Value(Array elements) : m_data(std::move(elements)) {}
    Value(Object members) : m_data(std::move(members)) {}

    static Value array() { return Value(Array{}); }
    static Value object() { return Value(Object{}); }

    Type type() const { return static_cast<Type>(m_data.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isNumber() const { return type() == Type::Number; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    // Typed getters: throw Error ("expected a number, found a string") when
    // the value has another type.
    bool asBool() const;
    double asNumber() const;
    // A number with no fractional part and |x| ≤ 2^53 (else Error).
    long long asInteger() const;
    const std::string& asString() const;
    const Array& asArray() const;
    Array& asArray();
    const Object& asObject() const;
    Object& asObject();

    // The first member called key, or nullptr when there is none or this is
    // not an object.
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    bool contains(std::string_view key) const { return find(key) != nullptr; }

    // Lookup: throws Error when this is not an object / array, the key is
    // missing or the index is out of range.
    const Value& operator[](std::string_view key) const;
    const Value& operator[](std::size_t index) const;
    // Building: a null value becomes an object; a missing key is appended
    // (as null) and returned. Throws Error on any other type.
    Value& operator[](std::string_view key);

    // Elements of an array or members of an object; 0 for anything else.
    std::size_t size() const;
    // Appends to an array; a null value becomes an array first.
    void push_back(Value element);

    // Deep equality; numbers compare as doubles (so NaN never equals).
    bool operator==(const Value& other) const { return m_data == other.m_data; }
    bool operator!=(const Value& other) const { return !(*this == other); }

private:
    // Alternative order matches Type.
    std::variant<std::nullptr_t, bool, double, std::string, Array, Object> m_data;
};

// A read-only view of a Value that knows its place in the document, so that
// every error says where: "$.train.per_class[3].count: expected a number,
// found null". The viewed Value must outlive the Cursor.
class Cursor
{
public:
    explicit Cursor(const Value& value, std::string path = "$")
        : m_value(&value), m_path(std::move(path))
    {
    }

    const Value& value() const { return *m_value; }
    const std::string& path() const { return m_path; }

    // Throw Error naming the path when this is not an object / array, the
    // key is missing or the index out of range.
    Cursor operator[](std::string_view key) const;
    Cursor operator[](std::size_t index) const;
    const Value* find(std::string_view key) const { return m_value->find(key); }
    bool contains(std::string_view key) const { return m_value->contains(key); }
    // Elements of an array (Error when this is not an array).
    std::size_t arraySize() const;

    bool asBool() const;
    double asNumber() const;
    long long asInteger() const;
    // asInteger() within [min, max] (Error naming the range otherwise).
    long long asInteger(long long min, long long max) const;
    int asInt() const;
    const std::string& asString() const;
    const Value::Array& asArray() const;
    const Value::Object& asObject() const;

    // Throws Error("<path>: <problem>").
    [[noreturn]] void fail(const std::string& problem) const;

private:
    const Value* m_value;
    std::string m_path;
};

// True when text is valid UTF-8 (no overlong forms, surrogates or code
// points beyond U+10FFFF), i.e. when serialize() keeps it byte for byte.
bool isUtf8(std::string_view text);

// JSON text of value. indent > 0: pretty, members one per line, arrays of
// scalars kept on one line; indent ≤ 0: compact. Strings are escaped as RFC
// 8259 requires; bytes that are not valid UTF-8 become U+FFFD so the output
// is always valid JSON. Numbers round-trip: integers (|x| < 2^53) without a
// decimal point, -0 as "-0", others as the shortest text that reads back to
// the same double; NaN and ±infinity (not representable) become null.
std::string serialize(const Value& value, int indent = 2);

// Parses one JSON text (RFC 8259: any value at top level, whitespace around
// it, UTF-8). Strict: no comments, trailing commas, leading zeros, single
// quotes, control characters or invalid UTF-8 in strings, lone surrogates in
// \u escapes, or numbers beyond double range (tiny ones become 0). Nesting is
// limited to kMaxDepth. Throws Error("JSON: <problem> at byte <offset>").
// Linear in the input; safe on any input.
Value parse(std::string_view text);

} // namespace mnistx::json
