// core/util/json_cursor: our layer over nlohmann::ordered_json. Exact round
// trips (numbers at the edges of double, 64-bit integers, escapes, invalid
// UTF-8), member order, the pretty layout, numbers under a comma-decimal
// locale, errors with a byte offset or a path in the document, and a table of
// bad inputs, each refused with json::Error and none crashing (10,000 nested
// '[' included).

#include "core/util/json_cursor.h"

#include <QtTest>
#include <cfloat>
#include <clocale>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

using namespace mnistx;

namespace
{

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

std::string repeat(const std::string& s, int n)
{
    std::string out;
    for (int k = 0; k < n; ++k)
        out += s;
    return out;
}

// The message of the json::Error that f() throws, or "no error".
template <typename F> std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const json::Error& e) {
        return e.what();
    }
    return "no error";
}

std::string parseError(const std::string& text)
{
    return errorOf([&] { json::parse(text); });
}

// Restores LC_NUMERIC on scope exit.
class NumericLocale
{
public:
    NumericLocale() : m_saved(std::setlocale(LC_NUMERIC, nullptr)) {}
    ~NumericLocale() { std::setlocale(LC_NUMERIC, m_saved.c_str()); }
    // True when one of the comma-decimal locales could be set.
    bool setCommaDecimal()
    {
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR"})
            if (std::setlocale(LC_NUMERIC, name))
                return true;
        return false;
    }

private:
    std::string m_saved;
};

} // namespace

class TestJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void numbersRoundTrip_data();
    void numbersRoundTrip();
    void numberText_data();
    void numberText();
    void integersAre64BitExact();
    void numbersIgnoreTheLocale();
    void stringsRoundTrip_data();
    void stringsRoundTrip();
    void unicodeEscapes();
    void serializerEscapes();
    void invalidUtf8IsReplaced();
    void isUtf8();
    void documentRoundTrip();
    void memberOrderKept();
    void prettyLayout();
    void nestingLimit();
    void cursorNamesThePath();
    void cursorIntegers();
    void parseErrorsNameTheByte();
    void badInput_data();
    void badInput();
    void randomMutationsNeverCrash();
};

void TestJson::numbersRoundTrip_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("zero") << 0.0;
    QTest::newRow("minus zero") << -0.0;
    QTest::newRow("one") << 1.0;
    QTest::newRow("minus one") << -1.0;
    QTest::newRow("0.1") << 0.1;
    QTest::newRow("1/3") << 1.0 / 3.0;
    QTest::newRow("pi") << M_PI;
    QTest::newRow("1e300") << 1e300;
    QTest::newRow("-1e-300") << -1e-300;
    QTest::newRow("DBL_MAX") << DBL_MAX;
    QTest::newRow("DBL_MIN") << DBL_MIN;
    QTest::newRow("denormal") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("2^53") << 9007199254740992.0;
    QTest::newRow("-2^53") << -9007199254740992.0;
    QTest::newRow("2^53 - 1") << 9007199254740991.0;
    QTest::newRow("2^53 + 2") << 9007199254740994.0;
    QTest::newRow("2^64") << 18446744073709551616.0;
    QTest::newRow("float 0.1") << static_cast<double>(0.1f);
    QTest::newRow("123456789.125") << 123456789.125;
    QTest::newRow("1e21") << 1e21;
    QTest::newRow("1e-7") << 1e-7;
}

void TestJson::numbersRoundTrip()
{
    QFETCH(double, value);
    for (const int indent : {0, 2}) {
        const std::string text = json::serialize(json::Value(value), indent);
        const json::Value back = json::parse(text);
        QVERIFY2(back.is_number(), text.c_str());
        QVERIFY2(sameBits(json::Cursor(back).asNumber(), value), text.c_str());
        // Inside a document too.
        json::Value doc = json::Value::object();
        doc["x"] = json::Value::array({value, value});
        const json::Value docBack = json::parse(json::serialize(doc, indent));
        QVERIFY(sameBits(json::Cursor(docBack)["x"][1].asNumber(), value));
    }
}

void TestJson::numberText_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    // A double stays a double in the text (a script reading summary.json
    // gets a float for an accuracy of exactly 1).
    QTest::newRow("integral double") << 42.0 << "42.0";
    QTest::newRow("negative integral double") << -7.0 << "-7.0";
    QTest::newRow("zero") << 0.0 << "0.0";
    QTest::newRow("minus zero") << -0.0 << "-0.0";
    QTest::newRow("0.1 trimmed") << 0.1 << "0.1";
    QTest::newRow("0.5") << 0.5 << "0.5";
    QTest::newRow("1e300") << 1e300 << "1e+300";
    QTest::newRow("1e-7") << 1e-7 << "1e-07";
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "null";
    QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << "null";
    QTest::newRow("-infinity") << -std::numeric_limits<double>::infinity() << "null";
}

