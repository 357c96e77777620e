// API.md §2 "Transitions" against the real binary: every status change by every role from every
// status (403 before 409, 400 invalid_value), cancelling with stock restored exactly once, the empty
// order, the DISPATCHED outbox event written in the same transaction (read from the service's
// database, SQLite and MariaDB), and the order's `delivery` as the signed webhook sets it.
#include "EcommerceService.h"

#include "mercato/sdk/WebhookSignature.h"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;
using namespace Poco::Data::Keywords;

namespace {

const std::vector<std::string> kStatuses{"CREATED", "CONFIRMED", "DISPATCHED", "DELIVERED", "CANCELLED"};

enum class Who { Buyer, Seller, Admin, Delivery };
const std::vector<std::pair<Who, const char*>> kActors{
    {Who::Buyer, "buyer"}, {Who::Seller, "seller"}, {Who::Admin, "admin"}, {Who::Delivery, "delivery"}};

/// API.md §2 "Transitions", written out: who may move an order into each status, and from where.
int expectedStatus(Who who, const std::string& from, const std::string& to)
{
    static const std::map<std::string, std::set<Who>> into{{"CONFIRMED", {Who::Seller, Who::Admin}},
                                                           {"DISPATCHED", {Who::Seller, Who::Admin}},
                                                           {"DELIVERED", {Who::Delivery}},
                                                           {"CANCELLED", {Who::Buyer, Who::Admin}}};
    static const std::set<std::pair<std::string, std::string>> edges{{"CREATED", "CONFIRMED"}, {"CONFIRMED", "DISPATCHED"},
                                                                     {"DISPATCHED", "DELIVERED"}, {"CREATED", "CANCELLED"},
                                                                     {"CONFIRMED", "CANCELLED"}};
    if (to == "CREATED")
        return 409;
    if (!into.at(to).count(who))
        return 403;
    if (from == "DELIVERED" && to == "DELIVERED")
        return 200; // repeating DELIVERED is a no-op
    if (!edges.count({from, to}))
        return 409;
    if (who == Who::Buyer && from == "CONFIRMED")
        return 403; // a buyer cancels only CREATED orders
    return 200;
}

} // namespace

class EcommerceOrderStatusAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceOrderStatusAcceptanceTest);
    CPPUNIT_TEST(statusMachineEveryTransition);
    CPPUNIT_TEST(cancelRestoresStockOnce);
    CPPUNIT_TEST(emptyOrderCannotBeConfirmed);
    CPPUNIT_TEST(dispatchWritesOutboxEventOnSqlite);
    CPPUNIT_TEST(dispatchWritesOutboxEventOnMariaDb);
    CPPUNIT_TEST(webhookSetsDeliveryField);
    CPPUNIT_TEST(deletedStoreBlocksConfirmAndDispatch);
    CPPUNIT_TEST(webhookRefusesUnknownStatus);
    CPPUNIT_TEST(webhookNeverAppliesToUndispatchedOrders);
    CPPUNIT_TEST_SUITE_END();

