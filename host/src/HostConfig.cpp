#include "HostConfig.h"

#include <Poco/Path.h>

#include <climits>
#include <unistd.h>

namespace mercato::host {

std::vector<HostSection> hostConfigSections()
{
    using namespace sdk;
    ConfigKey secret = requiredKey("jwtSecret", "HS256 signing secret of this service's tokens, at least 32 bytes");
    secret.secret = true;
    ConfigKey dbPassword = stringKey("password", "", "database password");
    dbPassword.secret = true;
    ConfigKey redisPassword = stringKey("password", "", "Redis password (AUTH), empty for none");
    redisPassword.secret = true;
    return {
        {"service", {stringKey("name", "mercato", "service name, shown in logs, /openapi.json and metrics")}},
        {"http",
         {stringKey("host", "0.0.0.0", "address to listen on"),
          integerKey("port", 8000, 0, 65535, "TCP port (0 picks a free port, printed at start)"),
          integerKey("maxThreads", 64, 1, 4096, "worker threads = keep-alive connections served at once"),
          integerKey("maxQueued", 256, 1, 100000, "accepted connections waiting for a worker"),
          integerKey("backlog", 1024, 1, 65535, "listen(2) backlog"),
          booleanKey("keepAlive", true, "allow persistent connections"),
          integerKey("keepAliveTimeout", 10, 1, 3600, "seconds an idle kept-alive connection holds its worker"),
          integerKey("maxKeepAliveRequests", 1000, 0, 1000000, "requests per connection before it is closed (0: unlimited)"),
          integerKey("receiveTimeout", 30, 1, 3600, "seconds to wait for a request's bytes"),
          integerKey("headerTimeout", 10, 1, 3600, "seconds a whole request header may take to arrive (408 after)"),
          integerKey("busyHeaderMillis", 500, 1, 3600000,
                     "while connections wait for a worker: a header slower than this is cut (408)"),
          integerKey("busyIdleMillis", 100, 1, 3600000,
                     "while connections wait for a worker: a kept-alive connection idle this long is closed"),
          integerKey("maxBodyBytes", 1048576, 1, 1073741824, "largest request body accepted (413 above)"),
          booleanKey("accessLog", true, "log one line per request (logger mercato.access)")}},
        {"auth",
         {secret,
          requiredKey("issuer", "the `iss` claim issued and required, e.g. mercato-ecommerce"),
          integerKey("tokenLifetime", 3600, 60, 31 * 24 * 3600, "seconds a token is valid")}},
        {"db",
         {choiceKey("type", "sqlite", {"sqlite", "mysql"}, "sqlite (embedded file) or mysql (MariaDB/MySQL server)"),
          stringKey("file", "var/mercato.db", "SQLite database file (created with its directory)"),
          stringKey("host", "127.0.0.1", "MariaDB host"),
          integerKey("port", 3306, 1, 65535, "MariaDB port"),
          stringKey("name", "", "MariaDB database name"),
          stringKey("user", "", "MariaDB user"),
          dbPassword,
          integerKey("pool.min", 1, 0, 4096, "connections kept open"),
          integerKey("pool.max", 32, 1, 4096, "most connections: statements the database runs at once for this host (measured knee on 2 cores: 32)"),
          integerKey("pool.idleSeconds", 60, 1, 86400, "idle connections above pool.min close after this"),
          integerKey("pool.waitMillis", 2000, 0, 60000, "a request finding every connection taken waits this long for one, then 503"),
          integerKey("busyTimeout", 10, 0, 600, "SQLite: seconds a writer waits for the database lock"),
          integerKey("connectTimeout", 5, 1, 600, "seconds to wait for a connection")}},
        {"redis",
         {stringKey("host", "", "Redis host; empty: no Redis (the embedded default)"),
          integerKey("port", 6379, 1, 65535, "Redis port"),
          redisPassword}},
        {"plugins",
         {stringKey("dir", "", "directory of the plugin libraries (default: <exe>/../lib/mercato/plugins)"),
          requiredKey("load", "comma-separated plugin names to load, e.g. accounts, ecommerce")}},
        {"log",
         {choiceKey("level", "information", {"trace", "debug", "information", "notice", "warning", "error", "critical", "fatal"}, "log level"),
          stringKey("file", "", "log file; empty: standard error")}},
    };
}

std::string defaultPluginDirectory()
{
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return "lib/mercato/plugins";
    buf[n] = '\0';
    Poco::Path exe(buf);
    return exe.parent().popDirectory().pushDirectory("lib").pushDirectory("mercato").pushDirectory("plugins").toString();
}

} // namespace mercato::host
