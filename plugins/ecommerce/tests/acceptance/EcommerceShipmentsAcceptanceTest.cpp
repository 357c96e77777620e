// API.md §2 "Shipments" against the real binary: an order of two stores has one shipment per store,
// each moved by its own sellers (the order's status is the least advanced live shipment's), each
// dispatched shipment becomes a delivery of its own on the real delivery service (origin: its
// store's warehouse, products: its lines, order.foreign_shipment_id) and comes back through the
// signed webhooks to that shipment only; sellers see and move only their shipments; cancelling the
// whole order is all or nothing; a one-store order reads as before the split.
#include "EcommerceService.h"

#include "../../../scheduler/tests/acceptance/TwoServices.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace mercato::test;

namespace {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

/// The delivery host ticks only when told (POST /admin/tick): the periodic tick's slot comes once a
/// day, so the test decides which delivery moves when.
const std::map<std::string, std::string> kManualTicks{{"delivery.tick.interval", "86400"}};

/// The compact JSON text of an array, or of null.
std::string arrayText(const Arr& a)
{
    if (a.isNull())
        return "null";
    std::ostringstream s;
    a->stringify(s);
    return s.str();
}

/// GET /orders/{id} as `token` (200 expected).
Obj orderOf(const EcommerceService& shop, std::int64_t orderId, const std::string& token)
{
    HttpReply r = shop.http().get("/orders/" + str(orderId), token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return dataOf(r);
}

Obj orderOf(const EcommerceService& shop, std::int64_t orderId) { return orderOf(shop, orderId, shop.admin()); }

Arr shipmentsOf(const Obj& order)
{
    Arr shipments = order->getArray("shipments");
    CPPUNIT_ASSERT_MESSAGE("no shipments array in " + jsonText(*order), !shipments.isNull());
    return shipments;
}

/// The order's shipment of `storeId`, null when it has none.
Obj shipmentOfStore(const Obj& order, std::int64_t storeId)
{
    Arr shipments = shipmentsOf(order);
    for (std::size_t i = 0; i < shipments->size(); ++i) {
        Obj s = shipments->getObject(static_cast<unsigned>(i));
        if (s->getValue<std::int64_t>("store_id") == storeId)
            return s;
    }
    return nullptr;
}

/// The order's shipment of `storeId`, which must exist.
Obj shipment(const Obj& order, std::int64_t storeId)
{
    Obj s = shipmentOfStore(order, storeId);
    CPPUNIT_ASSERT_MESSAGE("no shipment of store " + str(storeId) + " in " + jsonText(*order), !s.isNull());
    return s;
}

std::int64_t shipmentId(const Obj& order, std::int64_t storeId) { return shipment(order, storeId)->getValue<std::int64_t>("id"); }

std::string shipmentStatus(const Obj& order, std::int64_t storeId) { return shipment(order, storeId)->getValue<std::string>("status"); }

/// The shipment's `delivery` object, null while it has none.
Obj shipmentDelivery(const Obj& order, std::int64_t storeId)
{
    Obj s = shipment(order, storeId);
    CPPUNIT_ASSERT_MESSAGE(jsonText(*s), s->has("delivery"));
    return s->isNull("delivery") ? Obj() : s->getObject("delivery");
}

/// The delivery status a shipment shows ("" while it has no delivery).
std::string shipmentDeliveryStatus(const Obj& order, std::int64_t storeId)
{
    Obj d = shipmentDelivery(order, storeId);
    return d.isNull() ? "" : d->getValue<std::string>("status");
}

/// The product ids of a set of lines, sorted.
std::vector<std::int64_t> sortedProducts(const Arr& lines)
{
    std::vector<std::int64_t> ids = lineProducts(lines);
    std::sort(ids.begin(), ids.end());
    return ids;
}

/// Every line of `lines` is of `storeId`.
void expectLinesOfStore(const Arr& lines, std::int64_t storeId, const std::string& what)
{
    for (std::size_t i = 0; i < lines->size(); ++i)
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + arrayText(lines), storeId,
                                     lines->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("store_id"));
}

/// The order has exactly one shipment per store of `storesProducts` (store → its products,
/// sorted), each with only its store's lines; and no other.
void expectShipments(const Obj& order, const std::map<std::int64_t, std::vector<std::int64_t>>& storesProducts)
{
    Arr shipments = shipmentsOf(order);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), storesProducts.size(), shipments->size());
    for (const auto& [store, products] : storesProducts) {
        Obj s = shipment(order, store);
        Arr lines = s->getArray("lines");
        CPPUNIT_ASSERT_MESSAGE(jsonText(*s), !lines.isNull());
        CPPUNIT_ASSERT_MESSAGE(jsonText(*s), sortedProducts(lines) == products);
        expectLinesOfStore(lines, store, "lines of the shipment of store " + str(store));
    }
}

