#include "mercato/sdk/HttpClient.h"

#include <Poco/Event.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

using namespace mercato::sdk;

namespace {

/// What the test server saw; shared between the test and the server's handler threads.
struct ServerState {
    std::atomic<int> hits{0};
    Poco::Event release{false}; // set to let /slow answer
    std::mutex mutex;
    std::string lastHost;
};

class TestHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit TestHandler(std::shared_ptr<ServerState> state) : _state(std::move(state)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        ++_state->hits;
        {
            std::lock_guard<std::mutex> lock(_state->mutex);
            _state->lastHost = request.getHost();
        }
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        const std::string& uri = request.getURI();
        if (uri == "/redirect") {
            response.setStatus(Poco::Net::HTTPResponse::HTTP_FOUND);
            response.set("Location", "/echo");
            response.setContentLength(0);
            response.send();
        } else if (uri == "/slow") {
            _state->release.tryWait(3000);
            response.send() << "late";
        } else if (uri == "/big") {
            response.setContentLength64(1024 * 1024 + 100);
            response.send() << std::string(1024 * 1024 + 100, 'b');
        } else if (uri == "/missing") {
            response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            response.send() << "no";
        } else {
            response.set("X-Reply", "yes");
            response.setContentType("text/plain");
            response.send() << request.getMethod() << "|" << request.get("Content-Type", "") << "|"
                            << request.get("User-Agent", "") << "|" << request.get("X-Test", "") << "|"
                            << request.get("Content-Length", "") << "|" << body;
        }
    }

private:
    std::shared_ptr<ServerState> _state;
};

class TestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit TestHandlerFactory(std::shared_ptr<ServerState> state) : _state(std::move(state)) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new TestHandler(_state);
    }

private:
    std::shared_ptr<ServerState> _state;
};

HttpClient loopbackClient()
{
    HttpClient::Options options;
    options.allowPrivateNetworks = true;
    options.userAgent = "mercato-test/1";
    return HttpClient(options);
}

