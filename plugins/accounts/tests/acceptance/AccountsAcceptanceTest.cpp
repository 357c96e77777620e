// The accounts contract (API.md §1, §2 "Users and auth", §3 account rules) against the real binary
// with the accounts plugin, over HTTP on loopback: sign-up, sign-in, /me, user administration,
// `users mock-users`, the delivery shape and MariaDB.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <iostream>
#include <chrono>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

using namespace mercato::test;

namespace {

const char* const kDeliverySecret = "delivery-secret-fedcba9876543210fedcba9876543210";

const std::vector<std::string> kEcommerceUserKeys{"created_at", "id", "name", "role", "shipping_address", "updated_at", "username"};
const std::vector<std::string> kDeliveryUserKeys{"created_at", "id", "name", "role", "updated_at", "username"};

/// A JSON object text from string members (values escaped by Poco).
std::string jsonOf(const std::vector<std::pair<std::string, std::string>>& members)
{
    Poco::JSON::Object o;
    for (const auto& [k, v] : members)
        o.set(k, v);
    std::ostringstream s;
    o.stringify(s);
    return s.str();
}

std::string signupBody(const std::string& name, const std::string& username, const std::string& password,
                       const std::string& address = "1 Test Street, Test City")
{
    return jsonOf({{"name", name}, {"username", username}, {"password", password}, {"shipping_address", address}});
}

std::string signinBody(const std::string& username, const std::string& password)
{
    return jsonOf({{"username", username}, {"password", password}});
}

std::vector<std::string> sortedNames(const Poco::JSON::Object::Ptr& o)
{
    std::vector<std::string> names = o->getNames();
    std::sort(names.begin(), names.end());
    return names;
}

std::string join(const std::vector<std::string>& items)
{
    std::string s;
    for (const auto& i : items)
        s += (s.empty() ? "" : ", ") + i;
    return "[" + s + "]";
}

std::string utcNow()
{
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%d %H:%M:%S");
}

bool isTimestamp(const std::string& s)
{
    static const std::regex format(R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$)");
    return std::regex_match(s, format);
}

std::string hs256(const std::string& sub, const std::string& issuer, const std::string& secret, const std::string& role)
{
    Poco::JWT::Token t;
    t.setSubject(sub);
    t.setIssuer(issuer);
    t.payload().set("role", role);
    t.payload().set("iat", Poco::Timestamp().epochTime());
    t.payload().set("exp", Poco::Timestamp().epochTime() + 600);
    Poco::JWT::Signer signer(secret);
    return signer.sign(t, Poco::JWT::Signer::ALGO_HS256);
}

std::map<std::string, std::string> deliveryConfig(const TempDir& dir)
{
    std::map<std::string, std::string> c = baseConfig(dir);
    c["service.name"] = "delivery";
    c["auth.issuer"] = "mercato-delivery";
    c["auth.jwtSecret"] = kDeliverySecret;
    c["accounts.roles"] = "DELIVERY_ADMIN, DELIVERY_CLIENT";
    c["accounts.adminRole"] = "DELIVERY_ADMIN";
    c["accounts.signupRole"] = "";
    c["accounts.shippingAddress"] = "false";
    c["accounts.mockUsers"] = "admin@delivery.example.com:DELIVERY_ADMIN, delivery@example.com:DELIVERY_CLIENT";
    return c;
}

} // namespace

class AccountsAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AccountsAcceptanceTest);
    CPPUNIT_TEST(signupReturnsWorkingTokenAndNormalizedUser);
    CPPUNIT_TEST(signupRejectsDuplicateUsername);
    CPPUNIT_TEST(signupRejectsInvalidEmail);
    CPPUNIT_TEST(signupEmptyObjectReportsEveryRequiredField);
    CPPUNIT_TEST(signupRejectsUnknownField);
    CPPUNIT_TEST(signupRejectsWrongTypes);
    CPPUNIT_TEST(signupChecksLengthsAndBlanks);
    CPPUNIT_TEST(signinReturnsToken);
    CPPUNIT_TEST(signinFailuresAreIndistinguishable);
    CPPUNIT_TEST(meRequiresTokenAndReturnsCaller);
    CPPUNIT_TEST(usersListIsAdminOnlyAndPaged);
    CPPUNIT_TEST(usersListRejectsBadPaging);
    CPPUNIT_TEST(adminCreatesSeller);
    CPPUNIT_TEST(adminCreateRejectsBadRole);
    CPPUNIT_TEST(userManagesOwnAccount);
    CPPUNIT_TEST(userCannotTouchOtherUsers);
    CPPUNIT_TEST(nonAdminCannotChangeOwnRole);
    CPPUNIT_TEST(adminManagesAnyUser);
    CPPUNIT_TEST(unknownUserIdIs404);
    CPPUNIT_TEST(deletedUsersTokenIs401);
    CPPUNIT_TEST(passwordChangeRevokesEarlierTokens);
    CPPUNIT_TEST(signinLimitedPerUsername);
    CPPUNIT_TEST(signinLimitEndsWithItsWindow);
    CPPUNIT_TEST(signinLimitedPerAddressAcrossUsernames);
    CPPUNIT_TEST(mockUsersIsIdempotent);
    CPPUNIT_TEST(deliveryHasNoPublicSignupAndNoAddress);
    CPPUNIT_TEST(deliveryRejectsEcommerceTokens);
    CPPUNIT_TEST(mysqlSignupSigninMe);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _dir = std::make_unique<TempDir>();
        _config = baseConfig(*_dir);
        _tokens = mockUsers(*_dir, _config, 4);
        _host = std::make_unique<HostProcess>(*_dir, _config);
        _http = std::make_unique<HttpTestClient>(_host->port());
    }

    void tearDown() override
    {
        // A host that died during the test (rather than on SIGTERM now) shows up here.
        if (_host) {
            const int code = _host->stop();
            if (code != 0)
                std::cerr << "\nhost on port " << _host->port() << " exited with " << code << ":\n" << _host->errors() << std::endl;
        }
        _http.reset();
        _host.reset();
        _dir.reset();
    }

    // ---- sign-up ----------------------------------------------------------------------------

    void signupReturnsWorkingTokenAndNormalizedUser()
    {
        const std::string before = utcNow();
        HttpReply r = _http->post("/signup", signupBody("  New Buyer ", "  New.Buyer@Example.COM ", "s3cret-pass", " 5 Main St "));
        const std::string after = utcNow();
        assertSuccess(r, 201);
        CPPUNIT_ASSERT_MESSAGE(r.body, r.json->get("data").isString());
        const std::string token = r.json->getValue<std::string>("data");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(token, std::size_t(2), static_cast<std::size_t>(std::count(token.begin(), token.end(), '.')));

        HttpReply me = _http->get("/me", token);
        assertSuccess(me, 200);
        Poco::JSON::Object::Ptr u = me.json->getObject("data");
        assertUserJson(u, kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("new.buyer@example.com"), u->getValue<std::string>("username"));
        CPPUNIT_ASSERT_EQUAL(std::string("New Buyer"), u->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("5 Main St"), u->getValue<std::string>("shipping_address"));
        CPPUNIT_ASSERT_EQUAL(std::string("MARKETPLACE_USER"), u->getValue<std::string>("role"));
        const std::string created = u->getValue<std::string>("created_at");
        CPPUNIT_ASSERT_MESSAGE(created + " not within [" + before + ", " + after + "] (UTC)", before <= created && created <= after);
        CPPUNIT_ASSERT_EQUAL(created, u->getValue<std::string>("updated_at"));
        CPPUNIT_ASSERT(r.body.find("$y$") == std::string::npos && me.body.find("$y$") == std::string::npos);
        // API.md §1 claims: sub = the id as a string, role, iss, one hour between iat and exp, HS256.
        Poco::JWT::Token claims(token);
        CPPUNIT_ASSERT_EQUAL(std::string("HS256"), claims.getAlgorithm());
        CPPUNIT_ASSERT_EQUAL(std::to_string(u->getValue<Poco::Int64>("id")), claims.getSubject());
        CPPUNIT_ASSERT(claims.payload().get("sub").isString());
        CPPUNIT_ASSERT_EQUAL(std::string("mercato-ecommerce"), claims.getIssuer());
        CPPUNIT_ASSERT_EQUAL(std::string("MARKETPLACE_USER"), claims.payload().getValue<std::string>("role"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3600), claims.payload().getValue<Poco::Int64>("exp") - claims.payload().getValue<Poco::Int64>("iat"));

        // The normalized username signs in, and so does the address as typed.
        assertSignsIn("new.buyer@example.com", "s3cret-pass");
        assertSignsIn("New.Buyer@Example.COM", "s3cret-pass");
        // The admin's view is the same user JSON.
        HttpReply byId = _http->get("/users/" + std::to_string(u->getValue<Poco::Int64>("id")), admin());
        assertSuccess(byId, 200);
        assertUserJson(byId.json->getObject("data"), kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("new.buyer@example.com"), byId.json->getObject("data")->getValue<std::string>("username"));
        CPPUNIT_ASSERT_EQUAL(5, userCount());
    }

    void signupRejectsDuplicateUsername()
    {
        assertSuccess(_http->post("/signup", signupBody("First", "dup@example.com", "first-password")), 201);
        for (const std::string& again : {std::string("dup@example.com"), std::string("DUP@Example.com"), std::string("  Dup@example.COM  ")}) {
            HttpReply r = _http->post("/signup", signupBody("Second", again, "second-password"));
            assertFail(r, 409);
        }
        // A mock user's address is taken too.
        assertFail(_http->post("/signup", signupBody("Copy", "User@Example.com", "second-password")), 409);
        assertSignsIn("dup@example.com", "first-password");
        assertSigninFails("dup@example.com", "second-password");
        assertSigninFails("user@example.com", "second-password");
        CPPUNIT_ASSERT_EQUAL(5, userCount());
    }

    void signupRejectsInvalidEmail()
    {
        for (const std::string bad : {"not-an-email", "user@", "@example.com", "two words@example.com"}) {
            HttpReply r = _http->post("/signup", signupBody("Someone", bad, "good-password"));
            assertErrors(r, {"username:invalid_format"});
            assertSigninFails(bad, "good-password");
        }
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    void signupEmptyObjectReportsEveryRequiredField()
    {
        assertErrors(_http->post("/signup", "{}"),
                     {"name:required", "password:required", "shipping_address:required", "username:required"});
        // null counts as missing.
        assertErrors(_http->post("/signup", R"({"name":null,"username":"nulls@example.com","password":"good-password","shipping_address":null})"),
                     {"name:required", "shipping_address:required"});
        assertSigninFails("nulls@example.com", "good-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    void signupRejectsUnknownField()
    {
        HttpReply r = _http->post("/signup", R"({"name":"X","username":"unknown@example.com","password":"good-password",)"
                                             R"("shipping_address":"1 Road","x":1})");
        assertErrors(r, {"x:unknown"});
        // A client cannot pick its own role either.
        assertErrors(_http->post("/signup", R"({"name":"X","username":"unknown@example.com","password":"good-password",)"
                                            R"("shipping_address":"1 Road","role":"MARKETPLACE_ADMIN"})"),
                     {"role:unknown"});
        assertSigninFails("unknown@example.com", "good-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    void signupRejectsWrongTypes()
    {
        HttpReply r = _http->post("/signup", R"({"name":5,"username":"types@example.com","password":true,"shipping_address":"1 Road"})");
        assertErrors(r, {"name:incorrect_type", "password:incorrect_type"});
        assertErrors(_http->post("/signup", R"({"name":"T","username":["types@example.com"],"password":"good-password","shipping_address":{}})"),
                     {"shipping_address:incorrect_type", "username:incorrect_type"});
        assertSigninFails("types@example.com", "good-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    void signupChecksLengthsAndBlanks()
    {
        // Password: 8..128 characters.
        HttpReply shortPw = _http->post("/signup", signupBody("Short", "short@example.com", std::string(7, 'p')));
        assertFail(shortPw, 400);
        assertOnlyField(shortPw, "password");
        assertSigninFails("short@example.com", std::string(7, 'p'));
        assertErrors(_http->post("/signup", signupBody("Long", "long@example.com", std::string(129, 'p'))), {"password:too_long"});
        assertSigninFails("long@example.com", std::string(129, 'p'));
        // A NUL would silently shorten the password in crypt(3).
        HttpReply nul = _http->post("/signup", R"({"name":"Nul","username":"nul@example.com","password":"good\u0000password",)"
                                               R"("shipping_address":"1 Road"})");
        assertFail(nul, 400);
        assertOnlyField(nul, "password");
        assertSigninFails("nul@example.com", "good");
        // Name: at most 120 characters (code points), not blank.
        assertErrors(_http->post("/signup", signupBody(std::string(121, 'n'), "name121@example.com", "good-password")), {"name:too_long"});
        assertSigninFails("name121@example.com", "good-password");
        assertErrors(_http->post("/signup", signupBody("   ", "blank@example.com", "good-password")), {"name:empty"});
        assertSigninFails("blank@example.com", "good-password");
        // Address: at most 255, not blank (it is required).
        assertErrors(_http->post("/signup", signupBody("Addr", "addr@example.com", "good-password", std::string(256, 'a'))),
                     {"shipping_address:too_long"});
        assertErrors(_http->post("/signup", signupBody("Addr", "addr@example.com", "good-password", "  ")), {"shipping_address:empty"});
        assertSigninFails("addr@example.com", "good-password");
        // Username: at most 120.
        // (A well-formed address: local part at most 64, labels at most 63.)
        const std::string longUser = "user@" + std::string(61, 'a') + "." + std::string(50, 'b') + ".com"; // 121
        assertErrors(_http->post("/signup", signupBody("U", longUser, "good-password")), {"username:too_long"});
        assertSigninFails(longUser, "good-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());

        // The limits themselves are accepted.
        assertSuccess(_http->post("/signup", signupBody("Eight", "eight@example.com", std::string(8, 'p'))), 201);
        assertSignsIn("eight@example.com", std::string(8, 'p'));
        assertSuccess(_http->post("/signup", signupBody("Max", "max@example.com", std::string(128, 'p'))), 201);
        assertSignsIn("max@example.com", std::string(128, 'p'));
        std::string accented;
        for (int i = 0; i < 120; ++i)
            accented += "\xC3\xA9"; // é: 120 code points, 240 bytes
        HttpReply wide = _http->post("/signup", signupBody(accented, "wide@example.com", "good-password", std::string(255, 'a')));
        assertSuccess(wide, 201);
        HttpReply me = _http->get("/me", wide.json->getValue<std::string>("data"));
        CPPUNIT_ASSERT_EQUAL(accented, me.json->getObject("data")->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string(255, 'a'), me.json->getObject("data")->getValue<std::string>("shipping_address"));
        const std::string maxUser = "user@" + std::string(60, 'a') + "." + std::string(50, 'b') + ".com"; // 120
        assertSuccess(_http->post("/signup", signupBody("U", maxUser, "good-password")), 201);
        CPPUNIT_ASSERT_EQUAL(8, userCount());
    }

    // ---- sign-in and /me --------------------------------------------------------------------

    void signinReturnsToken()
    {
        HttpReply r = _http->post("/signin", signinBody("user@example.com", "password"));
        assertSuccess(r, 200);
        CPPUNIT_ASSERT(r.json->get("data").isString());
        HttpReply me = _http->get("/me", r.json->getValue<std::string>("data"));
        assertSuccess(me, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("user@example.com"), me.json->getObject("data")->getValue<std::string>("username"));
        // Case-insensitive (and trimmed) username.
        for (const std::string typed : {"USER@EXAMPLE.COM", "User@Example.Com", "  user@example.com  "}) {
            HttpReply again = _http->post("/signin", signinBody(typed, "password"));
            assertSuccess(again, 200);
            HttpReply who = _http->get("/me", again.json->getValue<std::string>("data"));
            CPPUNIT_ASSERT_EQUAL(std::string("user@example.com"), who.json->getObject("data")->getValue<std::string>("username"));
        }
        // The password is not case-insensitive.
        assertSigninFails("user@example.com", "PASSWORD");
        // A missing field is an input error, not a failed sign-in.
        assertErrors(_http->post("/signin", R"({"username":"user@example.com"})"), {"password:required"});
    }

    void signinFailuresAreIndistinguishable()
    {
        HttpReply wrong = _http->post("/signin", signinBody("user@example.com", "not-the-password"));
        HttpReply unknown = _http->post("/signin", signinBody("nobody@example.com", "not-the-password"));
        assertFail(wrong, 401);
        assertFail(unknown, 401);
        CPPUNIT_ASSERT_EQUAL(wrong.json->getValue<std::string>("message"), unknown.json->getValue<std::string>("message"));
        CPPUNIT_ASSERT_EQUAL(wrong.errorCodes().size(), unknown.errorCodes().size());
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), wrong.header("WWW-Authenticate"));
        CPPUNIT_ASSERT_EQUAL(wrong.header("WWW-Authenticate"), unknown.header("WWW-Authenticate"));
        CPPUNIT_ASSERT(wrong.json->has("data") == unknown.json->has("data"));
    }

    void meRequiresTokenAndReturnsCaller()
    {
        HttpReply anonymous = _http->get("/me");
        assertFail(anonymous, 401);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), anonymous.header("WWW-Authenticate"));
        assertFail(_http->get("/me", "garbage"), 401);

        for (const auto& [username, role] : std::map<std::string, std::string>{{"market_admin@example.com", "MARKETPLACE_ADMIN"},
                                                                              {"seller@example.com", "SELLER"},
                                                                              {"user@example.com", "MARKETPLACE_USER"},
                                                                              {"delivery@example.com", "DELIVERY_SERVICE"}}) {
            HttpReply me = _http->get("/me", _tokens.at(username));
            assertSuccess(me, 200);
            Poco::JSON::Object::Ptr u = me.json->getObject("data");
            assertUserJson(u, kEcommerceUserKeys);
            CPPUNIT_ASSERT_EQUAL(username, u->getValue<std::string>("username"));
            CPPUNIT_ASSERT_EQUAL(role, u->getValue<std::string>("role"));
        }
    }

    // ---- /users -----------------------------------------------------------------------------

    void usersListIsAdminOnlyAndPaged()
    {
        assertFail(_http->get("/users"), 401);
        assertFail(_http->get("/users", _tokens.at("user@example.com")), 403);
        assertFail(_http->get("/users", _tokens.at("seller@example.com")), 403);
        assertFail(_http->get("/users", _tokens.at("delivery@example.com")), 403);

        HttpReply all = _http->get("/users", admin());
        assertSuccess(all, 200);
        assertMeta(all, 50, 0, 4);
        Poco::JSON::Array::Ptr list = all.json->getArray("data");
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), list->size());
        std::vector<Poco::Int64> ids;
        std::set<std::string> names;
        for (std::size_t i = 0; i < list->size(); ++i) {
            Poco::JSON::Object::Ptr u = list->getObject(static_cast<unsigned>(i));
            assertUserJson(u, kEcommerceUserKeys);
            ids.push_back(u->getValue<Poco::Int64>("id"));
            names.insert(u->getValue<std::string>("username"));
        }
        CPPUNIT_ASSERT(std::is_sorted(ids.begin(), ids.end()));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), names.size());
        CPPUNIT_ASSERT(names.count("market_admin@example.com") && names.count("seller@example.com") && names.count("user@example.com")
                       && names.count("delivery@example.com"));
        CPPUNIT_ASSERT(all.body.find("password") == std::string::npos);
        CPPUNIT_ASSERT(all.body.find("hash") == std::string::npos);

        HttpReply page = _http->get("/users?limit=2&offset=1", admin());
        assertSuccess(page, 200);
        assertMeta(page, 2, 1, 4);
        Poco::JSON::Array::Ptr part = page.json->getArray("data");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), part->size());
        CPPUNIT_ASSERT_EQUAL(ids[1], part->getObject(0)->getValue<Poco::Int64>("id"));
        CPPUNIT_ASSERT_EQUAL(ids[2], part->getObject(1)->getValue<Poco::Int64>("id"));

        HttpReply beyond = _http->get("/users?offset=10&limit=500", admin());
        assertSuccess(beyond, 200);
        assertMeta(beyond, 500, 10, 4);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), beyond.json->getArray("data")->size());
    }

    void usersListRejectsBadPaging()
    {
        for (const std::string query : {"limit=0", "limit=501", "limit=abc", "limit=", "limit=1.5", "offset=-1", "offset=abc"}) {
            HttpReply r = _http->get("/users?" + query, admin());
            assertFail(r, 400);
            const std::string field = query.substr(0, query.find('='));
            assertOnlyField(r, field);
        }
        // Paging of a non-admin is still 403 (access before input).
        assertFail(_http->get("/users?limit=abc", _tokens.at("user@example.com")), 403);
    }

    void adminCreatesSeller()
    {
        const std::string before = utcNow();
        HttpReply r = _http->post("/users", jsonOf({{"name", "Shop Keeper"}, {"username", " Shop@Example.com "},
                                                    {"password", "seller-password"}, {"role", "SELLER"}}),
                                  admin());
        assertSuccess(r, 201);
        Poco::JSON::Object::Ptr u = r.json->getObject("data");
        assertUserJson(u, kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), u->getValue<std::string>("role"));
        CPPUNIT_ASSERT_EQUAL(std::string("shop@example.com"), u->getValue<std::string>("username"));
        CPPUNIT_ASSERT_EQUAL(std::string("Shop Keeper"), u->getValue<std::string>("name"));
        CPPUNIT_ASSERT(u->isNull("shipping_address"));
        CPPUNIT_ASSERT(before <= u->getValue<std::string>("created_at"));
        CPPUNIT_ASSERT(r.body.find("seller-password") == std::string::npos);

        const std::string token = assertSignsIn("shop@example.com", "seller-password");
        HttpReply me = _http->get("/me", token);
        CPPUNIT_ASSERT_EQUAL(u->getValue<Poco::Int64>("id"), me.json->getObject("data")->getValue<Poco::Int64>("id"));
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), me.json->getObject("data")->getValue<std::string>("role"));

        // The delivery service's machine account, with an address.
        HttpReply machine = _http->post("/users", jsonOf({{"name", "Delivery"}, {"username", "machine@example.com"},
                                                          {"password", "machine-password"}, {"role", "DELIVERY_SERVICE"},
                                                          {"shipping_address", "Depot 1"}}),
                                        admin());
        assertSuccess(machine, 201);
        CPPUNIT_ASSERT_EQUAL(std::string("Depot 1"), machine.json->getObject("data")->getValue<std::string>("shipping_address"));

        // Duplicates, non-admins and anonymous callers.
        assertFail(_http->post("/users", jsonOf({{"name", "Again"}, {"username", "SHOP@example.com"}, {"password", "other-password"},
                                                 {"role", "SELLER"}}),
                               admin()),
                   409);
        const std::string body = jsonOf({{"name", "Sneaky"}, {"username", "sneaky@example.com"}, {"password", "sneaky-password"},
                                         {"role", "MARKETPLACE_ADMIN"}});
        assertFail(_http->post("/users", body, _tokens.at("user@example.com")), 403);
        assertFail(_http->post("/users", body, _tokens.at("seller@example.com")), 403);
        assertFail(_http->post("/users", body), 401);
        assertSigninFails("sneaky@example.com", "sneaky-password");
        CPPUNIT_ASSERT_EQUAL(6, userCount());
    }

    void adminCreateRejectsBadRole()
    {
        assertErrors(_http->post("/users", jsonOf({{"name", "Bad"}, {"username", "bad@example.com"}, {"password", "bad-password"},
                                                   {"role", "SUPERUSER"}}),
                                 admin()),
                     {"role:invalid_value"});
        assertErrors(_http->post("/users", jsonOf({{"name", "Bad"}, {"username", "bad@example.com"}, {"password", "bad-password"},
                                                   {"role", "seller"}}),
                                 admin()),
                     {"role:invalid_value"});
        assertErrors(_http->post("/users", jsonOf({{"name", "Bad"}, {"username", "bad@example.com"}, {"password", "bad-password"}}), admin()),
                     {"role:required"});
        assertErrors(_http->post("/users", "{}", admin()), {"name:required", "password:required", "role:required", "username:required"});
        assertSigninFails("bad@example.com", "bad-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    void userManagesOwnAccount()
    {
        HttpReply signup = _http->post("/signup", signupBody("Owner", "owner@example.com", "owner-password", "Old Road 1"));
        assertSuccess(signup, 201);
        const std::string token = signup.json->getValue<std::string>("data");
        Poco::JSON::Object::Ptr me = _http->get("/me", token).json->getObject("data");
        const std::string path = "/users/" + std::to_string(me->getValue<Poco::Int64>("id"));

        HttpReply own = _http->get(path, token);
        assertSuccess(own, 200);
        assertUserJson(own.json->getObject("data"), kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("owner@example.com"), own.json->getObject("data")->getValue<std::string>("username"));

        // Timestamps have one-second resolution: let the clock move before updating.
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        HttpReply put = _http->put(path, jsonOf({{"name", " New Name "}, {"password", "renewed-password"}, {"shipping_address", "New Road 2"}}),
                                   token);
        assertSuccess(put, 200);
        Poco::JSON::Object::Ptr changed = put.json->getObject("data");
        assertUserJson(changed, kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("New Name"), changed->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("New Road 2"), changed->getValue<std::string>("shipping_address"));
        CPPUNIT_ASSERT_EQUAL(std::string("owner@example.com"), changed->getValue<std::string>("username"));
        CPPUNIT_ASSERT_EQUAL(std::string("MARKETPLACE_USER"), changed->getValue<std::string>("role"));
        CPPUNIT_ASSERT_EQUAL(me->getValue<std::string>("created_at"), changed->getValue<std::string>("created_at"));
        CPPUNIT_ASSERT_MESSAGE(changed->getValue<std::string>("updated_at"),
                               changed->getValue<std::string>("updated_at") > me->getValue<std::string>("updated_at"));
        CPPUNIT_ASSERT(put.body.find("renewed-password") == std::string::npos);

        assertSigninFails("owner@example.com", "owner-password");
        // The new password revoked the token it was changed with: continue with a new one.
        assertFail(_http->get("/me", token), 401);
        const std::string renewed = assertSignsIn("owner@example.com", "renewed-password");
        HttpReply after = _http->get("/me", renewed);
        assertSuccess(after, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("New Name"), after.json->getObject("data")->getValue<std::string>("name"));

        // A partial update leaves the other fields alone; bad input changes nothing.
        assertSuccess(_http->put(path, R"({"name":"Only Name"})", renewed), 200);
        HttpReply bad = _http->put(path, jsonOf({{"password", "short"}, {"name", std::string(121, 'n')}}), renewed);
        assertFail(bad, 400);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.body, std::size_t(2), bad.errorCodes().size());
        CPPUNIT_ASSERT_EQUAL(std::string("name:too_long"), bad.errorCodes().at(0));
        CPPUNIT_ASSERT(bad.errorCodes().at(1).rfind("password:", 0) == 0);
        assertErrors(_http->put(path, R"({"username":"other@example.com"})", renewed), {"username:unknown"});
        Poco::JSON::Object::Ptr now = _http->get("/me", renewed).json->getObject("data");
        CPPUNIT_ASSERT_EQUAL(std::string("Only Name"), now->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("New Road 2"), now->getValue<std::string>("shipping_address"));
        assertSignsIn("owner@example.com", "renewed-password");

        // A user may delete their own account; the token dies with it.
        assertSuccess(_http->del(path, renewed), 200);
        assertFail(_http->get("/me", renewed), 401);
        assertSigninFails("owner@example.com", "renewed-password");
    }

    void userCannotTouchOtherUsers()
    {
        const std::string user = _tokens.at("user@example.com");
        const Poco::Int64 sellerId = idOf("seller@example.com");
        const Poco::Int64 adminId = idOf("market_admin@example.com");
        for (Poco::Int64 other : {sellerId, adminId}) {
            const std::string path = "/users/" + std::to_string(other);
            assertFail(_http->get(path, user), 404);
            assertFail(_http->put(path, R"({"name":"Hijacked","password":"hijacked-password"})", user), 404);
            assertFail(_http->del(path, user), 404);
        }
        // The seller is untouched.
        HttpReply seller = _http->get("/users/" + std::to_string(sellerId), admin());
        assertSuccess(seller, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("seller"), seller.json->getObject("data")->getValue<std::string>("name"));
        assertSignsIn("seller@example.com", "password");
        assertSigninFails("seller@example.com", "hijacked-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());
        // A 404 for someone else's id looks like a 404 for a missing id.
        assertFail(_http->get("/users/999999", user), 404);
    }

    void nonAdminCannotChangeOwnRole()
    {
        const std::string user = _tokens.at("user@example.com");
        const std::string path = "/users/" + std::to_string(idOf("user@example.com"));
        assertFail(_http->put(path, R"({"role":"MARKETPLACE_ADMIN"})", user), 403);
        assertFail(_http->put(path, R"({"name":"Promoted","role":"SELLER"})", user), 403);
        const std::string seller = _tokens.at("seller@example.com");
        assertFail(_http->put("/users/" + std::to_string(idOf("seller@example.com")), R"({"role":"MARKETPLACE_ADMIN"})", seller), 403);

        HttpReply me = _http->get("/me", user);
        CPPUNIT_ASSERT_EQUAL(std::string("MARKETPLACE_USER"), me.json->getObject("data")->getValue<std::string>("role"));
        CPPUNIT_ASSERT_EQUAL(std::string("user"), me.json->getObject("data")->getValue<std::string>("name"));
        assertFail(_http->get("/users", user), 403);
    }

    void adminManagesAnyUser()
    {
        const std::string path = "/users/" + std::to_string(idOf("user@example.com"));
        HttpReply got = _http->get(path, admin());
        assertSuccess(got, 200);
        assertUserJson(got.json->getObject("data"), kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("user@example.com"), got.json->getObject("data")->getValue<std::string>("username"));

        HttpReply put = _http->put(path, jsonOf({{"name", "Promoted"}, {"role", "SELLER"}, {"shipping_address", "Elsewhere 3"}}), admin());
        assertSuccess(put, 200);
        Poco::JSON::Object::Ptr u = put.json->getObject("data");
        CPPUNIT_ASSERT_EQUAL(std::string("Promoted"), u->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), u->getValue<std::string>("role"));
        CPPUNIT_ASSERT_EQUAL(std::string("Elsewhere 3"), u->getValue<std::string>("shipping_address"));
        // The role is the stored one, not the one in an older token.
        HttpReply me = _http->get("/me", _tokens.at("user@example.com"));
        assertSuccess(me, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), me.json->getObject("data")->getValue<std::string>("role"));
        // A password set by the admin revokes that older token.
        assertSuccess(_http->put(path, jsonOf({{"password", "admin-set-password"}}), admin()), 200);
        assertFail(_http->get("/me", _tokens.at("user@example.com")), 401);
        HttpReply renewed = _http->get("/me", assertSignsIn("user@example.com", "admin-set-password"));
        assertSuccess(renewed, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), renewed.json->getObject("data")->getValue<std::string>("role"));
        assertErrors(_http->put(path, R"({"role":"ROOT"})", admin()), {"role:invalid_value"});
        // Unchanged values are still a successful update (MariaDB reports 0 changed rows).
        assertSuccess(_http->put(path, R"({"name":"Promoted"})", admin()), 200);

        HttpReply del = _http->del(path, admin());
        assertSuccess(del, 200);
        assertFail(_http->get(path, admin()), 404);
        assertFail(_http->put(path, R"({"name":"Ghost"})", admin()), 404);
        assertFail(_http->del(path, admin()), 404);
        assertSigninFails("user@example.com", "admin-set-password");
        CPPUNIT_ASSERT_EQUAL(3, userCount());
    }

    void unknownUserIdIs404()
    {
        for (const std::string path : {"/users/999999", "/users/0", "/users/abc", "/users/-3"}) {
            assertFail(_http->get(path, admin()), 404);
            assertFail(_http->put(path, R"({"name":"Nobody"})", admin()), 404);
            assertFail(_http->del(path, admin()), 404);
        }
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    void deletedUsersTokenIs401()
    {
        const std::string seller = _tokens.at("seller@example.com");
        assertSuccess(_http->get("/me", seller), 200);
        assertSuccess(_http->del("/users/" + std::to_string(idOf("seller@example.com")), admin()), 200);
        HttpReply r = _http->get("/me", seller);
        assertFail(r, 401);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), r.header("WWW-Authenticate"));
        assertFail(_http->get("/users/" + std::to_string(idOf("user@example.com")), seller), 401);
        // A new user with the same address gets a new id: the old token stays dead.
        HttpReply again = _http->post("/signup", signupBody("Seller Again", "seller@example.com", "another-password"));
        assertSuccess(again, 201);
        assertFail(_http->get("/me", seller), 401);
        assertSuccess(_http->get("/me", again.json->getValue<std::string>("data")), 200);
    }

    // ---- token revocation -------------------------------------------------------------------

    void passwordChangeRevokesEarlierTokens()
    {
        const std::string mockToken = _tokens.at("user@example.com");
        const std::string signedIn = assertSignsIn("user@example.com", "password");
        const std::string path = "/users/" + std::to_string(idOf("user@example.com"));
        assertSuccess(_http->get("/me", signedIn), 200);

        // A change without a password revokes nothing.
        assertSuccess(_http->put(path, R"({"name":"Renamed"})", signedIn), 200);
        assertSuccess(_http->get("/me", signedIn), 200);

        // The user changes their password: every token issued before is refused at once.
        assertSuccess(_http->put(path, jsonOf({{"password", "changed-password"}}), signedIn), 200);
        for (const std::string& old : {signedIn, mockToken}) {
            HttpReply r = _http->get("/me", old);
            assertFail(r, 401);
            CPPUNIT_ASSERT_EQUAL(std::string("Invalid or expired token"), r.json->getValue<std::string>("message"));
            assertFail(_http->put(path, R"({"name":"Old token"})", old), 401);
        }
        const std::string renewed = assertSignsIn("user@example.com", "changed-password");
        HttpReply me = _http->get("/me", renewed);
        assertSuccess(me, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("Renamed"), me.json->getObject("data")->getValue<std::string>("name"));

        // An admin resetting the password revokes the user's tokens too, not the admin's.
        assertSuccess(_http->put(path, jsonOf({{"password", "reset-by-admin"}}), admin()), 200);
        assertFail(_http->get("/me", renewed), 401);
        assertSuccess(_http->get("/me", admin()), 200);
        assertSuccess(_http->get("/me", assertSignsIn("user@example.com", "reset-by-admin")), 200);
        // Other users' tokens are untouched.
        assertSuccess(_http->get("/me", _tokens.at("seller@example.com")), 200);
    }

    // ---- sign-in limits ---------------------------------------------------------------------

    void signinLimitedPerUsername()
    {
        TempDir dir;
        std::map<std::string, std::string> config = limitedConfig(dir, 3, 100, 60);
        mockUsers(dir, config, 4);
        HostProcess host(dir, config);
        HttpTestClient http(host.port());
        withHostLog(host, [&] {
            // A known and an unknown username are counted alike (no user enumeration).
            for (const std::string username : {"user@example.com", "nobody@example.com"}) {
                for (int i = 1; i <= 3; ++i) {
                    HttpReply wrong = http.post("/signin", signinBody(username, "wrong-password"));
                    assertFail(wrong, 401);
                    assertRateHeaders(wrong, 3, 3 - i);
                }
                // Over the limit even the right password is refused, without checking it.
                HttpReply limited = http.post("/signin", signinBody(username, "password"));
                assertLimited(limited, 3, 60);
                assertLimited(http.post("/signin", signinBody(username, "wrong-password")), 3, 60);
                // Typed differently, it is the same username.
                assertLimited(http.post("/signin", signinBody("  " + Poco::toUpper(username), "password")), 3, 60);
            }
            // Other usernames are not affected.
            assertSuccess(http.post("/signin", signinBody("seller@example.com", "password")), 200);

            // A successful sign-in forgets the username's failures.
            for (int i = 0; i < 2; ++i)
                assertFail(http.post("/signin", signinBody("seller@example.com", "wrong-password")), 401);
            assertSuccess(http.post("/signin", signinBody("seller@example.com", "password")), 200);
            for (int i = 1; i <= 3; ++i) {
                HttpReply wrong = http.post("/signin", signinBody("seller@example.com", "wrong-password"));
                assertFail(wrong, 401);
                assertRateHeaders(wrong, 3, 3 - i);
            }
            assertLimited(http.post("/signin", signinBody("seller@example.com", "password")), 3, 60);
        });
    }

    void signinLimitEndsWithItsWindow()
    {
        TempDir dir;
        std::map<std::string, std::string> config = limitedConfig(dir, 2, 100, 2);
        mockUsers(dir, config, 4);
        HostProcess host(dir, config);
        HttpTestClient http(host.port());
        withHostLog(host, [&] {
            // Wrong passwords until refused (a stalled machine may see a window end on the way).
            HttpReply last;
            for (int i = 0; i < 20 && last.status != 429; ++i)
                last = http.post("/signin", signinBody("user@example.com", "wrong-password"));
            assertLimited(last, 2, 2);
            assertLimited(http.post("/signin", signinBody("user@example.com", "password")), 2, 2);
            // Retry-After says when the window ends; after it the right password works again.
            std::this_thread::sleep_for(std::chrono::seconds(std::stoll(last.header("Retry-After"))) + std::chrono::milliseconds(300));
            HttpReply again = http.post("/signin", signinBody("user@example.com", "password"));
            assertSuccess(again, 200);
            assertSuccess(http.get("/me", again.json->getValue<std::string>("data")), 200);
        });
    }

    void signinLimitedPerAddressAcrossUsernames()
    {
        TempDir dir;
        std::map<std::string, std::string> config = limitedConfig(dir, 100, 3, 60);
        std::map<std::string, std::string> tokens = mockUsers(dir, config, 4);
        HostProcess host(dir, config);
        HttpTestClient http(host.port());
        withHostLog(host, [&] {
            // Successful sign-ins do not use up the address's allowance.
            for (int i = 0; i < 5; ++i)
                assertSuccess(http.post("/signin", signinBody("user@example.com", "password")), 200);
            // Three failures from this address, each for another username...
            int remaining = 3;
            for (const std::string username : {"user@example.com", "seller@example.com", "nobody@example.com"}) {
                HttpReply wrong = http.post("/signin", signinBody(username, "wrong-password"));
                assertFail(wrong, 401);
                assertRateHeaders(wrong, 3, --remaining);
            }
            // ...and every username is refused from here, with the right password too.
            for (const std::string username : {"market_admin@example.com", "delivery@example.com", "user@example.com"})
                assertLimited(http.post("/signin", signinBody(username, "password")), 3, 60);
            // Authenticated requests are not sign-ins: they are not limited.
            assertSuccess(http.get("/me", tokens.at("user@example.com")), 200);
        });
    }

    // ---- users mock-users -------------------------------------------------------------------

    void mockUsersIsIdempotent()
    {
        std::map<std::string, Poco::Int64> firstIds;
        for (const auto& [username, token] : _tokens)
            firstIds[username] = meId(token);

        // Again, while the host is running on the same database.
        std::map<std::string, std::string> second = mockUsers(*_dir, _config, 4);
        CPPUNIT_ASSERT_EQUAL(join(keysOf(_tokens)), join(keysOf(second)));
        CPPUNIT_ASSERT_EQUAL(join({"delivery@example.com", "market_admin@example.com", "seller@example.com", "user@example.com"}),
                             join(keysOf(second)));
        for (const auto& [username, token] : second) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(username, firstIds.at(username), meId(token));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(username, firstIds.at(username), meId(_tokens.at(username))); // old tokens still valid
            assertSignsIn(username, "password");
        }
        CPPUNIT_ASSERT_EQUAL(4, userCount());

        // A mock user whose password was changed keeps it: mock-users does not reset accounts.
        const std::string path = "/users/" + std::to_string(firstIds.at("user@example.com"));
        assertSuccess(_http->put(path, R"({"password":"changed-password"})", _tokens.at("user@example.com")), 200);
        std::map<std::string, std::string> third = mockUsers(*_dir, _config, 4);
        CPPUNIT_ASSERT_EQUAL(firstIds.at("user@example.com"), meId(third.at("user@example.com")));
        assertSignsIn("user@example.com", "changed-password");
        CPPUNIT_ASSERT_EQUAL(4, userCount());
    }

    // ---- delivery shape ---------------------------------------------------------------------

    void deliveryHasNoPublicSignupAndNoAddress()
    {
        TempDir dir;
        std::map<std::string, std::string> config = deliveryConfig(dir);
        std::map<std::string, std::string> tokens = mockUsers(dir, config, 2);
        CPPUNIT_ASSERT(tokens.count("admin@delivery.example.com") && tokens.count("delivery@example.com"));
        HostProcess host(dir, config);
        HttpTestClient http(host.port());
        withHostLog(host, [&] { deliveryNoSignupChecks(http, tokens); });
    }

    void deliveryNoSignupChecks(HttpTestClient& http, const std::map<std::string, std::string>& tokens)
    {
        const std::string admin = tokens.at("admin@delivery.example.com");
        const std::string client = tokens.at("delivery@example.com");

        assertFail(http.post("/signup", jsonOf({{"name", "X"}, {"username", "x@example.com"}, {"password", "good-password"}})), 404);
        assertFail(http.post("/signup", "{}"), 404);

        HttpReply me = http.get("/me", admin);
        assertSuccess(me, 200);
        assertUserJson(me.json->getObject("data"), kDeliveryUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERY_ADMIN"), me.json->getObject("data")->getValue<std::string>("role"));
        HttpReply cme = http.get("/me", client);
        assertSuccess(cme, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERY_CLIENT"), cme.json->getObject("data")->getValue<std::string>("role"));

        HttpReply signin = http.post("/signin", signinBody("Admin@Delivery.Example.com", "password"));
        assertSuccess(signin, 200);
        CPPUNIT_ASSERT_EQUAL(std::string("mercato-delivery"), Poco::JWT::Token(signin.json->getValue<std::string>("data")).getIssuer());
        assertSuccess(http.get("/me", signin.json->getValue<std::string>("data")), 200);

        // Accounts are created by the admin, without a shipping address.
        assertErrors(http.post("/users", jsonOf({{"name", "Shop"}, {"username", "shop@example.com"}, {"password", "shop-password"},
                                                 {"role", "DELIVERY_CLIENT"}, {"shipping_address", "1 Road"}}),
                               admin),
                     {"shipping_address:unknown"});
        assertErrors(http.post("/users", jsonOf({{"name", "Shop"}, {"username", "shop@example.com"}, {"password", "shop-password"},
                                                 {"role", "MARKETPLACE_USER"}}),
                               admin),
                     {"role:invalid_value"});
        HttpReply created = http.post("/users", jsonOf({{"name", "Shop"}, {"username", "shop@example.com"}, {"password", "shop-password"},
                                                        {"role", "DELIVERY_CLIENT"}}),
                                      admin);
        assertSuccess(created, 201);
        assertUserJson(created.json->getObject("data"), kDeliveryUserKeys);
        const std::string path = "/users/" + std::to_string(created.json->getObject("data")->getValue<Poco::Int64>("id"));
        assertSuccess(http.post("/signin", signinBody("shop@example.com", "shop-password")), 200);

        // Clients do not administer users.
        assertFail(http.get("/users", client), 403);
        assertFail(http.post("/users", jsonOf({{"name", "C"}, {"username", "c@example.com"}, {"password", "c-password"},
                                               {"role", "DELIVERY_ADMIN"}}),
                             client),
                   403);
        assertFail(http.get(path, client), 404);
        assertErrors(http.put("/users/" + std::to_string(cme.json->getObject("data")->getValue<Poco::Int64>("id")),
                              R"({"shipping_address":"1 Road"})", client),
                     {"shipping_address:unknown"});

        HttpReply list = http.get("/users", admin);
        assertSuccess(list, 200);
        assertMeta(list, 50, 0, 3);
        for (std::size_t i = 0; i < 3; ++i)
            assertUserJson(list.json->getArray("data")->getObject(static_cast<unsigned>(i)), kDeliveryUserKeys);
        assertSuccess(http.get(path, admin), 200);
        assertSuccess(http.del(path, admin), 200);
        assertFail(http.get(path, admin), 404);
    }

    void deliveryRejectsEcommerceTokens()
    {
        TempDir dir;
        std::map<std::string, std::string> config = deliveryConfig(dir);
        std::map<std::string, std::string> tokens = mockUsers(dir, config, 2);
        HostProcess host(dir, config);
        HttpTestClient http(host.port());
        withHostLog(host, [&] { deliveryTokenChecks(http, tokens); });
    }

    void deliveryTokenChecks(HttpTestClient& http, const std::map<std::string, std::string>& tokens)
    {
        const std::string adminId = std::to_string(meIdOn(http, tokens.at("admin@delivery.example.com")));

        // Real ecommerce tokens (other issuer and secret); the user ids overlap with delivery's.
        for (const auto& entry : _tokens) {
            HttpReply r = http.get("/me", entry.second);
            assertFail(r, 401);
            CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), r.header("WWW-Authenticate"));
        }
        assertFail(http.get("/users", _tokens.at("market_admin@example.com")), 401);
        // Right secret, wrong issuer; wrong secret, right issuer: both refused.
        assertFail(http.get("/me", hs256(adminId, "mercato-ecommerce", kDeliverySecret, "DELIVERY_ADMIN")), 401);
        assertFail(http.get("/me", hs256(adminId, "mercato-delivery", kTestSecret, "DELIVERY_ADMIN")), 401);
        // The same token made properly is accepted (the forging above is sound).
        assertSuccess(http.get("/me", hs256(adminId, "mercato-delivery", kDeliverySecret, "DELIVERY_ADMIN")), 200);
        // And the other way round: a delivery token is refused by ecommerce.
        assertFail(_http->get("/me", tokens.at("delivery@example.com")), 401);
    }

    // ---- MariaDB ----------------------------------------------------------------------------

    void mysqlSignupSigninMe()
    {
        ScratchMySqlDatabase db;
        TempDir dir;
        std::map<std::string, std::string> config = baseConfig(dir);
        config.erase("db.file");
        for (const auto& [k, v] : db.configKeys())
            config[k] = v;
        std::map<std::string, std::string> tokens = mockUsers(dir, config, 4);
        HostProcess host(dir, config);
        HttpTestClient http(host.port());

        HttpReply signup = http.post("/signup", signupBody(" Maria ", " Maria@Example.COM ", "maria-password", "Calle 1"));
        assertSuccess(signup, 201);
        const std::string token = signup.json->getValue<std::string>("data");
        HttpReply me = http.get("/me", token);
        assertSuccess(me, 200);
        Poco::JSON::Object::Ptr u = me.json->getObject("data");
        assertUserJson(u, kEcommerceUserKeys);
        CPPUNIT_ASSERT_EQUAL(std::string("maria@example.com"), u->getValue<std::string>("username"));
        CPPUNIT_ASSERT_EQUAL(std::string("Maria"), u->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("MARKETPLACE_USER"), u->getValue<std::string>("role"));

        // Duplicates differing in case (the column's collation is binary).
        assertFail(http.post("/signup", signupBody("Maria 2", "MARIA@example.com", "other-password")), 409);
        assertFail(http.post("/signup", signupBody("", "x@example.com", "short")), 400);

        HttpReply signin = http.post("/signin", signinBody("MARIA@EXAMPLE.COM", "maria-password"));
        assertSuccess(signin, 200);
        HttpReply again = http.get("/me", signin.json->getValue<std::string>("data"));
        CPPUNIT_ASSERT_EQUAL(u->getValue<Poco::Int64>("id"), again.json->getObject("data")->getValue<Poco::Int64>("id"));
        assertFail(http.post("/signin", signinBody("maria@example.com", "wrong-password")), 401);

        // 120 two-byte characters fit the utf8mb4 column.
        std::string accented;
        for (int i = 0; i < 120; ++i)
            accented += "\xC3\xA9";
        const std::string path = "/users/" + std::to_string(u->getValue<Poco::Int64>("id"));
        HttpReply put = http.put(path, jsonOf({{"name", accented}}), token);
        assertSuccess(put, 200);
        CPPUNIT_ASSERT_EQUAL(accented, put.json->getObject("data")->getValue<std::string>("name"));
        // An update that changes nothing is still 200 on MariaDB.
        assertSuccess(http.put(path, jsonOf({{"name", accented}}), token), 200);
        // A password change revokes the tokens issued before it (token_version on MariaDB).
        assertSuccess(http.put(path, jsonOf({{"password", "maria-renewed"}}), token), 200);
        assertFail(http.get("/me", token), 401);
        HttpReply renewed = http.post("/signin", signinBody("maria@example.com", "maria-renewed"));
        assertSuccess(renewed, 200);
        assertSuccess(http.get("/me", renewed.json->getValue<std::string>("data")), 200);

        HttpReply list = http.get("/users", tokens.at("market_admin@example.com"));
        assertSuccess(list, 200);
        assertMeta(list, 50, 0, 5);
        assertSuccess(http.del(path, tokens.at("market_admin@example.com")), 200);
        assertFail(http.get("/me", renewed.json->getValue<std::string>("data")), 401);
    }

