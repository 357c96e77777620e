#include "domain/SigninLimiter.h"

#include <chrono>

namespace mercato::accounts {

namespace {

/// Whole seconds from `nowMillis` to `endMillis`, rounded up (a live window gives at least 1).
std::int64_t secondsUntil(std::int64_t endMillis, std::int64_t nowMillis)
{
    const std::int64_t left = endMillis - nowMillis;
    return left <= 0 ? 0 : (left + 999) / 1000;
}

} // namespace

SigninLimiter::Clock SigninLimiter::steadyClock()
{
    return [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    };
}

SigninLimiter::SigninLimiter(SigninLimits limits, Clock clock) : _limits(limits), _clock(std::move(clock))
{
    _usernames.rule = _limits.perUsername;
    _addresses.rule = _limits.perAddress;
}

void SigninLimiter::Counters::sweep(std::int64_t nowMillis)
{
    while (!starts.empty() && starts.front().first <= nowMillis) {
        auto it = entries.find(starts.front().second);
        // A key whose window was reset and started again has a later item of its own.
        if (it != entries.end() && it->second.windowEnd == starts.front().first)
            entries.erase(it);
        starts.pop_front();
    }
}

const SigninLimiter::Entry* SigninLimiter::Counters::find(const std::string& key) const
{
    auto it = entries.find(key);
    return it == entries.end() ? nullptr : &it->second;
}

void SigninLimiter::Counters::count(const std::string& key, std::int64_t nowMillis, std::size_t maxKeys)
{
    if (auto it = entries.find(key); it != entries.end()) {
        ++it->second.count;
        return;
    }
    while (!starts.empty() && entries.size() >= maxKeys) {
        auto it = entries.find(starts.front().second);
        if (it != entries.end() && it->second.windowEnd == starts.front().first)
            entries.erase(it);
        starts.pop_front();
    }
    const std::int64_t end = nowMillis + rule.windowMillis;
    starts.emplace_back(end, key);
    entries[key] = Entry{1, end};
}

SigninDecision SigninLimiter::decide(const std::string& username, const std::string& address, std::int64_t nowMillis) const
{
    const std::pair<const Counters*, const std::string*> rules[] = {{&_usernames, &username}, {&_addresses, &address}};
    SigninDecision d;
    for (const auto& [counters, key] : rules) {
        const std::int64_t limit = counters->rule.limit;
        if (limit <= 0)
            continue;
        const Entry* e = counters->find(*key);
        if (!e || e->count < limit)
            continue;
        const std::int64_t wait = secondsUntil(e->windowEnd, nowMillis);
        if (d.allowed || wait > d.retryAfterSeconds) {
            d.limit = limit;
            d.remaining = 0;
            d.resetSeconds = wait;
            d.retryAfterSeconds = wait;
        }
        d.allowed = false;
    }
    if (!d.allowed)
        return d;
    for (const auto& [counters, key] : rules) {
        const std::int64_t limit = counters->rule.limit;
        if (limit <= 0)
            continue;
        const Entry* e = counters->find(*key);
        const std::int64_t remaining = limit - (e ? e->count : 0);
        if (d.limit == 0 || remaining < d.remaining) {
            d.limit = limit;
            d.remaining = remaining;
            // Without a window yet: the one a failure now would start.
            d.resetSeconds = secondsUntil(e ? e->windowEnd : nowMillis + counters->rule.windowMillis, nowMillis);
        }
    }
    return d;
}

SigninDecision SigninLimiter::check(const std::string& username, const std::string& address)
{
    std::lock_guard<std::mutex> lock(_mutex);
    const std::int64_t nowMillis = _clock();
    _usernames.sweep(nowMillis);
    _addresses.sweep(nowMillis);
    return decide(username, address, nowMillis);
}

SigninDecision SigninLimiter::failed(const std::string& username, const std::string& address)
{
    std::lock_guard<std::mutex> lock(_mutex);
    const std::int64_t nowMillis = _clock();
    _usernames.sweep(nowMillis);
    _addresses.sweep(nowMillis);
    if (_usernames.rule.limit > 0)
        _usernames.count(username, nowMillis, _limits.maxTrackedKeys);
    if (_addresses.rule.limit > 0)
        _addresses.count(address, nowMillis, _limits.maxTrackedKeys);
    return decide(username, address, nowMillis);
}

void SigninLimiter::succeeded(const std::string& username)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _usernames.entries.erase(username); // its item in `starts` no longer matches anything
}

} // namespace mercato::accounts
