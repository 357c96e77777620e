#pragma once
#include "ConfigStore.h"
#include "HttpFrontend.h"
#include "IdempotencyStore.h"
#include "MetricsRegistry.h"
#include "PluginLoader.h"
#include "PooledDatabase.h"
#include "Registries.h"
#include "RouteTable.h"
#include "TokenService.h"

#include "HttpServer.h"

#include <Poco/ThreadPool.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace mercato::host {

/// Everything one running host owns, built in start-up order and torn down in reverse.
/// Separate from the Poco application so tests and the CLI path share it.
class Host {
public:
    /// Loads and validates the configuration and the plugins named in it. Throws ConfigError
    /// (exit 78) or StartupError (exit 1).
    explicit Host(const std::string& configPath);
    ~Host();

    /// Opens the database and starts every plugin in dependency order.
    void start(bool serving);
    /// Runs a CLI command; returns its exit code (64 for an unknown command).
    int runCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
    /// Starts the HTTP server; returns the bound port.
    int listen();
    /// Stops accepting, lets in-flight requests finish (up to `graceSeconds`), stops the plugins.
    void shutdown(int graceSeconds = 10);

    const CommandTable& commands() const { return _commands; }

private:
    class Context;

    void setupLogging();
    void stopPlugins();

    ConfigStore _config;
    std::string _serviceName;
    std::unique_ptr<PluginLoader> _loader;
    std::vector<LoadedPlugin*> _order;
    std::vector<std::unique_ptr<Context>> _contexts;
    std::vector<LoadedPlugin*> _started;
    std::unique_ptr<PooledDatabase> _database;
    std::unique_ptr<TokenService> _tokens;
    RouteTable _routes;
    MetricsRegistry _metrics;
    ServiceTable _services;
    CommandTable _commands;
    std::unique_ptr<IdempotencyStore> _idempotency;
    // The server's own pool: HTTPServer without one uses Poco's default pool, whose capacity (16)
    // silently caps http.maxThreads and starves keep-alive connections beyond it.
    std::unique_ptr<Poco::ThreadPool> _httpPool;
    std::unique_ptr<HttpServer> _http;
    bool _serving = false;
};

} // namespace mercato::host
