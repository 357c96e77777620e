#pragma once
// What the job runner needs from storage: the host's outbox table seen as a job queue. Every
// method is one transaction in the implementation (repository/SqlJobStore). Times are Unix seconds.
#include "mercato/sdk/Jobs.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mercato::scheduler {

/// A job as an admin sees it (GET /admin/jobs).
struct JobRow {
    std::int64_t id = 0;
    std::string type, key, state; ///< state: ready, running, retrying, done, dead
    int attempts = 0, rescues = 0;
    std::string lastError, createdAt, nextAttemptAt, claimedBy, leaseUntil, doneAt, deadAt;
};

struct JobListQuery {
    std::optional<std::string> state; ///< ready, running, retrying, done or dead
    std::optional<std::string> type;
    std::int64_t limit = 50, offset = 0;
};

/// How many jobs of a type are in a state (for /metrics), and the oldest ready one's age.
struct JobCount {
    std::string type, state;
    std::int64_t count = 0;
};

/// A claimed job with what the runner needs besides the handler's view.
struct Claimed {
    sdk::Job job;
    std::string token;        ///< the claim: completing requires it (a rescued job's old worker cannot)
    std::int64_t ageBase = 0; ///< Unix seconds the retry policy measures age from
};

class JobStore {
public:
    virtual ~JobStore() = default;
    /// Claims up to `limit` due ready jobs of the types in `leaseSeconds` (oldest first) for
    /// `token`, each leased until now + its type's lease. A job of an `ordered` type is due only
    /// when no earlier job of its type and key is ready or running. `expectWork` (the previous
    /// claim was full) skips the cheap look for any due job that saves an idle system a transaction.
    virtual std::vector<Claimed> claim(const std::map<std::string, std::int64_t>& leaseSeconds, const std::vector<std::string>& ordered,
                                       std::size_t limit, const std::string& token, std::int64_t now, bool expectWork = false) = 0;
    /// The same with one lease for every type.
    std::vector<Claimed> claimWithLease(const std::vector<std::string>& types, const std::vector<std::string>& ordered, std::size_t limit,
                                        const std::string& token, std::int64_t now, std::int64_t leaseSeconds)
    {
        std::map<std::string, std::int64_t> leases;
        for (const auto& t : types)
            leases[t] = leaseSeconds;
        return claim(leases, ordered, limit, token, now);
    }
    /// Ends a claimed job; each returns false when the claim is no longer `token`'s (its lease
    /// expired and it was rescued), and then changes nothing.
    virtual bool complete(std::int64_t id, const std::string& token, std::int64_t now) = 0;
    virtual bool retryLater(std::int64_t id, const std::string& token, const std::string& error, std::int64_t at) = 0;
    virtual bool kill(std::int64_t id, const std::string& token, const std::string& error, std::int64_t now) = 0;
    /// Back to ready at `at` without counting an attempt.
    virtual bool release(std::int64_t id, const std::string& token, std::int64_t at) = 0;
    /// Running jobs whose lease ended before `now` go back to ready (rescue counted), or are dead
    /// once rescued `maxRescues` times (a job that kills its worker every time). Returns how many.
    virtual std::size_t rescueExpired(std::int64_t now, int maxRescues) = 0;
    /// Parks waiting jobs of the `ordered` types: a due ready job behind an earlier ready job of
    /// its key that is due later (a retry's backoff) cannot run before that one, so it gets that
    /// time. Claims then never read past such jobs: without this, one endpoint down for a while
    /// leaves tens of thousands of due-but-waiting webhooks in front of every claim's range scan
    /// (0.5 s a claim at 120,000, and the backlog only grows). At most `limit` jobs; returns how many.
    virtual std::size_t parkWaiting(const std::vector<std::string>& ordered, std::int64_t now, std::size_t limit) = 0;
    virtual std::vector<JobRow> list(const JobListQuery& query, std::int64_t& total) = 0;
    virtual std::optional<JobRow> find(std::int64_t id) = 0;
    /// A dead job back to ready now, attempts reset; false when it is not dead.
    virtual bool requeue(std::int64_t id, std::int64_t now) = 0;
    virtual std::vector<JobCount> counts() = 0;
    /// Deletes up to `limit` jobs done before `before` (jobs with a unique key are kept: they are
    /// what makes the key unique). Returns how many.
    virtual std::size_t purgeDone(std::int64_t before, std::size_t limit) = 0;
    /// Created-at of the oldest due ready job (Unix seconds), 0 when none.
    virtual std::int64_t oldestReady(std::int64_t now) = 0;
};

} // namespace mercato::scheduler
