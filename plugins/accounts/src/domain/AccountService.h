#pragma once
#include "domain/AccountPolicy.h"
#include "domain/HashGate.h"
#include "domain/PasswordHasher.h"
#include "domain/UserStore.h"

#include <Poco/ExpireLRUCache.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mercato::accounts {

/// What a caller may change on a user; unset fields stay as they are.
struct UserChanges {
    std::optional<std::string> name;
    std::optional<std::string> password;
    std::optional<std::string> shippingAddress;
    std::optional<std::string> role;
};

/// The account rules shared by both services: sign-up, sign-in, user administration, mock users.
/// Every password hash (create, authenticate, a password change) takes a slot of `gate` first and
/// throws HashingBusy when none can be had.
class AccountService {
public:
    AccountService(UserStore& store, const PasswordHasher& hasher, HashGate& gate, AccountPolicy policy);

    const AccountPolicy& policy() const { return _policy; }

    /// Creates a user with a hashed password. Throws DuplicateUsername.
    User create(const std::string& name, const std::string& username, const std::string& password, const std::string& role,
                std::optional<std::string> shippingAddress);
    /// The user when the pair matches; spends the same hashing time for unknown usernames.
    std::optional<User> authenticate(const std::string& username, const std::string& password);
    std::optional<User> find(std::int64_t id) { return _store.findById(id); }
    /// The user a request's token names, through the short-lived cache of policy().userCacheMillis.
    std::optional<User> findForRequest(std::int64_t id);
    std::pair<std::vector<User>, std::int64_t> list(std::int64_t limit, std::int64_t offset);
    /// Applies `changes`; nullopt when the user does not exist. Throws DuplicateUsername. A new
    /// password raises the user's token version: every token issued before is refused from the
    /// next request on (this host's cache forgets the user at once).
    std::optional<User> update(std::int64_t id, const UserChanges& changes);
    bool remove(std::int64_t id);
    /// Creates the configured mock accounts that do not exist yet and returns all of them.
    std::vector<User> ensureMockAccounts();

private:
    void forget(std::int64_t id);
    std::string hashPassword(const std::string& password);
    bool verifyPassword(const std::string& password, const std::string& hash);

    UserStore& _store;
    const PasswordHasher& _hasher;
    HashGate& _gate;
    AccountPolicy _policy;
    std::unique_ptr<Poco::ExpireLRUCache<std::int64_t, User>> _requestCache; ///< null when off (thread-safe)
    /// Counts forget() calls: a user read before one of them is not put into the cache after it.
    std::atomic<std::uint64_t> _forgets{0};
};

} // namespace mercato::accounts
