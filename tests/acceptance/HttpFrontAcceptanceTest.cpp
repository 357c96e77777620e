// The host's HTTP/1.1 front under hostile clients (issue 10 §1, §6), against the real binary:
// slow headers and idle keep-alive connections cannot lock new clients out, request framing is
// strict, protocol errors carry the JSON envelope, and HEAD works on every GET route.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

using namespace mercato::test;

namespace {

/// A raw answer: status line, header block and body as sent.
struct RawReply {
    int status = 0;
    std::string head;
    std::string body;
    bool closed = false;  // the server closed the connection after the answer
};

Poco::Net::StreamSocket connectTo(int port)
{
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    return socket;
}

void sendAll(Poco::Net::StreamSocket& socket, const std::string& bytes)
{
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

/// Reads one answer (headers, then Content-Length bytes) and whether the connection closes after.
RawReply readReply(Poco::Net::StreamSocket& socket, bool expectClose)
{
    std::string data;
    char buf[8192];
    std::size_t headEnd;
    while ((headEnd = data.find("\r\n\r\n")) == std::string::npos) {
        const int n = socket.receiveBytes(buf, sizeof buf);
        if (n <= 0)
            throw std::runtime_error("connection closed before an answer; got: " + data);
        data.append(buf, static_cast<std::size_t>(n));
    }
    RawReply r;
    r.head = data.substr(0, headEnd);
    r.status = std::stoi(r.head.substr(9, 3));
    std::size_t length = 0;
    const auto cl = r.head.find("Content-Length: ");
    if (cl != std::string::npos)
        length = std::stoul(r.head.substr(cl + 16));
    r.body = data.substr(headEnd + 4);
    while (r.body.size() < length) {
        const int n = socket.receiveBytes(buf, sizeof buf);
        if (n <= 0)
            break;
        r.body.append(buf, static_cast<std::size_t>(n));
    }
    if (expectClose) {
        try {
            r.closed = socket.receiveBytes(buf, sizeof buf) == 0;
        } catch (const Poco::Net::ConnectionResetException&) {
            r.closed = true;
        }
    }
    return r;
}

RawReply roundTrip(int port, const std::string& bytes, bool expectClose = true)
{
    Poco::Net::StreamSocket socket = connectTo(port);
    sendAll(socket, bytes);
    return readReply(socket, expectClose);
}

/// The failure envelope with an X-Request-Id, and the connection closed.
void assertRefused(const std::string& what, const RawReply& r, int status, const std::string& field)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + r.head, status, r.status);
    CPPUNIT_ASSERT_MESSAGE(what + ": " + r.head, r.head.find("X-Request-Id: ") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(what + ": " + r.head, r.head.find("Content-Type: application/json") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(what + ": " + r.head, r.head.find("Connection: Close") != std::string::npos);
    Poco::JSON::Object::Ptr body = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("fail"), body->getValue<std::string>("code"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + r.body, field,
                                 body->getArray("errors")->getObject(0)->getValue<std::string>("field"));
    CPPUNIT_ASSERT_MESSAGE(what + ": the connection stays open", r.closed);
}

const std::string kHealth = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// What a new client got for GET /health (Connection: close) and how long it waited.
struct NewClient {
    int status = 0;
    double seconds = 0;
};

/// A new connection's GET /health; nullopt when no answer came within 5 s.
std::optional<NewClient> newClientAsksHealth(int port)
{
    const auto t0 = std::chrono::steady_clock::now();
    Poco::Net::StreamSocket socket = connectTo(port);
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    sendAll(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    try {
        const RawReply r = readReply(socket, false);
        return NewClient{r.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
    } catch (const Poco::TimeoutException&) {
        return std::nullopt;
    }
}

} // namespace

class HttpFrontAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HttpFrontAcceptanceTest);
    CPPUNIT_TEST(ambiguousFramingIs400AndCloses);
    CPPUNIT_TEST(oversizedHeadersGetTheEnvelope);
    CPPUNIT_TEST(slowHeaderGets408);
    CPPUNIT_TEST(headWorksOnEveryGetRoute);
    CPPUNIT_TEST(slowAndIdleClientsCannotLockNewClientsOut);
    CPPUNIT_TEST(busyKeepAliveClientsTakeTurns);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _dir = std::make_unique<TempDir>();
        _config = baseConfig(*_dir);
        _config["http.headerTimeout"] = "2";
    }

