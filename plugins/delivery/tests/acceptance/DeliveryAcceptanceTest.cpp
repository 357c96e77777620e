// API.md §1 and §3 (issue 5) against the real binary with the accounts and delivery plugins, over
// HTTP on loopback: creating deliveries (validation, idempotency by order and by Idempotency-Key),
// lists, BOLA on every verb, updates and cancellation, the status tick, tracking history, the
// public tracking page, webhook subscriptions (secret, SSRF guard, ownership), authentication, a
// full lifecycle on SQLite and MariaDB, concurrent creates of one order, and shipments of an order
// (one delivery each, in the JSON and in the webhook events).
#include "DeliveryService.h"
#include "WebhookReceiver.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/SHA2Engine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iterator>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

using namespace mercato::test;

namespace {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;
using Db = DeliveryService::Db;

// ---- request bodies ------------------------------------------------------------------------

struct Line {
    std::int64_t sku;
    std::string name;
    std::int64_t qty;
};

/// A POST /deliveries body.
struct Draft {
    std::int64_t foreignOrderId = 1;
    std::vector<Line> products{{101, "Dune", 2}};
    std::string origin = "1 Dock Road, Port City";
    std::string destName = "Ada Lovelace";
    std::string destAddress = "12 Analytical Street, London";
    bool alias = false; ///< send the seed's `foreing_order_id` spelling
    std::int64_t foreignShipmentId = 0; ///< sent when not 0

    Obj object() const
    {
        Arr items = new Poco::JSON::Array;
        for (const auto& l : products) {
            Obj p = new Poco::JSON::Object;
            p->set("sku", Poco::Int64(l.sku));
            p->set("name", l.name);
            p->set("qty", Poco::Int64(l.qty));
            items->add(p);
        }
        Obj order = new Poco::JSON::Object;
        order->set(alias ? "foreing_order_id" : "foreign_order_id", Poco::Int64(foreignOrderId));
        if (foreignShipmentId != 0)
            order->set("foreign_shipment_id", Poco::Int64(foreignShipmentId));
        order->set("products", items);
        Obj from = new Poco::JSON::Object;
        from->set("address", origin);
        Obj to = new Poco::JSON::Object;
        to->set("name", destName);
        to->set("address", destAddress);
        Obj body = new Poco::JSON::Object;
        body->set("order", order);
        body->set("origin", from);
        body->set("destination", to);
        return body;
    }

    std::string json() const { return DeliveryService::text(*object()); }
};

Draft draft(std::int64_t foreignOrderId)
{
    Draft d;
    d.foreignOrderId = foreignOrderId;
    return d;
}

/// A POST /deliveries body for one shipment of an order.
Draft shipmentDraft(std::int64_t foreignOrderId, std::int64_t foreignShipmentId)
{
    Draft d = draft(foreignOrderId);
    d.foreignShipmentId = foreignShipmentId;
    return d;
}

/// The minimal valid body as text, for hand-made variants.
const std::string kBody = R"({"order":{"foreign_order_id":1,"products":[{"sku":1,"name":"Dune","qty":1}]},)"
                          R"("origin":{"address":"1 Dock"},"destination":{"name":"Ada","address":"2 Home"}})";

std::string bodyWith(const std::string& order, const std::string& origin = R"({"address":"1 Dock"})",
                     const std::string& destination = R"({"name":"Ada","address":"2 Home"})")
{
    return R"({"order":)" + order + R"(,"origin":)" + origin + R"(,"destination":)" + destination + "}";
}

std::string orderWith(const std::string& products, const std::string& idMember = R"("foreign_order_id":1)")
{
    return "{" + idMember + R"(,"products":)" + products + "}";
}

std::string quoted(const std::string& s)
{
    Poco::JSON::Object o;
    o.set("v", s);
    std::string t = DeliveryService::text(o);
    return t.substr(5, t.size() - 6); // {"v":<here>}
}

const std::string kPublicHook = "https://93.184.216.34/hook";

// ---- replies --------------------------------------------------------------------------------

std::map<std::string, std::string> bearer(const std::string& token, std::map<std::string, std::string> more = {})
{
    if (!token.empty())
        more["Authorization"] = "Bearer " + token;
    return more;
}

std::string describe(const std::string& what, const HttpReply& r)
{
    return what + " -> " + std::to_string(r.status) + " " + r.body;
}

void expectStatus(const std::string& what, int status, const HttpReply& r)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(what, r), status, r.status);
}

/// A success envelope with `status`.
void expectSuccess(const std::string& what, int status, const HttpReply& r)
{
    expectStatus(what, status, r);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(what, r), std::string("application/json; charset=utf-8"), r.header("Content-Type"));
    CPPUNIT_ASSERT_MESSAGE(describe(what, r), !r.json.isNull());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(what, r), std::string("success"), r.json->optValue<std::string>("code", ""));
    CPPUNIT_ASSERT_MESSAGE(describe(what, r), r.json->has("data"));
}

/// A failure envelope with `status`.
void expectFail(const std::string& what, int status, const HttpReply& r)
{
    expectStatus(what, status, r);
    CPPUNIT_ASSERT_MESSAGE(describe(what, r), !r.json.isNull());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(what, r), std::string("fail"), r.json->optValue<std::string>("code", ""));
}

std::string joined(const std::vector<std::string>& items)
{
    std::string s;
    for (const auto& i : items)
        s += (s.empty() ? "" : ", ") + i;
    return "[" + s + "]";
}

/// 400 with exactly these `field:code` errors, in this order.
void expectErrors(const std::string& what, const HttpReply& r, const std::vector<std::string>& codes)
{
    expectFail(what, 400, r);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(what, r), joined(codes), joined(r.errorCodes()));
}

bool hasError(const HttpReply& r, const std::string& field, const std::string& code = "")
{
    for (const auto& fc : r.errorCodes()) {
        const auto colon = fc.rfind(':');
        if (fc.substr(0, colon) == field && (code.empty() || fc.substr(colon + 1) == code))
            return true;
    }
    return false;
}

/// 400 naming `field` (with `code` when given) among its errors.
void expectErrorOn(const std::string& what, const HttpReply& r, const std::string& field, const std::string& code = "")
{
    expectFail(what, 400, r);
    CPPUNIT_ASSERT_MESSAGE(describe(what, r) + " (expected an error on " + field + (code.empty() ? "" : ":" + code) + ")",
                           hasError(r, field, code));
}

Obj dataOf(const HttpReply& r)
{
    CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull() && r.json->isObject("data"));
    return r.json->getObject("data");
}

Arr listOf(const HttpReply& r)
{
    CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull() && r.json->isArray("data"));
    return r.json->getArray("data");
}

std::int64_t totalOf(const HttpReply& r)
{
    CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull() && r.json->isObject("meta"));
    return r.json->getObject("meta")->getValue<std::int64_t>("total");
}

std::string str(const Obj& o, const std::string& key)
{
    CPPUNIT_ASSERT_MESSAGE("no string '" + key + "'", o->has(key) && !o->isNull(key));
    return o->getValue<std::string>(key);
}

std::int64_t num(const Obj& o, const std::string& key)
{
    CPPUNIT_ASSERT_MESSAGE("no integer '" + key + "'", o->has(key) && !o->isNull(key));
    return o->getValue<std::int64_t>(key);
}

std::string text(const Obj& o)
{
    return DeliveryService::text(*o);
}

bool isTimestamp(const std::string& s)
{
    static const std::regex format(R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$)");
    return std::regex_match(s, format);
}

bool isTrackingNumber(const std::string& s)
{
    static const std::regex format("^[A-Z0-9]{12}$");
    return std::regex_match(s, format);
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> keysOf(const Obj& o)
{
    std::vector<std::string> names = o->getNames();
    std::sort(names.begin(), names.end());
    return names;
}

/// The legal steps of API.md §3 (and creation/cancellation): "from>to".
bool isLegalStep(const std::string& from, const std::string& to)
{
    static const std::set<std::string> steps{"READY_FOR_PICK_UP>IN_ORIGIN",        "READY_FOR_PICK_UP>CANCELLED",
                                             "IN_ORIGIN>IN_ROUTE_OF_DELIVERY",     "IN_ROUTE_OF_DELIVERY>DELIVERED",
                                             "IN_ROUTE_OF_DELIVERY>NOT_DELIVERED", "NOT_DELIVERED>IN_ROUTE_OF_DELIVERY"};
    return steps.count(from + ">" + to) == 1;
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

std::string base64Decoded(const std::string& encoded)
{
    std::istringstream in(encoded);
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
}

} // namespace

class DeliveryAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DeliveryAcceptanceTest);
    CPPUNIT_TEST(createReturnsTheDeliveryAndItsFirstTrackingEntry);
    CPPUNIT_TEST(createAcceptsTheLimits);
    CPPUNIT_TEST(createRejectsBadInputAndWritesNothing);
    CPPUNIT_TEST(createIsForClientsOnly);
    CPPUNIT_TEST(createIsIdempotentPerClientAndOrder);
    CPPUNIT_TEST(createIsIdempotentPerShipment);
    CPPUNIT_TEST(createRejectsBadShipmentIds);
    CPPUNIT_TEST(updateCannotChangeTheShipment);
    CPPUNIT_TEST(webhookEventsCarryTheShipment);
    CPPUNIT_TEST(listIsScopedFilteredAndPaged);
    CPPUNIT_TEST(otherClientsGet404OnEveryVerb);
    CPPUNIT_TEST(unknownOrMalformedTrackingNumbersAre404);
    CPPUNIT_TEST(updateReplacesPartsWhileReadyForPickUp);
    CPPUNIT_TEST(updateRejectsBadInputAndWritesNothing);
    CPPUNIT_TEST(cancelOnlyWhileReadyForPickUp);
    CPPUNIT_TEST(tickIsAdminOnly);
    CPPUNIT_TEST(tickMovesEveryDeliveryAcrossBatches);
    CPPUNIT_TEST(notDeliveredGoesBackInRoute);
    CPPUNIT_TEST(deliveriesHistoryFromQueryOrBody);
    CPPUNIT_TEST(publicTrackingJsonHasNoPersonalData);
    CPPUNIT_TEST(publicTrackingHtmlPage);
    CPPUNIT_TEST(publicTrackingPagesSendSecurityHeaders);
    CPPUNIT_TEST(webhookCreateShowsTheSecretOnlyOnce);
    CPPUNIT_TEST(webhookRejectsBadInputAndWritesNothing);
    CPPUNIT_TEST(webhookRefusesPrivateTargets);
    CPPUNIT_TEST(webhookPrivateTargetsAllowedByConfig);
    CPPUNIT_TEST(webhookOwnershipAndDelete);
    CPPUNIT_TEST(authenticationAndNoSignup);
    CPPUNIT_TEST(fullLifecycleOnSqlite);
    CPPUNIT_TEST(fullLifecycleOnMariaDb);
    CPPUNIT_TEST(concurrentCreatesOnSqlite);
    CPPUNIT_TEST(concurrentCreatesOnMariaDb);
    CPPUNIT_TEST(cancelsRacingATickOnSqlite);
    CPPUNIT_TEST(cancelsRacingATickOnMariaDb);
    CPPUNIT_TEST(concurrentTicksOnSqlite);
    CPPUNIT_TEST(concurrentTicksOnMariaDb);
    CPPUNIT_TEST(operationsEndpointsDescribeTheDeliveryRoutes);
    CPPUNIT_TEST_SUITE_END();

