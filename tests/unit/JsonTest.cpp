// sdk::parseJsonStrict: every JSON value read exactly as written, or a BadRequest naming the field —
// never POCO 1.11's silent wrap (2^64 read as 0), its "Malformed JSON" for valid scalars or for
// numbers it cannot hold, its last-one-wins duplicate keys, nor unbounded nesting.
#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <typeinfo>

using namespace mercato::sdk;
using Poco::Dynamic::Var;

namespace {

/// "field:code" of every error parseJsonStrict reports, in order, joined by spaces; "ok" when it parses.
std::string errorsOf(const std::string& text)
{
    try {
        parseJsonStrict(text);
    } catch (const BadRequest& e) {
        std::string codes;
        for (const FieldError& error : e.errors())
            codes += (codes.empty() ? "" : " ") + error.field + ":" + error.code;
        return codes;
    }
    return "ok";
}

BadRequest refusal(const std::string& text)
{
    try {
        parseJsonStrict(text);
    } catch (const BadRequest& e) {
        return e;
    }
    CPPUNIT_FAIL("parsed: " + text.substr(0, 200));
    throw std::logic_error("unreachable");
}

/// `levels` nested arrays: [[...[]...]].
std::string nestedArrays(std::size_t levels)
{
    return std::string(levels, '[') + std::string(levels, ']');
}

/// `levels` nested objects: {"k":{"k":...{}...}}.
std::string nestedObjects(std::size_t levels)
{
    std::string text;
    for (std::size_t i = 1; i < levels; ++i)
        text += R"({"k":)";
    return text + "{}" + std::string(levels - 1, '}');
}

Poco::Int64 int64Of(const std::string& text)
{
    const Var v = parseJsonStrict(text);
    CPPUNIT_ASSERT_MESSAGE(text, v.type() == typeid(Poco::Int64));
    return v.extract<Poco::Int64>();
}

double doubleOf(const std::string& text)
{
    const Var v = parseJsonStrict(text);
    CPPUNIT_ASSERT_MESSAGE(text, v.type() == typeid(double));
    return v.extract<double>();
}

} // namespace

class JsonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JsonTest);
    CPPUNIT_TEST(everyJsonValueIsAcceptedAtTheTop);
    CPPUNIT_TEST(numbersKeepTheirValue);
    CPPUNIT_TEST(integersOutsideInt64AreOutOfRangeOnTheirField);
    CPPUNIT_TEST(numbersBeyondDoubleAreOutOfRange);
    CPPUNIT_TEST(numberLikeStringsAreUntouched);
    CPPUNIT_TEST(duplicateKeysAreNamed);
    CPPUNIT_TEST(nestingIsLimited);
    CPPUNIT_TEST(malformedTextStaysMalformed);
    CPPUNIT_TEST(parseObjectAppliesTheSameRules);
    CPPUNIT_TEST(childFieldPathWritesValidatorPaths);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyJsonValueIsAcceptedAtTheTop()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("s"), parseJsonStrict(R"("s")").extract<std::string>());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(42), int64Of("42"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(42), int64Of(" \n42\t "));
        CPPUNIT_ASSERT_EQUAL(true, parseJsonStrict("true").extract<bool>());
        CPPUNIT_ASSERT_EQUAL(false, parseJsonStrict("false").extract<bool>());
        CPPUNIT_ASSERT(parseJsonStrict("null").isEmpty());
        CPPUNIT_ASSERT(parseJsonStrict(" null ").isEmpty());
        CPPUNIT_ASSERT_EQUAL(1.5, doubleOf("1.5"));
        CPPUNIT_ASSERT(parseJsonStrict("[]").type() == typeid(JsonArray));
        const Var object = parseJsonStrict(R"({"b":[1,"x",null,{"c":true}],"a":{}})");
        CPPUNIT_ASSERT(object.type() == typeid(JsonObject));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":{},"b":[1,"x",null,{"c":true}]})"), toJson(object));
    }

    void numbersKeepTheirValue()
    {
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(9223372036854775807LL), int64Of("9223372036854775807"));
        CPPUNIT_ASSERT_EQUAL(std::numeric_limits<Poco::Int64>::min(), int64Of("-9223372036854775808"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(9007199254740993LL), int64Of("9007199254740993"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), int64Of("-0"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), int64Of("0"));
        // A fraction or an exponent makes a double (an integer field then says incorrect_type), never an integer.
        CPPUNIT_ASSERT_EQUAL(100.0, doubleOf("1E2"));
        CPPUNIT_ASSERT_EQUAL(100.0, doubleOf("1e+2"));
        CPPUNIT_ASSERT_EQUAL(1.0, doubleOf("1.0"));
        CPPUNIT_ASSERT_EQUAL(5.5, doubleOf("5.5"));
        CPPUNIT_ASSERT_EQUAL(0.0, doubleOf("-0.0"));
        CPPUNIT_ASSERT_EQUAL(1.7976931348623157e308, doubleOf("1.7976931348623157e308"));
        CPPUNIT_ASSERT_EQUAL(-1.7976931348623157e308, doubleOf("-1.7976931348623157e308"));
        CPPUNIT_ASSERT_EQUAL(1.2345678901234568e+29, doubleOf("123456789012345678901234567890.0"));
        CPPUNIT_ASSERT_EQUAL(0.0, doubleOf("1e-400")); // below the smallest double: rounds to zero, as any parser does
        const Var values = parseJsonStrict(R"({"a":[9223372036854775807,-9223372036854775808,0.5]})");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":[9223372036854775807,-9223372036854775808,0.5]})"), toJson(values));
    }

    void integersOutsideInt64AreOutOfRangeOnTheirField()
    {
        // POCO 1.11 alone: 2^64..2^64+3 become 0..3, -2^63-1 becomes -2^63, 2^63 a UInt64, longer ones a syntax error.
        for (const std::string literal : {"9223372036854775808", "18446744073709551615", "18446744073709551616", "18446744073709551617",
                                           "18446744073709551619", "18446744073709551620", "-9223372036854775809",
                                           "-18446744073709551616", "99999999999999999999999999999"}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(literal, std::string("quantity:out_of_range"), errorsOf(R"({"quantity":)" + literal + "}"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(literal, std::string("body:out_of_range"), errorsOf(literal));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(literal, std::string("users_ids.1:out_of_range"), errorsOf(R"({"users_ids":[1,)" + literal + ",3]}"));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("products.1.quantity:out_of_range"),
                             errorsOf(R"({"products":[{"product_id":1,"quantity":1},{"product_id":2,"quantity":18446744073709551616}]})"));
        // Every refused number of the text at once, each on its own path, in document order.
        CPPUNIT_ASSERT_EQUAL(std::string("a:out_of_range b.0:out_of_range b.2.c:out_of_range"),
                             errorsOf(R"({"a":18446744073709551616,"b":[-9223372036854775809,7,{"c":1e400}],"d":5})"));
        const BadRequest e = refusal(R"({"quantity":18446744073709551616})");
        CPPUNIT_ASSERT_EQUAL(400, e.status());
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid input"), std::string(e.what()));
        CPPUNIT_ASSERT(e.errors().at(0).message.find("9223372036854775807") != std::string::npos);
    }

    void numbersBeyondDoubleAreOutOfRange()
    {
        for (const std::string literal : {"1e400", "-1e400", "1E400", "1.5e309", "-2e308", "1e99999999999999999999"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(literal, std::string("price:out_of_range"), errorsOf(R"({"price":)" + literal + "}"));
        CPPUNIT_ASSERT_EQUAL(std::string("0:out_of_range"), errorsOf("[1e400]"));
        CPPUNIT_ASSERT_EQUAL(std::string("body:out_of_range"), errorsOf("1e400"));
    }

    void numberLikeStringsAreUntouched()
    {
        const Var v = parseJsonStrict(R"({"a":"18446744073709551616","b":"x\"1e400","c":"\\","d":7})");
        const JsonObject o = v.extract<JsonObject>();
        CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551616"), o->getValue<std::string>("a"));
        CPPUNIT_ASSERT_EQUAL(std::string("x\"1e400"), o->getValue<std::string>("b"));
        CPPUNIT_ASSERT_EQUAL(std::string("\\"), o->getValue<std::string>("c"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), o->getValue<Poco::Int64>("d"));
        // A refused number next to a string that looks like one: only the number is named.
        CPPUNIT_ASSERT_EQUAL(std::string("n:out_of_range"), errorsOf(R"({"s":"1e400","n":1e400,"t":"-9223372036854775809"})"));
        // Keys that look like numbers are keys.
        CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551616:out_of_range"), errorsOf(R"({"18446744073709551616":18446744073709551616})"));
    }

    void duplicateKeysAreNamed()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("quantity:duplicate_key"), errorsOf(R"({"quantity":5,"quantity":7})"));
        CPPUNIT_ASSERT_EQUAL(std::string("quantity:duplicate_key"), errorsOf(R"({"quantity":5,"quantity":5,"quantity":5})"));
        CPPUNIT_ASSERT_EQUAL(std::string("order.foreign_order_id:duplicate_key"),
                             errorsOf(R"({"order":{"foreign_order_id":1,"products":[],"foreign_order_id":2}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("products.1.quantity:duplicate_key"),
                             errorsOf(R"({"products":[{"quantity":1},{"quantity":1,"quantity":2}]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("a:duplicate_key"), errorsOf(R"({"a":1,"\u0061":2})")); // the same key, escaped
        CPPUNIT_ASSERT_EQUAL(std::string("a:duplicate_key b:duplicate_key"), errorsOf(R"({"a":1,"b":{},"a":{},"b":[]})"));
        // Found by fuzz/JsonBodyFuzzer: the empty key twice at the top named no field at all.
        CPPUNIT_ASSERT_EQUAL(std::string("body:duplicate_key"), errorsOf(R"({"":1,"":2})"));
        CPPUNIT_ASSERT_EQUAL(std::string("x.:duplicate_key"), errorsOf(R"({"x":{"":1,"":2}})"));
        // The same name in different objects, or as a value, is no duplicate.
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), errorsOf(R"({"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), errorsOf(R"({"a":1,"A":2})"));
    }

    void nestingIsLimited()
    {
        CPPUNIT_ASSERT_EQUAL(std::size_t(64), kMaxJsonDepth);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), errorsOf(nestedArrays(kMaxJsonDepth)));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), errorsOf(nestedObjects(kMaxJsonDepth)));
        std::string zeros;
        for (std::size_t i = 0; i < kMaxJsonDepth; ++i)
            zeros += (zeros.empty() ? "0" : ".0");
        CPPUNIT_ASSERT_EQUAL(zeros + ":too_deep", errorsOf(nestedArrays(kMaxJsonDepth + 1)));
        std::string keys;
        for (std::size_t i = 0; i < kMaxJsonDepth; ++i)
            keys += (keys.empty() ? "k" : ".k");
        CPPUNIT_ASSERT_EQUAL(keys + ":too_deep", errorsOf(nestedObjects(kMaxJsonDepth + 1)));
        const BadRequest e = refusal(nestedArrays(100000)); // far past the limit: refused, no stack exhausted
        CPPUNIT_ASSERT_EQUAL(std::string("JSON nested deeper than 64 levels"), std::string(e.what()));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), e.errors().size());
        CPPUNIT_ASSERT_EQUAL(std::string("too_deep"), e.errors()[0].code);
        CPPUNIT_ASSERT(e.errors()[0].message.find("64") != std::string::npos);
    }

    void malformedTextStaysMalformed()
    {
        // Including texts whose refused numbers, once set aside, would leave valid JSON behind.
        for (const std::string text : {"", "   ", "{", "{\"a\":1,}", "[1 2]", "{} 5", "01", "1.", "-", ".5", "+1", "1e", "{\"a\":1e}",
                                        "{'a':1}", "[18446744073709551616 5]", "{\"a\":18446744073709551616", "[1e400,]",
                                        "18446744073709551616 0", "\"\xff\"", "\"\\ud800\"", "NaN", "Infinity", "[-]", "{\"a\" 1}"}) {
            const BadRequest e = refusal(text);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string("Malformed JSON"), std::string(e.what()));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(text, std::string("body:invalid_format"), errorsOf(text));
            CPPUNIT_ASSERT_MESSAGE(text, e.errors()[0].message.find("the body is not valid JSON") == 0);
        }
    }

    void parseObjectAppliesTheSameRules()
    {
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), parseObject(R"({"id":7})")->getValue<Poco::Int64>("id"));
        for (const std::string text : {R"({"id":18446744073709551616})", R"({"id":1,"id":2})", R"([])", R"(42)", R"(null)", "{"})
            CPPUNIT_ASSERT_THROW_MESSAGE(text, parseObject(text), std::invalid_argument);
        try {
            parseObject(R"({"data":{"id":18446744073709551617}})");
            CPPUNIT_FAIL("parsed");
        } catch (const std::invalid_argument& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("data.id out_of_range") != std::string::npos);
        }
    }

    void childFieldPathWritesValidatorPaths()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("products"), childFieldPath("", "products"));
        CPPUNIT_ASSERT_EQUAL(std::string("products.0"), childFieldPath("products", "0"));
        CPPUNIT_ASSERT_EQUAL(std::string("products.0.quantity"), childFieldPath("products.0", "quantity"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(JsonTest, "unit");
