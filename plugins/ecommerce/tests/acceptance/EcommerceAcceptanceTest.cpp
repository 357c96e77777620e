// API.md §2 against the real binary with the accounts and ecommerce plugins: the main paths of
// stores, products and orders, BOLA, the status machine, Idempotency-Key and the signed delivery
// webhook. Every route in detail: EcommerceCatalogAcceptanceTest, EcommerceOrdersAcceptanceTest,
// EcommerceInputAcceptanceTest; stock under concurrent buyers: EcommerceConcurrencyAcceptanceTest.
#include "EcommerceService.h"

#include "mercato/sdk/WebhookSignature.h"

#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;

class EcommerceAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceAcceptanceTest);
    CPPUNIT_TEST(catalogRolesAndValidation);
    CPPUNIT_TEST(ordersVisibilityAndStatusMachine);
    CPPUNIT_TEST(allOrNothingAndIdempotency);
    CPPUNIT_TEST(signedDeliveryWebhook);
    CPPUNIT_TEST_SUITE_END();

public:
    /// Seller id, a store with a warehouse owned by the mock seller, and a product with `stock`.
    struct Shop {
        std::int64_t sellerId = 0, storeId = 0, productId = 0;
    };

    Shop shop(EcommerceService& svc, std::int64_t stock)
    {
        Shop s;
        s.sellerId = svc.http().get("/me", svc.seller()).json->getObject("data")->getValue<std::int64_t>("id");
        HttpReply store = svc.http().post("/stores", R"({"name":"Books","description":"d","warehouse_address":"1 Dock","users_ids":[)"
                                                        + std::to_string(s.sellerId) + "]}", svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(store.body, 201, store.status);
        s.storeId = idOf(store);
        HttpReply product = svc.http().post("/products", R"({"name":"Dune","short_description":"sf","quantity":)" + std::to_string(stock)
                                                             + R"(,"store_id":)" + std::to_string(s.storeId) + "}", svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(product.body, 201, product.status);
        s.productId = idOf(product);
        return s;
    }

    std::int64_t stock(EcommerceService& svc, std::int64_t productId)
    {
        return svc.http().get("/products/" + std::to_string(productId), svc.buyer()).json->getObject("data")->getValue<std::int64_t>("quantity");
    }

    std::string buyerToken(EcommerceService& svc, int n)
    {
        const std::string user = "buyer" + std::to_string(n) + "@example.com";
        HttpReply r = svc.http().post("/signup", R"({"name":"B","username":")" + user
                                                     + R"(","password":"password1","shipping_address":"2 Home Lane"})");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
        return r.json->getValue<std::string>("data");
    }

    void catalogRolesAndValidation()
    {
        EcommerceService svc;
        Shop s = shop(svc, 5);
        const auto& http = svc.http();
        // Store rules: only SELLER users, admin-only creation, member edits.
        CPPUNIT_ASSERT_EQUAL(403, http.post("/stores", R"({"name":"X","description":"d","users_ids":[2]})", svc.seller()).status);
        HttpReply notSeller = http.post("/stores", R"({"name":"X","description":"d","users_ids":[2,3]})", svc.admin());
        CPPUNIT_ASSERT_EQUAL(400, notSeller.status);
        CPPUNIT_ASSERT(notSeller.errorCodes() == std::vector<std::string>{"users_ids.1:not_seller"});
        HttpReply bare = http.post("/stores", R"({"name":"Bare","description":"d","users_ids":[2]})", svc.admin());
        CPPUNIT_ASSERT_EQUAL(201, bare.status);
        CPPUNIT_ASSERT(bare.json->getObject("data")->isNull("warehouse_address"));
        HttpReply noWarehouse = http.post("/products", R"({"name":"P","short_description":"s","quantity":1,"store_id":)"
                                                           + std::to_string(idOf(bare)) + "}", svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(noWarehouse.body, 409, noWarehouse.status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/products", R"({"name":"P","short_description":"s","quantity":1,"store_id":)"
                                                             + std::to_string(s.storeId) + "}", svc.buyer()).status);
        // Validation: every error at once, sorted; booleans are not integers.
        HttpReply bad = http.post("/products", R"({"name":"","quantity":true,"store_id":0,"extra":1})", svc.seller());
        CPPUNIT_ASSERT_EQUAL(400, bad.status);
        CPPUNIT_ASSERT((bad.errorCodes() == std::vector<std::string>{"extra:unknown", "name:empty", "quantity:incorrect_type",
                                                                     "short_description:required", "store_id:out_of_range"}));
        CPPUNIT_ASSERT_EQUAL(400, http.put("/products/" + std::to_string(s.productId), "{}", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(400, http.put("/products/" + std::to_string(s.productId), R"({"quantity":-1})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put("/products/" + std::to_string(s.productId), R"({"quantity":7})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), stock(svc, s.productId));
        CPPUNIT_ASSERT_EQUAL(400, http.get("/products?in_stock=maybe", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(400, http.get("/products?limit=0", svc.buyer()).status);
        HttpReply list = http.get("/products?q=DUN&in_stock=true&store_id=" + std::to_string(s.storeId), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), list.json->getObject("meta")->getValue<std::int64_t>("total"));
        // A deleted store takes its products with it.
        CPPUNIT_ASSERT_EQUAL(403, http.del("/stores/" + std::to_string(s.storeId), svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.del("/stores/" + std::to_string(s.storeId), svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/stores/" + std::to_string(s.storeId), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/products/" + std::to_string(s.productId), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), http.get("/products", svc.buyer()).json->getObject("meta")->getValue<std::int64_t>("total"));
    }

    void ordersVisibilityAndStatusMachine()
    {
        EcommerceService svc;
        Shop s = shop(svc, 5);
        const auto& http = svc.http();
        HttpReply order = http.post("/orders", "", svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(order.body, 201, order.status);
        const std::string path = "/orders/" + std::to_string(idOf(order));
        CPPUNIT_ASSERT_EQUAL(std::string("1 Mock Street, Example City"), order.json->getObject("data")->getValue<std::string>("delivery_address"));
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, R"({"status":"CONFIRMED"})", svc.admin()).status); // empty order
        HttpReply line = http.post("/order/" + std::to_string(idOf(order)) + "/products",
                                   R"({"product_id":)" + std::to_string(s.productId) + R"(,"quantity":5})", svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(line.body, 201, line.status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(svc, s.productId)); // the last unit can be bought
        CPPUNIT_ASSERT_EQUAL(409, http.post(path + "/products", R"({"product_id":)" + std::to_string(s.productId) + R"(,"quantity":1})",
                                            svc.buyer()).status);
        // Another buyer sees nothing of it, for every verb.
        const std::string other = buyerToken(svc, 1);
        CPPUNIT_ASSERT_EQUAL(404, http.get(path, other).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(path, R"({"status":"CANCELLED"})", other).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(path, other).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get(path + "/products", other).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), http.get("/orders", other).json->getObject("meta")->getValue<std::int64_t>("total"));
        // Status machine: 400 for a status that does not exist, 403 before 409.
        CPPUNIT_ASSERT_EQUAL(400, http.put(path, R"({"status":"FOO"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"status":"CONFIRMED"})", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, R"({"status":"DISPATCHED"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"status":"CONFIRMED"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.del(path, svc.buyer()).status); // a buyer cancels only CREATED
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"status":"DISPATCHED"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.del(path, svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"status":"DELIVERED"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"status":"DELIVERED"})", svc.deliveryService()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"status":"DELIVERED"})", svc.deliveryService()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), http.get("/orders?status=DELIVERED", svc.seller()).json->getObject("meta")->getValue<std::int64_t>("total"));
        CPPUNIT_ASSERT_EQUAL(400, http.get("/orders?status=NOPE", svc.admin()).status);
    }

    void allOrNothingAndIdempotency()
    {
        EcommerceService svc;
        Shop s = shop(svc, 3);
        const auto& http = svc.http();
        const std::string p = std::to_string(s.productId);
        HttpReply refused = http.post("/orders", R"({"products":[{"product_id":)" + p + R"(,"quantity":2},{"product_id":)" + p
                                                     + R"(,"quantity":2}]})", svc.buyer());
        CPPUNIT_ASSERT_EQUAL(409, refused.status);
        CPPUNIT_ASSERT(refused.errorCodes() == std::vector<std::string>{"products.1:insufficient_stock"});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(svc, s.productId));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), http.get("/orders", svc.buyer()).json->getObject("meta")->getValue<std::int64_t>("total"));

        const std::string body = R"({"products":[{"product_id":)" + p + R"(,"quantity":1}]})";
        const std::map<std::string, std::string> key{{"Authorization", "Bearer " + svc.buyer()}, {"Idempotency-Key", "order-1"}};
        HttpReply first = http.request("POST", "/orders", body, key);
        HttpReply again = http.request("POST", "/orders", body, key);
        CPPUNIT_ASSERT_EQUAL(201, first.status);
        CPPUNIT_ASSERT_EQUAL(201, again.status);
        CPPUNIT_ASSERT_EQUAL(first.body, again.body);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(svc, s.productId));
        CPPUNIT_ASSERT_EQUAL(409, http.request("POST", "/orders", R"({"products":[]})", key).status);
        const std::map<std::string, std::string> longKey{{"Authorization", "Bearer " + svc.buyer()}, {"Idempotency-Key", std::string(256, 'k')}};
        CPPUNIT_ASSERT_EQUAL(400, http.request("POST", "/orders", body, longKey).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), http.get("/orders", svc.buyer()).json->getObject("meta")->getValue<std::int64_t>("total"));
        // Cancelling restores the stock.
        CPPUNIT_ASSERT_EQUAL(200, http.del("/orders/" + std::to_string(idOf(first)), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(svc, s.productId));
    }

    HttpReply webhook(EcommerceService& svc, const std::string& id, std::int64_t orderId, const std::string& status, int sequence,
                      std::int64_t timestamp, const std::string& secret = kDeliveryWebhookSecret)
    {
        const std::string body = R"({"id":")" + id + R"(","type":"delivery.status_changed","created_at":"2026-01-01 00:00:00","data":{"tracking_number":"TN0123456789","foreign_order_id":)"
                                 + std::to_string(orderId) + R"(,"status":")" + status + R"(","previous_status":null,"sequence":)"
                                 + std::to_string(sequence) + "}}";
        return svc.http().request("POST", "/webhooks/delivery", body,
                                  {{"webhook-id", id}, {"webhook-timestamp", std::to_string(timestamp)},
                                   {"webhook-signature", mercato::sdk::webhook::sign(secret, id, timestamp, body)}});
    }

    void signedDeliveryWebhook()
    {
        EcommerceService svc;
        Shop s = shop(svc, 5);
        const auto& http = svc.http();
        HttpReply order = http.post("/orders", R"({"products":[{"product_id":)" + std::to_string(s.productId) + R"(,"quantity":1}]})", svc.buyer());
        const std::int64_t id = idOf(order);
        const std::string path = "/orders/" + std::to_string(id);
        http.put(path, R"({"status":"CONFIRMED"})", svc.seller());
        http.put(path, R"({"status":"DISPATCHED"})", svc.seller());
        const std::int64_t now = Poco::Timestamp().epochTime();
        CPPUNIT_ASSERT_EQUAL(401, webhook(svc, "evt_x", id, "IN_ORIGIN", 2, now, mercato::sdk::webhook::generateSecret()).status);
        CPPUNIT_ASSERT_EQUAL(401, webhook(svc, "evt_x", id, "IN_ORIGIN", 2, now - 360).status);
        CPPUNIT_ASSERT_EQUAL(401, http.request("POST", "/webhooks/delivery", "{}", {}).status);
        HttpReply first = webhook(svc, "evt_1", id, "IN_ORIGIN", 2, now);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 200, first.status);
        auto delivery = http.get(path, svc.buyer()).json->getObject("data")->getObject("delivery");
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), delivery->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_3", id, "DELIVERED", 4, now).status);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), http.get(path, svc.buyer()).json->getObject("data")->getValue<std::string>("status"));
        HttpReply replay = webhook(svc, "evt_1", id, "IN_ORIGIN", 2, now);
        CPPUNIT_ASSERT_EQUAL(200, replay.status);
        CPPUNIT_ASSERT(replay.json->getObject("data")->getValue<bool>("duplicate"));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"),
                             http.get(path, svc.buyer()).json->getObject("data")->getObject("delivery")->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_9", 999999, "IN_ORIGIN", 1, now).status); // unknown order: recorded
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceAcceptanceTest, "acceptance");