public:
    // ---- helpers on a running service --------------------------------------------------------

    static HttpReply create(DeliveryService& svc, const std::string& token, const Draft& d,
                            const std::map<std::string, std::string>& headers = {})
    {
        return svc.http().request("POST", "/deliveries", d.json(), bearer(token, headers));
    }

    /// Creates a delivery (201) and returns its tracking number.
    static std::string created(DeliveryService& svc, const std::string& token, const Draft& d)
    {
        HttpReply r = create(svc, token, d);
        expectSuccess("POST /deliveries fid " + std::to_string(d.foreignOrderId), 201, r);
        return str(dataOf(r), "tracking_number");
    }

    static Obj fetch(DeliveryService& svc, const std::string& token, const std::string& tn)
    {
        HttpReply r = svc.http().get("/deliveries/" + tn, token);
        expectSuccess("GET /deliveries/" + tn, 200, r);
        return dataOf(r);
    }

    static std::string statusOf(DeliveryService& svc, const std::string& tn)
    {
        return str(fetch(svc, svc.admin(), tn), "status");
    }

    static Obj tracking(DeliveryService& svc, const std::string& token, const std::string& tn)
    {
        HttpReply r = svc.http().get("/deliveries/" + tn + "/tracking", token);
        expectSuccess("GET /deliveries/" + tn + "/tracking", 200, r);
        return dataOf(r);
    }

    /// The statuses of a tracking history, checking each entry's shape and the order of the dates.
    static std::vector<std::string> trackingStatuses(const Obj& t)
    {
        CPPUNIT_ASSERT_MESSAGE(text(t), t->isArray("tracking"));
        Arr entries = t->getArray("tracking");
        std::vector<std::string> statuses;
        std::string previous;
        for (std::size_t i = 0; i < entries->size(); ++i) {
            Obj e = entries->getObject(static_cast<unsigned>(i));
            CPPUNIT_ASSERT_MESSAGE(text(t), !e.isNull());
            const std::string date = str(e, "date");
            CPPUNIT_ASSERT_MESSAGE(text(t), isTimestamp(date));
            CPPUNIT_ASSERT_MESSAGE("tracking not oldest first: " + text(t), previous <= date);
            previous = date;
            statuses.push_back(str(e, "status"));
        }
        return statuses;
    }

    static std::vector<std::string> historyOf(DeliveryService& svc, const std::string& tn)
    {
        return trackingStatuses(tracking(svc, svc.admin(), tn));
    }

    static std::int64_t count(DeliveryService& svc, const std::string& token, const std::string& query = "")
    {
        HttpReply r = svc.http().get("/deliveries" + query, token);
        expectSuccess("GET /deliveries" + query, 200, r);
        return totalOf(r);
    }

    static std::vector<std::string> listed(DeliveryService& svc, const std::string& token, const std::string& query = "")
    {
        HttpReply r = svc.http().get("/deliveries" + query, token);
        expectSuccess("GET /deliveries" + query, 200, r);
        Arr items = listOf(r);
        std::vector<std::string> tns;
        for (std::size_t i = 0; i < items->size(); ++i)
            tns.push_back(str(items->getObject(static_cast<unsigned>(i)), "tracking_number"));
        return tns;
    }

    static std::int64_t tick(DeliveryService& svc)
    {
        HttpReply r = svc.http().post("/admin/tick", "", svc.admin());
        expectSuccess("POST /admin/tick", 200, r);
        return num(dataOf(r), "moved");
    }

    static std::int64_t webhookCount(DeliveryService& svc, const std::string& token)
    {
        HttpReply r = svc.http().get("/webhooks", token);
        expectSuccess("GET /webhooks", 200, r);
        return totalOf(r);
    }

    static std::string webhookId(const HttpReply& r)
    {
        Obj d = dataOf(r);
        CPPUNIT_ASSERT_MESSAGE(r.body, d->has("id") && !d->isNull("id"));
        return d->get("id").toString();
    }

    static HttpReply postWebhook(DeliveryService& svc, const std::string& token, const std::string& body,
                                 const std::map<std::string, std::string>& headers = {})
    {
        return svc.http().request("POST", "/webhooks", body, bearer(token, headers));
    }

    static std::string webhookBody(const std::string& url) { return R"({"url":)" + quoted(url) + "}"; }

    // ---- creating deliveries -----------------------------------------------------------------

    void createReturnsTheDeliveryAndItsFirstTrackingEntry()
    {
        DeliveryService svc;
        Draft d = draft(41);
        d.products = {{101, "Dune", 2}, {202, "Foundation", 1}};
        d.destName = "  Ada Lovelace  ";
        HttpReply r = create(svc, svc.client(), d);
        expectSuccess("POST /deliveries", 201, r);
        Obj data = dataOf(r);
        const std::string tn = str(data, "tracking_number");
        CPPUNIT_ASSERT_MESSAGE(tn, isTrackingNumber(tn));
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), str(data, "status"));
        CPPUNIT_ASSERT_MESSAGE(r.body, isTimestamp(str(data, "created_at")) && isTimestamp(str(data, "updated_at")));
        CPPUNIT_ASSERT_MESSAGE(r.body, str(data, "created_at") <= str(data, "updated_at"));
        // Exactly the fields of API.md's delivery JSON: nothing internal (ids, owners) leaks.
        CPPUNIT_ASSERT_EQUAL(joined({"created_at", "destination", "order", "origin", "status", "tracking_number", "updated_at"}),
                             joined(keysOf(data)));
        Obj order = data->getObject("order");
        CPPUNIT_ASSERT_MESSAGE(r.body, !order.isNull());
        CPPUNIT_ASSERT_EQUAL(joined({"foreign_order_id", "products"}), joined(keysOf(order)));
        CPPUNIT_ASSERT_EQUAL(joined({"address"}), joined(keysOf(data->getObject("origin"))));
        CPPUNIT_ASSERT_EQUAL(joined({"address", "name"}), joined(keysOf(data->getObject("destination"))));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(41), num(order, "foreign_order_id"));
        Arr products = order->getArray("products");
        CPPUNIT_ASSERT_MESSAGE(r.body, !products.isNull());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), products->size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(101), num(products->getObject(0), "sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Dune"), str(products->getObject(0), "name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), num(products->getObject(0), "qty"));
        CPPUNIT_ASSERT_EQUAL(joined({"name", "qty", "sku"}), joined(keysOf(products->getObject(0))));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(202), num(products->getObject(1), "sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Foundation"), str(products->getObject(1), "name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), num(products->getObject(1), "qty"));
        CPPUNIT_ASSERT_EQUAL(d.origin, str(data->getObject("origin"), "address"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ada Lovelace"), str(data->getObject("destination"), "name")); // trimmed
        CPPUNIT_ASSERT_EQUAL(d.destAddress, str(data->getObject("destination"), "address"));

        // GET shows the same delivery, to the owner and to the admin.
        CPPUNIT_ASSERT_EQUAL(text(data), text(fetch(svc, svc.client(), tn)));
        CPPUNIT_ASSERT_EQUAL(text(data), text(fetch(svc, svc.admin(), tn)));

        // Exactly one tracking entry: READY_FOR_PICK_UP.
        Obj t = tracking(svc, svc.client(), tn);
        CPPUNIT_ASSERT_EQUAL(joined({"foreign_order_id", "status", "tracking", "tracking_number"}), joined(keysOf(t)));
        CPPUNIT_ASSERT_EQUAL(joined({"date", "status"}), joined(keysOf(t->getArray("tracking")->getObject(0))));
        CPPUNIT_ASSERT_EQUAL(tn, str(t, "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(41), num(t, "foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), str(t, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP]"), joined(trackingStatuses(t)));

        // The alias spelling creates an equal delivery; tracking numbers differ.
        Draft aliased = draft(42);
        aliased.alias = true;
        HttpReply second = create(svc, svc.client(), aliased);
        expectSuccess("POST /deliveries with foreing_order_id", 201, second);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(42), num(dataOf(second)->getObject("order"), "foreign_order_id"));
        const std::string tn2 = str(dataOf(second), "tracking_number");
        CPPUNIT_ASSERT_MESSAGE(tn2, isTrackingNumber(tn2) && tn2 != tn);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, svc.client()));
    }

    void createAcceptsTheLimits()
    {
        DeliveryService svc;
        std::string name120;
        for (int i = 0; i < 120; ++i)
            name120 += "\xC3\xA9"; // 120 code points, 240 bytes
        Draft d = draft(9007199254740993); // beyond a double's integers: 64-bit all the way
        d.products.clear();
        for (int i = 1; i <= 100; ++i)
            d.products.push_back({i, i == 1 ? name120 : "Item " + std::to_string(i), i == 1 ? 1000000 : 1});
        d.products[1].sku = 9007199254740995;
        d.origin = std::string(255, 'o');
        d.destName = name120;
        d.destAddress = std::string(255, 'd');
        HttpReply r = create(svc, svc.client(), d);
        expectSuccess("POST /deliveries at every maximum", 201, r);
        Obj data = fetch(svc, svc.client(), str(dataOf(r), "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9007199254740993), num(data->getObject("order"), "foreign_order_id"));
        Arr products = data->getObject("order")->getArray("products");
        CPPUNIT_ASSERT_EQUAL(std::size_t(100), products->size());
        CPPUNIT_ASSERT_EQUAL(name120, str(products->getObject(0), "name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1000000), num(products->getObject(0), "qty"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9007199254740995), num(products->getObject(1), "sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Item 100"), str(products->getObject(99), "name"));
        CPPUNIT_ASSERT_EQUAL(d.origin, str(data->getObject("origin"), "address"));
        CPPUNIT_ASSERT_EQUAL(name120, str(data->getObject("destination"), "name"));
        CPPUNIT_ASSERT_EQUAL(d.destAddress, str(data->getObject("destination"), "address"));
    }

    void createRejectsBadInputAndWritesNothing()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        const std::string c = svc.client();
        auto post = [&](const std::string& body) { return http.post("/deliveries", body, c); };
        const std::string line = R"({"sku":1,"name":"Dune","qty":1})";
        auto withLine = [&](const std::string& l) { return bodyWith(orderWith("[" + l + "]")); };
        auto withId = [&](const std::string& member) { return bodyWith(orderWith("[" + line + "]", member)); };

        expectErrors("no body", http.request("POST", "/deliveries", "", bearer(c)), {"body:empty_body"});
        expectErrors("{}", post("{}"), {"destination:required", "order:required", "origin:required"});
        expectErrors("nulls", post(R"({"order":null,"origin":null,"destination":null})"),
                     {"destination:required", "order:required", "origin:required"});
        expectErrors("empty objects", post(R"({"order":{},"origin":{},"destination":{}})"),
                     {"destination.address:required", "destination.name:required", "order.foreign_order_id:required",
                      "order.products:required", "origin.address:required"});
        expectErrors("every error at once, sorted",
                     post(bodyWith(R"({"foreign_order_id":0,"products":[{"sku":1,"name":"","qty":0}]})", R"({"address":""})",
                                   R"({"name":"Ada"})")),
                     {"destination.address:required", "order.foreign_order_id:out_of_range", "order.products.0.name:empty",
                      "order.products.0.qty:out_of_range", "origin.address:empty"});
        // foreign_order_id
        expectErrors("fid 0", post(withId(R"("foreign_order_id":0)")), {"order.foreign_order_id:out_of_range"});
        expectErrors("fid -5", post(withId(R"("foreign_order_id":-5)")), {"order.foreign_order_id:out_of_range"});
        expectErrors("fid string", post(withId(R"("foreign_order_id":"3")")), {"order.foreign_order_id:incorrect_type"});
        expectErrors("fid bool", post(withId(R"("foreign_order_id":true)")), {"order.foreign_order_id:incorrect_type"});
        expectErrors("fid 1.5", post(withId(R"("foreign_order_id":1.5)")), {"order.foreign_order_id:incorrect_type"});
        expectFail("both spellings", 400, post(withId(R"("foreign_order_id":1,"foreing_order_id":1)")));
        expectFail("alias 0", 400, post(withId(R"("foreing_order_id":0)")));
        expectFail("alias string", 400, post(withId(R"("foreing_order_id":"1")")));
        // products
        expectErrorOn("no products", post(bodyWith(orderWith("[]"))), "order.products");
        std::string many = "[";
        for (int i = 1; i <= 101; ++i)
            many += std::string(i > 1 ? "," : "") + R"({"sku":)" + std::to_string(i) + R"(,"name":"P","qty":1})";
        expectErrorOn("101 products", post(bodyWith(orderWith(many + "]"))), "order.products");
        expectErrors("products not an array", post(bodyWith(orderWith(R"("x")"))), {"order.products:incorrect_type"});
        expectErrors("a line not an object", post(bodyWith(orderWith("[1]"))), {"order.products.0:incorrect_type"});
        expectErrors("qty 0", post(withLine(R"({"sku":1,"name":"Dune","qty":0})")), {"order.products.0.qty:out_of_range"});
        expectErrors("qty 1000001", post(withLine(R"({"sku":1,"name":"Dune","qty":1000001})")), {"order.products.0.qty:out_of_range"});
        expectErrors("qty string", post(withLine(R"({"sku":1,"name":"Dune","qty":"1"})")), {"order.products.0.qty:incorrect_type"});
        expectErrors("qty bool", post(withLine(R"({"sku":1,"name":"Dune","qty":true})")), {"order.products.0.qty:incorrect_type"});
        expectErrors("qty missing", post(withLine(R"({"sku":1,"name":"Dune"})")), {"order.products.0.qty:required"});
        expectErrors("sku 0", post(withLine(R"({"sku":0,"name":"Dune","qty":1})")), {"order.products.0.sku:out_of_range"});
        expectErrors("sku missing", post(withLine(R"({"name":"Dune","qty":1})")), {"order.products.0.sku:required"});
        expectErrors("name empty", post(withLine(R"({"sku":1,"name":"","qty":1})")), {"order.products.0.name:empty"});
        expectErrors("name blank", post(withLine(R"({"sku":1,"name":"   ","qty":1})")), {"order.products.0.name:empty"});
        expectErrors("name 121", post(withLine(R"({"sku":1,"name":")" + std::string(121, 'n') + R"(","qty":1})")),
                     {"order.products.0.name:too_long"});
        expectErrors("name number", post(withLine(R"({"sku":1,"name":5,"qty":1})")), {"order.products.0.name:incorrect_type"});
        expectErrors("second line", post(bodyWith(orderWith("[" + line + R"(,{"sku":2,"name":"X","qty":0}])"))),
                     {"order.products.1.qty:out_of_range"});
        expectErrors("line field unknown", post(withLine(R"({"sku":1,"name":"Dune","qty":1,"price":3})")),
                     {"order.products.0.price:unknown"});
        // origin and destination
        expectErrors("origin not an object", post(bodyWith(orderWith("[" + line + "]"), R"("1 Dock")")), {"origin:incorrect_type"});
        expectErrors("origin empty", post(bodyWith(orderWith("[" + line + "]"), R"({"address":""})")), {"origin.address:empty"});
        expectErrors("origin number", post(bodyWith(orderWith("[" + line + "]"), R"({"address":5})")), {"origin.address:incorrect_type"});
        expectErrors("origin 256", post(bodyWith(orderWith("[" + line + "]"), R"({"address":")" + std::string(256, 'a') + R"("})")),
                     {"origin.address:too_long"});
        const std::string o = R"({"address":"1 Dock"})";
        expectErrors("destination name missing", post(bodyWith(orderWith("[" + line + "]"), o, R"({"address":"2 Home"})")),
                     {"destination.name:required"});
        expectErrors("destination name 121",
                     post(bodyWith(orderWith("[" + line + "]"), o, R"({"name":")" + std::string(121, 'n') + R"(","address":"2 Home"})")),
                     {"destination.name:too_long"});
        expectErrors("destination address 256",
                     post(bodyWith(orderWith("[" + line + "]"), o, R"({"name":"Ada","address":")" + std::string(256, 'a') + R"("})")),
                     {"destination.address:too_long"});
        expectErrors("destination blank", post(bodyWith(orderWith("[" + line + "]"), o, R"({"name":" ","address":"2 Home"})")),
                     {"destination.name:empty"});
        expectErrors("destination field unknown",
                     post(bodyWith(orderWith("[" + line + "]"), o, R"({"name":"Ada","address":"2 Home","phone":"1"})")),
                     {"destination.phone:unknown"});
        // unknown fields, including the server's own
        expectErrors("status given", post(kBody.substr(0, kBody.size() - 1) + R"(,"status":"DELIVERED"})"), {"status:unknown"});
        expectErrors("tracking number given", post(kBody.substr(0, kBody.size() - 1) + R"(,"tracking_number":"AAAAAAAAAAAA"})"),
                     {"tracking_number:unknown"});
        expectErrors("order field unknown", post(bodyWith(R"({"foreign_order_id":1,"products":[)" + line + R"(],"extra":1})")),
                     {"order.extra:unknown"});
        // not an object, not JSON, not application/json
        expectFail("array body", 400, post("[]"));
        expectFail("string body", 400, post(R"("x")"));
        expectFail("number body", 400, post("42"));
        expectFail("malformed JSON", 400, post(R"({"order":)"));
        expectFail("text/plain", 415, http.request("POST", "/deliveries", kBody, bearer(c), "text/plain"));

        // Nothing was written by any of them.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, c));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, svc.admin()));
        // And the body they were varied from is valid.
        expectSuccess("the valid body", 201, post(kBody));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, c));
    }

    void createIsForClientsOnly()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        expectFail("admin creates", 403, http.post("/deliveries", kBody, svc.admin()));
        expectFail("admin, bad body: 403 before validation", 403, http.post("/deliveries", "{}", svc.admin()));
        HttpReply anonymous = http.post("/deliveries", kBody);
        expectFail("no token", 401, anonymous);
        CPPUNIT_ASSERT_MESSAGE(anonymous.header("WWW-Authenticate"), Poco::icompare(anonymous.header("WWW-Authenticate").substr(0, 6), "Bearer") == 0);
        expectFail("no token, bad body: 401 before validation", 401, http.post("/deliveries", "{}"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, svc.admin()));
    }

    void createIsIdempotentPerClientAndOrder()
    {
        DeliveryService svc;
        const Draft d = draft(7);
        HttpReply first = create(svc, svc.client(), d);
        expectSuccess("first POST", 201, first);
        const std::string tn = str(dataOf(first), "tracking_number");

        // The same order again: 200 with the very same delivery.
        HttpReply again = create(svc, svc.client(), d);
        expectSuccess("same order, same content", 200, again);
        CPPUNIT_ASSERT_EQUAL(text(dataOf(first)), text(dataOf(again)));
        Draft aliased = d;
        aliased.alias = true;
        HttpReply viaAlias = create(svc, svc.client(), aliased);
        expectSuccess("same content with foreing_order_id", 200, viaAlias);
        CPPUNIT_ASSERT_EQUAL(tn, str(dataOf(viaAlias), "tracking_number"));
        Draft padded = d;
        padded.destName = "  " + d.destName + " ";
        HttpReply viaPadding = create(svc, svc.client(), padded);
        expectSuccess("same content once trimmed", 200, viaPadding);
        CPPUNIT_ASSERT_EQUAL(tn, str(dataOf(viaPadding), "tracking_number"));

        // The same order with other content: 409, and the stored one is untouched.
        Draft otherName = d;
        otherName.destName = "Grace Hopper";
        expectFail("same order, other destination", 409, create(svc, svc.client(), otherName));
        Draft otherLines = d;
        otherLines.products = {{101, "Dune", 3}};
        expectFail("same order, other quantity", 409, create(svc, svc.client(), otherLines));
        Draft otherOrigin = d;
        otherOrigin.origin = "2 Other Dock";
        expectFail("same order, other origin", 409, create(svc, svc.client(), otherOrigin));
        CPPUNIT_ASSERT_EQUAL(text(dataOf(first)), text(fetch(svc, svc.client(), tn)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, svc.client()));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP]"), joined(historyOf(svc, tn)));

        // Another client has its own order numbers.
        const std::string shop = svc.createClient("shop2@example.com");
        HttpReply theirs = create(svc, shop, d);
        expectSuccess("another client, same foreign_order_id", 201, theirs);
        CPPUNIT_ASSERT(str(dataOf(theirs), "tracking_number") != tn);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, shop));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, svc.client()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, svc.admin()));

        // Idempotency-Key: the stored response is replayed; the same key with another body is 409.
        const std::map<std::string, std::string> key{{"Idempotency-Key", "delivery-key-1"}};
        HttpReply keyed = create(svc, svc.client(), draft(8), key);
        expectSuccess("keyed POST", 201, keyed);
        CPPUNIT_ASSERT(keyed.header("Idempotent-Replayed").empty());
        HttpReply replay = create(svc, svc.client(), draft(8), key);
        expectStatus("keyed repeat", 201, replay);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), replay.header("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(keyed.body, replay.body);
        expectFail("same key, other body", 409, create(svc, svc.client(), draft(9), key));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, svc.client()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, svc.client(), "?foreign_order_id=9"));
        expectFail("Idempotency-Key of 256 characters", 400, create(svc, svc.client(), draft(10), {{"Idempotency-Key", std::string(256, 'k')}}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, svc.client(), "?foreign_order_id=10"));
        // Keys belong to their caller.
        expectSuccess("another caller, same key", 201, create(svc, shop, draft(8), key));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, shop));
    }

    // ---- shipments: one delivery per shipment of an order -------------------------------------

    void createIsIdempotentPerShipment()
    {
        DeliveryService svc;
        const std::string c = svc.client();
        HttpReply first = create(svc, c, shipmentDraft(7, 1));
        expectSuccess("shipment 1 of order 7", 201, first);
        Obj order = dataOf(first)->getObject("order");
        CPPUNIT_ASSERT_EQUAL(joined({"foreign_order_id", "foreign_shipment_id", "products"}), joined(keysOf(order)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), num(order, "foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), num(order, "foreign_shipment_id"));
        const std::string tn1 = str(dataOf(first), "tracking_number");
        CPPUNIT_ASSERT_EQUAL(text(dataOf(first)), text(fetch(svc, c, tn1)));

        // Another shipment of the same order: another delivery.
        HttpReply second = create(svc, c, shipmentDraft(7, 2));
        expectSuccess("shipment 2 of order 7", 201, second);
        const std::string tn2 = str(dataOf(second), "tracking_number");
        CPPUNIT_ASSERT(tn2 != tn1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), num(dataOf(second)->getObject("order"), "foreign_shipment_id"));

        // The same shipment again: 200 with the very same delivery; with other content: 409.
        HttpReply again = create(svc, c, shipmentDraft(7, 1));
        expectSuccess("shipment 1 again", 200, again);
        CPPUNIT_ASSERT_EQUAL(text(dataOf(first)), text(dataOf(again)));
        Draft otherLines = shipmentDraft(7, 1);
        otherLines.products = {{101, "Dune", 3}};
        expectFail("shipment 1, other quantity", 409, create(svc, c, otherLines));
        CPPUNIT_ASSERT_EQUAL(text(dataOf(first)), text(fetch(svc, c, tn1)));

        // Without the field the order is as before: its delivery has no shipment, and a repeat is 200.
        HttpReply whole = create(svc, c, draft(7));
        expectSuccess("order 7 without a shipment", 201, whole);
        CPPUNIT_ASSERT_EQUAL(joined({"foreign_order_id", "products"}), joined(keysOf(dataOf(whole)->getObject("order"))));
        const std::string tn0 = str(dataOf(whole), "tracking_number");
        HttpReply wholeAgain = create(svc, c, draft(7));
        expectSuccess("order 7 without a shipment again", 200, wholeAgain);
        CPPUNIT_ASSERT_EQUAL(text(dataOf(whole)), text(dataOf(wholeAgain)));
        Draft nullShipment = draft(7);
        Obj nullBody = nullShipment.object();
        nullBody->getObject("order")->set("foreign_shipment_id", Poco::Dynamic::Var());
        HttpReply viaNull = svc.http().post("/deliveries", text(nullBody), c);
        expectSuccess("foreign_shipment_id null is none", 200, viaNull);
        CPPUNIT_ASSERT_EQUAL(tn0, str(dataOf(viaNull), "tracking_number"));

        // Another client's shipment 1 of its order 7 is its own.
        const std::string shop = svc.createClient("shop2@example.com");
        expectSuccess("another client, same order and shipment", 201, create(svc, shop, shipmentDraft(7, 1)));

        // Lists: by order, by shipment.
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tn2, tn0}), joined(listed(svc, c, "?foreign_order_id=7")));
        CPPUNIT_ASSERT_EQUAL(joined({tn2}), joined(listed(svc, c, "?foreign_shipment_id=2")));
        CPPUNIT_ASSERT_EQUAL(joined({tn1}), joined(listed(svc, c, "?foreign_order_id=7&foreign_shipment_id=1")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, svc.admin(), "?foreign_shipment_id=1"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, c, "?foreign_shipment_id=3"));
        for (const std::string q : {"0", "-1", "x", "1.5", "true"})
            expectFail("foreign_shipment_id=" + q, 400, svc.http().get("/deliveries?foreign_shipment_id=" + q, c));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), count(svc, c));
    }

    void createRejectsBadShipmentIds()
    {
        DeliveryService svc;
        const std::string c = svc.client();
        const std::string line = R"({"sku":1,"name":"Dune","qty":1})";
        auto post = [&](const std::string& value) {
            return svc.http().post("/deliveries", bodyWith(orderWith("[" + line + "]", R"("foreign_order_id":1,"foreign_shipment_id":)" + value)), c);
        };
        expectErrors("shipment 0", post("0"), {"order.foreign_shipment_id:out_of_range"});
        expectErrors("shipment -1", post("-1"), {"order.foreign_shipment_id:out_of_range"});
        expectErrors("shipment string", post(R"("x")"), {"order.foreign_shipment_id:incorrect_type"});
        expectErrors("shipment numeric string", post(R"("2")"), {"order.foreign_shipment_id:incorrect_type"});
        expectErrors("shipment 1.5", post("1.5"), {"order.foreign_shipment_id:incorrect_type"});
        expectErrors("shipment bool", post("true"), {"order.foreign_shipment_id:incorrect_type"});
        expectErrors("shipment object", post("{}"), {"order.foreign_shipment_id:incorrect_type"});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, svc.admin()));
        expectSuccess("shipment 1", 201, post("1"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, c));
    }

    /// The shipment, like the order, is the delivery's identity: PUT cannot change it.
    void updateCannotChangeTheShipment()
    {
        DeliveryService svc;
        const std::string c = svc.client();
        const std::string tn = created(svc, c, shipmentDraft(4, 2));
        const std::string path = "/deliveries/" + tn;
        const std::string before = text(fetch(svc, c, tn));
        expectErrors("order.foreign_shipment_id", svc.http().put(path, R"({"order":{"foreign_shipment_id":3}})", c),
                     {"order.foreign_shipment_id:unknown", "order.products:required"});
        expectErrors("order.foreign_shipment_id with products",
                     svc.http().put(path, R"({"order":{"foreign_shipment_id":3,"products":[{"sku":1,"name":"X","qty":1}]}})", c),
                     {"order.foreign_shipment_id:unknown"});
        CPPUNIT_ASSERT_EQUAL(before, text(fetch(svc, c, tn)));
        // An edit keeps it.
        HttpReply edited = svc.http().put(path, R"({"order":{"products":[{"sku":1,"name":"X","qty":1}]}})", c);
        expectSuccess("PUT order.products", 200, edited);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), num(dataOf(edited)->getObject("order"), "foreign_shipment_id"));
    }

    /// The webhook events of a shipment's delivery name the shipment; those of a delivery made
    /// without one have no such member (the body they always had).
    void webhookEventsCarryTheShipment()
    {
        WebhookReceiver receiver;
        DeliveryService svc(Db::SQLite, {{"plugins.load", "accounts, delivery, scheduler"},
                                         {"scheduler.pollMillis", "50"},
                                         {"delivery.tick.interval", "3600"},
                                         {"delivery.webhooks.allowPrivateNetworks", "true"}});
        const std::string c = svc.client();
        expectSuccess("POST /webhooks", 201, postWebhook(svc, c, webhookBody(receiver.url())));
        const std::string shipped = created(svc, c, shipmentDraft(5, 3));
        const std::string whole = created(svc, c, draft(6));

        // The creation event of each, by tracking number.
        std::map<std::string, Obj> creations;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (creations.size() < 2 && std::chrono::steady_clock::now() < deadline) {
            for (const auto& body : receiver.bodies()) {
                Poco::JSON::Parser parser;
                Obj data = parser.parse(body).extract<Obj>()->getObject("data");
                if (num(data, "sequence") == 1)
                    creations[str(data, "tracking_number")] = data;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CPPUNIT_ASSERT_MESSAGE(joined(receiver.bodies()), creations.count(shipped) == 1 && creations.count(whole) == 1);
        const Obj& s = creations[shipped];
        CPPUNIT_ASSERT_EQUAL_MESSAGE(text(s), std::int64_t(5), num(s, "foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(text(s), std::int64_t(3), num(s, "foreign_shipment_id"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(text(s), std::string("READY_FOR_PICK_UP"), str(s, "status"));
        const Obj& w = creations[whole];
        CPPUNIT_ASSERT_EQUAL(joined({"foreign_order_id", "previous_status", "sequence", "status", "tracking_number"}), joined(keysOf(w)));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(text(w), std::int64_t(6), num(w, "foreign_order_id"));
    }

    // ---- reading ---------------------------------------------------------------------------

    void listIsScopedFilteredAndPaged()
    {
        DeliveryService svc(Db::SQLite, {{"delivery.tick.deliveredProbability", "1"}});
        const std::string c = svc.client();
        const std::string shop = svc.createClient("shop2@example.com");
        const std::string tn1 = created(svc, c, draft(1));
        const std::string tn2 = created(svc, c, draft(2));
        const std::string tn3 = created(svc, c, draft(3));
        const std::string tnO = created(svc, shop, draft(1));

        // Own deliveries only, oldest first; the admin sees all.
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tn2, tn3}), joined(listed(svc, c)));
        CPPUNIT_ASSERT_EQUAL(joined({tnO}), joined(listed(svc, shop)));
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tn2, tn3, tnO}), joined(listed(svc, svc.admin())));
        HttpReply page = svc.http().get("/deliveries", c);
        Obj meta = page.json->getObject("meta");
        CPPUNIT_ASSERT_MESSAGE(page.body, !meta.isNull());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(50), num(meta, "limit"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), num(meta, "offset"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), num(meta, "total"));
        // Items are whole deliveries.
        CPPUNIT_ASSERT_EQUAL(text(fetch(svc, c, tn1)), text(listOf(page)->getObject(0)));

        // Paging.
        HttpReply paged = svc.http().get("/deliveries?limit=2&offset=1", c);
        expectSuccess("limit=2&offset=1", 200, paged);
        CPPUNIT_ASSERT_EQUAL(joined({tn2, tn3}), joined(listed(svc, c, "?limit=2&offset=1")));
        meta = paged.json->getObject("meta");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), num(meta, "limit"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), num(meta, "offset"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), num(meta, "total"));
        CPPUNIT_ASSERT_EQUAL(joined({}), joined(listed(svc, c, "?offset=10")));
        for (const std::string q : {"?limit=0", "?limit=501", "?limit=abc", "?offset=-1", "?offset=x"})
            expectFail(std::string("GET /deliveries") + q, 400, svc.http().get(std::string("/deliveries") + q, c));

        // foreign_order_id filter, per caller.
        CPPUNIT_ASSERT_EQUAL(joined({tn2}), joined(listed(svc, c, "?foreign_order_id=2")));
        CPPUNIT_ASSERT_EQUAL(joined({tn1}), joined(listed(svc, c, "?foreign_order_id=1")));
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tnO}), joined(listed(svc, svc.admin(), "?foreign_order_id=1")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, shop, "?foreign_order_id=2"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, c, "?foreign_order_id=99"));
        for (const std::string q : {"0", "-1", "abc", "1.5", "true"})
            expectFail("foreign_order_id=" + q, 400, svc.http().get("/deliveries?foreign_order_id=" + q, c));

        // status filter.
        expectSuccess("cancel tn2", 200, svc.http().del("/deliveries/" + tn2, c));
        CPPUNIT_ASSERT_EQUAL(joined({tn2}), joined(listed(svc, c, "?status=CANCELLED")));
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tn3}), joined(listed(svc, c, "?status=READY_FOR_PICK_UP")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), tick(svc));
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tn3}), joined(listed(svc, c, "?status=IN_ORIGIN")));
        CPPUNIT_ASSERT_EQUAL(joined({tn1, tn3, tnO}), joined(listed(svc, svc.admin(), "?status=IN_ORIGIN")));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, c, "?status=READY_FOR_PICK_UP"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, c, "?status=DELIVERED"));
        CPPUNIT_ASSERT_EQUAL(joined({tn3}), joined(listed(svc, c, "?status=IN_ORIGIN&foreign_order_id=3")));
        HttpReply bad = svc.http().get("/deliveries?status=NOPE", c);
        expectErrorOn("status=NOPE", bad, "status", "invalid_value");
    }

    void otherClientsGet404OnEveryVerb()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        const std::string tn = created(svc, svc.client(), draft(5));
        const std::string before = text(fetch(svc, svc.client(), tn));
        const std::string other = svc.createClient("mallory@example.com", "Mallory Shop");
        const std::string path = "/deliveries/" + tn;

        expectFail("GET other's", 404, http.get(path, other));
        expectFail("PUT other's", 404, http.put(path, R"({"destination":{"name":"Mallory","address":"Evil Street"}})", other));
        expectFail("DELETE other's", 404, http.del(path, other));
        expectFail("GET other's tracking", 404, http.get(path + "/tracking", other));
        expectFail("GET other's history", 404, http.get("/deliveries-history?tracking_number=" + tn + "&foreing_order_id=5", other));
        expectFail("GET other's history (body)", 404,
                   http.request("GET", "/deliveries-history", R"({"tracking_number":")" + tn + R"(","foreing_order_id":5})", bearer(other)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, other));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, other, "?foreign_order_id=5"));
        // The other client's own order 5 is a new delivery, not the first client's.
        Draft same = draft(5);
        HttpReply theirs = create(svc, other, same);
        expectSuccess("other client, same order number", 201, theirs);
        CPPUNIT_ASSERT(str(dataOf(theirs), "tracking_number") != tn);

        // Nothing changed for the owner, who still has everything.
        CPPUNIT_ASSERT_EQUAL(before, text(fetch(svc, svc.client(), tn)));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP]"), joined(historyOf(svc, tn)));
        // The admin sees it, its tracking and its history.
        CPPUNIT_ASSERT_EQUAL(before, text(fetch(svc, svc.admin(), tn)));
        tracking(svc, svc.admin(), tn);
        expectSuccess("admin history", 200, http.get("/deliveries-history?tracking_number=" + tn + "&foreing_order_id=5", svc.admin()));
        // And the owner cannot see the other client's.
        expectFail("owner GET of the other's", 404, http.get("/deliveries/" + str(dataOf(theirs), "tracking_number"), svc.client()));
    }

    void unknownOrMalformedTrackingNumbersAre404()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        const std::string tn = created(svc, svc.client(), draft(1));
        const std::string put = R"({"destination":{"name":"Grace","address":"7 Navy Yard"}})";
        std::string unknown = tn == "ZZZZZZZZZZZZ" ? "YYYYYYYYYYYY" : "ZZZZZZZZZZZZ";
        for (const std::string& bad : {unknown, std::string("abc"), std::string("0"), tn + "X", tn.substr(0, 11), std::string("%27%20OR%201%3D1--"),
                                      std::string("abc%2Fdef")}) {
            const std::string path = "/deliveries/" + bad;
            for (const std::string& token : {svc.client(), svc.admin()}) {
                expectFail("GET " + path, 404, http.get(path, token));
                expectFail("GET " + path + "/tracking", 404, http.get(path + "/tracking", token));
                if (token == svc.client())
                    expectFail("PUT " + path, 404, http.put(path, put, token));
                expectFail("DELETE " + path, 404, http.del(path, token));
            }
            expectFail("GET /track/" + bad, 404, http.get("/track/" + bad));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), statusOf(svc, tn));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, svc.admin()));
    }

    // ---- changing deliveries ---------------------------------------------------------------

    void updateReplacesPartsWhileReadyForPickUp()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        Draft d = draft(3);
        d.products = {{1, "Dune", 1}, {2, "Emma", 2}};
        const std::string tn = created(svc, svc.client(), d);
        const std::string path = "/deliveries/" + tn;
        Obj original = fetch(svc, svc.client(), tn);
        std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // timestamps have seconds

        HttpReply r = http.put(path, R"({"destination":{"name":" Grace Hopper ","address":"7 Navy Yard"}})", svc.client());
        expectSuccess("PUT destination", 200, r);
        Obj updated = dataOf(r);
        CPPUNIT_ASSERT_EQUAL(tn, str(updated, "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), str(updated, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("Grace Hopper"), str(updated->getObject("destination"), "name"));
        CPPUNIT_ASSERT_EQUAL(std::string("7 Navy Yard"), str(updated->getObject("destination"), "address"));
        CPPUNIT_ASSERT_EQUAL(text(original->getObject("origin")), text(updated->getObject("origin")));
        CPPUNIT_ASSERT_EQUAL(text(original->getObject("order")), text(updated->getObject("order")));
        CPPUNIT_ASSERT_EQUAL(str(original, "created_at"), str(updated, "created_at"));
        CPPUNIT_ASSERT_MESSAGE(text(updated), str(updated, "updated_at") > str(original, "updated_at"));
        CPPUNIT_ASSERT_EQUAL(text(updated), text(fetch(svc, svc.client(), tn)));

        r = http.put(path, R"({"origin":{"address":"9 New Dock"}})", svc.client());
        expectSuccess("PUT origin", 200, r);
        CPPUNIT_ASSERT_EQUAL(std::string("9 New Dock"), str(dataOf(r)->getObject("origin"), "address"));
        CPPUNIT_ASSERT_EQUAL(std::string("Grace Hopper"), str(dataOf(r)->getObject("destination"), "name"));

        r = http.put(path, R"({"order":{"products":[{"sku":7,"name":"Persuasion","qty":3}]}})", svc.client());
        expectSuccess("PUT order.products", 200, r);
        Obj order = dataOf(r)->getObject("order");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), num(order, "foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), order->getArray("products")->size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), num(order->getArray("products")->getObject(0), "sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Persuasion"), str(order->getArray("products")->getObject(0), "name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), num(order->getArray("products")->getObject(0), "qty"));

        // The admin may change it too, all parts at once.
        r = http.put(path, R"({"origin":{"address":"A"},"destination":{"name":"B","address":"C"},"order":{"products":[{"sku":8,"name":"D","qty":4}]}})",
                     svc.admin());
        expectSuccess("admin PUT all parts", 200, r);
        CPPUNIT_ASSERT_EQUAL(std::string("A"), str(dataOf(r)->getObject("origin"), "address"));
        CPPUNIT_ASSERT_EQUAL(std::string("B"), str(dataOf(r)->getObject("destination"), "name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), num(dataOf(r)->getObject("order")->getArray("products")->getObject(0), "sku"));

        // Updates are not status changes: still one tracking entry.
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP]"), joined(historyOf(svc, tn)));

        // Once picked up it cannot change.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(svc));
        const std::string inOrigin = text(fetch(svc, svc.client(), tn));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), statusOf(svc, tn));
        expectFail("PUT while IN_ORIGIN", 409, http.put(path, R"({"origin":{"address":"Too late"}})", svc.client()));
        expectFail("admin PUT while IN_ORIGIN", 409, http.put(path, R"({"origin":{"address":"Too late"}})", svc.admin()));
        CPPUNIT_ASSERT_EQUAL(inOrigin, text(fetch(svc, svc.client(), tn)));
    }

    void updateRejectsBadInputAndWritesNothing()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        const std::string c = svc.client();
        const std::string tn = created(svc, c, draft(4));
        const std::string path = "/deliveries/" + tn;
        const std::string before = text(fetch(svc, c, tn));
        auto put = [&](const std::string& body) { return http.put(path, body, c); };
        auto unchanged = [&](const std::string& what) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " wrote something", before, text(fetch(svc, c, tn)));
        };

        expectFail("PUT {}", 400, put("{}"));
        unchanged("{}");
        expectFail("PUT without body", 400, http.request("PUT", path, "", bearer(c)));
        unchanged("no body");
        expectFail("PUT []", 400, put("[]"));
        expectErrorOn("order.foreign_order_id", put(R"({"order":{"foreign_order_id":2}})"), "order.foreign_order_id", "unknown");
        unchanged("order.foreign_order_id");
        expectErrorOn("order.foreign_order_id with products",
                      put(R"({"order":{"foreign_order_id":2,"products":[{"sku":1,"name":"X","qty":1}]}})"), "order.foreign_order_id",
                      "unknown");
        unchanged("order.foreign_order_id with products");
        expectFail("order.foreing_order_id", 400, put(R"({"order":{"foreing_order_id":2,"products":[{"sku":1,"name":"X","qty":1}]}})"));
        unchanged("order.foreing_order_id");
        expectErrorOn("empty products", put(R"({"order":{"products":[]}})"), "order.products");
        expectErrors("qty 0", put(R"({"order":{"products":[{"sku":1,"name":"X","qty":0}]}})"), {"order.products.0.qty:out_of_range"});
        expectErrors("sku string", put(R"({"order":{"products":[{"sku":"1","name":"X","qty":1}]}})"),
                     {"order.products.0.sku:incorrect_type"});
        expectErrorOn("destination name empty", put(R"({"destination":{"name":"","address":"2 Home"}})"), "destination.name", "empty");
        expectErrors("destination unknown field", put(R"({"destination":{"name":"A","address":"B","zip":"1"}})"), {"destination.zip:unknown"});
        expectErrors("origin empty", put(R"({"origin":{"address":""}})"), {"origin.address:empty"});
        expectErrors("origin 256", put(R"({"origin":{"address":")" + std::string(256, 'a') + R"("}})"), {"origin.address:too_long"});
        expectErrors("origin not an object", put(R"({"origin":"x"})"), {"origin:incorrect_type"});
        expectErrors("status", put(R"({"status":"DELIVERED"})"), {"status:unknown"});
        expectErrors("tracking_number", put(R"({"tracking_number":"AAAAAAAAAAAA"})"), {"tracking_number:unknown"});
        // A valid part does not get written when another part is bad.
        expectErrors("one good part, one bad", put(R"({"origin":{"address":"New"},"destination":{"name":"","address":"B"}})"),
                     {"destination.name:empty"});
        expectFail("text/plain", 415, http.request("PUT", path, R"({"origin":{"address":"New"}})", bearer(c), "text/plain"));
        unchanged("all bad PUTs");
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP]"), joined(historyOf(svc, tn)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, c));
    }

    void cancelOnlyWhileReadyForPickUp()
    {
        DeliveryService svc(Db::SQLite, {{"delivery.tick.deliveredProbability", "1"}});
        const auto& http = svc.http();
        const std::string c = svc.client();
        const std::string a = created(svc, c, draft(1));
        const std::string b = created(svc, c, draft(2));
        const std::string d = created(svc, c, draft(3));

        HttpReply r = http.del("/deliveries/" + a, c);
        expectSuccess("DELETE READY_FOR_PICK_UP", 200, r);
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), str(dataOf(r), "status"));
        CPPUNIT_ASSERT_EQUAL(a, str(dataOf(r), "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(svc, a));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, CANCELLED]"), joined(historyOf(svc, a)));
        expectFail("second DELETE", 409, http.del("/deliveries/" + a, c));
        expectFail("PUT cancelled", 409, http.put("/deliveries/" + a, R"({"origin":{"address":"X"}})", c));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, CANCELLED]"), joined(historyOf(svc, a)));

        // The tick leaves it alone.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(svc, a));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, CANCELLED]"), joined(historyOf(svc, a)));

        // Picked up: no longer cancellable, by anyone.
        expectFail("DELETE IN_ORIGIN", 409, http.del("/deliveries/" + b, c));
        expectFail("admin DELETE IN_ORIGIN", 409, http.del("/deliveries/" + b, svc.admin()));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), statusOf(svc, b));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, IN_ORIGIN]"), joined(historyOf(svc, b)));

        // The admin cancels a client's delivery.
        const std::string e = created(svc, c, draft(4));
        expectSuccess("admin DELETE", 200, http.del("/deliveries/" + e, svc.admin()));
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(svc, e));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(svc)); // b and d
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ROUTE_OF_DELIVERY"), statusOf(svc, d));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, c, "?status=CANCELLED"));
    }

    // ---- the tick ----------------------------------------------------------------------------

    void tickIsAdminOnly()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        const std::string tn = created(svc, svc.client(), draft(1));
        expectFail("client tick", 403, http.post("/admin/tick", "", svc.client()));
        HttpReply anonymous = http.post("/admin/tick", "");
        expectFail("anonymous tick", 401, anonymous);
        CPPUNIT_ASSERT(!anonymous.header("WWW-Authenticate").empty());
        expectFail("GET /admin/tick", 405, http.get("/admin/tick", svc.admin()));
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), statusOf(svc, tn));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), statusOf(svc, tn));
    }

    void tickMovesEveryDeliveryAcrossBatches()
    {
        // A batch smaller than the active deliveries: one tick still moves each of them one step.
        DeliveryService svc(Db::SQLite, {{"delivery.tick.deliveredProbability", "1"}, {"delivery.tick.batchSize", "2"}});
        const std::string shop = svc.createClient("shop2@example.com");
        std::vector<std::string> tns;
        for (int i = 1; i <= 5; ++i)
            tns.push_back(created(svc, svc.client(), draft(i)));
        for (int i = 1; i <= 2; ++i)
            tns.push_back(created(svc, shop, draft(i)));
        const std::vector<std::string> steps{"IN_ORIGIN", "IN_ROUTE_OF_DELIVERY", "DELIVERED"};
        for (const auto& step : steps) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE("tick to " + step, std::int64_t(7), tick(svc));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(step, std::int64_t(7), count(svc, svc.admin(), "?status=" + step));
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), tick(svc));
        for (const auto& tn : tns)
            CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, IN_ORIGIN, IN_ROUTE_OF_DELIVERY, DELIVERED]"), joined(historyOf(svc, tn)));
    }

    void notDeliveredGoesBackInRoute()
    {
        DeliveryService svc(Db::SQLite, {{"delivery.tick.deliveredProbability", "0"}});
        const auto& http = svc.http();
        const std::string tn = created(svc, svc.client(), draft(1));
        const std::string cancelled = created(svc, svc.client(), draft(2));
        expectSuccess("cancel", 200, http.del("/deliveries/" + cancelled, svc.client()));
        const std::vector<std::string> expected{"IN_ORIGIN", "IN_ROUTE_OF_DELIVERY", "NOT_DELIVERED", "IN_ROUTE_OF_DELIVERY", "NOT_DELIVERED"};
        for (const auto& status : expected) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE("tick to " + status, std::int64_t(1), tick(svc));
            CPPUNIT_ASSERT_EQUAL(status, statusOf(svc, tn));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, IN_ORIGIN, IN_ROUTE_OF_DELIVERY, NOT_DELIVERED, IN_ROUTE_OF_DELIVERY, "
                                         "NOT_DELIVERED]"),
                             joined(historyOf(svc, tn)));
        CPPUNIT_ASSERT_EQUAL(std::string("NOT_DELIVERED"), str(tracking(svc, svc.client(), tn), "status"));
        CPPUNIT_ASSERT_EQUAL(joined({tn}), joined(listed(svc, svc.client(), "?status=NOT_DELIVERED")));
        expectFail("DELETE NOT_DELIVERED", 409, http.del("/deliveries/" + tn, svc.client()));
        expectFail("PUT NOT_DELIVERED", 409, http.put("/deliveries/" + tn, R"({"origin":{"address":"X"}})", svc.client()));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, CANCELLED]"), joined(historyOf(svc, cancelled)));
    }

    // ---- tracking ------------------------------------------------------------------------------

    void deliveriesHistoryFromQueryOrBody()
    {
        DeliveryService svc(Db::SQLite, {{"delivery.tick.deliveredProbability", "1"}});
        const auto& http = svc.http();
        const std::string c = svc.client();
        const std::string tn1 = created(svc, c, draft(11));
        const std::string tn2 = created(svc, c, draft(12));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(svc));
        Obj expected = tracking(svc, c, tn1);
        CPPUNIT_ASSERT_EQUAL(tn1, str(expected, "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(11), num(expected, "foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), str(expected, "status"));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, IN_ORIGIN]"), joined(trackingStatuses(expected)));

        auto query = [&](const std::string& q, const std::string& token) { return http.get("/deliveries-history" + q, token); };
        auto body = [&](const std::string& b, const std::string& token) {
            return http.request("GET", "/deliveries-history", b, bearer(token));
        };
        HttpReply r = query("?tracking_number=" + tn1 + "&foreing_order_id=11", c);
        expectSuccess("history by query (foreing_order_id)", 200, r);
        CPPUNIT_ASSERT_EQUAL(text(expected), text(dataOf(r)));
        r = query("?tracking_number=" + tn1 + "&foreign_order_id=11", c);
        expectSuccess("history by query (foreign_order_id)", 200, r);
        CPPUNIT_ASSERT_EQUAL(text(expected), text(dataOf(r)));
        r = body(R"({"tracking_number":")" + tn1 + R"(","foreing_order_id":11})", c);
        expectSuccess("history by JSON body", 200, r);
        CPPUNIT_ASSERT_EQUAL(text(expected), text(dataOf(r)));
        r = query("?tracking_number=" + tn1 + "&foreing_order_id=11", svc.admin());
        expectSuccess("history as admin", 200, r);
        CPPUNIT_ASSERT_EQUAL(text(expected), text(dataOf(r)));

        // Both must name the same delivery.
        expectFail("mismatch", 404, query("?tracking_number=" + tn1 + "&foreing_order_id=12", c));
        expectFail("mismatch (body)", 404, body(R"({"tracking_number":")" + tn2 + R"(","foreing_order_id":11})", c));
        expectFail("unknown order", 404, query("?tracking_number=" + tn1 + "&foreing_order_id=99", c));
        expectFail("unknown tracking number", 404, query("?tracking_number=ZZZZZZZZZZZ9&foreing_order_id=11", c));
        // Both are required.
        expectErrorOn("no tracking_number", query("?foreing_order_id=11", c), "tracking_number", "required");
        HttpReply noOrder = query("?tracking_number=" + tn1, c);
        expectFail("no foreing_order_id", 400, noOrder);
        CPPUNIT_ASSERT_MESSAGE(noOrder.body, hasError(noOrder, "foreing_order_id", "required") || hasError(noOrder, "foreign_order_id", "required"));
        expectFail("nothing at all", 400, query("", c));
        expectErrorOn("no tracking_number (body)", body(R"({"foreing_order_id":11})", c), "tracking_number", "required");
        expectFail("foreing_order_id not a number", 400, query("?tracking_number=" + tn1 + "&foreing_order_id=abc", c));
        expectFail("foreing_order_id 0", 400, query("?tracking_number=" + tn1 + "&foreing_order_id=0", c));
        expectFail("body not an object", 400, body("[]", c));
        expectFail("no token", 401, query("?tracking_number=" + tn1 + "&foreing_order_id=11", ""));
    }

    void publicTrackingJsonHasNoPersonalData()
    {
        DeliveryService svc;
        Draft d = draft(1);
        d.origin = "Zanzibar Warehouse 77";
        d.destName = "Ophelia Quixote";
        d.destAddress = "42 Hidden Lane, Nowhere";
        d.products = {{31337, "Secret Elixir", 1}};
        const std::string tn = created(svc, svc.client(), d);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(svc));
        const std::vector<std::string> secrets{"Zanzibar", "Ophelia", "Quixote", "Hidden Lane", "Secret Elixir", "31337"};

        for (const auto& [what, reply] :
             std::vector<std::pair<std::string, HttpReply>>{{"anonymous", svc.http().get("/track/" + tn)},
                                                            {"Accept: application/json", svc.http().request("GET", "/track/" + tn, "", {{"Accept", "application/json"}})},
                                                            {"Accept: */*", svc.http().request("GET", "/track/" + tn, "", {{"Accept", "*/*"}})},
                                                            {"with a token", svc.http().get("/track/" + tn, svc.client())},
                                                            {"with a bad token", svc.http().get("/track/" + tn, "not-a-token")}}) {
            expectSuccess("GET /track " + what, 200, reply);
            Obj data = dataOf(reply);
            CPPUNIT_ASSERT_EQUAL(tn, str(data, "tracking_number"));
            CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), str(data, "status"));
            CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, IN_ORIGIN]"), joined(trackingStatuses(data)));
            CPPUNIT_ASSERT_EQUAL(joined({"status", "tracking", "tracking_number"}), joined(keysOf(data)));
            for (const char* key : {"origin", "destination", "order", "products", "name", "address"})
                CPPUNIT_ASSERT_MESSAGE(std::string(key) + " shown: " + reply.body, !data->has(key));
            for (const auto& s : secrets)
                CPPUNIT_ASSERT_MESSAGE(s + " shown: " + reply.body, !contains(reply.body, s));
        }
        expectFail("unknown number", 404, svc.http().get("/track/ZZZZZZZZZZZ9"));
        expectFail("malformed number", 404, svc.http().get("/track/abc"));
    }

    void publicTrackingHtmlPage()
    {
        DeliveryService svc;
        Draft d = draft(1);
        d.origin = "Zanzibar Warehouse 77";
        d.destName = "Ophelia Quixote";
        d.destAddress = "42 Hidden Lane, Nowhere";
        d.products = {{31337, "Secret Elixir", 1}};
        const std::string tn = created(svc, svc.client(), d);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tick(svc));

        for (const std::string accept : {"text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}) {
            HttpReply r = svc.http().request("GET", "/track/" + tn, "", {{"Accept", accept}});
            expectStatus("HTML page, Accept: " + accept, 200, r);
            CPPUNIT_ASSERT_MESSAGE(r.header("Content-Type"), Poco::toLower(r.header("Content-Type")).rfind("text/html", 0) == 0);
            const std::string page = Poco::toLower(r.body);
            CPPUNIT_ASSERT_MESSAGE(r.body, contains(r.body, tn));
            std::string status = "in_origin", spaced = "in origin";
            CPPUNIT_ASSERT_MESSAGE("status missing: " + r.body, contains(page, status) || contains(page, spaced));
            CPPUNIT_ASSERT_MESSAGE("not HTML: " + r.body, contains(page, "<html") || contains(page, "<!doctype html"));
            CPPUNIT_ASSERT_MESSAGE("script: " + r.body, !contains(page, "<script"));
            for (const char* external : {"src=\"http", "src='http", "href=\"http", "href='http", "src=\"//", "href=\"//", "url(http", "@import"})
                CPPUNIT_ASSERT_MESSAGE(std::string("external asset ") + external + ": " + r.body, !contains(page, external));
            for (const char* s : {"zanzibar", "ophelia", "quixote", "hidden lane", "secret elixir", "31337"})
                CPPUNIT_ASSERT_MESSAGE(std::string(s) + " shown: " + r.body, !contains(page, s));
        }
        // A client that prefers JSON gets JSON.
        HttpReply json = svc.http().request("GET", "/track/" + tn, "", {{"Accept", "application/json, text/html;q=0.5"}});
        expectSuccess("Accept prefers JSON", 200, json);
        // Unknown numbers are 404 either way.
        expectStatus("unknown number, HTML", 404, svc.http().request("GET", "/track/ZZZZZZZZZZZ9", "", {{"Accept", "text/html"}}));
        expectStatus("malformed number, HTML", 404, svc.http().request("GET", "/track/abc", "", {{"Accept", "text/html"}}));
        // Nothing of the path is reflected unescaped.
        HttpReply xss = svc.http().request("GET", "/track/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "", {{"Accept", "text/html"}});
        expectStatus("script in the path, HTML", 404, xss);
        CPPUNIT_ASSERT_MESSAGE(xss.body, !contains(Poco::toLower(xss.body), "<script"));
        HttpReply xss2 = svc.http().request("GET", "/track/%3Cimg%20src%3Dx%3E", "", {{"Accept", "text/html"}});
        expectStatus("markup in the path, HTML", 404, xss2);
        CPPUNIT_ASSERT_MESSAGE(xss2.body, !contains(Poco::toLower(xss2.body), "<img"));
    }

    /// Issue 10 defect 7: both HTML pages (a delivery's, and the unknown number's) forbid sniffing,
    /// framing, scripts, forms, a base URL and every fetch, send no referrer, and allow exactly the
    /// page's own inline style sheet, by its hash.
    void publicTrackingPagesSendSecurityHeaders()
    {
        DeliveryService svc;
        const std::string tn = created(svc, svc.client(), draft(1));
        for (const auto& [what, path, status] : std::vector<std::tuple<std::string, std::string, int>>{
                 {"tracking page", "/track/" + tn, 200}, {"unknown number page", "/track/ZZZZZZZZZZZ9", 404}}) {
            HttpReply r = svc.http().request("GET", path, "", {{"Accept", "text/html"}});
            expectStatus(what, status, r);
            CPPUNIT_ASSERT_MESSAGE(what, Poco::toLower(r.header("Content-Type")).rfind("text/html", 0) == 0);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("nosniff"), r.header("X-Content-Type-Options"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, std::string("no-referrer"), r.header("Referrer-Policy"));
            // The policy, directive by directive.
            std::map<std::string, std::string> policy;
            std::istringstream directives(r.header("Content-Security-Policy"));
            for (std::string d; std::getline(directives, d, ';');) {
                d = Poco::trim(d);
                const auto space = d.find(' ');
                CPPUNIT_ASSERT_MESSAGE(what + ": " + d, space != std::string::npos);
                policy[d.substr(0, space)] = Poco::trim(d.substr(space + 1));
            }
            const std::string style = r.body.substr(r.body.find("<style>") + 7, r.body.find("</style>") - r.body.find("<style>") - 7);
            Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
            sha.update(style);
            std::ostringstream hash;
            Poco::Base64Encoder base64(hash);
            base64.rdbuf()->setLineLength(0);
            base64.write(reinterpret_cast<const char*>(sha.digest().data()), 32);
            base64.close();
            const std::map<std::string, std::string> expected{{"default-src", "'none'"},
                                                              {"style-src", "'sha256-" + hash.str() + "'"},
                                                              {"frame-ancestors", "'none'"},
                                                              {"base-uri", "'none'"},
                                                              {"form-action", "'none'"}};
            CPPUNIT_ASSERT_MESSAGE(what + ": " + r.header("Content-Security-Policy"), policy == expected);
            CPPUNIT_ASSERT_MESSAGE(what + ": a second <style>", r.body.find("<style", r.body.find("</style>")) == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(what + ": inline style attribute", Poco::toLower(r.body).find(" style=") == std::string::npos);
        }
    }

    // ---- webhooks ------------------------------------------------------------------------------

    void webhookCreateShowsTheSecretOnlyOnce()
    {
        DeliveryService svc;
        const std::string c = svc.client();
        HttpReply r = postWebhook(svc, c, webhookBody(kPublicHook));
        expectSuccess("POST /webhooks", 201, r);
        Obj hook = dataOf(r);
        const std::string id = webhookId(r);
        CPPUNIT_ASSERT_EQUAL(kPublicHook, str(hook, "url"));
        CPPUNIT_ASSERT_MESSAGE(r.body, hook->isArray("events"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), hook->getArray("events")->size());
        CPPUNIT_ASSERT_EQUAL(std::string("delivery.status_changed"), hook->getArray("events")->getElement<std::string>(0));
        CPPUNIT_ASSERT_MESSAGE(r.body, isTimestamp(str(hook, "created_at")));
        std::vector<std::string> keys = keysOf(hook);
        keys.erase(std::remove(keys.begin(), keys.end(), "description"), keys.end());
        CPPUNIT_ASSERT_EQUAL(joined({"created_at", "events", "id", "secret", "url"}), joined(keys));
        const std::string secret = str(hook, "secret");
        static const std::regex secretFormat("^whsec_[A-Za-z0-9+/]+={0,2}$");
        CPPUNIT_ASSERT_MESSAGE(secret, std::regex_match(secret, secretFormat));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(secret, std::size_t(32), base64Decoded(secret.substr(6)).size());

        HttpReply r2 = postWebhook(svc, c, R"({"url":"http://93.184.216.34:8080/other","events":["delivery.status_changed"],"description":" shop feed "})");
        expectSuccess("POST /webhooks with events and description", 201, r2);
        const std::string id2 = webhookId(r2);
        CPPUNIT_ASSERT(id2 != id);
        CPPUNIT_ASSERT(str(dataOf(r2), "secret") != secret);
        if (dataOf(r2)->has("description"))
            CPPUNIT_ASSERT_EQUAL(std::string("shop feed"), str(dataOf(r2), "description"));

        // Reads never show a secret.
        HttpReply list = svc.http().get("/webhooks", c);
        expectSuccess("GET /webhooks", 200, list);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), totalOf(list));
        Arr items = listOf(list);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), items->size());
        CPPUNIT_ASSERT_EQUAL(id, items->getObject(0)->get("id").toString()); // oldest first
        CPPUNIT_ASSERT_EQUAL(kPublicHook, str(items->getObject(0), "url"));
        for (std::size_t i = 0; i < items->size(); ++i)
            CPPUNIT_ASSERT_MESSAGE(list.body, !items->getObject(static_cast<unsigned>(i))->has("secret"));
        CPPUNIT_ASSERT_MESSAGE(list.body, !contains(list.body, "whsec_"));
        HttpReply firstPage = svc.http().get("/webhooks?limit=1", c);
        expectSuccess("GET /webhooks?limit=1", 200, firstPage);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), listOf(firstPage)->size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), totalOf(firstPage));
        HttpReply secondPage = svc.http().get("/webhooks?limit=1&offset=1", c);
        expectSuccess("GET /webhooks?limit=1&offset=1", 200, secondPage);
        CPPUNIT_ASSERT_EQUAL(id2, listOf(secondPage)->getObject(0)->get("id").toString());
        for (const std::string q : {"?limit=0", "?limit=501", "?offset=-1", "?limit=x"})
            expectFail("GET /webhooks" + q, 400, svc.http().get("/webhooks" + q, c));
        HttpReply one = svc.http().get("/webhooks/" + id, c);
        expectSuccess("GET /webhooks/id", 200, one);
        CPPUNIT_ASSERT_EQUAL(id, dataOf(one)->get("id").toString());
        CPPUNIT_ASSERT_EQUAL(kPublicHook, str(dataOf(one), "url"));
        CPPUNIT_ASSERT_MESSAGE(one.body, !dataOf(one)->has("secret") && !contains(one.body, "whsec_"));
        HttpReply admin = svc.http().get("/webhooks", svc.admin());
        expectSuccess("admin GET /webhooks", 200, admin);
        CPPUNIT_ASSERT_MESSAGE(admin.body, !contains(admin.body, "whsec_"));

        // No attempts yet.
        HttpReply attempts = svc.http().get("/webhooks/" + id + "/deliveries", c);
        expectSuccess("GET /webhooks/id/deliveries", 200, attempts);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), listOf(attempts)->size());

        // Idempotency-Key replays the creation.
        const std::map<std::string, std::string> key{{"Idempotency-Key", "hook-1"}};
        const std::string third = webhookBody("https://93.184.216.34/third");
        HttpReply keyed = postWebhook(svc, c, third, key);
        expectSuccess("keyed POST /webhooks", 201, keyed);
        HttpReply replay = postWebhook(svc, c, third, key);
        expectStatus("keyed repeat", 201, replay);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), replay.header("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(keyed.body, replay.body);
        expectFail("same key, other body", 409, postWebhook(svc, c, webhookBody("https://93.184.216.34/fourth"), key));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), webhookCount(svc, c));

        // Subscriptions are for clients.
        expectFail("admin POST /webhooks", 403, postWebhook(svc, svc.admin(), webhookBody(kPublicHook)));
        expectFail("anonymous POST /webhooks", 401, postWebhook(svc, "", webhookBody(kPublicHook)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), webhookCount(svc, svc.admin()));
    }

    void webhookRejectsBadInputAndWritesNothing()
    {
        DeliveryService svc;
        const std::string c = svc.client();
        auto post = [&](const std::string& body) { return postWebhook(svc, c, body); };
        const std::string ok = R"("url":"https://93.184.216.34/hook")";
        expectErrors("no body", svc.http().request("POST", "/webhooks", "", bearer(c)), {"body:empty_body"});
        expectErrors("{}", post("{}"), {"url:required"});
        expectErrors("url null", post(R"({"url":null})"), {"url:required"});
        expectErrors("url empty", post(R"({"url":""})"), {"url:empty"});
        expectErrors("url number", post(R"({"url":5})"), {"url:incorrect_type"});
        for (const std::string url : {"ftp://93.184.216.34/x", "javascript:alert(1)", "file:///etc/passwd", "not a url", "https://",
                                      "gopher://93.184.216.34:70/x"})
            expectErrors("url " + url, post(webhookBody(url)), {"url:invalid_format"});
        const std::string base = "https://93.184.216.34/";
        expectErrors("url 2049", post(webhookBody(base + std::string(2049 - base.size(), 'a'))), {"url:too_long"});
        expectErrors("unknown event", post("{" + ok + R"(,"events":["nope"]})"), {"events.0:invalid_value"});
        expectErrors("second event unknown", post("{" + ok + R"(,"events":["delivery.status_changed","delivery.deleted"]})"),
                     {"events.1:invalid_value"});
        expectErrors("events not an array", post("{" + ok + R"(,"events":"delivery.status_changed"})"), {"events:incorrect_type"});
        expectErrors("event not a string", post("{" + ok + R"(,"events":[1]})"), {"events.0:incorrect_type"});
        // A client may bring its own secret (the ecommerce service keeps it in its config), but a strong one.
        expectErrors("secret too short", post("{" + ok + R"(,"secret":"whsec_AAAA"})"), {"secret:invalid_format"});
        expectErrors("secret not whsec_", post("{" + ok + R"(,"secret":"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})"), {"secret:invalid_format"});
        expectErrors("description 1001", post("{" + ok + R"(,"description":")" + std::string(1001, 'd') + R"("})"), {"description:too_long"});
        expectErrors("everything at once", post(R"({"url":"ftp://x","events":["nope"],"extra":1})"),
                     {"events.0:invalid_value", "extra:unknown", "url:invalid_format"});
        expectFail("array body", 400, post("[]"));
        expectFail("text/plain", 415, svc.http().request("POST", "/webhooks", "{" + ok + "}", bearer(c), "text/plain"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), webhookCount(svc, c));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), webhookCount(svc, svc.admin()));
        // The URL of 2048 characters is still fine.
        expectSuccess("url 2048", 201, post(webhookBody(base + std::string(2048 - base.size(), 'a'))));
    }

    static const std::vector<std::string>& privateTargets()
    {
        static const std::vector<std::string> targets{"http://127.0.0.1/x",        "http://localhost/x",       "http://10.0.0.5/x",
                                                      "http://169.254.169.254/latest", "http://[::1]/x",        "http://[::ffff:10.0.0.1]/x",
                                                      "http://100.64.0.1/x",       "http://192.168.1.20/hook", "http://172.16.5.4/hook",
                                                      "https://127.0.0.1:8443/hook"};
        return targets;
    }

    void webhookRefusesPrivateTargets()
    {
        DeliveryService svc;
        std::vector<std::string> targets = privateTargets();
        // Other spellings of loopback and private addresses.
        for (const char* more : {"http://2130706433/x", "http://127.1/x", "http://0x7f000001/x", "http://0.0.0.0/x", "http://[fe80::1]/x",
                                 "http://[fc00::1]/x", "http://[0:0:0:0:0:ffff:7f00:1]/x", "http://LOCALHOST/x", "http://127.0.0.1.:80/x"})
            targets.push_back(more);
        for (const auto& url : targets)
            expectErrorOn("url " + url, postWebhook(svc, svc.client(), webhookBody(url)), "url");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), webhookCount(svc, svc.client()));
    }

    void webhookPrivateTargetsAllowedByConfig()
    {
        DeliveryService svc(Db::SQLite, {{"delivery.webhooks.allowPrivateNetworks", "true"}});
        for (const auto& url : privateTargets())
            expectSuccess("url " + url, 201, postWebhook(svc, svc.client(), webhookBody(url)));
        CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(privateTargets().size()), webhookCount(svc, svc.client()));
        // Other schemes stay refused.
        expectErrors("ftp", postWebhook(svc, svc.client(), webhookBody("ftp://127.0.0.1/x")), {"url:invalid_format"});
    }

    void webhookOwnershipAndDelete()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        const std::string c = svc.client();
        const std::string other = svc.createClient("other@example.com");
        HttpReply a = postWebhook(svc, c, webhookBody(kPublicHook));
        expectSuccess("client A webhook", 201, a);
        HttpReply b = postWebhook(svc, other, webhookBody("https://93.184.216.34/other"));
        expectSuccess("client B webhook", 201, b);
        const std::string idA = webhookId(a), idB = webhookId(b);

        // B sees nothing of A's, on every verb.
        expectFail("B GET A's", 404, http.get("/webhooks/" + idA, other));
        expectFail("B DELETE A's", 404, http.del("/webhooks/" + idA, other));
        expectFail("B GET A's attempts", 404, http.get("/webhooks/" + idA + "/deliveries", other));
        HttpReply listB = http.get("/webhooks", other);
        expectSuccess("B list", 200, listB);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), totalOf(listB));
        CPPUNIT_ASSERT_EQUAL(idB, listOf(listB)->getObject(0)->get("id").toString());
        expectSuccess("A still has it", 200, http.get("/webhooks/" + idA, c));

        // The admin sees both, without secrets.
        HttpReply all = http.get("/webhooks", svc.admin());
        expectSuccess("admin list", 200, all);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), totalOf(all));
        CPPUNIT_ASSERT_MESSAGE(all.body, !contains(all.body, "whsec_"));
        HttpReply adminOne = http.get("/webhooks/" + idA, svc.admin());
        expectSuccess("admin GET A's", 200, adminOne);
        CPPUNIT_ASSERT_MESSAGE(adminOne.body, !dataOf(adminOne)->has("secret"));
        expectSuccess("admin GET A's attempts", 200, http.get("/webhooks/" + idA + "/deliveries", svc.admin()));

        // Ids that are not positive integers, or unknown ones.
        for (const std::string bad : {"abc", "0", "-1", "1.5", "999999", "1%20OR%201%3D1"}) {
            expectFail("GET /webhooks/" + bad, 404, http.get("/webhooks/" + bad, c));
            expectFail("DELETE /webhooks/" + bad, 404, http.del("/webhooks/" + bad, c));
            expectFail("GET /webhooks/" + bad + "/deliveries", 404, http.get("/webhooks/" + bad + "/deliveries", c));
        }

        // Delete: the owner, then it is gone; the admin may delete any.
        expectSuccess("A DELETE own", 200, http.del("/webhooks/" + idA, c));
        expectFail("GET deleted", 404, http.get("/webhooks/" + idA, c));
        expectFail("GET deleted attempts", 404, http.get("/webhooks/" + idA + "/deliveries", c));
        expectFail("DELETE again", 404, http.del("/webhooks/" + idA, c));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), webhookCount(svc, c));
        expectSuccess("admin DELETE B's", 200, http.del("/webhooks/" + idB, svc.admin()));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), webhookCount(svc, other));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), webhookCount(svc, svc.admin()));
    }

    // ---- authentication ------------------------------------------------------------------------

    void authenticationAndNoSignup()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{{"GET", "/deliveries"},
                                                                                            {"POST", "/deliveries"},
                                                                                            {"GET", "/deliveries/ABCDEFGHIJKL"},
                                                                                            {"GET", "/deliveries-history"},
                                                                                            {"GET", "/webhooks"},
                                                                                            {"POST", "/admin/tick"}}) {
            HttpReply r = http.request(method, path, method == "POST" ? kBody : "", {});
            expectFail("anonymous " + method + " " + path, 401, r);
            CPPUNIT_ASSERT_MESSAGE(method + " " + path, Poco::icompare(r.header("WWW-Authenticate").substr(0, 6), "Bearer") == 0);
        }

        const std::string clientId = std::to_string(dataOf(http.get("/me", svc.client()))->getValue<std::int64_t>("id"));
        const std::string adminId = std::to_string(dataOf(http.get("/me", svc.admin()))->getValue<std::int64_t>("id"));
        // An ecommerce token (same secret here, other issuer) is refused; the same token with the
        // delivery issuer is accepted, so the forging is sound.
        const std::string ecommerce = hs256(clientId, "mercato-ecommerce", kTestSecret, "DELIVERY_CLIENT");
        expectFail("ecommerce issuer GET", 401, http.get("/deliveries", ecommerce));
        expectFail("ecommerce issuer POST", 401, http.post("/deliveries", kBody, ecommerce));
        expectFail("ecommerce admin token tick", 401, http.post("/admin/tick", "", hs256(adminId, "mercato-ecommerce", kTestSecret, "DELIVERY_ADMIN")));
        expectFail("wrong secret", 401, http.get("/deliveries", hs256(clientId, "mercato-delivery", "another-secret-0123456789abcdef0123456789", "DELIVERY_CLIENT")));
        expectFail("garbage token", 401, http.get("/deliveries", "abc.def.ghi"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), count(svc, svc.admin()));
        const std::string forged = hs256(clientId, "mercato-delivery", kTestSecret, "DELIVERY_CLIENT");
        expectSuccess("delivery issuer", 200, http.get("/deliveries", forged));
        expectSuccess("lower-case scheme", 200, http.request("GET", "/deliveries", "", {{"Authorization", "bearer " + svc.client()}}));

        // The token of a client the admin has deleted stops working.
        const std::string gone = svc.createClient("gone@example.com");
        const std::string goneId = std::to_string(dataOf(http.get("/me", gone))->getValue<std::int64_t>("id"));
        expectSuccess("deleted client's own list before", 200, http.get("/deliveries", gone));
        expectSuccess("admin deletes the client", 200, http.del("/users/" + goneId, svc.admin()));
        expectFail("deleted client's token", 401, http.get("/deliveries", gone));
        expectFail("deleted client's token, POST", 401, http.post("/deliveries", kBody, gone));

        // No public sign-up on the delivery service.
        HttpReply signup = http.post("/signup", R"({"name":"X","username":"x@example.com","password":"good-password"})");
        CPPUNIT_ASSERT_MESSAGE(describe("POST /signup", signup), signup.status == 404 || signup.status == 405);
        // The mock client signs in with the mock password.
        expectSuccess("signin", 200, http.post("/signin", R"({"username":"delivery@example.com","password":"password"})"));
    }

    // ---- the whole story, on both databases ------------------------------------------------------

    void lifecycle(Db db)
    {
        DeliveryService svc(db, {{"delivery.tick.deliveredProbability", "1"}});
        const auto& http = svc.http();
        const std::string c = svc.client();
        const Draft d1 = draft(1001);

        // Create, and create again: the same delivery.
        HttpReply first = create(svc, c, d1);
        expectSuccess("create", 201, first);
        const std::string tn = str(dataOf(first), "tracking_number");
        HttpReply again = create(svc, c, d1);
        expectSuccess("create again", 200, again);
        CPPUNIT_ASSERT_EQUAL(text(dataOf(first)), text(dataOf(again)));
        Draft changed = d1;
        changed.destAddress = "Somewhere else";
        expectFail("create with other content", 409, create(svc, c, changed));
        // Idempotency-Key.
        const std::map<std::string, std::string> key{{"Idempotency-Key", "lifecycle-2"}};
        HttpReply keyed = create(svc, c, draft(1002), key);
        expectSuccess("keyed create", 201, keyed);
        const std::string tn2 = str(dataOf(keyed), "tracking_number");
        HttpReply replay = create(svc, c, draft(1002), key);
        expectStatus("keyed replay", 201, replay);
        CPPUNIT_ASSERT_EQUAL(std::string("true"), replay.header("Idempotent-Replayed"));
        CPPUNIT_ASSERT_EQUAL(keyed.body, replay.body);
        expectFail("same key, other body", 409, create(svc, c, draft(1003), key));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count(svc, c));

        // Ticks: tn and tn2 move one step each; a cancelled one never moves.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(svc));
        const std::string tn3 = created(svc, c, draft(1003));
        expectSuccess("cancel tn3", 200, http.del("/deliveries/" + tn3, c));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ROUTE_OF_DELIVERY"), statusOf(svc, tn));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), tick(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), statusOf(svc, tn));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), statusOf(svc, tn2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), tick(svc));
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), statusOf(svc, tn3));

        // Its history, through every reader.
        const std::string full = "[READY_FOR_PICK_UP, IN_ORIGIN, IN_ROUTE_OF_DELIVERY, DELIVERED]";
        Obj t = tracking(svc, c, tn);
        CPPUNIT_ASSERT_EQUAL(full, joined(trackingStatuses(t)));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), str(t, "status"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1001), num(t, "foreign_order_id"));
        HttpReply history = http.get("/deliveries-history?tracking_number=" + tn + "&foreing_order_id=1001", c);
        expectSuccess("history", 200, history);
        CPPUNIT_ASSERT_EQUAL(text(t), text(dataOf(history)));
        HttpReply publicView = http.get("/track/" + tn);
        expectSuccess("public tracking", 200, publicView);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), str(dataOf(publicView), "status"));
        CPPUNIT_ASSERT_EQUAL(full, joined(trackingStatuses(dataOf(publicView))));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, IN_ORIGIN, IN_ROUTE_OF_DELIVERY, DELIVERED]"), joined(historyOf(svc, tn2)));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, CANCELLED]"), joined(historyOf(svc, tn3)));
        CPPUNIT_ASSERT_EQUAL(joined({tn, tn2}), joined(listed(svc, c, "?status=DELIVERED")));
        // Final: no more changes.
        expectFail("cancel DELIVERED", 409, http.del("/deliveries/" + tn, c));
        expectFail("update DELIVERED", 409, http.put("/deliveries/" + tn, R"({"origin":{"address":"X"}})", c));
        // Repeating the create still answers with the (now delivered) delivery.
        HttpReply late = create(svc, c, d1);
        expectSuccess("create after delivery", 200, late);
        CPPUNIT_ASSERT_EQUAL(tn, str(dataOf(late), "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), str(dataOf(late), "status"));

        // Everything survives a restart.
        const std::string beforeRestart = text(t);
        CPPUNIT_ASSERT_EQUAL(0, svc.restart());
        CPPUNIT_ASSERT_EQUAL(beforeRestart, text(tracking(svc, c, tn)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), count(svc, c));
        expectSuccess("create after restart", 200, create(svc, c, d1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), tick(svc));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), count(svc, svc.admin()));
    }

    void fullLifecycleOnSqlite() { lifecycle(Db::SQLite); }
    void fullLifecycleOnMariaDb() { lifecycle(Db::MariaDB); }

    // ---- concurrency ---------------------------------------------------------------------------

    using Call = std::function<HttpReply(const HttpTestClient&)>;

    /// Runs every call on its own thread and connection, released together; a call that throws
    /// gives status 0 with the exception text as its body.
    static std::vector<HttpReply> concurrently(DeliveryService& svc, const std::vector<Call>& calls)
    {
        std::vector<HttpReply> out(calls.size());
        std::atomic<std::size_t> ready{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < calls.size(); ++i)
            threads.emplace_back([&, i] {
                HttpTestClient client(svc.port());
                ++ready;
                while (!go.load())
                    std::this_thread::yield();
                try {
                    out[i] = calls[i](client);
                } catch (const std::exception& e) {
                    out[i].status = 0;
                    out[i].body = e.what();
                }
            });
        while (ready.load() < calls.size())
            std::this_thread::yield();
        go = true;
        for (auto& t : threads)
            t.join();
        return out;
    }

    static std::vector<Call> posts(const std::string& token, const std::vector<std::string>& bodies)
    {
        std::vector<Call> calls;
        for (const auto& b : bodies)
            calls.push_back([token, b](const HttpTestClient& client) { return client.post("/deliveries", b, token); });
        return calls;
    }

    /// "status: body" of every reply whose status is not in `allowed`.
    static std::string unexpected(const std::vector<HttpReply>& replies, const std::set<int>& allowed)
    {
        std::string s;
        for (const auto& r : replies)
            if (!allowed.count(r.status))
                s += std::to_string(r.status) + ": " + r.body + "\n";
        return s;
    }

    static int countStatus(const std::vector<HttpReply>& replies, int status)
    {
        return static_cast<int>(std::count_if(replies.begin(), replies.end(), [status](const HttpReply& r) { return r.status == status; }));
    }

    void concurrentCreates(Db db)
    {
        DeliveryService svc(db);
        const std::string c = svc.client();
        // 20 identical posts of one order: one 201, nineteen 200, all the same delivery.
        std::vector<HttpReply> same = concurrently(svc, posts(c, std::vector<std::string>(20, draft(77).json())));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected(same, {200, 201}), std::string(), unexpected(same, {200, 201}));
        CPPUNIT_ASSERT_EQUAL(1, countStatus(same, 201));
        CPPUNIT_ASSERT_EQUAL(19, countStatus(same, 200));
        std::set<std::string> tns;
        for (const auto& r : same)
            tns.insert(str(dataOf(r), "tracking_number"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), tns.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, c, "?foreign_order_id=77"));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP]"), joined(historyOf(svc, *tns.begin())));

        // 20 different posts of one order: one 201, the rest 409.
        std::vector<std::string> bodies;
        for (int i = 0; i < 20; ++i) {
            Draft d = draft(78);
            d.destName = "Buyer " + std::to_string(i);
            bodies.push_back(d.json());
        }
        std::vector<HttpReply> different = concurrently(svc, posts(c, bodies));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected(different, {201, 409}), std::string(), unexpected(different, {201, 409}));
        CPPUNIT_ASSERT_EQUAL(1, countStatus(different, 201));
        CPPUNIT_ASSERT_EQUAL(19, countStatus(different, 409));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count(svc, c, "?foreign_order_id=78"));

        // 30 different orders at once: all created, with 30 distinct tracking numbers.
        bodies.clear();
        for (int i = 0; i < 30; ++i)
            bodies.push_back(draft(100 + i).json());
        std::vector<HttpReply> many = concurrently(svc, posts(c, bodies));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected(many, {201}), std::string(), unexpected(many, {201}));
        tns.clear();
        for (const auto& r : many) {
            const std::string tn = str(dataOf(r), "tracking_number");
            CPPUNIT_ASSERT_MESSAGE(tn, isTrackingNumber(tn));
            tns.insert(tn);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(30), tns.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(32), count(svc, svc.admin()));
    }

    void concurrentCreatesOnSqlite() { concurrentCreates(Db::SQLite); }
    void concurrentCreatesOnMariaDb() { concurrentCreates(Db::MariaDB); }

    void cancelsRacingATick(Db db)
    {
        DeliveryService svc(db, {{"delivery.tick.deliveredProbability", "1"}});
        const std::string c = svc.client();
        const std::string admin = svc.admin();
        // Ten DELETEs of one delivery: exactly one cancels it.
        const std::string one = created(svc, c, draft(1));
        std::vector<Call> deletes(10, [&](const HttpTestClient& client) { return client.del("/deliveries/" + one, c); });
        std::vector<HttpReply> cancelled = concurrently(svc, deletes);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected(cancelled, {200, 409}), std::string(), unexpected(cancelled, {200, 409}));
        CPPUNIT_ASSERT_EQUAL(1, countStatus(cancelled, 200));
        CPPUNIT_ASSERT_EQUAL(std::string("[READY_FOR_PICK_UP, CANCELLED]"), joined(historyOf(svc, one)));

        // A DELETE of each of 12 deliveries racing one tick: each delivery is either cancelled
        // (DELETE 200) or picked up (DELETE 409), never both, and the tick counts the latter.
        std::vector<std::string> tns;
        for (int i = 0; i < 12; ++i)
            tns.push_back(created(svc, c, draft(10 + i)));
        std::vector<Call> calls;
        for (std::size_t i = 0; i < tns.size(); ++i) {
            if (i == tns.size() / 2)
                calls.push_back([&](const HttpTestClient& client) { return client.post("/admin/tick", "", admin); });
            const std::string tn = tns[i];
            calls.push_back([tn, c](const HttpTestClient& client) { return client.del("/deliveries/" + tn, c); });
        }
        std::vector<HttpReply> replies = concurrently(svc, calls);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected(replies, {200, 409}), std::string(), unexpected(replies, {200, 409}));
        const HttpReply& tickReply = replies[tns.size() / 2];
        CPPUNIT_ASSERT_EQUAL_MESSAGE(tickReply.body, 200, tickReply.status);
        std::int64_t pickedUp = 0;
        for (std::size_t i = 0, r = 0; i < tns.size(); ++i, ++r) {
            if (r == tns.size() / 2)
                ++r; // the tick's reply
            const HttpReply& del = replies[r];
            const std::string history = joined(historyOf(svc, tns[i]));
            if (del.status == 200) {
                CPPUNIT_ASSERT_EQUAL_MESSAGE(tns[i], std::string("[READY_FOR_PICK_UP, CANCELLED]"), history);
            } else {
                ++pickedUp;
                CPPUNIT_ASSERT_EQUAL_MESSAGE(tns[i] + " " + del.body, std::string("[READY_FOR_PICK_UP, IN_ORIGIN]"), history);
            }
        }
        CPPUNIT_ASSERT_EQUAL(pickedUp, num(dataOf(tickReply), "moved"));
    }

    void cancelsRacingATickOnSqlite() { cancelsRacingATick(Db::SQLite); }
    void cancelsRacingATickOnMariaDb() { cancelsRacingATick(Db::MariaDB); }

    void concurrentTicks(Db db)
    {
        // Random outcomes (seeded) and ticks four at a time: every history stays a chain of legal
        // steps with one entry per move, and the ticks' `moved` add up to the moves recorded.
        DeliveryService svc(db, {{"delivery.tick.seed", "7"}});
        const std::string shop = svc.createClient("shop2@example.com");
        std::vector<std::string> tns;
        for (int i = 0; i < 8; ++i)
            tns.push_back(created(svc, svc.client(), draft(i + 1)));
        for (int i = 0; i < 4; ++i)
            tns.push_back(created(svc, shop, draft(i + 1)));
        const std::string admin = svc.admin();
        std::int64_t moved = 0;
        for (int round = 0; round < 3; ++round) {
            std::vector<Call> ticks(4, [&](const HttpTestClient& client) { return client.post("/admin/tick", "", admin); });
            std::vector<HttpReply> replies = concurrently(svc, ticks);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(unexpected(replies, {200}), std::string(), unexpected(replies, {200}));
            for (const auto& r : replies)
                moved += num(dataOf(r), "moved");
        }
        std::int64_t recorded = 0;
        for (const auto& tn : tns) {
            const std::vector<std::string> history = historyOf(svc, tn);
            CPPUNIT_ASSERT_MESSAGE(tn, !history.empty() && history.front() == "READY_FOR_PICK_UP");
            for (std::size_t i = 1; i < history.size(); ++i)
                CPPUNIT_ASSERT_MESSAGE(tn + " " + joined(history), isLegalStep(history[i - 1], history[i]));
            CPPUNIT_ASSERT_MESSAGE(tn + " " + joined(history), history.size() <= 13); // at most one step per tick
            CPPUNIT_ASSERT_EQUAL_MESSAGE(tn, history.back(), statusOf(svc, tn));
            recorded += static_cast<std::int64_t>(history.size()) - 1;
        }
        CPPUNIT_ASSERT_EQUAL(moved, recorded);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(moved), moved >= static_cast<std::int64_t>(3 * tns.size())); // everything got past IN_ROUTE
    }

    void concurrentTicksOnSqlite() { concurrentTicks(Db::SQLite); }
    void concurrentTicksOnMariaDb() { concurrentTicks(Db::MariaDB); }

    // ---- operations ----------------------------------------------------------------------------

    void operationsEndpointsDescribeTheDeliveryRoutes()
    {
        DeliveryService svc;
        const auto& http = svc.http();
        expectSuccess("health", 200, http.get("/health"));
        expectSuccess("ready", 200, http.get("/ready"));
        HttpReply api = http.get("/openapi.json");
        expectStatus("openapi", 200, api);
        CPPUNIT_ASSERT_MESSAGE(api.body.substr(0, 200), !api.json.isNull() && api.json->isObject("paths"));
        std::vector<std::string> paths = api.json->getObject("paths")->getNames();
        auto has = [&](const std::string& prefix, const std::string& part) {
            return std::any_of(paths.begin(), paths.end(),
                               [&](const std::string& p) { return p.rfind(prefix, 0) == 0 && contains(p.substr(prefix.size()), part); });
        };
        for (const char* exact : {"/deliveries", "/deliveries-history", "/admin/tick", "/webhooks"})
            CPPUNIT_ASSERT_MESSAGE(std::string("openapi lacks ") + exact + ": " + joined(paths), std::find(paths.begin(), paths.end(), exact) != paths.end());
        CPPUNIT_ASSERT_MESSAGE(joined(paths), has("/deliveries/", "/tracking"));
        CPPUNIT_ASSERT_MESSAGE(joined(paths), has("/track/", ""));
        CPPUNIT_ASSERT_MESSAGE(joined(paths), has("/webhooks/", "/deliveries"));
        HttpReply plugins = http.get("/plugins", svc.admin());
        expectSuccess("plugins", 200, plugins);
        CPPUNIT_ASSERT_MESSAGE(plugins.body, contains(plugins.body, R"("name":"delivery")"));
        expectFail("plugins as client", 403, http.get("/plugins", svc.client()));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DeliveryAcceptanceTest, "acceptance");
