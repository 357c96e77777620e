// Slot arithmetic of periodic tasks: which slot a moment belongs to, how many slots were missed.
#include "domain/Slots.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::scheduler;

class SlotsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SlotsTest);
    CPPUNIT_TEST(slotStartsOnMultiplesOfTheInterval);
    CPPUNIT_TEST(missedSlotsCountTheGap);
    CPPUNIT_TEST(nextSlotIsAtTheBoundary);
    CPPUNIT_TEST_SUITE_END();

public:
    void slotStartsOnMultiplesOfTheInterval()
    {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'010), slotStart(1'700'000'010, 30));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'010), slotStart(1'700'000'039, 30));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'040), slotStart(1'700'000'040, 30));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1'700'000'041), slotStart(1'700'000'041, 1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-30), slotStart(-1, 30));
    }

    void missedSlotsCountTheGap()
    {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), missedSlots(0, 900, 30));    // first run ever
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), missedSlots(870, 900, 30));  // the next slot
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), missedSlots(810, 900, 30));  // 840 and 870 passed
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), missedSlots(900, 900, 30));  // same slot: nothing
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), missedSlots(930, 900, 30));  // a clock that went back
    }

    void nextSlotIsAtTheBoundary()
    {
        CPPUNIT_ASSERT_EQUAL(std::int64_t(30'000), millisToNextSlot(900'000, 30));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), millisToNextSlot(929'999, 30));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(750), millisToNextSlot(1'250, 1));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SlotsTest, "unit");
