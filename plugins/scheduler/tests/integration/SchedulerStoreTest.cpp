// The scheduler's repositories on both dialects: claiming, leases and rescues, per-key order,
// retries, dead jobs and re-queueing on the host's outbox table; slot rows, fencing and the
// database lease of periodic tasks.
#include "SqlOutbox.h"
#include "TestDatabase.h"
#include "domain/Clock.h"
#include "repository/SqlJobStore.h"
#include "repository/SqlTaskStore.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

const mercato::sdk::MigrationSet& mercatoHostMigrations();
const mercato::sdk::MigrationSet& schedulerMigrations();

using namespace mercato;
using namespace mercato::scheduler;

template <sdk::Dialect D>
class SchedulerStoreTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        _db = std::make_unique<test::TestDatabase>(D);
        (**_db).migrate("mercato", mercatoHostMigrations());
        (**_db).migrate("scheduler", schedulerMigrations());
        _outbox = std::make_unique<host::SqlOutbox>(**_db);
        _jobs = std::make_unique<SqlJobStore>(**_db);
        _clockMs = 1'900'000'000'000;
        _tasks = std::make_unique<SqlTaskStore>(**_db, [this] { return _clockMs; });
        // A little ahead of the clock the outbox stamps appended jobs with: a job appended in the
        // next second (a slow asan run) is still due at _now.
        _now = systemClock()() / 1000 + 2;
    }
    void tearDown() override
    {
        _tasks.reset();
        _jobs.reset();
        _outbox.reset();
        _db.reset();
    }

    std::int64_t append(const std::string& type, const std::string& key, const std::string& payload = "{}")
    {
        sdk::Transaction tx(**_db);
        std::int64_t id = _outbox->append(tx, type, key, payload);
        tx.commit();
        return id;
    }

    std::vector<std::int64_t> claimIds(const std::vector<std::string>& ordered, std::size_t limit, const std::string& token,
                                       std::int64_t at, std::int64_t lease = 60)
    {
        std::vector<std::int64_t> ids;
        for (const auto& c : _jobs->claimWithLease({"a", "b"}, ordered, limit, token, at, lease))
            ids.push_back(c.job.id);
        return ids;
    }

    std::string state(std::int64_t id) { return _jobs->find(id)->state; }

    void claimLeasesAndCompletes()
    {
        const std::int64_t j1 = append("a", "1", R"({"n":1})"), j2 = append("a", "2"), j3 = append("b", "3");
        append("other", "4"); // a type nobody claims here
        auto first = _jobs->claimWithLease({"a", "b"}, {}, 2, "t1", _now, 60);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), first.size());
        CPPUNIT_ASSERT_EQUAL(j1, first[0].job.id);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"n":1})"), first[0].job.payload);
        CPPUNIT_ASSERT_EQUAL(1, first[0].job.attempt);
        CPPUNIT_ASSERT_EQUAL(j2, first[1].job.id);
        CPPUNIT_ASSERT_EQUAL(std::string("running"), state(j1));
        CPPUNIT_ASSERT(claimIds({}, 10, "t2", _now) == std::vector<std::int64_t>({j3}));
        CPPUNIT_ASSERT(claimIds({}, 10, "t3", _now).empty());
        CPPUNIT_ASSERT(!_jobs->complete(j1, "t2", _now)); // not that claim's job
        CPPUNIT_ASSERT(_jobs->complete(j1, "t1", _now));
        CPPUNIT_ASSERT_EQUAL(std::string("done"), state(j1));
        CPPUNIT_ASSERT(!_jobs->complete(j1, "t1", _now)); // twice: no
        CPPUNIT_ASSERT(_outbox->find("a", "1").front().done);
    }

    void eachTypeHasItsOwnLease()
    {
        const std::int64_t a = append("a", "1"), b = append("b", "2");
        auto claimed = _jobs->claim(std::map<std::string, std::int64_t>{{"a", 10}, {"b", 100}}, {}, 10, "t", _now);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), claimed.size());
        CPPUNIT_ASSERT_EQUAL(utcText(_now + 10), _jobs->find(a)->leaseUntil);
        CPPUNIT_ASSERT_EQUAL(utcText(_now + 100), _jobs->find(b)->leaseUntil);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->rescueExpired(_now + 11, 5)); // only a's ran out
        CPPUNIT_ASSERT_EQUAL(std::string("running"), state(b));
    }

    void orderedKeyHoldsBackLaterJobsOfThatKeyOnly()
    {
        const std::int64_t a1 = append("a", "k1"), a2 = append("a", "k1"), other = append("a", "k2");
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t1", _now) == std::vector<std::int64_t>({a1, other}));
        CPPUNIT_ASSERT(_jobs->retryLater(a1, "t1", "HTTP 503", _now + 100));
        CPPUNIT_ASSERT_EQUAL(std::string("retrying"), state(a1));
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t2", _now).empty()); // a1 not due, a2 waits behind it
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t3", _now + 100) == std::vector<std::int64_t>({a1}));
        CPPUNIT_ASSERT(_jobs->complete(a1, "t3", _now + 100));
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t4", _now + 100) == std::vector<std::int64_t>({a2}));
        // Unordered types are not held back.
        const std::int64_t b1 = append("b", "k"), b2 = append("b", "k");
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t5", _now + 100) == std::vector<std::int64_t>({b1, b2}));
    }

    /// The soak's collapse: followers of a key whose head is in backoff were due, so every claim
    /// read past all of them. Parked, they get the head's time; nothing else moves.
    void waitingJobsAreParkedAtTheirHeadsTime()
    {
        const std::int64_t a1 = append("a", "k1"), a2 = append("a", "k1"), a3 = append("a", "k1");
        const std::int64_t r1 = append("a", "k2"), r2 = append("a", "k2"); // head running
        const std::int64_t b1 = append("b", "kb"), b2 = append("b", "kb"); // an unordered type
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t1", _now) == std::vector<std::int64_t>({a1, r1, b1, b2}));
        CPPUNIT_ASSERT(_jobs->retryLater(a1, "t1", "HTTP 503", _now + 100));
        CPPUNIT_ASSERT(_jobs->retryLater(b1, "t1", "HTTP 503", _now + 100));
        CPPUNIT_ASSERT(_jobs->complete(b2, "t1", _now));
        const std::int64_t b3 = append("b", "kb");
        const std::int64_t d1 = append("a", "k3"); // no earlier job: stays due
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _jobs->parkWaiting({"a"}, _now, 100));
        CPPUNIT_ASSERT_EQUAL(utcText(_now + 100), _jobs->find(a2)->nextAttemptAt);
        CPPUNIT_ASSERT_EQUAL(utcText(_now + 100), _jobs->find(a3)->nextAttemptAt);
        for (std::int64_t due : {r2, b3, d1})
            CPPUNIT_ASSERT_MESSAGE(std::to_string(due), _jobs->find(due)->nextAttemptAt <= utcText(_now));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _jobs->parkWaiting({"a"}, _now, 100));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _jobs->parkWaiting({}, _now, 100));
        // The order is kept: the head first, then its followers one by one.
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t2", _now) == std::vector<std::int64_t>({b3, d1}));
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t3", _now + 100) == std::vector<std::int64_t>({a1, b1}));
        CPPUNIT_ASSERT(_jobs->complete(a1, "t3", _now + 100));
        CPPUNIT_ASSERT(claimIds({"a"}, 10, "t4", _now + 100) == std::vector<std::int64_t>({a2}));
        // A limit bounds one round.
        const std::int64_t c1 = append("a", "k4"), c2 = append("a", "k4"), c3 = append("a", "k4");
        CPPUNIT_ASSERT(claimIds({"a"}, 1, "t5", _now + 100) == std::vector<std::int64_t>({c1}));
        CPPUNIT_ASSERT(_jobs->retryLater(c1, "t5", "HTTP 503", _now + 300));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->parkWaiting({"a"}, _now + 100, 1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->parkWaiting({"a"}, _now + 100, 1));
        CPPUNIT_ASSERT_EQUAL(utcText(_now + 300), _jobs->find(c2)->nextAttemptAt);
        CPPUNIT_ASSERT_EQUAL(utcText(_now + 300), _jobs->find(c3)->nextAttemptAt);
    }

    void expiredLeaseIsRescuedAndTheOldClaimIsVoid()
    {
        const std::int64_t j = append("a", "1");
        CPPUNIT_ASSERT(claimIds({}, 1, "dead-worker", _now, 10) == std::vector<std::int64_t>({j}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _jobs->rescueExpired(_now + 10, 5)); // lease still on
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->rescueExpired(_now + 11, 5));
        auto row = _jobs->find(j);
        CPPUNIT_ASSERT_EQUAL(std::string("ready"), row->state);
        CPPUNIT_ASSERT_EQUAL(1, row->rescues);
        CPPUNIT_ASSERT(row->lastError.find("lease expired") != std::string::npos);
        auto again = _jobs->claimWithLease({"a"}, {}, 1, "new-worker", _now + 11, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.size());
        CPPUNIT_ASSERT_EQUAL(1, again[0].job.attempt); // a rescue is no failed attempt
        CPPUNIT_ASSERT(!_jobs->complete(j, "dead-worker", _now + 12)); // the old worker woke up: no effect
        CPPUNIT_ASSERT(_jobs->complete(j, "new-worker", _now + 12));
    }

    void jobThatKillsItsWorkerDiesAfterRepeatedRescues()
    {
        const std::int64_t j = append("a", "1");
        std::int64_t t = _now;
        for (int round = 0; round < 2; ++round) {
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), claimIds({}, 1, "w" + std::to_string(round), t, 5).size());
            t += 6;
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->rescueExpired(t, 2));
        }
        auto row = _jobs->find(j);
        CPPUNIT_ASSERT_EQUAL(std::string("dead"), row->state);
        CPPUNIT_ASSERT_EQUAL(2, row->rescues);
    }

    void deadJobsAreListedAndRequeued()
    {
        const std::int64_t j = append("a", "1"), k = append("a", "2");
        claimIds({}, 2, "t", _now);
        CPPUNIT_ASSERT(_jobs->kill(j, "t", "HTTP 400: refused", _now));
        CPPUNIT_ASSERT(_jobs->retryLater(k, "t", "timeout", _now + 1000));
        std::int64_t total = 0;
        JobListQuery dead;
        dead.state = "dead";
        auto rows = _jobs->list(dead, total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), total);
        CPPUNIT_ASSERT_EQUAL(j, rows[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP 400: refused"), rows[0].lastError);
        CPPUNIT_ASSERT_EQUAL(1, rows[0].attempts);
        JobListQuery retrying;
        retrying.state = "retrying";
        CPPUNIT_ASSERT_EQUAL(k, _jobs->list(retrying, total)[0].id);
        bool sawDead = false;
        for (const auto& c : _jobs->counts())
            sawDead = sawDead || (c.type == "a" && c.state == "dead" && c.count == 1);
        CPPUNIT_ASSERT(sawDead);
        CPPUNIT_ASSERT(!_jobs->requeue(k, _now)); // only dead jobs
        CPPUNIT_ASSERT(_jobs->requeue(j, _now + 50));
        auto row = _jobs->find(j);
        CPPUNIT_ASSERT_EQUAL(std::string("ready"), row->state);
        CPPUNIT_ASSERT_EQUAL(0, row->attempts);
        auto again = _jobs->claimWithLease({"a"}, {}, 1, "t2", _now + 50, 60);
        CPPUNIT_ASSERT_EQUAL(j, again.at(0).job.id);
        CPPUNIT_ASSERT_EQUAL(_now + 50, again[0].ageBase); // the retry policy measures age from the re-queue
    }

    void concurrentClaimsNeverShareAJob()
    {
        {
            std::vector<sdk::OutboxDraft> drafts;
            for (int i = 0; i < 300; ++i)
                drafts.push_back({"a", std::to_string(i), "{}"});
            sdk::Transaction tx(**_db);
            _outbox->appendAll(tx, drafts);
            tx.commit();
        }
        std::mutex mutex;
        std::multiset<std::int64_t> seen;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0;; ++round) {
                    auto claimed = _jobs->claimWithLease({"a"}, {}, 7, "w" + std::to_string(t) + "-" + std::to_string(round), _now, 60);
                    if (claimed.empty())
                        return;
                    std::lock_guard<std::mutex> lock(mutex);
                    for (const auto& c : claimed)
                        seen.insert(c.job.id);
                }
            });
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_EQUAL(std::size_t(300), seen.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(300), std::set<std::int64_t>(seen.begin(), seen.end()).size());
    }

    /// Found by bench/scheduler.sh: the purge's and the rescue's range scans took gap locks that
    /// deadlocked with settlements, and a lost settlement sent a webhook twice.
    void settlementsSurviveConcurrentPurgeAndRescue()
    {
        {
            std::vector<sdk::OutboxDraft> drafts;
            for (int i = 0; i < 400; ++i)
                drafts.push_back({"a", std::to_string(i), "{}"});
            sdk::Transaction tx(**_db);
            _outbox->appendAll(tx, drafts);
            tx.commit();
        }
        auto claimed = _jobs->claimWithLease({"a"}, {}, 400, "w", _now, 600);
        CPPUNIT_ASSERT_EQUAL(std::size_t(400), claimed.size());
        // Old done jobs next to the running ones, for the purge to scan.
        std::atomic<bool> settling{true};
        std::atomic<int> maintenanceErrors{0};
        std::thread maintenance([&] {
            while (settling) {
                try {
                    _jobs->purgeDone(_now + 3600, 50);
                    _jobs->rescueExpired(_now, 5);
                } catch (const std::exception&) {
                    ++maintenanceErrors;
                }
            }
        });
        std::vector<std::thread> settlers;
        std::atomic<int> settled{0}, failures{0};
        for (int t = 0; t < 4; ++t)
            settlers.emplace_back([&, t] {
                for (std::size_t i = static_cast<std::size_t>(t); i < claimed.size(); i += 4) {
                    try {
                        if (_jobs->complete(claimed[i].job.id, "w", _now - 7200))
                            ++settled;
                    } catch (const std::exception&) {
                        ++failures;
                    }
                }
            });
        for (auto& t : settlers)
            t.join();
        settling = false;
        maintenance.join();
        CPPUNIT_ASSERT_EQUAL(0, failures.load());
        CPPUNIT_ASSERT_EQUAL(400, settled.load());
    }

    void uniqueKeyEnqueuesOnceInsideTheCallersTransaction()
    {
        sdk::Transaction tx(**_db);
        auto first = _outbox->enqueue(tx, {"a", "k", "{}", "only-once"});
        auto second = _outbox->enqueue(tx, {"a", "k", "{}", "only-once"});
        const std::int64_t other = _outbox->append(tx, "a", "k2", "{}");
        tx.commit();
        CPPUNIT_ASSERT(first.has_value());
        CPPUNIT_ASSERT(!second.has_value());
        CPPUNIT_ASSERT(other > *first);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _outbox->find("a", "k").size());
        sdk::Transaction later(**_db);
        CPPUNIT_ASSERT(!_outbox->enqueue(later, {"a", "k", "{}", "only-once"}).has_value()); // done ones count too
        later.commit();
        sdk::Transaction big(**_db);
        CPPUNIT_ASSERT_THROW(_outbox->append(big, "a", "k", std::string(70000, 'x')), std::invalid_argument);
    }

    void purgeDeletesOldDoneJobsOnly()
    {
        const std::int64_t old1 = append("a", "1"), old2 = append("a", "2"), fresh = append("a", "3"), open = append("a", "4");
        std::int64_t unique = 0;
        {
            sdk::Transaction tx(**_db);
            unique = *_outbox->enqueue(tx, {"a", "5", "{}", "keep-me"});
            tx.commit();
        }
        claimIds({}, 10, "t", _now);
        CPPUNIT_ASSERT(_jobs->complete(old1, "t", _now - 1000));
        CPPUNIT_ASSERT(_jobs->complete(old2, "t", _now - 900));
        CPPUNIT_ASSERT(_jobs->complete(fresh, "t", _now));
        CPPUNIT_ASSERT(_jobs->complete(unique, "t", _now - 1000));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->purgeDone(_now - 500, 1)); // a batch at a time
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _jobs->purgeDone(_now - 500, 10));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _jobs->purgeDone(_now - 500, 10));
        CPPUNIT_ASSERT(!_jobs->find(old1) && !_jobs->find(old2));
        CPPUNIT_ASSERT(_jobs->find(fresh) && _jobs->find(open) && _jobs->find(unique));
    }

    void slotRunsOnceAndAStaleLeaderRecordsNothing()
    {
        const std::int64_t f1 = _tasks->nextFence("a"), f2 = _tasks->nextFence("b");
        CPPUNIT_ASSERT(f2 > f1);
        CPPUNIT_ASSERT(_tasks->claimSlot("tick", 900, "a", f1, 0, _now) > 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _tasks->claimSlot("tick", 900, "b", f2, 0, _now)); // the slot ran
        CPPUNIT_ASSERT(_tasks->claimSlot("tick", 930, "b", f2, 0, _now) > 0);                     // b took over
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _tasks->claimSlot("tick", 960, "a", f1, 0, _now)); // a resumed: fenced off
        const std::int64_t run = _tasks->claimSlot("tick", 990, "b", f2, 1, _now);
        CPPUNIT_ASSERT(run > 0);
        _tasks->finishRun(run, false, "boom", _now);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(990), _tasks->lastSlot("tick"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _tasks->lastSlot("other"));
        CPPUNIT_ASSERT(_tasks->claimSlot("other", 960, "a", f1, 0, _now) > 0); // fences are per task's runs
    }

    void databaseLeaseHasOneHolder()
    {
        CPPUNIT_ASSERT(_tasks->acquire("a", 1000));
        CPPUNIT_ASSERT(!_tasks->acquire("b", 1000));
        _clockMs += 500;
        CPPUNIT_ASSERT(_tasks->acquire("a", 1000)); // renewal
        _clockMs += 1001;
        CPPUNIT_ASSERT(_tasks->acquire("b", 1000)); // a's lease ran out
        CPPUNIT_ASSERT(!_tasks->acquire("a", 1000));
        _tasks->release("b");
        CPPUNIT_ASSERT(_tasks->acquire("a", 1000));
    }

private:
    std::unique_ptr<test::TestDatabase> _db;
    std::unique_ptr<host::SqlOutbox> _outbox;
    std::unique_ptr<SqlJobStore> _jobs;
    std::unique_ptr<SqlTaskStore> _tasks;
    std::int64_t _clockMs = 0;
    std::int64_t _now = 0;
};

#define SCHEDULER_STORE_TESTS(Suite)                              \
    CPPUNIT_TEST_SUITE(Suite);                                    \
    CPPUNIT_TEST(claimLeasesAndCompletes);                        \
    CPPUNIT_TEST(eachTypeHasItsOwnLease);                         \
    CPPUNIT_TEST(orderedKeyHoldsBackLaterJobsOfThatKeyOnly);      \
    CPPUNIT_TEST(waitingJobsAreParkedAtTheirHeadsTime);           \
    CPPUNIT_TEST(expiredLeaseIsRescuedAndTheOldClaimIsVoid);      \
    CPPUNIT_TEST(jobThatKillsItsWorkerDiesAfterRepeatedRescues);  \
    CPPUNIT_TEST(deadJobsAreListedAndRequeued);                   \
    CPPUNIT_TEST(concurrentClaimsNeverShareAJob);                 \
    CPPUNIT_TEST(settlementsSurviveConcurrentPurgeAndRescue);     \
    CPPUNIT_TEST(uniqueKeyEnqueuesOnceInsideTheCallersTransaction); \
    CPPUNIT_TEST(purgeDeletesOldDoneJobsOnly);                    \
    CPPUNIT_TEST(slotRunsOnceAndAStaleLeaderRecordsNothing);      \
    CPPUNIT_TEST(databaseLeaseHasOneHolder);                      \
    CPPUNIT_TEST_SUITE_END()

class SchedulerStoreSqliteTest : public SchedulerStoreTest<sdk::Dialect::SQLite> {
    SCHEDULER_STORE_TESTS(SchedulerStoreSqliteTest);
};
class SchedulerStoreMysqlTest : public SchedulerStoreTest<sdk::Dialect::MySQL> {
    SCHEDULER_STORE_TESTS(SchedulerStoreMysqlTest);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SchedulerStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SchedulerStoreMysqlTest, "integration");
