#include "HttpFrontend.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

#include <Poco/Data/DataException.h>
#include <Poco/Exception.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Random.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <istream>
#include <optional>
#include <sstream>

namespace mercato::host {

namespace {

const std::string kJson = "application/json; charset=utf-8";

/// Request ids: a random per-process prefix and a counter — unique, cheap, sortable per process.
std::string newRequestId()
{
    static const std::string prefix = [] {
        Poco::Random rnd;
        rnd.seed();
        char buf[9];
        std::snprintf(buf, sizeof buf, "%08x", rnd.next());
        return std::string(buf);
    }();
    static std::atomic<std::uint64_t> counter{0};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s-%010llx", prefix.c_str(), static_cast<unsigned long long>(++counter));
    return buf;
}

/// A client-sent X-Request-Id is echoed when it is short printable ASCII; otherwise replaced.
bool acceptableRequestId(const std::string& id)
{
    if (id.empty() || id.size() > 128)
        return false;
    for (unsigned char c : id)
        if (c < 0x21 || c > 0x7e)
            return false;
    return true;
}

class FrontendHandler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit FrontendHandler(HttpFrontend& frontend) : _frontend(frontend) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        _frontend.handle(request, response);
    }

private:
    HttpFrontend& _frontend;
};

/// sdk::Request over POCO's request; filled step by step by the pipeline.
class ExchangeRequest final : public sdk::Request {
public:
    ExchangeRequest(const Poco::Net::HTTPServerRequest& rq, std::string path, std::string query, std::string requestId)
        : _rq(rq), _path(std::move(path)), _query(std::move(query)), _requestId(std::move(requestId))
    {
    }

    const std::string& method() const override { return _rq.getMethod(); }
    const std::string& path() const override { return _path; }
    const std::string& requestId() const override { return _requestId; }

    std::optional<std::string> param(const std::string& name) const override
    {
        for (const auto& [k, v] : params)
            if (k == name)
                return v;
        return std::nullopt;
    }

    std::optional<std::string> query(const std::string& name) const override
    {
        if (!_queryParsed) {
            Poco::URI::QueryParameters parsed;
            try {
                Poco::URI uri;
                uri.setRawQuery(_query);
                parsed = uri.getQueryParameters();
            } catch (const Poco::Exception&) {
                throw sdk::BadRequest("query", "invalid_format", "the query string is malformed");
            }
            _queryParams = std::move(parsed);
            _queryParsed = true;
        }
        for (const auto& [k, v] : _queryParams)
            if (k == name)
                return v;
        return std::nullopt;
    }

    std::optional<std::string> header(const std::string& name) const override
    {
        if (!_rq.has(name))
            return std::nullopt;
        return _rq.get(name);
    }

    const std::string& rawBody() const override { return raw; }
    const Poco::Dynamic::Var& json() const override { return parsed; }
    const sdk::Principal* principal() const override { return caller ? &*caller : nullptr; }
    std::string clientAddress() const override { return _rq.clientAddress().host().toString(); }

    std::vector<std::pair<std::string, std::string>> params;
    std::string raw;
    Poco::Dynamic::Var parsed;
    std::optional<sdk::Principal> caller;

private:
    const Poco::Net::HTTPServerRequest& _rq;
    std::string _path;
    std::string _query;
    std::string _requestId;
    mutable bool _queryParsed = false;
    mutable Poco::URI::QueryParameters _queryParams;
};

std::string renderSuccess(const sdk::Response& r)
{
    std::ostringstream out;
    sdk::JsonObject envelope = sdk::makeObject();
    envelope->set("code", "success");
    envelope->set("message", r.message());
    envelope->set("data", r.data());
    if (!r.meta().isNull())
        envelope->set("meta", r.meta());
    envelope->stringify(out);
    return out.str();
}

