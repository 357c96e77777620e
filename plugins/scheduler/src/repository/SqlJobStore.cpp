#include "repository/SqlJobStore.h"

#include "domain/Clock.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mercato::scheduler {

namespace {

/// Due ready jobs in the order of the claim index (state, next_attempt_at, id): the range scan
/// stops after LIMIT rows and never touches jobs that are not due. An ordered type's job waits
/// while an earlier job of its key is ready or running (a dead one no longer holds it back).
const char* const kClaimCandidates =
    "SELECT j.id FROM mercato_outbox j WHERE j.state = 'ready' AND j.next_attempt_at <= ? AND j.topic IN ({types}) "
    "AND (j.topic NOT IN ({ordered}) OR NOT EXISTS (SELECT 1 FROM mercato_outbox e WHERE e.topic = j.topic "
    "AND e.msg_key = j.msg_key AND e.state IN ('ready', 'running') AND e.id < j.id)) "
    "ORDER BY j.next_attempt_at, j.id LIMIT ?";
/// Due ready jobs of ordered types with an earlier ready job of their key due later, with that
/// job's time (one row per such earlier job). No GROUP BY: the scan stops at LIMIT rows.
const char* const kWaitingBehindLater =
    "SELECT f.id, h.next_attempt_at FROM mercato_outbox f JOIN mercato_outbox h ON h.topic = f.topic AND h.msg_key = f.msg_key "
    "AND h.state = 'ready' AND h.id < f.id AND h.next_attempt_at > f.next_attempt_at "
    "WHERE f.state = 'ready' AND f.next_attempt_at <= ? AND f.topic IN ({ordered}) LIMIT ?";
/// {ids}: the parked jobs of one time; a job claimed or moved meanwhile is left alone.
const char* const kPark = "UPDATE mercato_outbox SET next_attempt_at = ? WHERE state = 'ready' AND next_attempt_at < ? AND id IN ({ids})";
const char* const kAnyDue =
    "SELECT id FROM mercato_outbox WHERE state = 'ready' AND next_attempt_at <= ? AND topic IN ({types}) LIMIT 1";
/// {leases}: `CASE topic WHEN ? THEN ? … END`, each type's lease end.
const char* const kClaimUpdate = "UPDATE mercato_outbox SET state = 'running', claimed_by = ?, lease_until = {leases} WHERE id IN ({ids})";
const char* const kClaimedRows =
    "SELECT id, topic, msg_key, payload, attempts, created_at, COALESCE(requeued_at, created_at) FROM mercato_outbox "
    "WHERE id IN ({ids}) ORDER BY id";
const char* const kComplete =
    "UPDATE mercato_outbox SET state = 'done', done_at = ?, claimed_by = NULL, lease_until = NULL "
    "WHERE id = ? AND claimed_by = ? AND state = 'running'";
const char* const kRetry =
    "UPDATE mercato_outbox SET state = 'ready', attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
    "claimed_by = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ? AND state = 'running'";
const char* const kKill =
    "UPDATE mercato_outbox SET state = 'dead', attempts = attempts + 1, last_error = ?, dead_at = ?, "
    "claimed_by = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ? AND state = 'running'";
const char* const kRelease =
    "UPDATE mercato_outbox SET state = 'ready', next_attempt_at = ?, claimed_by = NULL, lease_until = NULL "
    "WHERE id = ? AND claimed_by = ? AND state = 'running'";
const char* const kKillPoison =
    "UPDATE mercato_outbox SET state = 'dead', dead_at = ?, rescues = rescues + 1, claimed_by = NULL, lease_until = NULL, "
    "last_error = 'its worker stopped before finishing it every time it ran (lease expired); dead after repeated rescues' "
    "WHERE state = 'running' AND lease_until < ? AND rescues + 1 >= ?";
const char* const kRescue =
    "UPDATE mercato_outbox SET state = 'ready', rescues = rescues + 1, claimed_by = NULL, lease_until = NULL, "
    "last_error = 'lease expired: its worker stopped or died before finishing it' WHERE state = 'running' AND lease_until < ?";
const char* const kRowColumns =
    "SELECT id, topic, msg_key, state, attempts, rescues, last_error, created_at, next_attempt_at, claimed_by, lease_until, "
    "done_at, dead_at FROM mercato_outbox ";
const char* const kRequeue =
    "UPDATE mercato_outbox SET state = 'ready', attempts = 0, next_attempt_at = ?, requeued_at = ?, dead_at = NULL "
    "WHERE id = ? AND state = 'dead'";
const char* const kCounts =
    "SELECT topic, CASE WHEN state = 'ready' AND attempts > 0 THEN 'retrying' ELSE state END AS s, COUNT(*) "
    "FROM mercato_outbox WHERE state IN ('ready', 'running', 'dead') GROUP BY topic, s ORDER BY topic, s";
/// Through the claim index's state prefix; a subquery because SQLite has no DELETE … LIMIT.
const char* const kPurgeDone =
    "DELETE FROM mercato_outbox WHERE id IN (SELECT id FROM (SELECT id FROM mercato_outbox WHERE state = 'done' "
    "AND done_at < ? AND unique_key IS NULL ORDER BY id LIMIT ?) AS old)";
const char* const kOldestReady = "SELECT MIN(created_at) FROM mercato_outbox WHERE state = 'ready' AND next_attempt_at <= ?";

std::string replaced(std::string text, const std::string& placeholder, const std::string& value)
{
    for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos + value.size()))
        text.replace(pos, placeholder.size(), value);
    return text;
}

