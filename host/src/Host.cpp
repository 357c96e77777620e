#include "Host.h"

#include "BatchingChannel.h"

#include "ConfigError.h"
#include "HostConfig.h"
#include "OperationsRoutes.h"
#include "SqlOutbox.h"

#include "mercato/sdk/PluginContext.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Command.h>
#include <Poco/Thread.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <sstream>

// Generated from host/sql by mercato_embed_migrations.
const mercato::sdk::MigrationSet& mercatoHostMigrations();

namespace mercato::host {

/// The PluginContext of one plugin.
class Host::Context final : public sdk::PluginContext {
public:
    Context(Host& host, const std::string& name, std::shared_ptr<const sdk::Config> config, bool serving)
        : _host(host), _config(std::move(config)), _logger(Poco::Logger::get("mercato." + name)), _serving(serving)
    {
    }
    const sdk::Config& config() const override { return *_config; }
    sdk::Router& router() override { return _host._routes; }
    sdk::Database& database() override { return *_host._database; }
    sdk::ServiceRegistry& services() override { return _host._services; }
    sdk::Cli& cli() override { return _host._commands; }
    sdk::Metrics& metrics() override { return _host._metrics; }
    const sdk::TokenIssuer& tokens() const override { return *_host._tokens; }
    Poco::Logger& logger() override { return _logger; }
    const std::string& serviceName() const override { return _host._serviceName; }
    bool serving() const override { return _serving; }

private:
    Host& _host;
    std::shared_ptr<const sdk::Config> _config;
    Poco::Logger& _logger;
    bool _serving;
};

Host::Host(const std::string& configPath) : _config(ConfigStore::load(configPath))
{
    for (auto& section : hostConfigSections())
        _config.declare(section.prefix, std::move(section.keys));

    // The plugin list and directory are needed before the whole file can be validated, because
    // the plugins declare the rest of the keys.
    auto plugins = _config.view("plugins");
    std::string dir = plugins->getString("dir");
    if (dir.empty())
        dir = defaultPluginDirectory();
    if (!_config.has("plugins.load"))
        throw ConfigError(_config.source() + ": missing required key 'plugins.load' (comma-separated plugin names to load)");
    _loader = std::make_unique<PluginLoader>(dir);
    _loader->load(plugins->getList("load"));
    _order = _loader->startOrder();
    for (auto* p : _order)
        _config.declare(p->info.name, p->info.configKeys);
    _config.validate();

    _serviceName = _config.view("service")->getString("name");
    auto auth = _config.view("auth");
    if (auth->getString("jwtSecret").size() < 32)
        throw ConfigError(_config.source() + ": auth.jwtSecret must be at least 32 bytes long");
    _tokens = std::make_unique<TokenService>(auth->getString("jwtSecret"), auth->getString("issuer"), auth->getInt("tokenLifetime"));
    setupLogging();
}

Host::~Host()
{
    try {
        shutdown(0);
    } catch (...) {
    }
}

void Host::setupLogging()
{
    auto log = _config.view("log");
    Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %q %s: %t"));
    formatter->setProperty("times", "UTC");
    Poco::AutoPtr<Poco::Channel> sink;
    if (log->getString("file").empty()) {
        sink = new Poco::ConsoleChannel;
    } else {
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(log->getString("file")));
        sink = file;
    }
    Poco::AutoPtr<Poco::FormattingChannel> formatting(new Poco::FormattingChannel(formatter, sink));
    // Request threads never wait for the terminal or the disk, nor wake a thread per message.
    Poco::AutoPtr<BatchingChannel> batching(new BatchingChannel(formatting));
    Poco::Logger::root().setChannel(batching);
    Poco::Logger::root().setLevel(log->getString("level"));
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(log->getString("level")));
}

void Host::start(bool serving)
{
    _serving = serving;
    _database = std::make_unique<PooledDatabase>(DatabaseSettings::fromConfig(*_config.view("db")));
    try {
        _database->migrate("mercato", mercatoHostMigrations());
    } catch (const std::exception& e) {
        throw StartupError(std::string("host migrations: ") + e.what());
    }
    _services.provide<sdk::Outbox>(std::make_shared<SqlOutbox>(*_database));
    _idempotency = std::make_unique<IdempotencyStore>(*_database);
    for (auto* p : _order) {
        auto context = std::make_unique<Context>(*this, p->info.name, _config.view(p->info.name), serving);
        _routes.setOwner(p->info.name);
        try {
            p->plugin->start(*context);
        } catch (const std::exception& e) {
            std::string message = "plugin '" + p->info.name + "' failed to start: " + e.what();
            stopPlugins();
            throw StartupError(message);
        }
        _contexts.push_back(std::move(context));
        _started.push_back(p);
    }
    auto& db = *_database;
    _metrics.gauge("mercato_db_pool_connections", "Database connections open", [&db] { return db.poolSize(); });
    _metrics.gauge("mercato_db_pool_idle", "Database connections idle in the pool", [&db] { return db.poolIdle(); });
}

