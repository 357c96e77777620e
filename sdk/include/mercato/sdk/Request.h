#pragma once
#include "Export.h"
#include "Json.h"
#include "Principal.h"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

/// A request as a handler sees it. The host has already authenticated the caller, checked the
/// route's access rule, checked the content type and size, and parsed (and, when the route declares
/// a body schema, validated) the JSON body.
class MERCATO_SDK_API Request {
public:
    virtual ~Request();

    virtual const std::string& method() const = 0;
    /// The path without the query string, e.g. "/orders/7".
    virtual const std::string& path() const = 0;
    /// The request id also sent back as `X-Request-Id`.
    virtual const std::string& requestId() const = 0;
    /// A `{name}` parameter of the route pattern.
    virtual std::optional<std::string> param(const std::string& name) const = 0;
    /// A query-string parameter (first occurrence), URL-decoded.
    virtual std::optional<std::string> query(const std::string& name) const = 0;
    /// A request header (case-insensitive name).
    virtual std::optional<std::string> header(const std::string& name) const = 0;
    /// The raw body bytes (empty when there was none).
    virtual const std::string& rawBody() const = 0;
    /// The parsed JSON body; empty Var when the request had no body. When the route declares a
    /// schema this is the validated, normalized object.
    virtual const Poco::Dynamic::Var& json() const = 0;
    /// The authenticated caller, or nullptr on a public route called without a token.
    virtual const Principal* principal() const = 0;

    /// The `{name}` path parameter as a positive 64-bit id; NotFound when it is not one (API.md §1).
    std::int64_t idParam(const std::string& name) const;
    /// True when the request carried a body that is not only white space — also JSON `null`,
    /// which json() gives as an empty Var like no body at all.
    bool hasBody() const;
    /// The JSON body as an object. BadRequest `empty_body` when there was no body, `incorrect_type`
    /// for any other JSON value (`null` included).
    JsonObject body() const;
    /// The JSON body as an object, or an empty object when there was no body.
    JsonObject bodyOrEmpty() const;
    /// The caller; Unauthorized when the request is anonymous.
    const Principal& user() const;
    /// True when the caller has this role.
    bool hasRole(const std::string& role) const;
    /// The media type of `offered` (e.g. {"application/json", "text/html"}) that the `Accept` header
    /// prefers: the highest q-value, the most specific matching range deciding a type's q, the
    /// earlier offer on a tie. Without an Accept header, or when it accepts none, the first offer.
    std::string preferredType(const std::vector<std::string>& offered) const;
    /// The address of the peer of the connection, without the port (e.g. "127.0.0.1", "::1"),
    /// SDK 1.2. Behind a reverse proxy this is the proxy: the host does not trust
    /// `X-Forwarded-For`.
    virtual std::string clientAddress() const = 0;
};

} // namespace mercato::sdk
