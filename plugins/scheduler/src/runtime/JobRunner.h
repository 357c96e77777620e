#pragma once
// sdk::Jobs: a dispatcher thread claims due jobs for the idle workers of a bounded pool (threads
// of their own, never the HTTP threads), the workers run the handlers and settle each attempt.
#include "domain/Clock.h"
#include "domain/JobStore.h"

#include "mercato/sdk/Jobs.h"
#include "mercato/sdk/Metrics.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mercato::scheduler {

struct RunnerSettings {
    int workers = 8;
    int pollMillis = 200;      ///< idle wait between claims
    int claimBatch = 16;
    int leaseMarginSeconds = 30; ///< claim lease = the type's timeout + this
    int stopGraceSeconds = 10;
    int maxRescues = 5;
    std::string holder;        ///< this host's name in claims
};

class JobRunner final : public sdk::Jobs {
public:
    JobRunner(JobStore& store, RunnerSettings settings, Clock clock, Poco::Logger& logger, sdk::Metrics& metrics);
    ~JobRunner() override;

    void handle(const std::string& type, sdk::JobTypeOptions options, sdk::JobHandler handler) override;

    /// Starts the dispatcher and the workers (only when serving).
    void start();
    /// Stops claiming, lets running attempts finish for up to stopGraceSeconds, then gives every
    /// job this host still holds back to the queue (another host takes it at once) and joins.
    void stop();

private:
    struct Type {
        sdk::JobTypeOptions options;
        sdk::JobHandler handler;
    };

    /// A claimed job waiting for a worker, with its group (empty: none) and that group's bound.
    struct Queued {
        Claimed claimed;
        std::string group;
        int groupLimit = 0;
        std::int64_t since = 0; ///< clock ms when queued
    };

    void dispatchLoop();
    /// How many more jobs the dispatcher may claim now (call with the mutex held).
    int queueRoom() const;
    /// True when a worker may start `q` now: no group, or its group below its bound (mutex held).
    bool runnable(const Queued& q) const;
    /// Takes the queued jobs whose group has been full for over a second (mutex held): they go
    /// back to the database, so that one slow endpoint never fills the queue.
    std::vector<Queued> takeStale(std::int64_t nowMillis);
    void releaseDeferred(const std::vector<Queued>& jobs);
    /// JobStore::parkWaiting for the ordered types, every rescue round (dispatcher thread).
    void parkWaiting(const std::vector<std::string>& ordered, std::int64_t now);
    static constexpr std::size_t kParkBatch = 20000;
    void workerLoop();
    void runOne(const Queued& queued);
    sdk::Counter& attempts(const std::string& type, const char* outcome);

    JobStore& _store;
    RunnerSettings _settings;
    Clock _clock;
    Poco::Logger& _logger;
    sdk::Metrics& _metrics;

    mutable std::mutex _mutex;
    std::condition_variable _workAvailable;  ///< workers wait for queued jobs
    std::condition_variable _dispatcherWake; ///< the dispatcher waits for room in the queue
    std::map<std::string, Type> _types;
    std::deque<Queued> _queue;
    std::map<std::int64_t, std::string> _running; ///< job id → claim token
    std::map<std::string, int> _groupRunning;
    int _idle = 0;
    bool _stopping = false;
    std::int64_t _claimSeq = 0;
    std::int64_t _lastRescue = 0;
    bool _lastClaimFull = false; ///< dispatcher thread only: the last claim found all it asked for
    std::vector<std::thread> _threads;
    sdk::Counter* _rescued = nullptr;
    sdk::Counter* _parked = nullptr;
};

} // namespace mercato::scheduler