void TestJson::numberText()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(json::serialize(json::Value(value))), text);
    QCOMPARE(QString::fromStdString(json::serialize(json::Value(value), 0)), text);
}

void TestJson::integersAre64BitExact()
{
    const std::int64_t min = std::numeric_limits<std::int64_t>::min();
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    const std::uint64_t umax = std::numeric_limits<std::uint64_t>::max();
    QCOMPARE(json::serialize(json::Value(42)), std::string("42"));
    QCOMPARE(json::serialize(json::Value(min)), std::string("-9223372036854775808"));
    QCOMPARE(json::serialize(json::Value(umax)), std::string("18446744073709551615"));
    // 2^53 + 1 is no double: it survives only as an integer.
    const json::Value back = json::parse(
        json::serialize(json::Value::array({min, max, umax, std::int64_t{9007199254740993}})));
    const json::Cursor c(back);
    QCOMPARE(c[0].asInteger(), static_cast<long long>(min));
    QCOMPARE(c[1].asInteger(), static_cast<long long>(max));
    QCOMPARE(c[2].asUnsigned(), umax);
    QCOMPARE(c[3].asInteger(), 9007199254740993LL);
    QCOMPARE(c[3].asUnsigned(), std::uint64_t{9007199254740993ULL});
}

void TestJson::numbersIgnoreTheLocale()
{
    NumericLocale locale;
    if (!locale.setCommaDecimal())
        QSKIP("no comma-decimal locale (de_DE, fr_FR) is installed");
    char printed[16];
    std::snprintf(printed, sizeof printed, "%.1f", 0.5);
    QCOMPARE(std::string(printed), std::string("0,5")); // the locale is in effect
    QCOMPARE(json::serialize(json::Value(0.5)), std::string("0.5"));
    QCOMPARE(json::serialize(json::Value::array({1.25, 1e-7}), 0), std::string("[1.25,1e-07]"));
    QCOMPARE(json::Cursor(json::parse("[0.5]"))[0].asNumber(), 0.5);
    QCOMPARE(json::parse("-2.5e-3").get<double>(), -2.5e-3);
}

void TestJson::stringsRoundTrip_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("plain") << QByteArray("hello world");
    QTest::newRow("quote and backslash") << QByteArray("say \"hi\" \\ there /");
    QTest::newRow("short escapes") << QByteArray("\b\f\n\r\t");
    QTest::newRow("control characters") << QByteArray("\x01\x02\x1f\x7f", 4);
    QTest::newRow("NUL") << QByteArray("a\0b", 3);
    QTest::newRow("latin") << QByteArray("été");
    QTest::newRow("CJK") << QByteArray("数字");
    QTest::newRow("emoji (4-byte UTF-8)") << QByteArray("\xF0\x9F\x98\x80");
    QTest::newRow("U+10FFFF") << QByteArray("\xF4\x8F\xBF\xBF");
}

void TestJson::stringsRoundTrip()
{
    QFETCH(QByteArray, text);
    const std::string s(text.constData(), static_cast<std::size_t>(text.size()));
    QVERIFY(json::isUtf8(s));
    for (const int indent : {0, 2}) {
        const std::string serialized = json::serialize(json::Value(s), indent);
        QCOMPARE(json::parse(serialized).get<std::string>(), s);
        // As a key, too.
        json::Value doc = json::Value::object();
        doc[s] = 1;
        QCOMPARE(json::parse(json::serialize(doc, indent)).items().begin().key(), s);
    }
}

void TestJson::unicodeEscapes()
{
    // JSON text → the UTF-8 it stands for. (Raw strings stay out of the
    // QCOMPARE arguments: moc's preprocessor does not take them there.)
    const std::pair<const char*, std::string> cases[] = {
        {R"("\u0041\u00e9\u00E9")", "Aéé"},
        {R"("\u20ac")", "€"},
        // A surrogate pair makes one 4-byte UTF-8 character.
        {R"("\ud83d\ude00")", "\xF0\x9F\x98\x80"},
        {R"("\uD834\uDD1E")", "\xF0\x9D\x84\x9E"},
        {R"("\udbff\udfff")", "\xF4\x8F\xBF\xBF"},
        {R"("\u0000")", std::string(1, '\0')},
        {R"("\/\"\\\b\f\n\r\t")", "/\"\\\b\f\n\r\t"},
    };
    for (const auto& [text, expected] : cases) {
        const std::string parsed = json::parse(text).get<std::string>();
        QVERIFY2(parsed == expected, text);
    }
}