public:
    void statusMachineEveryTransition()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc, 100, 100);
        const std::map<Who, std::string> tokens{
            {Who::Buyer, svc.buyer()}, {Who::Seller, svc.seller()}, {Who::Admin, svc.admin()}, {Who::Delivery, svc.deliveryService()}};

        // Every refused move, from every status, by every role, through PUT and (for CANCELLED) DELETE:
        // the expected code and no change at all.
        for (const std::string& from : kStatuses) {
            const std::string path = "/orders/" + str(orderIn(svc, m, from));
            const std::string before = snapshot(svc);
            for (const auto& [who, name] : kActors) {
                const std::string& token = tokens.at(who);
                for (const std::string& to : kStatuses) {
                    const int expected = expectedStatus(who, from, to);
                    if (expected == 200)
                        continue;
                    const std::string what = std::string(name) + ": " + from + " -> " + to;
                    HttpReply r = http.put(path, statusBody(to), token);
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " " + r.body, expected, r.status);
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("fail"), r.json->getValue<std::string>("code"));
                    if (to == "CANCELLED")
                        CPPUNIT_ASSERT_EQUAL_MESSAGE("DELETE " + what, expected, http.del(path, token).status);
                }
                // A status name that does not exist is 400 invalid_value for everyone, before anything else.
                for (const std::string& bogus : std::vector<std::string>{"FOO", "confirmed", "CANCELED", "SHIPPED"}) {
                    HttpReply r = http.put(path, statusBody(bogus), token);
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(bogus, 400, r.status);
                    CPPUNIT_ASSERT((r.errorCodes() == std::vector<std::string>{"status:invalid_value"}));
                }
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(from, before, snapshot(svc));
        }

        // Every allowed move, each on a fresh order: the new status, and updated_at does not go back.
        for (const std::string& from : kStatuses)
            for (const auto& [who, name] : kActors)
                for (const std::string& to : kStatuses) {
                    if (expectedStatus(who, from, to) != 200)
                        continue;
                    const std::string what = std::string(name) + ": " + from + " -> " + to;
                    const std::int64_t id = orderIn(svc, m, from);
                    const std::string path = "/orders/" + str(id);
                    const std::string updatedBefore = dataOf(http.get(path, svc.admin()))->getValue<std::string>("updated_at");
                    const std::int64_t stockBefore = stockOf(svc, m.productA);
                    HttpReply r = http.put(path, statusBody(to), tokens.at(who));
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " " + r.body, 200, r.status);
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, to, statusOf(r));
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, to, statusOf(http.get(path, svc.admin())));
                    CPPUNIT_ASSERT_MESSAGE(what, dataOf(r)->getValue<std::string>("updated_at") >= updatedBefore);
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, stockBefore + (to == "CANCELLED" ? 1 : 0), stockOf(svc, m.productA));
                }
    }

    void cancelRestoresStockOnce()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc, 10, 10);
        const auto stocks = [&] { return std::make_pair(stockOf(svc, m.productA), stockOf(svc, m.productB)); };

        // The buyer cancels a CREATED order: every line's stock comes back, once.
        HttpReply created = http.post("/orders", orderBody({{m.productA, 2}, {m.productB, 3}, {m.productA, 1}}), svc.buyer());
        const std::string path = "/orders/" + str(idOf(created));
        CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(7), std::int64_t(7)));
        for (const std::string& token : {svc.seller(), svc.deliveryService()})
            CPPUNIT_ASSERT_EQUAL(403, http.del(path, token).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(path, signupBuyer(svc, "other@example.com")).status);
        CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(7), std::int64_t(7)));
        HttpReply cancelled = http.del(path, svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(cancelled));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), dataOf(cancelled)->getArray("products")->size()); // what was ordered stays on record
        CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(10), std::int64_t(10)));
        CPPUNIT_ASSERT_EQUAL(409, http.del(path, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.del(path, svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, statusBody("CANCELLED"), svc.admin()).status);
        // Its lines are frozen: nothing can be bought into it or taken out of it.
        const std::string line = str(dataOf(cancelled)->getArray("products")->getObject(0)->getValue<std::int64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(409, http.post(path + "/products", lineBody(m.productA, 1), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.del(path + "/products/" + line, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, statusBody("CONFIRMED"), svc.admin()).status);
        CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(10), std::int64_t(10)));

        // A CONFIRMED order: the buyer may not cancel it, the admin may (PUT or DELETE alike).
        for (const bool byPut : {false, true}) {
            HttpReply order = http.post("/orders", orderBody({{m.productA, 4}, {m.productB, 5}}), svc.buyer());
            const std::string p = "/orders/" + str(idOf(order));
            CPPUNIT_ASSERT_EQUAL(200, http.put(p, statusBody("CONFIRMED"), svc.seller()).status);
            CPPUNIT_ASSERT_EQUAL(403, http.del(p, svc.buyer()).status);
            CPPUNIT_ASSERT_EQUAL(403, http.put(p, statusBody("CANCELLED"), svc.buyer()).status);
            CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(6), std::int64_t(5)));
            HttpReply r = byPut ? http.put(p, statusBody("CANCELLED"), svc.admin()) : http.del(p, svc.admin());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
            CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(10), std::int64_t(10)));
        }
        // DISPATCHED and later: nobody cancels, no stock comes back.
        for (const std::string& status : std::vector<std::string>{"DISPATCHED", "DELIVERED"}) {
            const std::string p = "/orders/" + str(orderIn(svc, m, status));
            CPPUNIT_ASSERT_EQUAL(409, http.del(p, svc.admin()).status);
            CPPUNIT_ASSERT_EQUAL(409, http.put(p, statusBody("CANCELLED"), svc.admin()).status);
            CPPUNIT_ASSERT_EQUAL(409, http.del(p, svc.buyer()).status); // buyers may cancel, but not from here
            CPPUNIT_ASSERT_EQUAL(403, http.del(p, svc.seller()).status);
        }
        CPPUNIT_ASSERT(stocks() == std::make_pair(std::int64_t(8), std::int64_t(10)));
        CPPUNIT_ASSERT_EQUAL(404, http.del("/orders/999999", svc.admin()).status);
    }

    void emptyOrderCannotBeConfirmed()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t id = idOf(http.post("/orders", "", svc.buyer()));
        const std::string path = "/orders/" + str(id);
        HttpReply refused = http.put(path, statusBody("CONFIRMED"), svc.admin());
        CPPUNIT_ASSERT_EQUAL(409, refused.status);
        CPPUNIT_ASSERT_EQUAL(std::string("fail"), refused.json->getValue<std::string>("code"));
        CPPUNIT_ASSERT_EQUAL(404, http.put(path, statusBody("CONFIRMED"), svc.seller()).status); // no line of theirs: not visible
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, statusBody("CONFIRMED"), svc.buyer()).status);
        // Emptied again after a line was removed: still not confirmable.
        const std::int64_t line = idOf(http.post(path + "/products", lineBody(m.productA, 1), svc.buyer()));
        CPPUNIT_ASSERT_EQUAL(200, http.del(path + "/products/" + str(line), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, statusBody("CONFIRMED"), svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, statusBody("DISPATCHED"), svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), statusOf(http.get(path, svc.buyer())));
        // It can still be cancelled.
        CPPUNIT_ASSERT_EQUAL(200, http.del(path, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stockOf(svc, m.productA));
    }

    void dispatchWritesOutboxEvent(Backend backend)
    {
        EcommerceService svc(backend);
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::string buyer = signupBuyer(svc, "ada@example.com");
        HttpReply created = http.post("/orders", R"({"delivery_address":"5 Elm St","products":[{"product_id":)" + str(m.productB)
                                                     + R"(,"quantity":2},{"product_id":)" + str(m.productA) + R"(,"quantity":3}]})",
                                      buyer);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        const std::int64_t id = idOf(created);
        const std::string path = "/orders/" + str(id);
        Poco::Data::Session db = svc.openDatabase();
        const auto outbox = [&] {
            std::vector<std::string> topics, keys, payloads;
            db << "SELECT topic, msg_key, payload FROM mercato_outbox ORDER BY id", into(topics), into(keys), into(payloads), now;
            std::vector<std::string> rows;
            for (std::size_t i = 0; i < topics.size(); ++i)
                rows.push_back(topics[i] + " " + keys[i] + " " + payloads[i]);
            return rows;
        };
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, statusBody("DISPATCHED"), svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, statusBody("CONFIRMED"), svc.admin()).status);
        CPPUNIT_ASSERT(outbox().empty());

        // Every shipment the caller may move: the admin dispatches both, one message each.
        HttpReply dispatched = http.put(path, statusBody("DISPATCHED"), svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dispatched.body, 200, dispatched.status);
        CPPUNIT_ASSERT(dataOf(dispatched)->isNull("delivery")); // the reply does not wait for the delivery service
        auto shipments = dataOf(dispatched)->getArray("shipments");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), shipments->size());
        auto rows = outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rows.size());
        const std::string prefix = "ecommerce.order.dispatched " + str(id) + " ";
        const auto eventOf = [&](const std::string& row) {
            CPPUNIT_ASSERT_EQUAL(prefix, row.substr(0, prefix.size()));
            Poco::JSON::Parser p;
            return p.parse(row.substr(prefix.size())).extract<Poco::JSON::Object::Ptr>();
        };
        // Shipments in the order their stores first appear: B's (the first line's), then A's. Each
        // ships from its own store's warehouse with its own lines; destination: the buyer's name and
        // the order's address.
        const std::string products[2] = {R"([{"name":"Rug","qty":2,"sku":)" + str(m.productB) + "}]",
                                         R"([{"name":"Lamp","qty":3,"sku":)" + str(m.productA) + "}]"};
        const std::string origins[2] = {R"({"address":"8 Mill Lane"})", R"({"address":"7 Harbour Rd"})"};
        for (std::size_t i = 0; i < 2; ++i) {
            auto event = eventOf(rows[i]);
            CPPUNIT_ASSERT_EQUAL(id, event->getValue<std::int64_t>("foreign_order_id"));
            CPPUNIT_ASSERT_EQUAL(shipments->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"),
                                 event->getValue<std::int64_t>("shipment_id"));
            CPPUNIT_ASSERT_EQUAL(origins[i], jsonText(*event->getObject("origin")));
            CPPUNIT_ASSERT_EQUAL(std::string(R"({"address":"5 Elm St","name":"B ada@example.com"})"),
                                 jsonText(*event->getObject("destination")));
            std::ostringstream lines;
            event->getArray("products")->stringify(lines);
            CPPUNIT_ASSERT_EQUAL(products[i], lines.str());
        }

        // Nothing more is written however the order moves on or is asked to dispatch again.
        CPPUNIT_ASSERT_EQUAL(409, http.put(path, statusBody("DISPATCHED"), svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(409, http.del(path, svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, statusBody("DELIVERED"), svc.deliveryService()).status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), outbox().size());
    }

    void dispatchWritesOutboxEventOnSqlite() { dispatchWritesOutboxEvent(Backend::SQLite); }
    void dispatchWritesOutboxEventOnMariaDb() { dispatchWritesOutboxEvent(Backend::MySQL); }

    HttpReply webhook(EcommerceService& svc, const std::string& id, std::int64_t orderId, const std::string& status, int sequence,
                      const std::string& tracking = "TN0123456789")
    {
        const std::int64_t timestamp = Poco::Timestamp().epochTime();
        const std::string body = R"({"id":")" + id + R"(","type":"delivery.status_changed","created_at":"2026-01-01 00:00:00","data":{"tracking_number":")"
                                 + tracking + R"(","foreign_order_id":)" + str(orderId) + R"(,"status":")" + status
                                 + R"(","previous_status":null,"sequence":)" + std::to_string(sequence) + "}}";
        return svc.http().request("POST", "/webhooks/delivery", body,
                                  {{"webhook-id", id}, {"webhook-timestamp", std::to_string(timestamp)},
                                   {"webhook-signature", mercato::sdk::webhook::sign(kDeliveryWebhookSecret, id, timestamp, body)}});
    }

    void webhookSetsDeliveryField()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t id = orderIn(svc, m, "DISPATCHED");
        const std::string path = "/orders/" + str(id);
        CPPUNIT_ASSERT(dataOf(http.get(path, svc.buyer()))->isNull("delivery"));

        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_a1", id, "READY_FOR_PICK_UP", 1).status);
        auto delivery = dataOf(http.get(path, svc.buyer()))->getObject("delivery");
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"READY_FOR_PICK_UP","tracking_number":"TN0123456789"})"), jsonText(*delivery));
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_a3", id, "IN_ROUTE_OF_DELIVERY", 3).status);
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_a2", id, "IN_ORIGIN", 2).status); // late: older than what is shown
        // Every reader of the order sees the same delivery, in the order and in lists.
        const std::string expected = R"({"status":"IN_ROUTE_OF_DELIVERY","tracking_number":"TN0123456789"})";
        for (const std::string& token : {svc.buyer(), svc.seller(), svc.admin(), svc.deliveryService()}) {
            CPPUNIT_ASSERT_EQUAL(expected, jsonText(*dataOf(http.get(path, token))->getObject("delivery")));
            CPPUNIT_ASSERT_EQUAL(expected, jsonText(*itemsOf(http.get("/orders?status=DISPATCHED", token))->getObject(0)->getObject("delivery")));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("DISPATCHED"), statusOf(http.get(path, svc.buyer())));
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_a4", id, "DELIVERED", 4).status);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), statusOf(http.get(path, svc.buyer())));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), dataOf(http.get(path, svc.buyer()))->getObject("delivery")->getValue<std::string>("status"));

        // DELIVERED from the delivery service moves only a DISPATCHED order.
        const std::int64_t confirmed = orderIn(svc, m, "CONFIRMED");
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_b1", confirmed, "DELIVERED", 1).status);
        CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), statusOf(http.get("/orders/" + str(confirmed), svc.buyer())));

        // A signed body that is not an event is 400 and changes nothing.
        const std::string before = snapshot(svc);
        const std::int64_t timestamp = Poco::Timestamp().epochTime();
        const std::string bad = R"({"id":"evt_c","type":"delivery.status_changed","data":{"foreign_order_id":true}})";
        HttpReply rejected = http.request("POST", "/webhooks/delivery", bad,
                                          {{"webhook-id", "evt_c"}, {"webhook-timestamp", std::to_string(timestamp)},
                                           {"webhook-signature", mercato::sdk::webhook::sign(kDeliveryWebhookSecret, "evt_c", timestamp, bad)}});
        CPPUNIT_ASSERT_EQUAL(400, rejected.status);
        CPPUNIT_ASSERT(!rejected.errorCodes().empty());
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
    }

    /// Issue 10 defect 7: a line of a store deleted after the purchase can never ship, so the order
    /// is 409 on CONFIRMED and DISPATCHED (for the seller of the other store and the admin alike),
    /// changes nothing, and may still be cancelled.
    void deletedStoreBlocksConfirmAndDispatch()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc, 10, 10);
        const auto order = [&](const std::vector<std::pair<std::int64_t, std::int64_t>>& lines) {
            HttpReply r = http.post("/orders", orderBody(lines), svc.buyer());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
            return "/orders/" + str(idOf(r));
        };
        const std::string mixed = order({{m.productA, 1}, {m.productB, 2}}); // CREATED, a line of each store
        const std::string confirmedB = order({{m.productB, 1}});
        CPPUNIT_ASSERT_EQUAL(200, http.put(confirmedB, statusBody("CONFIRMED"), m.sellerB).status);
        const std::string createdB = order({{m.productB, 3}});
        const std::string onlyA = order({{m.productA, 1}});
        HttpReply gone = http.del("/stores/" + str(m.storeB), svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(gone.body, 200, gone.status);

        // Seller A's own shipment is of a live store: it moves (the order stays CREATED with B's).
        HttpReply ownShipment = http.put(mixed, statusBody("CONFIRMED"), svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ownShipment.body, 200, ownShipment.status);
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), dataOf(ownShipment)->getValue<std::string>("status"));

        const std::string before = snapshot(svc);
        const auto refused = [&](const std::string& what, const HttpReply& r) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " " + r.body, 409, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("fail"), r.json->getValue<std::string>("code"));
            CPPUNIT_ASSERT_MESSAGE(what + " " + r.body, (r.errorCodes() == std::vector<std::string>{"status:store_deleted"}));
            const std::string message = r.json->getValue<std::string>("message");
            CPPUNIT_ASSERT_MESSAGE(what + " " + message, message.find("store " + str(m.storeB) + ", which was deleted") != std::string::npos);
        };
        refused("admin confirms the mixed order", http.put(mixed, statusBody("CONFIRMED"), svc.admin()));
        refused("seller B dispatches", http.put(confirmedB, statusBody("DISPATCHED"), m.sellerB));
        refused("admin dispatches", http.put(confirmedB, statusBody("DISPATCHED"), svc.admin()));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), statusOf(http.get(mixed, svc.buyer())));
        CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), statusOf(http.get(confirmedB, svc.buyer())));

        // Cancelling is still the way out, and an order of live stores only moves as before.
        CPPUNIT_ASSERT_EQUAL(200, http.del(confirmedB, svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.del(createdB, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(mixed, statusBody("CANCELLED"), svc.buyer()).status); // A's shipment moved on
        CPPUNIT_ASSERT_EQUAL(200, http.put(mixed, statusBody("CANCELLED"), svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(onlyA, statusBody("CONFIRMED"), svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(onlyA, statusBody("DISPATCHED"), svc.seller()).status);
    }

    /// A signed event whose status or previous_status is not a delivery status is 400 and changes nothing.
    void webhookRefusesUnknownStatus()
    {
        EcommerceService svc;
        Market m = makeMarket(svc);
        const std::int64_t id = orderIn(svc, m, "DISPATCHED");
        const std::string before = snapshot(svc);
        HttpReply bogus = webhook(svc, "evt_bogus", id, "BOGUS", 1);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bogus.body, 400, bogus.status);
        CPPUNIT_ASSERT((bogus.errorCodes() == std::vector<std::string>{"data.status:invalid_value"}));
        CPPUNIT_ASSERT_EQUAL(400, webhook(svc, "evt_lower", id, "delivered", 1).status);
        CPPUNIT_ASSERT_EQUAL(400, webhook(svc, "evt_order_status", id, "DISPATCHED", 1).status); // an order status, not a delivery's
        const std::int64_t timestamp = Poco::Timestamp().epochTime();
        const std::string previous = R"({"id":"evt_prev","type":"delivery.status_changed","created_at":"2026-01-01 00:00:00","data":{"tracking_number":"TN0123456789","foreign_order_id":)"
                                     + str(id) + R"(,"status":"IN_ORIGIN","previous_status":"BOGUS","sequence":1}})";
        HttpReply prev = svc.http().request("POST", "/webhooks/delivery", previous,
                                            {{"webhook-id", "evt_prev"}, {"webhook-timestamp", std::to_string(timestamp)},
                                             {"webhook-signature", mercato::sdk::webhook::sign(kDeliveryWebhookSecret, "evt_prev", timestamp, previous)}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(prev.body, 400, prev.status);
        CPPUNIT_ASSERT((prev.errorCodes() == std::vector<std::string>{"data.previous_status:invalid_value"}));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        // The refused ids were not recorded: the same id with a valid body is applied.
        CPPUNIT_ASSERT_EQUAL(200, webhook(svc, "evt_bogus", id, "IN_ORIGIN", 1).status);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), dataOf(svc.http().get("/orders/" + str(id), svc.buyer()))->getObject("delivery")->getValue<std::string>("status"));
    }

    /// Events about orders that were never dispatched (CREATED, CONFIRMED, CANCELLED) are answered
    /// 200 but change nothing: no delivery on the order, no status, and no sequence remembered (the
    /// order's real events after dispatch apply from sequence 1).
    void webhookNeverAppliesToUndispatchedOrders()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        const std::int64_t created = orderIn(svc, m, "CREATED");
        const std::int64_t confirmed = orderIn(svc, m, "CONFIRMED");
        const std::int64_t cancelled = orderIn(svc, m, "CANCELLED");
        const std::string before = snapshot(svc);
        int n = 0;
        for (std::int64_t id : {created, confirmed, cancelled})
            for (const std::string status : {"READY_FOR_PICK_UP", "IN_ROUTE_OF_DELIVERY", "DELIVERED"}) {
                HttpReply r = webhook(svc, "evt_early_" + std::to_string(++n), id, status, 5);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
                CPPUNIT_ASSERT_MESSAGE(r.body, !dataOf(r)->getValue<bool>("applied"));
            }
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        for (std::int64_t id : {created, confirmed, cancelled})
            CPPUNIT_ASSERT(dataOf(http.get("/orders/" + str(id), svc.buyer()))->isNull("delivery"));

        CPPUNIT_ASSERT_EQUAL(200, http.put("/orders/" + str(confirmed), statusBody("DISPATCHED"), svc.seller()).status);
        HttpReply first = webhook(svc, "evt_real_1", confirmed, "READY_FOR_PICK_UP", 1);
        CPPUNIT_ASSERT_MESSAGE(first.body, dataOf(first)->getValue<bool>("applied"));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"status":"READY_FOR_PICK_UP","tracking_number":"TN0123456789"})"),
                             jsonText(*dataOf(http.get("/orders/" + str(confirmed), svc.buyer()))->getObject("delivery")));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceOrderStatusAcceptanceTest, "acceptance");
