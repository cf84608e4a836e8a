#include "core/query/query_syntax.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace mnistx::query
{

namespace
{

struct Token {
    enum class Kind { Number, String, Name, QuotedName, Operator, Open, Close, End };
    Kind kind = Kind::End;
    std::string text; // the operator, the name, the string's content
    double number = 0.0;
    int offset = 0;
    int length = 0;
};

bool isNameStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool isNameChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// The text of a token for messages: 'loss', '==', "end of the query".
std::string describe(const Token& t)
{
    switch (t.kind) {
    case Token::Kind::End:
        return "the end of the query";
    case Token::Kind::String:
        return "the text \"" + t.text + "\"";
    case Token::Kind::Number:
    case Token::Kind::Name:
    case Token::Kind::QuotedName:
    case Token::Kind::Operator:
    case Token::Kind::Open:
    case Token::Kind::Close:
        break;
    }
    return "'" + t.text + "'";
}

class Lexer
{
public:
    explicit Lexer(const std::string& text) : m_text(text) {}

    std::vector<Token> tokens()
    {
        std::vector<Token> out;
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size()) {
                Token end;
                end.offset = static_cast<int>(m_text.size());
                end.length = 1;
                out.push_back(end);
                return out;
            }
            out.push_back(next());
        }
    }

private:
    void skipSpace()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
    }

    [[noreturn]] void fail(const std::string& message, std::size_t begin, std::size_t length)
    {
        throw QueryError(message, static_cast<int>(begin), static_cast<int>(length));
    }

    Token make(Token::Kind kind, std::size_t begin)
    {
        Token t;
        t.kind = kind;
        t.offset = static_cast<int>(begin);
        t.length = static_cast<int>(m_pos - begin);
        if (kind != Token::Kind::String && kind != Token::Kind::QuotedName)
            t.text = m_text.substr(begin, m_pos - begin);
        return t;
    }

    Token next()
    {
        const std::size_t begin = m_pos;
        const char c = m_text[m_pos];
        if (std::isdigit(static_cast<unsigned char>(c)) ||
            (c == '.' && m_pos + 1 < m_text.size() &&
             std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1]))))
            return number(begin);
        if (isNameStart(c)) {
            while (m_pos < m_text.size() && isNameChar(m_text[m_pos]))
                ++m_pos;
            return make(Token::Kind::Name, begin);
        }
        if (c == '"' || c == '\'' || c == '`')
            return quoted(begin, c);
        if (c == '(' || c == ')') {
            ++m_pos;
            return make(c == '(' ? Token::Kind::Open : Token::Kind::Close, begin);
        }
        for (const char* op :
             {"==", "!=", "<=", ">=", "&&", "||", "<", ">", "=", "!", "+", "-", "*", "/"}) {
            const std::string_view o(op);
            if (m_text.compare(m_pos, o.size(), o) == 0) {
                m_pos += o.size();
                return make(Token::Kind::Operator, begin);
            }
        }
        // One whole UTF-8 character in the message.
        std::size_t end = m_pos + 1;
        while (end < m_text.size() && (static_cast<unsigned char>(m_text[end]) & 0xC0) == 0x80)
            ++end;
        fail("'" + m_text.substr(m_pos, end - m_pos) + "' is not part of the query language", begin,
             end - begin);
    }

    Token number(std::size_t begin)
    {
        while (m_pos < m_text.size() &&
               (std::isdigit(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '.'))
            ++m_pos;
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            std::size_t p = m_pos + 1;
            if (p < m_text.size() && (m_text[p] == '+' || m_text[p] == '-'))
                ++p;
            if (p < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[p]))) {
                m_pos = p;
                while (m_pos < m_text.size() &&
                       std::isdigit(static_cast<unsigned char>(m_text[m_pos])))
                    ++m_pos;
            }
        }
        // "12abc", "1.2.3": one bad token, not a number and a name.
        if (m_pos < m_text.size() && (isNameChar(m_text[m_pos]) || m_text[m_pos] == '.')) {
            while (m_pos < m_text.size() && (isNameChar(m_text[m_pos]) || m_text[m_pos] == '.'))
                ++m_pos;
            fail("'" + m_text.substr(begin, m_pos - begin) + "' is not a number", begin,
                 m_pos - begin);
        }
        Token t = make(Token::Kind::Number, begin);
        t.number = toDouble(t.text);
        return t;
    }

    static double toDouble(const std::string& s)
    {
        // from_chars: the C locale's '.', whatever the process's locale is.
        double value = 0.0;
        const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
        (void)end;
        if (error == std::errc::result_out_of_range)
            return s.find("e-") != std::string::npos || s.find("E-") != std::string::npos
                       ? 0.0
                       : HUGE_VAL;
        return value;
    }

    Token quoted(std::size_t begin, char quote)
    {
        std::string content;
        ++m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] != quote) {
            if (m_text[m_pos] == '\\' && quote != '`' && m_pos + 1 < m_text.size() &&
                (m_text[m_pos + 1] == quote || m_text[m_pos + 1] == '\\'))
                ++m_pos;
            content += m_text[m_pos++];
        }
        if (m_pos >= m_text.size())
            fail(quote == '`' ? "the name has no closing backtick"
                              : "the text has no closing " + std::string(1, quote),
                 begin, m_text.size() - begin);
        ++m_pos;
        Token t = make(quote == '`' ? Token::Kind::QuotedName : Token::Kind::String, begin);
        t.text = std::move(content);
        if (quote == '`' && t.text.empty())
            fail("`` names nothing", begin, m_pos - begin);
        return t;
    }

    const std::string& m_text;
    std::size_t m_pos = 0;
};