std::string quotedList(const std::vector<std::string>& names)
{
    // Placeholders, bound below; an empty list is a list no topic matches.
    return names.empty() ? std::string("''") : sdk::sql::placeholders(names.size());
}

bool changedOne(Statement& st)
{
    return st.execute() == 1;
}

JobRow readRow(RecordSet& rs, std::size_t i)
{
    using sdk::sql::integer;
    using sdk::sql::text;
    JobRow r;
    r.id = integer(rs, 0, i);
    r.type = text(rs, 1, i);
    r.key = text(rs, 2, i);
    r.state = text(rs, 3, i);
    r.attempts = static_cast<int>(integer(rs, 4, i));
    r.rescues = static_cast<int>(integer(rs, 5, i));
    r.lastError = text(rs, 6, i);
    r.createdAt = text(rs, 7, i);
    r.nextAttemptAt = text(rs, 8, i);
    r.claimedBy = text(rs, 9, i);
    r.leaseUntil = text(rs, 10, i);
    r.doneAt = text(rs, 11, i);
    r.deadAt = text(rs, 12, i);
    if (r.state == "ready" && r.attempts > 0)
        r.state = "retrying";
    return r;
}

} // namespace

std::vector<Claimed> SqlJobStore::claim(const std::map<std::string, std::int64_t>& leaseSeconds, const std::vector<std::string>& ordered,
                                        std::size_t limit, const std::string& token, std::int64_t nowSeconds, bool expectWork)
{
    std::vector<Claimed> claimed;
    std::vector<std::string> types;
    for (const auto& [type, lease] : leaseSeconds)
        types.push_back(type);
    if (types.empty() || limit == 0)
        return claimed;
    if (!expectWork) {
        // An idle poll costs one plain read, no transaction and no write lock (SQLite has one writer).
        Poco::Data::Session session = _db.session();
        Statement any(session);
        any << replaced(kAnyDue, "{types}", quotedList(types));
        any.addBind(Poco::Data::Keywords::bind(utcText(nowSeconds)));
        for (const auto& t : types)
            any.addBind(Poco::Data::Keywords::bind(t));
        any.execute();
        RecordSet found(any);
        if (found.rowCount() == 0)
            return claimed;
    }
    sdk::Transaction tx(_db, sdk::Transaction::Isolation::ReadCommitted);
    auto& session = tx.session();
    std::string sql = replaced(replaced(kClaimCandidates, "{types}", quotedList(types)), "{ordered}", quotedList(ordered));
    if (tx.dialect() == sdk::Dialect::MySQL)
        sql += " FOR UPDATE SKIP LOCKED";
    Statement candidates(session);
    candidates << sql;
    candidates.addBind(Poco::Data::Keywords::bind(utcText(nowSeconds)));
    for (const auto& t : types)
        candidates.addBind(Poco::Data::Keywords::bind(t));
    for (const auto& t : ordered)
        candidates.addBind(Poco::Data::Keywords::bind(t));
    candidates.addBind(Poco::Data::Keywords::bind(static_cast<Poco::Int64>(limit)));
    candidates.execute();
    RecordSet ids(candidates);
    std::vector<std::int64_t> chosen;
    for (std::size_t i = 0; i < ids.rowCount(); ++i)
        chosen.push_back(sdk::sql::integer(ids, 0, i));
    if (chosen.empty()) {
        tx.commit();
        return claimed;
    }
    const std::string list = sdk::sql::idList(chosen);
    std::string leases = "CASE topic";
    for (std::size_t i = 0; i < types.size(); ++i)
        leases += " WHEN ? THEN ?";
    leases += " END";
    Statement update(session);
    update << replaced(replaced(kClaimUpdate, "{leases}", leases), "{ids}", list);
    update.addBind(Poco::Data::Keywords::bind(token));
    for (const auto& [type, lease] : leaseSeconds) {
        update.addBind(Poco::Data::Keywords::bind(type));
        update.addBind(Poco::Data::Keywords::bind(utcText(nowSeconds + lease)));
    }
    update.execute();
    Statement rows(session);
    rows << replaced(kClaimedRows, "{ids}", list);
    rows.execute();
    RecordSet rs(rows);
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        Claimed c;
        c.job.id = sdk::sql::integer(rs, 0, i);
        c.job.type = sdk::sql::text(rs, 1, i);
        c.job.key = sdk::sql::text(rs, 2, i);
        c.job.payload = sdk::sql::text(rs, 3, i);
        c.job.attempt = static_cast<int>(sdk::sql::integer(rs, 4, i)) + 1;
        c.job.createdAt = sdk::sql::text(rs, 5, i);
        c.ageBase = unixSeconds(sdk::sql::text(rs, 6, i));
        c.token = token;
        claimed.push_back(std::move(c));
    }
    tx.commit();
    return claimed;
}

