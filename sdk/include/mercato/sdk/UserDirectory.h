#pragma once
#include "Export.h"
#include "Principal.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mercato::sdk {

/// The service's users, as the host needs them to authenticate requests and as other plugins need
/// them to check roles. Provided by the `accounts` plugin. When no plugin provides it the host trusts
/// a verified token's `sub` and `role` claims as they are.
class MERCATO_SDK_API UserDirectory {
public:
    static constexpr const char* kServiceName = "mercato.users";
    virtual ~UserDirectory();
    /// The live user with this id, or nullopt when there is none (deleted users included).
    virtual std::optional<Principal> findUser(std::int64_t id) = 0;
    /// The role whose members may use `Access::admin()` routes.
    virtual std::string adminRole() const = 0;
};

/// Issues this service's access tokens (HS256 JWTs with `sub`, `role`, `ver` = the principal's
/// `tokenVersion`, `iat`, `exp`, `iss`).
class MERCATO_SDK_API TokenIssuer {
public:
    virtual ~TokenIssuer();
    virtual std::string issue(const Principal& principal) const = 0;
};

} // namespace mercato::sdk
