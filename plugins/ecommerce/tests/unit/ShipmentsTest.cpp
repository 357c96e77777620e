// The rules of shipments (domain/Shipments.h), without stores: an order's status and delivery
// derived from its shipments, the lines and the shipment of a store, and which shipments a status
// change of the order or of one shipment moves, or why none may.
#include "domain/Shipments.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::ecommerce;

namespace {

using S = OrderStatus;
using V = TransitionVerdict;

const std::vector<S> kStatuses{S::Created, S::Confirmed, S::Dispatched, S::Delivered, S::Cancelled};

Shipment shipment(std::int64_t id, std::int64_t storeId, S status)
{
    Shipment s;
    s.id = id;
    s.orderId = 1;
    s.storeId = storeId;
    s.status = status;
    return s;
}

/// Shipments with ids 11, 12, ... of stores 1, 2, ... in the given statuses.
std::vector<Shipment> shipments(const std::vector<S>& statuses)
{
    std::vector<Shipment> all;
    for (std::size_t i = 0; i < statuses.size(); ++i)
        all.push_back(shipment(11 + std::int64_t(i), 1 + std::int64_t(i), statuses[i]));
    return all;
}

OrderLine line(std::int64_t id, std::int64_t storeId)
{
    OrderLine l;
    l.id = id;
    l.orderId = 1;
    l.productId = 100 + id;
    l.storeId = storeId;
    l.quantity = id;
    return l;
}

/// An order (status derived) with one line per shipment, of its store.
Order orderOf(const std::vector<S>& statuses, S whenNone = S::Created)
{
    Order o;
    o.id = 1;
    o.shipments = shipments(statuses);
    for (const auto& s : o.shipments)
        o.lines.push_back(line(s.id * 10, s.storeId));
    o.status = derivedStatus(o.shipments, whenNone);
    return o;
}

std::string moves(const MovePlan& plan)
{
    std::string text;
    for (const auto& m : plan.moves)
        text += (text.empty() ? "" : " ") + std::to_string(m.shipmentId) + ":" + toString(m.from) + ">" + toString(m.to);
    return text.empty() ? "none" : text;
}

} // namespace

class ShipmentsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ShipmentsTest);
    CPPUNIT_TEST(theOrderIsAsFarAsItsLeastAdvancedLiveShipment);
    CPPUNIT_TEST(cancelledShipmentsDoNotCount);
    CPPUNIT_TEST(anOrderWithoutShipmentsKeepsItsStatus);
    CPPUNIT_TEST(onlyASingleShipmentsDeliveryIsTheOrders);
    CPPUNIT_TEST(linesOfAShipmentAreItsStoresInLineOrder);
    CPPUNIT_TEST(theShipmentOfAStore);
    CPPUNIT_TEST(cancellingAnOrderIsAllOrNothing);
    CPPUNIT_TEST(aBuyerCancelsOnlyWhileEveryShipmentIsCreated);
    CPPUNIT_TEST(anOrderMoveMovesOnlyTheShipmentsThatMay);
    CPPUNIT_TEST(alreadyThereEverywhereIsANoOp);
    CPPUNIT_TEST(noneMayMoveRefusesWithTheFirstVerdict);
    CPPUNIT_TEST(anAllCancelledOrderIsJudgedAsCancelled);
    CPPUNIT_TEST(anEmptyOrderIsJudgedAsTheOrder);
    CPPUNIT_TEST(aSellerMovesOnlyShipmentsTheySell);
    CPPUNIT_TEST(onlyAnAdminCancelsOneShipment);
    CPPUNIT_TEST(oneShipmentFollowsTheStatusMachine);
    CPPUNIT_TEST_SUITE_END();

