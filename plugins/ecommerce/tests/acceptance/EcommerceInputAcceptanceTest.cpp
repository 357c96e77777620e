// API.md §1 input rules on every write route of §2, against the real binary: non-object bodies,
// unknown fields, wrong types (a JSON boolean is never an integer), empty and over-long strings,
// negative and huge numbers, bad path ids, a wrong content type, oversized and missing bodies, and
// authentication before validation. Each gives its 4xx with `errors[]`, never a 500, and writes
// nothing (the whole visible state is compared afterwards).
#include "EcommerceService.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;

namespace {

/// One rejected request and what it must get: the status and, when given, exactly these errors
/// (`field:code`, in order); a 400 without expected errors must still name at least one.
struct Case {
    std::string method, path, body, token;
    int status = 400;
    std::vector<std::string> errors = {};
    std::string contentType = "application/json";
};

std::string describe(const Case& c) { return c.method + " " + c.path.substr(0, 60) + " " + c.body.substr(0, 120); }

void check(const EcommerceService& svc, const Case& c)
{
    std::map<std::string, std::string> headers;
    if (!c.token.empty())
        headers["Authorization"] = "Bearer " + c.token;
    HttpReply r = svc.http().request(c.method, c.path, c.body, headers, c.contentType);
    const std::string what = describe(c) + " -> " + r.body.substr(0, 300);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.status, r.status);
    CPPUNIT_ASSERT_MESSAGE(what, !r.json.isNull());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("fail"), r.json->getValue<std::string>("code"));
    CPPUNIT_ASSERT_MESSAGE(what, r.header("Content-Type").find("application/json") == 0);
    if (!c.errors.empty())
        CPPUNIT_ASSERT_MESSAGE(what, r.errorCodes() == c.errors);
    else if (c.status == 400)
        CPPUNIT_ASSERT_MESSAGE(what, !r.errorCodes().empty());
}

/// A valid JSON body with one member replaced or added: `with(R"({"a":1,"b":2})", "b", "true")`.
std::string with(const std::string& body, const std::string& member, const std::string& value)
{
    const std::string key = "\"" + member + "\":";
    const auto at = body.find(key);
    if (at == std::string::npos)
        return body.substr(0, body.size() - 1) + (body.size() > 2 ? "," : "") + key + value + "}";
    std::size_t end = at + key.size(), depth = 0;
    bool inString = false;
    for (; end < body.size(); ++end) {
        const char ch = body[end];
        if (inString) {
            if (ch == '\\')
                ++end;
            else if (ch == '"')
                inString = false;
        } else if (ch == '"') {
            inString = true;
        } else if (ch == '[' || ch == '{') {
            ++depth;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            --depth;
        } else if ((ch == ',' || ch == '}') && depth == 0) {
            break;
        }
    }
    return body.substr(0, at + key.size()) + value + body.substr(end);
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

} // namespace

class EcommerceInputAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceInputAcceptanceTest);
    CPPUNIT_TEST(badBodiesOnEveryWriteRoute);
    CPPUNIT_TEST(badFieldsOfStores);
    CPPUNIT_TEST(badFieldsOfProducts);
    CPPUNIT_TEST(badFieldsOfOrdersAndLines);
    CPPUNIT_TEST(badPathIdsAre404);
    CPPUNIT_TEST(authenticationBeforeValidation);
    CPPUNIT_TEST(wrongMethodsAre405);
    CPPUNIT_TEST_SUITE_END();

