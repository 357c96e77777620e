#pragma once
#include "domain/UserStore.h"

#include "mercato/sdk/Database.h"

namespace mercato::accounts {

/// UserStore on the service database (MariaDB or SQLite), table `users`.
class SqlUserStore final : public UserStore {
public:
    explicit SqlUserStore(sdk::Database& db) : _db(db) {}

    std::optional<User> findById(std::int64_t id) override;
    std::optional<User> findByUsername(const std::string& username) override;
    User create(User user) override;
    std::vector<User> list(std::int64_t limit, std::int64_t offset) override;
    std::int64_t count() override;
    bool update(const User& user, bool revokeTokens) override;
    bool remove(std::int64_t id) override;

private:
    sdk::Database& _db;
};

} // namespace mercato::accounts
