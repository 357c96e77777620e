#pragma once
#include "mercato/sdk/Config.h"
#include "mercato/sdk/Database.h"

#include <Poco/Data/SessionPool.h>

#include <memory>
#include <string>

namespace mercato::host {

/// Connection settings of the `db.*` section.
struct DatabaseSettings {
    sdk::Dialect dialect = sdk::Dialect::SQLite;
    std::string file;            ///< SQLite
    std::string host, name, user, password;
    int port = 3306;
    int poolMin = 1;
    int poolMax = 32;
    int idleSeconds = 60;
    int waitMillis = 2000;       ///< how long session() waits for a connection when all are taken
    int busyTimeoutSeconds = 10; ///< SQLite writers wait this long for the lock
    int connectTimeoutSeconds = 5;

    static DatabaseSettings fromConfig(const sdk::Config& db);
    /// "mysql://user@host:port/name" or "sqlite:file" — no password, for logs and errors.
    std::string describe() const;
};

/// sdk::Database over a Poco::Data::SessionPool, for MariaDB/MySQL and SQLite.
class PooledDatabase final : public sdk::Database {
public:
    /// Opens the pool and checks one connection; throws StartupError naming the host or file
    /// when the database cannot be reached.
    explicit PooledDatabase(DatabaseSettings settings);
    ~PooledDatabase() override;

    sdk::Dialect dialect() const override { return _settings.dialect; }
    /// A pooled session; when every connection is taken, waits up to `waitMillis` for one to come
    /// back (POCO's SessionPool would fail at once), then ServiceUnavailable.
    Poco::Data::Session session() override;
    void migrate(const std::string& owner, const sdk::MigrationSet& migrations) override;
    bool ping() override;
    int poolSize() const override;
    int poolIdle() const override;

    const DatabaseSettings& settings() const { return _settings; }

private:
    DatabaseSettings _settings;
    std::unique_ptr<Poco::Data::SessionPool> _pool;
};

} // namespace mercato::host
