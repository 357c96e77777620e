#include "runtime/JobRunner.h"

#include "domain/Settlement.h"

#include "mercato/sdk/ApiError.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace mercato::scheduler {

JobRunner::JobRunner(JobStore& store, RunnerSettings settings, Clock clock, Poco::Logger& logger, sdk::Metrics& metrics)
    : _store(store), _settings(std::move(settings)), _clock(std::move(clock)), _logger(logger), _metrics(metrics)
{
    _rescued = &_metrics.counter("mercato_job_rescues_total", "Running jobs returned to the queue after their lease expired");
    _parked = &_metrics.counter("mercato_job_parked_total",
                                "Due jobs of ordered types given the later time of the earlier job of their key they wait for");
}

JobRunner::~JobRunner()
{
    stop();
}

void JobRunner::handle(const std::string& type, sdk::JobTypeOptions options, sdk::JobHandler handler)
{
    if (type.empty() || !handler)
        throw std::invalid_argument("Jobs::handle needs a type and a handler");
    std::lock_guard<std::mutex> lock(_mutex);
    if (_types.count(type))
        throw std::logic_error("job type '" + type + "' has a handler already");
    if (options.maxConcurrentPerGroup > 0 && !options.group)
        throw std::invalid_argument("job type '" + type + "': maxConcurrentPerGroup needs a group function");
    _types[type] = Type{std::move(options), std::move(handler)};
    for (const char* outcome : {"done", "retry", "dead", "deferred"})
        attempts(type, outcome);
    _dispatcherWake.notify_all();
}

sdk::Counter& JobRunner::attempts(const std::string& type, const char* outcome)
{
    return _metrics.counter("mercato_job_attempts_total", "Job attempts by type and outcome (done, retry, dead, deferred)",
                            "type=\"" + type + "\",outcome=\"" + outcome + "\"");
}

void JobRunner::start()
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_threads.empty())
        return;
    _stopping = false;
    _idle = _settings.workers;
    for (int i = 0; i < _settings.workers; ++i)
        _threads.emplace_back([this] { workerLoop(); });
    _threads.emplace_back([this] { dispatchLoop(); });
}

void JobRunner::stop()
{
    std::deque<Queued> unstarted;
    {
        std::unique_lock<std::mutex> lock(_mutex);
        if (_threads.empty())
            return;
        _stopping = true;
        unstarted.swap(_queue);
        for (const auto& q : unstarted)
            _running.erase(q.claimed.job.id);
        _workAvailable.notify_all();
        _dispatcherWake.notify_all();
        // Attempts in flight get the grace period to finish.
        _dispatcherWake.wait_for(lock, std::chrono::seconds(_settings.stopGraceSeconds), [this] { return _running.empty(); });
    }
    const std::int64_t now = _clock() / 1000;
    for (const auto& q : unstarted)
        _store.release(q.claimed.job.id, q.claimed.token, now);
    std::map<std::int64_t, std::string> stillRunning;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        stillRunning = _running;
    }
    for (const auto& [id, token] : stillRunning) {
        // Past the grace period: another host may take it now; when this attempt ends its
        // settlement finds the claim gone and changes nothing (the handler is repeat-safe).
        try {
            _store.release(id, token, now);
            _logger.warning("job %s still running at shutdown: released to the queue", std::to_string(id));
        } catch (const std::exception& e) {
            _logger.error("job %s: could not release it at shutdown: %s", std::to_string(id), sdk::errorText(e));
        }
    }
    for (auto& t : _threads)
        t.join();
    _threads.clear();
}

int JobRunner::queueRoom() const
{
    // Jobs for every idle worker and one more round for each worker: a busy pool finds its next
    // jobs waiting instead of a claim round trip away, and a claim fetches many jobs at once.
    // Jobs of a full group do not count (they wait for their group), but the queue as a whole
    // stays below four rounds: queued jobs are leased already.
    int runnableQueued = 0;
    for (const auto& q : _queue)
        runnableQueued += runnable(q) ? 1 : 0;
    const int room = _idle + _settings.workers - runnableQueued;
    const int cap = 4 * _settings.workers - static_cast<int>(_queue.size());
    return std::min(room, cap);
}

