#pragma once
// The syntax of the sample query language (sample_query.h says what the
// expressions mean): text → tokens → a tree, with each node's place in the
// text so that an error can point at the token it is about.
//
// Grammar, lowest precedence first (keywords are case-insensitive):
//   expr       := and_expr ( ("or" | "||") and_expr )*
//   and_expr   := not_expr ( ("and" | "&&") not_expr )*
//   not_expr   := ("not" | "!") not_expr | comparison
//   comparison := sum ( ("==" | "=" | "!=" | "<" | "<=" | ">" | ">=") sum )?
//   sum        := product ( ("+" | "-") product )*
//   product    := unary ( ("*" | "/") unary )*
//   unary      := "-" unary | primary
//   primary    := number | string | name | "(" expr ")"
// number: 12, 0.5, .5, 1e-3. string: "…" or '…' with \" \' \\ inside.
// name: a letter or _ then letters, digits, _ (loss, p3, dist_own), or any
// text in backticks (`exposure time`). Comparisons do not chain (a < b < c is
// an error).
//
// Plain functions, no state; any thread.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mnistx::query
{

// What is wrong with an expression and where: offset and length in bytes of
// the UTF-8 text (length ≥ 1; at the end of the text, offset = its size).
class QueryError : public std::runtime_error
{
public:
    QueryError(const std::string& message, int offset, int length)
        : std::runtime_error(message), m_offset(offset), m_length(length < 1 ? 1 : length)
    {
    }
    int offset() const { return m_offset; }
    int length() const { return m_length; }

private:
    int m_offset;
    int m_length;
};

struct SyntaxNode {
    enum class Kind {
        Number,     // number
        String,     // text (quotes removed, escapes resolved)
        Name,       // text: the name (backticks removed)
        Or,         // children: two or more
        And,        // two or more
        Not,        // one
        Compare,    // two; text: "==", "!=", "<", "<=", ">", ">=" ("=" becomes "==")
        Arithmetic, // two; text: "+", "-", "*", "/"
        Negate,     // one
    };
    Kind kind = Kind::Number;
    double number = 0.0;
    std::string text;
    bool quotedName = false; // a Name written in backticks (never a keyword)
    int offset = 0;          // where the node's text starts, bytes
    int length = 0;          // and how long it is
    std::vector<std::unique_ptr<SyntaxNode>> children;
};

// Longest expression accepted, in bytes, and deepest nesting: a query is a
// line a person types.
inline constexpr int kMaxQueryBytes = 4096;
inline constexpr int kMaxQueryDepth = 64;

// Parses an expression. Throws QueryError pointing at the offending token:
// an empty expression, a character that starts no token, an unclosed string
// or backtick, a missing operand or parenthesis, a chained comparison, text
// after the end, more than kMaxQueryBytes or kMaxQueryDepth.
std::unique_ptr<SyntaxNode> parseQuery(const std::string& expression);

// The keywords, for completion: "and", "or", "not", "true", "false".
const std::vector<std::string>& queryKeywords();

// Whether name can be written without backticks: the lexer reads it as one
// name (a letter or _, then letters, digits, _).
bool isPlainQueryName(const std::string& name);

// text with ASCII letters in lower case: how keywords (and the subset words
// of sample_query.h) are compared, case-insensitively.
std::string lowerAscii(std::string text);

} // namespace mnistx::query
