// The bare POCO ceiling: the same HTTPServer settings as the host, no framework, three endpoints.
// Every benchmark states its result as a fraction of these, measured in the same run.
//   GET  /tiny        a small JSON reply, no I/O
//   GET  /pk?id=N     one SELECT by primary key through a SessionPool
//   POST /txn?id=N    one durable transaction: conditional UPDATE of stock + INSERT of a line + COMMIT
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

#include <iostream>
#include <sstream>

using namespace Poco::Data::Keywords;
using Poco::Net::HTTPResponse;

namespace {

constexpr int kRows = 10000;

class CeilingHandler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit CeilingHandler(Poco::Data::SessionPool& pool) : _pool(pool) {}

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
            } else {
                rs.setStatus(HTTPResponse::HTTP_NOT_FOUND);
                body.set("error", "not found");
            }
        } catch (const Poco::Exception& e) {
            rs.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
            body.set("error", e.displayText());
        }
        std::ostringstream out;
        body.stringify(out);
        rs.setContentType("application/json");
        rs.sendBuffer(out.str().data(), out.str().size());
    }

private:
    Poco::Data::SessionPool& _pool;
};

class CeilingFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit CeilingFactory(Poco::Data::SessionPool& pool) : _pool(pool) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new CeilingHandler(_pool);
    }

private:
    Poco::Data::SessionPool& _pool;
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
        Poco::Net::HTTPServer server(new CeilingFactory(pool), threadPool, socket, params);
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
