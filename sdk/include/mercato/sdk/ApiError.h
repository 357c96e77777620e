#pragma once
#include "Export.h"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::sdk {

/// One entry of the `errors[]` array of a failure envelope (API.md §1).
struct FieldError {
    std::string field;   ///< dotted path of the offending input, e.g. "products.0.quantity"
    std::string code;    ///< required, unknown, incorrect_type, empty, too_long, out_of_range, ...
    std::string message; ///< human text
};

/// An error that the host renders as `{"code":"fail","message":...,"errors":[...]}` with the given
/// HTTP status. Throw it (or one of the subclasses below) from a handler or a service; the host's
/// single catch site renders it. Anything else escaping a handler is a 500.
class MERCATO_SDK_API ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string message, std::vector<FieldError> errors = {});
    ~ApiError() override;

    int status() const noexcept { return _status; }
    const std::vector<FieldError>& errors() const noexcept { return _errors; }
    /// Extra response headers (e.g. `Allow` for 405, `WWW-Authenticate` for 401).
    const std::map<std::string, std::string>& headers() const noexcept { return _headers; }
    ApiError& withHeader(const std::string& name, const std::string& value);

private:
    int _status;
    std::vector<FieldError> _errors;
    std::map<std::string, std::string> _headers;
};

/// 400. Field errors are sorted by field path when rendered.
class MERCATO_SDK_API BadRequest : public ApiError {
public:
    explicit BadRequest(std::string message, std::vector<FieldError> errors = {});
    /// Shorthand for one field error.
    BadRequest(const std::string& field, const std::string& code, const std::string& message);
    ~BadRequest() override;
};

/// 401 with `WWW-Authenticate: Bearer`.
class MERCATO_SDK_API Unauthorized : public ApiError {
public:
    explicit Unauthorized(std::string message = "Authentication required");
    ~Unauthorized() override;
};

/// 403: authenticated, but this role may not do this.
class MERCATO_SDK_API Forbidden : public ApiError {
public:
    explicit Forbidden(std::string message = "You are not allowed to do this");
    ~Forbidden() override;
};

/// 404, also for objects that exist but the caller may not see.
class MERCATO_SDK_API NotFound : public ApiError {
public:
    explicit NotFound(std::string message = "Not found");
    ~NotFound() override;
};

/// 409: a state transition that does not exist, not enough stock, a duplicate unique value.
class MERCATO_SDK_API Conflict : public ApiError {
public:
    explicit Conflict(std::string message, std::vector<FieldError> errors = {});
    ~Conflict() override;
};

/// 503: a dependency (database, Redis, another service) is not reachable right now.
class MERCATO_SDK_API ServiceUnavailable : public ApiError {
public:
    explicit ServiceUnavailable(std::string message = "Service unavailable");
    ~ServiceUnavailable() override;
};

/// The text of any exception for a log line or a job's last error: a Poco exception's
/// displayText() (its what() is only the class name, "MySQL"), else what().
MERCATO_SDK_API std::string errorText(const std::exception& e);

} // namespace mercato::sdk