void TestJson::serializerEscapes()
{
    // value → JSON text
    const std::pair<std::string, const char*> cases[] = {
        {"a\"b\\c", R"("a\"b\\c")"},
        {"\n\t\r\b\f", R"("\n\t\r\b\f")"},
        {std::string("\x01\x1f\0", 3), R"("\u0001\u001f\u0000")"},
        // '/' and non-ASCII need no escape.
        {"a/b é", "\"a/b é\""},
    };
    for (const auto& [value, expected] : cases) {
        const std::string text = json::serialize(json::Value(value));
        QCOMPARE(text, std::string(expected));
    }
}

void TestJson::invalidUtf8IsReplaced()
{
    const std::string bad("a\xff"
                          "b\xc0\xaf"
                          "c\xed\xa0\x80");
    QVERIFY(!json::isUtf8(bad));
    for (const int indent : {0, 2}) {
        json::Value doc = json::Value::object();
        doc[bad] = bad; // in a key, too
        const std::string text = json::serialize(doc, indent);
        QVERIFY(json::isUtf8(text));
        // Still valid JSON, each bad byte a U+FFFD.
        const json::Value back = json::parse(text);
        const std::string expected("a\xEF\xBF\xBD"
                                   "b\xEF\xBF\xBD\xEF\xBF\xBD"
                                   "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
        QCOMPARE(back.items().begin().key(), expected);
        QCOMPARE(back.items().begin().value().get<std::string>(), expected);
    }
}

void TestJson::isUtf8()
{
    QVERIFY(json::isUtf8(""));
    QVERIFY(json::isUtf8("plain ASCII"));
    QVERIFY(json::isUtf8("\xF4\x8F\xBF\xBF"));
    QVERIFY(json::isUtf8(std::string("a\0b", 3)));
    QVERIFY(!json::isUtf8("\xff"));
    QVERIFY(!json::isUtf8("\xc0\xaf"));         // overlong '/'
    QVERIFY(!json::isUtf8("\xed\xa0\x80"));     // a UTF-16 surrogate
    QVERIFY(!json::isUtf8("\xf4\x90\x80\x80")); // beyond U+10FFFF
    QVERIFY(!json::isUtf8("\xe2\x82"));         // truncated
    QVERIFY(!json::isUtf8("caf\xe9"));          // Latin-1
}

void TestJson::documentRoundTrip()
{
    const std::string text =
        R"({"name":"run \"1\"","ok":true,"no":false,"none":null,)"
        R"("n":[0,-0.0,1.5,-2e-05,1e+300,9007199254740993,-9223372036854775808],)"
        R"("nested":{"a":[[],{},[{"b":[1,[2,[3]]]}]],"":"empty key"}})";
    const json::Value v = json::parse(text);
    QCOMPARE(json::serialize(v, 0), text);
    QVERIFY(json::parse(json::serialize(v, 2)) == v);
    QVERIFY(json::parse(json::serialize(v, 4)) == v);
    const json::Cursor c(v);
    QCOMPARE(c["nested"][""].asString(), std::string("empty key"));
    QVERIFY(c["none"].value().is_null());
    QCOMPARE(c["n"].arraySize(), std::size_t{7});
    QVERIFY(std::signbit(c["n"][1].asNumber()));
    // Whitespace around any value, scalars at top level.
    QCOMPARE(json::Cursor(json::parse(" \t\r\n 42 \n")).asInteger(), 42LL);
    QCOMPARE(json::Cursor(json::parse("\"x\"")).asString(), std::string("x"));
    QVERIFY(json::parse("null").is_null());
    QVERIFY(json::parse(" [ 1 , { \"a\" : [ ] } ] ") ==
            json::Value::array({1, json::Value::object({{"a", json::Value::array()}})}));
}

