#include "core/query/sample_query.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string_view>
#include <utility>

namespace mnistx::query
{

namespace
{

using analysis::SubsetAnalysis;

// One sample as a query sees it.
struct Row {
    const SubsetAnalysis* a = nullptr;
    const RowMatrixXf* xy = nullptr;
    int i = 0;
    bool validation = false;
    std::size_t at() const { return static_cast<std::size_t>(i); }
};

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

enum class Type { Number, Class, Subset, Category, Text, Bool, String };

using Predicate = std::function<bool(const Row&)>;

struct Operand {
    Type type = Type::Number;
    // Number, Class (index), Subset (0 train, 1 validation), Category
    // (index, NaN when missing), Bool (0 or 1).
    std::function<double(const Row&)> value;
    std::function<std::string_view(const Row&)> text; // Text
    // Written in the query (a number, a text, train/validation, true/false).
    bool literal = false;
    double constant = 0.0;
    std::string constText;
    const data::MetadataColumn* column = nullptr; // Category: its column
    std::string name;                             // the field's name, or the literal as written
    int offset = 0;
    int length = 0;
};

std::string shownName(const std::string& name)
{
    return isPlainQueryName(name) ? name : "`" + name + "`";
}

// The subset a word names, case-insensitively: 0 for train (training), 1
// for validation (val, test); -1 for any other word.
int subsetOfWord(const std::string& word)
{
    const std::string w = lowerAscii(word);
    if (w == "train" || w == "training")
        return 0;
    if (w == "validation" || w == "val" || w == "test")
        return 1;
    return -1;
}

// How far apart two names are (edits), for "did you mean".
int editDistance(const std::string& a, const std::string& b)
{
    std::vector<int> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = static_cast<int>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = static_cast<int>(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const int up = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1,
                          diagonal + (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                              std::tolower(static_cast<unsigned char>(b[j - 1]))
                                          ? 0
                                          : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string describe(const Operand& o)
{
    switch (o.type) {
    case Type::Number:
        return o.literal ? "the number " + o.name : o.name + " is a number";
    case Type::Class:
        return o.name + " is a class";
    case Type::Subset:
        return o.literal ? "'" + o.name + "' is a subset" : "subset is train or validation";
    case Type::Category:
        return o.name + " is a category";
    case Type::Text:
        return o.name + " is a text";
    case Type::Bool:
        return o.literal ? "'" + o.name + "' is a condition" : o.name + " is a condition";
    case Type::String:
        return "\"" + o.constText + "\" is a text";
    }
    return o.name;
}

bool isEquality(const std::string& op)
{
    return op == "==" || op == "!=";
}

enum class Op { Eq, Ne, Lt, Le, Gt, Ge };

Op opOf(const std::string& op)
{
    if (op == "==")
        return Op::Eq;
    if (op == "!=")
        return Op::Ne;
    if (op == "<")
        return Op::Lt;
    if (op == "<=")
        return Op::Le;
    if (op == ">")
        return Op::Gt;
    return Op::Ge;
}

// The comparison seen from the other side: 2 < loss is loss > 2.
std::string flipped(const std::string& op)
{
    if (op == "<")
        return ">";
    if (op == "<=")
        return ">=";
    if (op == ">")
        return "<";
    if (op == ">=")
        return "<=";
    return op;
}

// a op b as the data's 32-bit floats (losses, probabilities, metadata all
// are): `exposure == 0.3` matches the 0.3 read from metadata.csv. A missing
// value (NaN) matches nothing, != included.
bool apply(Op op, double da, double db)
{
    const float a = static_cast<float>(da);
    const float b = static_cast<float>(db);
    if (std::isnan(a) || std::isnan(b))
        return false;
    switch (op) {
    case Op::Eq:
        return a == b;
    case Op::Ne:
        return a != b;
    case Op::Lt:
        return a < b;
    case Op::Le:
        return a <= b;
    case Op::Gt:
        return a > b;
    case Op::Ge:
        return a >= b;
    }
    return false;
}

class Compiler
{
public:
    Compiler(const store::RunData& run, const data::UserMetadata* metadata) : m_run(run)
    {
        m_classCount = run.train.sampleCount() > 0 || run.validation.sampleCount() == 0
                           ? run.train.classCount
                           : run.validation.classCount;
        auto names = std::make_shared<std::vector<std::string>>();
        for (int c = 0; c < m_classCount; ++c)
            names->push_back(run.className(c));
        m_classNames = std::move(names);
        if (metadata)
            for (const data::MetadataColumn& c : metadata->columns)
                if (c.covers(run.train.sampleCount(), run.validation.sampleCount()))
                    m_user.push_back(&c);
    }

    Predicate condition(const SyntaxNode& n)
    {
        switch (n.kind) {
        case SyntaxNode::Kind::Or:
        case SyntaxNode::Kind::And: {
            std::vector<Predicate> terms;
            for (const auto& c : n.children)
                terms.push_back(condition(*c));
            if (n.kind == SyntaxNode::Kind::Or)
                return [terms](const Row& r) {
                    return std::any_of(terms.begin(), terms.end(),
                                       [&](const Predicate& p) { return p(r); });
                };
            return [terms](const Row& r) {
                return std::all_of(terms.begin(), terms.end(),
                                   [&](const Predicate& p) { return p(r); });
            };
        }
        case SyntaxNode::Kind::Not: {
            Predicate inner = condition(*n.children.front());
            return [inner](const Row& r) { return !inner(r); };
        }
        case SyntaxNode::Kind::Compare:
            return comparison(n);
        case SyntaxNode::Kind::Number:
        case SyntaxNode::Kind::String:
        case SyntaxNode::Kind::Name:
        case SyntaxNode::Kind::Arithmetic:
        case SyntaxNode::Kind::Negate:
            break;
        }
        const Operand o = operand(n);
        if (o.type != Type::Bool) {
            std::string hint;
            if (o.type == Type::Number && !o.literal)
                hint = ": compare it (" + o.name + " > 2)";
            else if (o.type == Type::Class || o.type == Type::Category || o.type == Type::Text)
                hint = ": compare it (" + o.name + " == …)";
            throw QueryError(describe(o) + ", not a condition" + hint, n.offset, n.length);
        }
        auto value = o.value;
        return [value](const Row& r) { return value(r) != 0.0; };
    }

    std::vector<QueryField> fields() const
    {
        std::vector<QueryField> out = {
            {"subset", "train or validation"},
            {"index", "the sample's index within its subset"},
            {"label", "the ground-truth class (a name or a number)"},
            {"prediction", "the predicted class"},
            {"nearest", "the class of the nearest centroid"},
            {"correct", "prediction == label"},
            {"loss", "cross-entropy in nats"},
            {"confidence", "the highest probability"},
            {"margin", "the highest probability minus the second"},
            {"dist_own", std::string("distance to the label's centroid, ") + m_run.centroidSpace()},
            {"dist_pred", "distance to the predicted class's centroid"},
            {"dist_nearest", "distance to the nearest centroid"},
            {"x", "position on the map"},
            {"y", "position on the map"},
            {"label_name", "the label's class name"},
            {"prediction_name", "the prediction's class name"},
            {"source", "the image's file"},
        };
        for (int c = 0; c < m_classCount; ++c)
            out.push_back({"p" + std::to_string(c),
                           "probability of " + (*m_classNames)[static_cast<std::size_t>(c)]});
        for (int c = 0; c < m_classCount; ++c)
            out.push_back(
                {"dist" + std::to_string(c),
                 "distance to the centroid of " + (*m_classNames)[static_cast<std::size_t>(c)]});
        if (!m_run.train.scored) // a run without model scores
            out.erase(std::remove_if(out.begin(), out.end(),
                                     [](const QueryField& f) { return needsScores(f.name); }),
                      out.end());
        for (const data::MetadataColumn* c : m_user)
            out.push_back({shownName(c->name),
                           c->numeric ? "your metadata: a number" : "your metadata: a category"});
        return out;
    }

private:
    Predicate comparison(const SyntaxNode& n)
    {
        Operand a = operand(*n.children[0]);
        Operand b = operand(*n.children[1]);
        std::string op = n.text;
        // The field on the left: 2 < loss is loss > 2.
        if (a.literal && !b.literal) {
            std::swap(a, b);
            op = flipped(op);
        }
        const Op o = opOf(op);
        auto mismatch = [&]() -> QueryError {
            return QueryError("cannot compare: " + describe(a) + ", " + describe(b), n.offset,
                              n.length);
        };
        auto equalityOnly = [&](const Operand& x) {
            if (!isEquality(op))
                throw QueryError(describe(x) + ": compare it with == or !=, not " + n.text,
                                 n.offset, n.length);
        };
        if (a.literal && b.literal)
            throw QueryError("compares two constants: name a field (loss, label, …)", n.offset,
                             n.length);

        switch (a.type) {
        case Type::Number:
            if (b.type == Type::Number)
                return numeric(o, a, b);
            throw mismatch();
        case Type::Class:
            if (b.type == Type::Class)
                return numeric(o, a, b);
            if (b.type == Type::Number) {
                if (isEquality(op) && b.literal &&
                    (b.constant != std::floor(b.constant) || b.constant < 0 ||
                     b.constant >= m_classCount))
                    throw QueryError(a.name + " is a class 0–" + std::to_string(m_classCount - 1) +
                                         ": there is no class " + b.name,
                                     b.offset, b.length);
                return numeric(o, a, b);
            }
            if (b.type == Type::String) {
                equalityOnly(a);
                b.constant = classNamed(b);
                b.value = constant(b.constant);
                return numeric(o, a, b);
            }
            throw mismatch();
        case Type::Subset:
            if (b.type == Type::Subset || b.type == Type::String) {
                equalityOnly(a);
                if (b.type == Type::String)
                    b.value = constant(subsetNamed(b));
                return numeric(o, a, b);
            }
            throw mismatch();
        case Type::Category:
            if (b.type == Type::String) {
                equalityOnly(a);
                b.value = constant(categoryNamed(*a.column, b));
                return numeric(o, a, b);
            }
            if (b.type == Type::Category && b.column == a.column) {
                equalityOnly(a);
                return numeric(o, a, b);
            }
            throw mismatch();
        case Type::Text:
            if (b.type == Type::String || b.type == Type::Text) {
                equalityOnly(a);
                auto left = a.text;
                std::function<std::string_view(const Row&)> right = b.text;
                if (b.type == Type::String) {
                    auto fixed = std::make_shared<std::string>(b.constText);
                    right = [fixed](const Row&) { return std::string_view(*fixed); };
                }
                const bool equal = op == "==";
                return
                    [left, right, equal](const Row& r) { return (left(r) == right(r)) == equal; };
            }
            throw mismatch();
        case Type::Bool:
            if (b.type == Type::Bool ||
                (b.type == Type::Number && b.literal && (b.constant == 0 || b.constant == 1))) {
                equalityOnly(a);
                return numeric(o, a, b);
            }
            throw mismatch();
        case Type::String:
            break;
        }
        throw mismatch();
    }

    static std::function<double(const Row&)> constant(double v)
    {
        return [v](const Row&) { return v; };
    }

    static Predicate numeric(Op o, const Operand& a, const Operand& b)
    {
        auto left = a.value;
        auto right = b.value;
        if (b.literal) {
            const double v = right(Row{});
            return [left, o, v](const Row& r) { return apply(o, left(r), v); };
        }
        return [left, right, o](const Row& r) { return apply(o, left(r), right(r)); };
    }

    double classNamed(const Operand& s) const
    {
        for (int c = 0; c < m_classCount; ++c)
            if ((*m_classNames)[static_cast<std::size_t>(c)] == s.constText)
                return c;
        std::string known;
        for (int c = 0; c < m_classCount && c < 12; ++c)
            known += (c ? ", \"" : "\"") + (*m_classNames)[static_cast<std::size_t>(c)] + "\"";
        if (m_classCount > 12)
            known += ", …";
        throw QueryError("no class is named \"" + s.constText + "\" (classes: " + known + ")",
                         s.offset, s.length);
    }

    static double subsetNamed(const Operand& s)
    {
        const int subset = subsetOfWord(s.constText);
        if (subset >= 0)
            return subset;
        throw QueryError("\"" + s.constText + "\" is no subset: train or validation", s.offset,
                         s.length);
    }

    static double categoryNamed(const data::MetadataColumn& column, const Operand& s)
    {
        const auto& cats = column.categories;
        const auto it = std::find(cats.begin(), cats.end(), s.constText);
        if (it != cats.end())
            return static_cast<double>(it - cats.begin());
        std::string known;
        for (std::size_t k = 0; k < cats.size() && k < 8; ++k)
            known += (k ? ", \"" : "\"") + cats[k] + "\"";
        if (cats.size() > 8)
            known += ", …";
        throw QueryError(shownName(column.name) + " has no value \"" + s.constText + "\" (" +
                             (cats.empty() ? std::string("it has none") : known) + ")",
                         s.offset, s.length);
    }

    Operand operand(const SyntaxNode& n)
    {
        Operand o;
        o.offset = n.offset;
        o.length = n.length;
        switch (n.kind) {
        case SyntaxNode::Kind::Number: {
            o.type = Type::Number;
            o.literal = true;
            o.constant = n.number;
            o.value = constant(n.number);
            o.name = formatNumber(n.number);
            return o;
        }
        case SyntaxNode::Kind::String:
            o.type = Type::String;
            o.literal = true;
            o.constText = n.text;
            o.name = "\"" + n.text + "\"";
            return o;
        case SyntaxNode::Kind::Name:
            return field(n);
        case SyntaxNode::Kind::Negate: {
            Operand inner = operand(*n.children.front());
            if (inner.type != Type::Number)
                throw QueryError(describe(inner) + ": only numbers can be negated", n.offset,
                                 n.length);
            auto v = inner.value;
            o = inner;
            o.offset = n.offset;
            o.length = n.length;
            o.constant = -inner.constant;
            o.name = "-" + inner.name;
            o.value = [v](const Row& r) { return -v(r); };
            return o;
        }
        case SyntaxNode::Kind::Arithmetic: {
            const Operand a = operand(*n.children[0]);
            const Operand b = operand(*n.children[1]);
            for (const Operand* x : {&a, &b})
                if (x->type != Type::Number)
                    throw QueryError(describe(*x) + ": only numbers take " + n.text, x->offset,
                                     x->length);
            o.type = Type::Number;
            o.literal = a.literal && b.literal;
            o.name = a.name + " " + n.text + " " + b.name;
            auto l = a.value;
            auto r = b.value;
            switch (n.text[0]) {
            case '+':
                o.value = [l, r](const Row& x) { return l(x) + r(x); };
                break;
            case '-':
                o.value = [l, r](const Row& x) { return l(x) - r(x); };
                break;
            case '*':
                o.value = [l, r](const Row& x) { return l(x) * r(x); };
                break;
            default:
                o.value = [l, r](const Row& x) { return l(x) / r(x); };
                break;
            }
            if (o.literal)
                o.constant = o.value(Row{});
            return o;
        }
        case SyntaxNode::Kind::Or:
        case SyntaxNode::Kind::And:
        case SyntaxNode::Kind::Not:
        case SyntaxNode::Kind::Compare: {
            Predicate p = condition(n);
            o.type = Type::Bool;
            o.name = "(…)";
            o.value = [p](const Row& r) { return p(r) ? 1.0 : 0.0; };
            return o;
        }
        }
        return o;
    }

    static std::string formatNumber(double v)
    {
        std::string s = std::to_string(v);
        if (s.find('.') != std::string::npos) {
            while (!s.empty() && s.back() == '0')
                s.pop_back();
            if (!s.empty() && s.back() == '.')
                s.pop_back();
        }
        return s;
    }

    Operand field(const SyntaxNode& n)
    {
        Operand o;
        o.offset = n.offset;
        o.length = n.length;
        o.name = n.quotedName ? shownName(n.text) : n.text;
        const std::string& name = n.text;
        if (!n.quotedName) {
            const std::string word = lowerAscii(name);
            if (word == "true" || word == "false") {
                o.type = Type::Bool;
                o.literal = true;
                o.constant = word == "true" ? 1 : 0;
                o.value = constant(o.constant);
                return o;
            }
            if (const int subset = subsetOfWord(name); subset >= 0) {
                o.type = Type::Subset;
                o.literal = true;
                o.constant = subset;
                o.value = constant(o.constant);
                return o;
            }
        }
        if (builtIn(name, n, o))
            return o;
        for (const data::MetadataColumn* c : m_user) {
            if (c->name != name)
                continue;
            o.type = c->numeric ? Type::Number : Type::Category;
            o.column = c;
            o.value = [c](const Row& r) {
                const float v = c->values(r.validation)[r.at()];
                return std::isnan(v) ? kMissing : static_cast<double>(v);
            };
            return o;
        }
        // Unknown: the nearest name, if one is near.
        std::string best;
        int bestDistance = 3;
        for (const QueryField& f : fields()) {
            const std::string plain = f.name.size() > 1 && f.name.front() == '`'
                                          ? f.name.substr(1, f.name.size() - 2)
                                          : f.name;
            const int d = editDistance(name, plain);
            if (d < bestDistance) {
                bestDistance = d;
                best = f.name;
            }
        }
        std::string message = "unknown field " + shownName(name);
        if (!best.empty())
            message += " (did you mean " + best + "?)";
        else
            message += " (fields: subset, label, prediction, loss, dist_own, …)";
        throw QueryError(message, n.offset, n.length);
    }

    // The per-class columns: "p3", "dist12"; -1 when name is not one.
    int perClassIndex(const std::string& name, const std::string& prefix, const SyntaxNode& n) const
    {
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
            !std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                         [](char c) { return c >= '0' && c <= '9'; }))
            return -1;
        const std::string digits = name.substr(prefix.size());
        if (digits.size() > 6 || std::stoi(digits) >= m_classCount)
            throw QueryError(name + ": the run has classes 0–" + std::to_string(m_classCount - 1),
                             n.offset, n.length);
        return std::stoi(digits);
    }

    // The fields that come from the model's scores.
    static bool needsScores(const std::string& name)
    {
        static const char* const kNames[] = {"prediction",     "correct", "loss",
                                             "confidence",     "margin",  "dist_pred",
                                             "prediction_name"};
        return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames) ||
               (name.size() > 1 && name[0] == 'p' &&
                std::all_of(name.begin() + 1, name.end(),
                            [](char c) { return c >= '0' && c <= '9'; }));
    }

    bool builtIn(const std::string& name, const SyntaxNode& n, Operand& o)
    {
        if (!m_run.train.scored && needsScores(name))
            throw QueryError(name + " needs the model's scores, and this run has none (" +
                                 analysis::kNoScoresCause + ")",
                             n.offset, n.length);
        auto number = [&](std::function<double(const Row&)> f) {
            o.type = Type::Number;
            o.value = std::move(f);
            return true;
        };
        auto classOf = [&](std::function<double(const Row&)> f) {
            o.type = Type::Class;
            o.value = std::move(f);
            return true;
        };
        auto textOf = [&](std::function<std::string_view(const Row&)> f) {
            o.type = Type::Text;
            o.text = std::move(f);
            return true;
        };
        auto distance = [](const Row& r, int c) {
            return static_cast<double>(r.a->centroidDistances(r.i, c));
        };
        const auto names = m_classNames;
        if (name == "subset") {
            o.type = Type::Subset;
            o.value = [](const Row& r) { return r.validation ? 1.0 : 0.0; };
            return true;
        }
        if (name == "index")
            return number([](const Row& r) { return static_cast<double>(r.i); });
        if (name == "label")
            return classOf([](const Row& r) { return static_cast<double>(r.a->labels[r.at()]); });
        if (name == "prediction")
            return classOf(
                [](const Row& r) { return static_cast<double>(r.a->predictions[r.at()]); });
        if (name == "nearest")
            return classOf(
                [](const Row& r) { return static_cast<double>(r.a->nearestCentroid[r.at()]); });
        if (name == "correct") {
            o.type = Type::Bool;
            o.value = [](const Row& r) { return r.a->correct(r.i) ? 1.0 : 0.0; };
            return true;
        }
        if (name == "loss")
            return number([](const Row& r) { return static_cast<double>(r.a->losses[r.at()]); });
        if (name == "confidence")
            return number([](const Row& r) {
                return static_cast<double>(r.a->probabilities.row(r.i).maxCoeff());
            });
        if (name == "margin")
            return number([](const Row& r) {
                float first = -1.0f, second = -1.0f;
                for (int c = 0; c < r.a->probabilities.cols(); ++c) {
                    const float p = r.a->probabilities(r.i, c);
                    if (p > first) {
                        second = first;
                        first = p;
                    } else if (p > second) {
                        second = p;
                    }
                }
                return second < 0 ? kMissing : static_cast<double>(first - second);
            });
        if (name == "dist_own")
            return number([distance](const Row& r) { return distance(r, r.a->labels[r.at()]); });
        if (name == "dist_pred")
            return number(
                [distance](const Row& r) { return distance(r, r.a->predictions[r.at()]); });
        if (name == "dist_nearest")
            return number(
                [distance](const Row& r) { return distance(r, r.a->nearestCentroid[r.at()]); });
        if (name == "x" || name == "y") {
            const int column = name == "x" ? 0 : 1;
            return number([column](const Row& r) {
                return r.i < r.xy->rows() ? static_cast<double>((*r.xy)(r.i, column)) : kMissing;
            });
        }
        if (name == "label_name")
            return textOf(
                [names](const Row& r) { return std::string_view((*names)[r.a->labels[r.at()]]); });
        if (name == "prediction_name")
            return textOf([names](const Row& r) {
                return std::string_view((*names)[r.a->predictions[r.at()]]);
            });
        if (name == "source")
            return textOf([](const Row& r) {
                return r.a->sources.empty() ? std::string_view()
                                            : std::string_view(r.a->sources[r.at()]);
            });
        if (const int c = perClassIndex(name, "p", n); c >= 0)
            return number(
                [c](const Row& r) { return static_cast<double>(r.a->probabilities(r.i, c)); });
        if (const int c = perClassIndex(name, "dist", n); c >= 0)
            return number([distance, c](const Row& r) { return distance(r, c); });
        return false;
    }

    const store::RunData& m_run;
    int m_classCount = 0;
    // Shared with the text fields' functions, which outlive the compiler.
    std::shared_ptr<const std::vector<std::string>> m_classNames;
    std::vector<const data::MetadataColumn*> m_user;
};

} // namespace

struct SampleQuery::Impl {
    std::string expression;
    const store::RunData* run = nullptr;
    Predicate predicate;

