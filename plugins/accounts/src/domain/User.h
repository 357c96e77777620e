#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace mercato::accounts {

/// A stored user. `username` is the normalized (trimmed, lower-cased) e-mail address.
struct User {
    std::int64_t id = 0;
    std::string name;
    std::string username;
    std::string passwordHash;
    std::string role;
    std::optional<std::string> shippingAddress;
    std::string createdAt;
    std::string updatedAt;
    /// Raised by every password change; tokens carry the version they were issued with (claim
    /// `ver`) and the host refuses the others, so a password change revokes earlier tokens.
    std::int64_t tokenVersion = 0;
};

} // namespace mercato::accounts
