// Leadership with an injected clock and backend: renewal at a third of the TTL, a fresh fencing
// number on every new holding, a lapsed lease after a pause, a failing backend meaning "not held".
#include "domain/LeaseKeeper.h"

#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

using namespace mercato::scheduler;

namespace {

/// One lease shared by several keepers, expiring by the test clock.
struct FakeBackend : LeaseBackend {
    std::int64_t* clock = nullptr;
    std::string holder;
    std::int64_t expires = 0;
    int calls = 0;
    bool down = false;
    bool acquire(const std::string& who, std::int64_t ttl) override
    {
        ++calls;
        if (down)
            throw std::runtime_error("connection refused");
        if (holder == who || *clock >= expires) {
            holder = who;
            expires = *clock + ttl;
            return true;
        }
        return false;
    }
    void release(const std::string& who) override
    {
        if (holder == who)
            expires = 0;
    }
};

} // namespace

class LeaseKeeperTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LeaseKeeperTest);
    CPPUNIT_TEST(oneHolderAtATimeWithRenewals);
    CPPUNIT_TEST(pausedHolderLosesTheLeaseAndGetsANewFence);
    CPPUNIT_TEST(failingBackendMeansNotHeld);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _now = 1'000'000;
        _fence = 0;
        _backend = FakeBackend();
        _backend.clock = &_now;
    }

    LeaseKeeper keeper(const std::string& holder)
    {
        return LeaseKeeper(_backend, [this] { return ++_fence; }, [this] { return _now; }, holder, 15'000);
    }

    void oneHolderAtATimeWithRenewals()
    {
        LeaseKeeper a = keeper("a"), b = keeper("b");
        CPPUNIT_ASSERT(a.ensure());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), a.fence());
        CPPUNIT_ASSERT(!b.ensure());
        _now += 4'000; // within a third of the TTL: no backend call
        const int calls = _backend.calls;
        CPPUNIT_ASSERT(a.ensure());
        CPPUNIT_ASSERT_EQUAL(calls, _backend.calls);
        _now += 2'000; // past a third: renewed, same fence
        CPPUNIT_ASSERT(a.ensure());
        CPPUNIT_ASSERT_EQUAL(calls + 1, _backend.calls);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), a.fence());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), a.acquisitions());
        a.release();
        CPPUNIT_ASSERT(!a.held());
        CPPUNIT_ASSERT(b.ensure());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), b.fence());
    }

    void pausedHolderLosesTheLeaseAndGetsANewFence()
    {
        LeaseKeeper a = keeper("a"), b = keeper("b");
        CPPUNIT_ASSERT(a.ensure());
        _now += 20'000; // `a` was stopped (SIGSTOP) past its TTL
        CPPUNIT_ASSERT(!a.held());
        CPPUNIT_ASSERT(b.ensure());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), b.fence());
        CPPUNIT_ASSERT(!a.ensure()); // resumed: b has it
        _now += 20'000;                // b stops renewing
        CPPUNIT_ASSERT(a.ensure());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), a.fence()); // a new holding, a newer fence
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), a.acquisitions());
    }

    void failingBackendMeansNotHeld()
    {
        LeaseKeeper a = keeper("a");
        CPPUNIT_ASSERT(a.ensure());
        _backend.down = true;
        _now += 6'000;
        CPPUNIT_ASSERT(!a.ensure());
        CPPUNIT_ASSERT(!a.held());
        _backend.down = false;
        CPPUNIT_ASSERT(a.ensure());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), a.fence()); // holding again after a gap: new fence
    }

private:
    std::int64_t _now = 0;
    std::int64_t _fence = 0;
    FakeBackend _backend;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(LeaseKeeperTest, "unit");
