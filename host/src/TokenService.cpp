#include "TokenService.h"

#include <Poco/Exception.h>
#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Token.h>
#include <Poco/NumberParser.h>
#include <Poco/Timestamp.h>

#include <mutex>

namespace mercato::host {

namespace {

std::int64_t nowSeconds()
{
    return Poco::Timestamp().epochTime();
}

/// Reads a NumericDate claim; false when absent or not a number.
bool numericClaim(const Poco::JWT::Token& token, const std::string& name, std::int64_t& out)
{
    const auto& payload = token.payload();
    if (!payload.has(name))
        return false;
    Poco::Dynamic::Var v = payload.get(name);
    if (!v.isNumeric() || v.isBoolean())
        return false;
    double seconds = 0;
    try {
        seconds = v.convert<double>();
    } catch (const Poco::Exception&) {
        return false;
    }
    // A time no 64-bit count of seconds holds (1e300, NaN) is not a date: converting it would be
    // undefined behaviour (found by fuzz/TokenServiceFuzzer, seed exp-huge).
    if (!(seconds > -9.2e18 && seconds < 9.2e18))
        return false;
    out = static_cast<std::int64_t>(seconds);
    return true;
}

/// A compact JWS is exactly three non-empty base64url segments (RFC 7515 §3.1, §7.1; no padding).
/// POCO's parser reads the first three segments and ignores anything after a third dot.
bool isThreeBase64UrlSegments(const std::string& jwt)
{
    int dots = 0;
    bool segmentEmpty = true;
    for (const char c : jwt) {
        if (c == '.') {
            if (segmentEmpty)
                return false;
            ++dots;
            segmentEmpty = true;
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
            segmentEmpty = false;
        } else {
            return false;
        }
    }
    return dots == 2 && !segmentEmpty;
}

/// Reads an integer claim (not a boolean, not a fraction); false when absent or not one.
bool integerClaim(const Poco::JWT::Token& token, const std::string& name, std::int64_t& out)
{
    const auto& payload = token.payload();
    if (!payload.has(name))
        return false;
    Poco::Dynamic::Var v = payload.get(name);
    if (!v.isInteger() || v.isBoolean())
        return false;
    try {
        out = v.convert<Poco::Int64>();
    } catch (const Poco::Exception&) {
        return false;
    }
    return true;
}

} // namespace

TokenService::TokenService(std::string secret, std::string issuer, std::int64_t lifetimeSeconds)
    : _signer(secret), _issuer(std::move(issuer)), _lifetime(lifetimeSeconds)
{
    // Only HS256 is accepted: "none", other HMAC sizes and any asymmetric algorithm are refused.
    _signer.setAlgorithms({Poco::JWT::Signer::ALGO_HS256});
}

std::string TokenService::issue(const sdk::Principal& principal) const
{
    const std::int64_t now = nowSeconds();
    return issueAt(principal, now, now + _lifetime);
}

std::string TokenService::issueAt(const sdk::Principal& principal, std::int64_t issuedAt, std::int64_t expiresAt) const
{
    Poco::JWT::Token token;
    token.setType("JWT");
    token.setSubject(std::to_string(principal.id));
    token.payload().set("role", principal.role);
    token.payload().set("ver", static_cast<Poco::Int64>(principal.tokenVersion));
    token.payload().set("iat", static_cast<Poco::Int64>(issuedAt));
    token.payload().set("exp", static_cast<Poco::Int64>(expiresAt));
    token.setIssuer(_issuer);
    return _signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

std::optional<VerifiedClaims> TokenService::verify(const std::string& jwt, std::string& why) const
{
    const std::int64_t now = nowSeconds();
    {
        std::shared_lock lock(_rememberedMutex);
        if (auto it = _remembered.find(jwt); it != _remembered.end()) {
            if (it->second.expiresAt <= now) {
                why = "expired";
                return std::nullopt;
            }
            return it->second.claims;
        }
    }
    std::int64_t expiresAt = 0;
    std::optional<VerifiedClaims> claims = check(jwt, why, expiresAt);
    if (claims) {
        std::unique_lock lock(_rememberedMutex);
        if (_remembered.size() >= kRemembered)
            _remembered.clear();
        _remembered.emplace(jwt, Remembered{*claims, expiresAt});
    }
    return claims;
}

std::optional<VerifiedClaims> TokenService::check(const std::string& jwt, std::string& why, std::int64_t& expiresAt) const
{
    if (!isThreeBase64UrlSegments(jwt)) {
        why = "not three base64url segments";
        return std::nullopt;
    }
    Poco::JWT::Token token;
    try {
        if (!_signer.tryVerify(jwt, token)) {
            why = "bad signature";
            return std::nullopt;
        }
    } catch (const Poco::Exception& e) {
        // UnallowedAlgorithmException for alg "none"/RS256..., ParseException for garbage.
        why = e.displayText();
        return std::nullopt;
    } catch (const std::exception& e) {
        why = e.what();
        return std::nullopt;
    }
    if (token.getAlgorithm() != Poco::JWT::Signer::ALGO_HS256) {
        why = "algorithm " + token.getAlgorithm();
        return std::nullopt;
    }
    const std::int64_t now = nowSeconds();
    std::int64_t exp = 0;
    if (!numericClaim(token, "exp", exp)) {
        why = "no exp";
        return std::nullopt;
    }
    if (exp <= now) {
        why = "expired";
        return std::nullopt;
    }
    std::int64_t nbf = 0;
    if (token.payload().has("nbf") && (!numericClaim(token, "nbf", nbf) || nbf > now)) {
        why = "not yet valid";
        return std::nullopt;
    }
    const auto& payload = token.payload();
    if (!payload.has("iss") || !payload.get("iss").isString() || payload.getValue<std::string>("iss") != _issuer) {
        why = "wrong issuer";
        return std::nullopt;
    }
    if (!payload.has("sub") || !payload.get("sub").isString()) {
        why = "no subject";
        return std::nullopt;
    }
    const std::string sub = payload.getValue<std::string>("sub");
    Poco::Int64 id = 0;
    if (sub.empty() || sub.find_first_not_of("0123456789") != std::string::npos || !Poco::NumberParser::tryParse64(sub, id) || id <= 0) {
        why = "bad subject";
        return std::nullopt;
    }
    std::int64_t version = 0;
    if (payload.has("ver") && (!integerClaim(token, "ver", version) || version < 0)) {
        why = "bad token version";
        return std::nullopt;
    }
    VerifiedClaims claims;
    claims.userId = id;
    claims.tokenVersion = version;
    if (payload.has("role") && payload.get("role").isString())
        claims.role = payload.getValue<std::string>("role");
    expiresAt = exp;
    return claims;
}

} // namespace mercato::host
