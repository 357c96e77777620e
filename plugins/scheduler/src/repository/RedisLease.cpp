#include "repository/RedisLease.h"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Type.h>
#include <Poco/Timespan.h>

namespace mercato::scheduler {

namespace {

const char* const kRenew =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const char* const kRelease =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

} // namespace

RedisLease::RedisLease(std::string host, int port, std::string password, std::string key)
    : _host(std::move(host)), _password(std::move(password)), _key(std::move(key)), _port(port)
{
}

Poco::Redis::Client& RedisLease::client()
{
    if (!_client || !_client->isConnected()) {
        auto client = std::make_unique<Poco::Redis::Client>();
        client->connect(_host, _port, Poco::Timespan(2, 0));
        client->setReceiveTimeout(Poco::Timespan(2, 0));
        if (!_password.empty()) {
            Poco::Redis::Array auth;
            auth << "AUTH" << _password;
            client->execute<std::string>(auth);
        }
        _client = std::move(client);
    }
    return *_client;
}

bool RedisLease::acquire(const std::string& holder, std::int64_t ttlMillis)
{
    std::lock_guard<std::mutex> lock(_mutex);
    try {
        auto& redis = client();
        Poco::Redis::Array renew;
        renew << "EVAL" << kRenew << "1" << _key << holder << std::to_string(ttlMillis);
        if (redis.execute<Poco::Int64>(renew) == 1)
            return true;
        Poco::Redis::Array set;
        set << "SET" << _key << holder << "NX" << "PX" << std::to_string(ttlMillis);
        // OK (a simple string) when set; a null bulk string when someone else holds it.
        Poco::Redis::RedisType::Ptr reply = redis.sendCommand(set);
        if (reply->isError())
            throw Poco::Exception("Redis SET NX PX: " + reply->toString());
        return reply->isSimpleString();
    } catch (...) {
        _client.reset(); // reconnect next time
        throw;
    }
}

void RedisLease::release(const std::string& holder)
{
    std::lock_guard<std::mutex> lock(_mutex);
    try {
        Poco::Redis::Array del;
        del << "EVAL" << kRelease << "1" << _key << holder;
        client().execute<Poco::Int64>(del);
    } catch (...) {
        _client.reset();
        throw;
    }
}

bool FallbackLease::acquire(const std::string& holder, std::int64_t ttlMillis)
{
    try {
        return _primary.acquire(holder, ttlMillis);
    } catch (...) {
        return _fallback.acquire(holder, ttlMillis);
    }
}

void FallbackLease::release(const std::string& holder)
{
    try {
        _primary.release(holder);
    } catch (...) {
    }
    _fallback.release(holder);
}

} // namespace mercato::scheduler
