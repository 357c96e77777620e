#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Validator.h"

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

using namespace mercato::sdk;
using Poco::Dynamic::Var;

namespace {

Var parse(const std::string& json)
{
    Poco::JSON::Parser parser;
    return parser.parse(json);
}

/// "field:code" of every error, in the order reported, joined by spaces; "" when the input is valid.
std::string codesFor(const Schema& schema, const Var& input)
{
    try {
        schema.validate(input);
    } catch (const BadRequest& e) {
        std::string text;
        for (const FieldError& error : e.errors())
            text += (text.empty() ? "" : " ") + error.field + ":" + error.code;
        return text;
    }
    return "";
}

std::string codes(const Schema& schema, const std::string& json)
{
    return codesFor(schema, parse(json));
}

std::string firstMessage(const Schema& schema, const std::string& json)
{
    try {
        schema.validate(parse(json));
    } catch (const BadRequest& e) {
        return e.errors().at(0).message;
    }
    return "";
}

/// A one-field object schema, to test a field schema through a real JSON body.
Schema wrap(Schema field)
{
    return Schema::object({required("v", std::move(field))});
}

std::string valueCodes(const Schema& field, const std::string& jsonValue)
{
    return codes(wrap(field), "{\"v\":" + jsonValue + "}");
}

/// The normalized "v" of a valid body, as compact JSON.
std::string normalized(const Schema& field, const std::string& jsonValue)
{
    return toJson(wrap(field).validate(parseObject("{\"v\":" + jsonValue + "}"))->get("v"));
}

} // namespace

class ValidatorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ValidatorTest);
    CPPUNIT_TEST(parserFactsThisValidatorReliesOn);
    CPPUNIT_TEST(bodyMustBeAnObject);
    CPPUNIT_TEST(missingBodyIsEmptyBody);
    CPPUNIT_TEST(requiredFieldMissingOrNull);
    CPPUNIT_TEST(optionalNullCountsAsAbsent);
    CPPUNIT_TEST(unknownFieldsAreRejected);
    CPPUNIT_TEST(integerRejectsBooleansDoublesAndStrings);
    CPPUNIT_TEST(integerOutsideInt64IsOutOfRange);
    CPPUNIT_TEST(integerBounds);
    CPPUNIT_TEST(numberAcceptsIntegersAndDoubles);
    CPPUNIT_TEST(booleanType);
    CPPUNIT_TEST(stringsAreTrimmedAndMustNotBeBlank);
    CPPUNIT_TEST(allowEmptyAndNoTrim);
    CPPUNIT_TEST(lengthCountsCodePoints);
    CPPUNIT_TEST(minLengthIsTooShort);
    CPPUNIT_TEST(invalidUtf8IsInvalidFormat);
    CPPUNIT_TEST(emailFormatAndLowerCase);
    CPPUNIT_TEST(urlFormat);
    CPPUNIT_TEST(oneOfIsInvalidValue);
    CPPUNIT_TEST(arrayTypeAndItemCounts);
    CPPUNIT_TEST(arrayItemsHaveIndexedPaths);
    CPPUNIT_TEST(nestedObjectsHaveDottedPaths);
    CPPUNIT_TEST(allErrorsAreCollectedAndSorted);
    CPPUNIT_TEST(sortFieldErrorsUsesPlainStringOrder);
    CPPUNIT_TEST(normalizedCopyKeepsOnlyKnownFieldsInSchemaOrder);
    CPPUNIT_TEST(anyAcceptsEverything);
    CPPUNIT_TEST(checkAppendsWithPathPrefix);
    CPPUNIT_TEST(openApiDescribesTheSchema);
    CPPUNIT_TEST(aliasesAreAcceptedUnderTheirFieldsName);
    CPPUNIT_TEST(controlCharactersAreRefused);
    CPPUNIT_TEST(toJsonIsCompactAndValidUtf8);
    CPPUNIT_TEST_SUITE_END();

