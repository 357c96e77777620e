#include "mercato/sdk/Database.h"

#include "mercato/sdk/ApiError.h"

#include <Poco/Any.h>
#include <Poco/Data/DataException.h>
#include <Poco/Data/MySQL/SessionImpl.h>
#include <Poco/Data/PooledSessionImpl.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

namespace mercato::sdk {

const char* dialectName(Dialect dialect)
{
    return dialect == Dialect::MySQL ? "mysql" : "sqlite";
}

namespace {

/// Reaches the connection behind a pooled session. PooledSessionImpl::impl() is protected; a
/// pointer to it formed in a derived class may be applied to any PooledSessionImpl (standard C++).
struct PooledSessionAccess : Poco::Data::PooledSessionImpl {
    static Poco::Data::SessionImpl* inner(Poco::Data::PooledSessionImpl& pooled)
    {
        return (pooled.*(&PooledSessionAccess::impl))();
    }
};

/// The MariaDB connection of `session`, or nullptr when it is not a MariaDB session.
MYSQL* mysqlHandle(Poco::Data::Session& session)
{
    Poco::Data::SessionImpl* impl = session.impl();
    if (auto* pooled = dynamic_cast<Poco::Data::PooledSessionImpl*>(impl))
        impl = PooledSessionAccess::inner(*pooled);
    auto* mysql = dynamic_cast<Poco::Data::MySQL::SessionImpl*>(impl);
    return mysql ? static_cast<MYSQL*>(mysql->handle()) : nullptr;
}

/// Runs a statement without result set. On MariaDB as a plain query (one round trip; through
/// POCO every statement is prepared and executed, two round trips); elsewhere through POCO.
void runPlain(Poco::Data::Session& session, const std::string& sql)
{
    if (MYSQL* handle = mysqlHandle(session)) {
        if (mysql_real_query(handle, sql.data(), static_cast<unsigned long>(sql.size())) != 0)
            throw Poco::Data::DataException(sql + ": " + mysql_error(handle) + " (" + std::to_string(mysql_errno(handle)) + ")");
        return;
    }
    session << sql, Poco::Data::Keywords::now;
}

} // namespace

Transaction::Transaction(Database& db, Isolation isolation) : _session(db.session()), _dialect(db.dialect())
{
    if (isolation == Isolation::ReadCommitted && _dialect == Dialect::MySQL)
        runPlain(_session, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"); // the next transaction only
    // Plain SQL on both dialects, not Session::begin(): POCO 1.11's MySQL session turns autocommit
    // off in begin() and never back on, so every later read on that pooled connection would run in
    // an implicit transaction that is never committed (stale snapshots, held locks).
    // On SQLite a deferred BEGIN would fail with SQLITE_BUSY on the read→write upgrade instead of
    // waiting, hence IMMEDIATE.
    runPlain(_session, _dialect == Dialect::SQLite ? "BEGIN IMMEDIATE" : "START TRANSACTION");
    _open = true;
}

Transaction::~Transaction()
{
    if (_open) {
        try {
            rollback();
        } catch (...) {
            // A failed rollback leaves nothing to do: the connection is discarded by the pool.
        }
    }
}

void Transaction::commit()
{
    if (!_open)
        throw std::logic_error("Transaction::commit on a finished transaction");
    _open = false;
    runPlain(_session, "COMMIT");
}

void Transaction::rollback()
{
    if (!_open)
        return;
    _open = false;
    runPlain(_session, "ROLLBACK");
}

std::int64_t lastInsertId(Poco::Data::Session& session, Dialect dialect)
{
    Poco::Int64 id = 0;
    if (dialect == Dialect::MySQL) {
        // mysql_insert_id() of the connection: the id came with the INSERT's OK packet, so this
        // costs no round trip (a SELECT LAST_INSERT_ID() through POCO costs two: prepare, execute).
        return static_cast<std::int64_t>(Poco::AnyCast<Poco::UInt64>(session.getProperty("insertId")));
    }
    session << "SELECT last_insert_rowid()", Poco::Data::Keywords::into(id), Poco::Data::Keywords::now;
    return id;
}

namespace {

std::string messageOf(const std::exception& e)
{
    return errorText(e);
}

} // namespace

bool isUniqueViolation(const std::exception& e)
{
    const std::string text = messageOf(e);
    return text.find("Duplicate entry") != std::string::npos          // MariaDB/MySQL 1062
        || text.find("UNIQUE constraint failed") != std::string::npos // SQLite
        || text.find("PRIMARY KEY constraint failed") != std::string::npos;
}

bool isTransientConflict(const std::exception& e)
{
    const std::string text = messageOf(e);
    return text.find("Deadlock found") != std::string::npos || text.find("Lock wait timeout") != std::string::npos
           || text.find("database is locked") != std::string::npos || text.find("database is busy") != std::string::npos;
}

bool isConnectionLost(const std::exception& e)
{
    const std::string text = messageOf(e);
    // "Unknown prepared statement handler" (1243): the client library reconnected under a kept
    // statement (sql::prepared), whose server side went with the old connection.
    for (const char* needle : {"Lost connection to", "has gone away", "Can't connect to", "Server shutdown in progress",
                               "Unknown prepared statement handler"})
        if (text.find(needle) != std::string::npos)
            return true;
    return false;
}

bool isConstraintViolation(const std::exception& e)
{
    const std::string text = messageOf(e);
    return !isUniqueViolation(e)
        && (text.find("CHECK constraint failed") != std::string::npos // SQLite
            || text.find("constraint failed") != std::string::npos
            || text.find("CONSTRAINT") != std::string::npos           // MariaDB 4025
            || text.find("foreign key constraint fails") != std::string::npos);
}

std::string utcNow()
{
    return utcFromNow(0);
}

std::string utcFromNow(std::int64_t seconds)
{
    Poco::Timestamp t;
    t += static_cast<Poco::Timestamp::TimeDiff>(seconds) * Poco::Timestamp::resolution();
    return Poco::DateTimeFormatter::format(t, "%Y-%m-%d %H:%M:%S");
}

} // namespace mercato::sdk
