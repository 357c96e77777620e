// Issue 10's authorization matrix: every route of both services × every role → one exact status,
// over real HTTP to the real `mercato` binary with the plugins of etc/*-embedded.properties
// (ecommerce: accounts, ecommerce, scheduler; delivery: accounts, delivery, scheduler) and the
// host's own routes. The expectations are API.md's rules (§1 auth and operations endpoints, §2, §3,
// the plugins' "Rules where API.md is silent", the scheduler's admin routes), written as one row
// per route and scene. The rows are checked against the live route table: the set of
// (method, pattern) of each host's GET /openapi.json, which the host renders from its RouteTable,
// must equal the set of the rows, so a route added without a row (or a row left over from a
// removed route) fails the test.
//
// A cell's request is built by its row's *scene*: which object the path names (the caller's own or
// another's), the body of a valid request (so that an allowed cell gets its success status), and a
// fresh object where the request changes what later cells need (a cancelled order, a deleted user).
// Every mismatch is collected and reported at once: route, scene, column, expected, actual, body.
#include "TwoServices.h"

#include "mercato/sdk/WebhookSignature.h"

#include <Poco/JSON/Object.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace mercato::test;

namespace {

// ---- the table's shape ----------------------------------------------------------------------

/// One route and scene, with the status every column must get.
template <std::size_t N>
struct Row {
    const char* method;
    const char* pattern;
    const char* scene;
    std::array<int, N> expected;
};

/// Who sends a cell's request: a role (or nobody), and the object the scenes give it to own.
struct Column {
    std::string name;
    std::string role;       ///< "" for anonymous
    std::string token;      ///< "" for anonymous
    std::int64_t userId = 0;
};

/// A cell's request, as a scene builds it.
struct Call {
    std::map<std::string, std::string> params;  ///< value of each `{name}` of the pattern
    std::string query;                          ///< without '?'
    std::string body;
    std::map<std::string, std::string> headers;
    std::optional<std::string> token;           ///< instead of the column's (a fresh caller of its role)
};

using Scene = std::function<Call(const Column&)>;
using Scenes = std::map<std::string, Scene>;

std::string routeName(const std::string& method, const std::string& pattern) { return method + " " + pattern; }

/// The pattern with each `{name}` replaced by the call's value for it.
std::string pathOf(const std::string& pattern, const Call& call)
{
    std::string path;
    std::size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] != '{') {
            path += pattern[i++];
            continue;
        }
        const std::size_t end = pattern.find('}', i);
        const std::string name = pattern.substr(i + 1, end - i - 1);
        auto value = call.params.find(name);
        if (value == call.params.end())
            throw std::logic_error("the scene gives no {" + name + "} for " + pattern);
        path += value->second;
        i = end + 1;
    }
    return call.query.empty() ? path : path + "?" + call.query;
}

/// Every (method, pattern) the host's GET /openapi.json describes, as "METHOD /pattern".
std::set<std::string> servedRoutes(const HttpTestClient& http)
{
    HttpReply r = http.get("/openapi.json");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    CPPUNIT_ASSERT_MESSAGE(r.body, !r.json.isNull() && !r.json->getObject("paths").isNull());
    Poco::JSON::Object::Ptr paths = r.json->getObject("paths");
    std::set<std::string> served;
    for (const auto& pattern : paths->getNames()) {
        for (const auto& method : paths->getObject(pattern)->getNames())
            served.insert(routeName(Poco::toUpper(method), pattern));
    }
    return served;
}

/// Runs every cell of `rows` and returns one line per problem: a route served without a row, a row
/// of a route not served, a cell whose status is not the expected one.
template <std::size_t N>
std::vector<std::string> runMatrix(const std::string& service, const HttpTestClient& http, const std::array<Column, N>& columns,
                                   const std::vector<Row<N>>& rows, const Scenes& scenes)
{
    std::vector<std::string> problems;
    std::set<std::string> tabled;
    for (const auto& row : rows)
        tabled.insert(routeName(row.method, row.pattern));
    const std::set<std::string> served = servedRoutes(http);
    for (const auto& route : served)
        if (!tabled.count(route))
            problems.push_back(service + ": " + route + " is served (GET /openapi.json) but has no row in the matrix");
    for (const auto& route : tabled)
        if (!served.count(route))
            problems.push_back(service + ": " + route + " has a row but GET /openapi.json does not list it");

    for (const auto& row : rows) {
        auto scene = scenes.find(row.scene);
        if (scene == scenes.end())
            throw std::logic_error(std::string("no scene \"") + row.scene + "\"");
        for (std::size_t c = 0; c < N; ++c) {
            const Column& who = columns[c];
            const Call call = scene->second(who);
            const std::string token = call.token.value_or(who.token);
            std::map<std::string, std::string> headers = call.headers;
            if (!token.empty())
                headers["Authorization"] = "Bearer " + token;
            const std::string path = pathOf(row.pattern, call);
            HttpReply r = http.request(row.method, path, call.body, headers);
            if (r.status != row.expected[c])
                problems.push_back(service + ": " + row.method + " " + path + " (" + row.pattern + (*row.scene ? ", " : "") + row.scene
                                   + ") as " + who.name + ": expected " + std::to_string(row.expected[c]) + ", got "
                                   + std::to_string(r.status) + " " + r.body.substr(0, 300));
        }
    }
    return problems;
}

