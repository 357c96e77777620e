#pragma once
// A running ecommerce service for acceptance tests: the real `mercato` binary with the accounts and
// ecommerce plugins on a fresh database (SQLite by default, MariaDB on request), its four mock
// users' tokens, an HTTP client, and the helpers the ecommerce suites share (users, a shop, stock,
// list totals, a snapshot of everything the API shows for "nothing was written" checks).
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cppunit/TestAssert.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
    Backend backend() const { return _mysql ? Backend::MySQL : Backend::SQLite; }

    /// A direct session on the service's database, for facts the API does not show (the outbox).
    Poco::Data::Session openDatabase() const
    {
        if (_mysql) {
            const auto& s = _mysql->server();
            return Poco::Data::Session("mysql", "host=" + s.host + ";port=" + std::to_string(s.port) + ";user=" + s.user
                                                    + ";password=" + s.password + ";db=" + _mysql->name());
        }
        static std::once_flag once;
        std::call_once(once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
        return Poco::Data::Session("sqlite", _config.at("db.file"));
    }

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

/// `data` of a success envelope, as an object.
inline Poco::JSON::Object::Ptr dataOf(const HttpReply& r)
{
    if (r.json.isNull() || r.json->getObject("data").isNull())
        throw std::runtime_error("no data object in: " + r.body);
    return r.json->getObject("data");
}

/// `data` of a success envelope, as an array.
inline Poco::JSON::Array::Ptr itemsOf(const HttpReply& r)
{
    if (r.json.isNull() || r.json->getArray("data").isNull())
        throw std::runtime_error("no data array in: " + r.body);
    return r.json->getArray("data");
}

inline std::int64_t idOf(const HttpReply& r) { return dataOf(r)->getValue<std::int64_t>("id"); }

/// `meta.total` of a list reply.
inline std::int64_t totalOf(const HttpReply& r)
{
    if (r.json.isNull() || r.json->getObject("meta").isNull())
        throw std::runtime_error("no meta in: " + r.body);
    return r.json->getObject("meta")->getValue<std::int64_t>("total");
}

inline std::string str(std::int64_t n) { return std::to_string(n); }

/// The member names of an object.
inline std::set<std::string> keysOf(const Poco::JSON::Object::Ptr& o)
{
    auto names = o->getNames();
    return {names.begin(), names.end()};
}

/// The `id`s of a list reply's items, in order.
inline std::vector<std::int64_t> idsOf(const HttpReply& r)
{
    std::vector<std::int64_t> ids;
    auto items = itemsOf(r);
    for (std::size_t i = 0; i < items->size(); ++i)
        ids.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
    return ids;
}

/// The product ids of order lines, in order.
inline std::vector<std::int64_t> lineProducts(const Poco::JSON::Array::Ptr& lines)
{
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < lines->size(); ++i)
        ids.push_back(lines->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("product_id"));
    return ids;
}

inline std::string statusOf(const HttpReply& r) { return dataOf(r)->getValue<std::string>("status"); }

inline std::string statusBody(const std::string& status) { return R"({"status":")" + status + "\"}"; }

/// Timestamps have whole seconds: wait for the next one so that a change shows a newer `updated_at`.
inline void nextSecond() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

/// The id of the token's user (GET /me).
inline std::int64_t userIdOf(const EcommerceService& svc, const std::string& token)
{
    return idOf(svc.http().get("/me", token));
}

/// Creates a user through the admin's POST /users and returns a token for it (POST /signin).
inline std::string createUser(const EcommerceService& svc, const std::string& username, const std::string& role,
                              const std::string& shippingAddress = "")
{
    std::string body = R"({"name":"N )" + username + R"(","username":")" + username + R"(","password":"password1","role":")" + role
                       + "\"" + (shippingAddress.empty() ? "" : R"(,"shipping_address":")" + shippingAddress + "\"") + "}";
    HttpReply created = svc.http().post("/users", body, svc.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    HttpReply signin = svc.http().post("/signin", R"({"username":")" + username + R"(","password":"password1"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(signin.body, 200, signin.status);
    return signin.json->getValue<std::string>("data");
}

/// A buyer of its own through POST /signup (shipping address "2 Home Lane").
inline std::string signupBuyer(const EcommerceService& svc, const std::string& username)
{
    HttpReply r = svc.http().post("/signup", R"({"name":"B )" + username + R"(","username":")" + username
                                                 + R"(","password":"password1","shipping_address":"2 Home Lane"})");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return r.json->getValue<std::string>("data");
}

