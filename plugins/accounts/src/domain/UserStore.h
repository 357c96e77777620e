#pragma once
#include "domain/User.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::accounts {

/// Thrown by UserStore::create/update when the username is taken.
class DuplicateUsername : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Persistence of users; the SQL implementation lives in repository/.
class UserStore {
public:
    virtual ~UserStore() = default;
    virtual std::optional<User> findById(std::int64_t id) = 0;
    virtual std::optional<User> findByUsername(const std::string& username) = 0;
    /// Inserts `user` (id and timestamps are assigned) and returns it as stored.
    virtual User create(User user) = 0;
    /// Users ordered by id.
    virtual std::vector<User> list(std::int64_t limit, std::int64_t offset) = 0;
    virtual std::int64_t count() = 0;
    /// Writes name, password hash, role, shipping address and updated_at; `revokeTokens` also
    /// raises the stored token version by one in the same statement. The version is never written
    /// from `user`, so an update from a copy read before a revocation cannot undo it. The result is
    /// the affected-row count's verdict, which MariaDB reports as false for an unchanged row.
    virtual bool update(const User& user, bool revokeTokens) = 0;
    virtual bool remove(std::int64_t id) = 0;
};

} // namespace mercato::accounts
