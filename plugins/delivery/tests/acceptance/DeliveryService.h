#pragma once
// A running delivery service for acceptance tests: the real `mercato` binary with the accounts and
// delivery plugins on a fresh database (SQLite by default, MariaDB on request), the tokens of its
// two mock users (DELIVERY_ADMIN, DELIVERY_CLIENT), more clients on demand, and an HTTP client.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mercato::test {

class DeliveryService {
public:
    enum class Db { SQLite, MariaDB };

    /// Starts the service; `overrides` replace or add config keys (an empty value removes a key).
    explicit DeliveryService(Db db = Db::SQLite, const std::map<std::string, std::string>& overrides = {})
    {
        _config = baseConfig(_dir);
        _config["service.name"] = "delivery";
        _config["auth.issuer"] = "mercato-delivery";
        _config["plugins.load"] = "accounts, delivery";
        _config["accounts.roles"] = "DELIVERY_ADMIN, DELIVERY_CLIENT";
        _config["accounts.adminRole"] = "DELIVERY_ADMIN";
        _config.erase("accounts.signupRole");
        _config["accounts.shippingAddress"] = "false";
        _config["accounts.mockUsers"] = "admin@delivery.example.com:DELIVERY_ADMIN, delivery@example.com:DELIVERY_CLIENT";
        // The host's asynchronous notice "listening on port N" can interleave with the plain
        // "mercato: listening on port N" line HostProcess waits for (seen: start-up timed out with
        // the port printed); warnings and errors are still logged.
        _config["log.level"] = "warning";
        if (db == Db::MariaDB) {
            _mysql = std::make_unique<ScratchMySqlDatabase>();
            _config.erase("db.file");
            for (const auto& [k, v] : _mysql->configKeys())
                _config[k] = v;
        }
        for (const auto& [k, v] : overrides) {
            if (v.empty())
                _config.erase(k);
            else
                _config[k] = v;
        }
        writeProperties(_dir.file("cli.properties"), _config);
        RunResult mock = runMercato(_dir.file("cli.properties"), {"users", "mock-users"});
        if (mock.exitCode != 0)
            throw std::runtime_error("users mock-users failed (exit " + std::to_string(mock.exitCode) + "): " + mock.err);
        _tokens = parseMockTokens(mock.out);
        if (!_tokens.count("admin@delivery.example.com") || !_tokens.count("delivery@example.com"))
            throw std::runtime_error("users mock-users printed no tokens for the delivery mock users: " + mock.out);
        start();
    }

    const HttpTestClient& http() const { return *_http; }
    HostProcess& host() { return *_host; }
    int port() const { return _host->port(); }
    const TempDir& dir() const { return _dir; }
    const std::map<std::string, std::string>& config() const { return _config; }

    /// Stops the host (SIGTERM) and starts a new one on the same database and config.
    /// Returns the exit code of the stopped host.
    int restart()
    {
        _http.reset();
        const int code = _host->stop();
        _host.reset();
        start();
        return code;
    }

    /// Tokens of the mock users.
    std::string admin() const { return _tokens.at("admin@delivery.example.com"); }
    std::string client() const { return _tokens.at("delivery@example.com"); }

    /// Creates another DELIVERY_CLIENT account through `POST /users` as the admin, signs it in
    /// and returns its token. Throws when either step does not answer as API.md §3 says.
    std::string createClient(const std::string& username, const std::string& name = "Another Shop")
    {
        const std::string password = "client-password-1";
        Poco::JSON::Object user;
        user.set("name", name);
        user.set("username", username);
        user.set("password", password);
        user.set("role", "DELIVERY_CLIENT");
        HttpReply created = _http->post("/users", text(user), admin());
        if (created.status != 201)
            throw std::runtime_error("POST /users " + username + " gave " + std::to_string(created.status) + ": " + created.body);
        Poco::JSON::Object signin;
        signin.set("username", username);
        signin.set("password", password);
        HttpReply token = _http->post("/signin", text(signin));
        if (token.status != 200 || token.json.isNull() || !token.json->has("data"))
            throw std::runtime_error("POST /signin " + username + " gave " + std::to_string(token.status) + ": " + token.body);
        return token.json->getValue<std::string>("data");
    }

    /// The compact JSON text of an object.
    static std::string text(const Poco::JSON::Object& o)
    {
        std::ostringstream s;
        o.stringify(s);
        return s.str();
    }

private:
    void start()
    {
        _host = std::make_unique<HostProcess>(_dir, _config);
        _http = std::make_unique<HttpTestClient>(_host->port());
    }

    TempDir _dir;
    // Before _host: the host stops (and closes its connections) before the scratch database is dropped.
    std::unique_ptr<ScratchMySqlDatabase> _mysql;
    std::map<std::string, std::string> _config;
    std::map<std::string, std::string> _tokens;
    std::unique_ptr<HostProcess> _host;
    std::unique_ptr<HttpTestClient> _http;
};

} // namespace mercato::test
