#include "mercato/sdk/Router.h"

namespace mercato::sdk {

const char* methodName(Method method)
{
    switch (method) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
    }
    return "GET";
}

Access Access::anyone()
{
    Access a;
    a._public = true;
    return a;
}

Access Access::authenticated() { return Access(); }

Access Access::roles(std::vector<std::string> roles)
{
    Access a;
    a._roles = std::move(roles);
    return a;
}

Access Access::admin()
{
    Access a;
    a._admin = true;
    return a;
}

Route::Route(Method m, std::string p, Access a, Handler h)
    : method(m), pattern(std::move(p)), access(std::move(a)), handler(std::move(h))
{
}

Route& Route::idempotent()
{
    idempotencyKey = true;
    return *this;
}

Route& Route::withBody(Schema schema, bool required)
{
    body = std::make_shared<const Schema>(std::move(schema));
    bodyRequired = required;
    return *this;
}

Route& Route::withSummary(std::string text)
{
    summary = std::move(text);
    return *this;
}

Route& Route::withQuery(std::string name, std::string description)
{
    queryDocs.emplace_back(std::move(name), std::move(description));
    return *this;
}

void Router::get(std::string pattern, Access access, Handler handler)
{
    add(Route(Method::Get, std::move(pattern), std::move(access), std::move(handler)));
}

void Router::post(std::string pattern, Access access, Handler handler)
{
    add(Route(Method::Post, std::move(pattern), std::move(access), std::move(handler)));
}

void Router::put(std::string pattern, Access access, Handler handler)
{
    add(Route(Method::Put, std::move(pattern), std::move(access), std::move(handler)));
}

void Router::del(std::string pattern, Access access, Handler handler)
{
    add(Route(Method::Delete, std::move(pattern), std::move(access), std::move(handler)));
}

} // namespace mercato::sdk
