// The whole marketplace against the real binary, two processes over loopback with the scheduler
// plugin doing the background work (API.md §2 transitions and webhook receiver, §3 deliveries, the
// tick, §3.3 webhooks): a dispatched order becomes exactly one delivery and comes back DELIVERED
// through the signed webhooks (SQLite, and MariaDB with the leader lease in Redis); dispatches made
// while the delivery service is down are retried until it is up; a host without the scheduler does
// no background work; and a failing webhook receiver still gets every event once, in order.
#include "TwoServices.h"
#include "WebhookReceiver.h"

#include "mercato/sdk/WebhookSignature.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Command.h>
#include <Poco/Redis/Type.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

using namespace mercato::test;

namespace {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

const char* const kDispatchJob = "ecommerce.order.dispatched";

std::string eventId(const std::string& trackingNumber, int sequence)
{
    return "evt_" + trackingNumber + "_" + std::to_string(sequence);
}

// ---- the ecommerce side ----------------------------------------------------------------------

/// A store of the mock seller with warehouse `warehouse` and one product in it; returns the product id.
std::int64_t sellerProduct(const EcommerceService& shop, const std::string& warehouse, const std::string& name, std::int64_t stock)
{
    const std::int64_t store = createStore(shop, "Store of " + name, {userIdOf(shop, shop.seller())}, warehouse);
    return createProduct(shop, shop.seller(), store, name, stock);
}

/// Moves an order the regular way (the mock seller) and checks the reply.
void moveOrder(const EcommerceService& shop, std::int64_t orderId, const std::string& status)
{
    HttpReply r = shop.http().put("/orders/" + str(orderId), statusBody(status), shop.seller());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(status + ": " + r.body, 200, r.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, status, statusOf(r));
}

/// A new order of the mock buyer with one line (`qty` of `productId`), confirmed and dispatched by
/// the mock seller; returns its id.
std::int64_t dispatchedOrder(const EcommerceService& shop, std::int64_t productId, std::int64_t qty)
{
    HttpReply created = shop.http().post("/orders", orderBody({{productId, qty}}), shop.buyer());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    const std::int64_t id = idOf(created);
    moveOrder(shop, id, "CONFIRMED");
    moveOrder(shop, id, "DISPATCHED");
    return id;
}

/// GET /orders/{id} as the admin.
Obj orderOf(const EcommerceService& shop, std::int64_t orderId)
{
    HttpReply r = shop.http().get("/orders/" + str(orderId), shop.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return dataOf(r);
}

/// The order's `delivery.tracking_number`, "" while it has no delivery.
std::string trackingNumberOf(const EcommerceService& shop, std::int64_t orderId)
{
    Obj delivery = orderOf(shop, orderId)->getObject("delivery");
    return delivery.isNull() ? "" : delivery->optValue<std::string>("tracking_number", "");
}

/// GET /admin/jobs?type=<type> as the service's admin: the jobs.
Arr jobsOf(const HttpTestClient& http, const std::string& adminToken, const std::string& type)
{
    HttpReply r = http.get("/admin/jobs?limit=500&type=" + type, adminToken);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return itemsOf(r);
}

// ---- the delivery side -----------------------------------------------------------------------

/// The id of the client's webhook subscription of `url` (GET /webhooks), 0 when there is none.
std::int64_t subscriptionOf(const DeliveryService& carrier, const std::string& url)
{
    HttpReply r = carrier.http().get("/webhooks", carrier.client());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    Arr items = itemsOf(r);
    for (std::size_t i = 0; i < items->size(); ++i) {
        Obj s = items->getObject(static_cast<unsigned>(i));
        if (s->getValue<std::string>("url") == url)
            return s->getValue<std::int64_t>("id");
    }
    return 0;
}

/// GET /deliveries/{tn} as the delivery admin.
Obj deliveryOf(const DeliveryService& carrier, const std::string& trackingNumber)
{
    HttpReply r = carrier.http().get("/deliveries/" + trackingNumber, carrier.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return dataOf(r);
}

/// GET /deliveries (admin, everything) with an optional query.
HttpReply allDeliveries(const DeliveryService& carrier, const std::string& query = "")
{
    HttpReply r = carrier.http().get("/deliveries?limit=500" + query, carrier.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return r;
}

/// A delivery of the mock client through POST /deliveries; returns its tracking number.
std::string createDelivery(const DeliveryService& carrier, std::int64_t foreignOrderId)
{
    const std::string body = R"({"order":{"foreign_order_id":)" + str(foreignOrderId)
                             + R"(,"products":[{"sku":7,"name":"Kettle","qty":1}]},"origin":{"address":"1 Dock Road"},)"
                               R"("destination":{"name":"Ada Lovelace","address":"12 Analytical Street"}})";
    HttpReply r = carrier.http().post("/deliveries", body, carrier.client());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("READY_FOR_PICK_UP"), statusOf(r));
    return dataOf(r)->getValue<std::string>("tracking_number");
}

/// The 200-answered attempts per event id in GET /webhooks/{id}/deliveries (as the client), and
/// the whole reply for messages.
std::map<std::string, int> acknowledgedAttempts(const DeliveryService& carrier, std::int64_t subscription, std::string& body)
{
    HttpReply r = carrier.http().get("/webhooks/" + str(subscription) + "/deliveries?limit=500", carrier.client());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    body = r.body;
    std::map<std::string, int> acknowledged;
    Arr items = itemsOf(r);
    for (std::size_t i = 0; i < items->size(); ++i) {
        Obj a = items->getObject(static_cast<unsigned>(i));
        if (!a->isNull("status_code") && a->getValue<int>("status_code") == 200)
            ++acknowledged[a->getValue<std::string>("event_id")];
    }
    return acknowledged;
}

/// The value Redis holds under `key` ("" when none).
std::string redisValue(const std::string& key)
{
    Poco::Redis::Client redis;
    redis.connect("127.0.0.1", 6379, Poco::Timespan(2, 0));
    Poco::Redis::BulkString value = redis.execute<Poco::Redis::BulkString>(Poco::Redis::Command::get(key));
    return value.isNull() ? "" : value.value();
}

/// The compact JSON text of an array ("null" for none).
std::string arrayText(const Arr& a)
{
    if (a.isNull())
        return "null";
    std::ostringstream s;
    a->stringify(s);
    return s.str();
}

Obj parseObject(const std::string& text)
{
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Obj>();
}

} // namespace

class MainFlowAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MainFlowAcceptanceTest);
    CPPUNIT_TEST(mainFlowReachesDelivered);
    CPPUNIT_TEST(mainFlowReachesDeliveredOnMariaDbWithRedis);
    CPPUNIT_TEST(deliveryDownWhileDispatchingThenUp);
    CPPUNIT_TEST(apiOnlyHostRunsNoBackgroundWork);
    CPPUNIT_TEST(receiverFailingFirstGetsEveryEventInOrder);
    CPPUNIT_TEST_SUITE_END();

public:
    void mainFlowReachesDelivered()
    {
        TwoServices two;
        mainFlow(two);
    }