    Row row(int id) const
    {
        const int trainCount = run->train.sampleCount();
        Row r;
        if (id < trainCount) {
            r.a = &run->train;
            r.xy = &run->projection.train;
            r.i = id;
        } else {
            r.a = &run->validation;
            r.xy = &run->projection.validation;
            r.i = id - trainCount;
            r.validation = true;
        }
        return r;
    }
    int total() const { return run->train.sampleCount() + run->validation.sampleCount(); }
};

std::vector<QueryField> queryFields(const store::RunData& run, const data::UserMetadata* metadata)
{
    return Compiler(run, metadata).fields();
}

SampleQuery::SampleQuery(const std::string& expression, const store::RunData& run,
                         const data::UserMetadata* metadata)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->expression = expression;
    m_impl->run = &run;
    const std::unique_ptr<SyntaxNode> tree = parseQuery(expression);
    Compiler compiler(run, metadata);
    m_impl->predicate = compiler.condition(*tree);
}

SampleQuery::~SampleQuery() = default;
SampleQuery::SampleQuery(SampleQuery&&) noexcept = default;
SampleQuery& SampleQuery::operator=(SampleQuery&&) noexcept = default;

const std::string& SampleQuery::expression() const
{
    return m_impl->expression;
}

bool SampleQuery::matches(int id) const
{
    return id >= 0 && id < m_impl->total() && m_impl->predicate(m_impl->row(id));
}

std::vector<std::uint8_t> SampleQuery::matchFlags() const
{
    std::vector<std::uint8_t> flags(static_cast<std::size_t>(m_impl->total()));
    for (int id = 0; id < m_impl->total(); ++id)
        flags[static_cast<std::size_t>(id)] = m_impl->predicate(m_impl->row(id)) ? 1 : 0;
    return flags;
}

std::vector<int> SampleQuery::matchingIds() const
{
    std::vector<int> ids;
    for (int id = 0; id < m_impl->total(); ++id)
        if (m_impl->predicate(m_impl->row(id)))
            ids.push_back(id);
    return ids;
}

} // namespace mnistx::query
