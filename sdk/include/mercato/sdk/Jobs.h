#pragma once
#include "Export.h"
#include "Outbox.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

/// When a failed job is tried again. The n-th failure (n = 1, 2, …) waits `delays[n-1]` seconds;
/// past the end of `delays` every further failure waits `repeatEvery` seconds. A job is dead when
/// it has failed `maxAttempts` times (0: no limit) or when its next attempt would start more than
/// `giveUpAfter` seconds after the job was created (0: no limit).
struct RetryPolicy {
    std::vector<std::int64_t> delays{5, 30, 120, 600, 3600};
    std::int64_t repeatEvery = 21600;
    int maxAttempts = 0;
    std::int64_t giveUpAfter = 3 * 24 * 3600;

    /// Seconds until the next attempt after `failures` failed attempts of a job created `ageSeconds`
    /// ago, or nullopt when the job is dead. Pure.
    MERCATO_SDK_API std::optional<std::int64_t> nextDelay(int failures, std::int64_t ageSeconds) const;
    /// Parses "5,30,120" into `delays`; throws std::invalid_argument for anything but positive integers.
    MERCATO_SDK_API static std::vector<std::int64_t> parseDelays(const std::string& text);
};

/// A claimed job as its handler sees it. `attempt` is 1 on the first try.
struct Job {
    std::int64_t id = 0;
    std::string type;      ///< the outbox topic
    std::string key;       ///< the outbox key (ordering key of ordered types)
    std::string payload;   ///< JSON text, as appended
    int attempt = 1;
    std::string createdAt; ///< UTC `YYYY-MM-DD HH:MM:SS`
};

/// What a handler says about one attempt.
struct JobResult {
    enum class Kind {
        Done,  ///< finished: never run again
        Retry, ///< failed: run again after the policy's delay (or dead when it is exhausted)
        Fail,  ///< can never succeed: dead at once, with `error` as its reason
        Defer, ///< not attempted (e.g. its endpoint is busy): run again after `deferSeconds`, no attempt counted
    };
    Kind kind = Kind::Done;
    std::string error;
    std::int64_t deferSeconds = 1;

    static JobResult done() { return {}; }
    static JobResult retry(std::string error) { return {Kind::Retry, std::move(error), 0}; }
    static JobResult fail(std::string error) { return {Kind::Fail, std::move(error), 0}; }
    static JobResult defer(std::int64_t seconds) { return {Kind::Defer, "", seconds}; }
};

/// Runs one attempt of a job. Called on one of the scheduler's worker threads (never an HTTP
/// thread), possibly on several threads at once for different jobs of the type: a handler must be
/// thread-safe. An exception is a Retry with its message. A handler must return within its type's
/// `timeout`; past it the job's lease may expire and another host may run it again, so every
/// handler must be safe to repeat (send an idempotency key, make its writes conditional).
using JobHandler = std::function<JobResult(const Job&)>;

/// How the jobs of one type are run.
struct JobTypeOptions {
    RetryPolicy retry;
    /// Upper bound of one attempt; the claim lease is this plus a margin.
    std::chrono::seconds timeout{30};
    /// Jobs with the same key run one at a time in the order they were appended; a failing job
    /// holds back the later jobs of its key (and only of its key) until it is done or dead.
    bool orderedByKey = false;
    /// With `group`: at most this many jobs of one group run at once on this host (e.g. one webhook
    /// endpoint), so one slow receiver never occupies every worker. 0: no bound.
    int maxConcurrentPerGroup = 0;
    /// The group of a job (e.g. its webhook subscription); empty: no group.
    std::function<std::string(const Job&)> group;
};

/// The durable job queue of the service's database, run by the `scheduler` plugin. Jobs *are* the
/// messages of the transactional outbox (sdk::Outbox): a plugin appends a message in the
/// transaction of the change it announces, and registers here how messages of that topic are
/// handled. Without the scheduler plugin nothing is registered or run (an API-only host), and the
/// messages wait in the database for a host that runs it.
///
/// Guarantees: a job is claimed by one worker of one host at a time, under a lease; a worker that
/// dies leaves the job to be rescued after the lease expires; a failed job is retried by its
/// policy and is dead at the end of it, visible and retriable by an admin (`GET /admin/jobs`,
/// `POST /admin/jobs/{id}/retry`), never dropped. At-least-once: handlers make repeats harmless.
///
///     auto jobs = ctx.services().find<Jobs>();   // null when the scheduler is not loaded
///     if (jobs) jobs->handle("delivery.webhook", options, [this](const Job& job) { return send(job); });
///
/// Thread-safe. Register during the plugin's `start()`; handlers run until the scheduler stops,
/// which happens after the plugins that depend on it have stopped (list "scheduler" in
/// PluginInfo::optionalDependencies or dependencies).
class MERCATO_SDK_API Jobs {
public:
    static constexpr const char* kServiceName = "mercato.jobs";
    virtual ~Jobs();
    /// Registers the handler of `type`. Throws std::logic_error when the type has one already.
    virtual void handle(const std::string& type, JobTypeOptions options, JobHandler handler) = 0;
};

} // namespace mercato::sdk
