// The bare POCO ceiling: the same HTTPServer settings as the host, no framework. Every benchmark
// states its result as a fraction of these, measured in the same run.
//   GET  /tiny          a small JSON reply, no I/O
//   GET  /pk?id=N       one SELECT by primary key through a Poco::Data SessionPool
//   POST /txn?id=N      one durable transaction: conditional UPDATE of stock + INSERT of a line + COMMIT
// The second ceiling, the wire's limit: the same two through the MariaDB C API, one connection per
// server thread with its statements prepared once and re-executed (no prepare/close round trips, no
// START TRANSACTION: autocommit is off on that connection, so a transaction is UPDATE, INSERT, COMMIT).
//   GET  /raw/pk?id=N
//   POST /raw/txn?id=N
// Usage: mercato-ceiling PORT "host=…;port=…;db=…;user=…;password=…" [THREADS]
#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/NumberParser.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <Poco/Util/ServerApplication.h>

#include <mysql.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

using namespace Poco::Data::Keywords;
using Poco::Net::HTTPResponse;

namespace {

constexpr int kRows = 10000;

/// "host=…;port=…;db=…;user=…;password=…" as key → value.
std::map<std::string, std::string> connectorParts(const std::string& connector)
{
    std::map<std::string, std::string> parts;
    std::istringstream in(connector);
    std::string item;
    while (std::getline(in, item, ';')) {
        const auto eq = item.find('=');
        if (eq != std::string::npos)
            parts[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return parts;
}

/// One MariaDB C API connection with the ceiling's three statements prepared once.
class RawConnection {
public:
    explicit RawConnection(const std::string& connector)
    {
        auto parts = connectorParts(connector);
        _db = mysql_init(nullptr);
        if (!_db)
            throw std::runtime_error("mysql_init failed");
        if (!mysql_real_connect(_db, parts["host"].c_str(), parts["user"].c_str(), parts["password"].c_str(), parts["db"].c_str(),
                                static_cast<unsigned>(std::stoi(parts.count("port") ? parts["port"] : "3306")), nullptr, 0))
            fail("connect");
        if (mysql_autocommit(_db, 0) != 0)
            fail("autocommit");
        _select = prepare("SELECT name, quantity FROM ceiling_items WHERE id = ?");
        _update = prepare("UPDATE ceiling_items SET quantity = quantity - 1 WHERE id = ? AND quantity >= 1");
        _insert = prepare("INSERT INTO ceiling_lines (item_id, qty, created_at) VALUES (?, 1, UTC_TIMESTAMP())");
    }
    ~RawConnection()
    {
        for (MYSQL_STMT* st : {_select, _update, _insert})
            if (st)
                mysql_stmt_close(st);
        mysql_close(_db);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    /// The row's name and quantity; false when there is none.
    bool select(int id, std::string& name, long long& quantity)
    {
        bindId(_select, id);
        if (mysql_stmt_execute(_select) != 0)
            fail("select", _select);
        char buffer[64];
        unsigned long length = 0;
        MYSQL_BIND out[2];
        std::memset(out, 0, sizeof out);
        out[0].buffer_type = MYSQL_TYPE_STRING;
        out[0].buffer = buffer;
        out[0].buffer_length = sizeof buffer;
        out[0].length = &length;
        out[1].buffer_type = MYSQL_TYPE_LONGLONG;
        out[1].buffer = &quantity;
        if (mysql_stmt_bind_result(_select, out) != 0)
            fail("bind result", _select);
        const int rc = mysql_stmt_fetch(_select);
        const bool found = rc == 0 || rc == MYSQL_DATA_TRUNCATED;
        if (found)
            name.assign(buffer, std::min<unsigned long>(length, sizeof buffer));
        while (rc == 0 && mysql_stmt_fetch(_select) == 0) {
        }
        mysql_stmt_free_result(_select);
        return found;
    }

    /// UPDATE, INSERT when the UPDATE applied, COMMIT; true when a unit was sold.
    bool sell(int id)
    {
        bindId(_update, id);
        if (mysql_stmt_execute(_update) != 0)
            fail("update", _update);
        const bool sold = mysql_stmt_affected_rows(_update) == 1;
        if (sold) {
            bindId(_insert, id);
            if (mysql_stmt_execute(_insert) != 0)
                fail("insert", _insert);
        }
        if (mysql_commit(_db) != 0)
            fail("commit");
        return sold;
    }

private:
    MYSQL_STMT* prepare(const char* sql)
    {
        MYSQL_STMT* st = mysql_stmt_init(_db);
        if (!st || mysql_stmt_prepare(st, sql, std::strlen(sql)) != 0)
            fail(sql, st);
        return st;
    }
    void bindId(MYSQL_STMT* st, int& id)
    {
        MYSQL_BIND in;
        std::memset(&in, 0, sizeof in);
        in.buffer_type = MYSQL_TYPE_LONG;
        in.buffer = &id;
        if (mysql_stmt_bind_param(st, &in) != 0)
            fail("bind", st);
    }
    [[noreturn]] void fail(const std::string& what, MYSQL_STMT* st = nullptr)
    {
        throw std::runtime_error(what + ": " + (st ? mysql_stmt_error(st) : mysql_error(_db)));
    }

    MYSQL* _db = nullptr;
    MYSQL_STMT* _select = nullptr;
    MYSQL_STMT* _update = nullptr;
    MYSQL_STMT* _insert = nullptr;
};

/// The calling server thread's own raw connection, opened on its first raw request.
RawConnection& rawConnection(const std::string& connector)
{
    thread_local std::unique_ptr<RawConnection> connection;
    if (!connection) {
        mysql_thread_init();
        connection = std::make_unique<RawConnection>(connector);
    }
    return *connection;
}

class CeilingHandler final : public Poco::Net::HTTPRequestHandler {
public:
    CeilingHandler(Poco::Data::SessionPool& pool, const std::string& connector) : _pool(pool), _connector(connector) {}

    void handleRequest(Poco::Net::HTTPServerRequest& rq, Poco::Net::HTTPServerResponse& rs) override
    {
        Poco::URI uri(rq.getURI());
        Poco::JSON::Object body;
        int id = 0;
        for (const auto& [key, value] : uri.getQueryParameters())
            if (key == "id") Poco::NumberParser::tryParse(value, id);
        try {
            if (uri.getPath() == "/tiny") {
                body.set("status", "ok");
            } else if (uri.getPath() == "/pk" && id > 0) {
                Poco::Data::Session s(_pool.get());
                std::string name;
                Poco::Int64 quantity = 0;
                s << "SELECT name, quantity FROM ceiling_items WHERE id = ?", into(name), into(quantity), use(id), now;
                body.set("id", id);
                body.set("name", name);
                body.set("quantity", quantity);
            } else if (uri.getPath() == "/txn" && rq.getMethod() == "POST" && id > 0) {
                Poco::Data::Session s(_pool.get());
                s.begin();
                Poco::Data::Statement update(s);
                update << "UPDATE ceiling_items SET quantity = quantity - 1 WHERE id = ? AND quantity >= 1", use(id);
                const std::size_t updated = update.execute();
                if (updated == 1)
                    s << "INSERT INTO ceiling_lines (item_id, qty, created_at) VALUES (?, 1, UTC_TIMESTAMP())", use(id), now;
                s.commit();
                body.set("sold", updated == 1);
                rs.setStatus(HTTPResponse::HTTP_CREATED);
            } else if (uri.getPath() == "/raw/pk" && id > 0) {
                std::string name;
                long long quantity = 0;
                rawConnection(_connector).select(id, name, quantity);
                body.set("id", id);
                body.set("name", name);
                body.set("quantity", static_cast<Poco::Int64>(quantity));
            } else if (uri.getPath() == "/raw/txn" && rq.getMethod() == "POST" && id > 0) {
                body.set("sold", rawConnection(_connector).sell(id));
                rs.setStatus(HTTPResponse::HTTP_CREATED);
            } else {
                rs.setStatus(HTTPResponse::HTTP_NOT_FOUND);
                body.set("error", "not found");
            }
        } catch (const Poco::Exception& e) {
            rs.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
            body.set("error", e.displayText());
        } catch (const std::exception& e) {
            rs.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
            body.set("error", std::string(e.what()));
        }
        std::ostringstream out;
        body.stringify(out);
        rs.setContentType("application/json");
        rs.sendBuffer(out.str().data(), out.str().size());
    }

private:
    Poco::Data::SessionPool& _pool;
    const std::string& _connector;
};

class CeilingFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    CeilingFactory(Poco::Data::SessionPool& pool, std::string connector) : _pool(pool), _connector(std::move(connector)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new CeilingHandler(_pool, _connector);
    }

private:
    Poco::Data::SessionPool& _pool;
    std::string _connector;
};

class CeilingServer final : public Poco::Util::ServerApplication {
protected:
    int main(const std::vector<std::string>& args) override
    {
        if (args.size() < 2) {
            std::cerr << "usage: mercato-ceiling PORT MYSQL_CONNECTOR_STRING [THREADS]\n";
            return EXIT_USAGE;
        }
        const int threads = args.size() > 2 ? Poco::NumberParser::parse(args[2]) : 64;
        Poco::Data::MySQL::Connector::registerConnector();
        Poco::Data::SessionPool pool("MySQL", args[1], 1, threads + 16, 60);
        prepare(Poco::Data::Session(pool.get()));

        auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();  // as the host: see HostConfig
        params->setMaxThreads(threads);
        params->setMaxQueued(256);
        params->setKeepAlive(true);
        params->setMaxKeepAliveRequests(1000);
        Poco::Net::ServerSocket socket;
        socket.bind(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(Poco::NumberParser::parse(args[0]))), true);
        socket.listen(1024);
        Poco::ThreadPool threadPool("ceiling", 4, threads, 60);
        Poco::Net::HTTPServer server(new CeilingFactory(pool, args[1]), threadPool, socket, params);
        server.start();
        std::cout << "mercato-ceiling: listening on port " << socket.address().port() << std::endl;
        waitForTerminationRequest();
        server.stop();
        threadPool.joinAll();
        return EXIT_OK;
    }

private:
    static void prepare(Poco::Data::Session s)
    {
        s << "DROP TABLE IF EXISTS ceiling_lines", now;
        s << "DROP TABLE IF EXISTS ceiling_items", now;
        s << "CREATE TABLE ceiling_items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
             " quantity BIGINT NOT NULL, CHECK (quantity >= 0)) ENGINE=InnoDB", now;
        s << "CREATE TABLE ceiling_lines (id BIGINT AUTO_INCREMENT PRIMARY KEY, item_id INT NOT NULL,"
             " qty INT NOT NULL, created_at DATETIME NOT NULL) ENGINE=InnoDB", now;
        std::ostringstream insert;
        insert << "INSERT INTO ceiling_items (id, name, quantity) VALUES ";
        for (int id = 1; id <= kRows; ++id)
            insert << (id > 1 ? "," : "") << "(" << id << ",'item " << id << "',1000000000)";
        s << insert.str(), now;
    }
};

}  // namespace

POCO_SERVER_MAIN(CeilingServer)
