#pragma once
#include "mercato/sdk/Database.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace mercato::host {

/// The response stored for an Idempotency-Key.
struct StoredReply {
    int status = 0;
    std::string body;
};

/// Idempotency-Key bookkeeping (API.md §1) on the `mercato_idempotency_keys` table (host
/// migration V002). A request first *claims* its (caller, key): the claim is a row without a
/// response, so a concurrent repeat sees it and is refused instead of running twice. The first
/// request then *completes* the row with its response, or *releases* it after a server fault so
/// the client can retry. Rows live 24 hours.
class IdempotencyStore {
public:
    static constexpr std::int64_t kLifetimeSeconds = 24 * 3600;
    /// A claim still without an outcome after this long is abandoned (its request could neither
    /// complete nor release it: the database went away, the host was killed) and is claimed anew.
    static constexpr std::int64_t kAbandonedSeconds = 120;

    explicit IdempotencyStore(sdk::Database& db) : _db(db) {}

    /// Claims the key for a request with this fingerprint and returns nullopt, or returns the stored
    /// reply of an earlier identical request. Throws sdk::Conflict when the key was used for another
    /// request or its first request has not finished.
    std::optional<StoredReply> claim(std::int64_t userId, const std::string& key, const std::string& fingerprint);
    void complete(std::int64_t userId, const std::string& key, int status, const std::string& body);
    void release(std::int64_t userId, const std::string& key);

    /// SHA-256 (hex) of what makes two requests "the same": method, path and canonical JSON body.
    static std::string fingerprint(const std::string& method, const std::string& path, const std::string& canonicalBody);
    /// BadRequest unless the header value has 1–255 characters.
    static void checkKey(const std::string& key);

private:
    void purgeExpired();

    sdk::Database& _db;
    std::atomic<std::int64_t> _lastPurge{0};
};

} // namespace mercato::host
