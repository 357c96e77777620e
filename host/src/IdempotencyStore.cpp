#include "IdempotencyStore.h"

#include "mercato/sdk/ApiError.h"

#include <Poco/Data/Statement.h>
#include <Poco/DigestEngine.h>
#include <Poco/Nullable.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Timestamp.h>

using namespace Poco::Data::Keywords;

namespace mercato::host {

namespace {

const char* const kClaim =
    "INSERT INTO mercato_idempotency_keys (user_id, idem_key, fingerprint, status, response, created_at) VALUES (?, ?, ?, NULL, NULL, ?)";
const char* const kSelect =
    "SELECT fingerprint, status, response, created_at FROM mercato_idempotency_keys WHERE user_id = ? AND idem_key = ?";
const char* const kDeleteExpiredOne = "DELETE FROM mercato_idempotency_keys WHERE user_id = ? AND idem_key = ? AND created_at < ?";
/// A claim without an outcome this old was abandoned: its request ended without completing or
/// releasing it (the database went away at its end, or the host died).
const char* const kDeleteAbandonedOne =
    "DELETE FROM mercato_idempotency_keys WHERE user_id = ? AND idem_key = ? AND status IS NULL AND created_at < ?";
const char* const kComplete = "UPDATE mercato_idempotency_keys SET status = ?, response = ? WHERE user_id = ? AND idem_key = ?";
const char* const kRelease = "DELETE FROM mercato_idempotency_keys WHERE user_id = ? AND idem_key = ? AND status IS NULL";
const char* const kPurge = "DELETE FROM mercato_idempotency_keys WHERE created_at < ?";

constexpr std::int64_t kPurgeEverySeconds = 600;

} // namespace

void IdempotencyStore::checkKey(const std::string& key)
{
    if (key.empty())
        throw sdk::BadRequest("Idempotency-Key", "empty", "Idempotency-Key must not be empty");
    if (key.size() > 255)
        throw sdk::BadRequest("Idempotency-Key", "too_long", "Idempotency-Key has at most 255 characters");
}

std::string IdempotencyStore::fingerprint(const std::string& method, const std::string& path, const std::string& canonicalBody)
{
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(method);
    sha.update('\n');
    sha.update(path);
    sha.update('\n');
    sha.update(canonicalBody);
    return Poco::DigestEngine::digestToHex(sha.digest());
}

std::optional<StoredReply> IdempotencyStore::claim(std::int64_t userId, const std::string& key, const std::string& fingerprint)
{
    purgeExpired();
    Poco::Data::Session session = _db.session();
    Poco::Int64 user = userId;
    std::string k = key, fp = fingerprint;
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            std::string created = sdk::utcNow();
            session << kClaim, use(user), use(k), use(fp), use(created), now;
            return std::nullopt;
        } catch (const std::exception& e) {
            if (!sdk::isUniqueViolation(e))
                throw;
        }
        std::string storedFp, createdAt;
        Poco::Nullable<int> status;
        Poco::Nullable<std::string> response;
        Poco::Data::Statement select(session);
        select << kSelect, use(user), use(k), into(storedFp), into(status), into(response), into(createdAt);
        if (select.execute() == 0)
            continue; // released or expired meanwhile: claim again
        std::string cutoff = sdk::utcFromNow(-kLifetimeSeconds);
        if (createdAt < cutoff) {
            session << kDeleteExpiredOne, use(user), use(k), use(cutoff), now;
            continue;
        }
        if (storedFp != fingerprint)
            throw sdk::Conflict("This Idempotency-Key was already used for a different request",
                                {{"Idempotency-Key", "conflict", "the key belongs to another request"}});
        if (status.isNull() && createdAt < sdk::utcFromNow(-kAbandonedSeconds)) {
            std::string abandoned = sdk::utcFromNow(-kAbandonedSeconds);
            session << kDeleteAbandonedOne, use(user), use(k), use(abandoned), now;
            continue;
        }
        if (status.isNull())
            throw sdk::Conflict("A request with this Idempotency-Key is still being processed; retry later",
                                {{"Idempotency-Key", "in_progress", "the first request with this key has not finished"}});
        return StoredReply{status.value(), response.isNull() ? std::string() : response.value()};
    }
    throw sdk::Conflict("This Idempotency-Key is being used concurrently; retry later",
                        {{"Idempotency-Key", "in_progress", "the key is being claimed by another request"}});
}

void IdempotencyStore::complete(std::int64_t userId, const std::string& key, int status, const std::string& body)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 user = userId;
    std::string k = key, b = body;
    int s = status;
    session << kComplete, use(s), use(b), use(user), use(k), now;
}

void IdempotencyStore::release(std::int64_t userId, const std::string& key)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 user = userId;
    std::string k = key;
    session << kRelease, use(user), use(k), now;
}

void IdempotencyStore::purgeExpired()
{
    const std::int64_t nowSeconds = Poco::Timestamp().epochTime();
    std::int64_t last = _lastPurge.load();
    if (nowSeconds - last < kPurgeEverySeconds || !_lastPurge.compare_exchange_strong(last, nowSeconds))
        return;
    Poco::Data::Session session = _db.session();
    std::string cutoff = sdk::utcFromNow(-kLifetimeSeconds);
    session << kPurge, use(cutoff), now;
}

} // namespace mercato::host