bool JobRunner::runnable(const Queued& q) const
{
    if (q.group.empty())
        return true;
    auto it = _groupRunning.find(q.group);
    return it == _groupRunning.end() || it->second < q.groupLimit;
}

std::vector<JobRunner::Queued> JobRunner::takeStale(std::int64_t nowMillis)
{
    std::vector<Queued> stale;
    for (auto it = _queue.begin(); it != _queue.end();) {
        if (!runnable(*it) && nowMillis - it->since > 1000) {
            _running.erase(it->claimed.job.id);
            stale.push_back(std::move(*it));
            it = _queue.erase(it);
        } else {
            ++it;
        }
    }
    return stale;
}

void JobRunner::releaseDeferred(const std::vector<Queued>& jobs)
{
    const std::int64_t at = _clock() / 1000 + 1;
    for (const auto& q : jobs) {
        try {
            _store.release(q.claimed.job.id, q.claimed.token, at); // no attempt counted
        } catch (...) {
            // the lease runs out instead
        }
        attempts(q.claimed.job.type, "deferred").inc();
    }
}

void JobRunner::dispatchLoop()
{
    int failures = 0;
    while (true) {
        std::map<std::string, std::int64_t> leases;
        std::vector<std::string> ordered;
        std::size_t want = 0;
        std::vector<Queued> stale;
        {
            std::unique_lock<std::mutex> lock(_mutex);
            _dispatcherWake.wait_for(lock, std::chrono::milliseconds(_settings.pollMillis), [this] {
                return _stopping || (!_types.empty() && queueRoom() > 0);
            });
            if (_stopping)
                return;
            stale = takeStale(_clock());
            if (_types.empty() || queueRoom() <= 0) {
                lock.unlock();
                releaseDeferred(stale);
                continue;
            }
            want = std::min<std::size_t>(static_cast<std::size_t>(queueRoom()), static_cast<std::size_t>(_settings.claimBatch));
            for (const auto& [name, type] : _types) {
                leases[name] = type.options.timeout.count() + _settings.leaseMarginSeconds;
                if (type.options.orderedByKey)
                    ordered.push_back(name);
            }
        }
        releaseDeferred(stale);
        std::size_t got = 0;
        try {
            const std::int64_t now = _clock() / 1000;
            if (now - _lastRescue >= 5) {
                _lastRescue = now;
                if (std::size_t n = _store.rescueExpired(now, _settings.maxRescues)) {
                    _rescued->inc(n);
                    _logger.warning("returned %z job(s) whose lease expired to the queue", n);
                }
                parkWaiting(ordered, now);
            }
            const std::string token = _settings.holder + "#" + std::to_string(++_claimSeq);
            auto claimed = _store.claim(leases, ordered, want, token, now, /*expectWork=*/_lastClaimFull);
            _lastClaimFull = claimed.size() == want;
            got = claimed.size();
            bool stopping = false;
            {
                std::lock_guard<std::mutex> lock(_mutex);
                stopping = _stopping;
                if (!stopping) {
                    const std::int64_t since = _clock();
                    for (auto& c : claimed) {
                        Queued q;
                        auto type = _types.find(c.job.type);
                        if (type != _types.end() && type->second.options.maxConcurrentPerGroup > 0) {
                            try {
                                q.group = type->second.options.group(c.job);
                            } catch (...) {
                                q.group.clear();
                            }
                            q.groupLimit = type->second.options.maxConcurrentPerGroup;
                        }
                        q.since = since;
                        _running[c.job.id] = c.token;
                        q.claimed = std::move(c);
                        _queue.push_back(std::move(q));
                    }
                    _workAvailable.notify_all();
                }
            }
            if (stopping) {
                for (const auto& c : claimed)
                    _store.release(c.job.id, c.token, now);
                return;
            }
            failures = 0;
        } catch (const std::exception& e) {
            if (failures++ % 50 == 0)
                _logger.warning("claiming jobs failed (retrying): %s", sdk::errorText(e));
        }
        if (got < want) {
            std::unique_lock<std::mutex> lock(_mutex);
            const int wait = failures > 0 ? _settings.pollMillis * 5 : _settings.pollMillis;
            _dispatcherWake.wait_for(lock, std::chrono::milliseconds(wait), [this] { return _stopping; });
            if (_stopping)
                return;
        }
    }
}

