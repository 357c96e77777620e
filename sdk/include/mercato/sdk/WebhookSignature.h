#pragma once
#include "Export.h"

#include <cstdint>
#include <string>

namespace mercato::sdk {

/// Standard Webhooks signatures (https://www.standardwebhooks.com), as API.md §3.3 uses them:
/// headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, several space-separated allowed),
/// where the key is the base64-decoded part of the secret after `whsec_`.
namespace webhook {

/// A new secret: `whsec_` + base64 of 32 random bytes.
MERCATO_SDK_API std::string generateSecret();

/// The `webhook-signature` value for this message. Throws std::invalid_argument for a secret that
/// is not `whsec_<base64>`.
MERCATO_SDK_API std::string sign(const std::string& secret, const std::string& id, std::int64_t timestamp,
                                 const std::string& body);

enum class Verdict { Valid, MissingHeaders, StaleTimestamp, BadSignature };

/// Checks a received webhook: headers present, timestamp within `toleranceSeconds` of `now`
/// (both directions), and one of the `v1` signatures matching (compared in constant time).
MERCATO_SDK_API Verdict verify(const std::string& secret, const std::string& id, const std::string& timestamp,
                               const std::string& signatures, const std::string& body, std::int64_t now,
                               std::int64_t toleranceSeconds = 300);

/// True when `secret` has the `whsec_<base64>` form with a non-empty key.
MERCATO_SDK_API bool isValidSecret(const std::string& secret);

} // namespace webhook
} // namespace mercato::sdk
