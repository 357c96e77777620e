#pragma once
#include "Export.h"
#include "Json.h"
#include "Pagination.h"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mercato::sdk {

/// What a handler returns. The host renders the API.md success envelope
/// `{"code":"success","message":...,"data":...[,"meta":...]}` unless the response is raw.
class MERCATO_SDK_API Response {
public:
    /// 200 with `data`.
    static Response ok(Poco::Dynamic::Var data, std::string message = "OK");
    /// 201 with `data`.
    static Response created(Poco::Dynamic::Var data, std::string message = "Created");
    /// 200 with a list and `meta: {limit, offset, total}`.
    static Response list(JsonArray items, const Page& page, std::int64_t total, std::string message = "OK");
    /// Any status and content type, body sent as is (Prometheus text, HTML, a bare JSON document).
    static Response raw(int status, std::string contentType, std::string body);

    Response& withStatus(int status);
    Response& withHeader(std::string name, std::string value);

    int status() const { return _status; }
    bool isRaw() const { return _raw; }
    const std::string& message() const { return _message; }
    const Poco::Dynamic::Var& data() const { return _data; }
    const JsonObject& meta() const { return _meta; }
    const std::string& contentType() const { return _contentType; }
    const std::string& body() const { return _body; }
    const std::vector<std::pair<std::string, std::string>>& headers() const { return _headers; }

private:
    int _status = 200;
    bool _raw = false;
    std::string _message;
    Poco::Dynamic::Var _data;
    JsonObject _meta;
    std::string _contentType;
    std::string _body;
    std::vector<std::pair<std::string, std::string>> _headers;
};

} // namespace mercato::sdk