private:
    // ---- helpers ----------------------------------------------------------------------------

    /// Runs `checks`; an exception other than a failed assertion (e.g. a refused connection) is
    /// reported with the host's exit status and standard error.
    template <class F>
    void withHostLog(HostProcess& host, F checks)
    {
        try {
            checks();
        } catch (const CppUnit::Exception&) {
            throw;
        } catch (const std::exception& e) {
            std::string what = e.what();
            std::string log = host.errors();
            int code = host.stop();
            CPPUNIT_FAIL(what + " (port " + std::to_string(host.port()) + ", main host's port " + std::to_string(_host->port()) + "; host exit code " + std::to_string(code) + ")\nhost stderr:\n"
                         + log);
        }
    }

    /// Runs `users mock-users` for `config` and returns username → token.
    static std::map<std::string, std::string> mockUsers(const TempDir& dir, const std::map<std::string, std::string>& config,
                                                        std::size_t expected)
    {
        writeProperties(dir.file("cli.properties"), config);
        RunResult run = runMercato(dir.file("cli.properties"), {"users", "mock-users"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(run.err, 0, run.exitCode);
        std::map<std::string, std::string> tokens = parseMockTokens(run.out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(run.out, expected, tokens.size());
        return tokens;
    }

    /// `baseConfig` with sign-in limits: failures per username and per address within `windowSeconds`.
    static std::map<std::string, std::string> limitedConfig(const TempDir& dir, int perUsername, int perAddress, int windowSeconds)
    {
        std::map<std::string, std::string> c = baseConfig(dir);
        c["accounts.signin.usernameLimit"] = std::to_string(perUsername);
        c["accounts.signin.usernameWindowSeconds"] = std::to_string(windowSeconds);
        c["accounts.signin.addressLimit"] = std::to_string(perAddress);
        c["accounts.signin.addressWindowSeconds"] = std::to_string(windowSeconds);
        return c;
    }

    static std::int64_t headerNumber(const HttpReply& r, const std::string& name)
    {
        const std::string value = r.header(name);
        CPPUNIT_ASSERT_MESSAGE(name + " missing: " + r.body, !value.empty());
        CPPUNIT_ASSERT_MESSAGE(name + ": " + value, value.find_first_not_of("0123456789") == std::string::npos);
        return std::stoll(value);
    }

    /// RateLimit-Limit and RateLimit-Remaining as given, RateLimit-Reset a number of seconds.
    static void assertRateHeaders(const HttpReply& r, std::int64_t limit, std::int64_t remaining)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, limit, headerNumber(r, "RateLimit-Limit"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, remaining, headerNumber(r, "RateLimit-Remaining"));
        headerNumber(r, "RateLimit-Reset");
    }

    /// A 429 failure envelope whose Retry-After and RateLimit-Reset lie within the window.
    static void assertLimited(const HttpReply& r, std::int64_t limit, std::int64_t windowSeconds)
    {
        assertFail(r, 429);
        CPPUNIT_ASSERT(r.json->getValue<std::string>("message").find("Too many") != std::string::npos);
        assertRateHeaders(r, limit, 0);
        const std::int64_t retryAfter = headerNumber(r, "Retry-After");
        CPPUNIT_ASSERT_MESSAGE(r.header("Retry-After"), retryAfter >= 1 && retryAfter <= windowSeconds);
        CPPUNIT_ASSERT_EQUAL(retryAfter, headerNumber(r, "RateLimit-Reset"));
    }

    static std::vector<std::string> keysOf(const std::map<std::string, std::string>& m)
    {
        std::vector<std::string> keys;
        for (const auto& kv : m)
            keys.push_back(kv.first);
        return keys;
    }

    const std::string& admin() const { return _tokens.at("market_admin@example.com"); }

    static void assertSuccess(const HttpReply& r, int status)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, status, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json; charset=utf-8"), r.header("Content-Type"));
        CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("success"), r.json->getValue<std::string>("code"));
        CPPUNIT_ASSERT_MESSAGE(r.body, r.json->has("message") && r.json->has("data"));
    }

    static void assertFail(const HttpReply& r, int status)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, status, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("application/json; charset=utf-8"), r.header("Content-Type"));
        CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("fail"), r.json->getValue<std::string>("code"));
        CPPUNIT_ASSERT_MESSAGE(r.body, !r.json->getValue<std::string>("message").empty());
        CPPUNIT_ASSERT_MESSAGE(r.body, !r.json->has("data"));
    }

    /// A 400 whose errors are exactly `codes` ("field:code"), in this order.
    static void assertErrors(const HttpReply& r, const std::vector<std::string>& codes)
    {
        assertFail(r, 400);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, join(codes), join(r.errorCodes()));
    }

    /// The response's errors all concern `field` (whatever their code).
    static void assertOnlyField(const HttpReply& r, const std::string& field)
    {
        std::vector<std::string> codes = r.errorCodes();
        CPPUNIT_ASSERT_MESSAGE(r.body, !codes.empty());
        for (const auto& c : codes)
            CPPUNIT_ASSERT_MESSAGE(r.body, c.rfind(field + ":", 0) == 0);
    }

    static void assertUserJson(const Poco::JSON::Object::Ptr& u, const std::vector<std::string>& keys)
    {
        CPPUNIT_ASSERT(!u.isNull());
        CPPUNIT_ASSERT_EQUAL(join(keys), join(sortedNames(u)));
        CPPUNIT_ASSERT(u->getValue<Poco::Int64>("id") > 0);
        CPPUNIT_ASSERT_MESSAGE(u->getValue<std::string>("created_at"), isTimestamp(u->getValue<std::string>("created_at")));
        CPPUNIT_ASSERT_MESSAGE(u->getValue<std::string>("updated_at"), isTimestamp(u->getValue<std::string>("updated_at")));
    }

    static void assertMeta(const HttpReply& r, Poco::Int64 limit, Poco::Int64 offset, Poco::Int64 total)
    {
        CPPUNIT_ASSERT_MESSAGE(r.body, r.json->has("meta"));
        Poco::JSON::Object::Ptr meta = r.json->getObject("meta");
        CPPUNIT_ASSERT_EQUAL(join({"limit", "offset", "total"}), join(sortedNames(meta)));
        CPPUNIT_ASSERT_EQUAL(limit, meta->getValue<Poco::Int64>("limit"));
        CPPUNIT_ASSERT_EQUAL(offset, meta->getValue<Poco::Int64>("offset"));
        CPPUNIT_ASSERT_EQUAL(total, meta->getValue<Poco::Int64>("total"));
    }

    /// Signs in and returns the token.
    std::string assertSignsIn(const std::string& username, const std::string& password)
    {
        HttpReply r = _http->post("/signin", signinBody(username, password));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(username + ": " + r.body, 200, r.status);
        return r.json->getValue<std::string>("data");
    }

    void assertSigninFails(const std::string& username, const std::string& password)
    {
        HttpReply r = _http->post("/signin", signinBody(username, password));
        CPPUNIT_ASSERT_MESSAGE(username + ": " + r.body, r.status == 401 || r.status == 400);
    }

    /// The total of GET /users as the admin sees it.
    int userCount()
    {
        HttpReply r = _http->get("/users", admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        return r.json->getObject("meta")->getValue<int>("total");
    }

    static Poco::Int64 meIdOn(const HttpTestClient& http, const std::string& token)
    {
        HttpReply me = http.get("/me", token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(me.body, 200, me.status);
        return me.json->getObject("data")->getValue<Poco::Int64>("id");
    }

    Poco::Int64 meId(const std::string& token) { return meIdOn(*_http, token); }
    Poco::Int64 idOf(const std::string& mockUsername) { return meId(_tokens.at(mockUsername)); }

    std::unique_ptr<TempDir> _dir;
    std::map<std::string, std::string> _config;
    std::map<std::string, std::string> _tokens;
    std::unique_ptr<HostProcess> _host;
    std::unique_ptr<HttpTestClient> _http;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AccountsAcceptanceTest, "acceptance");