std::string report(const std::vector<std::string>& problems)
{
    std::string text = std::to_string(problems.size()) + " problem(s):";
    for (const auto& p : problems)
        text += "\n  " + p;
    return text;
}

// ---- accounts, the same on both services ------------------------------------------------------

std::string unique(const std::string& tag)
{
    static std::atomic<int> n{0};
    return tag + "." + std::to_string(Poco::Process::id()) + "." + std::to_string(++n);
}

std::string jsonOf(std::initializer_list<std::pair<const char*, std::string>> fields)
{
    Poco::JSON::Object o;
    for (const auto& [k, v] : fields)
        o.set(k, v);
    return DeliveryService::text(o);
}

struct Account {
    std::int64_t id = 0;
    std::string token;
};

/// A new user of `role` through the admin's POST /users, signed in through POST /signin.
Account newAccount(const HttpTestClient& http, const std::string& adminToken, const std::string& role)
{
    const std::string username = unique("matrix") + "@example.com";
    HttpReply created = http.post("/users", jsonOf({{"name", "Matrix " + role}, {"username", username}, {"password", "password-1"}, {"role", role}}),
                                  adminToken);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
    HttpReply signin = http.post("/signin", jsonOf({{"username", username}, {"password", "password-1"}}));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(signin.body, 200, signin.status);
    return {idOf(created), signin.json->getValue<std::string>("data")};
}

Column column(const HttpTestClient& http, const std::string& name, const std::string& role, const std::string& token)
{
    return {name, role, token, token.empty() ? 0 : idOf(http.get("/me", token))};
}

/// The scenes both services share: none (""), those of /signin, /users and /users/{id}, and those
/// of the scheduler's /admin/jobs/{id} routes. `bystander` is a user no column is ("another user"
/// for everyone but the admin; anonymous requests name it too), of `bystanderRole`, the role new
/// users get; `signinUser` is a mock user (password "password").
Scenes commonScenes(const HttpTestClient& http, const std::string& adminToken, std::int64_t bystander, const std::string& bystanderRole,
                    const std::string& signinUser, std::int64_t anyJob, std::int64_t deadJob)
{
    Scenes scenes;
    scenes[""] = [](const Column&) { return Call{}; };
    const auto id = [](std::int64_t n) { return std::map<std::string, std::string>{{"id", str(n)}}; };
    scenes["the mock user's password"] = [signinUser](const Column&) {
        return Call{{}, "", jsonOf({{"username", signinUser}, {"password", "password"}}), {}, {}};
    };
    scenes["a new user"] = [bystanderRole](const Column&) {
        return Call{{}, "", jsonOf({{"name", "New"}, {"username", unique("new") + "@example.com"}, {"password", "password-1"}, {"role", bystanderRole}}),
                    {}, {}};
    };
    scenes["the caller itself"] = [id, bystander](const Column& who) { return Call{id(who.userId ? who.userId : bystander), "", "", {}, {}}; };
    scenes["the caller itself, a new name"] = [id, bystander](const Column& who) {
        return Call{id(who.userId ? who.userId : bystander), "", jsonOf({{"name", "Renamed"}}), {}, {}};
    };
    // Deleting oneself ends one's token: a new user of the column's role deletes itself.
    scenes["a new user of the caller's role, itself"] = [&http, adminToken, id, bystander](const Column& who) {
        if (who.role.empty())
            return Call{id(bystander), "", "", {}, {}};
        Account fresh = newAccount(http, adminToken, who.role);
        return Call{id(fresh.id), "", "", {}, fresh.token};
    };
    // Only an admin changes a role, even to the role one has (API.md §2: a user may change name,
    // password and shipping address of their own).
    scenes["the caller itself, its own role"] = [id, bystander, bystanderRole](const Column& who) {
        return Call{id(who.userId ? who.userId : bystander), "", jsonOf({{"role", who.role.empty() ? bystanderRole : who.role}}), {}, {}};
    };
    scenes["another user"] = [id, bystander](const Column&) { return Call{id(bystander), "", "", {}, {}}; };
    scenes["another user, a new name"] = [id, bystander](const Column&) { return Call{id(bystander), "", jsonOf({{"name", "Renamed"}}), {}, {}}; };
    scenes["a new other user"] = [&http, adminToken, id, bystanderRole](const Column&) {
        return Call{id(newAccount(http, adminToken, bystanderRole).id), "", "", {}, {}};
    };
    scenes["a job"] = [anyJob](const Column&) { return Call{{{"id", str(anyJob)}}, "", "", {}, {}}; };
    // Only the admin's cell re-queues it (one allowed cell); the others are refused before.
    scenes["a dead job"] = [deadJob](const Column&) { return Call{{{"id", str(deadJob)}}, "", "", {}, {}}; };
    return scenes;
}

