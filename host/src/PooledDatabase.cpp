#include "PooledDatabase.h"

#include "ConfigError.h"
#include "Migrator.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Sql.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/Connector.h>
#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/MySQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/SessionFactory.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace Poco::Data::Keywords;

namespace mercato::host {

namespace {

/// Connections coming back to a pool (SessionPool::putBack resets them): session() waits on this
/// instead of failing when every connection is taken. One for the process: a wake-up meant for
/// another pool only makes a waiter try again.
struct Returns {
    std::atomic<std::uint64_t> count{0};
    std::atomic<int> waiting{0}; ///< threads in session() waiting for a return
    std::mutex mutex;
    std::condition_variable returned;

    void signal()
    {
        ++count;
        { std::lock_guard lock(mutex); } // a waiter between its check and its wait sees the count
        returned.notify_one();
    }
};

Returns& returns()
{
    static Returns r;
    return r;
}

/// A connection that keeps its prepared statements (sdk::sql::prepared) for as long as it lives:
/// POCO's session with a StatementCache, handed out through a session property (which the pool's
/// sessions pass on to the connection). The statements go before the connection closes.
template <class Base>
class KeepingConnection : public Base {
public:
    KeepingConnection(const std::string& connection, std::size_t timeout) : Base(connection, timeout) {}
    ~KeepingConnection() override { _statements.clear(); }

    void close() override
    {
        _statements.clear();
        Base::close();
    }

    /// Called by the pool when the connection comes back in good order.
    void reset() override
    {
        Base::reset();
        returns().signal();
    }

    Poco::Any getProperty(const std::string& name) override
    {
        if (name != sdk::sql::statementCacheProperty())
            return Base::getProperty(name);
        if (!this->isConnected())
            return static_cast<sdk::sql::StatementCache*>(nullptr);
        forgetAfterReconnect();
        return &_statements;
    }

private:
    void forgetAfterReconnect();

    sdk::sql::StatementCache _statements;
    unsigned long _serverThread = 0;
};

/// MariaDB: a reconnect (db auto-reconnect) drops the server's prepared statements; the server
/// thread id tells that it happened.
template <>
void KeepingConnection<Poco::Data::MySQL::SessionImpl>::forgetAfterReconnect()
{
    const unsigned long thread = mysql_thread_id(this->handle());
    if (thread != _serverThread) {
        _statements.clear();
        _serverThread = thread;
    }
}

/// SQLite: the file stays open as long as the session.
template <>
void KeepingConnection<Poco::Data::SQLite::SessionImpl>::forgetAfterReconnect()
{
}

/// The connector of KeepingConnection<Base>, registered as `name` beside POCO's own.
template <class Base>
class KeepingConnector final : public Poco::Data::Connector {
public:
    explicit KeepingConnector(std::string name) : _name(std::move(name)) {}
    const std::string& name() const override { return _name; }
    Poco::AutoPtr<Poco::Data::SessionImpl> createSession(const std::string& connection, std::size_t timeout) override
    {
        return new KeepingConnection<Base>(connection, timeout);
    }

private:
    std::string _name;
};

const std::string kMySqlConnector = "mercato-mysql";
const std::string kSqliteConnector = "mercato-sqlite";

void registerConnectors()
{
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Data::MySQL::Connector::registerConnector(); // initialises the client library
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::SessionFactory::instance().add(new KeepingConnector<Poco::Data::MySQL::SessionImpl>(kMySqlConnector));
        Poco::Data::SessionFactory::instance().add(new KeepingConnector<Poco::Data::SQLite::SessionImpl>(kSqliteConnector));
    });
}

/// Sets up every new pooled connection: UTF-8 and UTC on MariaDB; foreign keys, WAL and the busy
/// timeout on SQLite (these are per-connection settings).
class ConfiguredPool final : public Poco::Data::SessionPool {
public:
    ConfiguredPool(const DatabaseSettings& s, const std::string& connector, const std::string& connection)
        : Poco::Data::SessionPool(connector, connection, s.poolMin, s.poolMax, s.idleSeconds),
          _dialect(s.dialect), _busyMillis(s.busyTimeoutSeconds * 1000)
    {
    }

protected:
    void customizeSession(Poco::Data::Session& session) override
    {
        if (_dialect == sdk::Dialect::MySQL) {
            session << "SET NAMES utf8mb4", now;
            session << "SET time_zone = '+00:00'", now;
            session << "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'", now;
        } else {
            session << "PRAGMA busy_timeout = " + std::to_string(_busyMillis), now;
            session << "PRAGMA foreign_keys = ON", now;
            session << "PRAGMA synchronous = NORMAL", now;
        }
    }

private:
    sdk::Dialect _dialect;
    int _busyMillis;
};

} // namespace