/// Creates a store (admin) with these sellers; `warehouse` empty: none.
inline std::int64_t createStore(const EcommerceService& svc, const std::string& name, const std::vector<std::int64_t>& sellers,
                                const std::string& warehouse = "1 Dock")
{
    std::string ids;
    for (auto id : sellers)
        ids += (ids.empty() ? "" : ",") + str(id);
    HttpReply r = svc.http().post("/stores", R"({"name":")" + name + R"(","description":"d")"
                                                 + (warehouse.empty() ? "" : R"(,"warehouse_address":")" + warehouse + "\"")
                                                 + R"(,"users_ids":[)" + ids + "]}",
                                  svc.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return idOf(r);
}

/// Creates a product in `storeId` as `token` (a seller of the store or the admin).
inline std::int64_t createProduct(const EcommerceService& svc, const std::string& token, std::int64_t storeId, const std::string& name,
                                  std::int64_t quantity)
{
    HttpReply r = svc.http().post("/products", R"({"name":")" + name + R"(","short_description":"sd","quantity":)" + str(quantity)
                                                   + R"(,"store_id":)" + str(storeId) + "}",
                                  token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return idOf(r);
}

/// The stock of a live product as the API shows it.
inline std::int64_t stockOf(const EcommerceService& svc, std::int64_t productId)
{
    HttpReply r = svc.http().get("/products/" + str(productId), svc.admin());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return dataOf(r)->getValue<std::int64_t>("quantity");
}

/// `{"products":[{"product_id":p,"quantity":q},...]}`.
inline std::string orderBody(const std::vector<std::pair<std::int64_t, std::int64_t>>& lines)
{
    std::string items;
    for (const auto& [p, q] : lines)
        items += (items.empty() ? "" : ",") + (R"({"product_id":)" + str(p) + R"(,"quantity":)" + str(q) + "}");
    return R"({"products":[)" + items + "]}";
}

inline std::string lineBody(std::int64_t productId, std::int64_t quantity)
{
    return R"({"product_id":)" + str(productId) + R"(,"quantity":)" + str(quantity) + "}";
}

/// Everything the admin sees of stores, products and orders: equal before and after a rejected
/// request means it wrote nothing (every write bumps an `updated_at` or adds a row).
inline std::string snapshot(const EcommerceService& svc)
{
    std::string s;
    for (const char* path : {"/stores?limit=500", "/products?limit=500", "/orders?limit=500"}) {
        HttpReply r = svc.http().get(path, svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        s += r.body + "\n";
    }
    return s;
}

/// Two stores with a warehouse each: A ("7 Harbour Rd") of the mock seller and B ("8 Mill Lane") of
/// a second seller, with one product each: "Lamp" in A, "Rug" in B.
struct Market {
    std::string sellerB;
    std::int64_t storeA = 0, storeB = 0, productA = 0, productB = 0;
};

inline Market makeMarket(const EcommerceService& svc, std::int64_t stockA = 10, std::int64_t stockB = 10)
{
    Market m;
    m.sellerB = createUser(svc, "seller.b@example.com", "SELLER");
    m.storeA = createStore(svc, "Lamps", {userIdOf(svc, svc.seller())}, "7 Harbour Rd");
    m.storeB = createStore(svc, "Rugs", {userIdOf(svc, m.sellerB)}, "8 Mill Lane");
    m.productA = createProduct(svc, svc.seller(), m.storeA, "Lamp", stockA);
    m.productB = createProduct(svc, m.sellerB, m.storeB, "Rug", stockB);
    return m;
}

/// A new order of the mock buyer with one unit of product A, moved to `status` the regular way.
inline std::int64_t orderIn(const EcommerceService& svc, const Market& m, const std::string& status)
{
    const auto& http = svc.http();
    HttpReply created = http.post("/orders", orderBody({{m.productA, 1}}), svc.buyer());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    const std::int64_t id = idOf(created);
    const auto move = [&](const std::string& to, const std::string& token) {
        HttpReply r = http.put("/orders/" + str(id), statusBody(to), token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    };
    if (status == "CANCELLED")
        move("CANCELLED", svc.buyer());
    if (status == "CONFIRMED" || status == "DISPATCHED" || status == "DELIVERED")
        move("CONFIRMED", svc.seller());
    if (status == "DISPATCHED" || status == "DELIVERED")
        move("DISPATCHED", svc.seller());
    if (status == "DELIVERED")
        move("DELIVERED", svc.deliveryService());
    return id;
}

/// The compact JSON text of an object.
inline std::string jsonText(const Poco::JSON::Object& o)
{
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

} // namespace mercato::test
