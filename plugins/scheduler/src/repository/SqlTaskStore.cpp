#include "repository/SqlTaskStore.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace mercato::scheduler {

namespace {

/// The slot row is the guarantee: the unique key (task, slot_start) refuses a second run of a
/// slot, and a leader whose fencing number is older than a recorded run's (it was paused while
/// another host took over) may record nothing any more.
const char* const kClaimSlot =
    "INSERT INTO scheduler_task_runs (task, slot_start, holder, fence, missed, outcome, started_at) "
    "SELECT ?, ?, ?, ?, ?, 'running', ? {from} WHERE NOT EXISTS "
    "(SELECT 1 FROM scheduler_task_runs r WHERE r.task = ? AND r.fence > ?)";
const char* const kLastSlot = "SELECT COALESCE(MAX(slot_start), 0) FROM scheduler_task_runs WHERE task = ?";
const char* const kFinishRun = "UPDATE scheduler_task_runs SET outcome = ?, error = ?, finished_at = ? WHERE id = ?";
const char* const kBumpFence = "UPDATE scheduler_leases SET fence = fence + 1, holder = ? WHERE name = 'fence'";
const char* const kReadFence = "SELECT fence FROM scheduler_leases WHERE name = 'fence'";
const char* const kAcquire =
    "UPDATE scheduler_leases SET holder = ?, expires_at_ms = ? WHERE name = 'leader' AND (holder = ? OR expires_at_ms < ?)";
const char* const kRelease = "UPDATE scheduler_leases SET expires_at_ms = 0 WHERE name = 'leader' AND holder = ?";

} // namespace

std::int64_t SqlTaskStore::claimSlot(const std::string& task, std::int64_t slotStart, const std::string& holder, std::int64_t fence,
                                     std::int64_t missed, std::int64_t nowSeconds)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    std::string sql = kClaimSlot;
    sql.replace(sql.find("{from}"), 6, tx.dialect() == sdk::Dialect::MySQL ? "FROM DUAL" : "");
    std::string t = task, h = holder, started = utcText(nowSeconds), t2 = task;
    Poco::Int64 slot = slotStart, f = fence, m = missed, f2 = fence;
    Statement insert(session);
    insert << sql, use(t), use(slot), use(h), use(f), use(m), use(started), use(t2), use(f2);
    try {
        if (insert.execute() != 1)
            return 0;
    } catch (const std::exception& e) {
        if (sdk::isUniqueViolation(e))
            return 0;
        throw;
    }
    const std::int64_t id = sdk::lastInsertId(session, tx.dialect());
    tx.commit();
    return id;
}

std::int64_t SqlTaskStore::lastSlot(const std::string& task)
{
    Poco::Data::Session session = _db.session();
    std::string t = task;
    Poco::Int64 slot = 0;
    session << kLastSlot, use(t), into(slot), now;
    return slot;
}

void SqlTaskStore::finishRun(std::int64_t runId, bool ok, const std::string& error, std::int64_t nowSeconds)
{
    Poco::Data::Session session = _db.session();
    std::string outcome = ok ? "done" : "failed", e = error.substr(0, 1000), stamp = utcText(nowSeconds);
    Poco::Int64 id = runId;
    session << kFinishRun, use(outcome), use(e), use(stamp), use(id), now;
}

std::int64_t SqlTaskStore::nextFence(const std::string& holder)
{
    sdk::Transaction tx(_db);
    std::string h = holder;
    Poco::Int64 fence = 0;
    tx.session() << kBumpFence, use(h), now;
    tx.session() << kReadFence, into(fence), now;
    tx.commit();
    return fence;
}

bool SqlTaskStore::acquire(const std::string& holder, std::int64_t ttlMillis)
{
    Poco::Data::Session session = _db.session();
    const std::int64_t nowMs = _clock();
    std::string h = holder, h2 = holder;
    Poco::Int64 until = nowMs + ttlMillis, current = nowMs;
    Statement st(session);
    st << kAcquire, use(h), use(until), use(h2), use(current);
    return st.execute() == 1;
}

void SqlTaskStore::release(const std::string& holder)
{
    Poco::Data::Session session = _db.session();
    std::string h = holder;
    session << kRelease, use(h), now;
}

} // namespace mercato::scheduler
