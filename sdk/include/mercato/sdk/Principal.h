#pragma once
#include "Json.h"

#include <cstdint>
#include <string>

namespace mercato::sdk {

/// The authenticated caller of a request, as loaded by the host from the verified token and the
/// service's user directory (so a deleted user or a changed role takes effect immediately).
struct Principal {
    std::int64_t id = 0;
    std::string role;
    std::string username;
    std::string name;
    /// The directory's public view of the user (the accounts plugin puts the user JSON of API.md
    /// here), so a handler such as `GET /me` needs no second read. May be null.
    JsonObject profile;
    /// The user's current token version (SDK 1.2). Tokens carry the version they were issued
    /// with (claim `ver`; a token without it counts as 0) and the host refuses one whose version
    /// differs, so raising it (the accounts plugin does on every password change) revokes every
    /// token issued before. A directory without versions leaves it 0.
    std::int64_t tokenVersion = 0;
};

} // namespace mercato::sdk