void JobRunner::parkWaiting(const std::vector<std::string>& ordered, std::int64_t now)
{
    try {
        if (std::size_t n = _store.parkWaiting(ordered, now, kParkBatch))
            _parked->inc(n);
    } catch (const std::exception& e) {
        // Only an optimisation of the claims: the next round parks them.
        _logger.information("parking waiting jobs failed (next round in 5 s): %s", sdk::errorText(e));
    }
}

void JobRunner::workerLoop()
{
    while (true) {
        Queued queued;
        {
            std::unique_lock<std::mutex> lock(_mutex);
            auto next = _queue.end();
            _workAvailable.wait(lock, [&] {
                if (_stopping)
                    return true;
                // The oldest job that may start: a job of a full group waits, the others pass it.
                next = std::find_if(_queue.begin(), _queue.end(), [this](const Queued& q) { return runnable(q); });
                return next != _queue.end();
            });
            if (_stopping)
                return;
            queued = std::move(*next);
            _queue.erase(next);
            if (!queued.group.empty())
                ++_groupRunning[queued.group];
            --_idle;
        }
        runOne(queued);
        std::lock_guard<std::mutex> lock(_mutex);
        if (!queued.group.empty() && --_groupRunning[queued.group] <= 0)
            _groupRunning.erase(queued.group);
        _running.erase(queued.claimed.job.id);
        ++_idle;
        _workAvailable.notify_all(); // a job of that group may start now
        _dispatcherWake.notify_all();
    }
}

void JobRunner::runOne(const Queued& queued)
{
    const Claimed& claimed = queued.claimed;
    const sdk::Job& job = claimed.job;
    Type type;
    bool known = false;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _types.find(job.type);
        if ((known = it != _types.end()))
            type = it->second;
    }
    if (!known) { // cannot happen (claims name registered types only); never crash a worker for it
        _store.release(job.id, claimed.token, _clock() / 1000);
        return;
    }
    const auto& options = type.options;
    sdk::JobResult result;
    try {
        result = type.handler(job);
    } catch (const std::exception& e) {
        result = sdk::JobResult::retry(sdk::errorText(e));
    } catch (...) {
        result = sdk::JobResult::retry("unknown exception");
    }
    const std::int64_t now = _clock() / 1000;
    const Settlement s = settle(result, job.attempt, now - claimed.ageBase, options.retry);
    bool ours = true;
    try {
        switch (s.kind) {
        case Settlement::Kind::Done:
            ours = _store.complete(job.id, claimed.token, now);
            attempts(job.type, "done").inc();
            break;
        case Settlement::Kind::Retry:
            ours = _store.retryLater(job.id, claimed.token, s.error, now + s.delaySeconds);
            attempts(job.type, "retry").inc();
            _logger.information("job %s (%s) attempt %d failed, next in %s s: %s", std::to_string(job.id), job.type,
                                job.attempt, std::to_string(s.delaySeconds), s.error);
            break;
        case Settlement::Kind::Dead:
            ours = _store.kill(job.id, claimed.token, s.error, now);
            attempts(job.type, "dead").inc();
            _logger.error("job %s (%s) is dead after attempt %d: %s", std::to_string(job.id), job.type, job.attempt, s.error);
            break;
        case Settlement::Kind::Defer:
            ours = _store.release(job.id, claimed.token, now + s.delaySeconds);
            attempts(job.type, "deferred").inc();
            break;
        }
    } catch (const std::exception& e) {
        // The database is away: the lease runs out and the job is rescued and run again.
        _logger.error("job %s (%s): could not record the outcome: %s", std::to_string(job.id), job.type, sdk::errorText(e));
        return;
    }
    if (!ours)
        _logger.warning("job %s (%s): its lease had expired and it was taken over; this attempt's outcome was not recorded",
                        std::to_string(job.id), job.type);
}

} // namespace mercato::scheduler
