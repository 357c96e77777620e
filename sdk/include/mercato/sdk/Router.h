#pragma once
#include "Export.h"
#include "Request.h"
#include "Response.h"
#include "Validator.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mercato::sdk {

enum class Method { Get, Post, Put, Patch, Delete };

/// "GET", "POST", ...
MERCATO_SDK_API const char* methodName(Method method);

/// Who may call a route. The host checks it before the body is parsed or validated:
/// no or bad token → 401, a role outside the list → 403.
class MERCATO_SDK_API Access {
public:
    /// No token needed. A valid token still identifies the caller; an invalid one is ignored, so a
    /// stale token never breaks a public endpoint such as /health or /signin.
    static Access anyone();
    /// Any authenticated user.
    static Access authenticated();
    /// Authenticated users with one of these roles.
    static Access roles(std::vector<std::string> roles);
    /// Authenticated users with the service's administrator role (see UserDirectory::adminRole).
    static Access admin();

    bool isPublic() const { return _public; }
    bool isAdminOnly() const { return _admin; }
    const std::vector<std::string>& allowedRoles() const { return _roles; }

private:
    bool _public = false;
    bool _admin = false;
    std::vector<std::string> _roles; ///< empty: any authenticated role
};

using Handler = std::function<Response(const Request&)>;

/// The handler `fn(target, request)`: a route table names its handlers as functions of what they
/// work on (a service of the plugin) instead of spelling each out as a lambda. `target` must outlive
/// the route (a plugin's member, kept until stop()). Since SDK 1.4.
template <class Target>
Handler bind(Target& target, Response (*fn)(Target&, const Request&))
{
    return [&target, fn](const Request& rq) { return fn(target, rq); };
}

/// The same with a target the handler shares ownership of (what a route table builds for its
/// handlers, e.g. settings read at registration). Since SDK 1.4.
template <class Target>
Handler bind(std::shared_ptr<Target> target, Response (*fn)(Target&, const Request&))
{
    return [target = std::move(target), fn](const Request& rq) { return fn(*target, rq); };
}

/// One route: method, pattern with `{name}` parameters, access rule, handler, and what the host
/// needs to validate and document it.
struct MERCATO_SDK_API Route {
    Route(Method method, std::string pattern, Access access, Handler handler);

    /// The JSON body schema; the host validates the body against it before calling the handler.
    Route& withBody(Schema schema, bool bodyRequired = true);
    Route& withSummary(std::string summary);
    /// Documents a query parameter in /openapi.json.
    Route& withQuery(std::string name, std::string description);
    /// Honours the `Idempotency-Key` header (API.md §1): the host stores the first response per
    /// caller and key for 24 h and replays it for a repeat of the same request (method, path and
    /// body); the same key with another request is 409, and so is a repeat while the first runs.
    /// Responses with a 5xx status are not stored, so the client may retry.
    Route& idempotent();

    Method method;
    std::string pattern;
    Access access;
    Handler handler;
    std::shared_ptr<const Schema> body;
    bool bodyRequired = false;
    std::string summary;
    std::vector<std::pair<std::string, std::string>> queryDocs;
    bool idempotencyKey = false;
    std::string owner; ///< filled in by the host: the plugin that registered the route
};

/// The route table a plugin fills in `start()`.
class MERCATO_SDK_API Router {
public:
    virtual ~Router();
    /// Registers a route. Throws std::invalid_argument for a malformed pattern or a route that is
    /// already registered with the same method and pattern.
    virtual void add(Route route) = 0;

    void get(std::string pattern, Access access, Handler handler);
    void post(std::string pattern, Access access, Handler handler);
    void put(std::string pattern, Access access, Handler handler);
    void del(std::string pattern, Access access, Handler handler);
};

} // namespace mercato::sdk
