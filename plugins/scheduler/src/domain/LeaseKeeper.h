#pragma once
// Leadership of the periodic tasks: one host of a cluster holds a lease and runs the slots. The
// lease only keeps hosts from contending; the slot rows (TaskStore::claimSlot) are what make a
// slot run once. Pure: the backend (Redis or the database) and the clock are injected.
#include "domain/Clock.h"

#include <cstdint>
#include <functional>
#include <string>

namespace mercato::scheduler {

/// Where a lease lives. Implementations: repository/RedisLease, repository/SqlTaskStore.
class LeaseBackend {
public:
    virtual ~LeaseBackend() = default;
    /// Takes the lease for `holder` for `ttlMillis` if it is free or expired, or renews it if
    /// `holder` has it. True when `holder` holds it afterwards. May throw (backend unreachable).
    virtual bool acquire(const std::string& holder, std::int64_t ttlMillis) = 0;
    /// Gives the lease up if `holder` has it. May throw.
    virtual void release(const std::string& holder) = 0;
};

class LeaseKeeper {
public:
    /// `nextFence` returns a new, larger fencing number each time this host becomes the holder.
    LeaseKeeper(LeaseBackend& backend, std::function<std::int64_t()> nextFence, Clock clock, std::string holder,
                std::int64_t ttlMillis);

    /// True when this host holds the lease now. Talks to the backend only when the lease is not
    /// held or a third of its TTL has passed since the last renewal; a failing backend means "not held".
    bool ensure();
    /// True while the last successful acquisition is younger than 80% of the TTL (no backend call).
    bool held() const;
    /// The fencing number of the current holding (0 before the first).
    std::int64_t fence() const { return _fence; }
    /// How often this host became the holder.
    std::int64_t acquisitions() const { return _acquisitions; }
    const std::string& holder() const { return _holder; }
    /// Gives the lease up (at shutdown); errors are ignored.
    void release();

private:
    LeaseBackend& _backend;
    std::function<std::int64_t()> _nextFence;
    Clock _clock;
    std::string _holder;
    std::int64_t _ttl;
    bool _held = false;
    std::int64_t _validUntil = 0;
    std::int64_t _renewAt = 0;
    std::int64_t _fence = 0;
    std::int64_t _acquisitions = 0;
};

} // namespace mercato::scheduler