DatabaseSettings DatabaseSettings::fromConfig(const sdk::Config& db)
{
    DatabaseSettings s;
    s.dialect = db.getString("type") == "mysql" ? sdk::Dialect::MySQL : sdk::Dialect::SQLite;
    s.file = db.getString("file");
    s.host = db.getString("host");
    s.port = static_cast<int>(db.getInt("port"));
    s.name = db.getString("name");
    s.user = db.getString("user");
    s.password = db.getString("password");
    s.poolMin = static_cast<int>(db.getInt("pool.min"));
    s.poolMax = static_cast<int>(db.getInt("pool.max"));
    s.idleSeconds = static_cast<int>(db.getInt("pool.idleSeconds"));
    s.waitMillis = static_cast<int>(db.getInt("pool.waitMillis"));
    s.busyTimeoutSeconds = static_cast<int>(db.getInt("busyTimeout"));
    s.connectTimeoutSeconds = static_cast<int>(db.getInt("connectTimeout"));
    if (s.dialect == sdk::Dialect::MySQL && (s.host.empty() || s.name.empty() || s.user.empty()))
        throw ConfigError("db.type = mysql needs db.host, db.name and db.user");
    if (s.dialect == sdk::Dialect::SQLite && s.file.empty())
        throw ConfigError("db.type = sqlite needs db.file");
    if (s.poolMin > s.poolMax)
        throw ConfigError("db.pool.min must not exceed db.pool.max");
    return s;
}

std::string DatabaseSettings::describe() const
{
    if (dialect == sdk::Dialect::SQLite)
        return "sqlite:" + file;
    return "mysql://" + user + "@" + host + ":" + std::to_string(port) + "/" + name;
}

PooledDatabase::PooledDatabase(DatabaseSettings settings) : _settings(std::move(settings))
{
    registerConnectors();
    std::string connector, connection;
    if (_settings.dialect == sdk::Dialect::SQLite) {
        Poco::Path parent = Poco::Path(_settings.file).makeParent();
        if (!parent.toString().empty())
            Poco::File(parent).createDirectories();
        connector = kSqliteConnector;
        connection = _settings.file;
    } else {
        connector = kMySqlConnector;
        connection = "host=" + _settings.host + ";port=" + std::to_string(_settings.port) + ";db=" + _settings.name + ";user="
                     + _settings.user + ";password=" + _settings.password + ";compress=false;auto-reconnect=true";
    }
    try {
        _pool = std::make_unique<ConfiguredPool>(_settings, connector, connection);
        Poco::Data::Session s = _pool->get();
        if (_settings.dialect == sdk::Dialect::SQLite) {
            // WAL is a property of the database file: readers no longer block the writer.
            std::string mode;
            s << "PRAGMA journal_mode = WAL", into(mode), now;
        } else {
            int one = 0;
            s << "SELECT 1", into(one), now;
        }
    } catch (const Poco::Exception& e) {
        throw StartupError("cannot open database " + _settings.describe() + ": " + e.displayText());
    }
}

PooledDatabase::~PooledDatabase()
{
    if (_pool)
        _pool->shutdown();
}

Poco::Data::Session PooledDatabase::session()
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(_settings.waitMillis);
    try {
        Returns& r = returns();
        for (bool waited = false;; waited = true) {
            const std::uint64_t seen = r.count.load();
            // Asking a full pool costs an exception each time: ask only when a connection is free.
            // A newcomer does not jump ahead of threads already waiting (their tail would grow).
            if ((waited || r.waiting.load() == 0) && _pool->available() > 0) {
                try {
                    return _pool->get();
                } catch (const Poco::Data::SessionPoolExhaustedException&) {
                    // taken between the look and the get
                }
            }
            if (std::chrono::steady_clock::now() >= deadline)
                throw sdk::ServiceUnavailable("The database is busy; try again");
            // A connection that fails its check on return is dropped without a signal, and another
            // pool's return wakes a waiter too: wait in short slices and try again either way.
            ++r.waiting;
            {
                std::unique_lock lock(r.mutex);
                r.returned.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(20)),
                                      [&] { return r.count.load() != seen; });
            }
            --r.waiting;
        }
    } catch (const Poco::Data::ConnectionFailedException&) {
        throw sdk::ServiceUnavailable("The database is not reachable");
    } catch (const Poco::Data::SessionUnavailableException&) {
        throw sdk::ServiceUnavailable("The database is not reachable");
    }
}

void PooledDatabase::migrate(const std::string& owner, const sdk::MigrationSet& migrations)
{
    Migrator(*this).apply(owner, migrations);
}

bool PooledDatabase::ping()
{
    try {
        Poco::Data::Session s = session();
        int one = 0;
        s << "SELECT 1", into(one), now;
        return one == 1;
    } catch (...) {
        return false;
    }
}

int PooledDatabase::poolSize() const
{
    return _pool->allocated();
}

int PooledDatabase::poolIdle() const
{
    return _pool->idle();
}

} // namespace mercato::host