/// The id of the first job GET /admin/jobs?<query> lists, once there is one (0 after 20 s).
std::int64_t firstJob(const HttpTestClient& http, const std::string& adminToken, const std::string& query)
{
    std::int64_t id = 0;
    eventually([&] {
        HttpReply r = http.get("/admin/jobs?" + query, adminToken);
        if (r.status != 200 || itemsOf(r)->size() == 0)
            return false;
        id = itemsOf(r)->getObject(0)->getValue<std::int64_t>("id");
        return true;
    }, 20);
    return id;
}

/// A delivery request body (API.md §3) for `foreignOrderId` of one product.
std::string deliveryBody(std::int64_t foreignOrderId, const std::string& product, std::int64_t foreignShipmentId = 0)
{
    const std::string shipment = foreignShipmentId ? R"(,"foreign_shipment_id":)" + str(foreignShipmentId) : "";
    return R"({"order":{"foreign_order_id":)" + str(foreignOrderId) + shipment + R"(,"products":[{"sku":7,"name":")" + product
           + R"(","qty":1}]},"origin":{"address":"1 Dock Road"},"destination":{"name":"Ada Lovelace","address":"12 Analytical Street"}})";
}

// ---- ecommerce -----------------------------------------------------------------------------------

constexpr std::size_t kEcommerceColumns = 7;

