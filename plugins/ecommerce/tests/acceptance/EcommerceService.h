#pragma once
// A running ecommerce service for acceptance tests: the real `mercato` binary with the accounts and
// ecommerce plugins on a fresh database (SQLite by default, MariaDB on request), its four mock
// users' tokens, and an HTTP client.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

namespace mercato::test {

/// The Standard Webhooks secret the ecommerce service checks `POST /webhooks/delivery` with.
inline const char* kDeliveryWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

enum class Backend { SQLite, MySQL };

class EcommerceService {
public:
    /// Starts the service; `overrides` replace or add config keys (an empty value removes a key).
    explicit EcommerceService(Backend backend = Backend::SQLite, const std::map<std::string, std::string>& overrides = {})
    {
        _config = baseConfig(_dir);
        _config["plugins.load"] = "accounts, ecommerce";
        _config["ecommerce.delivery.webhookSecret"] = kDeliveryWebhookSecret;
        if (backend == Backend::MySQL) {
            _mysql = std::make_unique<ScratchMySqlDatabase>();
            _config.erase("db.file");
            for (const auto& [k, v] : _mysql->configKeys())
                _config[k] = v;
        }
        for (const auto& [k, v] : overrides) {
            if (v.empty()) _config.erase(k);
            else _config[k] = v;
        }
        writeProperties(_dir.file("cli.properties"), _config);
        RunResult mock = runMercato(_dir.file("cli.properties"), {"users", "mock-users"});
        if (mock.exitCode != 0)
            throw std::runtime_error("users mock-users failed: " + mock.err);
        _tokens = parseMockTokens(mock.out);
        _host = std::make_unique<HostProcess>(_dir, _config);
        _http = std::make_unique<HttpTestClient>(_host->port());
    }

    const HttpTestClient& http() const { return *_http; }
    HostProcess& host() { return *_host; }
    int port() const { return _host->port(); }
    const TempDir& dir() const { return _dir; }
    const std::map<std::string, std::string>& config() const { return _config; }

    /// Tokens of the mock users.
    std::string admin() const { return _tokens.at("market_admin@example.com"); }
    std::string seller() const { return _tokens.at("seller@example.com"); }
    std::string buyer() const { return _tokens.at("user@example.com"); }
    std::string deliveryService() const { return _tokens.at("delivery@example.com"); }

private:
    TempDir _dir;
    std::unique_ptr<ScratchMySqlDatabase> _mysql;
    std::map<std::string, std::string> _config;
    std::map<std::string, std::string> _tokens;
    std::unique_ptr<HostProcess> _host;
    std::unique_ptr<HttpTestClient> _http;
};

/// The compact JSON text of an object.
inline std::string jsonText(const Poco::JSON::Object& o)
{
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

} // namespace mercato::test
