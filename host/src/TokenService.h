#pragma once
#include "mercato/sdk/Principal.h"
#include "mercato/sdk/UserDirectory.h"

#include <Poco/Crypto/OpenSSLInitializer.h>
#include <Poco/JWT/Signer.h>

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace mercato::host {

/// The claims of a token that passed every check.
struct VerifiedClaims {
    std::int64_t userId = 0;
    std::string role;
    /// The `ver` claim; 0 for a token without one (issued before versions existed).
    std::int64_t tokenVersion = 0;
};

/// Issues and verifies this service's HS256 access tokens (API.md §1 "Auth").
///
/// POCO's Signer only checks the signature and the algorithm list (and throws for `alg: none`),
/// so this class checks the rest itself: exactly three non-empty base64url segments, HS256 only,
/// `exp` present and in the future, `nbf` if present, `iss` equal to this service's issuer, `sub`
/// a positive integer in a string, `ver` (when present) a non-negative integer. Whether `ver` is
/// the user's current token version is the caller's check (HttpFrontend, with the user directory).
class TokenService final : public sdk::TokenIssuer {
public:
    TokenService(std::string secret, std::string issuer, std::int64_t lifetimeSeconds);

    std::string issue(const sdk::Principal& principal) const override;
    /// Issues a token with explicit times, for tests of expiry.
    std::string issueAt(const sdk::Principal& principal, std::int64_t issuedAt, std::int64_t expiresAt) const;

    /// The claims when `jwt` is valid now; otherwise nullopt and `why` says what failed (for logs;
    /// clients only ever see one generic message). A token that passed every check is remembered
    /// (kRemembered at most, then the memory starts over), so its next requests skip the HMAC and the
    /// JSON; its expiry is still checked on every call.
    std::optional<VerifiedClaims> verify(const std::string& jwt, std::string& why) const;

    /// Most verified tokens remembered at once.
    static constexpr std::size_t kRemembered = 4096;

    const std::string& issuer() const { return _issuer; }

private:
    struct Remembered {
        VerifiedClaims claims;
        std::int64_t expiresAt = 0;
    };
    std::optional<VerifiedClaims> check(const std::string& jwt, std::string& why, std::int64_t& expiresAt) const;

    // Holds OpenSSL initialised while the service lives: otherwise each HMAC digest initialises and
    // uninitialises it, and concurrent verifications race in OpenSSLInitializer::uninitialize() and
    // crash (POCO 1.11). Declared first so it outlives the signer.
    Poco::Crypto::OpenSSLInitializer _crypto;
    Poco::JWT::Signer _signer;
    std::string _issuer;
    std::int64_t _lifetime;
    // By the whole token (its signature alone would also match a forged payload under it).
    mutable std::shared_mutex _rememberedMutex;
    mutable std::unordered_map<std::string, Remembered> _remembered;
};

} // namespace mercato::host