// Columns: anonymous, MARKETPLACE_ADMIN, SELLER of the store (with a line in the order), SELLER of
// another store, MARKETPLACE_USER who bought the order, another MARKETPLACE_USER, DELIVERY_SERVICE.
// "Another user's order/user is a 404" (API.md §1, §2 visibility); stores and products are
// visible to every authenticated user, so a seller of another store gets 403 on their writes.
// clang-format off
const std::vector<Row<kEcommerceColumns>> kEcommerceRows = {
    //  method    pattern                                  scene                                          anon admin seller other  buyer other  delivery
    //                                                                                                              seller        buyer  service
    // host
    {"GET",    "/health",                                 "",                                            {200, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/ready",                                  "",                                            {200, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/metrics",                                "",                                            {200, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/openapi.json",                           "",                                            {200, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/plugins",                                "",                                            {401, 200, 403, 403, 403, 403, 403}},
    // accounts
    {"POST",   "/signup",                                 "a new buyer's sign-up",                       {201, 201, 201, 201, 201, 201, 201}},
    {"POST",   "/signin",                                 "the mock user's password",                    {200, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/me",                                     "",                                            {401, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/users",                                  "",                                            {401, 200, 403, 403, 403, 403, 403}},
    {"POST",   "/users",                                  "a new user",                                  {401, 201, 403, 403, 403, 403, 403}},
    {"GET",    "/users/{id}",                             "the caller itself",                           {401, 200, 200, 200, 200, 200, 200}},
    {"PUT",    "/users/{id}",                             "the caller itself, a new name",               {401, 200, 200, 200, 200, 200, 200}},
    {"PUT",    "/users/{id}",                             "the caller itself, its own role",             {401, 200, 403, 403, 403, 403, 403}},
    {"DELETE", "/users/{id}",                             "a new user of the caller's role, itself",     {401, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/users/{id}",                             "another user",                                {401, 200, 404, 404, 404, 404, 404}},
    {"PUT",    "/users/{id}",                             "another user, a new name",                    {401, 200, 404, 404, 404, 404, 404}},
    {"DELETE", "/users/{id}",                             "a new other user",                            {401, 200, 404, 404, 404, 404, 404}},
    // stores
    {"POST",   "/stores",                                 "a new store's fields",                        {401, 201, 403, 403, 403, 403, 403}},
    {"GET",    "/stores",                                 "",                                            {401, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/stores/{id}",                            "the store",                                   {401, 200, 200, 200, 200, 200, 200}},
    {"PUT",    "/stores/{id}",                            "the store, a new description",                {401, 200, 200, 403, 403, 403, 403}},
    {"PUT",    "/stores/{id}",                            "the store, its users_ids",                    {401, 200, 403, 403, 403, 403, 403}},
    {"DELETE", "/stores/{id}",                            "a new store of the seller",                   {401, 200, 403, 403, 403, 403, 403}},
    // products
    {"GET",    "/products",                               "",                                            {401, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/products/{id}",                          "the product",                                 {401, 200, 200, 200, 200, 200, 200}},
    {"POST",   "/products",                               "a new product's fields",                      {401, 201, 201, 403, 403, 403, 403}},
    {"PUT",    "/products/{id}",                          "the product, a new description",              {401, 200, 200, 403, 403, 403, 403}},
    {"DELETE", "/products/{id}",                          "a new product in the store",                  {401, 200, 200, 403, 403, 403, 403}},
    // orders
    {"POST",   "/orders",                                 "one unit of the product",                     {401, 403, 403, 403, 201, 201, 403}},
    {"GET",    "/orders",                                 "",                                            {401, 200, 200, 200, 200, 200, 200}},
    {"GET",    "/orders/{id}",                            "the order",                                   {401, 200, 200, 404, 200, 404, 200}},
    {"PUT",    "/orders/{id}",                            "a new CREATED order, to CONFIRMED",           {401, 200, 200, 404, 403, 404, 403}},
    {"PUT",    "/orders/{id}",                            "a new CONFIRMED order, to DISPATCHED",        {401, 200, 200, 404, 403, 404, 403}},
    {"PUT",    "/orders/{id}",                            "a new DISPATCHED order, to DELIVERED",        {401, 403, 403, 404, 403, 404, 200}},
    {"PUT",    "/orders/{id}",                            "a new CREATED order, to CANCELLED",           {401, 200, 403, 404, 200, 404, 403}},
    {"GET",    "/orders/{id}/events",                     "the order",                                   {401, 200, 200, 404, 200, 404, 200}},
    {"PUT",    "/orders/{id}/shipments/{sid}",            "a new CREATED order's shipment, to CONFIRMED", {401, 200, 200, 404, 403, 404, 403}},
    {"PUT",    "/orders/{id}/shipments/{sid}",            "a new CREATED order's shipment, to CANCELLED", {401, 200, 403, 404, 403, 404, 403}},
    {"PUT",    "/orders/{id}/shipments/{sid}",            "a new DISPATCHED order's shipment, to DELIVERED", {401, 403, 403, 404, 403, 404, 200}},
    {"DELETE", "/orders/{id}",                            "a new CREATED order",                         {401, 200, 403, 404, 200, 404, 403}},
    {"POST",   "/orders/{id}/products",                   "a new CREATED order, one more unit",          {401, 403, 403, 404, 201, 404, 403}},
    {"GET",    "/orders/{id}/products",                   "the order",                                   {401, 200, 200, 404, 200, 404, 200}},
    {"DELETE", "/orders/{id}/products/{line_id}",         "a new CREATED order's line",                  {401, 403, 403, 404, 200, 404, 403}},
    {"DELETE", "/orders/{id}/products/{line_id}",         "a new CREATED order, another buyer's line",   {401, 403, 403, 404, 404, 404, 403}},
    {"POST",   "/order/{id}/products",                    "a new CREATED order, one more unit",          {401, 403, 403, 404, 201, 404, 403}},
    {"GET",    "/order/{id}/products",                    "the order",                                   {401, 200, 200, 404, 200, 404, 200}},
    {"DELETE", "/order/{id}/products/{line_id}",          "a new CREATED order's line",                  {401, 403, 403, 404, 200, 404, 403}},
    {"DELETE", "/order/{id}/products/{line_id}",          "a new CREATED order, another buyer's line",   {401, 403, 403, 404, 404, 404, 403}},
    // the delivery service's webhooks: authenticated by their signature, whatever the bearer
    {"POST",   "/webhooks/delivery",                      "a signed event",                              {200, 200, 200, 200, 200, 200, 200}},
    {"POST",   "/webhooks/delivery",                      "an unsigned event",                           {401, 401, 401, 401, 401, 401, 401}},
    // scheduler
    {"GET",    "/admin/jobs",                             "",                                            {401, 200, 403, 403, 403, 403, 403}},
    {"GET",    "/admin/jobs/{id}",                        "a job",                                       {401, 200, 403, 403, 403, 403, 403}},
    {"POST",   "/admin/jobs/{id}/retry",                  "a dead job",                                  {401, 200, 403, 403, 403, 403, 403}},
};
// clang-format on

/// The signed (or not) delivery.status_changed event of an order no one has, under a new webhook-id.
Call deliveryEvent(bool signedWithTheSecret)
{
    const std::string id = "evt_" + unique("matrix");
    const std::string body = R"({"id":")" + id + R"(","type":"delivery.status_changed","created_at":"2024-01-01 00:00:00",)"
                             R"("data":{"tracking_number":"MATRIX000001","foreign_order_id":987654321,"status":"IN_ORIGIN",)"
                             R"("previous_status":"READY_FOR_PICK_UP","sequence":2}})";
    Call call{{}, "", body, {}, {}};
    if (signedWithTheSecret) {
        const std::int64_t now = Poco::Timestamp().epochTime();
        call.headers = {{"webhook-id", id},
                        {"webhook-timestamp", std::to_string(now)},
                        {"webhook-signature", mercato::sdk::webhook::sign(kDeliveryWebhookSecret, id, now, body)}};
    }
    return call;
}

// ---- delivery ------------------------------------------------------------------------------------

constexpr std::size_t kDeliveryColumns = 4;

// Columns: anonymous, DELIVERY_ADMIN, the DELIVERY_CLIENT that owns the delivery and the webhook,
// another DELIVERY_CLIENT. "Anything of another client is 404 for every verb" (plugin README);
// creating deliveries and webhooks is for clients only, the admin gets 403 there.
// clang-format off
const std::vector<Row<kDeliveryColumns>> kDeliveryRows = {
    //  method    pattern                                  scene                                          anon admin owner other
    //                                                                                                              client client
    // host
    {"GET",    "/health",                                 "",                                            {200, 200, 200, 200}},
    {"GET",    "/ready",                                  "",                                            {200, 200, 200, 200}},
    {"GET",    "/metrics",                                "",                                            {200, 200, 200, 200}},
    {"GET",    "/openapi.json",                           "",                                            {200, 200, 200, 200}},
    {"GET",    "/plugins",                                "",                                            {401, 200, 403, 403}},
    // accounts (no public sign-up)
    {"POST",   "/signin",                                 "the mock user's password",                    {200, 200, 200, 200}},
    {"GET",    "/me",                                     "",                                            {401, 200, 200, 200}},
    {"GET",    "/users",                                  "",                                            {401, 200, 403, 403}},
    {"POST",   "/users",                                  "a new user",                                  {401, 201, 403, 403}},
    {"GET",    "/users/{id}",                             "the caller itself",                           {401, 200, 200, 200}},
    {"PUT",    "/users/{id}",                             "the caller itself, a new name",               {401, 200, 200, 200}},
    {"PUT",    "/users/{id}",                             "the caller itself, its own role",             {401, 200, 403, 403}},
    {"DELETE", "/users/{id}",                             "a new user of the caller's role, itself",     {401, 200, 200, 200}},
    {"GET",    "/users/{id}",                             "another user",                                {401, 200, 404, 404}},
    {"PUT",    "/users/{id}",                             "another user, a new name",                    {401, 200, 404, 404}},
    {"DELETE", "/users/{id}",                             "a new other user",                            {401, 200, 404, 404}},
    // deliveries
    {"POST",   "/deliveries",                             "a new delivery",                              {401, 403, 201, 201}},
    {"GET",    "/deliveries",                             "",                                            {401, 200, 200, 200}},
    {"GET",    "/deliveries/{tracking_number}",           "the client's delivery",                       {401, 200, 200, 404}},
    {"PUT",    "/deliveries/{tracking_number}",           "a new delivery of the client, a new origin",  {401, 200, 200, 404}},
    {"DELETE", "/deliveries/{tracking_number}",           "a new delivery of the client",                {401, 200, 200, 404}},
    {"GET",    "/deliveries/{tracking_number}/tracking",  "the client's delivery",                       {401, 200, 200, 404}},
    {"GET",    "/deliveries-history",                     "the client's delivery, in the query",         {401, 200, 200, 404}},
    {"GET",    "/track/{tracking_number}",                "the client's delivery",                       {200, 200, 200, 200}},
    {"POST",   "/admin/tick",                             "",                                            {401, 200, 403, 403}},
    // webhooks
    {"POST",   "/webhooks",                               "a new webhook",                               {401, 403, 201, 201}},
    {"GET",    "/webhooks",                               "",                                            {401, 200, 200, 200}},
    {"GET",    "/webhooks/{id}",                          "the client's webhook",                        {401, 200, 200, 404}},
    {"DELETE", "/webhooks/{id}",                          "a new webhook of the client",                 {401, 200, 200, 404}},
    {"GET",    "/webhooks/{id}/deliveries",               "the client's webhook",                        {401, 200, 200, 404}},
    // scheduler
    {"GET",    "/admin/jobs",                             "",                                            {401, 200, 403, 403}},
    {"GET",    "/admin/jobs/{id}",                        "a job",                                       {401, 200, 403, 403}},
    {"POST",   "/admin/jobs/{id}/retry",                  "a dead job",                                  {401, 200, 403, 403}},
};
// clang-format on

/// A delivery of `token`'s client (POST /deliveries, 201); returns its tracking number.
std::string newDelivery(const HttpTestClient& http, const std::string& token, std::int64_t foreignOrderId)
{
    HttpReply r = http.post("/deliveries", deliveryBody(foreignOrderId, "Kettle"), token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return dataOf(r)->getValue<std::string>("tracking_number");
}

/// A webhook subscription of `token`'s client to `url` (POST /webhooks, 201); returns its id.
std::int64_t newWebhook(const HttpTestClient& http, const std::string& token, const std::string& url)
{
    HttpReply r = http.post("/webhooks", jsonOf({{"url", url}}), token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 201, r.status);
    return idOf(r);
}

std::int64_t nextForeignOrderId()
{
    static std::atomic<std::int64_t> n{700000};
    return ++n;
}

} // namespace

class AuthorizationMatrixAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AuthorizationMatrixAcceptanceTest);
    CPPUNIT_TEST(everyEcommerceRouteForEveryRole);
    CPPUNIT_TEST(everyDeliveryRouteForEveryRole);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { _services = std::make_unique<TwoServices>(); }
    void tearDown() override { _services.reset(); }

    void everyEcommerceRouteForEveryRole()
    {
        // The delivery host does not tick by itself (dispatched orders stay as the scenes left them).
        _services->startDelivery({{"delivery.tick.interval", "3600"}});
        EcommerceService& shop = _services->startEcommerce();
        DeliveryService& carrier = _services->delivery();
        const HttpTestClient& http = shop.http();

        const Account otherSeller = newAccount(http, shop.admin(), "SELLER");
        const std::string otherBuyer = signupBuyer(shop, unique("buyer") + "@example.com");
        const std::array<Column, kEcommerceColumns> columns{
            Column{"anonymous", "", "", 0},
            column(http, "MARKETPLACE_ADMIN", "MARKETPLACE_ADMIN", shop.admin()),
            column(http, "SELLER of the store", "SELLER", shop.seller()),
            Column{"SELLER of another store", "SELLER", otherSeller.token, otherSeller.id},
            column(http, "MARKETPLACE_USER owning the order", "MARKETPLACE_USER", shop.buyer()),
            column(http, "another MARKETPLACE_USER", "MARKETPLACE_USER", otherBuyer),
            column(http, "DELIVERY_SERVICE", "DELIVERY_SERVICE", shop.deliveryService()),
        };
        const std::int64_t sellerId = columns[2].userId;

        // The store of the seller, its product, the buyer's order with a line of it; the other
        // seller runs a store of their own.
        Market m;
        m.storeA = createStore(shop, "Lamps", {sellerId}, "7 Harbour Rd");
        m.productA = createProduct(shop, shop.seller(), m.storeA, "Lamp", 1000000);
        createStore(shop, "Rugs", {otherSeller.id}, "8 Mill Lane");
        const std::int64_t theOrder = orderIn(shop, m, "CREATED");
        const std::int64_t bystander = newAccount(http, shop.admin(), "MARKETPLACE_USER").id;

        // A dead job: the delivery service already holds a delivery of this order's shipment with
        // other content, so the dispatched order's delivery request is a 409 and its job dead at once.
        const std::int64_t doomed = orderIn(shop, m, "CONFIRMED");
        const std::int64_t doomedShipment =
            dataOf(http.get("/orders/" + str(doomed), shop.admin()))->getArray("shipments")->getObject(0)->getValue<std::int64_t>("id");
        HttpReply clash = carrier.http().post("/deliveries", deliveryBody(doomed, "Something else", doomedShipment), carrier.client());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(clash.body, 201, clash.status);
        HttpReply dispatched = http.put("/orders/" + str(doomed), statusBody("DISPATCHED"), shop.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dispatched.body, 200, dispatched.status);
        const std::int64_t deadJob = firstJob(http, shop.admin(), "state=dead&type=ecommerce.order.dispatched");
        CPPUNIT_ASSERT_MESSAGE("no dead dispatch job" + _services->logs(), deadJob > 0);
        const std::int64_t anyJob = firstJob(http, shop.admin(), "limit=1");

        Scenes scenes = commonScenes(http, shop.admin(), bystander, "SELLER", "user@example.com", anyJob, deadJob);
        const auto id = [](std::int64_t n) { return std::map<std::string, std::string>{{"id", str(n)}}; };
        const EcommerceService* s = &shop;
        scenes["a new buyer's sign-up"] = [](const Column&) {
            return Call{{}, "", jsonOf({{"name", "New Buyer"}, {"username", unique("signup") + "@example.com"}, {"password", "password-1"},
                                          {"shipping_address", "2 Home Lane"}}),
                        {}, {}};
        };
        const std::string newStoreBody = R"({"name":"New store","description":"d","warehouse_address":"1 Dock","users_ids":[)" + str(sellerId) + "]}";
        scenes["a new store's fields"] = [newStoreBody](const Column&) { return Call{{}, "", newStoreBody, {}, {}}; };
        scenes["a new store of the seller"] = [s, sellerId, id](const Column&) { return Call{id(createStore(*s, "Fresh store", {sellerId})), "", "", {}, {}}; };
        scenes["the store"] = [id, m](const Column&) { return Call{id(m.storeA), "", "", {}, {}}; };
        scenes["the store, a new description"] = [id, m](const Column&) {
            return Call{id(m.storeA), "", jsonOf({{"description", "Changed"}}), {}, {}};
        };
        scenes["the store, its users_ids"] = [id, m, sellerId](const Column&) {
            return Call{id(m.storeA), "", R"({"users_ids":[)" + str(sellerId) + "]}", {}, {}};
        };
        scenes["the product"] = [id, m](const Column&) { return Call{id(m.productA), "", "", {}, {}}; };
        scenes["the product, a new description"] = [id, m](const Column&) {
            return Call{id(m.productA), "", jsonOf({{"short_description", "Changed"}}), {}, {}};
        };
        scenes["a new product's fields"] = [m](const Column&) {
            return Call{{}, "", R"({"name":"Lamp 2","short_description":"sd","quantity":3,"store_id":)" + str(m.storeA) + "}", {}, {}};
        };
        scenes["a new product in the store"] = [s, id, m](const Column&) {
            return Call{id(createProduct(*s, s->seller(), m.storeA, "Fresh lamp", 5)), "", "", {}, {}};
        };
        scenes["one unit of the product"] = [m](const Column&) { return Call{{}, "", orderBody({{m.productA, 1}}), {}, {}}; };
        scenes["the order"] = [id, theOrder](const Column&) { return Call{id(theOrder), "", "", {}, {}}; };
        const auto orderTo = [s, id, m](const std::string& from, const std::string& to) {
            return [s, id, m, from, to](const Column&) { return Call{id(orderIn(*s, m, from)), "", statusBody(to), {}, {}}; };
        };
        scenes["a new CREATED order, to CONFIRMED"] = orderTo("CREATED", "CONFIRMED");
        scenes["a new CONFIRMED order, to DISPATCHED"] = orderTo("CONFIRMED", "DISPATCHED");
        scenes["a new DISPATCHED order, to DELIVERED"] = orderTo("DISPATCHED", "DELIVERED");
        scenes["a new CREATED order, to CANCELLED"] = orderTo("CREATED", "CANCELLED");
        // The only shipment of a new order in `from`, moved to `to`.
        const auto shipmentTo = [s, m](const std::string& from, const std::string& to) {
            return [s, m, from, to](const Column&) {
                const std::int64_t order = orderIn(*s, m, from);
                HttpReply read = s->http().get("/orders/" + str(order), s->admin());
                const std::int64_t shipment = dataOf(read)->getArray("shipments")->getObject(0)->getValue<std::int64_t>("id");
                return Call{{{"id", str(order)}, {"sid", str(shipment)}}, "", statusBody(to), {}, {}};
            };
        };
        scenes["a new CREATED order's shipment, to CONFIRMED"] = shipmentTo("CREATED", "CONFIRMED");
        scenes["a new CREATED order's shipment, to CANCELLED"] = shipmentTo("CREATED", "CANCELLED");
        scenes["a new DISPATCHED order's shipment, to DELIVERED"] = shipmentTo("DISPATCHED", "DELIVERED");
        scenes["a new CREATED order"] = [s, id, m](const Column&) { return Call{id(orderIn(*s, m, "CREATED")), "", "", {}, {}}; };
        scenes["a new CREATED order, one more unit"] = [s, id, m](const Column&) {
            return Call{id(orderIn(*s, m, "CREATED")), "", lineBody(m.productA, 1), {}, {}};
        };
        // A new order of `buyer` with one unit of the product: its id and its line's id.
        const auto orderWithLine = [s, m](const std::string& buyer) {
            HttpReply created = s->http().post("/orders", orderBody({{m.productA, 1}}), buyer);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
            return std::make_pair(idOf(created), dataOf(created)->getArray("products")->getObject(0)->getValue<std::int64_t>("id"));
        };
        scenes["a new CREATED order's line"] = [s, orderWithLine](const Column&) {
            const auto [order, line] = orderWithLine(s->buyer());
            return Call{{{"id", str(order)}, {"line_id", str(line)}}, "", "", {}, {}};
        };
        // The buyer's own order in the path, the line of another buyer's order: still a 404.
        scenes["a new CREATED order, another buyer's line"] = [s, orderWithLine, otherBuyer](const Column&) {
            const std::int64_t order = orderWithLine(s->buyer()).first;
            return Call{{{"id", str(order)}, {"line_id", str(orderWithLine(otherBuyer).second)}}, "", "", {}, {}};
        };
        scenes["a signed event"] = [](const Column&) { return deliveryEvent(true); };
        scenes["an unsigned event"] = [](const Column&) { return deliveryEvent(false); };

        const auto problems = runMatrix("ecommerce", http, columns, kEcommerceRows, scenes);
        CPPUNIT_ASSERT_MESSAGE(report(problems), problems.empty());
    }

    void everyDeliveryRouteForEveryRole()
    {
        // Webhook sends to a closed port fail and are dead at the first retry: a dead job to re-queue.
        DeliveryService& carrier = _services->startDelivery({{"delivery.tick.interval", "3600"}, {"delivery.webhooks.giveUpAfter", "1"}});
        const HttpTestClient& http = carrier.http();
        const std::string closedUrl = "http://127.0.0.1:" + std::to_string(freePort()) + "/hook";

        const std::string otherClient = carrier.createClient(unique("client") + "@example.com");
        const std::array<Column, kDeliveryColumns> columns{
            Column{"anonymous", "", "", 0},
            column(http, "DELIVERY_ADMIN", "DELIVERY_ADMIN", carrier.admin()),
            column(http, "DELIVERY_CLIENT owning the delivery", "DELIVERY_CLIENT", carrier.client()),
            column(http, "another DELIVERY_CLIENT", "DELIVERY_CLIENT", otherClient),
        };

        const std::int64_t theOrderId = nextForeignOrderId();
        const std::string theDelivery = newDelivery(http, carrier.client(), theOrderId);
        const std::int64_t theWebhook = newWebhook(http, carrier.client(), closedUrl);
        const std::int64_t bystander = newAccount(http, carrier.admin(), "DELIVERY_CLIENT").id;

        // The other client's subscription to the closed port gets the creation event of its delivery.
        newWebhook(http, otherClient, closedUrl);
        newDelivery(http, otherClient, nextForeignOrderId());
        const std::int64_t deadJob = firstJob(http, carrier.admin(), "state=dead&type=delivery.webhook");
        CPPUNIT_ASSERT_MESSAGE("no dead webhook job" + _services->logs(), deadJob > 0);
        const std::int64_t anyJob = firstJob(http, carrier.admin(), "limit=1");

        Scenes scenes = commonScenes(http, carrier.admin(), bystander, "DELIVERY_CLIENT", "delivery@example.com", anyJob, deadJob);
        const DeliveryService* d = &carrier;
        const auto tn = [](const std::string& n) { return std::map<std::string, std::string>{{"tracking_number", n}}; };
        scenes["a new delivery"] = [](const Column&) { return Call{{}, "", deliveryBody(nextForeignOrderId(), "Kettle"), {}, {}}; };
        scenes["the client's delivery"] = [tn, theDelivery](const Column&) { return Call{tn(theDelivery), "", "", {}, {}}; };
        scenes["a new delivery of the client"] = [d, tn](const Column&) {
            return Call{tn(newDelivery(d->http(), d->client(), nextForeignOrderId())), "", "", {}, {}};
        };
        scenes["a new delivery of the client, a new origin"] = [d, tn](const Column&) {
            return Call{tn(newDelivery(d->http(), d->client(), nextForeignOrderId())), "", R"({"origin":{"address":"9 New Road"}})", {}, {}};
        };
        scenes["the client's delivery, in the query"] = [theDelivery, theOrderId](const Column&) {
            return Call{{}, "tracking_number=" + theDelivery + "&foreing_order_id=" + str(theOrderId), "", {}, {}};
        };
        scenes["a new webhook"] = [closedUrl](const Column&) { return Call{{}, "", jsonOf({{"url", closedUrl}}), {}, {}}; };
        scenes["the client's webhook"] = [theWebhook](const Column&) { return Call{{{"id", str(theWebhook)}}, "", "", {}, {}}; };
        scenes["a new webhook of the client"] = [d, closedUrl](const Column&) {
            return Call{{{"id", str(newWebhook(d->http(), d->client(), closedUrl))}}, "", "", {}, {}};
        };

        const auto problems = runMatrix("delivery", http, columns, kDeliveryRows, scenes);
        CPPUNIT_ASSERT_MESSAGE(report(problems), problems.empty());
    }

private:
    std::unique_ptr<TwoServices> _services;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AuthorizationMatrixAcceptanceTest, "acceptance");