bool isJsonContentType(const std::string& value)
{
    std::string type = Poco::toLower(Poco::trim(value.substr(0, value.find(';'))));
    return type == "application/json" || (type.rfind("application/", 0) == 0 && type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
}

/// True when the request has a body to read. RFC 7230 §3.3.3: a request with neither
/// Content-Length nor chunked Transfer-Encoding has none. POCO 1.11 would read such a POST until
/// the client closes the connection (e.g. `curl -X POST` without data waited the receive timeout).
bool hasBody(const Poco::Net::HTTPServerRequest& request)
{
    return request.hasContentLength() || request.getChunkedTransferEncoding();
}

/// Reads the body, at most `limit` bytes; false when the body is larger.
bool readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit, std::string& out)
{
    if (!hasBody(request))
        return true;
    std::istream& in = request.stream();
    char buf[8192];
    while (in) {
        in.read(buf, sizeof buf);
        const auto n = static_cast<std::size_t>(in.gcount());
        if (out.size() + n > limit)
            return false;
        out.append(buf, n);
    }
    return true;
}

sdk::ApiError bodyTooLarge(std::size_t limit)
{
    return sdk::ApiError(413, "Request body is larger than " + std::to_string(limit) + " bytes",
                         {{"body", "too_long", "at most " + std::to_string(limit) + " bytes"}});
}

/// Bodies up to this size are read and dropped after an early error response.
constexpr std::size_t kMaxDrainBytes = 16 * 1024 * 1024;

/// Reads and drops the rest of the body; false when it is larger than `limit`.
bool drainBody(Poco::Net::HTTPServerRequest& request, std::size_t limit)
{
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit))
        return false;
    if (!hasBody(request))
        return true;
    std::istream& in = request.stream();
    char buf[8192];
    std::size_t total = 0;
    while (in && total <= limit) {
        in.read(buf, sizeof buf);
        total += static_cast<std::size_t>(in.gcount());
    }
    return total <= limit && !in.bad();
}

} // namespace

std::string makeRequestId()
{
    return newRequestId();
}

std::string renderFailure(const std::string& message, const std::vector<sdk::FieldError>& errors)
{
    sdk::JsonObject envelope = sdk::makeObject();
    envelope->set("code", "fail");
    envelope->set("message", message);
    if (!errors.empty()) {
        std::vector<sdk::FieldError> sorted = errors;
        sdk::sortFieldErrors(sorted);
        sdk::JsonArray list = sdk::makeArray();
        for (const auto& e : sorted) {
            sdk::JsonObject item = sdk::makeObject();
            item->set("field", e.field);
            item->set("code", e.code);
            item->set("message", e.message);
            list->add(item);
        }
        envelope->set("errors", list);
    }
    std::ostringstream out;
    envelope->stringify(out);
    return out.str();
}

HttpFrontend::HttpFrontend(RouteTable& routes, TokenService& tokens, MetricsRegistry& metrics, FrontendSettings settings)
    : _routes(routes), _tokens(tokens), _metrics(metrics), _settings(settings),
      _log(Poco::Logger::get("mercato.http")), _accessLog(Poco::Logger::get("mercato.access"))
{
}

Poco::Net::HTTPRequestHandler* HttpFrontend::createRequestHandler(const Poco::Net::HTTPServerRequest&)
{
    return new FrontendHandler(*this);
}