/// PUT /orders/{id}/shipments/{sid} {status} as `token`.
HttpReply moveShipment(const EcommerceService& shop, std::int64_t orderId, std::int64_t sid, const std::string& status,
                       const std::string& token)
{
    return shop.http().put("/orders/" + str(orderId) + "/shipments/" + str(sid), statusBody(status), token);
}

/// PUT /orders/{id} {status} as `token`, 200 expected.
void moveOrder(const EcommerceService& shop, std::int64_t orderId, const std::string& status, const std::string& token)
{
    HttpReply r = shop.http().put("/orders/" + str(orderId), statusBody(status), token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(status + ": " + r.body, 200, r.status);
}

/// A new order of the mock buyer with these lines; returns it as the reply shows it.
Obj buy(const EcommerceService& shop, const std::vector<std::pair<std::int64_t, std::int64_t>>& lines)
{
    HttpReply r = shop.http().post("/orders", orderBody(lines), shop.buyer());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return dataOf(r);
}

/// The order in a list reply, null when it is not there.
Obj inList(const HttpReply& list, std::int64_t orderId)
{
    Arr items = itemsOf(list);
    for (std::size_t i = 0; i < items->size(); ++i) {
        Obj o = items->getObject(static_cast<unsigned>(i));
        if (o->getValue<std::int64_t>("id") == orderId)
            return o;
    }
    return nullptr;
}

/// The `status` of a failure and its envelope, and that nothing changed.
void expectRefused(const EcommerceService& shop, const std::string& what, int expected, const HttpReply& r, const std::string& before)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + r.body, expected, r.status);
    CPPUNIT_ASSERT_MESSAGE(what + ": " + r.body, !r.json.isNull());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + r.body, std::string("fail"), r.json->getValue<std::string>("code"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": something changed", before, snapshot(shop));
}

// ---- the delivery side -----------------------------------------------------------------------