void TestJson::memberOrderKept()
{
    const json::Value v = json::parse(R"({"zeta":1,"alpha":2,"mid":3})");
    const auto& members = json::Cursor(v).asObject();
    QCOMPARE(members.size(), std::size_t{3});
    QCOMPARE(members.begin()->first, std::string("zeta"));
    QCOMPARE(std::next(members.begin())->first, std::string("alpha"));
    QCOMPARE(std::next(members.begin(), 2)->first, std::string("mid"));
    QCOMPARE(json::serialize(v, 0), std::string(R"({"zeta":1,"alpha":2,"mid":3})"));
    // Built in code: insertion order; assigning again keeps the position.
    json::Value built;
    built["b"] = 1;
    built["a"]["nested"] = true;
    built["list"].push_back("x");
    built["list"].push_back(nullptr);
    built["b"] = 2;
    QCOMPARE(json::serialize(built, 0),
             std::string(R"({"b":2,"a":{"nested":true},"list":["x",null]})"));
}

void TestJson::prettyLayout()
{
    json::Value v = json::Value::object();
    v["name"] = "x";
    v["matrix"] = json::Value::array({json::Value::array({1, 2}), json::Value::array({3, 4})});
    v["empty"] = json::Value::array();
    v["object"] = json::Value::object();
    v["mixed"] = json::Value::array({0.5, "a", nullptr, json::Value::object({{"k", true}})});
    QCOMPARE(json::serialize(v, 2), std::string("{\n"
                                                "  \"name\": \"x\",\n"
                                                "  \"matrix\": [\n"
                                                "    [1, 2],\n"
                                                "    [3, 4]\n"
                                                "  ],\n"
                                                "  \"empty\": [],\n"
                                                "  \"object\": {},\n"
                                                "  \"mixed\": [\n"
                                                "    0.5,\n"
                                                "    \"a\",\n"
                                                "    null,\n"
                                                "    {\n"
                                                "      \"k\": true\n"
                                                "    }\n"
                                                "  ]\n"
                                                "}"));
    const std::string compact = R"({"name":"x","matrix":[[1,2],[3,4]],"empty":[],"object":{},)"
                                R"("mixed":[0.5,"a",null,{"k":true}]})";
    QCOMPARE(json::serialize(v, 0), compact);
}

void TestJson::nestingLimit()
{
    const int limit = json::kMaxDepth;
    const std::string ok = repeat("[", limit) + repeat("]", limit);
    QCOMPARE(json::serialize(json::parse(ok), 0), ok);
    QVERIFY(json::parse(json::serialize(json::parse(ok), 2)) == json::parse(ok));
    const std::string objects = repeat("{\"a\":", limit) + "1" + repeat("}", limit);
    QCOMPARE(json::serialize(json::parse(objects), 0), objects);
    const std::string tooDeep = repeat("[", limit + 1) + repeat("]", limit + 1);
    QCOMPARE(parseError(tooDeep), std::string("JSON: nesting deeper than 512 levels at byte 512"));
    // Brackets inside strings do not count.
    const std::string inString = "[\"" + repeat("[", 1000) + "\"]";
    QCOMPARE(json::Cursor(json::parse(inString))[0].asString().size(), std::size_t{1000});
}

void TestJson::cursorNamesThePath()
{
    const json::Value v = json::parse(R"({"train":{"per_class":[{"count":3},{"count":"x"}]}})");
    const json::Cursor root(v);
    QCOMPARE(root.path(), std::string("$"));
    QCOMPARE(root["train"]["per_class"][1]["count"].path(),
             std::string("$.train.per_class[1].count"));
    QCOMPARE(root["train"]["per_class"][0]["count"].asInt(), 3);
    QVERIFY(root["train"].contains("per_class"));
    QVERIFY(!root["train"].contains("classes"));
    QVERIFY(!root["train"]["per_class"].contains("count")); // not an object: no members
    QCOMPARE(errorOf([&] { root["train"]["per_class"][1]["count"].asNumber(); }),
             std::string("$.train.per_class[1].count: expected a number, found the string \"x\""));
    QCOMPARE(
        errorOf([&] { root["train"]["per_class"][1]["count"].asInteger(); }),
        std::string("$.train.per_class[1].count: expected an integer, found the string \"x\""));
    QCOMPARE(errorOf([&] { root["train"]["classes"]; }),
             std::string("$.train: missing key 'classes'"));
    QCOMPARE(errorOf([&] { root["train"]["per_class"][5]; }),
             std::string("$.train.per_class: index 5 out of range (the array has 2 elements)"));
    QCOMPARE(errorOf([&] { root["train"]["per_class"]["count"]; }),
             std::string("$.train.per_class: expected an object, found an array"));
    QCOMPARE(errorOf([&] { root["train"].arraySize(); }),
             std::string("$.train: expected an array, found an object"));
    QCOMPARE(errorOf([&] { root["train"]["per_class"][0].asBool(); }),
             std::string("$.train.per_class[0]: expected a boolean, found an object"));
    QCOMPARE(errorOf([&] { root["train"]["per_class"][0]["count"].fail("too few"); }),
             std::string("$.train.per_class[0].count: too few"));
    // A long string is cut in the message.
    const json::Value longString = json::Value::array({std::string(100, 'z')});
    QCOMPARE(errorOf([&] { json::Cursor(longString)[0].asBool(); }),
             "$[0]: expected a boolean, found the string \"" + std::string(40, 'z') + "\"…");
}

