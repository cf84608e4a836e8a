// json::Value, serialize and parse: exact round trips (escapes, \u escapes,
// numbers at the edges of double), the text the serializer writes, errors
// with a path or a byte offset, and a table of bad inputs, each refused with
// json::Error and none crashing (10,000 nested '[' included).

#include "core/util/json.h"

#include <QtTest>
#include <cfloat>
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

// The message of the json::Error that parse(text) throws, or "" when it
// does not throw.
std::string parseError(const std::string& text)
{
    try {
        json::parse(text);
    } catch (const json::Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void numbersRoundTrip_data();
    void numbersRoundTrip();
    void numberText_data();
    void numberText();
    void stringsRoundTrip_data();
    void stringsRoundTrip();
    void unicodeEscapes();
    void serializerEscapes();
    void invalidUtf8IsReplaced();
    void documentRoundTrip();
    void keyOrderKept();
    void prettyLayout();
    void nestingLimit();
    void typedGettersNamePath();
    void building();
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
        QVERIFY2(back.isNumber(), text.c_str());
        QVERIFY2(sameBits(back.asNumber(), value), text.c_str());
        // Inside a document too.
        json::Value doc = json::Value::object();
        doc["x"] = json::Value(json::Value::Array{value, value});
        const json::Value docBack = json::parse(json::serialize(doc, indent));
        QVERIFY(sameBits(docBack["x"][1].asNumber(), value));
    }
}

void TestJson::numberText_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("integer") << 42.0 << "42";
    QTest::newRow("negative integer") << -7.0 << "-7";
    QTest::newRow("zero") << 0.0 << "0";
    QTest::newRow("minus zero") << -0.0 << "-0";
    QTest::newRow("2^53") << 9007199254740992.0 << "9007199254740992";
    QTest::newRow("-(2^53 - 1)") << -9007199254740991.0 << "-9007199254740991";
    QTest::newRow("0.1 trimmed") << 0.1 << "0.1";
    QTest::newRow("0.5") << 0.5 << "0.5";
    QTest::newRow("1e300") << 1e300 << "1e+300";
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << "null";
    QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << "null";
    QTest::newRow("-infinity") << -std::numeric_limits<double>::infinity() << "null";
}

void TestJson::numberText()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(json::serialize(json::Value(value))), text);
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
        QCOMPARE(json::parse(serialized).asString(), s);
        // As a key, too.
        json::Value doc = json::Value::object();
        doc[s] = 1;
        QCOMPARE(json::parse(json::serialize(doc, indent)).asObject().front().first, s);
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
        const std::string parsed = json::parse(text).asString();
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
    const std::string text = json::serialize(json::Value(bad));
    // Still valid JSON, each bad byte a U+FFFD.
    const std::string back = json::parse(text).asString();
    QVERIFY(json::isUtf8(back));
    QCOMPARE(back, std::string("a\xEF\xBF\xBD"
                               "b\xEF\xBF\xBD\xEF\xBF\xBD"
                               "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
}

void TestJson::documentRoundTrip()
{
    const std::string text = R"({"name":"run \"1\"","ok":true,"no":false,"none":null,)"
                             R"("n":[0,-0,1.5,-2e-05,1e+300,9007199254740992],)"
                             R"("nested":{"a":[[],{},[{"b":[1,[2,[3]]]}]],"":"empty key"}})";
    const json::Value v = json::parse(text);
    QCOMPARE(json::serialize(v, 0), text);
    QVERIFY(json::parse(json::serialize(v, 2)) == v);
    QVERIFY(json::parse(json::serialize(v, 4)) == v);
    QCOMPARE(v["nested"][""].asString(), std::string("empty key"));
    QVERIFY(v["none"].isNull());
    QCOMPARE(v["n"].size(), std::size_t{6});
    QVERIFY(std::signbit(v["n"][1].asNumber()));
    // Whitespace around any value, scalars at top level.
    QCOMPARE(json::parse(" \t\r\n 42 \n").asNumber(), 42.0);
    QCOMPARE(json::parse("\"x\"").asString(), std::string("x"));
    QVERIFY(json::parse("null").isNull());
    QVERIFY(json::parse(" [ 1 , { \"a\" : [ ] } ] ") ==
            json::Value(json::Value::Array{
                1, json::Value(json::Value::Object{{"a", json::Value::array()}})}));
}

void TestJson::keyOrderKept()
{
    const json::Value v = json::parse(R"({"zeta":1,"alpha":2,"mid":3})");
    const auto& members = v.asObject();
    QCOMPARE(members.size(), std::size_t{3});
    QCOMPARE(members[0].first, std::string("zeta"));
    QCOMPARE(members[1].first, std::string("alpha"));
    QCOMPARE(members[2].first, std::string("mid"));
    // Duplicate keys are kept; find() returns the first.
    const json::Value dup = json::parse(R"({"a":1,"a":2})");
    QCOMPARE(dup.size(), std::size_t{2});
    QCOMPARE(dup.find("a")->asNumber(), 1.0);
    QVERIFY(dup.find("b") == nullptr);
    QVERIFY(json::Value(3).find("a") == nullptr);
}