using Node = std::unique_ptr<SyntaxNode>;

Node makeNode(SyntaxNode::Kind kind, int offset, int length)
{
    auto n = std::make_unique<SyntaxNode>();
    n->kind = kind;
    n->offset = offset;
    n->length = length;
    return n;
}

// A node spanning its first to its last child.
Node spanning(SyntaxNode::Kind kind, std::vector<Node> children, std::string text = {})
{
    const int begin = children.front()->offset;
    const SyntaxNode& last = *children.back();
    Node n = makeNode(kind, begin, last.offset + last.length - begin);
    n->text = std::move(text);
    n->children = std::move(children);
    return n;
}

class Parser
{
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    Node parse()
    {
        if (peek().kind == Token::Kind::End)
            throw QueryError("the query is empty", 0, 1);
        Node n = orExpression();
        if (peek().kind != Token::Kind::End) {
            const Token& t = peek();
            std::string hint;
            if (t.kind == Token::Kind::Close)
                hint = " (no '(' opens it)";
            else if (t.kind == Token::Kind::Operator && isComparison(t.text))
                hint = " (comparisons do not chain: join them with 'and')";
            else
                hint = " (join conditions with 'and' or 'or')";
            throw QueryError("unexpected " + describe(t) + hint, t.offset, t.length);
        }
        return n;
    }

private:
    const Token& peek() const { return m_tokens[m_index]; }
    Token take() { return m_tokens[m_index++]; }

    static bool isComparison(const std::string& op)
    {
        return op == "==" || op == "=" || op == "!=" || op == "<" || op == "<=" || op == ">" ||
               op == ">=";
    }

    bool isKeyword(const char* word) const
    {
        const Token& t = peek();
        return t.kind == Token::Kind::Name && lowerAscii(t.text) == word;
    }
    bool isOperator(const char* op) const
    {
        const Token& t = peek();
        return t.kind == Token::Kind::Operator && t.text == op;
    }

    struct DepthGuard {
        DepthGuard(int& depth, const Token& at) : m_depth(depth)
        {
            if (++m_depth > kMaxQueryDepth)
                throw QueryError("the query nests deeper than " + std::to_string(kMaxQueryDepth) +
                                     " levels",
                                 at.offset, at.length);
        }
        ~DepthGuard() { --m_depth; }
        int& m_depth;
    };

    Node orExpression()
    {
        std::vector<Node> terms;
        terms.push_back(andExpression());
        while (isKeyword("or") || isOperator("||")) {
            take();
            terms.push_back(andExpression());
        }
        return terms.size() == 1 ? std::move(terms.front())
                                 : spanning(SyntaxNode::Kind::Or, std::move(terms));
    }

    Node andExpression()
    {
        std::vector<Node> terms;
        terms.push_back(notExpression());
        while (isKeyword("and") || isOperator("&&")) {
            take();
            terms.push_back(notExpression());
        }
        return terms.size() == 1 ? std::move(terms.front())
                                 : spanning(SyntaxNode::Kind::And, std::move(terms));
    }

