#include "mercato/sdk/ApiError.h"

#include <Poco/Exception.h>

namespace mercato::sdk {

ApiError::ApiError(int status, std::string message, std::vector<FieldError> errors)
    : std::runtime_error(std::move(message)), _status(status), _errors(std::move(errors))
{
}

ApiError::~ApiError() = default;

ApiError& ApiError::withHeader(const std::string& name, const std::string& value)
{
    _headers[name] = value;
    return *this;
}

BadRequest::BadRequest(std::string message, std::vector<FieldError> errors)
    : ApiError(400, std::move(message), std::move(errors))
{
}

BadRequest::BadRequest(const std::string& field, const std::string& code, const std::string& message)
    : ApiError(400, "Invalid input", {FieldError{field, code, message}})
{
}

BadRequest::~BadRequest() = default;

Unauthorized::Unauthorized(std::string message) : ApiError(401, std::move(message))
{
    withHeader("WWW-Authenticate", "Bearer");
}

Unauthorized::~Unauthorized() = default;

Forbidden::Forbidden(std::string message) : ApiError(403, std::move(message)) {}
Forbidden::~Forbidden() = default;

NotFound::NotFound(std::string message) : ApiError(404, std::move(message)) {}
NotFound::~NotFound() = default;

Conflict::Conflict(std::string message, std::vector<FieldError> errors)
    : ApiError(409, std::move(message), std::move(errors))
{
}
Conflict::~Conflict() = default;

ServiceUnavailable::ServiceUnavailable(std::string message) : ApiError(503, std::move(message)) {}
ServiceUnavailable::~ServiceUnavailable() = default;

std::string errorText(const std::exception& e)
{
    if (auto poco = dynamic_cast<const Poco::Exception*>(&e))
        return poco->displayText();
    return e.what();
}

} // namespace mercato::sdk
