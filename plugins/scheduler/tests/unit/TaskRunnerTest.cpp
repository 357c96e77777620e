// Periodic tasks with an injected clock, an in-memory slot store and one shared lease: two hosts
// run each slot once between them, a run that outlasts its interval skips (and counts) the slots
// it missed instead of piling them up, and a host that is not the leader runs nothing.
#include "MetricsRegistry.h"
#include "domain/LeaseKeeper.h"
#include "domain/TaskStore.h"
#include "runtime/TaskRunner.h"

#include <Poco/Logger.h>

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <memory>
#include <set>
#include <tuple>

using namespace mercato;
using namespace mercato::scheduler;

namespace {

/// scheduler_task_runs in memory, with the same two rules as the SQL: one run per (task, slot),
/// nothing recorded by a fence older than a recorded run's.
struct MemoryTaskStore : TaskStore {
    struct Run {
        std::string holder;
        std::int64_t fence = 0, missed = 0;
    };
    std::map<std::pair<std::string, std::int64_t>, Run> runs;
    std::int64_t fences = 0;

    std::int64_t claimSlot(const std::string& task, std::int64_t slot, const std::string& holder, std::int64_t fence,
                           std::int64_t missed, std::int64_t) override
    {
        for (const auto& [key, run] : runs)
            if (key.first == task && run.fence > fence)
                return 0;
        if (!runs.emplace(std::make_pair(task, slot), Run{holder, fence, missed}).second)
            return 0;
        return static_cast<std::int64_t>(runs.size());
    }
    std::int64_t lastSlot(const std::string& task) override
    {
        std::int64_t last = 0;
        for (const auto& [key, run] : runs)
            if (key.first == task)
                last = std::max(last, key.second);
        return last;
    }
    void finishRun(std::int64_t, bool, const std::string&, std::int64_t) override {}
    std::int64_t nextFence(const std::string&) override { return ++fences; }
};

struct SharedLease : LeaseBackend {
    std::int64_t* clock = nullptr;
    std::string holder;
    std::int64_t expires = 0;
    bool acquire(const std::string& who, std::int64_t ttl) override
    {
        if (holder != who && *clock < expires)
            return false;
        holder = who;
        expires = *clock + ttl;
        return true;
    }
    void release(const std::string& who) override
    {
        if (holder == who)
            expires = 0;
    }
};

} // namespace

/// One host of the cluster: its lease keeper and task runner on the shared store and lease.
struct Host {
    Host(const std::string& name, LeaseBackend& backend, MemoryTaskStore& store, Clock clock, sdk::Metrics& metrics)
        : lease(backend, [&store, name] { return store.nextFence(name); }, clock, name, 15'000),
          runner(store, lease, clock, Poco::Logger::get("test"), metrics)
    {
    }
    LeaseKeeper lease;
    TaskRunner runner;
};

class TaskRunnerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TaskRunnerTest);
    CPPUNIT_TEST(twoHostsRunEachSlotOnce);
    CPPUNIT_TEST(longRunSkipsMissedSlots);
    CPPUNIT_TEST(resumedOldLeaderRecordsNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _now = 1'800'000'000'000; // ms: a multiple of 30 s
        _lease = SharedLease();
        _lease.clock = &_now;
        _store = MemoryTaskStore();
    }

    std::unique_ptr<Host> host(const std::string& name)
    {
        return std::make_unique<Host>(name, _lease, _store, [this] { return _now; }, _metrics);
    }

    /// Slot starts (Unix seconds) `task` ran in, with the holder of each.
    std::vector<std::pair<std::int64_t, std::string>> runsOf(const std::string& task) const
    {
        std::vector<std::pair<std::int64_t, std::string>> out;
        for (const auto& [key, run] : _store.runs)
            if (key.first == task)
                out.emplace_back(key.second, run.holder);
        return out;
    }

    void twoHostsRunEachSlotOnce()
    {
        auto a = host("a"), b = host("b");
        int ranA = 0, ranB = 0;
        a->runner.add("tick", std::chrono::seconds(30), [&] { ++ranA; });
        b->runner.add("tick", std::chrono::seconds(30), [&] { ++ranB; });
        // Both hosts wake often; the clock moves 10 s at a time for 3 minutes.
        for (int step = 0; step < 18; ++step) {
            a->runner.runDue();
            b->runner.runDue();
            _now += 10'000;
        }
        CPPUNIT_ASSERT_EQUAL(6, ranA + ranB); // 180 s / 30 s
        CPPUNIT_ASSERT_EQUAL(6, ranA);        // a holds the lease throughout
        auto runs = runsOf("tick");
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), runs.size());
        for (std::size_t i = 1; i < runs.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(runs[i - 1].first + 30, runs[i].first);
        // a stops; b takes over after the lease runs out and goes on with the next slots only.
        _now += 20'000;
        for (int step = 0; step < 9; ++step) {
            b->runner.runDue();
            _now += 10'000;
        }
        CPPUNIT_ASSERT(ranB >= 2);
        runs = runsOf("tick");
        std::set<std::int64_t> slots;
        for (const auto& r : runs)
            CPPUNIT_ASSERT(slots.insert(r.first).second);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), runs.back().second);
    }

    void longRunSkipsMissedSlots()
    {
        auto a = host("a");
        int runs = 0;
        a->runner.add("slow", std::chrono::seconds(10), [&] {
            ++runs;
            if (runs == 2)
                _now += 35'000; // this run outlasts three more slots
        });
        for (int step = 0; step < 6; ++step) {
            a->runner.runDue();
            _now += 10'000;
        }
        auto slots = runsOf("slow");
        // Wakes at 0, 10 (that run ends at 45), 55, 65, 75, 85: slots 20, 30 and 40 passed without
        // a run and are counted on the run of slot 50, not run late.
        const std::int64_t first = slots.front().first;
        std::vector<std::int64_t> offsets;
        for (const auto& s : slots)
            offsets.push_back(s.first - first);
        CPPUNIT_ASSERT(offsets == std::vector<std::int64_t>({0, 10, 50, 60, 70, 80}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), _store.runs.at({"slow", first + 50}).missed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store.runs.at({"slow", first + 60}).missed);
        CPPUNIT_ASSERT_EQUAL(6, runs);
    }

    void resumedOldLeaderRecordsNothing()
    {
        auto a = host("a"), b = host("b");
        int ranA = 0, ranB = 0;
        a->runner.add("tick", std::chrono::seconds(10), [&] { ++ranA; });
        b->runner.add("tick", std::chrono::seconds(10), [&] { ++ranB; });
        a->runner.runDue();
        CPPUNIT_ASSERT_EQUAL(1, ranA);
        // a is paused past its lease; b becomes leader (a newer fence) and runs a slot.
        _now += 20'000;
        b->runner.runDue();
        CPPUNIT_ASSERT_EQUAL(1, ranB);
        // a resumes: the lease is b's, so it runs nothing; and had it wrongly believed it still
        // led, the fence rule refuses its old fence (claimed directly below).
        _now += 10'000;
        a->runner.runDue();
        CPPUNIT_ASSERT_EQUAL(1, ranA);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store.claimSlot("tick", 999'999'990, "a", a->lease.fence(), 0, 0));
        b->runner.runDue();
        CPPUNIT_ASSERT_EQUAL(2, ranB);
    }

private:
    std::int64_t _now = 0;
    SharedLease _lease;
    MemoryTaskStore _store;
    host::MetricsRegistry _metrics;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(TaskRunnerTest, "unit");