    Node notExpression()
    {
        if (isKeyword("not") || isOperator("!")) {
            const Token op = take();
            const DepthGuard guard(m_depth, op);
            Node operand = notExpression();
            Node n = makeNode(SyntaxNode::Kind::Not, op.offset,
                              operand->offset + operand->length - op.offset);
            n->children.push_back(std::move(operand));
            return n;
        }
        return comparison();
    }

    Node comparison()
    {
        Node left = sum();
        const Token& t = peek();
        if (t.kind != Token::Kind::Operator || !isComparison(t.text))
            return left;
        const Token op = take();
        Node right = sum();
        std::vector<Node> children;
        children.push_back(std::move(left));
        children.push_back(std::move(right));
        return spanning(SyntaxNode::Kind::Compare, std::move(children),
                        op.text == "=" ? "==" : op.text);
    }

    Node sum()
    {
        Node left = product();
        while (isOperator("+") || isOperator("-")) {
            const Token op = take();
            std::vector<Node> children;
            children.push_back(std::move(left));
            children.push_back(product());
            left = spanning(SyntaxNode::Kind::Arithmetic, std::move(children), op.text);
        }
        return left;
    }

    Node product()
    {
        Node left = unary();
        while (isOperator("*") || isOperator("/")) {
            const Token op = take();
            std::vector<Node> children;
            children.push_back(std::move(left));
            children.push_back(unary());
            left = spanning(SyntaxNode::Kind::Arithmetic, std::move(children), op.text);
        }
        return left;
    }

    Node unary()
    {
        if (isOperator("-")) {
            const Token op = take();
            const DepthGuard guard(m_depth, op);
            Node operand = unary();
            Node n = makeNode(SyntaxNode::Kind::Negate, op.offset,
                              operand->offset + operand->length - op.offset);
            n->children.push_back(std::move(operand));
            return n;
        }
        return primary();
    }

    Node primary()
    {
        const Token t = take();
        switch (t.kind) {
        case Token::Kind::Number: {
            Node n = makeNode(SyntaxNode::Kind::Number, t.offset, t.length);
            n->number = t.number;
            return n;
        }
        case Token::Kind::String: {
            Node n = makeNode(SyntaxNode::Kind::String, t.offset, t.length);
            n->text = t.text;
            return n;
        }
        case Token::Kind::Name:
        case Token::Kind::QuotedName: {
            const std::string word = lowerAscii(t.text);
            if (t.kind == Token::Kind::Name && (word == "and" || word == "or" || word == "not"))
                throw QueryError("expected a value before '" + t.text + "'", t.offset, t.length);
            Node n = makeNode(SyntaxNode::Kind::Name, t.offset, t.length);
            n->text = t.text;
            n->quotedName = t.kind == Token::Kind::QuotedName;
            return n;
        }
        case Token::Kind::Open: {
            const DepthGuard guard(m_depth, t);
            Node inner = orExpression();
            if (peek().kind != Token::Kind::Close)
                throw QueryError("expected ')' to close the '(' here", t.offset, t.length);
            const Token close = take();
            // The parentheses belong to the span: an error about the
            // group points at all of it.
            inner->offset = t.offset;
            inner->length = close.offset + close.length - t.offset;
            return inner;
        }
        case Token::Kind::Operator:
        case Token::Kind::Close:
        case Token::Kind::End:
            break;
        }
        throw QueryError("expected a value, found " + describe(t), t.offset, t.length);
    }

    std::vector<Token> m_tokens;
    std::size_t m_index = 0;
    int m_depth = 0;
};

} // namespace

std::unique_ptr<SyntaxNode> parseQuery(const std::string& expression)
{
    if (expression.size() > static_cast<std::size_t>(kMaxQueryBytes))
        throw QueryError("the query is longer than " + std::to_string(kMaxQueryBytes) + " bytes",
                         kMaxQueryBytes, 1);
    return Parser(Lexer(expression).tokens()).parse();
}

const std::vector<std::string>& queryKeywords()
{
    static const std::vector<std::string> words = {"and", "or", "not", "true", "false"};
    return words;
}

bool isPlainQueryName(const std::string& name)
{
    return !name.empty() && isNameStart(name.front()) &&
           std::all_of(name.begin(), name.end(), isNameChar);
}

std::string lowerAscii(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

} // namespace mnistx::query
