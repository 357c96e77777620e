#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace mercato::accounts {

/// At most `limit` failed sign-ins per key within a window of `windowMillis`; a limit of 0 is off.
struct SigninRule {
    std::int64_t limit = 0;
    std::int64_t windowMillis = 0;
};

/// The `accounts.signin.*` settings.
struct SigninLimits {
    SigninRule perUsername;
    SigninRule perAddress;
    /// Keys tracked per kind at most; past it the key whose window started first is forgotten
    /// early, so a flood of made-up usernames costs bounded memory (the address rule still holds).
    std::size_t maxTrackedKeys = 100'000;
};

/// What the limiter says about a username and address, and what the `RateLimit-*` headers report:
/// the rule closest to refusing (the one with the fewest failures left; when refused, the one that
/// refuses longest).
struct SigninDecision {
    bool allowed = true;                ///< an attempt may be judged now
    std::int64_t limit = 0;             ///< 0: no rule applies (both off), send no headers
    std::int64_t remaining = 0;         ///< failures left in that rule's window
    std::int64_t resetSeconds = 0;      ///< seconds until that window ends (rounded up); 0: no window yet
    std::int64_t retryAfterSeconds = 0; ///< when refused: seconds until every refusing window ends
};

/// Limits failed sign-ins per (normalized) username and per client address, with fixed windows
/// that start at a key's first failure. Pure and thread-safe; the clock is injectable.
///
/// A sign-in asks check() before the password is checked, so a refused attempt costs no hash;
/// then failed() counts a wrong password against both keys, succeeded() forgets the username's
/// failures (never the address's). Unknown usernames count like known ones, so the answers tell
/// nothing about which exist. Attempts still being checked are not counted, so a user's parallel
/// sign-ins with the right password are never refused for each other; parallel guesses can pass
/// the limit by at most the attempts in flight, which the hashing bound (HashGate) caps.
/// State is in this process only: each host counts on its own.
class SigninLimiter {
public:
    /// Monotonic milliseconds.
    using Clock = std::function<std::int64_t()>;
    /// std::chrono::steady_clock in milliseconds.
    static Clock steadyClock();

    explicit SigninLimiter(SigninLimits limits, Clock clock = steadyClock());

    /// Refused while either key has used up its rule's window; counts nothing.
    SigninDecision check(const std::string& username, const std::string& address);
    /// Counts a wrong password against both keys; the decision as it stands after it.
    SigninDecision failed(const std::string& username, const std::string& address);
    /// The right password: the username's failures are forgotten.
    void succeeded(const std::string& username);

    const SigninLimits& limits() const { return _limits; }

private:
    struct Entry {
        std::int64_t count = 0;
        std::int64_t windowEnd = 0;
    };
    /// The counters of one rule.
    struct Counters {
        SigninRule rule;
        std::unordered_map<std::string, Entry> entries;
        std::deque<std::pair<std::int64_t, std::string>> starts; ///< (windowEnd, key), oldest first

        /// Forgets windows that ended by `nowMillis`.
        void sweep(std::int64_t nowMillis);
        /// The key's live entry, or null.
        const Entry* find(const std::string& key) const;
        /// Counts one failure, starting a window when the key has none (evicting when full).
        void count(const std::string& key, std::int64_t nowMillis, std::size_t maxKeys);
    };

    /// The decision for the two keys as they stand (after sweeping at `nowMillis`).
    SigninDecision decide(const std::string& username, const std::string& address, std::int64_t nowMillis) const;

    SigninLimits _limits;
    Clock _clock;
    std::mutex _mutex;
    Counters _usernames;
    Counters _addresses;
};

} // namespace mercato::accounts