public:
    // ---------------------------------------------------------------- derived status and delivery

    void theOrderIsAsFarAsItsLeastAdvancedLiveShipment()
    {
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Created}), S::Confirmed) == S::Created);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Delivered}), S::Created) == S::Delivered);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Dispatched, S::Confirmed}), S::Delivered) == S::Confirmed);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Confirmed, S::Dispatched}), S::Delivered) == S::Confirmed);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Delivered, S::Created, S::Dispatched}), S::Delivered) == S::Created);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Delivered, S::Dispatched}), S::Created) == S::Dispatched);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Delivered, S::Delivered}), S::Created) == S::Delivered);
        // Every pair: the less advanced of the two (CREATED < CONFIRMED < DISPATCHED < DELIVERED).
        const std::vector<S> live{S::Created, S::Confirmed, S::Dispatched, S::Delivered};
        for (std::size_t a = 0; a < live.size(); ++a)
            for (std::size_t b = 0; b < live.size(); ++b)
                CPPUNIT_ASSERT(derivedStatus(shipments({live[a], live[b]}), S::Cancelled) == live[std::min(a, b)]);
    }

    void cancelledShipmentsDoNotCount()
    {
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Cancelled, S::Dispatched}), S::Created) == S::Dispatched);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Delivered, S::Cancelled}), S::Created) == S::Delivered);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Cancelled, S::Confirmed, S::Cancelled}), S::Created) == S::Confirmed);
        // All cancelled: the order is, whatever `whenNone` says.
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Cancelled}), S::Created) == S::Cancelled);
        CPPUNIT_ASSERT(derivedStatus(shipments({S::Cancelled, S::Cancelled}), S::Confirmed) == S::Cancelled);
    }

    void anOrderWithoutShipmentsKeepsItsStatus()
    {
        for (S s : kStatuses)
            CPPUNIT_ASSERT(derivedStatus({}, s) == s);
    }

    void onlyASingleShipmentsDeliveryIsTheOrders()
    {
        CPPUNIT_ASSERT(!orderDelivery({}));
        std::vector<Shipment> one = shipments({S::Dispatched});
        CPPUNIT_ASSERT(!orderDelivery(one)); // none yet
        one[0].delivery = DeliveryInfo{"TN1", "IN_ORIGIN"};
        const auto d = orderDelivery(one);
        CPPUNIT_ASSERT(d);
        CPPUNIT_ASSERT_EQUAL(std::string("TN1"), d->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), d->status);
        // Several: none, even when only one has a delivery, or all have.
        std::vector<Shipment> two = shipments({S::Dispatched, S::Dispatched});
        two[0].delivery = DeliveryInfo{"TN1", "IN_ORIGIN"};
        CPPUNIT_ASSERT(!orderDelivery(two));
        two[1].delivery = DeliveryInfo{"TN2", "DELIVERED"};
        CPPUNIT_ASSERT(!orderDelivery(two));
    }

    // ---------------------------------------------------------------- lines and stores

    void linesOfAShipmentAreItsStoresInLineOrder()
    {
        Order o;
        o.lines = {line(1, 7), line(2, 8), line(3, 7), line(4, 9)};
        o.shipments = {shipment(11, 7, S::Created), shipment(12, 8, S::Created)};
        const auto ofSeven = linesOf(o, o.shipments[0]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), ofSeven.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), ofSeven[0].id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), ofSeven[1].id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(103), ofSeven[1].productId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), ofSeven[1].quantity);
        const auto ofEight = linesOf(o, o.shipments[1]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), ofEight.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), ofEight[0].id);
        // By store, whatever the shipment's id or status; a store without lines has none.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), linesOf(o, shipment(99, 9, S::Cancelled)).size());
        CPPUNIT_ASSERT(linesOf(o, shipment(11, 5, S::Created)).empty());
    }

    void theShipmentOfAStore()
    {
        Order o;
        o.shipments = {shipment(11, 7, S::Created), shipment(12, 8, S::Confirmed)};
        CPPUNIT_ASSERT(shipmentOfStore(o, 7) == &o.shipments[0]);
        CPPUNIT_ASSERT(shipmentOfStore(o, 8) == &o.shipments[1]);
        CPPUNIT_ASSERT(shipmentOfStore(o, 11) == nullptr); // a shipment id is no store id
        CPPUNIT_ASSERT(shipmentOfStore(o, 9) == nullptr);
        CPPUNIT_ASSERT(shipmentOfStore(Order{}, 7) == nullptr);
    }

    // ---------------------------------------------------------------- moving an order

    void cancellingAnOrderIsAllOrNothing()
    {
        // An admin cancels CREATED and CONFIRMED shipments, all of them at once ...
        MovePlan plan = planOrderMove(Actor::Admin, orderOf({S::Created, S::Confirmed}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("11:CREATED>CANCELLED 12:CONFIRMED>CANCELLED"), moves(plan));
        // ... or none, when one may not move (a DISPATCHED one), wherever it is.
        plan = planOrderMove(Actor::Admin, orderOf({S::Created, S::Dispatched, S::Confirmed}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Dispatched);
        CPPUNIT_ASSERT(plan.moves.empty());
        plan = planOrderMove(Actor::Admin, orderOf({S::Delivered, S::Created}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Delivered);
        CPPUNIT_ASSERT(plan.moves.empty());
        // Cancelled shipments are no longer live: they neither move nor stop the others.
        plan = planOrderMove(Actor::Admin, orderOf({S::Cancelled, S::Confirmed}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("12:CONFIRMED>CANCELLED"), moves(plan));
    }

    void aBuyerCancelsOnlyWhileEveryShipmentIsCreated()
    {
        MovePlan plan = planOrderMove(Actor::Buyer, orderOf({S::Created, S::Created}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("11:CREATED>CANCELLED 12:CREATED>CANCELLED"), moves(plan));
        // One CONFIRMED: not the buyer's to cancel (Forbidden), so nothing is.
        plan = planOrderMove(Actor::Buyer, orderOf({S::Created, S::Confirmed}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Confirmed);
        CPPUNIT_ASSERT(plan.moves.empty());
        // One DISPATCHED: no one's to cancel (Conflict).
        plan = planOrderMove(Actor::Buyer, orderOf({S::Created, S::Dispatched}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Dispatched);
        // Both: the first one's verdict.
        CPPUNIT_ASSERT(planOrderMove(Actor::Buyer, orderOf({S::Dispatched, S::Confirmed}), S::Cancelled).verdict == V::Conflict);
        plan = planOrderMove(Actor::Buyer, orderOf({S::Confirmed, S::Dispatched}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Confirmed);
        // Sellers never cancel.
        plan = planOrderMove(Actor::Seller, orderOf({S::Created}), S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.moves.empty());
    }

    void anOrderMoveMovesOnlyTheShipmentsThatMay()
    {
        // Dispatching moves the CONFIRMED ones and leaves the CREATED one (and the cancelled one).
        MovePlan plan = planOrderMove(Actor::Admin, orderOf({S::Confirmed, S::Created, S::Cancelled, S::Confirmed}), S::Dispatched);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("11:CONFIRMED>DISPATCHED 14:CONFIRMED>DISPATCHED"), moves(plan));
        // Confirming skips a shipment already CONFIRMED (and one already further on).
        plan = planOrderMove(Actor::Seller, orderOf({S::Confirmed, S::Dispatched, S::Created}), S::Confirmed);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("13:CREATED>CONFIRMED"), moves(plan));
        // The delivery service delivers the dispatched ones; a delivered one is already there.
        plan = planOrderMove(Actor::DeliveryService, orderOf({S::Delivered, S::Dispatched}), S::Delivered);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("12:DISPATCHED>DELIVERED"), moves(plan));
    }

    void alreadyThereEverywhereIsANoOp()
    {
        MovePlan plan = planOrderMove(Actor::DeliveryService, orderOf({S::Delivered, S::Delivered}), S::Delivered);
        CPPUNIT_ASSERT(plan.verdict == V::NoOp);
        CPPUNIT_ASSERT(plan.moves.empty());
        plan = planOrderMove(Actor::DeliveryService, orderOf({S::Cancelled, S::Delivered}), S::Delivered);
        CPPUNIT_ASSERT(plan.verdict == V::NoOp);
        CPPUNIT_ASSERT(plan.moves.empty());
        // Not everywhere: a shipment that can neither move nor is there refuses.
        plan = planOrderMove(Actor::DeliveryService, orderOf({S::Delivered, S::Confirmed}), S::Delivered);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Confirmed);
        CPPUNIT_ASSERT(plan.moves.empty());
        // Being there is a no-op only where repeating is harmless: confirming a CONFIRMED order is a conflict.
        plan = planOrderMove(Actor::Admin, orderOf({S::Confirmed, S::Confirmed}), S::Confirmed);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Confirmed);
    }

    void noneMayMoveRefusesWithTheFirstVerdict()
    {
        // Not the actor's to enter at all: Forbidden, judged from the first live shipment.
        MovePlan plan = planOrderMove(Actor::Seller, orderOf({S::Cancelled, S::Dispatched, S::Created}), S::Delivered);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Dispatched);
        CPPUNIT_ASSERT(plan.moves.empty());
        // No such transition from any: Conflict, from the first.
        plan = planOrderMove(Actor::Admin, orderOf({S::Dispatched, S::Delivered}), S::Confirmed);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Dispatched);
        plan = planOrderMove(Actor::Admin, orderOf({S::Delivered, S::Dispatched}), S::Confirmed);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Delivered);
        // Back to CREATED: nobody, ever (Conflict).
        plan = planOrderMove(Actor::Admin, orderOf({S::Confirmed}), S::Created);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.moves.empty());
        // The refusal is of the first that cannot move, not of one that is already there (NoOp).
        plan = planOrderMove(Actor::DeliveryService, orderOf({S::Delivered, S::Created, S::Confirmed}), S::Delivered);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Created);
        // A buyer confirming: Forbidden.
        CPPUNIT_ASSERT(planOrderMove(Actor::Buyer, orderOf({S::Created}), S::Confirmed).verdict == V::Forbidden);
    }

    void anAllCancelledOrderIsJudgedAsCancelled()
    {
        const Order cancelled = orderOf({S::Cancelled, S::Cancelled});
        CPPUNIT_ASSERT(cancelled.status == S::Cancelled);
        MovePlan plan = planOrderMove(Actor::Admin, cancelled, S::Confirmed);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Cancelled);
        CPPUNIT_ASSERT(plan.moves.empty());
        plan = planOrderMove(Actor::Admin, cancelled, S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Cancelled);
        CPPUNIT_ASSERT(planOrderMove(Actor::Buyer, cancelled, S::Confirmed).verdict == V::Forbidden); // the role first
    }

    void anEmptyOrderIsJudgedAsTheOrder()
    {
        Order empty;
        empty.status = S::Created;
        // It cannot be confirmed (Conflict, from CREATED), it can be cancelled: no shipment moves.
        MovePlan plan = planOrderMove(Actor::Admin, empty, S::Confirmed);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Created);
        plan = planOrderMove(Actor::Admin, empty, S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT(plan.moves.empty());
        CPPUNIT_ASSERT(planOrderMove(Actor::Buyer, empty, S::Cancelled).verdict == V::Allowed);
        CPPUNIT_ASSERT(planOrderMove(Actor::Buyer, empty, S::Confirmed).verdict == V::Forbidden);
        CPPUNIT_ASSERT(planOrderMove(Actor::Seller, empty, S::Dispatched).verdict == V::Conflict); // no transition from CREATED
        // By its own status.
        empty.status = S::Confirmed;
        plan = planOrderMove(Actor::Admin, empty, S::Dispatched);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT(plan.moves.empty());
        CPPUNIT_ASSERT(planOrderMove(Actor::Buyer, empty, S::Cancelled).verdict == V::Forbidden);
        empty.status = S::Cancelled;
        plan = planOrderMove(Actor::Admin, empty, S::Cancelled);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Cancelled);
    }

    // ---------------------------------------------------------------- moving one shipment

    void aSellerMovesOnlyShipmentsTheySell()
    {
        const Shipment created = shipment(11, 7, S::Created);
        MovePlan plan = planShipmentMove(Actor::Seller, created, S::Confirmed, true);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("11:CREATED>CONFIRMED"), moves(plan));
        plan = planShipmentMove(Actor::Seller, created, S::Confirmed, false);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.moves.empty());
        // Not selling is said before the transition does not exist.
        CPPUNIT_ASSERT(planShipmentMove(Actor::Seller, created, S::Dispatched, true).verdict == V::Conflict);
        plan = planShipmentMove(Actor::Seller, created, S::Dispatched, false);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Created);
        CPPUNIT_ASSERT(planShipmentMove(Actor::Seller, shipment(11, 7, S::Delivered), S::Confirmed, true).verdict == V::Conflict);
        CPPUNIT_ASSERT(planShipmentMove(Actor::Seller, shipment(11, 7, S::Delivered), S::Confirmed, false).verdict == V::Forbidden);
        // Only sellers are asked whether they sell.
        CPPUNIT_ASSERT(planShipmentMove(Actor::Admin, created, S::Confirmed, false).verdict == V::Allowed);
        CPPUNIT_ASSERT(planShipmentMove(Actor::DeliveryService, shipment(11, 7, S::Dispatched), S::Delivered, false).verdict
                       == V::Allowed);
    }

    void onlyAnAdminCancelsOneShipment()
    {
        // A buyer cancels the whole order, never one shipment, even one they could cancel with it.
        MovePlan plan = planShipmentMove(Actor::Buyer, shipment(11, 7, S::Created), S::Cancelled, true);
        CPPUNIT_ASSERT(plan.verdict == V::Forbidden);
        CPPUNIT_ASSERT(plan.moves.empty());
        CPPUNIT_ASSERT(planShipmentMove(Actor::Buyer, shipment(11, 7, S::Dispatched), S::Cancelled, true).verdict == V::Forbidden);
        CPPUNIT_ASSERT(planShipmentMove(Actor::Seller, shipment(11, 7, S::Created), S::Cancelled, true).verdict == V::Forbidden);
        // An admin cancels a CREATED or a CONFIRMED one, not one that is on its way.
        plan = planShipmentMove(Actor::Admin, shipment(12, 8, S::Confirmed), S::Cancelled, false);
        CPPUNIT_ASSERT(plan.verdict == V::Allowed);
        CPPUNIT_ASSERT_EQUAL(std::string("12:CONFIRMED>CANCELLED"), moves(plan));
        CPPUNIT_ASSERT(planShipmentMove(Actor::Admin, shipment(12, 8, S::Created), S::Cancelled, true).verdict == V::Allowed);
        plan = planShipmentMove(Actor::Admin, shipment(12, 8, S::Dispatched), S::Cancelled, true);
        CPPUNIT_ASSERT(plan.verdict == V::Conflict);
        CPPUNIT_ASSERT(plan.judgedFrom == S::Dispatched);
        CPPUNIT_ASSERT(planShipmentMove(Actor::Admin, shipment(12, 8, S::Cancelled), S::Cancelled, true).verdict == V::Conflict);
    }

    void oneShipmentFollowsTheStatusMachine()
    {
        // Each (actor, from, to) for a shipment its seller sells is what the status machine says
        // (but a buyer's cancel, above).
        const std::vector<Actor> actors{Actor::Admin, Actor::Seller, Actor::Buyer, Actor::DeliveryService, Actor::Other};
        for (Actor actor : actors)
            for (S from : kStatuses)
                for (S to : kStatuses) {
                    if (actor == Actor::Buyer && to == S::Cancelled)
                        continue;
                    const MovePlan plan = planShipmentMove(actor, shipment(11, 7, from), to, true);
                    const V expected = judgeTransition(actor, from, to, false);
                    CPPUNIT_ASSERT(plan.verdict == expected);
                    CPPUNIT_ASSERT(plan.judgedFrom == from);
                    CPPUNIT_ASSERT_EQUAL(expected == V::Allowed ? std::size_t(1) : std::size_t(0), plan.moves.size());
                }
        // DELIVERED again by the delivery service: a no-op, nothing moves.
        const MovePlan again = planShipmentMove(Actor::DeliveryService, shipment(11, 7, S::Delivered), S::Delivered, true);
        CPPUNIT_ASSERT(again.verdict == V::NoOp);
        CPPUNIT_ASSERT(again.moves.empty());
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ShipmentsTest, "unit");
