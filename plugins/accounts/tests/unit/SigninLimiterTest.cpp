#include "domain/SigninLimiter.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

using mercato::accounts::SigninDecision;
using mercato::accounts::SigninLimiter;
using mercato::accounts::SigninLimits;

class SigninLimiterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SigninLimiterTest);
    CPPUNIT_TEST(refusesAfterTheUsernameLimitUntilTheWindowEnds);
    CPPUNIT_TEST(refusedAttemptsAreNotCounted);
    CPPUNIT_TEST(successForgetsTheUsernamesFailures);
    CPPUNIT_TEST(addressLimitSpansUsernames);
    CPPUNIT_TEST(successDoesNotResetTheAddress);
    CPPUNIT_TEST(attemptsInFlightDoNotRefuseEachOther);
    CPPUNIT_TEST(reportsTheTighterRule);
    CPPUNIT_TEST(refusalWaitsForEveryRefusingWindow);
    CPPUNIT_TEST(zeroLimitIsOff);
    CPPUNIT_TEST(trackedKeysAreBounded);
    CPPUNIT_TEST(countsEveryFailureFromManyThreads);
    CPPUNIT_TEST_SUITE_END();

    std::int64_t _now = 1'000'000;

    SigninLimiter limiter(std::int64_t perUsername, std::int64_t usernameWindowMs, std::int64_t perAddress, std::int64_t addressWindowMs,
                          std::size_t maxKeys = 100'000)
    {
        SigninLimits limits;
        limits.perUsername = {perUsername, usernameWindowMs};
        limits.perAddress = {perAddress, addressWindowMs};
        limits.maxTrackedKeys = maxKeys;
        return SigninLimiter(limits, [this] { return _now; });
    }

    static std::string describe(const SigninDecision& d)
    {
        return std::string(d.allowed ? "allowed" : "refused") + " limit=" + std::to_string(d.limit) + " remaining="
               + std::to_string(d.remaining) + " reset=" + std::to_string(d.resetSeconds) + " retry=" + std::to_string(d.retryAfterSeconds);
    }

    static void assertDecision(const SigninDecision& d, bool allowed, std::int64_t limit, std::int64_t remaining, std::int64_t reset)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(d), allowed, d.allowed);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(d), limit, d.limit);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(d), remaining, d.remaining);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(d), reset, d.resetSeconds);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(d), allowed ? std::int64_t(0) : reset, d.retryAfterSeconds);
    }

