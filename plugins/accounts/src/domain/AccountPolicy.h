#pragma once
#include <string>
#include <vector>

namespace mercato::accounts {

/// One account created by `users mock-users`.
struct MockAccount {
    std::string username;
    std::string role;
    std::string name;
};

/// How a service's accounts behave (the `accounts.*` configuration).
struct AccountPolicy {
    std::vector<std::string> roles;  ///< every valid role
    std::string adminRole;           ///< may manage users; `Access::admin()` routes
    std::string signupRole;          ///< role given by POST /signup; empty: no public sign-up
    bool shippingAddress = false;    ///< users carry a shipping address (ecommerce buyers)
    std::vector<MockAccount> mockAccounts;
    std::string mockPassword;
    /// How long a user looked up to authenticate a request is reused (0: every request reads it).
    /// Changes made through this process take effect at once; those of other hosts on the same
    /// database within this time.
    long userCacheMillis = 0;

    bool isRole(const std::string& role) const;
};

} // namespace mercato::accounts
