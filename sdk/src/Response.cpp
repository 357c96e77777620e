#include "mercato/sdk/Response.h"

namespace mercato::sdk {

Response Response::ok(Poco::Dynamic::Var data, std::string message)
{
    Response r;
    r._data = std::move(data);
    r._message = std::move(message);
    return r;
}

Response Response::created(Poco::Dynamic::Var data, std::string message)
{
    Response r = ok(std::move(data), std::move(message));
    r._status = 201;
    return r;
}

Response Response::list(JsonArray items, const Page& page, std::int64_t total, std::string message)
{
    Response r = ok(std::move(items), std::move(message));
    r._meta = makeObject();
    r._meta->set("limit", page.limit);
    r._meta->set("offset", page.offset);
    r._meta->set("total", total);
    return r;
}

Response Response::raw(int status, std::string contentType, std::string body)
{
    Response r;
    r._status = status;
    r._raw = true;
    r._contentType = std::move(contentType);
    r._body = std::move(body);
    return r;
}

Response& Response::withStatus(int status)
{
    _status = status;
    return *this;
}

Response& Response::withHeader(std::string name, std::string value)
{
    _headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

} // namespace mercato::sdk