public:
    /// A market with one CREATED order of the mock buyer holding one line of product A.
    struct World {
        Market m;
        std::int64_t order = 0, line = 0;
    };

    World world(EcommerceService& svc)
    {
        World w;
        w.m = makeMarket(svc);
        HttpReply order = svc.http().post("/orders", orderBody({{w.m.productA, 1}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(order.body, 201, order.status);
        w.order = idOf(order);
        w.line = dataOf(order)->getArray("products")->getObject(0)->getValue<std::int64_t>("id");
        return w;
    }

    /// Runs every case, then checks that none of them wrote anything.
    void runAll(EcommerceService& svc, const World& w, const std::vector<Case>& cases)
    {
        const std::string before = snapshot(svc);
        const std::int64_t stockA = stockOf(svc, w.m.productA), stockB = stockOf(svc, w.m.productB);
        for (const Case& c : cases)
            check(svc, c);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(stockA, stockOf(svc, w.m.productA));
        CPPUNIT_ASSERT_EQUAL(stockB, stockOf(svc, w.m.productB));
    }

    void badBodiesOnEveryWriteRoute()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string store = "/stores/" + str(w.m.storeA), product = "/products/" + str(w.m.productA);
        const std::string order = "/orders/" + str(w.order);
        struct Route {
            std::string method, path, token, validBody;
            bool bodyRequired;
        };
        const std::vector<Route> routes{
            {"POST", "/stores", svc.admin(), R"({"name":"N","description":"D","users_ids":[)" + str(userIdOf(svc, svc.seller())) + "]}", true},
            {"PUT", store, svc.admin(), R"({"name":"N"})", true},
            {"POST", "/products", svc.seller(), R"({"name":"N","short_description":"S","quantity":1,"store_id":)" + str(w.m.storeA) + "}", true},
            {"PUT", product, svc.seller(), R"({"quantity":1})", true},
            {"POST", "/orders", svc.buyer(), orderBody({{w.m.productA, 1}}), false},
            {"POST", order + "/products", svc.buyer(), lineBody(w.m.productA, 1), true},
            {"POST", "/order/" + str(w.order) + "/products", svc.buyer(), lineBody(w.m.productA, 1), true},
            {"PUT", order, svc.admin(), R"({"status":"CANCELLED"})", true},
        };
        const std::string oversized = R"({"name":")" + std::string(1024 * 1024 + 16, 'n') + "\"}";
        std::vector<Case> cases;
        for (const Route& r : routes) {
            const auto add = [&](std::string body, int status, std::vector<std::string> errors = {}, std::string type = "application/json") {
                cases.push_back({r.method, r.path, std::move(body), r.token, status, std::move(errors), std::move(type)});
            };
            for (const std::string& nonObject : std::vector<std::string>{"[]", "[{}]", "[" + r.validBody + "]", "\"text\"", "42", "true", "null"})
                add(nonObject, 400);
            add("[]", 400, {"body:incorrect_type"});
            add("{", 400, {"body:invalid_format"});
            add(r.validBody + "}", 400, {"body:invalid_format"});
            add(r.validBody.substr(0, r.validBody.size() - 1), 400, {"body:invalid_format"});
            add("{'name':'N'}", 400, {"body:invalid_format"});
            add(with(r.validBody, "zz_extra", "1"), 400, {"zz_extra:unknown"});
            add(with(r.validBody, "zz_extra", "null"), 400, {"zz_extra:unknown"});
            add(r.validBody, 415, {}, "text/plain");
            add(r.validBody, 415, {}, "application/x-www-form-urlencoded");
            add(oversized, 413);
            if (r.bodyRequired) {
                add("", 400, {"body:empty_body"});
                add("   ", 400, {"body:empty_body"});
            }
        }
        runAll(svc, w, cases);
    }

    void badFieldsOfStores()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string sellers = "[" + str(userIdOf(svc, svc.seller())) + "]";
        const std::string valid = R"({"name":"N","description":"D","warehouse_address":"W","users_ids":)" + sellers + "}";
        const std::string store = "/stores/" + str(w.m.storeA);
        std::vector<Case> cases;
        const auto post = [&](const std::string& body, std::vector<std::string> errors) {
            cases.push_back({"POST", "/stores", body, svc.admin(), 400, std::move(errors)});
        };
        const auto put = [&](const std::string& body, std::vector<std::string> errors, const std::string& token) {
            cases.push_back({"PUT", store, body, token, 400, std::move(errors)});
        };
        for (const std::string& field : std::vector<std::string>{"name", "description", "warehouse_address"}) {
            for (const std::string& wrong : std::vector<std::string>{"true", "1", "[]", "{}", R"(["x"])"}) {
                post(with(valid, field, wrong), {field + ":incorrect_type"});
                put(with("{}", field, wrong), {field + ":incorrect_type"}, svc.seller());
            }
        }
        for (const std::string& field : std::vector<std::string>{"name", "description"}) {
            post(with(valid, field, "\"\""), {field + ":empty"});
            post(with(valid, field, "\"  \\t \""), {field + ":empty"});
            put(with("{}", field, "\" \""), {field + ":empty"}, svc.seller());
            post(with(valid, field, "null"), {field + ":required"});
        }
        post(with(valid, "name", quoted(std::string(121, 'n'))), {"name:too_long"});
        post(with(valid, "name", quoted(std::string(121, 'n') + "\u00e9")), {"name:too_long"});
        post(with(valid, "description", quoted(std::string(1001, 'd'))), {"description:too_long"});
        post(with(valid, "warehouse_address", quoted(std::string(256, 'w'))), {"warehouse_address:too_long"});
        put(R"({"name":")" + std::string(121, 'n') + "\"}", {"name:too_long"}, svc.seller());
        put(R"({"description":")" + std::string(1001, 'd') + "\"}", {"description:too_long"}, svc.seller());
        put(R"({"warehouse_address":")" + std::string(256, 'w') + "\"}", {"warehouse_address:too_long"}, svc.seller());
        for (const std::string& ids : std::vector<std::string>{"true", "1", quoted("1"), "{}"}) {
            post(with(valid, "users_ids", ids), {"users_ids:incorrect_type"});
            put(with("{}", "users_ids", ids), {"users_ids:incorrect_type"}, svc.admin());
        }
        post(with(valid, "users_ids", "[]"), {"users_ids:empty"});
        post(with(valid, "users_ids", "[true]"), {"users_ids.0:incorrect_type"});
        post(with(valid, "users_ids", "[\"2\"]"), {"users_ids.0:incorrect_type"});
        post(with(valid, "users_ids", "[2.5]"), {"users_ids.0:incorrect_type"});
        post(with(valid, "users_ids", "[null]"), {"users_ids.0:incorrect_type"});
        post(with(valid, "users_ids", "[0]"), {"users_ids.0:out_of_range"});
        post(with(valid, "users_ids", "[-2]"), {"users_ids.0:out_of_range"});
        post(with(valid, "users_ids", "[9223372036854775807]"), {"users_ids.0:not_seller"});
        post(with(valid, "users_ids", "[99999999999999999999]"), {});
        std::string many = "[";
        for (int i = 1; i <= 101; ++i)
            many += (i > 1 ? "," : "") + std::to_string(i);
        post(with(valid, "users_ids", many + "]"), {"users_ids:out_of_range"});
        post(R"({"name":"","description":1,"users_ids":[],"warehouse_address":false,"x":null})",
             {"description:incorrect_type", "name:empty", "users_ids:empty", "warehouse_address:incorrect_type", "x:unknown"});
        put(R"({"users_ids":[)" + str(userIdOf(svc, svc.buyer())) + "]}", {"users_ids.0:not_seller"}, svc.admin());
        put("{}", {"body:empty_body"}, svc.admin());
        put(R"({"name":null,"description":null})", {"body:empty_body"}, svc.admin());
        put(R"({"id":5})", {"id:unknown"}, svc.admin());
        put(R"({"created_at":"2020-01-01 00:00:00"})", {"created_at:unknown"}, svc.admin());
        runAll(svc, w, cases);
    }

    void badFieldsOfProducts()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string valid = R"({"name":"N","short_description":"S","quantity":1,"store_id":)" + str(w.m.storeA) + "}";
        const std::string product = "/products/" + str(w.m.productA);
        std::vector<Case> cases;
        const auto post = [&](const std::string& body, std::vector<std::string> errors) {
            cases.push_back({"POST", "/products", body, svc.seller(), 400, std::move(errors)});
        };
        const auto put = [&](const std::string& body, std::vector<std::string> errors) {
            cases.push_back({"PUT", product, body, svc.seller(), 400, std::move(errors)});
        };
        for (const std::string& field : std::vector<std::string>{"name", "short_description"}) {
            for (const std::string& wrong : std::vector<std::string>{"false", "7", "[]", "{}"}) {
                post(with(valid, field, wrong), {field + ":incorrect_type"});
                put(with("{}", field, wrong), {field + ":incorrect_type"});
            }
            post(with(valid, field, "\"\""), {field + ":empty"});
            post(with(valid, field, "\"   \""), {field + ":empty"});
            put(with("{}", field, "\"\\n\""), {field + ":empty"});
            post(with(valid, field, "null"), {field + ":required"});
        }
        post(with(valid, "name", quoted(std::string(121, 'n'))), {"name:too_long"});
        post(with(valid, "short_description", quoted(std::string(1001, 's'))), {"short_description:too_long"});
        put(R"({"name":")" + std::string(121, 'n') + "\"}", {"name:too_long"});
        for (const std::string& field : std::vector<std::string>{"quantity", "store_id"}) {
            for (const std::string& wrong : std::vector<std::string>{"true", "false", "\"1\"", "1.5", "1.0", "[1]", "{}"}) {
                post(with(valid, field, wrong), {field + ":incorrect_type"});
                if (field == "quantity")
                    put(with("{}", field, wrong), {field + ":incorrect_type"});
            }
            post(with(valid, field, "null"), {field + ":required"});
            post(with(valid, field, "-1"), {field + ":out_of_range"});
            post(with(valid, field, "-9223372036854775808"), {field + ":out_of_range"});
            post(with(valid, field, "1e400"), {});
            post(with(valid, field, "123456789012345678901234567890"), {});
        }
        post(with(valid, "quantity", "1000001"), {"quantity:out_of_range"});
        post(with(valid, "quantity", "9223372036854775807"), {"quantity:out_of_range"});
        post(with(valid, "store_id", "0"), {"store_id:out_of_range"});
        put(R"({"quantity":-1})", {"quantity:out_of_range"});
        put(R"({"quantity":1000001})", {"quantity:out_of_range"});
        put(R"({"quantity":null})", {"body:empty_body"});
        put(R"({"store_id":1})", {"store_id:unknown"});
        put("{}", {"body:empty_body"});
        post("{}", {"name:required", "quantity:required", "short_description:required", "store_id:required"});
        post(R"({"name":true,"short_description":"","quantity":-5,"store_id":"x","price":3})",
             {"name:incorrect_type", "price:unknown", "quantity:out_of_range", "short_description:empty", "store_id:incorrect_type"});
        runAll(svc, w, cases);
    }

    void badFieldsOfOrdersAndLines()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string p = str(w.m.productA);
        std::vector<Case> cases;
        const auto order = [&](const std::string& body, std::vector<std::string> errors) {
            cases.push_back({"POST", "/orders", body, svc.buyer(), 400, std::move(errors)});
        };
        const auto line = [&](const std::string& body, std::vector<std::string> errors) {
            for (const std::string prefix : {"/orders/", "/order/"})
                cases.push_back({"POST", prefix + str(w.order) + "/products", body, svc.buyer(), 400, errors});
        };
        const auto status = [&](const std::string& body, std::vector<std::string> errors) {
            cases.push_back({"PUT", "/orders/" + str(w.order), body, svc.admin(), 400, std::move(errors)});
        };
        // POST /orders
        for (const std::string& wrong : std::vector<std::string>{"true", "1", "[]", "{}"})
            order(R"({"delivery_address":)" + wrong + "}", {"delivery_address:incorrect_type"});
        order(R"({"delivery_address":""})", {"delivery_address:empty"});
        order(R"({"delivery_address":"   "})", {"delivery_address:empty"});
        order(R"({"delivery_address":")" + std::string(256, 'a') + "\"}", {"delivery_address:too_long"});
        for (const std::string& wrong : std::vector<std::string>{"true", "1", "\"x\"", "{}"})
            order(R"({"products":)" + wrong + "}", {"products:incorrect_type"});
        order(R"({"products":[1]})", {"products.0:incorrect_type"});
        order(R"({"products":[[]]})", {"products.0:incorrect_type"});
        order(R"({"products":[null]})", {"products.0:incorrect_type"});
        order(R"({"products":[{}]})", {"products.0.product_id:required", "products.0.quantity:required"});
        for (const std::string& field : std::vector<std::string>{"product_id", "quantity"}) {
            for (const std::string& wrong : std::vector<std::string>{"true", "false", "\"1\"", "1.5", "2.0", "[1]", "{}"})
                order(R"({"products":[)" + with(lineBody(w.m.productA, 1), field, wrong) + "]}", {"products.0." + field + ":incorrect_type"});
            line(with(lineBody(w.m.productA, 1), field, "true"), {field + ":incorrect_type"});
            line(with(lineBody(w.m.productA, 1), field, "\"1\""), {field + ":incorrect_type"});
            line(with(lineBody(w.m.productA, 1), field, "1.5"), {field + ":incorrect_type"});
            line(with(lineBody(w.m.productA, 1), field, "null"), {field + ":required"});
            line(with(lineBody(w.m.productA, 1), field, "0"), {field + ":out_of_range"});
            line(with(lineBody(w.m.productA, 1), field, "-1"), {field + ":out_of_range"});
            line(with(lineBody(w.m.productA, 1), field, "1e400"), {});
            line(with(lineBody(w.m.productA, 1), field, "99999999999999999999"), {});
        }
        order(R"({"products":[{"product_id":)" + p + R"(,"quantity":0}]})", {"products.0.quantity:out_of_range"});
        order(R"({"products":[{"product_id":)" + p + R"(,"quantity":-3}]})", {"products.0.quantity:out_of_range"});
        order(R"({"products":[{"product_id":)" + p + R"(,"quantity":1000001}]})", {"products.0.quantity:out_of_range"});
        order(R"({"products":[{"product_id":)" + p + R"(,"quantity":9223372036854775807}]})", {"products.0.quantity:out_of_range"});
        order(R"({"products":[{"product_id":0,"quantity":1}]})", {"products.0.product_id:out_of_range"});
        order(R"({"products":[{"product_id":)" + p + R"(,"quantity":1,"price":1}]})", {"products.0.price:unknown"});
        order(R"({"products":[{"product_id":)" + p + R"(,"quantity":1},{"product_id":)" + p + R"(,"quantity":true}]})",
              {"products.1.quantity:incorrect_type"});
        std::vector<std::pair<std::int64_t, std::int64_t>> many(101, {w.m.productA, 1});
        order(orderBody(many), {"products:out_of_range"});
        order(R"({"status":"CONFIRMED"})", {"status:unknown"});
        order(R"({"user_id":1})", {"user_id:unknown"});
        order(R"({"delivery_address":"","products":[{"quantity":1}],"x":1})",
              {"delivery_address:empty", "products.0.product_id:required", "x:unknown"});
        // POST /orders/{id}/products (both spellings)
        line("{}", {"product_id:required", "quantity:required"});
        line(with(lineBody(w.m.productA, 1), "quantity", "1000001"), {"quantity:out_of_range"});
        line(with(lineBody(w.m.productA, 1), "order_id", str(w.order)), {"order_id:unknown"});
        line(R"({"products":[{"product_id":)" + p + R"(,"quantity":1}]})", {"product_id:required", "products:unknown", "quantity:required"});
        // PUT /orders/{id}
        status("{}", {"status:required"});
        status(R"({"status":null})", {"status:required"});
        for (const std::string& wrong : std::vector<std::string>{"true", "1", "[]", "{}", R"(["CONFIRMED"])"})
            status(R"({"status":)" + wrong + "}", {"status:incorrect_type"});
        status(R"({"status":""})", {"status:empty"});
        for (const std::string& bogus : std::vector<std::string>{"confirmed", "Confirmed", "CANCELED", "PAID", "CREATED_", std::string(300, 'X')})
            status(R"({"status":")" + bogus + "\"}", {"status:invalid_value"});
        status(R"({"status":"CONFIRMED","delivery":null})", {"delivery:unknown"});
        runAll(svc, w, cases);
    }

    void badPathIdsAre404()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string order = str(w.order), line = str(w.line);
        std::vector<Case> cases;
        for (const std::string bad : {"abc", "0", "-1", "1.5", "1e3", "0x10", "%20", "1%2F2", "99999999999999999999", "9223372036854775808",
                                      "+1", "01", "%201", "1%20"}) {
            const auto add = [&](const std::string& method, const std::string& path, const std::string& body, const std::string& token) {
                cases.push_back({method, path, body, token, 404});
            };
            add("GET", "/stores/" + bad, "", svc.admin());
            add("PUT", "/stores/" + bad, R"({"name":"N"})", svc.admin());
            add("DELETE", "/stores/" + bad, "", svc.admin());
            add("GET", "/products/" + bad, "", svc.seller());
            add("PUT", "/products/" + bad, R"({"quantity":3})", svc.seller());
            add("DELETE", "/products/" + bad, "", svc.seller());
            add("GET", "/orders/" + bad, "", svc.buyer());
            add("PUT", "/orders/" + bad, R"({"status":"CANCELLED"})", svc.buyer());
            add("DELETE", "/orders/" + bad, "", svc.buyer());
            for (const std::string prefix : {"/orders/", "/order/"}) {
                add("GET", prefix + bad + "/products", "", svc.buyer());
                add("POST", prefix + bad + "/products", lineBody(w.m.productA, 1), svc.buyer());
                add("DELETE", prefix + bad + "/products/" + line, "", svc.buyer());
                add("DELETE", prefix + order + "/products/" + bad, "", svc.buyer());
            }
        }
        // Ids that are well-formed but name nothing: 404 as well.
        for (const std::string& missing : std::vector<std::string>{"999999", "9223372036854775807"}) {
            cases.push_back({"GET", "/stores/" + missing, "", svc.admin(), 404});
            cases.push_back({"GET", "/orders/" + missing, "", svc.admin(), 404});
            cases.push_back({"GET", "/order/" + missing + "/products", "", svc.deliveryService(), 404});
            cases.push_back({"DELETE", "/products/" + missing, "", svc.admin(), 404});
            cases.push_back({"PUT", "/orders/" + missing, R"({"status":"CANCELLED"})", svc.admin(), 404});
            cases.push_back({"DELETE", "/orders/" + order + "/products/" + missing, "", svc.buyer(), 404});
        }
        runAll(svc, w, cases);
    }

    void authenticationBeforeValidation()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string bad = R"({"name":true,"zz":1})";
        std::vector<Case> cases;
        const std::vector<std::pair<std::string, std::string>> routes{
            {"POST", "/stores"}, {"PUT", "/stores/" + str(w.m.storeA)}, {"POST", "/products"}, {"PUT", "/products/" + str(w.m.productA)},
            {"POST", "/orders"}, {"POST", "/orders/" + str(w.order) + "/products"}, {"PUT", "/orders/" + str(w.order)}};
        for (const auto& [method, path] : routes) {
            cases.push_back({method, path, bad, "", 401});
            cases.push_back({method, path, bad, "not.a.token", 401});
            cases.push_back({method, path, "[", "", 401});
        }
        // Roles a route refuses outright are 403 before the body is looked at.
        cases.push_back({"POST", "/stores", bad, svc.seller(), 403});
        cases.push_back({"PUT", "/stores/" + str(w.m.storeA), bad, svc.buyer(), 403});
        cases.push_back({"POST", "/products", bad, svc.buyer(), 403});
        cases.push_back({"PUT", "/products/" + str(w.m.productA), "[", svc.deliveryService(), 403});
        cases.push_back({"POST", "/orders", bad, svc.seller(), 403});
        cases.push_back({"POST", "/orders", "[", svc.admin(), 403});
        runAll(svc, w, cases);
        HttpReply anonymous = svc.http().request("POST", "/orders", bad, {});
        CPPUNIT_ASSERT(anonymous.header("WWW-Authenticate").find("Bearer") == 0);
    }

    void wrongMethodsAre405()
    {
        EcommerceService svc;
        World w = world(svc);
        const std::string order = "/orders/" + str(w.order);
        const std::vector<std::tuple<std::string, std::string, std::string>> cases{
            {"PATCH", "/stores/" + str(w.m.storeA), "DELETE, GET, PUT"}, {"POST", "/stores/" + str(w.m.storeA), "DELETE, GET, PUT"},
            {"DELETE", "/stores", "GET, POST"},                            {"PUT", "/products", "GET, POST"},
            {"POST", "/products/" + str(w.m.productA), "DELETE, GET, PUT"}, {"DELETE", "/orders", "GET, POST"},
            {"POST", order, "DELETE, GET, PUT"},                           {"PUT", order + "/products", "GET, POST"},
            {"GET", order + "/products/" + str(w.line), "DELETE"},        {"GET", "/webhooks/delivery", "POST"}};
        const std::string before = snapshot(svc);
        for (const auto& [method, path, allowed] : cases) {
            HttpReply r = svc.http().request(method, path, "{}", {{"Authorization", "Bearer " + svc.admin()}});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(method + " " + path, 405, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(method + " " + path, std::string("fail"), r.json->getValue<std::string>("code"));
            std::string allow = r.header("Allow");
            CPPUNIT_ASSERT_MESSAGE(method + " " + path + ": Allow " + allow, !allow.empty());
            for (const std::string& m : {std::string("GET"), std::string("POST"), std::string("PUT"), std::string("DELETE")})
                CPPUNIT_ASSERT_EQUAL_MESSAGE(method + " " + path + " " + m + " in " + allow, allowed.find(m) != std::string::npos,
                                             allow.find(m) != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceInputAcceptanceTest, "acceptance");