    void mainFlowReachesDeliveredOnMariaDbWithRedis()
    {
        Topology topology;
        topology.backend = Backend::MySQL;
        TwoServices two(topology);
        mainFlow(two);
        // The tick ran under the leader lease in Redis, held by the delivery host. (Another suite
        // restarts Redis for a few seconds; the lease is then in the database and comes back to
        // Redis at the next renewal, so look for up to 15 s.)
        const std::string key = "mercato:" + two.delivery().config().at("service.name") + ":scheduler:leader";
        CPPUNIT_ASSERT_MESSAGE("no leader lease " + key + " in Redis" + two.logs(), eventually([&] {
            try {
                return !redisValue(key).empty();
            } catch (const std::exception&) {
                return false; // Redis is being restarted
            }
        }, 15));
    }

    void deliveryDownWhileDispatchingThenUp()
    {
        Topology topology;
        topology.subscribe = false; // only the dispatch calls matter here
        TwoServices two(topology);
        EcommerceService& shop = two.startEcommerce(); // its delivery port: nothing listens there yet
        constexpr int kOrders = 50; // the issue's figure
        const std::int64_t product = sellerProduct(shop, "7 Harbour Rd", "Lamp", kOrders + 10);
        std::vector<std::int64_t> orders;
        for (int i = 0; i < kOrders; ++i)
            orders.push_back(dispatchedOrder(shop, product, 1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stockOf(shop, product));

        // Every dispatch job fails and is retried (at least one retry each), none is given up.
        Arr jobs;
        const auto allRetried = [&] {
            jobs = jobsOf(shop.http(), shop.admin(), kDispatchJob);
            if (jobs->size() != orders.size())
                return false;
            for (std::size_t i = 0; i < jobs->size(); ++i) {
                Obj j = jobs->getObject(static_cast<unsigned>(i));
                if (j->getValue<int>("attempts") < 2 || j->isNull("last_error"))
                    return false;
            }
            return true;
        };
        const bool retried = eventually(allRetried, 15);
        CPPUNIT_ASSERT_MESSAGE("dispatch jobs not retried: " + arrayText(jobs) + two.logs(), retried);
        for (std::size_t i = 0; i < jobs->size(); ++i) {
            Obj j = jobs->getObject(static_cast<unsigned>(i));
            const std::string state = j->getValue<std::string>("state");
            CPPUNIT_ASSERT_MESSAGE(jsonText(*j), state == "retrying" || state == "running");
            CPPUNIT_ASSERT_MESSAGE(jsonText(*j), !j->getValue<std::string>("last_error").empty());
        }
        for (std::int64_t id : orders) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE("order " + str(id), std::string(), trackingNumberOf(shop, id));
            CPPUNIT_ASSERT_EQUAL(std::string("DISPATCHED"), orderOf(shop, id)->getValue<std::string>("status"));
        }

        // The delivery service comes up on that port: every order gets its delivery.
        DeliveryService& carrier = two.startDelivery();
        std::map<std::int64_t, std::string> tracking;
        const auto allTracked = [&] {
            for (std::int64_t id : orders)
                if (!tracking.count(id)) {
                    const std::string tn = trackingNumberOf(shop, id);
                    if (tn.empty())
                        return false;
                    tracking[id] = tn;
                }
            return true;
        };
        const bool tracked = eventually(allTracked, 30);
        CPPUNIT_ASSERT_MESSAGE(str(static_cast<std::int64_t>(tracking.size())) + " of " + str(kOrders) + " orders have a delivery" + two.logs(), tracked);

        // Exactly one delivery per order on the delivery service, as many distinct tracking numbers.
        HttpReply list = allDeliveries(carrier);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(list.body, std::int64_t(kOrders), totalOf(list));
        std::set<std::string> listed;
        std::map<std::string, std::int64_t> orderOfTracking;
        Arr items = itemsOf(list);
        for (std::size_t i = 0; i < items->size(); ++i) {
            Obj d = items->getObject(static_cast<unsigned>(i));
            listed.insert(d->getValue<std::string>("tracking_number"));
            orderOfTracking[d->getValue<std::string>("tracking_number")] = d->getObject("order")->getValue<std::int64_t>("foreign_order_id");
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(kOrders), listed.size());
        std::set<std::string> fromOrders;
        for (const auto& [id, tn] : tracking) {
            fromOrders.insert(tn);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(tn, id, orderOfTracking[tn]);
        }
        CPPUNIT_ASSERT(fromOrders == listed);

        // One sign-in served all the requests (the token is cached, never a sign-in per message).
        HttpReply metrics = shop.http().get("/metrics");
        CPPUNIT_ASSERT_MESSAGE(metrics.body, metrics.body.find("mercato_delivery_signins_total{outcome=\"ok\"} 1\n") != std::string::npos);

        // And the jobs are done, none dead.
        const auto allDone = [&] {
            jobs = jobsOf(shop.http(), shop.admin(), kDispatchJob);
            for (std::size_t i = 0; i < jobs->size(); ++i)
                if (jobs->getObject(static_cast<unsigned>(i))->getValue<std::string>("state") != "done")
                    return false;
            return jobs->size() == orders.size();
        };
        const bool done = eventually(allDone, 5);
        CPPUNIT_ASSERT_MESSAGE(arrayText(jobs), done);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), deadJobs(shop.http(), shop.admin()));
    }

    void apiOnlyHostRunsNoBackgroundWork()
    {
        // An ecommerce host without the scheduler, calling a delivery host with one.
        Topology apiShop;
        apiShop.ecommerceScheduler = false;
        apiShop.subscribe = false;
        TwoServices two(apiShop);
        two.startBoth();
        EcommerceService& shop = two.ecommerce();
        DeliveryService& carrier = two.delivery();
        // A delivery host without the scheduler (ticks every second if it had one).
        Topology apiCarrier;
        apiCarrier.deliveryScheduler = false;
        TwoServices other(apiCarrier);
        DeliveryService& idleCarrier = other.startDelivery();

        const std::int64_t orderId = dispatchedOrder(shop, sellerProduct(shop, "7 Harbour Rd", "Lamp", 5), 1);
        const std::string tn = createDelivery(idleCarrier, 42);
        std::this_thread::sleep_for(std::chrono::seconds(3));

        CPPUNIT_ASSERT_EQUAL_MESSAGE(two.logs(), std::string(), trackingNumberOf(shop, orderId));
        CPPUNIT_ASSERT_EQUAL(std::string("DISPATCHED"), orderOf(shop, orderId)->getValue<std::string>("status"));
        HttpReply none = allDeliveries(carrier);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(none.body, std::int64_t(0), totalOf(none));
        Obj idle = deliveryOf(idleCarrier, tn);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*idle) + other.logs(), std::string("READY_FOR_PICK_UP"), idle->getValue<std::string>("status"));
        HttpReply history = idleCarrier.http().get("/deliveries/" + tn + "/tracking", idleCarrier.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(history.body, 200, history.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(history.body, std::size_t(1), dataOf(history)->getArray("tracking")->size());

        // The job routes exist only where the scheduler is loaded.
        for (const auto& [what, reply] : std::vector<std::pair<std::string, HttpReply>>{
                 {"ecommerce without scheduler", shop.http().get("/admin/jobs", shop.admin())},
                 {"delivery without scheduler", idleCarrier.http().get("/admin/jobs", idleCarrier.admin())}}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + reply.body, 404, reply.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + reply.body, std::string("fail"), reply.json->getValue<std::string>("code"));
        }
        HttpReply withScheduler = carrier.http().get("/admin/jobs", carrier.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(withScheduler.body, 200, withScheduler.status);
    }

    void receiverFailingFirstGetsEveryEventInOrder()
    {
        WebhookReceiver receiver(3);
        TwoServices two;
        DeliveryService& carrier = two.startDelivery();
        HttpReply subscribed = carrier.http().post("/webhooks", R"({"url":")" + receiver.url() + "\"}", carrier.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(subscribed.body, 201, subscribed.status);
        const std::string secret = dataOf(subscribed)->getValue<std::string>("secret");
        const std::int64_t subscription = idOf(subscribed);
        const std::string tn = createDelivery(carrier, 7);

        // Creation, IN_ORIGIN, IN_ROUTE_OF_DELIVERY, DELIVERED: four events, each acknowledged.
        const auto acknowledgedIds = [&] {
            std::set<std::string> ids;
            for (const auto& r : receiver.requests())
                if (r.answered == 200)
                    ids.insert(r.id);
            return ids;
        };
        const bool allAcknowledged = eventually([&] { return acknowledgedIds().size() >= 4; }, 30);
        CPPUNIT_ASSERT_MESSAGE(str(static_cast<std::int64_t>(receiver.requests().size())) + " requests" + two.logs(), allAcknowledged);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // a repeated send would come by now
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), deliveryOf(carrier, tn)->getValue<std::string>("status"));

        const std::vector<Received> requests = receiver.requests();
        std::vector<std::string> firstAcknowledged;
        std::map<std::string, int> acknowledgements;
        const std::vector<std::string> statuses{"READY_FOR_PICK_UP", "IN_ORIGIN", "IN_ROUTE_OF_DELIVERY", "DELIVERED"};
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const Received& r = requests[i];
            const std::string what = "request " + str(static_cast<std::int64_t>(i)) + " " + r.id + ": " + r.body;
            CPPUNIT_ASSERT_MESSAGE(what, mercato::sdk::webhook::verify(secret, r.id, r.timestamp, r.signature, r.body, r.receivedAt)
                                             == mercato::sdk::webhook::Verdict::Valid);
            Obj event = parseObject(r.body);
            Obj data = event->getObject("data");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, r.id, event->getValue<std::string>("id"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("delivery.status_changed"), event->getValue<std::string>("type"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, tn, data->getValue<std::string>("tracking_number"));
            const int sequence = data->getValue<int>("sequence");
            CPPUNIT_ASSERT_MESSAGE(what, sequence >= 1 && sequence <= 4);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, eventId(tn, sequence), r.id);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, statuses[sequence - 1], data->getValue<std::string>("status"));
            if (sequence == 1)
                CPPUNIT_ASSERT_MESSAGE(what, data->isNull("previous_status"));
            else
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, statuses[sequence - 2], data->getValue<std::string>("previous_status"));
            if (i < 3) // the failed ones: the first event, retried; the later ones wait behind it
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, eventId(tn, 1), r.id);
            if (r.answered == 200 && acknowledgements[r.id]++ == 0)
                firstAcknowledged.push_back(r.id);
        }
        CPPUNIT_ASSERT((firstAcknowledged == std::vector<std::string>{eventId(tn, 1), eventId(tn, 2), eventId(tn, 3), eventId(tn, 4)}));
        for (const auto& [id, times] : acknowledgements)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(id + " acknowledged more than once", 1, times);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3 + 4), requests.size());

        // The sender's own record agrees: four attempts of the first event (three 500s), one of each other.
        HttpReply attempts = carrier.http().get("/webhooks/" + str(subscription) + "/deliveries?limit=500", carrier.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(attempts.body, 200, attempts.status);
        std::map<std::string, std::vector<int>> codes;
        Arr items = itemsOf(attempts);
        for (std::size_t i = 0; i < items->size(); ++i) {
            Obj a = items->getObject(static_cast<unsigned>(i));
            codes[a->getValue<std::string>("event_id")].push_back(a->isNull("status_code") ? 0 : a->getValue<int>("status_code"));
        }
        std::sort(codes[eventId(tn, 1)].begin(), codes[eventId(tn, 1)].end());
        CPPUNIT_ASSERT_MESSAGE(attempts.body, (codes[eventId(tn, 1)] == std::vector<int>{200, 500, 500, 500}));
        for (int s = 2; s <= 4; ++s)
            CPPUNIT_ASSERT_MESSAGE(attempts.body, (codes[eventId(tn, s)] == std::vector<int>{200}));
    }