namespace {

/// Runs an UPDATE of a claimed job `… WHERE id = ? AND claimed_by = ? AND state = 'running'` with
/// `values` bound first: true when the claim was still `token`'s and the job changed.
bool updateClaimed(sdk::Database& db, const char* sql, const std::vector<std::string>& values, std::int64_t id, const std::string& token)
{
    // A settlement that is lost makes the job run again (a duplicate webhook): a deadlock or lock
    // wait, after which the database has rolled the statement back, is retried at once.
    for (int round = 1;; ++round) {
        try {
            Poco::Data::Session session = db.session();
            Statement st(session);
            st << sql;
            for (const auto& v : values)
                st.addBind(Poco::Data::Keywords::bind(v));
            st.addBind(Poco::Data::Keywords::bind(static_cast<Poco::Int64>(id)));
            st.addBind(Poco::Data::Keywords::bind(token));
            return changedOne(st);
        } catch (const std::exception& e) {
            if (round >= 5 || !sdk::isTransientConflict(e))
                throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * round));
        }
    }
}

} // namespace

bool SqlJobStore::complete(std::int64_t id, const std::string& token, std::int64_t nowSeconds)
{
    return updateClaimed(_db, kComplete, {utcText(nowSeconds)}, id, token);
}

bool SqlJobStore::retryLater(std::int64_t id, const std::string& token, const std::string& error, std::int64_t at)
{
    return updateClaimed(_db, kRetry, {error.substr(0, 1000), utcText(at)}, id, token);
}

bool SqlJobStore::kill(std::int64_t id, const std::string& token, const std::string& error, std::int64_t nowSeconds)
{
    return updateClaimed(_db, kKill, {error.substr(0, 1000), utcText(nowSeconds)}, id, token);
}

bool SqlJobStore::release(std::int64_t id, const std::string& token, std::int64_t at)
{
    return updateClaimed(_db, kRelease, {utcText(at)}, id, token);
}

std::size_t SqlJobStore::rescueExpired(std::int64_t nowSeconds, int maxRescues)
{
    // READ COMMITTED: the range scan over ix_outbox_lease takes no gap locks, which would block the
    // settlements of running jobs (their index entries move into those gaps) into deadlocks.
    sdk::Transaction tx(_db, sdk::Transaction::Isolation::ReadCommitted);
    auto& session = tx.session();
    std::string stamp = utcText(nowSeconds), stamp2 = stamp, stamp3 = stamp;
    Poco::Int32 max = maxRescues;
    Statement poison(session);
    poison << kKillPoison, use(stamp), use(stamp2), use(max);
    std::size_t n = poison.execute();
    Statement rescue(session);
    rescue << kRescue, use(stamp3);
    n += rescue.execute();
    tx.commit();
    return n;
}