int Host::runCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    std::size_t consumed = 0;
    const sdk::CliCommand* command = _commands.find(args, consumed);
    if (!command) {
        err << "mercato: unknown command '";
        for (std::size_t i = 0; i < args.size(); ++i)
            err << (i ? " " : "") << args[i];
        err << "'. Commands of the loaded plugins:\n";
        for (const auto& c : _commands.commands())
            err << "  " << c.name << "  " << c.summary << '\n';
        return 64;
    }
    std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(consumed), args.end());
    try {
        return command->run(rest, out);
    } catch (const std::exception& e) {
        err << "mercato: " << command->name << ": " << e.what() << '\n';
        return 1;
    }
}

int Host::listen()
{
    auto http = _config.view("http");
    auto redis = _config.view("redis");

    OperationsState ops;
    ops.serviceName = _serviceName;
    ops.database = _database.get();
    for (auto* p : _order)
        ops.plugins.push_back(p);
    if (!redis->getString("host").empty()) {
        const std::string host = redis->getString("host");
        const int port = static_cast<int>(redis->getInt("port"));
        const std::string password = redis->getString("password");
        ops.redisReachable = [host, port, password] {
            try {
                Poco::Redis::Client client;
                client.connect(host, port, Poco::Timespan(2, 0));
                if (!password.empty()) {
                    Poco::Redis::Array auth;
                    auth << "AUTH" << password;
                    client.execute<std::string>(auth);
                }
                Poco::Redis::Array ping;
                ping << "PING";
                return client.execute<std::string>(ping) == "PONG";
            } catch (...) {
                return false;
            }
        };
    }
    _routes.setOwner("host");
    addOperationsRoutes(_routes, _metrics, ops);

    FrontendSettings settings;
    settings.maxBodyBytes = static_cast<std::size_t>(http->getInt("maxBodyBytes"));
    settings.accessLog = http->getBool("accessLog");
    auto* frontend = new HttpFrontend(_routes, *_tokens, _metrics, settings);
    frontend->setUserDirectory(_services.find<sdk::UserDirectory>());
    frontend->setIdempotencyStore(_idempotency.get());

    Poco::AutoPtr<Poco::Net::HTTPServerParams> params(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(static_cast<int>(http->getInt("maxThreads")));
    params->setMaxQueued(static_cast<int>(http->getInt("maxQueued")));
    params->setKeepAlive(http->getBool("keepAlive"));
    params->setKeepAliveTimeout(Poco::Timespan(static_cast<long>(http->getInt("keepAliveTimeout")), 0));
    params->setMaxKeepAliveRequests(static_cast<int>(http->getInt("maxKeepAliveRequests")));
    params->setTimeout(Poco::Timespan(static_cast<long>(http->getInt("receiveTimeout")), 0));
    params->setServerName("mercato");
    params->setSoftwareVersion("mercato");

    ConnectionGuard guard;
    guard.headerTimeout = Poco::Timespan(static_cast<long>(http->getInt("headerTimeout")), 0);
    guard.busyHeader = Poco::Timespan(http->getInt("busyHeaderMillis") * 1000);
    guard.busyIdle = Poco::Timespan(http->getInt("busyIdleMillis") * 1000);
    auto load = std::make_shared<ServerLoad>();

    Poco::Net::SocketAddress address(http->getString("host"), static_cast<Poco::UInt16>(http->getInt("port")));
    Poco::Net::ServerSocket socket = HttpServer::guardedSocket(guard, load);
    try {
        socket.bind(address, true, true);
        socket.listen(static_cast<int>(http->getInt("backlog")));
    } catch (const Poco::Exception& e) {
        throw StartupError("cannot listen on " + address.toString() + ": " + e.displayText());
    }
    const int port = socket.address().port();
    const int threads = static_cast<int>(http->getInt("maxThreads"));
    _httpPool = std::make_unique<Poco::ThreadPool>("http", std::min(threads, 4), threads, 60);
    _http = std::make_unique<HttpServer>(frontend, *_httpPool, socket, params, load, _metrics);
    _http->start();
    return port;
}

void Host::shutdown(int graceSeconds)
{
    if (_http) {
        _http->stopAll(false);
        for (int waited = 0; waited < graceSeconds * 10 && _http->currentConnections() > 0; ++waited)
            Poco::Thread::sleep(100);
        if (_http->currentConnections() > 0)
            _http->stopAll(true);  // past the grace period: close what is still open
        _http.reset();
        _httpPool->joinAll();
        _httpPool.reset();
    }
    stopPlugins();
}

void Host::stopPlugins()
{
    for (auto it = _started.rbegin(); it != _started.rend(); ++it) {
        try {
            (*it)->plugin->stop();
        } catch (const std::exception& e) {
            Poco::Logger::get("mercato").error("plugin '%s' failed to stop: %s", (*it)->info.name, std::string(e.what()));
        }
    }
    _started.clear();
    _services.clear();
}

} // namespace mercato::host
