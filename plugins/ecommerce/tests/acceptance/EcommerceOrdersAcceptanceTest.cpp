// API.md §2 "Orders" against the real binary: creating orders, their lines (and the `/order/{id}`
// alias), who sees what (another buyer's order, another order's line, a seller sees only their
// lines), list filters and Idempotency-Key. The status machine: EcommerceOrderStatusAcceptanceTest.
#include "EcommerceService.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;

class EcommerceOrdersAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceOrdersAcceptanceTest);
    CPPUNIT_TEST(createOrderVariants);
    CPPUNIT_TEST(orderLinesAndAlias);
    CPPUNIT_TEST(anotherBuyersOrderAndAnotherOrdersLine);
    CPPUNIT_TEST(sellerSeesOnlyTheirLines);
    CPPUNIT_TEST(ordersListFiltersAndPagination);
    CPPUNIT_TEST(idempotencyKeyOnOrdersAndLines);
    CPPUNIT_TEST_SUITE_END();

public:
    void createOrderVariants()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc, 5, 5);
        const std::int64_t buyer = userIdOf(svc, svc.buyer());

        HttpReply bare = http.post("/orders", "", svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bare.body, 201, bare.status);
        auto order = dataOf(bare);
        CPPUNIT_ASSERT((keysOf(order) == std::set<std::string>{"created_at", "delivery", "delivery_address", "id", "products", "shipments",
                                                               "status", "updated_at", "user_id"}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), order->getArray("shipments")->size()); // no lines, nothing to ship
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), order->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(buyer, order->getValue<std::int64_t>("user_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("1 Mock Street, Example City"), order->getValue<std::string>("delivery_address"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), order->getArray("products")->size());
        CPPUNIT_ASSERT(order->isNull("delivery"));
        CPPUNIT_ASSERT_EQUAL(jsonText(*order), jsonText(*dataOf(http.get("/orders/" + str(idOf(bare)), svc.buyer()))));
        CPPUNIT_ASSERT_EQUAL(201, http.post("/orders", "{}", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(201, http.post("/orders", R"({"products":[]})", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(201, http.post("/orders", R"({"delivery_address":null,"products":null})", svc.buyer()).status);
        HttpReply addressed = http.post("/orders", R"({"delivery_address":"  5 Elm St  "})", svc.buyer());
        CPPUNIT_ASSERT_EQUAL(std::string("5 Elm St"), dataOf(addressed)->getValue<std::string>("delivery_address"));

        // Lines of two stores in one transaction, in the order given; the same product twice is two lines.
        HttpReply bought = http.post("/orders", orderBody({{m.productB, 3}, {m.productA, 2}, {m.productB, 1}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bought.body, 201, bought.status);
        auto lines = dataOf(bought)->getArray("products");
        CPPUNIT_ASSERT((lineProducts(lines) == std::vector<std::int64_t>{m.productB, m.productA, m.productB}));
        auto line = lines->getObject(1);
        CPPUNIT_ASSERT((keysOf(line) == std::set<std::string>{"created_at", "id", "name", "order_id", "product_id", "quantity", "store_id"}));
        CPPUNIT_ASSERT_EQUAL(idOf(bought), line->getValue<std::int64_t>("order_id"));
        CPPUNIT_ASSERT(line->get("order_id").isInteger());
        CPPUNIT_ASSERT_EQUAL(m.storeA, line->getValue<std::int64_t>("store_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), line->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), line->getValue<std::int64_t>("quantity"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stockOf(svc, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stockOf(svc, m.productB));

        // Refusals write nothing: other roles, a missing line's stock, an unknown product.
        const std::string before = snapshot(svc);
        const std::string one = orderBody({{m.productA, 1}});
        CPPUNIT_ASSERT_EQUAL(401, http.post("/orders", one).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/orders", one, svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/orders", one, svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/orders", one, svc.deliveryService()).status);
        HttpReply short1 = http.post("/orders", orderBody({{m.productA, 3}, {m.productB, 2}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(409, short1.status);
        CPPUNIT_ASSERT((short1.errorCodes() == std::vector<std::string>{"products.1:insufficient_stock"}));
        HttpReply short0 = http.post("/orders", orderBody({{m.productA, 4}, {m.productB, 1}}), svc.buyer());
        CPPUNIT_ASSERT((short0.errorCodes() == std::vector<std::string>{"products.0:insufficient_stock"}));
        HttpReply unknown = http.post("/orders", orderBody({{m.productA, 1}, {999999, 1}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(404, unknown.status);
        CPPUNIT_ASSERT((unknown.errorCodes() == std::vector<std::string>{"products.1.product_id:not_found"}));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));

        // A buyer without a shipping address must name a delivery address.
        const std::string homeless = createUser(svc, "nomad@example.com", "MARKETPLACE_USER");
        const std::string beforeNomad = snapshot(svc);
        HttpReply noAddress = http.post("/orders", one, homeless);
        CPPUNIT_ASSERT_EQUAL(400, noAddress.status);
        CPPUNIT_ASSERT((noAddress.errorCodes() == std::vector<std::string>{"delivery_address:required"}));
        CPPUNIT_ASSERT_EQUAL(beforeNomad, snapshot(svc));
        HttpReply withAddress = http.post("/orders", R"({"delivery_address":"Tent 4"})", homeless);
        CPPUNIT_ASSERT_EQUAL(201, withAddress.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Tent 4"), dataOf(withAddress)->getValue<std::string>("delivery_address"));
    }

    void orderLinesAndAlias()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc, 5, 2);
        HttpReply created = http.post("/orders", "", svc.buyer());
        const std::int64_t id = idOf(created);
        const std::string createdAt = dataOf(created)->getValue<std::string>("created_at");
        const std::string path = "/orders/" + str(id), alias = "/order/" + str(id);
        nextSecond();

        HttpReply first = http.post(path + "/products", lineBody(m.productA, 2), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 201, first.status);
        auto line = dataOf(first);
        CPPUNIT_ASSERT((keysOf(line) == std::set<std::string>{"created_at", "id", "name", "order_id", "product_id", "quantity", "store_id"}));
        CPPUNIT_ASSERT_EQUAL(id, line->getValue<std::int64_t>("order_id"));
        CPPUNIT_ASSERT_EQUAL(m.storeA, line->getValue<std::int64_t>("store_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), line->getValue<std::string>("name"));
        HttpReply second = http.post(alias + "/products", lineBody(m.productB, 2), svc.buyer()); // the last units
        CPPUNIT_ASSERT_EQUAL_MESSAGE(second.body, 201, second.status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stockOf(svc, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stockOf(svc, m.productB));
        HttpReply order = http.get(path, svc.buyer());
        CPPUNIT_ASSERT(dataOf(order)->getValue<std::string>("updated_at") > createdAt);
        CPPUNIT_ASSERT_EQUAL(createdAt, dataOf(order)->getValue<std::string>("created_at"));

        // Both spellings list the same lines, as the order shows them.
        HttpReply listed = http.get(path + "/products", svc.buyer());
        CPPUNIT_ASSERT_EQUAL(200, listed.status);
        CPPUNIT_ASSERT((lineProducts(itemsOf(listed)) == std::vector<std::int64_t>{m.productA, m.productB}));
        CPPUNIT_ASSERT_EQUAL(listed.body, http.get(alias + "/products", svc.buyer()).body);
        std::ostringstream inOrder;
        dataOf(order)->getArray("products")->stringify(inOrder);
        std::ostringstream inList;
        itemsOf(listed)->stringify(inList);
        CPPUNIT_ASSERT_EQUAL(inOrder.str(), inList.str());

        // Refusals write nothing.
        const std::string before = snapshot(svc);
        HttpReply tooMany = http.post(path + "/products", lineBody(m.productA, 4), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(409, tooMany.status);
        CPPUNIT_ASSERT((tooMany.errorCodes() == std::vector<std::string>{"quantity:insufficient_stock"}));
        CPPUNIT_ASSERT_EQUAL(409, http.post(alias + "/products", lineBody(m.productB, 1), svc.buyer()).status);
        HttpReply unknown = http.post(path + "/products", lineBody(999999, 1), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(404, unknown.status);
        CPPUNIT_ASSERT((unknown.errorCodes() == std::vector<std::string>{"product_id:not_found"}));
        for (const std::string& token : {svc.seller(), svc.admin(), svc.deliveryService()}) {
            CPPUNIT_ASSERT_EQUAL(403, http.post(path + "/products", lineBody(m.productA, 1), token).status);
            CPPUNIT_ASSERT_EQUAL(403, http.del(path + "/products/" + str(idOf(first)), token).status);
        }
        CPPUNIT_ASSERT_EQUAL(401, http.post(path + "/products", lineBody(m.productA, 1)).status);
        CPPUNIT_ASSERT_EQUAL(404, http.post("/orders/999999/products", lineBody(m.productA, 1), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/order/999999/products", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del("/orders/999999/products/" + str(idOf(first)), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(path + "/products/999999", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));

        // Removing a line (either spelling) restores its stock; the reply is the order without it.
        HttpReply removed = http.del(alias + "/products/" + str(idOf(second)), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(removed.body, 200, removed.status);
        CPPUNIT_ASSERT_EQUAL(id, idOf(removed));
        CPPUNIT_ASSERT((lineProducts(dataOf(removed)->getArray("products")) == std::vector<std::int64_t>{m.productA}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stockOf(svc, m.productB));
        CPPUNIT_ASSERT_EQUAL(404, http.del(path + "/products/" + str(idOf(second)), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stockOf(svc, m.productB)); // not restored twice

        // Lines change only while CREATED. A status change moves updated_at on too.
        const std::string beforeConfirm = dataOf(removed)->getValue<std::string>("updated_at");
        nextSecond();
        HttpReply confirmedOrder = http.put(path, statusBody("CONFIRMED"), svc.seller());
        CPPUNIT_ASSERT_EQUAL(200, confirmedOrder.status);
        CPPUNIT_ASSERT(dataOf(confirmedOrder)->getValue<std::string>("updated_at") > beforeConfirm);
        const std::string confirmed = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(409, http.post(path + "/products", lineBody(m.productB, 1), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.post(alias + "/products", lineBody(m.productB, 1), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.del(path + "/products/" + str(idOf(first)), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.del(alias + "/products/" + str(idOf(first)), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(confirmed, snapshot(svc));
        // The seller with a line, the admin and the delivery service read the lines.
        for (const std::string& token : {svc.seller(), svc.admin(), svc.deliveryService()})
            CPPUNIT_ASSERT_EQUAL(200, http.get(alias + "/products", token).status);
    }

    void anotherBuyersOrderAndAnotherOrdersLine()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::string other = signupBuyer(svc, "other@example.com");
        HttpReply mine = http.post("/orders", orderBody({{m.productA, 1}}), svc.buyer());
        HttpReply theirs = http.post("/orders", orderBody({{m.productB, 1}}), other);
        const std::int64_t mineId = idOf(mine), theirsId = idOf(theirs);
        const std::int64_t myLine = dataOf(mine)->getArray("products")->getObject(0)->getValue<std::int64_t>("id");
        const std::int64_t theirLine = dataOf(theirs)->getArray("products")->getObject(0)->getValue<std::int64_t>("id");
        const std::string theirPath = "/orders/" + str(theirsId);

        // Every verb on another buyer's order is 404, as if it did not exist.
        const std::string before = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(404, http.get(theirPath, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(theirPath, statusBody("CANCELLED"), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(theirPath, svc.buyer()).status);
        for (const std::string prefix : {"/orders/", "/order/"}) {
            CPPUNIT_ASSERT_EQUAL(404, http.get(prefix + str(theirsId) + "/products", svc.buyer()).status);
            CPPUNIT_ASSERT_EQUAL(404, http.post(prefix + str(theirsId) + "/products", lineBody(m.productA, 1), svc.buyer()).status);
            CPPUNIT_ASSERT_EQUAL(404, http.del(prefix + str(theirsId) + "/products/" + str(theirLine), svc.buyer()).status);
            // Another order's line through my own order: 404 too.
            HttpReply crossed = http.del(prefix + str(mineId) + "/products/" + str(theirLine), svc.buyer());
            CPPUNIT_ASSERT_EQUAL(404, crossed.status);
        }
        CPPUNIT_ASSERT((idsOf(http.get("/orders", svc.buyer())) == std::vector<std::int64_t>{mineId}));
        CPPUNIT_ASSERT((idsOf(http.get("/orders", other)) == std::vector<std::int64_t>{theirsId}));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), stockOf(svc, m.productB));
        // The owner can still do all of it.
        CPPUNIT_ASSERT_EQUAL(200, http.del("/orders/" + str(mineId) + "/products/" + str(myLine), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.del(theirPath, other).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stockOf(svc, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stockOf(svc, m.productB));
    }

    void sellerSeesOnlyTheirLines()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::string sellerC = createUser(svc, "seller.c@example.com", "SELLER");
        createStore(svc, "Idle", {userIdOf(svc, sellerC)});
        const std::int64_t both = idOf(http.post("/orders", orderBody({{m.productA, 1}, {m.productB, 2}, {m.productA, 3}}), svc.buyer()));
        const std::int64_t onlyB = idOf(http.post("/orders", orderBody({{m.productB, 1}}), svc.buyer()));
        const std::int64_t onlyA = idOf(http.post("/orders", orderBody({{m.productA, 1}}), svc.buyer()));
        const std::string bothPath = "/orders/" + str(both);

        // Seller A: the orders with a line of store A, showing only those lines.
        HttpReply listA = http.get("/orders", svc.seller());
        CPPUNIT_ASSERT((idsOf(listA) == std::vector<std::int64_t>{both, onlyA}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), totalOf(listA));
        CPPUNIT_ASSERT((lineProducts(itemsOf(listA)->getObject(0)->getArray("products")) == std::vector<std::int64_t>{m.productA, m.productA}));
        CPPUNIT_ASSERT((lineProducts(dataOf(http.get(bothPath, svc.seller()))->getArray("products"))
                        == std::vector<std::int64_t>{m.productA, m.productA}));
        CPPUNIT_ASSERT((lineProducts(itemsOf(http.get("/order/" + str(both) + "/products", svc.seller())))
                        == std::vector<std::int64_t>{m.productA, m.productA}));
        CPPUNIT_ASSERT_EQUAL(404, http.get("/orders/" + str(onlyB), svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/orders/" + str(onlyB) + "/products", svc.seller()).status);
        // Seller B likewise.
        HttpReply listB = http.get("/orders", m.sellerB);
        CPPUNIT_ASSERT((idsOf(listB) == std::vector<std::int64_t>{both, onlyB}));
        CPPUNIT_ASSERT((lineProducts(itemsOf(listB)->getObject(0)->getArray("products")) == std::vector<std::int64_t>{m.productB}));
        // A seller with no line sees nothing and can change nothing.
        const std::string before = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(http.get("/orders", sellerC)));
        CPPUNIT_ASSERT_EQUAL(404, http.get(bothPath, sellerC).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get(bothPath + "/products", sellerC).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(bothPath, statusBody("CONFIRMED"), sellerC).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put("/orders/" + str(onlyB), statusBody("CONFIRMED"), svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        // The buyer, the admin and the delivery service see every line.
        for (const std::string& token : {svc.buyer(), svc.admin(), svc.deliveryService()}) {
            HttpReply all = http.get("/orders", token);
            CPPUNIT_ASSERT((idsOf(all) == std::vector<std::int64_t>{both, onlyB, onlyA}));
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), itemsOf(all)->getObject(0)->getArray("products")->size());
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), itemsOf(http.get(bothPath + "/products", token))->size());
        }
        // Each seller moves only the shipment of their store (API.md §2 "Shipments"); each reply still
        // shows only their lines. The order is as far as its least advanced shipment.
        HttpReply confirmed = http.put(bothPath, statusBody("CONFIRMED"), svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(confirmed.body, 200, confirmed.status);
        CPPUNIT_ASSERT((lineProducts(dataOf(confirmed)->getArray("products")) == std::vector<std::int64_t>{m.productA, m.productA}));
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), dataOf(confirmed)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(409, http.put(bothPath, statusBody("DISPATCHED"), m.sellerB).status); // B's shipment is still CREATED
        CPPUNIT_ASSERT_EQUAL(200, http.put(bothPath, statusBody("CONFIRMED"), m.sellerB).status);
        HttpReply dispatched = http.put(bothPath, statusBody("DISPATCHED"), m.sellerB);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dispatched.body, 200, dispatched.status);
        CPPUNIT_ASSERT((lineProducts(dataOf(dispatched)->getArray("products")) == std::vector<std::int64_t>{m.productB}));
        CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), dataOf(dispatched)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(200, http.put(bothPath, statusBody("DISPATCHED"), svc.seller()).status);
        CPPUNIT_ASSERT((idsOf(http.get("/orders?status=DISPATCHED", svc.seller())) == std::vector<std::int64_t>{both}));
        CPPUNIT_ASSERT((idsOf(http.get("/orders?status=CREATED", svc.seller())) == std::vector<std::int64_t>{onlyA}));
        CPPUNIT_ASSERT((idsOf(http.get("/orders?status=CREATED", m.sellerB)) == std::vector<std::int64_t>{onlyB}));
    }

    void ordersListFiltersAndPagination()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t created = orderIn(svc, m, "CREATED");
        const std::int64_t confirmed = orderIn(svc, m, "CONFIRMED");
        const std::int64_t cancelled = orderIn(svc, m, "CANCELLED");
        const std::int64_t delivered = orderIn(svc, m, "DELIVERED");
        const std::string other = signupBuyer(svc, "other@example.com");
        const std::int64_t others = idOf(http.post("/orders", "", other));

        HttpReply all = http.get("/orders", svc.buyer());
        CPPUNIT_ASSERT((idsOf(all) == std::vector<std::int64_t>{created, confirmed, cancelled, delivered}));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"limit":50,"offset":0,"total":4})"), jsonText(*all.json->getObject("meta")));
        const std::map<std::string, std::vector<std::int64_t>> byStatus{
            {"CREATED", {created}}, {"CONFIRMED", {confirmed}}, {"DISPATCHED", {}}, {"DELIVERED", {delivered}}, {"CANCELLED", {cancelled}}};
        for (const auto& [status, ids] : byStatus) {
            HttpReply r = http.get("/orders?status=" + status, svc.buyer());
            CPPUNIT_ASSERT_MESSAGE(status, idsOf(r) == ids);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(status, std::int64_t(ids.size()), totalOf(r));
        }
        CPPUNIT_ASSERT((idsOf(http.get("/orders?status=CREATED", svc.admin())) == std::vector<std::int64_t>{created, others}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), totalOf(http.get("/orders", svc.deliveryService())));

        HttpReply page = http.get("/orders?limit=2&offset=1", svc.buyer());
        CPPUNIT_ASSERT((idsOf(page) == std::vector<std::int64_t>{confirmed, cancelled}));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"limit":2,"offset":1,"total":4})"), jsonText(*page.json->getObject("meta")));
        HttpReply filteredPage = http.get("/orders?status=CREATED&limit=1&offset=1", svc.admin());
        CPPUNIT_ASSERT((idsOf(filteredPage) == std::vector<std::int64_t>{others}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), totalOf(filteredPage));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), itemsOf(http.get("/orders?offset=4", svc.buyer()))->size());
        for (const std::string& query : std::vector<std::string>{"status=created", "status=", "status=SHIPPED", "limit=0", "limit=501", "limit=x", "offset=-1",
                                         "offset=one"}) {
            HttpReply bad = http.get("/orders?" + query, svc.buyer());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(query, 400, bad.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(query, query.substr(0, query.find('=')), bad.errorCodes().at(0).substr(0, query.find('=')));
        }
        CPPUNIT_ASSERT_EQUAL(401, http.get("/orders").status);
    }

    void idempotencyKeyOnOrdersAndLines()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const auto keyed = [&](const std::string& token, const std::string& key) {
            return std::map<std::string, std::string>{{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}};
        };

        // POST /orders: the repeat returns the first reply and buys nothing more.
        const std::string body = orderBody({{m.productA, 2}});
        HttpReply first = http.request("POST", "/orders", body, keyed(svc.buyer(), "k-order"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 201, first.status);
        HttpReply again = http.request("POST", "/orders", body, keyed(svc.buyer(), "k-order"));
        CPPUNIT_ASSERT_EQUAL(201, again.status);
        CPPUNIT_ASSERT_EQUAL(first.body, again.body);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), again.header("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), stockOf(svc, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), totalOf(http.get("/orders", svc.buyer())));
        const std::string afterFirst = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(409, http.request("POST", "/orders", orderBody({{m.productA, 3}}), keyed(svc.buyer(), "k-order")).status);
        CPPUNIT_ASSERT_EQUAL(409, http.request("POST", "/orders", "", keyed(svc.buyer(), "k-order")).status);
        CPPUNIT_ASSERT_EQUAL(400, http.request("POST", "/orders", body, keyed(svc.buyer(), "")).status);
        CPPUNIT_ASSERT_EQUAL(400, http.request("POST", "/orders", body, keyed(svc.buyer(), std::string(256, 'k'))).status);
        CPPUNIT_ASSERT_EQUAL(afterFirst, snapshot(svc));
        // Keys belong to their caller: another buyer's same key is a new order.
        const std::string other = signupBuyer(svc, "other@example.com");
        HttpReply theirs = http.request("POST", "/orders", body, keyed(other, "k-order"));
        CPPUNIT_ASSERT_EQUAL(201, theirs.status);
        CPPUNIT_ASSERT(idOf(theirs) != idOf(first));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), stockOf(svc, m.productA));
        CPPUNIT_ASSERT_EQUAL(201, http.request("POST", "/orders", body, keyed(svc.buyer(), std::string(255, 'k'))).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stockOf(svc, m.productA));

        // POST /orders/{id}/products: one line however often it is sent.
        const std::string lines = "/orders/" + str(idOf(first)) + "/products";
        HttpReply line = http.request("POST", lines, lineBody(m.productB, 1), keyed(svc.buyer(), "k-line"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(line.body, 201, line.status);
        HttpReply lineAgain = http.request("POST", lines, lineBody(m.productB, 1), keyed(svc.buyer(), "k-line"));
        CPPUNIT_ASSERT_EQUAL(201, lineAgain.status);
        CPPUNIT_ASSERT_EQUAL(line.body, lineAgain.body);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), stockOf(svc, m.productB));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), itemsOf(http.get(lines, svc.buyer()))->size());
        const std::string afterLine = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(409, http.request("POST", lines, lineBody(m.productB, 2), keyed(svc.buyer(), "k-line")).status);
        CPPUNIT_ASSERT_EQUAL(400, http.request("POST", lines, lineBody(m.productB, 1), keyed(svc.buyer(), "")).status);
        CPPUNIT_ASSERT_EQUAL(afterLine, snapshot(svc));
        // The alias takes keys too; a replay after the order moved on still returns the stored reply.
        const std::string alias = "/order/" + str(idOf(first)) + "/products";
        HttpReply aliased = http.request("POST", alias, lineBody(m.productB, 1), keyed(svc.buyer(), "k-alias"));
        CPPUNIT_ASSERT_EQUAL(201, aliased.status);
        CPPUNIT_ASSERT_EQUAL(200, http.put("/orders/" + str(idOf(first)), statusBody("CONFIRMED"), svc.admin()).status); // every shipment
        HttpReply late = http.request("POST", alias, lineBody(m.productB, 1), keyed(svc.buyer(), "k-alias"));
        CPPUNIT_ASSERT_EQUAL(201, late.status);
        CPPUNIT_ASSERT_EQUAL(aliased.body, late.body);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), stockOf(svc, m.productB));
        CPPUNIT_ASSERT_EQUAL(409, http.request("POST", alias, lineBody(m.productB, 1), keyed(svc.buyer(), "k-new")).status);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceOrdersAcceptanceTest, "acceptance");
