// The group of a webhook job (the per-endpoint bound counts sends per subscription) from its key
// `subscription:<id>:delivery:<id>`.
#include "jobs/WebhookSender.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato;
using namespace mercato::delivery;

class WebhookSenderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WebhookSenderTest);
    CPPUNIT_TEST(groupIsTheSubscription);
    CPPUNIT_TEST_SUITE_END();

public:
    void groupIsTheSubscription()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("12"), WebhookSender::subscriptionOf("subscription:12:delivery:7"));
        CPPUNIT_ASSERT_EQUAL(std::string("12"), WebhookSender::subscriptionOf("subscription:12"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), WebhookSender::subscriptionOf("order:12"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(WebhookSenderTest, "unit");