public:
    void parserFactsThisValidatorReliesOn()
    {
        // Poco::JSON::Parser 1.11, measured: an upgrade that changes these must revisit Schema::check.
        const JsonObject o = parse(R"({"a":1,"b":1.0,"c":-0,"d":1e3,"e":9223372036854775808,"f":true,"g":null})").extract<JsonObject>();
        CPPUNIT_ASSERT(o->get("a").type() == typeid(Poco::Int64));
        CPPUNIT_ASSERT(o->get("b").type() == typeid(double));
        CPPUNIT_ASSERT(o->get("c").type() == typeid(Poco::Int64));
        CPPUNIT_ASSERT(o->get("d").type() == typeid(double));
        CPPUNIT_ASSERT(o->get("e").type() == typeid(Poco::UInt64));
        CPPUNIT_ASSERT(o->get("f").type() == typeid(bool));
        CPPUNIT_ASSERT(o->get("f").isInteger()); // why booleans are ruled out before isInteger()
        CPPUNIT_ASSERT(o->get("g").isEmpty());
        CPPUNIT_ASSERT_THROW(parse(R"({"x":100000000000000000000})"), Poco::Exception);
        CPPUNIT_ASSERT_THROW(parse("{\"x\":\"\xff\"}"), Poco::Exception);
    }

    void controlCharactersAreRefused()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("v:invalid_format"), valueCodes(Schema::string(), R"("x\u0000y")"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:invalid_format"), valueCodes(Schema::string(), R"("bell\u0007")"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:invalid_format"), valueCodes(Schema::string(), R"("del\u007f")"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(Schema::string(), R"("two\nlines\tand\r")"));
    }

    void aliasesAreAcceptedUnderTheirFieldsName()
    {
        const Schema schema = Schema::object({required("foreign_order_id", Schema::integer().min(1)).alias("foreing_order_id")});
        CPPUNIT_ASSERT_EQUAL(std::string(""), codes(schema, R"({"foreing_order_id":7})"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), schema.validate(parseObject(R"({"foreing_order_id":7})"))->getValue<Poco::Int64>("foreign_order_id"));
        CPPUNIT_ASSERT(!schema.validate(parseObject(R"({"foreing_order_id":7})"))->has("foreing_order_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("foreign_order_id:required"), codes(schema, "{}"));
        CPPUNIT_ASSERT_EQUAL(std::string("foreign_order_id:out_of_range"), codes(schema, R"({"foreing_order_id":0})"));
        CPPUNIT_ASSERT_EQUAL(std::string("foreing_order_id:invalid_value"), codes(schema, R"({"foreign_order_id":1,"foreing_order_id":1})"));
        CPPUNIT_ASSERT(schema.toOpenApi()->getObject("properties")->has("foreing_order_id"));
    }

    void bodyMustBeAnObject()
    {
        const Schema schema = Schema::object({optional("name", Schema::string())});
        CPPUNIT_ASSERT_EQUAL(std::string("body:incorrect_type"), codes(schema, "[1,2]"));
        CPPUNIT_ASSERT_EQUAL(std::string("body:incorrect_type"), codesFor(schema, Var(std::string("text"))));
        CPPUNIT_ASSERT_EQUAL(std::string("body:incorrect_type"), codesFor(schema, Var(Poco::Int64(3))));
        CPPUNIT_ASSERT_EQUAL(std::string(""), codes(schema, "{}"));
    }

    void missingBodyIsEmptyBody()
    {
        const Schema schema = Schema::object({required("name", Schema::string())});
        try {
            schema.validate(JsonObject());
            CPPUNIT_FAIL("expected BadRequest");
        } catch (const BadRequest& e) {
            CPPUNIT_ASSERT_EQUAL(400, e.status());
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), e.errors().size());
            CPPUNIT_ASSERT_EQUAL(std::string("body"), e.errors()[0].field);
            CPPUNIT_ASSERT_EQUAL(std::string("empty_body"), e.errors()[0].code);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("body:empty_body"), codesFor(schema, Var()));
        // {} is a body: each missing required field is reported instead.
        CPPUNIT_ASSERT_EQUAL(std::string("name:required"), codes(schema, "{}"));
    }

    void requiredFieldMissingOrNull()
    {
        const Schema schema = Schema::object({required("a", Schema::string()), required("b", Schema::integer()),
                                              required("c", Schema::any())});
        CPPUNIT_ASSERT_EQUAL(std::string("a:required b:required c:required"), codes(schema, "{}"));
        CPPUNIT_ASSERT_EQUAL(std::string("a:required b:required c:required"),
                             codes(schema, R"({"a":null,"b":null,"c":null})"));
        CPPUNIT_ASSERT_EQUAL(std::string("is required"), firstMessage(schema, "{}"));
    }

    void optionalNullCountsAsAbsent()
    {
        const Schema schema = Schema::object({optional("a", Schema::string()), optional("b", Schema::integer())});
        const JsonObject out = schema.validate(parseObject(R"({"a":null})"));
        CPPUNIT_ASSERT(!out->has("a"));
        CPPUNIT_ASSERT(!out->has("b"));
        CPPUNIT_ASSERT_EQUAL(std::string("{}"), toJson(out));
    }

    void unknownFieldsAreRejected()
    {
        const Schema schema = Schema::object({optional("name", Schema::string())});
        CPPUNIT_ASSERT_EQUAL(std::string("Name:unknown extra:unknown nothing:unknown"),
                             codes(schema, R"({"name":"x","extra":1,"Name":"y","nothing":null})"));
    }

    void integerRejectsBooleansDoublesAndStrings()
    {
        const Schema integer = Schema::integer();
        for (const char* input : {"true", "false", "1.5", "1.0", "-0.0", "1e3", "\"3\"", "[]", "{}"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(input, std::string("v:incorrect_type"), valueCodes(integer, input));
        CPPUNIT_ASSERT_EQUAL(std::string("must be an integer"), firstMessage(wrap(integer), R"({"v":true})"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), normalized(integer, "-0"));
        CPPUNIT_ASSERT_EQUAL(std::string("-42"), normalized(integer, "-42"));
    }

    void integerOutsideInt64IsOutOfRange()
    {
        const Schema integer = Schema::integer();
        CPPUNIT_ASSERT_EQUAL(std::string("9223372036854775807"), normalized(integer, "9223372036854775807"));
        CPPUNIT_ASSERT_EQUAL(std::string("-9223372036854775808"), normalized(integer, "-9223372036854775808"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(integer, "9223372036854775808"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(integer, "18446744073709551615"));
        const JsonObject out = wrap(integer).validate(parseObject(R"({"v":7})"));
        CPPUNIT_ASSERT(out->get("v").type() == typeid(Poco::Int64));
        JsonObject programmatic = makeObject();
        programmatic->set("v", 7);
        CPPUNIT_ASSERT(wrap(integer).validate(programmatic)->get("v").type() == typeid(Poco::Int64));
    }

    void integerBounds()
    {
        const Schema quantity = Schema::integer().min(0).max(1'000'000);
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(quantity, "0"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(quantity, "1000000"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(quantity, "-1"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(quantity, "1000001"));
        CPPUNIT_ASSERT_EQUAL(std::string("must be between 0 and 1000000"), firstMessage(wrap(quantity), R"({"v":-1})"));
        CPPUNIT_ASSERT_EQUAL(std::string("must be at least 1"),
                             firstMessage(wrap(Schema::integer().min(1)), R"({"v":0})"));
        CPPUNIT_ASSERT_EQUAL(std::string("must be at most 5"), firstMessage(wrap(Schema::integer().max(5)), R"({"v":6})"));
    }

    void numberAcceptsIntegersAndDoubles()
    {
        const Schema number = Schema::number().min(0).max(10);
        CPPUNIT_ASSERT_EQUAL(std::string("1.5"), normalized(number, "1.5"));
        CPPUNIT_ASSERT_EQUAL(std::string("3"), normalized(number, "3"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(number, "1e1"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(number, "10.5"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(number, "-0.1"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(number, "9223372036854775808"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(Schema::number(), "9223372036854775808"));
        for (const char* input : {"true", "\"1\"", "null"}) {
            const std::string expected = std::string(input) == "null" ? "v:required" : "v:incorrect_type";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(input, expected, valueCodes(number, input));
        }
    }

    void booleanType()
    {
        const Schema flag = Schema::boolean();
        CPPUNIT_ASSERT_EQUAL(std::string("true"), normalized(flag, "true"));
        CPPUNIT_ASSERT_EQUAL(std::string("false"), normalized(flag, "false"));
        for (const char* input : {"1", "0", "\"true\"", "[]"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(input, std::string("v:incorrect_type"), valueCodes(flag, input));
    }

    void stringsAreTrimmedAndMustNotBeBlank()
    {
        const Schema name = Schema::string().maxLength(5);
        CPPUNIT_ASSERT_EQUAL(std::string("\"Ada\""), normalized(name, R"("  Ada \t\n")"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"abcde\""), normalized(name, R"("   abcde   ")")); // length after trimming
        CPPUNIT_ASSERT_EQUAL(std::string("v:empty"), valueCodes(name, R"("")"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:empty"), valueCodes(name, R"(" \t\r\n ")"));
        CPPUNIT_ASSERT_EQUAL(std::string("must not be empty"), firstMessage(wrap(name), R"({"v":" "})"));
        for (const char* input : {"1", "true", "[\"a\"]", "{}"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(input, std::string("v:incorrect_type"), valueCodes(name, input));
    }

    void allowEmptyAndNoTrim()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("\"\""), normalized(Schema::string().allowEmpty(), R"("")"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"\""), normalized(Schema::string().allowEmpty(), R"("   ")"));
        const Schema password = Schema::string().noTrim().minLength(8).maxLength(128);
        CPPUNIT_ASSERT_EQUAL(std::string("\" secret  \""), normalized(password, R"(" secret  ")"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:empty"), valueCodes(password, R"("        ")"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:too_short"), valueCodes(password, R"(" short ")"));
    }

    void lengthCountsCodePoints()
    {
        const Schema name = Schema::string().maxLength(120);
        std::string accented;
        for (int i = 0; i < 120; ++i)
            accented += "\xC3\xA9"; // é: 2 bytes, 1 code point
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(name, "\"" + accented + "\""));
        CPPUNIT_ASSERT_EQUAL(std::string("v:too_long"), valueCodes(name, "\"" + accented + "e\""));
        CPPUNIT_ASSERT_EQUAL(std::string("must be at most 120 characters"),
                             firstMessage(wrap(name), "{\"v\":\"" + std::string(121, 'x') + "\"}"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(Schema::string().maxLength(2), "\"\\ud83d\\ude00\xF0\x9F\x98\x80\""));
        CPPUNIT_ASSERT_EQUAL(std::string("v:too_long"), valueCodes(Schema::string().maxLength(1), "\"\xF0\x9F\x98\x80x\""));
    }

    void minLengthIsTooShort()
    {
        const Schema code = Schema::string().minLength(3);
        CPPUNIT_ASSERT_EQUAL(std::string("v:too_short"), valueCodes(code, R"("  ab  ")"));
        CPPUNIT_ASSERT_EQUAL(std::string("must be at least 3 characters"), firstMessage(wrap(code), R"({"v":"ab"})"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), valueCodes(code, "\"\xC3\xA9\xC3\xA9\xC3\xA9\""));
    }

    void invalidUtf8IsInvalidFormat()
    {
        const Schema schema = wrap(Schema::string());
        for (const std::string bad : {"a\xFF", "\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
            JsonObject body = makeObject();
            body->set("v", bad);
            CPPUNIT_ASSERT_EQUAL(std::string("v:invalid_format"), codesFor(schema, Var(body)));
        }
    }

    void emailFormatAndLowerCase()
    {
        const Schema email = Schema::string().maxLength(254).email();
        CPPUNIT_ASSERT_EQUAL(std::string("\"market_admin@example.com\""), normalized(email, R"(" Market_Admin@Example.COM ")"));
        for (const char* good : {"a@b.co", "first.last+tag@sub.example.org", "x@xn--bcher-kva.example"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(good, std::string(""), valueCodes(email, std::string("\"") + good + "\""));
        for (const char* bad : {"plain", "@example.com", "a@", "a@b", "a@@b.com", "a@b@c.com", "a b@c.com", "a@c .com",
                                "a@b..com", "a@.b.com", "a@b.com.", "a@-b.com", ".a@b.com", "a..b@c.com", "a@b_c.com",
                                "\\\"a\\\"@b.com", "a\\t@b.com"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("v:invalid_format"), valueCodes(email, std::string("\"") + bad + "\""));
        const std::string tooLong = std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
            std::string(62, 'd'); // 255 characters
        CPPUNIT_ASSERT_EQUAL(std::string("v:invalid_format"), valueCodes(Schema::string().email(), "\"" + tooLong + "\""));
        CPPUNIT_ASSERT_EQUAL(std::string("must be a valid email address"), firstMessage(wrap(email), R"({"v":"nope"})"));
    }

    void urlFormat()
    {
        const Schema url = Schema::string().maxLength(2048).url();
        for (const char* good : {"http://example.com", "https://example.com:8443/hooks?x=1", "HTTPS://Example.com/a",
                                 "http://10.0.0.1/", "http://[::1]:8080/x"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(good, std::string(""), valueCodes(url, std::string("\"") + good + "\""));
        CPPUNIT_ASSERT_EQUAL(std::string("\"HTTPS://Example.com/a\""), normalized(url, R"(" HTTPS://Example.com/a ")"));
        for (const char* bad : {"example.com", "ftp://example.com/", "javascript:alert(1)", "http:foo", "http:///path",
                                "http://exa mple.com/", "http://example.com:99999/", "https://", "mailto:a@b.com"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, std::string("v:invalid_format"), valueCodes(url, std::string("\"") + bad + "\""));
    }

    void oneOfIsInvalidValue()
    {
        const Schema status = Schema::string().oneOf({"CREATED", "CONFIRMED"});
        CPPUNIT_ASSERT_EQUAL(std::string("\"CONFIRMED\""), normalized(status, R"(" CONFIRMED ")"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:invalid_value"), valueCodes(status, R"("confirmed")"));
        CPPUNIT_ASSERT_EQUAL(std::string("must be one of: CREATED, CONFIRMED"), firstMessage(wrap(status), R"({"v":"X"})"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:empty"), valueCodes(status, R"("")"));
    }

    void arrayTypeAndItemCounts()
    {
        const Schema ids = Schema::array(Schema::integer()).minItems(1).maxItems(3);
        CPPUNIT_ASSERT_EQUAL(std::string("[1,2]"), normalized(ids, "[1,2]"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:empty"), valueCodes(ids, "[]"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(ids, "[1,2,3,4]"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(Schema::array(Schema::integer()).minItems(2), "[1]"));
        CPPUNIT_ASSERT_EQUAL(std::string("v:out_of_range"), valueCodes(Schema::array(Schema::integer()).minItems(2), "[]"));
        CPPUNIT_ASSERT_EQUAL(std::string("must have at most 3 items"), firstMessage(wrap(ids), R"({"v":[1,2,3,4]})"));
        for (const char* input : {"1", "\"[1]\"", "{}", "true"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(input, std::string("v:incorrect_type"), valueCodes(ids, input));
    }

    void arrayItemsHaveIndexedPaths()
    {
        const Schema schema = Schema::object({required(
            "products", Schema::array(Schema::object({required("product_id", Schema::integer().min(1)),
                                                       required("quantity", Schema::integer().min(1))})))});
        CPPUNIT_ASSERT_EQUAL(std::string("products.0.quantity:out_of_range products.1.product_id:incorrect_type "
                                         "products.1.x:unknown products.2:incorrect_type"),
                             codes(schema, R"({"products":[{"product_id":1,"quantity":0},
                                                           {"product_id":"2","quantity":1,"x":1}, 5]})"));
        CPPUNIT_ASSERT_EQUAL(std::string("v.1:incorrect_type"), valueCodes(Schema::array(Schema::string()), R"(["a",null])"));
    }

    void nestedObjectsHaveDottedPaths()
    {
        const Schema schema = Schema::object({
            required("order", Schema::object({required("foreign_order_id", Schema::integer()),
                                              optional("note", Schema::string().maxLength(3))})),
            required("destination", Schema::object({required("name", Schema::string())})),
        });
        CPPUNIT_ASSERT_EQUAL(std::string("destination.name:empty order.foreign_order_id:required order.note:too_long"),
                             codes(schema, R"({"order":{"note":"long"},"destination":{"name":" "}})"));
        CPPUNIT_ASSERT_EQUAL(std::string("destination:incorrect_type order:required"),
                             codes(schema, R"({"destination":[]})"));
    }

    void allErrorsAreCollectedAndSorted()
    {
        const Schema schema = Schema::object({
            required("name", Schema::string().maxLength(3)),
            required("quantity", Schema::integer()),
            optional("items", Schema::array(Schema::integer())),
        });
        try {
            schema.validate(parseObject(R"({"name":"long","quantity":true,"zzz":1,"aaa":2,
                                            "items":[0,1,2,3,4,5,6,7,8,9,"10",11,"12"]})"));
            CPPUNIT_FAIL("expected BadRequest");
        } catch (const BadRequest& e) {
            CPPUNIT_ASSERT_EQUAL(400, e.status());
            CPPUNIT_ASSERT_EQUAL(std::string("Invalid input"), std::string(e.what()));
            std::string text;
            for (const FieldError& error : e.errors())
                text += error.field + ":" + error.code + " ";
            // Plain string order: "items.10" sorts before "items.12" and both before "name".
            CPPUNIT_ASSERT_EQUAL(std::string("aaa:unknown items.10:incorrect_type items.12:incorrect_type name:too_long "
                                             "quantity:incorrect_type zzz:unknown "),
                                 text);
        }
    }

    void sortFieldErrorsUsesPlainStringOrder()
    {
        std::vector<FieldError> errors{{"products.2", "b", ""}, {"products.10", "a", ""}, {"name", "z", ""},
                                       {"name", "a", ""}, {"", "empty_body", ""}};
        sortFieldErrors(errors);
        std::string text;
        for (const FieldError& error : errors)
            text += error.field + ":" + error.code + " ";
        CPPUNIT_ASSERT_EQUAL(std::string(":empty_body name:a name:z products.10:a products.2:b "), text);
    }

    void normalizedCopyKeepsOnlyKnownFieldsInSchemaOrder()
    {
        const Schema schema = Schema::object({
            required("name", Schema::string()),
            required("username", Schema::string().email()),
            optional("quantity", Schema::integer()),
            optional("tags", Schema::array(Schema::string())),
            optional("address", Schema::object({required("city", Schema::string())})),
        });
        const JsonObject input = parseObject(
            R"({"tags":[" a ","b"],"quantity":3,"username":"A@B.CO","name":" x ","address":{"city":" Rome "}})");
        const JsonObject out = schema.validate(input);
        CPPUNIT_ASSERT(out.get() != input.get());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"name":"x","username":"a@b.co","quantity":3,"tags":["a","b"],"address":{"city":"Rome"}})"),
                             toJson(out));
        // The input is untouched.
        CPPUNIT_ASSERT_EQUAL(std::string(" x "), input->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string(" Rome "), input->getObject("address")->getValue<std::string>("city"));
        CPPUNIT_ASSERT(out->get("quantity").type() == typeid(Poco::Int64));
    }

    void anyAcceptsEverything()
    {
        const Schema schema = Schema::object({optional("extra", Schema::any())});
        for (const char* input : {"1", "1.5", "true", "\" x \"", "[1,{\"a\":null}]", "{\"k\":[]}"}) {
            const JsonObject out = schema.validate(parseObject(std::string("{\"extra\":") + input + "}"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(input, std::string("{\"extra\":") + input + "}", toJson(out));
        }
        const JsonObject input = parseObject(R"({"extra":{"k":[1]}})");
        const JsonObject out = schema.validate(input);
        CPPUNIT_ASSERT(out->getObject("extra").get() != input->getObject("extra").get());
    }

    void checkAppendsWithPathPrefix()
    {
        const Schema item = Schema::object({required("qty", Schema::integer().min(1))});
        std::vector<FieldError> errors{{"earlier", "required", "is required"}};
        const Var result = item.check(parse(R"({"qty":0,"x":1})"), "products.3", errors);
        CPPUNIT_ASSERT(result.isEmpty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), errors.size());
        CPPUNIT_ASSERT_EQUAL(std::string("products.3.qty"), errors[1].field);
        CPPUNIT_ASSERT_EQUAL(std::string("products.3.x"), errors[2].field);
        std::vector<FieldError> more;
        item.check(parse("[]"), "products.3", more);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), more.size());
        CPPUNIT_ASSERT_EQUAL(std::string("products.3"), more[0].field);
        CPPUNIT_ASSERT_EQUAL(std::string("incorrect_type"), more[0].code);
        CPPUNIT_ASSERT_THROW(item.validate(parse(R"({"qty":0})"), "products.3"), BadRequest);
    }

    void openApiDescribesTheSchema()
    {
        const Schema schema = Schema::object({
            required("name", Schema::string().maxLength(120).description("Display name")),
            required("username", Schema::string().email()),
            optional("url", Schema::string().url().allowEmpty()),
            required("role", Schema::string().oneOf({"A", "B"})),
            required("quantity", Schema::integer().min(0).max(10)),
            optional("price", Schema::number()),
            optional("active", Schema::boolean()),
            optional("ids", Schema::array(Schema::integer().min(1)).minItems(1).maxItems(5)),
            optional("meta", Schema::any()),
        });
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"type":"object","properties":{)"
                        R"("name":{"type":"string","description":"Display name","minLength":1,"maxLength":120},)"
                        R"("username":{"type":"string","format":"email","minLength":1},)"
                        R"("url":{"type":"string","format":"uri","nullable":true},)"
                        R"("role":{"type":"string","minLength":1,"enum":["A","B"]},)"
                        R"("quantity":{"type":"integer","format":"int64","minimum":0,"maximum":10},)"
                        R"("price":{"type":"number","nullable":true},)"
                        R"("active":{"type":"boolean","nullable":true},)"
                        R"("ids":{"type":"array","items":{"type":"integer","format":"int64","minimum":1},"minItems":1,"maxItems":5,"nullable":true},)"
                        R"("meta":{"nullable":true}},)"
                        R"("required":["name","username","role","quantity"],"additionalProperties":false})"),
            toJson(schema.toOpenApi()));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"object","properties":{},"additionalProperties":false})"),
                             toJson(Schema::object({}).toOpenApi()));
    }

    void toJsonIsCompactAndValidUtf8()
    {
        JsonObject object = makeObject();
        object->set("z", "h\xC3\xA9llo \xF0\x9F\x98\x80 \"q\" \\ \n \x01");
        object->set("a", Poco::Int64(-5));
        object->set("list", makeArray());
        object->set("none", Var());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"z\":\"h\xC3\xA9llo \xF0\x9F\x98\x80 \\\"q\\\" \\\\ \\n \\u0001\",\"a\":-5,"
                                         "\"list\":[],\"none\":null}"),
                             toJson(object));
        CPPUNIT_ASSERT_EQUAL(std::string("\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\""), toJson(Var(std::string("a\xFF" "b\xC3"))));
        CPPUNIT_ASSERT_EQUAL(std::string("null"), toJson(Var(JsonObject())));
        CPPUNIT_ASSERT_EQUAL(std::string("null"), toJson(Var()));
        CPPUNIT_ASSERT_EQUAL(object->getValue<std::string>("z"),
                             parseObject(toJson(object))->getValue<std::string>("z"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ValidatorTest, "unit");