/// Waits until the ecommerce host has subscribed its receiver on the delivery service (a job at start).
void waitForSubscription(TwoServices& two)
{
    const bool subscribed = eventually([&] {
        HttpReply r = two.delivery().http().get("/webhooks", two.delivery().client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        Arr items = itemsOf(r);
        for (std::size_t i = 0; i < items->size(); ++i)
            if (items->getObject(static_cast<unsigned>(i))->getValue<std::string>("url") == two.receiverUrl())
                return true;
        return false;
    }, 15);
    CPPUNIT_ASSERT_MESSAGE("no subscription of " + two.receiverUrl() + two.logs(), subscribed);
}

/// POST /admin/tick on the delivery host; returns how many deliveries it moved.
std::int64_t tick(const DeliveryService& carrier)
{
    HttpReply r = carrier.http().post("/admin/tick", "", carrier.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return dataOf(r)->getValue<std::int64_t>("moved");
}

Obj deliveryOf(const DeliveryService& carrier, const std::string& trackingNumber)
{
    HttpReply r = carrier.http().get("/deliveries/" + trackingNumber, carrier.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return dataOf(r);
}

/// Waits until `probe(order as the admin sees it)` holds; fails with the order and the logs.
template <class Probe>
Obj waitForOrder(TwoServices& two, std::int64_t orderId, const std::string& what, Probe probe)
{
    Obj order;
    const bool reached = eventually([&] {
        order = orderOf(two.ecommerce(), orderId);
        return probe(order);
    });
    CPPUNIT_ASSERT_MESSAGE(what + ": " + (order.isNull() ? std::string("no order") : jsonText(*order)) + two.logs(), reached);
    return order;
}

/// The compact text of an order's (or a shipment's) `delivery`, "null" for none.
std::string deliveryText(const Obj& o)
{
    CPPUNIT_ASSERT_MESSAGE(jsonText(*o), o->has("delivery"));
    return o->isNull("delivery") ? "null" : jsonText(*o->getObject("delivery"));
}

} // namespace

class EcommerceShipmentsAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceShipmentsAcceptanceTest);
    CPPUNIT_TEST(twoSellersShipSeparately);
    CPPUNIT_TEST(sellerCannotMoveTheOtherShipment);
    CPPUNIT_TEST(sellerViews);
    CPPUNIT_TEST(cancelRules);
    CPPUNIT_TEST(singleStoreOrderReadsAsBefore);
    CPPUNIT_TEST_SUITE_END();

public:
    void twoSellersShipSeparately()
    {
        TwoServices two;
        two.startDelivery(kManualTicks);
        two.startEcommerce();
        EcommerceService& shop = two.ecommerce();
        DeliveryService& carrier = two.delivery();
        waitForSubscription(two);

        // Two stores, two sellers, two warehouses; store A sells two products.
        Market m = makeMarket(shop);
        const std::int64_t shade = createProduct(shop, shop.seller(), m.storeA, "Shade", 10);
        const Obj created = buy(shop, {{m.productA, 2}, {m.productB, 1}, {shade, 3}});
        const std::int64_t id = created->getValue<std::int64_t>("id");

        // Two shipments, CREATED, each with its store's lines only and no delivery; the order has no delivery.
        for (const Obj& order : {created, orderOf(shop, id), orderOf(shop, id, shop.buyer())}) {
            expectShipments(order, {{m.storeA, {std::min(m.productA, shade), std::max(m.productA, shade)}}, {m.storeB, {m.productB}}});
            for (std::int64_t store : {m.storeA, m.storeB}) {
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), shipmentStatus(order, store));
                CPPUNIT_ASSERT_MESSAGE(jsonText(*order), shipmentDelivery(order, store).isNull());
            }
            CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), order->getValue<std::string>("status"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("null"), deliveryText(order));
        }
        const std::int64_t sidA = shipmentId(created, m.storeA), sidB = shipmentId(created, m.storeB);
        CPPUNIT_ASSERT(sidA != sidB);

        // Seller A confirms and dispatches the order: only A's shipment moves, the order stays at
        // the least advanced shipment (B's, CREATED).
        moveOrder(shop, id, "CONFIRMED", shop.seller());
        Obj order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CONFIRMED"), shipmentStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), order->getValue<std::string>("status"));
        moveOrder(shop, id, "DISPATCHED", shop.seller());
        order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), shipmentStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), order->getValue<std::string>("status"));

        // A's delivery is created and recorded on A's shipment; one tick moves it ahead of B's.
        waitForOrder(two, id, "A's shipment got no delivery", [&](const Obj& o) { return !shipmentDelivery(o, m.storeA).isNull(); });
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(carrier));
        waitForOrder(two, id, "A's delivery did not reach IN_ORIGIN",
                     [&](const Obj& o) { return shipmentDeliveryStatus(o, m.storeA) == "IN_ORIGIN"; });

        // Seller B does the same through the shipment's own route: the order follows B's shipment.
        HttpReply confirmed = moveShipment(shop, id, sidB, "CONFIRMED", m.sellerB);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(confirmed.body, 200, confirmed.status);
        order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), shipmentStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CONFIRMED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CONFIRMED"), order->getValue<std::string>("status"));
        HttpReply dispatched = moveShipment(shop, id, sidB, "DISPATCHED", m.sellerB);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dispatched.body, 200, dispatched.status);
        order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), order->getValue<std::string>("status"));

        // Once both relays ran, each shipment shows its own delivery; the order shows none (two shipments).
        order = waitForOrder(two, id, "B's shipment got no delivery", [&](const Obj& o) {
            return shipmentDeliveryStatus(o, m.storeA) == "IN_ORIGIN" && shipmentDeliveryStatus(o, m.storeB) == "READY_FOR_PICK_UP";
        });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("null"), deliveryText(order));
        const std::string tnA = shipmentDelivery(order, m.storeA)->getValue<std::string>("tracking_number");
        const std::string tnB = shipmentDelivery(order, m.storeB)->getValue<std::string>("tracking_number");
        CPPUNIT_ASSERT(tnA != tnB);

        // Exactly two deliveries exist, the client's own, one per shipment: origin its store's
        // warehouse, products its lines, foreign_shipment_id the shipment.
        const std::map<std::int64_t, std::string> warehouseOf{{sidA, "7 Harbour Rd"}, {sidB, "8 Mill Lane"}};
        const std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> productsOf{{sidA, {{m.productA, 2}, {shade, 3}}},
                                                                                       {sidB, {{m.productB, 1}}}};
        const std::map<std::int64_t, std::string> trackingOf{{sidA, tnA}, {sidB, tnB}};
        for (const std::string& token : {carrier.client(), carrier.admin()}) {
            HttpReply all = carrier.http().get("/deliveries?limit=500", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, 200, all.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, std::int64_t(2), totalOf(all));
            Arr items = itemsOf(all);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, std::size_t(2), items->size());
            std::set<std::int64_t> shipmentsSeen;
            for (std::size_t i = 0; i < items->size(); ++i) {
                Obj d = items->getObject(static_cast<unsigned>(i));
                Obj o = d->getObject("order");
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*d), id, o->getValue<std::int64_t>("foreign_order_id"));
                CPPUNIT_ASSERT_MESSAGE(jsonText(*d), o->has("foreign_shipment_id") && !o->isNull("foreign_shipment_id"));
                const std::int64_t sid = o->getValue<std::int64_t>("foreign_shipment_id");
                CPPUNIT_ASSERT_MESSAGE(jsonText(*d), warehouseOf.count(sid) == 1);
                shipmentsSeen.insert(sid);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*d), trackingOf.at(sid), d->getValue<std::string>("tracking_number"));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*d), warehouseOf.at(sid), d->getObject("origin")->getValue<std::string>("address"));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*d), created->getValue<std::string>("delivery_address"),
                                             d->getObject("destination")->getValue<std::string>("address"));
                std::map<std::int64_t, std::int64_t> products;
                Arr lines = o->getArray("products");
                for (std::size_t j = 0; j < lines->size(); ++j) {
                    Obj p = lines->getObject(static_cast<unsigned>(j));
                    products[p->getValue<std::int64_t>("sku")] += p->getValue<std::int64_t>("qty");
                }
                CPPUNIT_ASSERT_MESSAGE(jsonText(*d), products == productsOf.at(sid));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*d), productsOf.at(sid).size(), lines->size());
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, std::size_t(2), shipmentsSeen.size());
        }
        for (std::int64_t sid : {sidA, sidB}) {
            HttpReply one = carrier.http().get("/deliveries?foreign_order_id=" + str(id) + "&foreign_shipment_id=" + str(sid), carrier.client());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(one.body, 200, one.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(one.body, std::int64_t(1), totalOf(one));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(one.body, trackingOf.at(sid), itemsOf(one)->getObject(0)->getValue<std::string>("tracking_number"));
        }

        // Two ticks: A's delivery (one step ahead) is DELIVERED, B's in route. A's shipment is
        // DELIVERED, B's still DISPATCHED, and so is the order.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(carrier));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(carrier));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), deliveryOf(carrier, tnA)->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ROUTE_OF_DELIVERY"), deliveryOf(carrier, tnB)->getValue<std::string>("status"));
        order = waitForOrder(two, id, "A's shipment did not become DELIVERED", [&](const Obj& o) {
            return shipmentStatus(o, m.storeA) == "DELIVERED" && shipmentDeliveryStatus(o, m.storeB) == "IN_ROUTE_OF_DELIVERY";
        });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DELIVERED"), shipmentDeliveryStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), order->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("null"), deliveryText(order));
        CPPUNIT_ASSERT_EQUAL(tnA, shipmentDelivery(order, m.storeA)->getValue<std::string>("tracking_number"));
        CPPUNIT_ASSERT_EQUAL(tnB, shipmentDelivery(order, m.storeB)->getValue<std::string>("tracking_number"));

        // One more tick delivers B's: every shipment is DELIVERED, so is the order.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(carrier));
        order = waitForOrder(two, id, "the order did not become DELIVERED",
                             [](const Obj& o) { return o->getValue<std::string>("status") == "DELIVERED"; });
        for (std::int64_t store : {m.storeA, m.storeB}) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DELIVERED"), shipmentStatus(order, store));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DELIVERED"), shipmentDeliveryStatus(order, store));
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("null"), deliveryText(order));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), deliveryOf(carrier, tnB)->getValue<std::string>("status"));

        // Still two deliveries, nothing dead on either side.
        HttpReply all = carrier.http().get("/deliveries?limit=500", carrier.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, std::int64_t(2), totalOf(all));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), deadJobs(shop.http(), shop.admin()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), deadJobs(carrier.http(), carrier.admin()));
    }

    void sellerCannotMoveTheOtherShipment()
    {
        EcommerceService shop;
        Market m = makeMarket(shop);
        const Obj created = buy(shop, {{m.productA, 2}, {m.productB, 3}});
        const std::int64_t id = created->getValue<std::int64_t>("id");
        const std::int64_t sidA = shipmentId(created, m.storeA), sidB = shipmentId(created, m.storeB);
        const std::int64_t otherOrderSid = shipmentId(buy(shop, {{m.productB, 1}}), m.storeB); // a shipment of another order
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), stockOf(shop, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), stockOf(shop, m.productB));

        // Seller A may not move B's shipment, to any status: 403, nothing changes.
        std::string before = snapshot(shop);
        for (const std::string to : {"CONFIRMED", "DISPATCHED", "CANCELLED"})
            expectRefused(shop, "seller A moves B's shipment to " + to, 403, moveShipment(shop, id, sidB, to, shop.seller()), before);
        // ... nor seller B A's.
        expectRefused(shop, "seller B moves A's shipment", 403, moveShipment(shop, id, sidA, "CONFIRMED", m.sellerB), before);

        // An unknown shipment of the order is 404, also the shipment of another order.
        for (std::int64_t unknown : {sidB + 1000, otherOrderSid})
            for (const std::string& token : {shop.seller(), m.sellerB, shop.admin()})
                expectRefused(shop, "shipment " + str(unknown), 404, moveShipment(shop, id, unknown, "CONFIRMED", token), before);

        // Seller B moves B's shipment: 200, only that one moves.
        HttpReply moved = moveShipment(shop, id, sidB, "CONFIRMED", m.sellerB);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 200, moved.status);
        Obj order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), shipmentStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CONFIRMED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), order->getValue<std::string>("status"));

        // The buyer cannot cancel one shipment (they cancel the whole order): 403, nothing changes.
        before = snapshot(shop);
        expectRefused(shop, "buyer cancels A's (CREATED) shipment", 403, moveShipment(shop, id, sidA, "CANCELLED", shop.buyer()), before);
        expectRefused(shop, "buyer cancels B's (CONFIRMED) shipment", 403, moveShipment(shop, id, sidB, "CANCELLED", shop.buyer()), before);

        // The admin cancels B's CONFIRMED shipment: only its lines' stock comes back.
        HttpReply cancelled = moveShipment(shop, id, sidB, "CANCELLED", shop.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), stockOf(shop, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), stockOf(shop, m.productB)); // 3 back; the other order keeps its 1
        order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), shipmentStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CANCELLED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), order->getValue<std::string>("status"));

        // The cancelled shipment no longer counts: confirming A's makes the order CONFIRMED.
        HttpReply confirmA = moveShipment(shop, id, sidA, "CONFIRMED", shop.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(confirmA.body, 200, confirmA.status);
        order = orderOf(shop, id);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CONFIRMED"), order->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CANCELLED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), stockOf(shop, m.productA));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), stockOf(shop, m.productB));
    }

    void sellerViews()
    {
        EcommerceService shop;
        const auto& http = shop.http();
        Market m = makeMarket(shop);
        const Obj created = buy(shop, {{m.productA, 1}, {m.productB, 2}});
        const std::int64_t id = created->getValue<std::int64_t>("id");
        const std::int64_t sidA = shipmentId(created, m.storeA), sidB = shipmentId(created, m.storeB);
        const std::int64_t onlyB = buy(shop, {{m.productB, 1}})->getValue<std::int64_t>("id");

        // Each seller sees the order through their own shipment only: their lines, their shipment.
        const std::vector<std::tuple<std::string, std::string, std::int64_t, std::int64_t, std::int64_t>> sellers{
            {"seller A", shop.seller(), m.storeA, m.productA, sidA}, {"seller B", m.sellerB, m.storeB, m.productB, sidB}};
        for (const auto& [name, token, store, product, sid] : sellers) {
            HttpReply list = http.get("/orders?limit=500", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(list.body, 200, list.status);
            Obj listed = inList(list, id);
            CPPUNIT_ASSERT_MESSAGE(name + " does not list the order: " + list.body, !listed.isNull());
            for (const Obj& order : {orderOf(shop, id, token), listed}) {
                const std::string what = name + ": " + jsonText(*order);
                CPPUNIT_ASSERT_MESSAGE(what, lineProducts(order->getArray("products")) == std::vector<std::int64_t>{product});
                expectLinesOfStore(order->getArray("products"), store, what);
                expectShipments(order, {{store, {product}}});
                CPPUNIT_ASSERT_EQUAL_MESSAGE(what, sid, shipmentId(order, store));
            }
            HttpReply lines = http.get("/orders/" + str(id) + "/products", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(lines.body, 200, lines.status);
            CPPUNIT_ASSERT_MESSAGE(name + ": " + lines.body, lineProducts(itemsOf(lines)) == std::vector<std::int64_t>{product});
            // Their shipment's events only.
            HttpReply events = http.get("/orders/" + str(id) + "/events", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(events.body, 200, events.status);
            Arr items = itemsOf(events);
            CPPUNIT_ASSERT_MESSAGE(name + ": " + events.body, items->size() > 0);
            for (std::size_t i = 0; i < items->size(); ++i) {
                Obj e = items->getObject(static_cast<unsigned>(i));
                CPPUNIT_ASSERT_MESSAGE(name + ": " + events.body, !e->isNull("shipment_id") && e->getValue<std::int64_t>("shipment_id") == sid);
            }
        }
        // The order of B's store only: seller A neither lists nor reads it; seller B does.
        CPPUNIT_ASSERT_MESSAGE("seller A lists an order of B's store only", inList(http.get("/orders?limit=500", shop.seller()), onlyB).isNull());
        CPPUNIT_ASSERT_EQUAL(404, http.get("/orders/" + str(onlyB), shop.seller()).status);
        CPPUNIT_ASSERT_MESSAGE("seller B does not list its order", !inList(http.get("/orders?limit=500", m.sellerB), onlyB).isNull());

        // The buyer and the admin see both shipments and all lines, in the order and in lists.
        for (const std::string& token : {shop.buyer(), shop.admin()}) {
            HttpReply list = http.get("/orders?limit=500", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(list.body, 200, list.status);
            Obj listed = inList(list, id);
            CPPUNIT_ASSERT_MESSAGE(list.body, !listed.isNull());
            for (const Obj& order : {orderOf(shop, id, token), listed}) {
                CPPUNIT_ASSERT_MESSAGE(jsonText(*order),
                                       lineProducts(order->getArray("products")) == (std::vector<std::int64_t>{m.productA, m.productB}));
                expectShipments(order, {{m.storeA, {m.productA}}, {m.storeB, {m.productB}}});
                CPPUNIT_ASSERT_EQUAL(sidA, shipmentId(order, m.storeA));
                CPPUNIT_ASSERT_EQUAL(sidB, shipmentId(order, m.storeB));
            }
            HttpReply events = http.get("/orders/" + str(id) + "/events", token);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(events.body, 200, events.status);
            std::set<std::int64_t> shipmentsOfEvents;
            Arr items = itemsOf(events);
            for (std::size_t i = 0; i < items->size(); ++i)
                if (!items->getObject(static_cast<unsigned>(i))->isNull("shipment_id"))
                    shipmentsOfEvents.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("shipment_id"));
            CPPUNIT_ASSERT_MESSAGE(events.body, (shipmentsOfEvents == std::set<std::int64_t>{sidA, sidB}));
        }
    }

    void cancelRules()
    {
        EcommerceService shop;
        const auto& http = shop.http();
        Market m = makeMarket(shop);
        const auto expectStock = [&](std::int64_t a, std::int64_t b) {
            CPPUNIT_ASSERT_EQUAL(a, stockOf(shop, m.productA));
            CPPUNIT_ASSERT_EQUAL(b, stockOf(shop, m.productB));
        };
        const auto expectAllCancelled = [&](std::int64_t id) {
            Obj order = orderOf(shop, id);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CANCELLED"), order->getValue<std::string>("status"));
            for (std::int64_t store : {m.storeA, m.storeB})
                CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CANCELLED"), shipmentStatus(order, store));
        };

        // Both shipments CREATED: the buyer cancels the whole order, all stock comes back.
        const std::int64_t first = buy(shop, {{m.productA, 2}, {m.productB, 3}})->getValue<std::int64_t>("id");
        expectStock(8, 7);
        HttpReply cancelled = http.del("/orders/" + str(first), shop.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(cancelled));
        expectAllCancelled(first);
        expectStock(10, 10);

        // One shipment CONFIRMED: the buyer's cancel is 403 (DELETE and PUT) and nothing changes;
        // the admin cancels it, all stock comes back.
        const Obj second = buy(shop, {{m.productA, 2}, {m.productB, 3}});
        const std::int64_t secondId = second->getValue<std::int64_t>("id");
        HttpReply confirmed = moveShipment(shop, secondId, shipmentId(second, m.storeA), "CONFIRMED", shop.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(confirmed.body, 200, confirmed.status);
        std::string before = snapshot(shop);
        expectRefused(shop, "buyer DELETE with a CONFIRMED shipment", 403, http.del("/orders/" + str(secondId), shop.buyer()), before);
        expectRefused(shop, "buyer PUT CANCELLED with a CONFIRMED shipment", 403,
                      http.put("/orders/" + str(secondId), statusBody("CANCELLED"), shop.buyer()), before);
        expectStock(8, 7);
        cancelled = http.del("/orders/" + str(secondId), shop.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cancelled.body, 200, cancelled.status);
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(cancelled));
        expectAllCancelled(secondId);
        expectStock(10, 10);

        // One shipment DISPATCHED: the whole order cannot be cancelled (409, by anyone who may cancel), nothing changes.
        const Obj third = buy(shop, {{m.productA, 2}, {m.productB, 3}});
        const std::int64_t thirdId = third->getValue<std::int64_t>("id");
        for (const std::string to : {"CONFIRMED", "DISPATCHED"}) {
            HttpReply r = moveShipment(shop, thirdId, shipmentId(third, m.storeA), to, shop.seller());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        }
        before = snapshot(shop);
        expectRefused(shop, "admin DELETE with a DISPATCHED shipment", 409, http.del("/orders/" + str(thirdId), shop.admin()), before);
        expectRefused(shop, "admin PUT CANCELLED with a DISPATCHED shipment", 409,
                      http.put("/orders/" + str(thirdId), statusBody("CANCELLED"), shop.admin()), before);
        expectRefused(shop, "buyer DELETE with a DISPATCHED shipment", 409, http.del("/orders/" + str(thirdId), shop.buyer()), before);
        Obj order = orderOf(shop, thirdId);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("DISPATCHED"), shipmentStatus(order, m.storeA));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), shipmentStatus(order, m.storeB));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*order), std::string("CREATED"), order->getValue<std::string>("status"));
        expectStock(8, 7);
    }

    void singleStoreOrderReadsAsBefore()
    {
        TwoServices two;
        two.startDelivery(kManualTicks);
        two.startEcommerce();
        EcommerceService& shop = two.ecommerce();
        DeliveryService& carrier = two.delivery();
        waitForSubscription(two);
        Market m = makeMarket(shop);
        const Obj created = buy(shop, {{m.productA, 2}});
        const std::int64_t id = created->getValue<std::int64_t>("id");

        // One shipment; every reader sees the order's status and delivery equal to the shipment's.
        const auto expectAsShipment = [&](const Obj& order, const std::string& status, const std::string& who) {
            const std::string what = who + ": " + jsonText(*order);
            expectShipments(order, {{m.storeA, {m.productA}}});
            const Obj s = shipment(order, m.storeA);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, status, order->getValue<std::string>("status"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, status, s->getValue<std::string>("status"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, deliveryText(s), deliveryText(order));
        };
        const auto expectEveryView = [&](const std::string& status) {
            for (const auto& [who, token] : std::vector<std::pair<std::string, std::string>>{
                     {"admin", shop.admin()}, {"buyer", shop.buyer()}, {"seller", shop.seller()}, {"delivery service", shop.deliveryService()}})
                expectAsShipment(orderOf(shop, id, token), status, who);
        };
        expectAsShipment(created, "CREATED", "created");
        expectEveryView("CREATED");
        CPPUNIT_ASSERT_EQUAL(std::string("null"), deliveryText(orderOf(shop, id)));
        moveOrder(shop, id, "CONFIRMED", shop.seller());
        expectEveryView("CONFIRMED");
        moveOrder(shop, id, "DISPATCHED", shop.seller());
        expectEveryView("DISPATCHED");

        // The delivery recorded on the shipment is the order's delivery, at every step of it.
        Obj order = waitForOrder(two, id, "the order got no delivery", [&](const Obj& o) { return !o->isNull("delivery"); });
        expectAsShipment(order, "DISPATCHED", "admin");
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), order->getObject("delivery")->getValue<std::string>("status"));
        const std::string tn = order->getObject("delivery")->getValue<std::string>("tracking_number");
        expectEveryView("DISPATCHED");
        for (const std::string next : {"IN_ORIGIN", "IN_ROUTE_OF_DELIVERY", "DELIVERED"}) {
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(carrier));
            order = waitForOrder(two, id, "the delivery did not reach " + next,
                                 [&](const Obj& o) { return shipmentDeliveryStatus(o, m.storeA) == next; });
            const std::string status = next == "DELIVERED" ? "DELIVERED" : "DISPATCHED";
            expectAsShipment(order, status, "admin");
            CPPUNIT_ASSERT_EQUAL(tn, order->getObject("delivery")->getValue<std::string>("tracking_number"));
            CPPUNIT_ASSERT_EQUAL(next, order->getObject("delivery")->getValue<std::string>("status"));
            expectEveryView(status);
        }

        // One delivery, of the order's one shipment.
        HttpReply all = carrier.http().get("/deliveries?limit=500", carrier.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(all.body, std::int64_t(1), totalOf(all));
        Obj d = itemsOf(all)->getObject(0);
        CPPUNIT_ASSERT_EQUAL(tn, d->getValue<std::string>("tracking_number"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(jsonText(*d), shipmentId(created, m.storeA), d->getObject("order")->getValue<std::int64_t>("foreign_shipment_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("7 Harbour Rd"), d->getObject("origin")->getValue<std::string>("address"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceShipmentsAcceptanceTest, "acceptance");
