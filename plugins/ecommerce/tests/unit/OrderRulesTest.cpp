// The order status machine of API.md §2, transition by transition and role by role.
#include "domain/OrderRules.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::ecommerce;

namespace {

using S = OrderStatus;
using V = TransitionVerdict;

const std::vector<Actor> kActors{Actor::Admin, Actor::Seller, Actor::Buyer, Actor::DeliveryService, Actor::Other};
const std::vector<S> kStatuses{S::Created, S::Confirmed, S::Dispatched, S::Delivered, S::Cancelled};

} // namespace

class OrderRulesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OrderRulesTest);
    CPPUNIT_TEST(statusNamesRoundTrip);
    CPPUNIT_TEST(rolesMapToActors);
    CPPUNIT_TEST(everyAllowedTransition);
    CPPUNIT_TEST(roleIsCheckedBeforeTheTransitionExists);
    CPPUNIT_TEST(missingTransitionsAreConflicts);
    CPPUNIT_TEST(buyerMayCancelOnlyCreated);
    CPPUNIT_TEST(emptyOrderCannotBeConfirmed);
    CPPUNIT_TEST(deliveredTwiceIsANoOp);
    CPPUNIT_TEST(nothingLeadsBackToCreated);
    CPPUNIT_TEST_SUITE_END();

public:
    void statusNamesRoundTrip()
    {
        for (S s : kStatuses)
            CPPUNIT_ASSERT(parseOrderStatus(toString(s)) == s);
        CPPUNIT_ASSERT(!parseOrderStatus("created"));
        CPPUNIT_ASSERT(!parseOrderStatus("FOO"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), orderStatusNames().size());
    }

    void rolesMapToActors()
    {
        CPPUNIT_ASSERT(actorOf("MARKETPLACE_ADMIN") == Actor::Admin);
        CPPUNIT_ASSERT(actorOf("SELLER") == Actor::Seller);
        CPPUNIT_ASSERT(actorOf("MARKETPLACE_USER") == Actor::Buyer);
        CPPUNIT_ASSERT(actorOf("DELIVERY_SERVICE") == Actor::DeliveryService);
        CPPUNIT_ASSERT(actorOf("seller") == Actor::Other);
    }

    void everyAllowedTransition()
    {
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Created, S::Confirmed, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Created, S::Confirmed, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Confirmed, S::Dispatched, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Confirmed, S::Dispatched, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::DeliveryService, S::Dispatched, S::Delivered, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, S::Created, S::Cancelled, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Created, S::Cancelled, false) == V::Allowed);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Confirmed, S::Cancelled, false) == V::Allowed);
        // Cancelling an empty order is fine.
        CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, S::Created, S::Cancelled, true) == V::Allowed);
    }

    void roleIsCheckedBeforeTheTransitionExists()
    {
        // Roles that may never move an order into the target: 403 whatever the current status.
        for (S from : kStatuses) {
            CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, from, S::Confirmed, false) == V::Forbidden);
            CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, from, S::Dispatched, false) == V::Forbidden);
            CPPUNIT_ASSERT(judgeTransition(Actor::Seller, from, S::Delivered, false) == V::Forbidden);
            CPPUNIT_ASSERT(judgeTransition(Actor::Admin, from, S::Delivered, false) == V::Forbidden);
            CPPUNIT_ASSERT(judgeTransition(Actor::Seller, from, S::Cancelled, false) == V::Forbidden);
            CPPUNIT_ASSERT(judgeTransition(Actor::DeliveryService, from, S::Cancelled, false) == V::Forbidden);
            CPPUNIT_ASSERT(judgeTransition(Actor::DeliveryService, from, S::Confirmed, false) == V::Forbidden);
            for (S to : {S::Confirmed, S::Dispatched, S::Delivered, S::Cancelled})
                CPPUNIT_ASSERT(judgeTransition(Actor::Other, from, to, false) == V::Forbidden);
        }
    }

    void missingTransitionsAreConflicts()
    {
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Created, S::Dispatched, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Confirmed, S::Confirmed, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Cancelled, S::Confirmed, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Dispatched, S::Cancelled, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Delivered, S::Cancelled, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Cancelled, S::Cancelled, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::DeliveryService, S::Confirmed, S::Delivered, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::DeliveryService, S::Cancelled, S::Delivered, false) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, S::Dispatched, S::Cancelled, false) == V::Conflict);
    }

    void buyerMayCancelOnlyCreated()
    {
        CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, S::Confirmed, S::Cancelled, false) == V::Forbidden);
        CPPUNIT_ASSERT(judgeTransition(Actor::Buyer, S::Delivered, S::Cancelled, false) == V::Conflict);
    }

    void emptyOrderCannotBeConfirmed()
    {
        CPPUNIT_ASSERT(judgeTransition(Actor::Admin, S::Created, S::Confirmed, true) == V::Conflict);
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Created, S::Confirmed, true) == V::Conflict);
    }

    void deliveredTwiceIsANoOp()
    {
        CPPUNIT_ASSERT(judgeTransition(Actor::DeliveryService, S::Delivered, S::Delivered, false) == V::NoOp);
        CPPUNIT_ASSERT(judgeTransition(Actor::Seller, S::Delivered, S::Delivered, false) == V::Forbidden);
    }

    void nothingLeadsBackToCreated()
    {
        for (Actor a : kActors)
            for (S from : kStatuses)
                CPPUNIT_ASSERT(judgeTransition(a, from, S::Created, false) == V::Conflict);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OrderRulesTest, "unit");
