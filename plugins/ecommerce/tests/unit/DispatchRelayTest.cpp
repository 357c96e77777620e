// The dispatch message → the delivery service's POST /deliveries body, and the idempotency key
// that makes every retry of one order's request the same request.
#include "jobs/DispatchRelay.h"

#include "mercato/sdk/Json.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::ecommerce;

class DispatchRelayTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DispatchRelayTest);
    CPPUNIT_TEST(messageBecomesTheDeliveryRequest);
    CPPUNIT_TEST(idempotencyKeyNamesTheOrder);
    CPPUNIT_TEST(malformedMessageThrows);
    CPPUNIT_TEST(inProgressConflictIsRetried);
    CPPUNIT_TEST_SUITE_END();

public:
    void messageBecomesTheDeliveryRequest()
    {
        const std::string message = R"({"foreign_order_id":7,"origin":{"address":"1 Dock Road"},)"
                                    R"("destination":{"name":"Ada","address":"2 Home Lane"},)"
                                    R"("products":[{"sku":3,"name":"Dune","qty":2}]})";
        auto request = mercato::sdk::parseObject(DispatchRelay::deliveryRequest(message));
        auto order = request->getObject("order");
        CPPUNIT_ASSERT_EQUAL(7, order->getValue<int>("foreign_order_id"));
        auto product = order->getArray("products")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(3, product->getValue<int>("sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Dune"), product->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(2, product->getValue<int>("qty"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), order->getArray("products")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("1 Dock Road"), request->getObject("origin")->getValue<std::string>("address"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ada"), request->getObject("destination")->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("2 Home Lane"), request->getObject("destination")->getValue<std::string>("address"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), request->size()); // order, origin, destination: nothing else
    }

    void idempotencyKeyNamesTheOrder()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("mercato-ecommerce-dispatch-order-7"), DispatchRelay::idempotencyKey("7"));
        CPPUNIT_ASSERT(DispatchRelay::idempotencyKey("7") != DispatchRelay::idempotencyKey("8"));
    }

    void malformedMessageThrows()
    {
        CPPUNIT_ASSERT_THROW(DispatchRelay::deliveryRequest("not json"), std::exception);
        CPPUNIT_ASSERT_THROW(DispatchRelay::deliveryRequest("[]"), std::exception);
        CPPUNIT_ASSERT_THROW(DispatchRelay::deliveryRequest(R"({"foreign_order_id":7})"), std::exception);
    }

    /// The soak found relay jobs dead after "still being processed": an attempt whose outcome the
    /// delivery host could not record (its database restarting) left the key in progress there.
    void inProgressConflictIsRetried()
    {
        const std::string inProgress = R"({"code":"fail","message":"A request with this Idempotency-Key is still being processed; retry later",)"
                                       R"("errors":[{"field":"Idempotency-Key","code":"in_progress","message":"the first request with this key has not finished"}]})";
        CPPUNIT_ASSERT(DispatchRelay::stillInProgress(409, inProgress));
        CPPUNIT_ASSERT(!DispatchRelay::stillInProgress(503, inProgress));
        CPPUNIT_ASSERT(!DispatchRelay::stillInProgress(409, R"({"code":"fail","message":"x","errors":[{"field":"Idempotency-Key","code":"conflict","message":"another request"}]})"));
        CPPUNIT_ASSERT(!DispatchRelay::stillInProgress(409, R"({"code":"fail","message":"x","errors":[]})"));
        CPPUNIT_ASSERT(!DispatchRelay::stillInProgress(409, "not json"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DispatchRelayTest, "unit");