void TestJson::cursorIntegers()
{
    const json::Value numbers =
        json::parse(R"([1.5, 9007199254740994, 3e9, true, 18446744073709551615, -1, "7", 1e300])");
    const json::Cursor n(numbers);
    QCOMPARE(errorOf([&] { n[0].asInteger(); }),
             std::string("$[0]: expected an integer, found 1.5"));
    QCOMPARE(n[1].asInteger(), 9007199254740994LL); // exact beyond 2^53
    QCOMPARE(n[2].asInteger(), 3000000000LL);       // an integral double
    QVERIFY(errorOf([&] { n[2].asInt(); }).rfind("$[2]: 3000000000 is out of range [", 0) == 0);
    QCOMPARE(errorOf([&] { n[2].asInteger(0, 10); }),
             std::string("$[2]: 3000000000 is out of range [0, 10]"));
    QCOMPARE(errorOf([&] { n[3].asString(); }), std::string("$[3]: expected a string, found true"));
    QCOMPARE(errorOf([&] { n[3].asInteger(); }),
             std::string("$[3]: expected an integer, found true"));
    QCOMPARE(n[4].asUnsigned(), std::numeric_limits<std::uint64_t>::max());
    QVERIFY(errorOf([&] {
                n[4].asInteger();
            }).rfind("$[4]: 18446744073709551615 is out of range", 0) == 0);
    QCOMPARE(n[5].asInteger(), -1LL);
    QVERIFY(errorOf([&] { n[5].asUnsigned(); }).rfind("$[5]: -1 is out of range [0, ", 0) == 0);
    QCOMPARE(errorOf([&] { n[6].asInteger(); }),
             std::string("$[6]: expected an integer, found the string \"7\""));
    // A double too large to be an exact integer.
    QCOMPARE(errorOf([&] { n[7].asInteger(); }),
             std::string("$[7]: expected an integer, found 1e+300"));
    QCOMPARE(n[7].asNumber(), 1e300);
}

void TestJson::parseErrorsNameTheByte()
{
    // Offsets count from 0; nlohmann's own prefixes are gone.
    QCOMPARE(parseError("[1,]"),
             std::string("JSON: unexpected ']'; expected '[', '{', or a literal at byte 3"));
    QVERIFY(parseError("{\"config\": ").rfind("JSON: unexpected end of input", 0) == 0);
    QVERIFY(parseError("{\"config\": ").find(" at byte 11") != std::string::npos);
    QCOMPARE(parseError("[1, 1e400]"),
             std::string("JSON: number overflow parsing '1e400' at byte 4"));
    QCOMPARE(parseError(std::string("{}\0{", 4)),
             std::string("JSON: unexpected byte 0x00 at byte 2"));
    // A byte order mark is skipped (RFC 8259 allows a parser to).
    QVERIFY(json::parse("\xEF\xBB\xBF{}").is_object());
}

