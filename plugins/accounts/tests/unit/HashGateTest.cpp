#include "domain/HashGate.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

using mercato::accounts::HashGate;
using mercato::accounts::HashingBusy;

class HashGateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HashGateTest);
    CPPUNIT_TEST(defaultIsHalfTheCoresAtLeastOne);
    CPPUNIT_TEST(refusesAtOnceWhenTheLineIsFull);
    CPPUNIT_TEST(refusesWhenNoSlotFreesInTime);
    CPPUNIT_TEST(aWaiterGetsTheFreedSlot);
    CPPUNIT_TEST(neverMoreThanTheBoundAtOnce);
    CPPUNIT_TEST_SUITE_END();

    /// Waits (without a deadline assertion) until `condition` holds.
    template <class F>
    static void until(F condition)
    {
        while (!condition())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

public:
    void defaultIsHalfTheCoresAtLeastOne()
    {
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), HashGate::defaultConcurrency(0));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), HashGate::defaultConcurrency(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), HashGate::defaultConcurrency(2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), HashGate::defaultConcurrency(8));
        CPPUNIT_ASSERT_THROW(HashGate({0, 0, std::chrono::milliseconds(0)}), std::invalid_argument);
    }

    void refusesAtOnceWhenTheLineIsFull()
    {
        HashGate gate({2, 0, std::chrono::milliseconds(60'000)});
        {
            HashGate::Slot a = gate.enter();
            HashGate::Slot b = gate.enter();
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), gate.running());
            // No place in line: refused without waiting the minute.
            CPPUNIT_ASSERT_THROW(gate.enter(), HashingBusy);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), gate.running());
        HashGate::Slot again = gate.enter();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), gate.running());
    }

    void refusesWhenNoSlotFreesInTime()
    {
        HashGate gate({1, 4, std::chrono::milliseconds(20)});
        HashGate::Slot held = gate.enter();
        CPPUNIT_ASSERT_THROW(gate.enter(), HashingBusy);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), gate.waiting());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), gate.running());
    }

    void aWaiterGetsTheFreedSlot()
    {
        HashGate gate({1, 1, std::chrono::milliseconds(600'000)});
        std::optional<HashGate::Slot> held(gate.enter());
        std::atomic<bool> entered{false};
        std::thread waiter([&] {
            HashGate::Slot s = gate.enter();
            entered = true;
        });
        until([&] { return gate.waiting() == 1; });
        // The line (one place) is taken: a third caller is refused.
        CPPUNIT_ASSERT_THROW(gate.enter(), HashingBusy);
        CPPUNIT_ASSERT(!entered);
        held.reset();
        waiter.join();
        CPPUNIT_ASSERT(entered);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), gate.running());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), gate.waiting());
    }

    void neverMoreThanTheBoundAtOnce()
    {
        HashGate gate({3, 64, std::chrono::milliseconds(600'000)});
        std::atomic<int> inside{0}, most{0}, done{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 16; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 50; ++i) {
                    HashGate::Slot s = gate.enter();
                    const int n = ++inside;
                    int seen = most.load();
                    while (n > seen && !most.compare_exchange_weak(seen, n)) {
                    }
                    std::this_thread::yield();
                    --inside;
                    ++done;
                }
            });
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_EQUAL(16 * 50, done.load());
        CPPUNIT_ASSERT(most.load() <= 3);
        CPPUNIT_ASSERT(most.load() >= 1);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(HashGateTest, "unit");