void HttpFrontend::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
    const auto started = std::chrono::steady_clock::now();
    std::string requestId = request.get("X-Request-Id", "");
    if (!acceptableRequestId(requestId))
        requestId = newRequestId();

    const std::string& uri = request.getURI();
    const auto q = uri.find('?');
    std::string rawPath = uri.substr(0, q);
    std::string path;
    bool malformedPath = false;
    try {
        Poco::URI::decode(rawPath, path);
    } catch (const Poco::Exception&) {
        path = rawPath;
        malformedPath = true;
    }
    ExchangeRequest rq(request, rawPath, q == std::string::npos ? "" : uri.substr(q + 1), requestId);

    int status = 500;
    std::string body;
    std::string contentType = kJson;
    std::vector<std::pair<std::string, std::string>> extraHeaders;
    std::string routeLabel = "unmatched";
    bool bodyConsumed = false;
    std::optional<std::string> claimedKey;

    try {
        if (malformedPath)
            throw sdk::BadRequest("Malformed URL", {{"path", "invalid_format", "the path has a malformed percent-encoding"}});
        RouteMatch match = _routes.match(request.getMethod(), rawPath);
        if (!match.route) {
            if (match.pathKnown) {
                std::string allow = Poco::cat(std::string(", "), match.allowed.begin(), match.allowed.end());
                throw sdk::ApiError(405, "Method " + request.getMethod() + " is not allowed on " + path).withHeader("Allow", allow);
            }
            throw sdk::NotFound("No route for " + request.getMethod() + " " + path);
        }
        const sdk::Route& route = match.route->route;
        routeLabel = route.pattern;
        rq.params = std::move(match.params);

        // Authentication: a token, when sent, must be valid — except on public routes, where an
        // invalid token is ignored rather than breaking e.g. /health or /signin.
        std::string authorization = request.get("Authorization", "");
        if (!authorization.empty()) {
            std::string why;
            std::optional<VerifiedClaims> claims;
            if (authorization.size() > 7 && Poco::icompare(authorization.substr(0, 7), "bearer ") == 0)
                claims = _tokens.verify(Poco::trim(authorization.substr(7)), why);
            else
                why = "not a Bearer credential";
            if (claims) {
                if (_users) {
                    if (auto user = _users->findUser(claims->userId); user && user->tokenVersion != claims->tokenVersion)
                        why = "token version " + std::to_string(claims->tokenVersion) + " of user " + std::to_string(claims->userId)
                              + " was revoked (now " + std::to_string(user->tokenVersion) + ")";
                    else if (user)
                        rq.caller = std::move(*user);
                    else
                        why = "user " + std::to_string(claims->userId) + " no longer exists";
                } else {
                    rq.caller = sdk::Principal{claims->userId, claims->role, "", "", nullptr, claims->tokenVersion};
                }
            }
            if (!rq.caller && !route.access.isPublic()) {
                _log.debug("request %s: token rejected: %s", requestId, why);
                throw sdk::Unauthorized("Invalid or expired token");
            }
        }
        if (!route.access.isPublic()) {
            if (!rq.caller)
                throw sdk::Unauthorized("Authentication required");
            if (route.access.isAdminOnly()) {
                if (!_users || rq.caller->role != _users->adminRole())
                    throw sdk::Forbidden();
            } else if (!route.access.allowedRoles().empty()) {
                const auto& roles = route.access.allowedRoles();
                if (std::find(roles.begin(), roles.end(), rq.caller->role) == roles.end())
                    throw sdk::Forbidden();
            }
        }

        // Body: size, content type, JSON, schema.
        if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(_settings.maxBodyBytes))
            throw bodyTooLarge(_settings.maxBodyBytes);
        if (!readBody(request, _settings.maxBodyBytes, rq.raw))
            throw bodyTooLarge(_settings.maxBodyBytes);
        bodyConsumed = true;
        // A body of JSON `null` parses to an empty Var like no body at all: hasBody tells them apart.
        const bool hasBody = rq.hasBody();
        if (hasBody) {
            if (!request.has("Content-Type") || !isJsonContentType(request.getContentType()))
                throw sdk::ApiError(415, "Request body must be application/json",
                                    {{"Content-Type", "invalid_value", "send the body as application/json"}});
            rq.parsed = sdk::parseJsonStrict(rq.raw); // BadRequest: malformed, out_of_range, duplicate_key, too_deep
        }
        if (route.body) {
            if (!hasBody) {
                if (route.bodyRequired)
                    throw sdk::BadRequest("Request body is required", {{"body", "empty_body", "a JSON object body is required"}});
            } else {
                if (rq.parsed.type() != typeid(sdk::JsonObject))
                    throw sdk::BadRequest("Invalid input", {{"body", "incorrect_type", "the body must be a JSON object"}});
                rq.parsed = route.body->validate(rq.parsed);
            }
        }

        // Idempotency-Key: replay the stored first response, or claim the key for this request.
        bool replayed = false;
        if (route.idempotencyKey && _idempotency && rq.caller && request.has("Idempotency-Key")) {
            const std::string key = request.get("Idempotency-Key");
            IdempotencyStore::checkKey(key);
            const std::string fingerprint = IdempotencyStore::fingerprint(
                request.getMethod(), path, rq.parsed.isEmpty() ? std::string() : sdk::toJson(rq.parsed));
            if (auto stored = _idempotency->claim(rq.caller->id, key, fingerprint)) {
                status = stored->status;
                body = std::move(stored->body);
                extraHeaders.emplace_back("Idempotent-Replayed", "true");
                replayed = true;
            } else {
                claimedKey = key;
            }
        }
        if (!replayed) {
            sdk::Response result = route.handler(rq);
            status = result.status();
            extraHeaders = result.headers();
            if (result.isRaw()) {
                body = result.body();
                contentType = result.contentType();
            } else {
                body = renderSuccess(result);
            }
        }
    } catch (const sdk::ApiError& e) {
        status = e.status();
        body = renderFailure(e.what(), e.errors());
        for (const auto& [k, v] : e.headers())
            extraHeaders.emplace_back(k, v);
    } catch (const Poco::Data::SessionPoolExhaustedException& e) {
        status = 503;
        body = renderFailure("The database is busy; try again", {});
        extraHeaders.emplace_back("Retry-After", "1");
    } catch (const Poco::Exception& e) {
        if (sdk::isTransientConflict(e)) {
            // Nothing was written (the transaction rolled back); the client may simply retry.
            status = 503;
            _log.warning("request %s %s %s: transient database conflict: %s", requestId, request.getMethod(), path, e.displayText());
            body = renderFailure("The database was busy with a conflicting change; try again", {});
            extraHeaders.emplace_back("Retry-After", "1");
        } else if (sdk::isConnectionLost(e)) {
            status = 503;
            _log.warning("request %s %s %s: the database went away: %s", requestId, request.getMethod(), path, e.displayText());
            body = renderFailure("The database is not reachable; try again", {});
            extraHeaders.emplace_back("Retry-After", "1");
        } else {
            status = 500;
            _log.error("request %s %s %s failed: %s", requestId, request.getMethod(), path, e.displayText());
            body = renderFailure("Internal server error (request id " + requestId + ")", {});
        }
    } catch (const std::exception& e) {
        status = 500;
        _log.error("request %s %s %s failed: %s", requestId, request.getMethod(), path, std::string(e.what()));
        body = renderFailure("Internal server error (request id " + requestId + ")", {});
    }

    if (claimedKey) {
        // Store the outcome for repeats; after a server fault let the client retry instead.
        try {
            if (status >= 500)
                _idempotency->release(rq.caller->id, *claimedKey);
            else
                _idempotency->complete(rq.caller->id, *claimedKey, status, body);
        } catch (const std::exception& e) {
            _log.error("request %s: cannot record Idempotency-Key outcome: %s", requestId, std::string(e.what()));
        }
    }

    // A body we did not read would be taken for the next request on a kept-alive connection, and
    // closing on unread bytes resets the connection under a client still sending: read and drop a
    // reasonably sized one, close the connection on anything bigger.
    if (!bodyConsumed && (request.hasContentLength() ? request.getContentLength64() > 0 : request.getChunkedTransferEncoding())) {
        if (!drainBody(request, kMaxDrainBytes))
            response.setKeepAlive(false);
    }

    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType(contentType);
    response.set("X-Request-Id", requestId);
    for (const auto& [k, v] : extraHeaders)
        response.set(k, v);
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    if (request.getMethod() == "HEAD")
        response.send();
    else
        response.sendBuffer(body.data(), body.size());

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    _metrics.observeRequest(request.getMethod(), routeLabel, status, seconds);
    if (_settings.accessLog && _accessLog.information())
        _accessLog.information("%s %s %d %.2fms %s %s", request.getMethod(), path, status, seconds * 1000.0, requestId,
                               request.clientAddress().host().toString());
}

} // namespace mercato::host
