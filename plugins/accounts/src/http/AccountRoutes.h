#pragma once
#include "domain/AccountService.h"
#include "domain/SigninLimiter.h"

#include "mercato/sdk/Router.h"
#include "mercato/sdk/UserDirectory.h"

namespace mercato::accounts {

/// The user JSON of API.md: {id,name,username,role[,shipping_address],created_at,updated_at}.
sdk::JsonObject userJson(const User& user, bool withShippingAddress);

/// The principal a token is issued for (and the host authenticates as): id, role, names, token version.
sdk::Principal principalOf(const User& user, sdk::JsonObject profile = nullptr);

/// Registers /signup (when the policy has a sign-up role), /signin (limited by `limiter`), /me and
/// /users. A route that hashes a password answers 503 with `Retry-After` when no hashing slot can be had.
void addAccountRoutes(sdk::Router& router, AccountService& service, const sdk::TokenIssuer& tokens, SigninLimiter& limiter);

/// The sdk::UserDirectory the host authenticates requests with.
class AccountDirectory final : public sdk::UserDirectory {
public:
    explicit AccountDirectory(AccountService& service) : _service(service) {}
    std::optional<sdk::Principal> findUser(std::int64_t id) override;
    std::string adminRole() const override { return _service.policy().adminRole; }

private:
    AccountService& _service;
};

} // namespace mercato::accounts
