#pragma once
#include "IdempotencyStore.h"
#include "MetricsRegistry.h"
#include "RouteTable.h"
#include "TokenService.h"

#include "mercato/sdk/UserDirectory.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <memory>
#include <string>

namespace mercato::host {

/// Settings of the request pipeline (the `http.*` section).
struct FrontendSettings {
    std::size_t maxBodyBytes = 1024 * 1024;
    bool accessLog = true;
};

/// The request pipeline every route goes through, in this order: request id → route match
/// (404 / 405 with Allow) → authentication (401) → access rule (403) → body size (413) →
/// content type (415) → JSON parse (400) → schema validation (400) → Idempotency-Key (replay or
/// 409) → handler → envelope.
/// Every failure on the way, and every exception from a handler, is rendered here and only here.
class HttpFrontend final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    HttpFrontend(RouteTable& routes, TokenService& tokens, MetricsRegistry& metrics, FrontendSettings settings);

    /// Set once after the plugins started; null means tokens are trusted as issued.
    void setUserDirectory(std::shared_ptr<sdk::UserDirectory> users) { _users = std::move(users); }
    /// Set once before serving; routes marked idempotent() use it.
    void setIdempotencyStore(IdempotencyStore* store) { _idempotency = store; }

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

    /// Handles one exchange; public so the handler object can call it.
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    RouteTable& _routes;
    TokenService& _tokens;
    MetricsRegistry& _metrics;
    FrontendSettings _settings;
    std::shared_ptr<sdk::UserDirectory> _users;
    IdempotencyStore* _idempotency = nullptr;
    Poco::Logger& _log;
    Poco::Logger& _accessLog;
};

/// A new request id (X-Request-Id): a random per-process prefix and a counter.
std::string makeRequestId();

/// Renders the failure envelope `{"code":"fail","message":...,"errors":[...]}`.
std::string renderFailure(const std::string& message, const std::vector<sdk::FieldError>& errors);

} // namespace mercato::host
