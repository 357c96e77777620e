// GET /orders/{id}/events over HTTP against the real binary: the log of a full flow (two stores,
// each seller's moves, the delivery service's DELIVERED), what each role sees of it; and stock
// reservations that expire (ecommerce.orders.reservationMinutes with the scheduler plugin).
#include "EcommerceService.h"

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <thread>

using namespace mercato::test;

namespace {

/// "type shipment(A|B|-) from>to actorType" per entry of the log, shipments named by store.
std::vector<std::string> logOf(const HttpReply& r, std::int64_t shipmentA, std::int64_t shipmentB)
{
    std::vector<std::string> log;
    auto entries = r.json->getArray("data");
    for (std::size_t i = 0; i < entries->size(); ++i) {
        auto e = entries->getObject(static_cast<unsigned>(i));
        const auto text = [&](const std::string& key) { return e->isNull(key) ? std::string("-") : e->getValue<std::string>(key); };
        std::string shipment = "-";
        if (!e->isNull("shipment_id"))
            shipment = e->getValue<std::int64_t>("shipment_id") == shipmentA ? "A" : e->getValue<std::int64_t>("shipment_id") == shipmentB ? "B" : "?";
        log.push_back(e->getValue<std::string>("type") + " " + shipment + " " + text("from") + ">" + text("to") + " "
                      + e->getObject("actor")->getValue<std::string>("type"));
    }
    return log;
}

std::string joined(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

} // namespace

class EcommerceOrderEventsAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceOrderEventsAcceptanceTest);
    CPPUNIT_TEST(eventLogOfAFullFlow);
    CPPUNIT_TEST(reservationsExpire);
    CPPUNIT_TEST_SUITE_END();

