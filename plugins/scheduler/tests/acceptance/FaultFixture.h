#pragma once
// Fault injection for acceptance tests against the real `mercato` binary: hosts that can be killed
// (SIGKILL), paused (SIGSTOP/SIGCONT) and started again on the same database and config; a
// database several hosts share (a SQLite file or a scratch MariaDB database) with a direct session
// for checking invariants; config builders for the delivery and ecommerce services with the
// scheduler plugin; small JSON helpers. Everything lives in mercato::test::fault.
#include "HostProcess.h"
#include "HttpTestClient.h"
#include "TestEnv.h"

#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

#include <cppunit/TestAssert.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace mercato::test::fault {

// ------------------------------------------------------------------ processes

/// The pid of the `mercato` process a HostProcess started: the child of this process whose command
/// line is `… --config <its config file>` (HostProcess does not tell its pid; config files are unique).
inline pid_t pidOf(const HostProcess& host)
{
    const pid_t self = ::getpid();
    DIR* proc = ::opendir("/proc");
    if (!proc)
        throw std::runtime_error("cannot read /proc");
    pid_t found = -1;
    while (dirent* entry = ::readdir(proc)) {
        const std::string name = entry->d_name;
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream cmd("/proc/" + name + "/cmdline", std::ios::binary);
        std::string all((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
        std::vector<std::string> args;
        std::string arg;
        for (char c : all) {
            if (c == '\0') {
                args.push_back(arg);
                arg.clear();
            } else {
                arg += c;
            }
        }
        bool match = false;
        for (std::size_t i = 0; i + 1 < args.size(); ++i)
            match = match || (args[i] == "--config" && args[i + 1] == host.configPath());
        if (!match)
            continue;
        std::ifstream stat("/proc/" + name + "/stat");
        std::string statLine;
        std::getline(stat, statLine);
        const auto close = statLine.rfind(')');
        std::istringstream rest(close == std::string::npos ? "" : statLine.substr(close + 1));
        std::string state;
        long ppid = 0;
        rest >> state >> ppid;
        if (ppid == self) {
            found = static_cast<pid_t>(std::stol(name));
            break;
        }
    }
    ::closedir(proc);
    if (found < 0)
        throw std::runtime_error("no child process runs with config " + host.configPath());
    return found;
}

/// One host that a test can stop, kill, pause and start again, always on the same config (and so
/// the same database). Its stderr is kept across incarnations.
class Node {
public:
    Node(const TempDir& dir, std::map<std::string, std::string> config, std::string label)
        : _dir(dir), _config(std::move(config)), _label(std::move(label))
    {
    }
    ~Node()
    {
        if (_paused)
            ::kill(_pid, SIGCONT);
    }
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    /// Starts a new process (the previous one must have ended).
    void start()
    {
        if (_host)
            throw std::logic_error(_label + " runs already");
        _host = std::make_unique<HostProcess>(_dir, _config);
        _pid = pidOf(*_host);
        _http = std::make_unique<HttpTestClient>(_host->port());
    }
    /// SIGTERM and wait; returns the exit code.
    int stop() { return end(false); }
    /// SIGKILL: the process dies at once, wherever it is; returns 128 + 9 when it did.
    int kill() { return end(true); }
    void pause()
    {
        requireRunning();
        ::kill(_pid, SIGSTOP);
        _paused = true;
    }
    void resume()
    {
        requireRunning();
        ::kill(_pid, SIGCONT);
        _paused = false;
    }

    bool running() const { return _host != nullptr; }
    pid_t pid() const { return _pid; }
    int port() const { return requireRunning(), _host->port(); }
    const HttpTestClient& http() const { return requireRunning(), *_http; }
    const std::string& label() const { return _label; }
    const std::map<std::string, std::string>& config() const { return _config; }
    /// Everything every incarnation wrote to stderr.
    std::string errors() const
    {
        std::string all = _pastErrors;
        if (_host)
            all += "---- " + _label + " (pid " + std::to_string(_pid) + ")\n" + _host->errors();
        return all;
    }

private:
    int end(bool hard)
    {
        requireRunning();
        if (hard)
            ::kill(_pid, SIGKILL);
        if (_paused)
            ::kill(_pid, SIGCONT);
        _paused = false;
        const int code = _host->stop(); // after SIGKILL: SIGTERM to a zombie, then reaped
        _pastErrors += "---- " + _label + " (pid " + std::to_string(_pid) + ", exit " + std::to_string(code) + ")\n" + _host->errors();
        _http.reset();
        _host.reset();
        return code;
    }
    void requireRunning() const
    {
        if (!_host)
            throw std::logic_error(_label + " is not running");
    }

    const TempDir& _dir;
    std::map<std::string, std::string> _config;
    std::string _label;
    std::unique_ptr<HostProcess> _host;
    std::unique_ptr<HttpTestClient> _http;
    pid_t _pid = -1;
    bool _paused = false;
    std::string _pastErrors;
};

// ------------------------------------------------------------------ databases

enum class Store { SQLite, MariaDB };

using Row = std::vector<Poco::Dynamic::Var>;

/// A service database that several hosts (and the test) open: a SQLite file in `dir` or a scratch
/// MariaDB database, removed afterwards.
class SharedDatabase {
public:
    SharedDatabase(Store store, const TempDir& dir, const std::string& file = "service.db")
    {
        if (store == Store::MariaDB) {
            _mysql = std::make_unique<ScratchMySqlDatabase>();
        } else {
            static std::once_flag once;
            std::call_once(once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
            _file = dir.file(file);
        }
    }

    Store store() const { return _mysql ? Store::MariaDB : Store::SQLite; }

    /// The db.* keys of a host config on this database.
    std::map<std::string, std::string> configKeys() const
    {
        if (_mysql)
            return _mysql->configKeys();
        return {{"db.type", "sqlite"}, {"db.file", _file}};
    }

    Poco::Data::Session session() const
    {
        if (_mysql) {
            const auto& s = _mysql->server();
            return Poco::Data::Session("mysql", "host=" + s.host + ";port=" + std::to_string(s.port) + ";user=" + s.user
                                                    + ";password=" + s.password + ";db=" + _mysql->name());
        }
        Poco::Data::Session s("sqlite", _file);
        s << "PRAGMA busy_timeout = 5000", Poco::Data::Keywords::now;
        return s;
    }

    /// Every row of a query (values as the connector gives them).
    std::vector<Row> rows(const std::string& sql) const
    {
        Poco::Data::Session s = session();
        Poco::Data::Statement st(s);
        st << sql;
        st.execute();
        Poco::Data::RecordSet rs(st);
        std::vector<Row> out;
        for (std::size_t r = 0; r < rs.rowCount(); ++r) {
            Row row;
            for (std::size_t c = 0; c < rs.columnCount(); ++c)
                row.push_back(rs.value(c, r));
            out.push_back(row);
        }
        return out;
    }

    /// The single integer a query answers (COUNT(*) and the like).
    std::int64_t scalar(const std::string& sql) const
    {
        auto r = rows(sql);
        if (r.size() != 1 || r[0].empty())
            throw std::runtime_error("expected one value from: " + sql);
        return r[0][0].isEmpty() ? 0 : r[0][0].convert<std::int64_t>();
    }

private:
    std::unique_ptr<ScratchMySqlDatabase> _mysql;
    std::string _file;
};

inline std::int64_t asInt(const Poco::Dynamic::Var& v) { return v.isEmpty() ? 0 : v.convert<std::int64_t>(); }
inline std::string asText(const Poco::Dynamic::Var& v) { return v.isEmpty() ? "" : v.convert<std::string>(); }

// ------------------------------------------------------------------ scheduler facts

/// One row of scheduler_task_runs.
struct TaskRun {
    std::int64_t slot = 0, fence = 0, missed = 0;
    std::string holder, outcome;
    /// The pid part of the holder "<node>:<pid>:<random>".
    pid_t pid() const
    {
        const auto last = holder.rfind(':');
        const auto before = last == std::string::npos || last == 0 ? std::string::npos : holder.rfind(':', last - 1);
        if (before == std::string::npos)
            return -1;
        return static_cast<pid_t>(std::stol(holder.substr(before + 1, last - before - 1)));
    }
};

/// The runs of a periodic task, by slot.
inline std::vector<TaskRun> taskRuns(const SharedDatabase& db, const std::string& task)
{
    std::vector<TaskRun> runs;
    for (const auto& r : db.rows("SELECT slot_start, fence, missed, holder, outcome FROM scheduler_task_runs WHERE task = '" + task
                                 + "' ORDER BY slot_start, id"))
        runs.push_back({asInt(r[0]), asInt(r[1]), asInt(r[2]), asText(r[3]), asText(r[4])});
    return runs;
}

inline std::int64_t runCount(const SharedDatabase& db, const std::string& task)
{
    return db.scalar("SELECT COUNT(*) FROM scheduler_task_runs WHERE task = '" + task + "'");
}

/// "slot holder fence" lines, for failure messages.
inline std::string describe(const std::vector<TaskRun>& runs)
{
    std::string s;
    for (const auto& r : runs)
        s += std::to_string(r.slot) + " " + r.holder + " fence " + std::to_string(r.fence) + " missed " + std::to_string(r.missed) + " "
             + r.outcome + "\n";
    return s;
}

// ------------------------------------------------------------------ configs

/// A service name no other test shares: it names the Redis lease key (mercato:<service>:scheduler:leader).
inline std::string uniqueServiceName(const std::string& base)
{
    static std::atomic<int> n{0};
    return base + "-fault-" + std::to_string(Poco::Process::id()) + "-" + std::to_string(++n);
}

inline void apply(std::map<std::string, std::string>& config, const std::map<std::string, std::string>& overrides)
{
    for (const auto& [k, v] : overrides) {
        if (v.empty())
            config.erase(k);
        else
            config[k] = v;
    }
}

/// The delivery service (accounts, delivery, scheduler) on `db`; `overrides` replace keys (empty: remove).
inline std::map<std::string, std::string> deliveryConfig(const TempDir& dir, const SharedDatabase& db,
                                                         const std::map<std::string, std::string>& overrides = {})
{
    auto c = baseConfig(dir);
    c.erase("db.file");
    c["service.name"] = uniqueServiceName("delivery");
    c["auth.issuer"] = "mercato-delivery";
    c["plugins.load"] = "accounts, delivery, scheduler";
    c["accounts.roles"] = "DELIVERY_ADMIN, DELIVERY_CLIENT";
    c["accounts.adminRole"] = "DELIVERY_ADMIN";
    c.erase("accounts.signupRole");
    c["accounts.shippingAddress"] = "false";
    c["accounts.mockUsers"] = "admin@delivery.example.com:DELIVERY_ADMIN, delivery@example.com:DELIVERY_CLIENT";
    // As DeliveryService.h: the asynchronous "listening" notice can interleave with the plain line
    // HostProcess waits for; warnings and errors are still logged.
    c["log.level"] = "warning";
    for (const auto& [k, v] : db.configKeys())
        c[k] = v;
    apply(c, overrides);
    return c;
}

/// The ecommerce service (accounts, ecommerce, scheduler) on `db`.
inline std::map<std::string, std::string> ecommerceConfig(const TempDir& dir, const SharedDatabase& db,
                                                          const std::map<std::string, std::string>& overrides = {})
{
    auto c = baseConfig(dir);
    c.erase("db.file");
    c["service.name"] = uniqueServiceName("ecommerce");
    c["plugins.load"] = "accounts, ecommerce, scheduler";
    c["log.level"] = "warning";
    for (const auto& [k, v] : db.configKeys())
        c[k] = v;
    apply(c, overrides);
    return c;
}

/// Runs `users mock-users` on the config's database (migrating it) and returns username → token.
inline std::map<std::string, std::string> mockTokens(const TempDir& dir, const std::map<std::string, std::string>& config)
{
    static std::atomic<int> n{0};
    const std::string path = dir.file("cli" + std::to_string(++n) + ".properties");
    writeProperties(path, config);
    RunResult mock = runMercato(path, {"users", "mock-users"});
    if (mock.exitCode != 0)
        throw std::runtime_error("users mock-users failed (exit " + std::to_string(mock.exitCode) + "): " + mock.err);
    return parseMockTokens(mock.out);
}

// ------------------------------------------------------------------ JSON and waiting

inline std::string jsonOf(const Poco::JSON::Object& o)
{
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

/// `data` of a success envelope (object), or a failed assertion showing the reply.
inline Poco::JSON::Object::Ptr dataObject(const HttpReply& r)
{
    CPPUNIT_ASSERT_MESSAGE("no data object in: " + r.body, !r.json.isNull() && !r.json->getObject("data").isNull());
    return r.json->getObject("data");
}

inline Poco::JSON::Array::Ptr dataArray(const HttpReply& r)
{
    CPPUNIT_ASSERT_MESSAGE("no data array in: " + r.body, !r.json.isNull() && !r.json->getArray("data").isNull());
    return r.json->getArray("data");
}

inline std::int64_t metaTotal(const HttpReply& r)
{
    CPPUNIT_ASSERT_MESSAGE("no meta in: " + r.body, !r.json.isNull() && !r.json->getObject("meta").isNull());
    return r.json->getObject("meta")->getValue<std::int64_t>("total");
}

/// Expects `expected` and returns the reply; the message names the request and shows the body.
inline HttpReply expectStatus(int expected, const std::string& what, const HttpReply& r)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " -> " + r.body, expected, r.status);
    return r;
}

/// Polls `done` every `step` until it holds or `limit` passes; returns whether it held.
inline bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit,
                      std::chrono::milliseconds step = std::chrono::milliseconds(100))
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        if (done())
            return true;
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(step);
    }
}

inline void sleepMillis(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

/// Seconds since the epoch (slot_start is in these).
inline std::int64_t epochSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace mercato::test::fault
