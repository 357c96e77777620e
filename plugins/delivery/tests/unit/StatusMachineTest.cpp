// The delivery status machine of API.md §3, the event format and tracking numbers.
#include "domain/Events.h"
#include "domain/StatusMachine.h"
#include "domain/TrackingNumber.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Random.h>

#include <cppunit/extensions/HelperMacros.h>

#include <set>

using namespace mercato::delivery;

class StatusMachineTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusMachineTest);
    CPPUNIT_TEST(everyTransitionOfATick);
    CPPUNIT_TEST(finalStatesNeverMove);
    CPPUNIT_TEST(inRouteBranchFollowsTheProbability);
    CPPUNIT_TEST(onlyReadyForPickUpIsEditable);
    CPPUNIT_TEST(statusNamesRoundTrip);
    CPPUNIT_TEST(eventBodyHasTheContractFields);
    CPPUNIT_TEST(trackingNumbersAreRandomAndWellFormed);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyTransitionOfATick()
    {
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::ReadyForPickUp, 0.9, 0.5) == DeliveryStatus::InOrigin);
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::InOrigin, 0.9, 0.5) == DeliveryStatus::InRouteOfDelivery);
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::InRouteOfDelivery, 0.1, 0.5) == DeliveryStatus::Delivered);
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::InRouteOfDelivery, 0.6, 0.5) == DeliveryStatus::NotDelivered);
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::NotDelivered, 0.1, 0.5) == DeliveryStatus::InRouteOfDelivery);
    }

    void finalStatesNeverMove()
    {
        for (double roll : {0.0, 0.5, 0.999}) {
            CPPUNIT_ASSERT(!nextOnTick(DeliveryStatus::Delivered, roll, 0.5));
            CPPUNIT_ASSERT(!nextOnTick(DeliveryStatus::Cancelled, roll, 0.5));
        }
        CPPUNIT_ASSERT(!isActive(DeliveryStatus::Delivered));
        CPPUNIT_ASSERT(!isActive(DeliveryStatus::Cancelled));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), activeStatuses().size());
        for (auto s : activeStatuses())
            CPPUNIT_ASSERT(isActive(s));
    }

    void inRouteBranchFollowsTheProbability()
    {
        // Probability 1 always delivers, 0 never; with a seeded source 0.5 gives about half.
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::InRouteOfDelivery, 0.999999, 1.0) == DeliveryStatus::Delivered);
        CPPUNIT_ASSERT(nextOnTick(DeliveryStatus::InRouteOfDelivery, 0.0, 0.0) == DeliveryStatus::NotDelivered);
        Poco::Random random;
        random.seed(42);
        int delivered = 0;
        for (int i = 0; i < 10'000; ++i)
            delivered += nextOnTick(DeliveryStatus::InRouteOfDelivery, random.nextDouble(), 0.5) == DeliveryStatus::Delivered;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(delivered), delivered > 4'700 && delivered < 5'300);
        // The same seed gives the same sequence: ticks are reproducible in tests.
        Poco::Random a, b;
        a.seed(7);
        b.seed(7);
        for (int i = 0; i < 100; ++i)
            CPPUNIT_ASSERT_EQUAL(a.nextDouble(), b.nextDouble());
    }

    void onlyReadyForPickUpIsEditable()
    {
        CPPUNIT_ASSERT(canEditOrCancel(DeliveryStatus::ReadyForPickUp));
        for (auto s : {DeliveryStatus::InOrigin, DeliveryStatus::InRouteOfDelivery, DeliveryStatus::Delivered,
                       DeliveryStatus::NotDelivered, DeliveryStatus::Cancelled})
            CPPUNIT_ASSERT(!canEditOrCancel(s));
    }

    void statusNamesRoundTrip()
    {
        for (auto s : {DeliveryStatus::ReadyForPickUp, DeliveryStatus::InOrigin, DeliveryStatus::InRouteOfDelivery,
                       DeliveryStatus::Delivered, DeliveryStatus::NotDelivered, DeliveryStatus::Cancelled})
            CPPUNIT_ASSERT(parseDeliveryStatus(toString(s)) == s);
        CPPUNIT_ASSERT(!parseDeliveryStatus("delivered"));
        CPPUNIT_ASSERT(!parseDeliveryStatus(""));
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), std::string(toString(DeliveryStatus::ReadyForPickUp)));
    }

    void eventBodyHasTheContractFields()
    {
        StatusChange c{eventId("ABCDEFGHIJKL", 2), 5, "ABCDEFGHIJKL", 77, 3, 2, DeliveryStatus::InOrigin,
                       DeliveryStatus::ReadyForPickUp, "2026-12-01 10:00:00"};
        CPPUNIT_ASSERT_EQUAL(std::string("evt_ABCDEFGHIJKL_2"), c.eventId);
        Poco::JSON::Parser parser;
        auto event = parser.parse(eventBody(c)).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("evt_ABCDEFGHIJKL_2"), event->getValue<std::string>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("delivery.status_changed"), event->getValue<std::string>("type"));
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01 10:00:00"), event->getValue<std::string>("created_at"));
        auto data = event->getObject("data");
        CPPUNIT_ASSERT_EQUAL(std::string("ABCDEFGHIJKL"), data->getValue<std::string>("tracking_number"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(77), data->getValue<Poco::Int64>("foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), data->getValue<std::string>("status"));
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), data->getValue<std::string>("previous_status"));
        CPPUNIT_ASSERT_EQUAL(2, data->getValue<int>("sequence"));

        c.previousStatus.reset();
        data = parser.parse(eventBody(c)).extract<Poco::JSON::Object::Ptr>()->getObject("data");
        CPPUNIT_ASSERT(data->has("previous_status"));
        CPPUNIT_ASSERT(data->isNull("previous_status"));

        auto payload = parser.parse(webhookMessagePayload(9, 5, 2)).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(9), payload->getValue<Poco::Int64>("subscription_id"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(5), payload->getValue<Poco::Int64>("delivery_id"));
        CPPUNIT_ASSERT_EQUAL(2, payload->getValue<int>("sequence"));
        CPPUNIT_ASSERT(wantsStatusChanges({"delivery.status_changed"}));
        CPPUNIT_ASSERT(!wantsStatusChanges({}));
    }

    void trackingNumbersAreRandomAndWellFormed()
    {
        std::set<std::string> seen;
        for (int i = 0; i < 2'000; ++i) {
            const std::string tn = newTrackingNumber();
            CPPUNIT_ASSERT_MESSAGE(tn, isTrackingNumber(tn));
            seen.insert(tn);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(2'000), seen.size());
        CPPUNIT_ASSERT(!isTrackingNumber("abcdefghijkl"));
        CPPUNIT_ASSERT(!isTrackingNumber("ABCDEFGHIJK"));
        CPPUNIT_ASSERT(!isTrackingNumber("ABCDEFGHIJKLM"));
        CPPUNIT_ASSERT(!isTrackingNumber("ABCDEF-HIJKL"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(StatusMachineTest, "unit");