void TestJson::prettyLayout()
{
    json::Value v = json::Value::object();
    v["name"] = "x";
    v["matrix"] = json::Value(json::Value::Array{json::Value(json::Value::Array{1, 2}),
                                                 json::Value(json::Value::Array{3, 4})});
    v["empty"] = json::Value::array();
    v["object"] = json::Value::object();
    QCOMPARE(json::serialize(v, 2), std::string("{\n"
                                                "  \"name\": \"x\",\n"
                                                "  \"matrix\": [\n"
                                                "    [1, 2],\n"
                                                "    [3, 4]\n"
                                                "  ],\n"
                                                "  \"empty\": [],\n"
                                                "  \"object\": {}\n"
                                                "}"));
    const std::string compact = R"({"name":"x","matrix":[[1,2],[3,4]],"empty":[],"object":{}})";
    QCOMPARE(json::serialize(v, 0), compact);
}

void TestJson::nestingLimit()
{
    const int limit = json::kMaxDepth;
    const std::string ok = repeat("[", limit) + repeat("]", limit);
    QCOMPARE(json::serialize(json::parse(ok), 0), ok);
    const std::string objects = repeat("{\"a\":", limit) + "1" + repeat("}", limit);
    QCOMPARE(json::serialize(json::parse(objects), 0), objects);
    const std::string tooDeep = repeat("[", limit + 1) + repeat("]", limit + 1);
    QVERIFY(parseError(tooDeep).find("nesting deeper than 512") != std::string::npos);
}

void TestJson::typedGettersNamePath()
{
    const json::Value v = json::parse(R"({"train":{"per_class":[{"count":3},{"count":"x"}]}})");
    const json::Cursor root(v);
    QCOMPARE(root["train"]["per_class"][0]["count"].asInt(), 3);
    const auto message = [&](auto&& f) -> std::string {
        try {
            f();
        } catch (const json::Error& e) {
            return e.what();
        }
        return "no error";
    };
    QCOMPARE(message([&] { root["train"]["per_class"][1]["count"].asNumber(); }),
             std::string("$.train.per_class[1].count: expected a number, found a string"));
    QCOMPARE(message([&] { root["train"]["classes"]; }),
             std::string("$.train: missing key 'classes'"));
    QCOMPARE(message([&] { root["train"]["per_class"][5]; }),
             std::string("$.train.per_class: index 5 out of range (the array has 2 elements)"));
    QCOMPARE(message([&] { root["train"]["per_class"]["count"]; }),
             std::string("$.train.per_class: expected an object, found an array"));
    QCOMPARE(message([&] { root["train"].asArray(); }),
             std::string("$.train: expected an array, found an object"));

    const json::Value numbers = json::parse(R"([1.5, 9007199254740994, 3e9, true])");
    const json::Cursor n(numbers);
    QVERIFY(message([&] { n[0].asInteger(); }).find("$[0]: expected an integer") == 0);
    QVERIFY(message([&] { n[1].asInteger(); }).find("$[1]: expected an integer") == 0);
    QVERIFY(message([&] { n[2].asInt(); }).find("$[2]: 3000000000 is out of range") == 0);
    QCOMPARE(n[2].asInteger(), 3000000000LL);
    QCOMPARE(message([&] { n[3].asString(); }),
             std::string("$[3]: expected a string, found a boolean"));

    // Value's own getters throw too (without a path).
    QVERIFY_THROWS_EXCEPTION(json::Error, json::Value(1).asString());
    QVERIFY_THROWS_EXCEPTION(json::Error, json::Value("x").asNumber());
    QVERIFY_THROWS_EXCEPTION(json::Error, json::Value().asObject());
    QVERIFY_THROWS_EXCEPTION(json::Error, v["nope"]);
    QVERIFY_THROWS_EXCEPTION(json::Error, v["train"]["per_class"][7]);
}

void TestJson::building()
{
    json::Value v; // null becomes an object on first key
    v["b"] = 1;
    v["a"]["nested"] = true;
    v["list"].push_back("x");
    v["list"].push_back(json::Value());
    v["b"] = 2; // replaces, keeps position
    const std::string expected = R"({"b":2,"a":{"nested":true},"list":["x",null]})";
    QCOMPARE(json::serialize(v, 0), expected);
    json::Value number(5);
    QVERIFY_THROWS_EXCEPTION(json::Error, number["key"]);
    QVERIFY_THROWS_EXCEPTION(json::Error, number.push_back(1));
    QCOMPARE(json::Value(static_cast<unsigned char>(7)).asNumber(), 7.0);
    QCOMPARE(json::Value(123456789012345LL).asInteger(), 123456789012345LL);
    QVERIFY(json::Value("text").isString()); // not a bool
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
    row("byte order mark", "\xEF\xBB\xBF{}");
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
    QVERIFY2(!message.empty(), "parse accepted it");
    QVERIFY2(message.rfind("JSON: ", 0) == 0, message.c_str());
    QVERIFY2(message.find(" at byte ") != std::string::npos, message.c_str());
}

// A cheap fuzz: random edits of a valid document either parse or throw
// json::Error, and what parses serializes back to something that parses to
// the same value.
void TestJson::randomMutationsNeverCrash()
{
    const std::string seed = R"({"a":[1,-2.5e-3,true,false,null,"x\"\u00e9\ud83d\ude00"],)"
                             R"("b":{"c":{"d":[[],{},""]}},"e":0})";
    const std::string alphabet = "{}[]\":,.-+eE0123456789\\u tfnrl\x01\x80\xff";
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
        } catch (const json::Error&) {
        }
    }
    QVERIFY(parsed > 0);
}

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
