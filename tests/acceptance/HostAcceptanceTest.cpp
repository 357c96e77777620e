// The host's HTTP contract (API.md §1) against the real binary with the accounts plugin:
// envelopes, 404/405/413/415/400, request ids, JWT rejections, operations endpoints.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include "mercato/sdk/Version.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

using namespace mercato::test;

namespace {

std::string base64url(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    enc << text;
    enc.close();
    return out.str();
}

std::string tokenFor(const std::string& sub, const std::string& issuer, Poco::Int64 exp, const std::string& secret = kTestSecret,
                     const std::string& role = "MARKETPLACE_ADMIN")
{
    Poco::JWT::Token t;
    t.setSubject(sub);
    t.setIssuer(issuer);
    t.payload().set("role", role);
    t.payload().set("iat", Poco::Timestamp().epochTime());
    t.payload().set("exp", exp);
    Poco::JWT::Signer signer(secret);
    return signer.sign(t, Poco::JWT::Signer::ALGO_HS256);
}

} // namespace

class HostAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HostAcceptanceTest);
    CPPUNIT_TEST(healthAndReady);
    CPPUNIT_TEST(unknownRouteIs404Json);
    CPPUNIT_TEST(wrongMethodIs405WithAllow);
    CPPUNIT_TEST(oversizedBodyIs413);
    CPPUNIT_TEST(nonJsonBodyIs415);
    CPPUNIT_TEST(malformedJsonIs400);
    CPPUNIT_TEST(malformedPercentEncodingIs400);
    CPPUNIT_TEST(postWithoutLengthHasNoBody);
    CPPUNIT_TEST(nonObjectBodyIs400);
    CPPUNIT_TEST(requestIdIsEchoedOrMade);
    CPPUNIT_TEST(missingTokenIs401WithChallenge);
    CPPUNIT_TEST(rejectsBadTokens);
    CPPUNIT_TEST(schemeIsCaseInsensitive);
    CPPUNIT_TEST(deletedUsersTokenIs401);
    CPPUNIT_TEST(roleChangeAppliesToTheNextRequest);
    CPPUNIT_TEST(concurrentAuthenticatedRequestsAllSucceed);
    CPPUNIT_TEST(pluginsIsAdminOnly);
    CPPUNIT_TEST(metricsArePrometheusText);
    CPPUNIT_TEST(openApiDescribesRoutes);
    CPPUNIT_TEST(sigtermExitsCleanly);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _dir = std::make_unique<TempDir>();
        _config = baseConfig(*_dir);
        writeProperties(_dir->file("cli.properties"), _config);
        RunResult mock = runMercato(_dir->file("cli.properties"), {"users", "mock-users"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(mock.err, 0, mock.exitCode);
        _tokens = parseMockTokens(mock.out);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), _tokens.size());
        _host = std::make_unique<HostProcess>(*_dir, _config);
        _http = std::make_unique<HttpTestClient>(_host->port());
    }

    void tearDown() override
    {
        _http.reset();
        _host.reset();
        _dir.reset();
    }

    void assertFailEnvelope(const HttpReply& r, int status)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, status, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json; charset=utf-8"), r.header("Content-Type"));
        CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull());
        CPPUNIT_ASSERT_EQUAL(std::string("fail"), r.json->getValue<std::string>("code"));
        CPPUNIT_ASSERT(!r.json->getValue<std::string>("message").empty());
    }

    /// RFC 7230 §3.3.3: without Content-Length or chunked encoding a request has no body, so the
    /// answer comes at once on the open keep-alive connection (POCO alone would wait for the client
    /// to close it, i.e. the client's or the host's 30 s receive timeout).
    void postWithoutLengthHasNoBody()
    {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_host->port())));
        socket.setReceiveTimeout(Poco::Timespan(10, 0));
        const std::string request = "POST /signin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        socket.sendBytes(request.data(), static_cast<int>(request.size()));
        std::string reply;
        char buf[4096];
        while (reply.find("\r\n\r\n") == std::string::npos) {
            const int n = socket.receiveBytes(buf, sizeof buf); // throws TimeoutException if the host waits
            CPPUNIT_ASSERT_MESSAGE("connection closed before an answer", n > 0);
            reply.append(buf, static_cast<std::size_t>(n));
        }
        CPPUNIT_ASSERT_MESSAGE(reply, reply.rfind("HTTP/1.1 400", 0) == 0);
    }

    void healthAndReady()
    {
        HttpReply h = _http->get("/health");
        CPPUNIT_ASSERT_EQUAL(200, h.status);
        CPPUNIT_ASSERT_EQUAL(std::string("success"), h.json->getValue<std::string>("code"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), h.json->getObject("data")->getValue<std::string>("status"));
        HttpReply r = _http->get("/ready");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        // A stale token never breaks a public endpoint.
        CPPUNIT_ASSERT_EQUAL(200, _http->get("/health", "garbage").status);
    }

    void unknownRouteIs404Json()
    {
        assertFailEnvelope(_http->get("/nope"), 404);
        assertFailEnvelope(_http->get("/users/abc", _tokens["market_admin@example.com"]), 404);
        assertFailEnvelope(_http->get("/users/0", _tokens["market_admin@example.com"]), 404);
        assertFailEnvelope(_http->get("/users/-1", _tokens["market_admin@example.com"]), 404);
        assertFailEnvelope(_http->get("/users/99999999999999999999", _tokens["market_admin@example.com"]), 404);
    }

    void wrongMethodIs405WithAllow()
    {
        HttpReply r = _http->request("PATCH", "/health");
        assertFailEnvelope(r, 405);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD"), r.header("Allow"));
        HttpReply u = _http->request("PATCH", "/users", "", {{"Authorization", "Bearer " + _tokens["market_admin@example.com"]}});
        assertFailEnvelope(u, 405);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, POST"), u.header("Allow"));
    }

    void oversizedBodyIs413()
    {
        std::string big = "{\"name\":\"" + std::string(1024 * 1024 + 10, 'a') + "\"}";
        HttpReply r = _http->post("/signin", big);
        assertFailEnvelope(r, 413);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.errorCodes().size());
        CPPUNIT_ASSERT_EQUAL(std::string("body:too_long"), r.errorCodes().at(0));
    }

    void nonJsonBodyIs415()
    {
        assertFailEnvelope(_http->request("POST", "/signin", "username=a&password=b", {}, "application/x-www-form-urlencoded"), 415);
        HttpReply r = _http->request("POST", "/signin", "{}", {}, "text/plain");
        assertFailEnvelope(r, 415);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.errorCodes().size());
        CPPUNIT_ASSERT_EQUAL(std::string("Content-Type:invalid_value"), r.errorCodes().at(0));
        // A charset parameter is fine.
        CPPUNIT_ASSERT_EQUAL(400, _http->request("POST", "/signin", "{}", {}, "application/json; charset=utf-8").status);
    }

    void malformedPercentEncodingIs400()
    {
        HttpReply r = _http->get("/users/%zz", _tokens["market_admin@example.com"]);
        assertFailEnvelope(r, 400);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.errorCodes().size());
        CPPUNIT_ASSERT_EQUAL(std::string("path:invalid_format"), r.errorCodes().at(0));
        assertFailEnvelope(_http->get("/health%"), 400);
        assertFailEnvelope(_http->get("/users?limit=%zz", _tokens["market_admin@example.com"]), 400);
    }

    void malformedJsonIs400()
    {
        HttpReply r = _http->post("/signin", "{\"username\": ");
        assertFailEnvelope(r, 400);
        CPPUNIT_ASSERT_EQUAL(std::string("body:invalid_format"), r.errorCodes().at(0));
    }

    void nonObjectBodyIs400()
    {
        for (const std::string body : {"[]", "\"text\"", "42", "null", "true"}) {
            HttpReply r = _http->post("/signin", body);
            assertFailEnvelope(r, 400);
        }
        HttpReply empty = _http->request("POST", "/signin", "", {}, "");
        assertFailEnvelope(empty, 400);
        CPPUNIT_ASSERT_EQUAL(std::string("body:empty_body"), empty.errorCodes().at(0));
    }

    void requestIdIsEchoedOrMade()
    {
        HttpReply mine = _http->request("GET", "/health", "", {{"X-Request-Id", "abc-123"}});
        CPPUNIT_ASSERT_EQUAL(std::string("abc-123"), mine.header("X-Request-Id"));
        HttpReply made = _http->get("/nope");
        CPPUNIT_ASSERT(!made.header("X-Request-Id").empty());
        CPPUNIT_ASSERT(made.header("X-Request-Id") != _http->get("/nope").header("X-Request-Id"));
    }

    void missingTokenIs401WithChallenge()
    {
        HttpReply r = _http->get("/me");
        assertFailEnvelope(r, 401);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), r.header("WWW-Authenticate"));
        // Authentication comes before body validation.
        assertFailEnvelope(_http->post("/users", "{not json"), 401);
    }

    void rejectsBadTokens()
    {
        const Poco::Int64 future = Poco::Timestamp().epochTime() + 600;
        std::string id = adminId();
        CPPUNIT_ASSERT_EQUAL(200, _http->get("/me", tokenFor(id, "mercato-ecommerce", future)).status);
        std::string none = base64url(R"({"alg":"none","typ":"JWT"})") + "."
                           + base64url("{\"sub\":\"" + id + "\",\"iss\":\"mercato-ecommerce\",\"role\":\"MARKETPLACE_ADMIN\",\"exp\":" + std::to_string(future) + "}") + ".";
        for (const std::string& bad : {tokenFor(id, "mercato-ecommerce", future, "wrong-secret-0123456789abcdef0123456789"),
                                       tokenFor(id, "mercato-ecommerce", Poco::Timestamp().epochTime() - 10),
                                       tokenFor(id, "mercato-delivery", future), tokenFor(id, "", future), none,
                                       std::string("not-a-jwt")}) {
            HttpReply r = _http->get("/me", bad);
            assertFailEnvelope(r, 401);
            CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), r.header("WWW-Authenticate"));
        }
        assertFailEnvelope(_http->request("GET", "/me", "", {{"Authorization", "Basic dXNlcjpwYXNz"}}), 401);
    }

    void schemeIsCaseInsensitive()
    {
        HttpReply r = _http->request("GET", "/me", "", {{"Authorization", "bEaReR " + _tokens["user@example.com"]}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("user@example.com"), r.json->getObject("data")->getValue<std::string>("username"));
    }

    // Many threads verifying JWTs at once once crashed the host (OpenSSL initialisation race in
    // Poco::Crypto); every request must succeed and the host must still be up afterwards.
    void concurrentAuthenticatedRequestsAllSucceed()
    {
        const std::string token = _tokens["seller@example.com"];
        std::atomic<int> ok{0}, other{0};
        std::vector<std::thread> clients;
        for (int t = 0; t < 48; ++t)
            clients.emplace_back([&] {
                HttpTestClient client(_host->port());
                for (int i = 0; i < 60; ++i) {
                    try {
                        (client.get("/me", token).status == 200 ? ok : other)++;
                    } catch (const std::exception&) {
                        other++;
                    }
                }
            });
        for (auto& c : clients) c.join();
        CPPUNIT_ASSERT_EQUAL(0, other.load());
        CPPUNIT_ASSERT_EQUAL(48 * 60, ok.load());
        CPPUNIT_ASSERT_EQUAL(200, _http->get("/health").status);
    }

    void deletedUsersTokenIs401()
    {
        HttpReply me = _http->get("/me", _tokens["seller@example.com"]);
        CPPUNIT_ASSERT_EQUAL(200, me.status);
        const std::string id = std::to_string(me.json->getObject("data")->getValue<Poco::Int64>("id"));
        CPPUNIT_ASSERT_EQUAL(200, _http->del("/users/" + id, _tokens["market_admin@example.com"]).status);
        assertFailEnvelope(_http->get("/me", _tokens["seller@example.com"]), 401);
    }

    /// The host reuses the user behind a token for accounts.userCacheMillis; a change made through
    /// this host must still apply to the very next request.
    void roleChangeAppliesToTheNextRequest()
    {
        const std::string admin = _tokens["market_admin@example.com"], user = _tokens["user@example.com"];
        const std::string id = std::to_string(_http->get("/me", user).json->getObject("data")->getValue<Poco::Int64>("id"));
        assertFailEnvelope(_http->get("/plugins", user), 403);
        HttpReply promoted = _http->put("/users/" + id, R"({"role":"MARKETPLACE_ADMIN"})", admin);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(promoted.body, 200, promoted.status);
        CPPUNIT_ASSERT_EQUAL(200, _http->get("/plugins", user).status);
        CPPUNIT_ASSERT_EQUAL(200, _http->put("/users/" + id, R"({"role":"MARKETPLACE_USER"})", admin).status);
        assertFailEnvelope(_http->get("/plugins", user), 403);
    }

    void pluginsIsAdminOnly()
    {
        assertFailEnvelope(_http->get("/plugins"), 401);
        assertFailEnvelope(_http->get("/plugins", _tokens["user@example.com"]), 403);
        HttpReply r = _http->get("/plugins", _tokens["market_admin@example.com"]);
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        auto list = r.json->getArray("data");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), list->size());
        CPPUNIT_ASSERT_EQUAL(std::string("accounts"), list->getObject(0)->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string(MERCATO_SDK_VERSION_STRING), list->getObject(0)->getValue<std::string>("sdk_version"));
    }

    void metricsArePrometheusText()
    {
        _http->get("/health");
        _http->get("/nope");
        HttpReply r = _http->get("/metrics");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT(r.header("Content-Type").rfind("text/plain", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(r.body, r.body.find("mercato_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"}") != std::string::npos);
        CPPUNIT_ASSERT(r.body.find("route=\"unmatched\",status=\"404\"") != std::string::npos);
        CPPUNIT_ASSERT(r.body.find("mercato_http_request_duration_seconds_bucket{") != std::string::npos);
        CPPUNIT_ASSERT(r.body.find("mercato_db_pool_connections") != std::string::npos);
    }

    void openApiDescribesRoutes()
    {
        HttpReply r = _http->get("/openapi.json");
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT(!r.json.isNull());
        CPPUNIT_ASSERT(!r.json->has("code")); // a bare document, not an envelope
        CPPUNIT_ASSERT_EQUAL(std::string("3.0.3"), r.json->getValue<std::string>("openapi"));
        auto paths = r.json->getObject("paths");
        for (const char* p : {"/health", "/signup", "/signin", "/me", "/users", "/users/{id}", "/plugins"})
            CPPUNIT_ASSERT_MESSAGE(p, paths->has(p));
        auto signup = paths->getObject("/signup")->getObject("post");
        CPPUNIT_ASSERT(signup->has("requestBody"));
    }

    void sigtermExitsCleanly()
    {
        CPPUNIT_ASSERT_EQUAL(0, _host->stop());
    }

private:
    std::string adminId()
    {
        HttpReply me = _http->get("/me", _tokens["market_admin@example.com"]);
        return std::to_string(me.json->getObject("data")->getValue<Poco::Int64>("id"));
    }

    std::unique_ptr<TempDir> _dir;
    std::map<std::string, std::string> _config;
    std::map<std::string, std::string> _tokens;
    std::unique_ptr<HostProcess> _host;
    std::unique_ptr<HttpTestClient> _http;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(HostAcceptanceTest, "acceptance");
