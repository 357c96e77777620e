// The JSON of every request body, against the real binary of both services (ecommerce with the
// accounts plugin, delivery): integer literals outside the signed 64-bit range and numbers beyond
// the double range are `out_of_range` on their own field (never wrapped: 2^64+3 used to read as 3);
// `"s"`, `42`, `true` and `null` bodies are valid JSON that is not an object (`incorrect_type` on
// `body`, like `[]` — `null` is not "no body"); a key given twice is `duplicate_key` on its path;
// nesting deeper than 64 levels is `too_deep`. Each refusal is a 400 envelope that writes nothing.
#include "../../plugins/delivery/tests/acceptance/DeliveryService.h"
#include "../../plugins/ecommerce/tests/acceptance/EcommerceService.h"

#include "mercato/sdk/WebhookSignature.h"

#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;

namespace {

/// 2^64 + n as a decimal literal, for 0 <= n < 290,448,384 (2^64 = 18446744073 * 10^9 + 709551616).
std::string twoTo64Plus(std::int64_t n)
{
    return "18446744073" + std::to_string(709551616 + n);
}

const std::string kMinus2To63Minus1 = "-9223372036854775809";

/// The literals no field may take: 2^64 .. 2^64+3 (POCO read them as 0 .. 3), 2^64+4 (refused as
/// malformed), 2^63, -2^63-1 (clamped), and doubles beyond the double range.
std::vector<std::string> outOfRangeLiterals()
{
    return {twoTo64Plus(0), twoTo64Plus(1), twoTo64Plus(2), twoTo64Plus(3), twoTo64Plus(4), "9223372036854775808",
            kMinus2To63Minus1, "1e400", "-1e400"};
}

/// `levels` nested arrays.
std::string nestedArrays(std::size_t levels)
{
    return std::string(levels, '[') + std::string(levels, ']');
}

/// The path of the element at nesting level `levels + 1` of nested arrays: "0.0...0" (`levels` zeros).
std::string zerosPath(std::size_t levels)
{
    std::string path;
    for (std::size_t i = 0; i < levels; ++i)
        path += path.empty() ? "0" : ".0";
    return path;
}

/// Expects a 400 failure envelope with exactly these `field:code` errors (sorted, as rendered).
HttpReply expectRefused(const HttpTestClient& http, const std::string& method, const std::string& path, const std::string& body,
                        const std::string& token, const std::vector<std::string>& errors,
                        std::map<std::string, std::string> headers = {})
{
    if (!token.empty())
        headers["Authorization"] = "Bearer " + token;
    HttpReply r = http.request(method, path, body, headers);
    const std::string what = method + " " + path + " " + body.substr(0, 160) + " -> " + r.body.substr(0, 400);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, 400, r.status);
    CPPUNIT_ASSERT_MESSAGE(what, !r.json.isNull());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("fail"), r.json->getValue<std::string>("code"));
    std::string got, want;
    for (const auto& e : r.errorCodes())
        got += e + " ";
    for (const auto& e : errors)
        want += e + " ";
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, want, got);
    return r;
}

/// A signed `POST /webhooks/delivery` of this body (the ecommerce service's receiver).
std::map<std::string, std::string> webhookHeaders(const std::string& id, const std::string& body)
{
    const std::int64_t timestamp = Poco::Timestamp().epochTime();
    return {{"webhook-id", id},
            {"webhook-timestamp", std::to_string(timestamp)},
            {"webhook-signature", mercato::sdk::webhook::sign(kDeliveryWebhookSecret, id, timestamp, body)}};
}

std::string webhookEvent(const std::string& createdAt, const std::string& sequence, std::int64_t orderId)
{
    return R"({"id":"evt_j","type":"delivery.status_changed","created_at":)" + createdAt
           + R"(,"data":{"tracking_number":"TN0123456789","foreign_order_id":)" + str(orderId)
           + R"(,"status":"DELIVERED","previous_status":null,"sequence":)" + sequence + "}}";
}

const std::vector<std::string> kScalarBodies{"\"s\"", "42", "true", "null", "[]", " null ", "\"\"", "-1.5"};

/// Delivery bodies (API.md §3) with the parts to vary.
std::string deliveryBody(const std::string& foreignOrderId, const std::string& sku, const std::string& qty)
{
    return R"({"order":{"foreign_order_id":)" + foreignOrderId + R"(,"products":[{"sku":)" + sku + R"(,"name":"Dune","qty":)" + qty
           + R"(}]},"origin":{"address":"1 Dock"},"destination":{"name":"Ada","address":"2 Home"}})";
}

} // namespace

class JsonInputAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(JsonInputAcceptanceTest);
    CPPUNIT_TEST(ecommerceIntegersNeverWrap);
    CPPUNIT_TEST(ecommerceNumbersKeepTheirValue);
    CPPUNIT_TEST(ecommerceScalarBodiesAreNotObjects);
    CPPUNIT_TEST(ecommerceDuplicateKeysAndDepth);
    CPPUNIT_TEST(deliveryBodiesAreStrict);
    CPPUNIT_TEST_SUITE_END();

public:
    void ecommerceIntegersNeverWrap()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::int64_t order = idOf(http.post("/orders", "{}", svc.buyer()));
        const std::int64_t delivered = orderIn(svc, m, "DISPATCHED");
        const std::string before = snapshot(svc);
        const std::string product = "/products/" + str(m.productA), store = "/stores/" + str(m.storeA);
        const std::string line = "/orders/" + str(order) + "/products";
        for (const std::string& n : outOfRangeLiterals()) {
            // Products: quantity and store_id, on create and update.
            expectRefused(http, "POST", "/products", R"({"name":"N","short_description":"S","quantity":)" + n + R"(,"store_id":)" + str(m.storeA) + "}",
                          svc.seller(), {"quantity:out_of_range"});
            expectRefused(http, "POST", "/products", R"({"name":"N","short_description":"S","quantity":1,"store_id":)" + n + "}", svc.admin(),
                          {"store_id:out_of_range"});
            expectRefused(http, "PUT", product, R"({"quantity":)" + n + "}", svc.seller(), {"quantity:out_of_range"});
            // Orders: each line's product_id and quantity, in POST /orders and POST /orders/{id}/products.
            expectRefused(http, "POST", "/orders", R"({"products":[{"product_id":)" + str(m.productB) + R"(,"quantity":1},{"product_id":)" + n
                                                       + R"(,"quantity":1}]})",
                          svc.buyer(), {"products.1.product_id:out_of_range"});
            expectRefused(http, "POST", "/orders", R"({"products":[{"product_id":)" + str(m.productA) + R"(,"quantity":)" + n + "}]}",
                          svc.buyer(), {"products.0.quantity:out_of_range"});
            expectRefused(http, "POST", line, R"({"product_id":)" + n + R"(,"quantity":1})", svc.buyer(), {"product_id:out_of_range"});
            expectRefused(http, "POST", line, R"({"product_id":)" + str(m.productA) + R"(,"quantity":)" + n + "}", svc.buyer(),
                          {"quantity:out_of_range"});
            // Stores: an id array.
            expectRefused(http, "POST", "/stores", R"({"name":"S","description":"D","users_ids":[)" + str(seller) + "," + n + "]}", svc.admin(),
                          {"users_ids.1:out_of_range"});
            expectRefused(http, "PUT", store, R"({"users_ids":[)" + n + "]}", svc.admin(), {"users_ids.0:out_of_range"});
            // The signed webhook: a field the schema takes as any value, and an integer in a nested object.
            const std::string anyField = webhookEvent(n, "1", delivered);
            expectRefused(http, "POST", "/webhooks/delivery", anyField, "", {"created_at:out_of_range"}, webhookHeaders("evt_j", anyField));
            const std::string nested = webhookEvent(R"("2026-01-01 00:00:00")", n, delivered);
            expectRefused(http, "POST", "/webhooks/delivery", nested, "", {"data.sequence:out_of_range"}, webhookHeaders("evt_j", nested));
        }
        // Several at once: each on its own field, sorted by path.
        expectRefused(http, "POST", "/products",
                      R"({"store_id":)" + twoTo64Plus(1) + R"(,"name":"N","short_description":"S","quantity":)" + kMinus2To63Minus1 + "}",
                      svc.seller(), {"quantity:out_of_range", "store_id:out_of_range"});
        // The wrapped readings would have been a product of stock 0..3, a line of product 1..3, a
        // store of user 2, a DELIVERED order: nothing of it was written.
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("DISPATCHED"), statusOf(http.get("/orders/" + str(delivered), svc.buyer())));
    }

    void ecommerceNumbersKeepTheirValue()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::string product = "/products/" + str(m.productA);
        // -0 is the integer 0; a fraction or an exponent is not an integer (incorrect_type, as the validator says).
        HttpReply zero = http.put(product, R"({"quantity":-0})", svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(zero.body, 200, zero.status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stockOf(svc, m.productA));
        for (const std::string notInteger : {"1E2", "1e2", "1.0", "5.5", "-0.0", "1e-400"})
            expectRefused(http, "PUT", product, R"({"quantity":)" + std::string(notInteger) + "}", svc.seller(), {"quantity:incorrect_type"});
        // In range but over the field's bounds: the validator's out_of_range, as before.
        expectRefused(http, "PUT", product, R"({"quantity":9223372036854775807})", svc.seller(), {"quantity:out_of_range"});
        HttpReply exact = http.put(product, R"({"quantity":1000000})", svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(exact.body, 200, exact.status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1000000), stockOf(svc, m.productA));
        // Lines name their product exactly.
        HttpReply bought = http.post("/orders", orderBody({{m.productB, 2}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bought.body, 201, bought.status);
        CPPUNIT_ASSERT(lineProducts(dataOf(bought)->getArray("products")) == std::vector<std::int64_t>{m.productB});
    }

    void ecommerceScalarBodiesAreNotObjects()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t order = idOf(http.post("/orders", "{}", svc.buyer()));
        const std::int64_t delivered = orderIn(svc, m, "DISPATCHED");
        const std::int64_t buyerId = userIdOf(svc, svc.buyer());
        const std::string before = snapshot(svc);
        struct Route {
            std::string method, path, token;
        };
        const std::vector<Route> routes{
            {"POST", "/products", svc.seller()},
            {"PUT", "/products/" + str(m.productA), svc.seller()},
            {"POST", "/orders", svc.buyer()}, // its body is optional: `null` is still a body
            {"POST", "/orders/" + str(order) + "/products", svc.buyer()},
            {"PUT", "/orders/" + str(order), svc.admin()},
            {"POST", "/stores", svc.admin()},
            {"PUT", "/stores/" + str(m.storeA), svc.admin()},
            {"POST", "/signin", ""},
            {"POST", "/signup", ""},
            {"POST", "/users", svc.admin()},
            {"PUT", "/users/" + str(buyerId), svc.buyer()},
        };
        for (const Route& r : routes) {
            for (const std::string& body : kScalarBodies) {
                HttpReply reply = expectRefused(http, r.method, r.path, body, r.token, {"body:incorrect_type"});
                CPPUNIT_ASSERT_EQUAL_MESSAGE(reply.body, std::string("Invalid input"), reply.json->getValue<std::string>("message"));
            }
        }
        // The webhook receiver reads its body itself (after the signature): the same answer.
        for (const std::string& body : kScalarBodies)
            expectRefused(http, "POST", "/webhooks/delivery", body, "", {"body:incorrect_type"}, webhookHeaders("evt_s", body));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("DISPATCHED"), statusOf(http.get("/orders/" + str(delivered), svc.buyer())));
        // No body at all is still no body.
        HttpReply empty = http.post("/orders", "", svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(empty.body, 201, empty.status);
    }

    void ecommerceDuplicateKeysAndDepth()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t order = idOf(http.post("/orders", "{}", svc.buyer()));
        const std::int64_t buyerId = userIdOf(svc, svc.buyer());
        const std::string before = snapshot(svc);
        const std::string p = str(m.productA);
        expectRefused(http, "PUT", "/products/" + p, R"({"quantity":5,"quantity":7})", svc.seller(), {"quantity:duplicate_key"});
        expectRefused(http, "POST", "/products", R"({"name":"N","short_description":"S","quantity":5,"store_id":)" + str(m.storeA) + R"(,"quantity":7})",
                      svc.seller(), {"quantity:duplicate_key"});
        expectRefused(http, "POST", "/orders", R"({"products":[{"product_id":)" + p + R"(,"quantity":1},{"product_id":)" + p + R"(,"quantity":1,"quantity":9}]})",
                      svc.buyer(), {"products.1.quantity:duplicate_key"});
        expectRefused(http, "POST", "/orders/" + str(order) + "/products", R"({"product_id":)" + p + R"(,"product_id":)" + str(m.productB) + R"(,"quantity":1})",
                      svc.buyer(), {"product_id:duplicate_key"});
        expectRefused(http, "PUT", "/orders/" + str(order), R"({"status":"CANCELLED","status":"CONFIRMED"})", svc.admin(), {"status:duplicate_key"});
        expectRefused(http, "PUT", "/users/" + str(buyerId), R"({"name":"A","name":"B"})", svc.buyer(), {"name:duplicate_key"});
        expectRefused(http, "POST", "/signin", R"({"username":"x@example.com","username":"user@example.com","password":"password"})", "",
                      {"username:duplicate_key"});
        // Together with an out-of-range number, each on its own path.
        expectRefused(http, "PUT", "/products/" + p, R"({"quantity":1,"name":"A","quantity":)" + twoTo64Plus(0) + "}", svc.seller(),
                      {"quantity:duplicate_key", "quantity:out_of_range"});

        // Nesting: the body object and 63 levels inside it parse (the validator then names the
        // unknown field); one more is refused by the parser, naming the limit.
        const std::string valid = R"({"name":"N","short_description":"S","quantity":5,"store_id":)" + str(m.storeA);
        expectRefused(http, "POST", "/products", valid + R"(,"zz":)" + nestedArrays(63) + "}", svc.seller(), {"zz:unknown"});
        std::string path = "zz";
        for (int i = 0; i < 63; ++i)
            path += ".0";
        HttpReply deep = expectRefused(http, "POST", "/products", valid + R"(,"zz":)" + nestedArrays(64) + "}", svc.seller(), {path + ":too_deep"});
        CPPUNIT_ASSERT_EQUAL(std::string("JSON nested deeper than 64 levels"), deep.json->getValue<std::string>("message"));
        // Far deeper (100,000 levels): the same answer, and the host is still serving.
        expectRefused(http, "POST", "/orders", nestedArrays(100000), svc.buyer(), {zerosPath(64) + ":too_deep"});
        CPPUNIT_ASSERT_EQUAL(200, http.get("/health").status);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
    }

    void deliveryBodiesAreStrict()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        HttpReply created = http.post("/deliveries", deliveryBody("1", "1", "1"), svc.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        const std::string tracking = "/deliveries/" + dataOf(created)->getValue<std::string>("tracking_number");
        const auto state = [&] { return http.get("/deliveries?limit=500", svc.admin()).body + http.get("/webhooks", svc.admin()).body; };
        const std::string before = state();
        for (const std::string& n : outOfRangeLiterals()) {
            expectRefused(http, "POST", "/deliveries", deliveryBody(n, "1", "1"), svc.client(), {"order.foreign_order_id:out_of_range"});
            expectRefused(http, "POST", "/deliveries", deliveryBody("2", n, "1"), svc.client(), {"order.products.0.sku:out_of_range"});
            expectRefused(http, "POST", "/deliveries", deliveryBody("2", "1", n), svc.client(), {"order.products.0.qty:out_of_range"});
            expectRefused(http, "PUT", tracking, R"({"order":{"products":[{"sku":1,"name":"D","qty":1},{"sku":1,"name":"D","qty":)" + n + "}]}}",
                          svc.client(), {"order.products.1.qty:out_of_range"});
        }
        for (const std::string& body : kScalarBodies) {
            expectRefused(http, "POST", "/deliveries", body, svc.client(), {"body:incorrect_type"});
            expectRefused(http, "PUT", tracking, body, svc.client(), {"body:incorrect_type"});
            expectRefused(http, "POST", "/webhooks", body, svc.client(), {"body:incorrect_type"});
            expectRefused(http, "POST", "/users", body, svc.admin(), {"body:incorrect_type"});
        }
        // GET /deliveries-history reads an optional body itself: `null` is a body that is not an object.
        const std::string history = "/deliveries-history?tracking_number=" + tracking.substr(12) + "&foreing_order_id=1";
        HttpReply found = http.get(history, svc.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(found.body, 200, found.status);
        for (const std::string& body : kScalarBodies)
            expectRefused(http, "GET", history, body, svc.client(), {"body:incorrect_type"});
        // Duplicate keys, at the top and nested.
        const std::string dupTop = R"({"origin":{"address":"1 Dock"},)" + deliveryBody("3", "1", "1").substr(1);
        expectRefused(http, "POST", "/deliveries", dupTop, svc.client(), {"origin:duplicate_key"});
        expectRefused(http, "POST", "/deliveries", deliveryBody(R"(3,"foreign_order_id":4)", "1", "1"), svc.client(),
                      {"order.foreign_order_id:duplicate_key"});
        expectRefused(http, "POST", "/deliveries", deliveryBody("3", "1", R"(1,"qty":2)"), svc.client(), {"order.products.0.qty:duplicate_key"});
        // Too deep.
        HttpReply deep = expectRefused(http, "POST", "/deliveries", nestedArrays(65), svc.client(), {zerosPath(64) + ":too_deep"});
        CPPUNIT_ASSERT_EQUAL(std::string("JSON nested deeper than 64 levels"), deep.json->getValue<std::string>("message"));
        CPPUNIT_ASSERT_EQUAL(before, state());
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(JsonInputAcceptanceTest, "acceptance");