    void tearDown() override
    {
        _host.reset();
        _dir.reset();
    }

    void start()
    {
        _host = std::make_unique<HostProcess>(*_dir, _config);
    }

    /// RFC 9112 §6: a body whose end cannot be trusted is refused and the connection closed, so
    /// nothing of it can be taken for the next request (request smuggling behind a proxy).
    void ambiguousFramingIs400AndCloses()
    {
        start();
        const int port = _host->port();
        const std::string post = "POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        assertRefused("CL+TE", roundTrip(port, post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400,
                      "Transfer-Encoding");
        assertRefused("two CL", roundTrip(port, post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), 400, "Content-Length");
        // The body "GET /health…" used to be read as a second request.
        assertRefused("CL -1", roundTrip(port, post + "Content-Length: -1\r\n\r\n" + kHealth), 400, "Content-Length");
        // Used to close the connection without any answer.
        assertRefused("CL abc", roundTrip(port, post + "Content-Length: abc\r\n\r\n"), 400, "Content-Length");
        assertRefused("TE gzip", roundTrip(port, post + "Transfer-Encoding: gzip, chunked\r\n\r\n"), 400, "Transfer-Encoding");

        // Identical repeated Content-Length values are one length (RFC 9112 §6.3) and still work.
        RawReply same = roundTrip(port, post + "Content-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", false);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(same.body, 400, same.status);
        CPPUNIT_ASSERT_MESSAGE(same.body, same.body.find("\"username\"") != std::string::npos);  // validated, not refused
    }

    /// POCO answers these with a bare status line; the host sends the envelope and an id.
    void oversizedHeadersGetTheEnvelope()
    {
        start();
        const int port = _host->port();
        assertRefused("long URI", roundTrip(port, "GET /" + std::string(17000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri");
        std::string many = "GET /health HTTP/1.1\r\n";
        for (int i = 0; i < 150; ++i)
            many += "X-Filler-" + std::to_string(i) + ": 1\r\n";
        assertRefused("150 headers", roundTrip(port, many + "\r\n"), 431, "headers");
        assertRefused("long header", roundTrip(port, "GET /health HTTP/1.1\r\nX-Big: " + std::string(9000, 'b') + "\r\n\r\n"), 431,
                      "headers");
        assertRefused("garbage", roundTrip(port, std::string("\x01\x02 nonsense\r\n\r\n")), 400, "headers");
    }

    /// One header byte a second restarted the receive timeout on every byte; the whole header now
    /// has http.headerTimeout (2 s here).
    void slowHeaderGets408()
    {
        start();
        Poco::Net::StreamSocket socket = connectTo(_host->port());
        const auto started = std::chrono::steady_clock::now();
        RawReply r;
        bool answered = false;
        for (std::size_t i = 0; i < kHealth.size() && !answered; ++i) {
            try {
                sendAll(socket, kHealth.substr(i, 1));
            } catch (const Poco::Exception&) {
                break;  // the host closed after answering
            }
            if (socket.poll(Poco::Timespan(0, 700 * 1000), Poco::Net::Socket::SELECT_READ)) {
                r = readReply(socket, true);
                answered = true;
            }
        }
        CPPUNIT_ASSERT_MESSAGE("the slow header was never cut", answered);
        assertRefused("slow header", r, 408, "headers");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        CPPUNIT_ASSERT_MESSAGE("cut after " + std::to_string(seconds) + " s, before the deadline", seconds >= 1.9);
    }

    /// HEAD is answered by every GET route with the GET's status and headers and no body.
    void headWorksOnEveryGetRoute()
    {
        start();
        HttpTestClient http(_host->port());
        HttpReply spec = http.get("/openapi.json");
        CPPUNIT_ASSERT_EQUAL(200, spec.status);
        Poco::JSON::Object::Ptr paths = spec.json->getObject("paths");
        int checked = 0;
        for (const auto& [pattern, item] : *paths) {
            Poco::JSON::Object::Ptr ops = item.extract<Poco::JSON::Object::Ptr>();
            if (!ops->has("get"))
                continue;
            std::string path = pattern;
            for (std::size_t open; (open = path.find('{')) != std::string::npos;)
                path.replace(open, path.find('}', open) - open + 1, "1");
            HttpReply get = http.get(path);
            Poco::Net::StreamSocket socket = connectTo(_host->port());
            sendAll(socket, "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            std::string data;
            char buf[8192];
            for (int n; (n = socket.receiveBytes(buf, sizeof buf)) > 0;)
                data.append(buf, static_cast<std::size_t>(n));
            const auto headEnd = data.find("\r\n\r\n");
            CPPUNIT_ASSERT_MESSAGE(path + ": " + data, headEnd != std::string::npos);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("HEAD " + path + ": " + data, get.status, std::stoi(data.substr(9, 3)));
            CPPUNIT_ASSERT_EQUAL_MESSAGE("HEAD " + path + " sent a body", data.size(), headEnd + 4);
            ++checked;
        }
        CPPUNIT_ASSERT_MESSAGE("GET routes checked: " + std::to_string(checked), checked >= 5);
    }

    /// Issue 10 §1: 70 connections sending a header byte a second and 70 kept-alive connections
    /// sending one request every 8 s used to hold all 64 workers, and nobody else got an answer.
    /// Now each new client is answered (the goal is within 1 s; the test allows 5 s so that a
    /// loaded CI machine cannot fail it, and prints the figure) and a client with normal load is
    /// served throughout.
    void slowAndIdleClientsCannotLockNewClientsOut()
    {
        start();
        const int port = _host->port();
        constexpr int kEach = 70;
        std::atomic<bool> stop{false};

        std::thread loris([&] {
            std::vector<std::unique_ptr<Poco::Net::StreamSocket>> sockets(kEach);
            std::vector<std::size_t> sent(kEach, 0);
            while (!stop) {
                for (int i = 0; i < kEach && !stop; ++i) {
                    try {
                        if (!sockets[i] || sent[i] >= kHealth.size() - 1) {
                            sockets[i] = std::make_unique<Poco::Net::StreamSocket>(
                                Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
                            sent[i] = 0;
                        }
                        sockets[i]->sendBytes(kHealth.data() + sent[i], 1);  // never the final byte
                        ++sent[i];
                    } catch (const Poco::Exception&) {
                        sockets[i].reset();  // cut by the host: come back, as an attacker would
                    }
                }
                for (int t = 0; t < 10 && !stop; ++t)
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
        std::thread idlers([&] {
            std::vector<std::unique_ptr<Poco::Net::StreamSocket>> sockets(kEach);
            int next = 0;
            while (!stop) {
                auto& s = sockets[next];
                try {
                    if (!s) {
                        s = std::make_unique<Poco::Net::StreamSocket>(
                            Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
                        s->setReceiveTimeout(Poco::Timespan(2, 0));
                    }
                    sendAll(*s, kHealth);
                    readReply(*s, false);
                } catch (const std::exception&) {
                    s.reset();  // closed while idle: reconnect on the next turn, as HTTP clients do
                }
                next = (next + 1) % kEach;
                std::this_thread::sleep_for(std::chrono::milliseconds(8000 / kEach));  // each one every 8 s
            }
        });
        std::this_thread::sleep_for(std::chrono::seconds(4));  // let them take every worker

        double worst = 0;
        int normalServed = 0;
        for (int probe = 0; probe < 10; ++probe) {
            const std::optional<NewClient> r = newClientAsksHealth(port);
            if (!r) {
                stop = true;
                loris.join();
                idlers.join();
                CPPUNIT_FAIL("new client " + std::to_string(probe) + " got no answer within 5 s");
            }
            worst = std::max(worst, r->seconds);
            CPPUNIT_ASSERT_EQUAL(200, r->status);
            // Normal load from a kept-alive client between the probes.
            HttpTestClient http(port);
            for (int i = 0; i < 5; ++i)
                normalServed += http.get("/health").status == 200 ? 1 : 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
        stop = true;
        loris.join();
        idlers.join();
        std::printf("[HttpFrontAcceptanceTest] 70 slow-header + 70 idle keep-alive clients: slowest new client %.3f s\n", worst);
        CPPUNIT_ASSERT_EQUAL(50, normalServed);
    }

    /// Found by the soak: twice as many keep-alive clients as workers, each sending a request
    /// every 30 ms, kept every worker until http.maxKeepAliveRequests (1000) ended a connection,
    /// so a new client waited for that (two minutes after a restart in the soak). While clients
    /// wait, answers close the connection, so workers rotate: new clients are answered at once,
    /// and every busy client is still served.
    void busyKeepAliveClientsTakeTurns()
    {
        constexpr int kWorkers = 4, kBusy = 2 * kWorkers;
        _config["http.maxThreads"] = std::to_string(kWorkers);
        start();
        const int port = _host->port();
        std::atomic<bool> stop{false};
        std::vector<std::atomic<int>> served(kBusy);
        std::vector<std::thread> busy;
        for (int i = 0; i < kBusy; ++i)
            busy.emplace_back([&, i] {
                std::unique_ptr<Poco::Net::StreamSocket> s;
                while (!stop) {
                    try {
                        if (!s) {
                            s = std::make_unique<Poco::Net::StreamSocket>(connectTo(port));
                        }
                        sendAll(*s, kHealth);
                        RawReply r = readReply(*s, false);
                        if (r.status == 200)
                            ++served[i];
                        if (Poco::toLower(r.head).find("\r\nconnection: close") != std::string::npos)
                            s.reset();  // told to close: reconnect, as HTTP clients do
                        // A request every 30 ms: never idle long enough for http.busyIdleMillis,
                        // and far from http.maxKeepAliveRequests (1000) in the test's time.
                        std::this_thread::sleep_for(std::chrono::milliseconds(30));
                    } catch (const std::exception&) {
                        s.reset();
                    }
                }
            });
        std::this_thread::sleep_for(std::chrono::seconds(2));  // they hold every worker (before the fix: for good)
        double worst = 0;
        for (int probe = 0; probe < 10; ++probe) {
            const std::optional<NewClient> r = newClientAsksHealth(port);
            if (!r) {
                stop = true;
                for (auto& t : busy)
                    t.join();
                CPPUNIT_FAIL("new client " + std::to_string(probe) + " got no answer within 5 s");
            }
            CPPUNIT_ASSERT_EQUAL(200, r->status);
            worst = std::max(worst, r->seconds);
        }
        std::vector<int> before(kBusy);
        for (int i = 0; i < kBusy; ++i)
            before[i] = served[i];
        std::this_thread::sleep_for(std::chrono::seconds(1));
        stop = true;
        for (auto& t : busy)
            t.join();
        for (int i = 0; i < kBusy; ++i)
            CPPUNIT_ASSERT_MESSAGE("busy client " + std::to_string(i) + " was not served in the last second", served[i] > before[i]);
        std::printf("[HttpFrontAcceptanceTest] %d busy keep-alive clients on %d workers: slowest new client %.3f s\n", kBusy, kWorkers, worst);
    }

private:
    std::unique_ptr<TempDir> _dir;
    std::map<std::string, std::string> _config;
    std::unique_ptr<HostProcess> _host;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(HttpFrontAcceptanceTest, "acceptance");