std::size_t SqlJobStore::parkWaiting(const std::vector<std::string>& ordered, std::int64_t nowSeconds, std::size_t limit)
{
    if (ordered.empty() || limit == 0)
        return 0;
    Poco::Data::Session session = _db.session();
    Statement find(session);
    find << replaced(kWaitingBehindLater, "{ordered}", quotedList(ordered));
    find.addBind(Poco::Data::Keywords::bind(utcText(nowSeconds)));
    for (const auto& t : ordered)
        find.addBind(Poco::Data::Keywords::bind(t));
    find.addBind(Poco::Data::Keywords::bind(static_cast<Poco::Int64>(limit)));
    find.execute();
    RecordSet rs(find);
    // The latest earlier job decides (any one of them would be safe: the job waits for all).
    std::map<std::int64_t, std::string> until;
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        std::string& t = until[sdk::sql::integer(rs, 0, i)];
        t = std::max(t, sdk::sql::text(rs, 1, i));
    }
    std::map<std::string, std::vector<std::int64_t>> byTime;
    for (const auto& [id, t] : until)
        byTime[t].push_back(id);
    std::size_t parked = 0;
    for (const auto& [t, ids] : byTime) {
        // By primary key, outside a transaction: each statement locks only the rows it changes.
        for (std::size_t from = 0; from < ids.size(); from += 500) {
            const std::vector<std::int64_t> chunk(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                                  ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), from + 500)));
            std::string at = t, below = t;
            Statement park(session);
            park << replaced(kPark, "{ids}", sdk::sql::idList(chunk)), use(at), use(below);
            parked += park.execute();
        }
    }
    return parked;
}

std::vector<JobRow> SqlJobStore::list(const JobListQuery& query, std::int64_t& total)
{
    Poco::Data::Session session = _db.session();
    sdk::sql::Filter f;
    if (query.state) {
        if (*query.state == "retrying")
            f.add("state = 'ready' AND attempts > 0");
        else if (*query.state == "ready")
            f.add("state = 'ready' AND attempts = 0");
        else
            f.add("state = ?", *query.state);
    }
    if (query.type)
        f.add("topic = ?", *query.type);
    total = sdk::sql::count(session, "FROM mercato_outbox " + f.where(), f);
    Statement st(session);
    st << std::string(kRowColumns) + f.where() + " ORDER BY id LIMIT ? OFFSET ?";
    f.bindTo(st);
    st.addBind(Poco::Data::Keywords::bind(static_cast<Poco::Int64>(query.limit)));
    st.addBind(Poco::Data::Keywords::bind(static_cast<Poco::Int64>(query.offset)));
    st.execute();
    RecordSet rs(st);
    std::vector<JobRow> rows;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        rows.push_back(readRow(rs, i));
    return rows;
}

std::optional<JobRow> SqlJobStore::find(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 i = id;
    st << std::string(kRowColumns) + "WHERE id = ?", use(i);
    st.execute();
    RecordSet rs(st);
    if (rs.rowCount() == 0)
        return std::nullopt;
    return readRow(rs, 0);
}

bool SqlJobStore::requeue(std::int64_t id, std::int64_t nowSeconds)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = utcText(nowSeconds), stamp2 = stamp;
    Poco::Int64 i = id;
    Statement st(session);
    st << kRequeue, use(stamp), use(stamp2), use(i);
    return changedOne(st);
}

std::vector<JobCount> SqlJobStore::counts()
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    st << kCounts;
    st.execute();
    RecordSet rs(st);
    std::vector<JobCount> counts;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        counts.push_back({sdk::sql::text(rs, 0, i), sdk::sql::text(rs, 1, i), sdk::sql::integer(rs, 2, i)});
    return counts;
}

std::size_t SqlJobStore::purgeDone(std::int64_t before, std::size_t limit)
{
    // READ COMMITTED for the same reason as rescueExpired: no gap locks next to running jobs.
    sdk::Transaction tx(_db, sdk::Transaction::Isolation::ReadCommitted);
    std::string stamp = utcText(before);
    Poco::Int64 n = static_cast<Poco::Int64>(limit);
    Statement st(tx.session());
    st << kPurgeDone, use(stamp), use(n);
    const std::size_t deleted = st.execute();
    tx.commit();
    return deleted;
}

std::int64_t SqlJobStore::oldestReady(std::int64_t nowSeconds)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    std::string stamp = utcText(nowSeconds);
    st << kOldestReady, use(stamp);
    st.execute();
    RecordSet rs(st);
    if (rs.rowCount() == 0 || rs.value(0, 0).isEmpty())
        return 0;
    return unixSeconds(sdk::sql::text(rs, 0, 0));
}

} // namespace mercato::scheduler