void TestJson::badInput_data()
{
    QTest::addColumn<QByteArray>("text");
    const auto row = [](const char* name, const std::string& text) {
        QTest::newRow(name) << QByteArray(text.data(), static_cast<int>(text.size()));
    };
    row("empty", "");
    row("only whitespace", " \n\t ");
    row("truncated object", R"({"a":1)");
    row("truncated object after key", R"({"a")");
    row("truncated object after colon", R"({"a":)");
    row("truncated array", "[1,2");
    row("truncated string", R"("abc)");
    row("truncated escape", R"("ab\)");
    row("truncated \\u escape", R"("\u12)");
    row("truncated literal", "tru");
    row("truncated number", "-");
    row("trailing garbage", "{} x");
    row("two values", "1 2");
    row("trailing comma in array", "[1,]");
    row("trailing comma in object", R"({"a":1,})");
    row("leading comma", "[,1]");
    row("missing comma", "[1 2]");
    row("missing colon", R"({"a" 1})");
    row("unquoted key", "{a:1}");
    row("number as key", "{1:1}");
    row("single quotes", "'a'");
    row("bad escape \\x", R"("\x41")");
    row("bad escape \\U", R"("\U0041")");
    row("bad escape \\'", R"("\'")");
    row("bad hex digit", R"("\u12G4")");
    row("lone high surrogate", R"("\ud83d")");
    row("lone high surrogate then text", R"("\ud83dabc")");
    row("high surrogate then non-surrogate", R"("\ud83d\u0041")");
    row("two high surrogates", R"("\ud83d\ud83d")");
    row("lone low surrogate", R"("\ude00")");
    row("control character in string", "\"a\x01z\"");
    row("raw newline in string", "\"a\nb\"");
    row("raw tab in string", "\"a\tb\"");
    row("NUL in string", std::string("\"a\0b\"", 5));
    row("NUL after value", std::string("1\0", 2));
    row("NUL before value", std::string("\0 1", 3));
    row("leading zero", "01");
    row("leading zero negative", "-01");
    row("leading zeros", "[00]");
    row("plus sign", "+1");
    row("no integer part", ".5");
    row("no fraction digits", "1.");
    row("no exponent digits", "1e");
    row("no exponent digits after sign", "1e+");
    row("hex number", "0x10");
    row("NaN", "NaN");
    row("Infinity", "Infinity");
    row("-Infinity", "-Infinity");
    row("number overflow", "1e400");
    row("number overflow negative", "-123456789e99999999999999999999");
    row("capitalised literal", "True");
    row("misspelled literal", "nul");
    row("comment", "// c\n1");
    row("block comment", "/* c */ 1");
    row("invalid UTF-8 byte", "\"\xff\"");
    row("overlong UTF-8", "\"\xc0\xaf\"");
    row("UTF-8 surrogate", "\"\xed\xa0\x80\"");
    row("UTF-8 beyond U+10FFFF", "\"\xf4\x90\x80\x80\"");
    row("truncated UTF-8", "\"\xe2\x82\"");
    row("stray continuation byte", "\"\x80\"");
    row("close without open", "]");
    row("mismatched brackets", "[}");
    row("10000 nested [", repeat("[", 10000));
    row("10000 nested [ closed", repeat("[", 10000) + repeat("]", 10000));
    row("10000 nested objects", repeat("{\"a\":", 10000) + "1" + repeat("}", 10000));
    row("513 nested arrays", repeat("[", 513) + repeat("]", 513));
}

void TestJson::badInput()
{
    QFETCH(QByteArray, text);
    const std::string message =
        parseError(std::string(text.constData(), static_cast<std::size_t>(text.size())));
    QVERIFY2(message != "no error", "parse accepted it");
    QVERIFY2(message.rfind("JSON: ", 0) == 0, message.c_str());
    QVERIFY2(message.find(" at byte ") != std::string::npos, message.c_str());
    QVERIFY2(message.find("json.exception") == std::string::npos, message.c_str());
}

// A cheap fuzz: random edits of a valid document either parse or throw
// json::Error, and what parses serializes back (compact and pretty) to
// something that parses to the same value.
void TestJson::randomMutationsNeverCrash()
{
    const std::string seed = R"({"a":[1,-2.5e-3,true,false,null,"x\"\u00e9\ud83d\ude00"],)"
                             R"("b":{"c":{"d":[[],{},""]}},"e":0})";
    const std::string alphabet = std::string("{}[]\":,.-+eE0123456789\\u tfnrl\x01\x80\xff") + '\0';
    std::mt19937 rng(7);
    int parsed = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = seed;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = rng() % (text.size() + 1);
            switch (rng() % 3) {
            case 0:
                text.insert(at, 1, alphabet[rng() % alphabet.size()]);
                break;
            case 1:
                if (at < text.size())
                    text.erase(at, 1);
                break;
            default:
                if (at < text.size())
                    text[at] = alphabet[rng() % alphabet.size()];
            }
        }
        try {
            const json::Value v = json::parse(text);
            ++parsed;
            QVERIFY(json::parse(json::serialize(v, 0)) == v);
            QVERIFY(json::parse(json::serialize(v, 2)) == v);
        } catch (const json::Error&) {
        }
    }
    QVERIFY(parsed > 0);
}

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
