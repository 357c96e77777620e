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
};

} // namespace mercato::sdk