private:
    /// The main flow on the two services of `two` (not started yet).
    static void mainFlow(TwoServices& two)
    {
        two.startBoth();
        EcommerceService& shop = two.ecommerce();
        DeliveryService& carrier = two.delivery();

        // The ecommerce host subscribed its receiver at start (a job): wait for it before anything
        // happens that would send an event.
        std::int64_t subscription = 0;
        const bool subscribed = eventually([&] {
            subscription = subscriptionOf(carrier, two.receiverUrl());
            return subscription != 0;
        }, 15);
        CPPUNIT_ASSERT_MESSAGE("no subscription of " + two.receiverUrl() + two.logs(), subscribed);

        const std::string warehouse = "7 Harbour Rd, Port City";
        const std::int64_t product = sellerProduct(shop, warehouse, "Brass Lamp", 5);
        Obj buyer = dataOf(shop.http().get("/me", shop.buyer()));
        const std::int64_t orderId = dispatchedOrder(shop, product, 2);
        Obj order = orderOf(shop, orderId);
        CPPUNIT_ASSERT_EQUAL(buyer->getValue<std::string>("shipping_address"), order->getValue<std::string>("delivery_address"));

        // The dispatch job creates the delivery; the order shows its tracking number.
        std::string tn;
        const bool tracked = eventually([&] {
            tn = trackingNumberOf(shop, orderId);
            return !tn.empty();
        });
        CPPUNIT_ASSERT_MESSAGE("the order got no delivery" + two.logs(), tracked);
        Obj delivery = deliveryOf(carrier, tn);
        CPPUNIT_ASSERT_EQUAL(tn, delivery->getValue<std::string>("tracking_number"));
        CPPUNIT_ASSERT_EQUAL(orderId, delivery->getObject("order")->getValue<std::int64_t>("foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(warehouse, delivery->getObject("origin")->getValue<std::string>("address"));
        CPPUNIT_ASSERT_EQUAL(buyer->getValue<std::string>("name"), delivery->getObject("destination")->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(order->getValue<std::string>("delivery_address"),
                             delivery->getObject("destination")->getValue<std::string>("address"));
        Arr products = delivery->getObject("order")->getArray("products");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*delivery), std::size_t(1), products->size());
        Obj line = products->getObject(0);
        CPPUNIT_ASSERT_MESSAGE(jsonText(*line), (keysOf(line) == std::set<std::string>{"sku", "name", "qty"}));
        CPPUNIT_ASSERT_EQUAL(product, line->getValue<std::int64_t>("sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Brass Lamp"), line->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), line->getValue<std::int64_t>("qty"));

        // The ticks move the delivery on; its webhooks bring the order to DELIVERED.
        const bool delivered = eventually([&] {
            order = orderOf(shop, orderId);
            return order->getValue<std::string>("status") == "DELIVERED";
        });
        CPPUNIT_ASSERT_MESSAGE("the order did not become DELIVERED: " + jsonText(*order) + two.logs(), delivered);
        CPPUNIT_ASSERT_EQUAL(tn, order->getObject("delivery")->getValue<std::string>("tracking_number"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DELIVERED"), order->getObject("delivery")->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), deliveryOf(carrier, tn)->getValue<std::string>("status"));

        // Every event was acknowledged by the ecommerce receiver, once.
        std::string attempts;
        std::map<std::string, int> acknowledged;
        const std::map<std::string, int> once{{eventId(tn, 1), 1}, {eventId(tn, 2), 1}, {eventId(tn, 3), 1}, {eventId(tn, 4), 1}};
        eventually([&] {
            acknowledged = acknowledgedAttempts(carrier, subscription, attempts);
            return acknowledged.size() >= once.size();
        }, 5);
        CPPUNIT_ASSERT_MESSAGE(attempts + two.logs(), acknowledged == once);

        // Exactly one delivery for the order (and none else), one dispatch job, nothing dead.
        HttpReply forOrder = allDeliveries(carrier, "&foreign_order_id=" + str(orderId));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(forOrder.body, std::int64_t(1), totalOf(forOrder));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), totalOf(allDeliveries(carrier)));
        Arr jobs = jobsOf(shop.http(), shop.admin(), kDispatchJob);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(arrayText(jobs), std::size_t(1), jobs->size());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(arrayText(jobs), std::string("done"), jobs->getObject(0)->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), deadJobs(shop.http(), shop.admin()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), deadJobs(carrier.http(), carrier.admin()));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MainFlowAcceptanceTest, "acceptance");
