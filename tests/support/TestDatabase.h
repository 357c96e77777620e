#pragma once
#include "PooledDatabase.h"
#include "TestEnv.h"

#include <memory>

namespace mercato::test {

/// A fresh, empty service database of either dialect for integration tests: a SQLite file in a
/// temporary directory, or a scratch MariaDB database. Both are removed afterwards.
class TestDatabase {
public:
    /// `poolMax` and `waitMillis` as db.pool.max and db.pool.waitMillis.
    explicit TestDatabase(sdk::Dialect dialect, int poolMax = 64, int waitMillis = 2000)
    {
        host::DatabaseSettings s;
        s.dialect = dialect;
        s.poolMin = 1;
        s.poolMax = poolMax;
        s.waitMillis = waitMillis;
        if (dialect == sdk::Dialect::SQLite) {
            _dir = std::make_unique<TempDir>();
            s.file = _dir->file("test.db");
        } else {
            _mysql = std::make_unique<ScratchMySqlDatabase>();
            s.host = _mysql->server().host;
            s.port = _mysql->server().port;
            s.user = _mysql->server().user;
            s.password = _mysql->server().password;
            s.name = _mysql->name();
        }
        db = std::make_unique<host::PooledDatabase>(s);
    }

    sdk::Database& operator*() { return *db; }

private:
    // Declared before `db` so they outlive it: the pool closes its connections before the scratch
    // database is dropped (a pooled connection would hold its metadata lock).
    std::unique_ptr<TempDir> _dir;
    std::unique_ptr<ScratchMySqlDatabase> _mysql;

public:
    std::unique_ptr<host::PooledDatabase> db;
};

} // namespace mercato::test