HttpRequest get(const std::string& url, std::chrono::milliseconds timeout = std::chrono::milliseconds(2000))
{
    HttpRequest request;
    request.url = url;
    request.timeout = timeout;
    return request;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class HttpClientTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HttpClientTest);
    CPPUNIT_TEST(nonPublicAddresses);
    CPPUNIT_TEST(publicAddresses);
    CPPUNIT_TEST(unparsableAddressesAreNonPublic);
    CPPUNIT_TEST(refusesPrivateTargetsWhenNotAllowed);
    CPPUNIT_TEST(rejectsBadUrlsAndHeaders);
    CPPUNIT_TEST(postReturnsStatusHeadersAndBody);
    CPPUNIT_TEST(redirectIsNotFollowed);
    CPPUNIT_TEST(errorStatusIsReturned);
    CPPUNIT_TEST(timeoutGivesStatusZero);
    CPPUNIT_TEST(refusedConnectionGivesStatusZero);
    CPPUNIT_TEST(responseBodyIsCappedAtOneMebibyte);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _state = std::make_shared<ServerState>();
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        _port = socket.address().port();
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setKeepAlive(false);
        params->setMaxThreads(4);
        _server = std::make_unique<Poco::Net::HTTPServer>(new TestHandlerFactory(_state), socket, params);
        _server->start();
    }

    void tearDown() override
    {
        _state->release.set();
        _server->stopAll(true);
        _server.reset();
    }

    void nonPublicAddresses()
    {
        for (const char* address :
             {"0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255", "127.0.0.1",
              "127.8.9.10", "169.254.169.254", "169.254.0.1", "172.16.0.1", "172.31.255.255", "192.0.0.8",
              "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1",
              "239.255.255.250", "240.0.0.1", "255.255.255.255", "127.1", "0x7f.0.0.1", "::", "::1", "fe80::1",
              "fe80::1%1", "febf::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
              "::ffff:169.254.169.254", "::127.0.0.1", "::10.0.0.1", "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe",
              "2002:7f00:1::", "2001:db8::1", "2001:0::1"})
            CPPUNIT_ASSERT_MESSAGE(address, isNonPublicAddress(address));
    }

    void publicAddresses()
    {
        for (const char* address : {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1",
                                    "172.15.255.255", "172.32.0.1", "169.253.1.1", "192.169.0.1", "198.17.255.255",
                                    "198.20.0.1", "223.255.255.255", "2606:4700:4700::1111", "2a00:1450::1",
                                    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
            CPPUNIT_ASSERT_MESSAGE(address, !isNonPublicAddress(address));
    }

    void unparsableAddressesAreNonPublic()
    {
        for (const char* address : {"", "example.com", "256.1.1.1", "[::1]", "8.8.8.8 x", " 8.8.8.8", "1.2.3.4.5", "::g"})
            CPPUNIT_ASSERT_MESSAGE(address, isNonPublicAddress(address));
    }

    void refusesPrivateTargetsWhenNotAllowed()
    {
        const HttpClient client; // private networks not allowed by default
        const HttpResult local = client.send(get(url("/echo")));
        CPPUNIT_ASSERT_EQUAL(0, local.status);
        CPPUNIT_ASSERT_EQUAL(std::string("address not allowed: 127.0.0.1"), local.error);
        CPPUNIT_ASSERT(!local.ok());
        CPPUNIT_ASSERT_EQUAL(0, _state->hits.load());

        CPPUNIT_ASSERT_EQUAL(std::string("address not allowed: 169.254.169.254"),
                             client.send(get("http://169.254.169.254/latest/meta-data/")).error);
        CPPUNIT_ASSERT_EQUAL(std::string("address not allowed: ::1"), client.send(get("https://[::1]:1/")).error);
        CPPUNIT_ASSERT_EQUAL(std::string("address not allowed: ::ffff:127.0.0.1"),
                             client.send(get("http://[::ffff:127.0.0.1]:" + std::to_string(_port) + "/")).error);
        CPPUNIT_ASSERT_EQUAL(std::string("address not allowed: 127.0.0.1"),
                             client.send(get("http://0x7f.1:" + std::to_string(_port) + "/")).error);
        CPPUNIT_ASSERT_EQUAL(0, _state->hits.load());
    }

    void rejectsBadUrlsAndHeaders()
    {
        const HttpClient client = loopbackClient();
        for (const char* bad : {"ftp://127.0.0.1/", "not a url", "http:///path", "http://127.0.0.1:99999/", ""}) {
            const HttpResult result = client.send(get(bad));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 0, result.status);
            CPPUNIT_ASSERT_MESSAGE(bad, !result.error.empty());
        }
        HttpRequest injected = get(url("/echo"));
        injected.headers.emplace_back("X-Test", "a\r\nX-Injected: 1");
        CPPUNIT_ASSERT_EQUAL(0, client.send(injected).status);
        HttpRequest badMethod = get(url("/echo"));
        badMethod.method = "GET /x HTTP/1.1\r\n";
        CPPUNIT_ASSERT_EQUAL(0, client.send(badMethod).status);
        CPPUNIT_ASSERT_EQUAL(0, _state->hits.load());
    }

    void postReturnsStatusHeadersAndBody()
    {
        HttpRequest request = get(url("/echo"));
        request.method = "POST";
        request.body = R"({"id":"evt_1"})";
        request.headers.emplace_back("X-Test", "t1");
        const HttpResult result = loopbackClient().send(request);
        CPPUNIT_ASSERT_EQUAL(std::string(""), result.error);
        CPPUNIT_ASSERT_EQUAL(200, result.status);
        CPPUNIT_ASSERT(result.ok());
        CPPUNIT_ASSERT_EQUAL(std::string(R"(POST|application/json|mercato-test/1|t1|14|{"id":"evt_1"})"), result.body);
        CPPUNIT_ASSERT_EQUAL(std::string("yes"), result.headers.at("X-Reply"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), result.headers.at("Content-Type"));
        std::lock_guard<std::mutex> lock(_state->mutex);
        CPPUNIT_ASSERT_EQUAL("127.0.0.1:" + std::to_string(_port), _state->lastHost);
    }

    void redirectIsNotFollowed()
    {
        const HttpResult result = loopbackClient().send(get(url("/redirect")));
        CPPUNIT_ASSERT_EQUAL(302, result.status);
        CPPUNIT_ASSERT(!result.ok());
        CPPUNIT_ASSERT_EQUAL(std::string("/echo"), result.headers.at("Location"));
        CPPUNIT_ASSERT_EQUAL(1, _state->hits.load());
    }

    void errorStatusIsReturned()
    {
        const HttpResult result = loopbackClient().send(get(url("/missing")));
        CPPUNIT_ASSERT_EQUAL(404, result.status);
        CPPUNIT_ASSERT_EQUAL(std::string("no"), result.body);
        CPPUNIT_ASSERT_EQUAL(std::string(""), result.error);
    }

    void timeoutGivesStatusZero()
    {
        const auto started = std::chrono::steady_clock::now();
        const HttpResult result = loopbackClient().send(get(url("/slow"), std::chrono::milliseconds(300)));
        const auto elapsed = std::chrono::steady_clock::now() - started;
        CPPUNIT_ASSERT_EQUAL(0, result.status);
        CPPUNIT_ASSERT_MESSAGE(result.error, contains(result.error, "timeout"));
        CPPUNIT_ASSERT(elapsed >= std::chrono::milliseconds(250));
        CPPUNIT_ASSERT(elapsed < std::chrono::milliseconds(2000));
    }

    void refusedConnectionGivesStatusZero()
    {
        Poco::UInt16 closedPort = 0;
        {
            Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
            closedPort = socket.address().port();
        }
        const HttpResult result = loopbackClient().send(get("http://127.0.0.1:" + std::to_string(closedPort) + "/"));
        CPPUNIT_ASSERT_EQUAL(0, result.status);
        CPPUNIT_ASSERT_EQUAL(std::string("connection refused"), result.error);
    }

    void responseBodyIsCappedAtOneMebibyte()
    {
        const HttpResult result = loopbackClient().send(get(url("/big")));
        CPPUNIT_ASSERT_EQUAL(200, result.status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1024 * 1024), result.body.size());
        CPPUNIT_ASSERT_MESSAGE(result.error, contains(result.error, "truncated"));
    }

private:
    std::string url(const std::string& path) const
    {
        return "http://127.0.0.1:" + std::to_string(_port) + path;
    }

    std::shared_ptr<ServerState> _state;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    Poco::UInt16 _port = 0;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(HttpClientTest, "unit");
