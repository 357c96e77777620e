#include "mercato/sdk/Request.h"

#include "mercato/sdk/ApiError.h"

#include <limits>

namespace mercato::sdk {

std::int64_t Request::idParam(const std::string& name) const
{
    auto text = param(name);
    // Only canonical positive decimals are ids: no sign, no leading zero, no overflow.
    if (!text || text->empty() || text->size() > 19 || (*text)[0] == '0')
        throw NotFound();
    std::uint64_t value = 0;
    for (char c : *text) {
        if (c < '0' || c > '9')
            throw NotFound();
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw NotFound();
    return static_cast<std::int64_t>(value);
}

JsonObject Request::body() const
{
    const Poco::Dynamic::Var& value = json();
    if (value.isEmpty())
        throw BadRequest("Request body is required", {FieldError{"body", "empty_body", "a JSON object body is required"}});
    if (value.type() != typeid(JsonObject))
        throw BadRequest("Invalid input", {FieldError{"body", "incorrect_type", "the body must be a JSON object"}});
    return value.extract<JsonObject>();
}

JsonObject Request::bodyOrEmpty() const
{
    if (json().isEmpty())
        return makeObject();
    return body();
}

const Principal& Request::user() const
{
    const Principal* p = principal();
    if (!p)
        throw Unauthorized();
    return *p;
}

bool Request::hasRole(const std::string& role) const
{
    const Principal* p = principal();
    return p && p->role == role;
}

} // namespace mercato::sdk