public:
    void refusesAfterTheUsernameLimitUntilTheWindowEnds()
    {
        SigninLimiter l = limiter(3, 60'000, 0, 0);
        assertDecision(l.check("a@x", "10.0.0.1"), true, 3, 3, 60);
        assertDecision(l.failed("a@x", "10.0.0.1"), true, 3, 2, 60);
        _now += 10'000;
        assertDecision(l.failed("a@x", "10.0.0.2"), true, 3, 1, 50);
        assertDecision(l.failed("a@x", "10.0.0.3"), false, 3, 0, 50);
        assertDecision(l.check("a@x", "10.0.0.4"), false, 3, 0, 50);
        _now += 49'500; // 500 ms left: rounded up to a second
        assertDecision(l.check("a@x", "10.0.0.1"), false, 3, 0, 1);
        assertDecision(l.check("b@x", "10.0.0.1"), true, 3, 3, 60);
        _now += 500; // the window that began with the first failure has ended
        assertDecision(l.check("a@x", "10.0.0.1"), true, 3, 3, 60);
        assertDecision(l.failed("a@x", "10.0.0.1"), true, 3, 2, 60);
    }

    void refusedAttemptsAreNotCounted()
    {
        SigninLimiter l = limiter(1, 10'000, 0, 0);
        l.failed("a@x", "ip");
        for (int i = 0; i < 50; ++i) {
            _now += 100;
            CPPUNIT_ASSERT(!l.check("a@x", "ip").allowed);
        }
        _now = 1'000'000 + 10'000; // refusals did not extend the window
        CPPUNIT_ASSERT(l.check("a@x", "ip").allowed);
    }

    void successForgetsTheUsernamesFailures()
    {
        SigninLimiter l = limiter(3, 60'000, 0, 0);
        l.failed("a@x", "ip");
        l.failed("a@x", "ip");
        l.succeeded("a@x");
        assertDecision(l.failed("a@x", "ip"), true, 3, 2, 60);
        assertDecision(l.failed("a@x", "ip"), true, 3, 1, 60);
        // The forgotten window's end does not cut the new one short.
        l.succeeded("a@x");
        _now += 30'000;
        assertDecision(l.failed("a@x", "ip"), true, 3, 2, 60);
        _now += 30'000;
        assertDecision(l.failed("a@x", "ip"), true, 3, 1, 30);
        assertDecision(l.failed("a@x", "ip"), false, 3, 0, 30);
    }

    void addressLimitSpansUsernames()
    {
        SigninLimiter l = limiter(100, 60'000, 2, 30'000);
        assertDecision(l.failed("a@x", "10.0.0.1"), true, 2, 1, 30);
        assertDecision(l.failed("b@x", "10.0.0.1"), false, 2, 0, 30);
        assertDecision(l.check("c@x", "10.0.0.1"), false, 2, 0, 30);
        assertDecision(l.check("c@x", "10.0.0.2"), true, 2, 2, 30);
        _now += 30'000;
        assertDecision(l.check("c@x", "10.0.0.1"), true, 2, 2, 30);
    }

    void successDoesNotResetTheAddress()
    {
        SigninLimiter l = limiter(100, 60'000, 2, 60'000);
        // An interleaved success of the attacker's own account does not reset the address.
        l.failed("victim@x", "ip");
        l.succeeded("own@x");
        l.succeeded("victim@x"); // even a success of the guessed account itself
        CPPUNIT_ASSERT(l.check("victim@x", "ip").allowed);
        l.failed("other@x", "ip");
        CPPUNIT_ASSERT(!l.check("victim@x", "ip").allowed);
        CPPUNIT_ASSERT(!l.check("own@x", "ip").allowed);
    }

    void attemptsInFlightDoNotRefuseEachOther()
    {
        SigninLimiter l = limiter(1, 60'000, 1, 60'000);
        // Many sign-ins of one user checked at once: none is counted until judged.
        for (int i = 0; i < 20; ++i)
            assertDecision(l.check("a@x", "ip"), true, 1, 1, 60);
        l.succeeded("a@x");
        CPPUNIT_ASSERT(l.check("a@x", "ip").allowed);
    }

    void reportsTheTighterRule()
    {
        SigninLimiter l = limiter(2, 60'000, 5, 10'000);
        assertDecision(l.failed("a@x", "ip"), true, 2, 1, 60); // username 1 left, address 4
        assertDecision(l.failed("b@x", "ip"), true, 2, 1, 60); // username 1, address 3
        assertDecision(l.failed("c@x", "ip"), true, 2, 1, 60); // username 1, address 2
        assertDecision(l.failed("d@x", "ip"), true, 2, 1, 60); // username 1, address 1: a tie reports the username
        assertDecision(l.failed("e@x", "ip"), false, 5, 0, 10); // address used up
        assertDecision(l.check("f@x", "ip2"), true, 2, 2, 60);  // nothing counted yet: the windows a failure would start
    }

    void refusalWaitsForEveryRefusingWindow()
    {
        SigninLimiter l = limiter(1, 60'000, 1, 20'000);
        SigninDecision d = l.failed("a@x", "ip");
        assertDecision(d, false, 1, 0, 60); // both refuse; the username's window ends last
        _now += 20'000;
        assertDecision(l.check("a@x", "ip"), false, 1, 0, 40); // only the username refuses now
        assertDecision(l.check("b@x", "ip"), true, 1, 1, 60);
    }

    void zeroLimitIsOff()
    {
        SigninLimiter l = limiter(0, 60'000, 0, 60'000);
        for (int i = 0; i < 1000; ++i)
            assertDecision(l.failed("a@x", "ip"), true, 0, 0, 0);
        assertDecision(l.check("a@x", "ip"), true, 0, 0, 0);
        SigninLimiter onlyAddress = limiter(0, 60'000, 2, 60'000);
        assertDecision(onlyAddress.failed("a@x", "ip"), true, 2, 1, 60);
    }

    void trackedKeysAreBounded()
    {
        SigninLimiter l = limiter(1, 60'000, 0, 0, 3);
        l.failed("first@x", "ip");
        _now += 1;
        for (const char* u : {"second@x", "third@x", "fourth@x"})
            l.failed(u, "ip");
        // The oldest window was dropped to make room; the newer ones still refuse.
        CPPUNIT_ASSERT(l.check("first@x", "ip").allowed);
        CPPUNIT_ASSERT(!l.check("second@x", "ip").allowed);
        CPPUNIT_ASSERT(!l.check("fourth@x", "ip").allowed);
        l.failed("first@x", "ip");
        CPPUNIT_ASSERT(!l.check("first@x", "ip").allowed);
        CPPUNIT_ASSERT(l.check("second@x", "ip").allowed);
    }

    void countsEveryFailureFromManyThreads()
    {
        SigninLimits limits;
        limits.perUsername = {10'000, 3'600'000};
        limits.perAddress = {20'000, 3'600'000};
        SigninLimiter l(limits);
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&l, t] {
                for (int i = 0; i < 1000; ++i) {
                    l.failed("a@x", "ip");
                    l.check("a@x", "ip");
                    l.succeeded("other" + std::to_string(t) + "@x");
                }
            });
        for (auto& t : threads)
            t.join();
        const SigninDecision d = l.check("a@x", "ip");
        CPPUNIT_ASSERT_MESSAGE(describe(d), d.allowed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10'000), d.limit);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2'000), d.remaining);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SigninLimiterTest, "unit");
