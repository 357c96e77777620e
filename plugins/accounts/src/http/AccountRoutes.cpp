#include "http/AccountRoutes.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Pagination.h"
#include "mercato/sdk/Validator.h"

namespace mercato::accounts {

namespace {

using sdk::Access;
using sdk::Method;
using sdk::Response;
using sdk::Route;
using sdk::Schema;

using sdk::fields::address;
using sdk::fields::name;
using sdk::fields::password;
using sdk::fields::username;

/// A password reaches crypt(3) as a C string: an embedded NUL would silently shorten it.
void rejectNul(const std::optional<std::string>& password)
{
    if (password && password->find('\0') != std::string::npos)
        throw sdk::BadRequest("password", "invalid_format", "must not contain NUL characters");
}

sdk::Conflict duplicate(const std::string& username)
{
    return sdk::Conflict("A user with this username already exists",
                         {{"username", "duplicate", "username " + username + " is already registered"}});
}

/// RateLimit-Limit/-Remaining/-Reset of the sign-in rule closest to refusing (none when both are off).
sdk::ApiError withRateHeaders(sdk::ApiError error, const SigninDecision& d)
{
    if (d.limit > 0) {
        error.withHeader("RateLimit-Limit", std::to_string(d.limit));
        error.withHeader("RateLimit-Remaining", std::to_string(d.remaining));
        error.withHeader("RateLimit-Reset", std::to_string(d.resetSeconds));
    }
    return error;
}

sdk::ApiError tooManySignins(const SigninDecision& d)
{
    sdk::ApiError error(429, "Too many sign-in attempts; try again in " + std::to_string(d.retryAfterSeconds) + " s");
    error.withHeader("Retry-After", std::to_string(d.retryAfterSeconds));
    return withRateHeaders(error, d);
}

/// A handler that hashes a password: no hashing slot (HashGate) is 503 with `Retry-After`.
sdk::Handler hashing(sdk::Handler handler)
{
    return [handler = std::move(handler)](const sdk::Request& rq) {
        try {
            return handler(rq);
        } catch (const HashingBusy&) {
            sdk::ServiceUnavailable busy("Too many password checks at once; try again");
            busy.withHeader("Retry-After", "1");
            throw busy;
        }
    };
}

/// Admins may see and change every user; others only themselves — anyone else's id is a 404.
void requireSelfOrAdmin(const sdk::Request& rq, const AccountService& service, std::int64_t id)
{
    const sdk::Principal& me = rq.user();
    if (me.role != service.policy().adminRole && me.id != id)
        throw sdk::NotFound("User not found");
}

// ---- schemas (API.md §1 input rules)

Schema signupSchema(const AccountPolicy& policy)
{
    std::vector<sdk::SchemaField> fields{sdk::required("name", name()), sdk::required("username", username()),
                                         sdk::required("password", password())};
    if (policy.shippingAddress)
        fields.push_back(sdk::required("shipping_address", address()));
    return Schema::object(fields);
}

Schema signinSchema()
{
    return Schema::object({sdk::required("username", Schema::string().maxLength(254)),
                           sdk::required("password", Schema::string().noTrim().maxLength(128))});
}

Schema createUserSchema(const AccountPolicy& policy)
{
    std::vector<sdk::SchemaField> fields{sdk::required("name", name()), sdk::required("username", username()),
                                         sdk::required("password", password()),
                                         sdk::required("role", Schema::string().oneOf(policy.roles))};
    if (policy.shippingAddress)
        fields.push_back(sdk::optional("shipping_address", address()));
    return Schema::object(fields);
}

Schema updateUserSchema(const AccountPolicy& policy)
{
    std::vector<sdk::SchemaField> fields{sdk::optional("name", name()), sdk::optional("password", password()),
                                         sdk::optional("role", Schema::string().oneOf(policy.roles))};
    if (policy.shippingAddress)
        fields.push_back(sdk::optional("shipping_address", address()));
    return Schema::object(fields);
}

// ---- handlers, one per route of the table in addAccountRoutes

/// What the handlers work with, shared by the routes' handlers: the references outlive the router,
/// and `withAddress` is the policy's shippingAddress as it was at registration.
struct Accounts {
    AccountService& service;
    const sdk::TokenIssuer& tokens;
    SigninLimiter& limiter;
    bool withAddress;
};

Response signup(const Accounts& a, const sdk::Request& rq)
{
    sdk::JsonObject body = rq.body();
    auto password = sdk::optionalString(body, "password");
    rejectNul(password);
    try {
        User user = a.service.create(body->getValue<std::string>("name"), body->getValue<std::string>("username"), *password,
                                     a.service.policy().signupRole, sdk::optionalString(body, "shipping_address"));
        return Response::created(a.tokens.issue(principalOf(user)), "Signed up");
    } catch (const DuplicateUsername&) {
        throw duplicate(body->getValue<std::string>("username"));
    }
}

/// Limited before the password is checked, so a refused attempt costs no hash; counted per
/// username whether or not it exists, and per client address.
Response signin(const Accounts& a, const sdk::Request& rq)
{
    sdk::JsonObject body = rq.body();
    std::string username = body->getValue<std::string>("username");
    for (auto& c : username)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string address = rq.clientAddress();
    const SigninDecision decision = a.limiter.check(username, address);
    if (!decision.allowed)
        throw tooManySignins(decision);
    std::optional<User> user = a.service.authenticate(username, body->getValue<std::string>("password"));
    if (!user)
        throw withRateHeaders(sdk::Unauthorized("Invalid username or password"), a.limiter.failed(username, address));
    a.limiter.succeeded(username);
    return Response::ok(a.tokens.issue(principalOf(*user)), "Signed in");
}

Response currentUser(const Accounts& a, const sdk::Request& rq)
{
    const sdk::Principal& me = rq.user();
    if (!me.profile.isNull())
        return Response::ok(me.profile);
    std::optional<User> user = a.service.find(me.id);
    if (!user)
        throw sdk::Unauthorized("Invalid or expired token");
    return Response::ok(userJson(*user, a.withAddress));
}

Response listUsers(const Accounts& a, const sdk::Request& rq)
{
    sdk::Page page = sdk::parsePage(rq);
    auto [users, total] = a.service.list(page.limit, page.offset);
    sdk::JsonArray items = sdk::makeArray();
    for (const auto& u : users)
        items->add(userJson(u, a.withAddress));
    return Response::list(items, page, total);
}

Response createUser(const Accounts& a, const sdk::Request& rq)
{
    sdk::JsonObject body = rq.body();
    auto password = sdk::optionalString(body, "password");
    rejectNul(password);
    try {
        User user = a.service.create(body->getValue<std::string>("name"), body->getValue<std::string>("username"), *password,
                                     body->getValue<std::string>("role"), sdk::optionalString(body, "shipping_address"));
        return Response::created(userJson(user, a.withAddress), "User created");
    } catch (const DuplicateUsername&) {
        throw duplicate(body->getValue<std::string>("username"));
    }
}

Response getUser(const Accounts& a, const sdk::Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    requireSelfOrAdmin(rq, a.service, id);
    std::optional<User> user = a.service.find(id);
    if (!user)
        throw sdk::NotFound("User not found");
    return Response::ok(userJson(*user, a.withAddress));
}

Response updateUser(const Accounts& a, const sdk::Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    requireSelfOrAdmin(rq, a.service, id);
    sdk::JsonObject body = rq.body();
    UserChanges changes;
    changes.name = sdk::optionalString(body, "name");
    changes.password = sdk::optionalString(body, "password");
    changes.shippingAddress = sdk::optionalString(body, "shipping_address");
    changes.role = sdk::optionalString(body, "role");
    rejectNul(changes.password);
    if (changes.role && rq.user().role != a.service.policy().adminRole)
        throw sdk::Forbidden("Only an administrator can change a role");
    std::optional<User> user = a.service.update(id, changes);
    if (!user)
        throw sdk::NotFound("User not found");
    return Response::ok(userJson(*user, a.withAddress), "User updated");
}

Response deleteUser(const Accounts& a, const sdk::Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    requireSelfOrAdmin(rq, a.service, id);
    std::optional<User> user = a.service.find(id);
    if (!user || !a.service.remove(id))
        throw sdk::NotFound("User not found");
    return Response::ok(userJson(*user, a.withAddress), "User deleted");
}

} // namespace

sdk::JsonObject userJson(const User& user, bool withShippingAddress)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", user.id);
    o->set("name", user.name);
    o->set("username", user.username);
    o->set("role", user.role);
    if (withShippingAddress) {
        if (user.shippingAddress)
            o->set("shipping_address", *user.shippingAddress);
        else
            o->set("shipping_address", Poco::Dynamic::Var());
    }
    o->set("created_at", user.createdAt);
    o->set("updated_at", user.updatedAt);
    return o;
}

