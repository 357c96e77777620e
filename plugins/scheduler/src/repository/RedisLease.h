#pragma once
#include "domain/LeaseKeeper.h"

#include <Poco/Redis/Client.h>

#include <memory>
#include <mutex>
#include <string>

namespace mercato::scheduler {

/// The leader lease in Redis: `SET key holder NX PX ttl` to take it, a compare-and-`PEXPIRE`
/// script to renew it and a compare-and-`DEL` script to give it up, so a host only ever extends
/// or deletes its own lease. Throws when Redis cannot be reached (the runner then falls back to
/// the database lease). Redis holds nothing else that matters: a flush only ends the lease.
class RedisLease final : public LeaseBackend {
public:
    RedisLease(std::string host, int port, std::string password, std::string key);

    bool acquire(const std::string& holder, std::int64_t ttlMillis) override;
    void release(const std::string& holder) override;

private:
    Poco::Redis::Client& client();

    std::string _host, _password, _key;
    int _port;
    std::mutex _mutex;
    std::unique_ptr<Poco::Redis::Client> _client;
};

/// A lease on `primary` (Redis) that uses `fallback` (the database) while the primary throws.
class FallbackLease final : public LeaseBackend {
public:
    FallbackLease(LeaseBackend& primary, LeaseBackend& fallback) : _primary(primary), _fallback(fallback) {}
    bool acquire(const std::string& holder, std::int64_t ttlMillis) override;
    void release(const std::string& holder) override;

private:
    LeaseBackend& _primary;
    LeaseBackend& _fallback;
};

} // namespace mercato::scheduler
