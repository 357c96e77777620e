#include "TestEnv.h"

#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Process.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <stdexcept>

namespace mercato::test {

namespace {

std::string env(const std::string& name, const std::string& fallback)
{
    return Poco::Environment::get(name, fallback);
}

std::atomic<int> counter{0};

} // namespace

std::string buildDir()
{
    return env("MERCATO_BUILD_DIR", Poco::Path::current() + "build");
}

std::string sourceDir()
{
    return env("MERCATO_SOURCE_DIR", Poco::Path::current());
}

std::string mercatoBinary()
{
    return buildDir() + "/bin/mercato";
}

std::string pluginDir()
{
    return buildDir() + "/lib/mercato/plugins";
}

TempDir::TempDir()
{
    _path = buildDir() + "/test-tmp/t" + std::to_string(Poco::Process::id()) + "_" + std::to_string(++counter);
    Poco::File(_path).createDirectories();
}

TempDir::~TempDir()
{
    try {
        Poco::File(_path).remove(true);
    } catch (...) {
    }
}

MySqlServer MySqlServer::fromEnvironment()
{
    MySqlServer s;
    s.host = env("MERCATO_TEST_MYSQL_HOST", s.host);
    s.port = std::stoi(env("MERCATO_TEST_MYSQL_PORT", std::to_string(s.port)));
    s.user = env("MERCATO_TEST_MYSQL_USER", s.user);
    s.password = env("MERCATO_TEST_MYSQL_PASSWORD", s.password);
    return s;
}

ScratchMySqlDatabase::ScratchMySqlDatabase() : _server(MySqlServer::fromEnvironment())
{
    static std::once_flag once;
    std::call_once(once, [] { Poco::Data::MySQL::Connector::registerConnector(); });
    _name = "mercato_t_" + std::to_string(Poco::Process::id()) + "_" + std::to_string(++counter);
    Poco::Data::Session admin("mysql", "host=" + _server.host + ";port=" + std::to_string(_server.port) + ";user=" + _server.user
                                           + ";password=" + _server.password);
    admin << "DROP DATABASE IF EXISTS " + _name, Poco::Data::Keywords::now;
    admin << "CREATE DATABASE " + _name + " CHARACTER SET utf8mb4", Poco::Data::Keywords::now;
}

ScratchMySqlDatabase::~ScratchMySqlDatabase()
{
    try {
        Poco::Data::Session admin("mysql", "host=" + _server.host + ";port=" + std::to_string(_server.port) + ";user=" + _server.user
                                               + ";password=" + _server.password);
        admin << "DROP DATABASE IF EXISTS " + _name, Poco::Data::Keywords::now;
    } catch (...) {
    }
}

std::map<std::string, std::string> ScratchMySqlDatabase::configKeys() const
{
    return {{"db.type", "mysql"},
            {"db.host", _server.host},
            {"db.port", std::to_string(_server.port)},
            {"db.name", _name},
            {"db.user", _server.user},
            {"db.password", _server.password}};
}

std::map<std::string, std::string> baseConfig(const TempDir& dir)
{
    return {
        {"service.name", "ecommerce"},
        {"http.host", "127.0.0.1"},
        {"http.port", "0"},
        {"http.accessLog", "false"},
        {"auth.jwtSecret", kTestSecret},
        {"auth.issuer", "mercato-ecommerce"},
        {"db.type", "sqlite"},
        {"db.file", dir.file("service.db")},
        {"plugins.dir", pluginDir()},
        {"plugins.load", "accounts"},
        {"accounts.roles", "MARKETPLACE_ADMIN, SELLER, MARKETPLACE_USER, DELIVERY_SERVICE"},
        {"accounts.adminRole", "MARKETPLACE_ADMIN"},
        {"accounts.signupRole", "MARKETPLACE_USER"},
        {"accounts.shippingAddress", "true"},
        {"accounts.mockUsers",
         "market_admin@example.com:MARKETPLACE_ADMIN, seller@example.com:SELLER, user@example.com:MARKETPLACE_USER, "
         "delivery@example.com:DELIVERY_SERVICE"},
        {"accounts.hashCost", "1"},
    };
}

void writeProperties(const std::string& path, const std::map<std::string, std::string>& values)
{
    std::ofstream out(path);
    if (!out)
        throw std::runtime_error("cannot write " + path);
    for (const auto& [k, v] : values)
        out << k << " = " << v << '\n';
}

} // namespace mercato::test