sdk::Principal principalOf(const User& user, sdk::JsonObject profile)
{
    return sdk::Principal{user.id, user.role, user.username, user.name, std::move(profile), user.tokenVersion};
}

std::optional<sdk::Principal> AccountDirectory::findUser(std::int64_t id)
{
    std::optional<User> user = _service.findForRequest(id);
    if (!user)
        return std::nullopt;
    return principalOf(*user, userJson(*user, _service.policy().shippingAddress));
}

void addAccountRoutes(sdk::Router& router, AccountService& service, const sdk::TokenIssuer& tokens, SigninLimiter& limiter)
{
    const AccountPolicy& policy = service.policy();
    const auto a = std::make_shared<const Accounts>(Accounts{service, tokens, limiter, policy.shippingAddress});

    if (!policy.signupRole.empty())
        router.add(Route(Method::Post, "/signup", Access::anyone(), hashing(sdk::bind(a, signup)))
            .withBody(signupSchema(policy))
            .withSummary("Create an account and get a token"));
    router.add(Route(Method::Post, "/signin", Access::anyone(), hashing(sdk::bind(a, signin)))
        .withBody(signinSchema())
        .withSummary("Exchange username and password for a token"));
    router.add(Route(Method::Get, "/me", Access::authenticated(), sdk::bind(a, currentUser))
        .withSummary("The caller's user"));
    router.add(Route(Method::Get, "/users", Access::admin(), sdk::bind(a, listUsers))
        .withSummary("List users (admin)")
        .withQuery("limit", "page size, 1..500").withQuery("offset", "rows to skip"));
    router.add(Route(Method::Post, "/users", Access::admin(), hashing(sdk::bind(a, createUser)))
        .withBody(createUserSchema(policy))
        .withSummary("Create a user with any role (admin)"));
    router.add(Route(Method::Get, "/users/{id}", Access::authenticated(), sdk::bind(a, getUser))
        .withSummary("A user (admin, or the user themselves)"));
    router.add(Route(Method::Put, "/users/{id}", Access::authenticated(), hashing(sdk::bind(a, updateUser)))
        .withBody(updateUserSchema(policy))
        .withSummary("Change a user (admin, or the user themselves); a new password revokes the user's earlier tokens"));
    router.add(Route(Method::Delete, "/users/{id}", Access::authenticated(), sdk::bind(a, deleteUser))
        .withSummary("Delete a user; their tokens stop working (admin, or the user themselves)"));
}

} // namespace mercato::accounts
