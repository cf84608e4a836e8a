#pragma once
// JSON for the run store's metadata, summary.json, insights.json and
// label_marks.json: nlohmann::ordered_json (Debian's nlohmann-json3-dev) for
// the values, the parser and the number formatting, plus the two things our
// files need on top of it:
//   - errors that say where: parse() names the byte offset, Cursor names the
//     path in the document ("$.train.per_class[3].count: expected an integer,
//     found the string \"x\"");
//   - summary.json laid out for people: serialize() keeps arrays of scalars
//     (a confusion-matrix row, bin edges) on one line.
//
// Core-internal: include it from .cpp files only, so that nlohmann's header
// stays out of core's public API.
//
// ordered_json keeps members in insertion (file) order; integers are exact
// over the whole 64-bit range; numbers are read and written without the C
// locale, so a German LC_NUMERIC (which QCoreApplication installs) cannot
// turn "0.5" into 0. Values are plain data: copy them, share them read-only
// between threads. Every failure here throws json::Error.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mnistx::json
{

using Value = nlohmann::ordered_json;

// Bad JSON text (what() names the byte offset) or a value of the wrong type
// or shape (what() names the path).
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Arrays and objects nest at most this deep in parse(): deep enough for any
// real document, shallow enough that serialize()'s recursion cannot exhaust
// the stack of a worker thread.
constexpr int kMaxDepth = 512;

// Parses one JSON text (RFC 8259, UTF-8; a leading byte order mark is
// skipped). Strict: no comments, trailing commas, invalid UTF-8, lone
// surrogates, NUL bytes or numbers beyond double range; nesting at most
// kMaxDepth. Throws Error("JSON: <problem> at byte <offset>"), offset
// counted from 0. Linear in the input; safe on any input.
Value parse(std::string_view text);

// JSON text of value. indent > 0: pretty, members one per line, arrays of
// scalars kept on one line; indent ≤ 0: compact. Bytes that are not valid
// UTF-8 become U+FFFD, so the output is always valid JSON. Numbers
// round-trip (integers exactly, doubles as the shortest text that reads back
// to the same double); NaN and ±infinity become null.
std::string serialize(const Value& value, int indent = 2);

// True when text is valid UTF-8 (no overlong forms, surrogates or code
// points beyond U+10FFFF), i.e. when serialize() keeps it byte for byte.
bool isUtf8(std::string_view text);

// "null", "a boolean", "a number", "a string", "an array", "an object".
const char* typeName(const Value& value);

// A read-only view of a Value that knows its place in the document, so that
// every error names it. The viewed Value must outlive the Cursor.
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
    bool contains(std::string_view key) const;
    // Elements of an array (Error when this is not an array).
    std::size_t arraySize() const;
    // The members of an object, in file order (Error for anything else).
    const Value::object_t& asObject() const;

    bool asBool() const;
    double asNumber() const;
    // An integer: a JSON integer in range, or a number with no fractional
    // part and |x| ≤ 2^53 ("3e9"). Error otherwise.
    long long asInteger() const;
    // asInteger() within [min, max] (Error naming the range otherwise).
    long long asInteger(long long min, long long max) const;
    int asInt() const;
    // A non-negative integer up to 2^64 − 1 (a seed).
    std::uint64_t asUnsigned() const;
    const std::string& asString() const;

    // Throws Error("<path>: <problem>").
    [[noreturn]] void fail(const std::string& problem) const;

private:
    // Throws Error("<path>: expected <expected>, found <what this is>").
    [[noreturn]] void typeError(const char* expected) const;

    const Value* m_value;
    std::string m_path;
};

} // namespace mnistx::json