public:
    void eventLogOfAFullFlow()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        Market m = makeMarket(svc);
        HttpReply created = http.post("/orders", orderBody({{m.productA, 1}, {m.productB, 2}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        const std::int64_t id = idOf(created);
        const std::string path = "/orders/" + str(id);
        auto shipments = dataOf(created)->getArray("shipments");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), shipments->size());
        const std::int64_t a = shipments->getObject(0)->getValue<std::int64_t>("id"), b = shipments->getObject(1)->getValue<std::int64_t>("id");
        CPPUNIT_ASSERT_EQUAL(m.storeA, shipments->getObject(0)->getValue<std::int64_t>("store_id"));

        HttpReply line = http.post(path + "/products", lineBody(m.productA, 1), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(line.body, 201, line.status);
        CPPUNIT_ASSERT_EQUAL(200, http.del(path + "/products/" + str(idOf(line)), svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, statusBody("CONFIRMED"), svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(path + "/shipments/" + str(b), statusBody("CONFIRMED"), m.sellerB).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path + "/shipments/" + str(b), statusBody("DISPATCHED"), svc.seller()).status); // not logged
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, statusBody("DISPATCHED"), svc.admin()).status);
        HttpReply delivered = http.put(path, statusBody("DELIVERED"), svc.deliveryService());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(delivered.body, 200, delivered.status);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), statusOf(delivered));

        const std::vector<std::string> expected{
            "created - ->CREATED user",
            "line_added A ->- user",
            "line_added B ->- user",
            "line_added A ->- user",
            "line_removed A ->- user",
            "status_changed A CREATED>CONFIRMED user",
            "status_changed B CREATED>CONFIRMED user",
            "status_changed A CONFIRMED>DISPATCHED user",
            "status_changed B CONFIRMED>DISPATCHED user",
            "status_changed A DISPATCHED>DELIVERED service",
            "status_changed B DISPATCHED>DELIVERED service",
        };
        for (const std::string& token : {svc.buyer(), svc.admin(), svc.deliveryService()}) {
            HttpReply events = http.get(path + "/events", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(events.body, 200, events.status);
            const auto log = logOf(events, a, b);
            CPPUNIT_ASSERT_MESSAGE(joined(log), log == expected);
        }
        // Each entry's shape; ids grow; the actor of a user names the user.
        HttpReply events = http.get(path + "/events", svc.buyer());
        auto first = events.json->getArray("data")->getObject(0);
        CPPUNIT_ASSERT((keysOf(first) == std::set<std::string>{"actor", "at", "from", "id", "shipment_id", "to", "type"}));
        CPPUNIT_ASSERT_EQUAL(userIdOf(svc, svc.buyer()), first->getObject("actor")->getValue<std::int64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(19), first->getValue<std::string>("at").size());
        auto entries = events.json->getArray("data");
        for (std::size_t i = 1; i < entries->size(); ++i)
            CPPUNIT_ASSERT(entries->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id")
                           > entries->getObject(static_cast<unsigned>(i - 1))->getValue<std::int64_t>("id"));

        // A seller sees only their shipment's events; nobody else sees the order's log.
        const auto sellerLog = logOf(http.get(path + "/events", m.sellerB), a, b);
        CPPUNIT_ASSERT_MESSAGE(joined(sellerLog), (sellerLog == std::vector<std::string>{
                                                      "line_added B ->- user", "status_changed B CREATED>CONFIRMED user",
                                                      "status_changed B CONFIRMED>DISPATCHED user", "status_changed B DISPATCHED>DELIVERED service"}));
        const std::string other = signupBuyer(svc, "other.buyer@example.com");
        CPPUNIT_ASSERT_EQUAL(404, http.get(path + "/events", other).status);
        CPPUNIT_ASSERT_EQUAL(401, http.get(path + "/events", "").status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/orders/999999/events", svc.admin()).status);
    }

    /// With the scheduler and reservationMinutes = 1, an order older than a minute (its created_at
    /// moved back in the database: a test does not wait a minute) loses its unconfirmed shipments
    /// within a few checks of a second; a confirmed one goes on.
    void reservationsExpire()
    {
        EcommerceService svc(Backend::SQLite, {{"plugins.load", "accounts, ecommerce, scheduler"},
                                               {"scheduler.pollMillis", "50"},
                                               {"ecommerce.orders.reservationMinutes", "1"},
                                               {"ecommerce.orders.reservationCheckSeconds", "1"}});
        const auto& http = svc.http();
        Market m = makeMarket(svc, 10, 10);
        const std::int64_t old = idOf(http.post("/orders", orderBody({{m.productA, 3}, {m.productB, 4}}), svc.buyer()));
        const std::int64_t fresh = idOf(http.post("/orders", orderBody({{m.productA, 1}}), svc.buyer()));
        CPPUNIT_ASSERT_EQUAL(200, http.put("/orders/" + str(old), statusBody("CONFIRMED"), m.sellerB).status);
        {
            Poco::Data::Session db = svc.openDatabase();
            db << "UPDATE orders SET created_at = '2000-01-01 00:00:00' WHERE id = " + str(old), Poco::Data::Keywords::now;
        }
        std::string status;
        for (int i = 0; i < 100 && status != "CONFIRMED"; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            status = statusOf(http.get("/orders/" + str(old), svc.buyer()));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), status); // A's shipment cancelled, B's confirmed one left
        auto shipments = dataOf(http.get("/orders/" + str(old), svc.buyer()))->getArray("shipments");
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), shipments->getObject(0)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), shipments->getObject(1)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), stockOf(svc, m.productA)); // 3 back; the fresh order's 1 still held
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), stockOf(svc, m.productB));
        HttpReply events = http.get("/orders/" + str(old) + "/events", svc.admin());
        auto last = events.json->getArray("data")->getObject(static_cast<unsigned>(events.json->getArray("data")->size() - 1));
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), last->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("system"), last->getObject("actor")->getValue<std::string>("type"));
        CPPUNIT_ASSERT(last->getObject("actor")->isNull("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), statusOf(http.get("/orders/" + str(fresh), svc.buyer())));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceOrderEventsAcceptanceTest, "acceptance");
