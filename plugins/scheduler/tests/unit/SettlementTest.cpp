// The retry policy's schedule (API.md §3.3: 5 s, 30 s, 2 min, 10 min, 1 h, then every 6 h up to 3
// days) and what becomes of a job after each kind of attempt.
#include "domain/Settlement.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato;
using namespace mercato::scheduler;

class SettlementTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SettlementTest);
    CPPUNIT_TEST(defaultScheduleIsTheWebhookSchedule);
    CPPUNIT_TEST(giveUpAfterTheAgeLimit);
    CPPUNIT_TEST(maxAttemptsEndsTheJob);
    CPPUNIT_TEST(outcomesOfEachResult);
    CPPUNIT_TEST(parsesDelays);
    CPPUNIT_TEST_SUITE_END();

public:
    void defaultScheduleIsTheWebhookSchedule()
    {
        sdk::RetryPolicy p;
        const std::int64_t expected[] = {5, 30, 120, 600, 3600, 21600, 21600};
        std::int64_t age = 0;
        for (int failures = 1; failures <= 7; ++failures) {
            auto d = p.nextDelay(failures, age);
            CPPUNIT_ASSERT(d.has_value());
            CPPUNIT_ASSERT_EQUAL(expected[failures - 1], *d);
            age += *d;
        }
    }

    void giveUpAfterTheAgeLimit()
    {
        sdk::RetryPolicy p; // 3 days
        CPPUNIT_ASSERT(p.nextDelay(12, 3 * 86400 - 21600).has_value());
        CPPUNIT_ASSERT(!p.nextDelay(12, 3 * 86400 - 21599).has_value());
        // Count the attempts over three days: 5 scheduled, then every 6 h.
        int attempts = 1;
        std::int64_t age = 0;
        while (auto d = p.nextDelay(attempts, age)) {
            age += *d;
            ++attempts;
        }
        CPPUNIT_ASSERT(age <= 3 * 86400);
        CPPUNIT_ASSERT_EQUAL(17, attempts); // 1 + 5 scheduled + 11 six-hourly retries within 3 days
    }

    void maxAttemptsEndsTheJob()
    {
        sdk::RetryPolicy p;
        p.delays = {1};
        p.repeatEvery = 2;
        p.maxAttempts = 3;
        p.giveUpAfter = 0;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), *p.nextDelay(1, 0));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), *p.nextDelay(2, 1'000'000));
        CPPUNIT_ASSERT(!p.nextDelay(3, 0));
    }

    void outcomesOfEachResult()
    {
        sdk::RetryPolicy p;
        Settlement done = settle(sdk::JobResult::done(), 1, 0, p);
        CPPUNIT_ASSERT(done.kind == Settlement::Kind::Done);
        Settlement retry = settle(sdk::JobResult::retry("HTTP 503"), 2, 10, p);
        CPPUNIT_ASSERT(retry.kind == Settlement::Kind::Retry);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(30), retry.delaySeconds);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP 503"), retry.error);
        Settlement fail = settle(sdk::JobResult::fail("HTTP 400: bad origin"), 1, 0, p);
        CPPUNIT_ASSERT(fail.kind == Settlement::Kind::Dead);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP 400: bad origin"), fail.error);
        Settlement exhausted = settle(sdk::JobResult::retry("timeout"), 17, 3 * 86400, p);
        CPPUNIT_ASSERT(exhausted.kind == Settlement::Kind::Dead);
        CPPUNIT_ASSERT(exhausted.error.find("gave up after 17 attempts: timeout") != std::string::npos);
        Settlement deferred = settle(sdk::JobResult::defer(3), 1, 0, p);
        CPPUNIT_ASSERT(deferred.kind == Settlement::Kind::Defer);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), deferred.delaySeconds);
    }

    void parsesDelays()
    {
        CPPUNIT_ASSERT(sdk::RetryPolicy::parseDelays(" 5, 30 ,120") == std::vector<std::int64_t>({5, 30, 120}));
        CPPUNIT_ASSERT_THROW(sdk::RetryPolicy::parseDelays("5,0"), std::invalid_argument);
        CPPUNIT_ASSERT_THROW(sdk::RetryPolicy::parseDelays("5,x"), std::invalid_argument);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SettlementTest, "unit");
