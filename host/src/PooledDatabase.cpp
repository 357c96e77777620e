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

#include <mutex>

using namespace Poco::Data::Keywords;

namespace mercato::host {

namespace {

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
    try {
        return _pool->get();
    } catch (const Poco::Data::SessionPoolExhaustedException&) {
        throw sdk::ServiceUnavailable("The database is busy; try again");
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
