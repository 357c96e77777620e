#include "jobs/DeliveryClient.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

#include <Poco/JWT/Token.h>

namespace mercato::ecommerce {

DeliveryClient::DeliveryClient(DeliveryClientSettings settings, std::function<std::int64_t()> now, sdk::Metrics& metrics)
    : _settings(std::move(settings)),
      _http(sdk::HttpClient::Options{_settings.allowPrivateNetworks, "mercato-ecommerce/1"}),
      _now(std::move(now)),
      _signedIn(metrics.counter("mercato_delivery_signins_total", "Sign-ins to the delivery service", "outcome=\"ok\"")),
      _signInFailed(metrics.counter("mercato_delivery_signins_total", "Sign-ins to the delivery service", "outcome=\"failed\""))
{
    while (!_settings.baseUrl.empty() && _settings.baseUrl.back() == '/')
        _settings.baseUrl.pop_back();
}

std::string DeliveryClient::token(sdk::HttpResult& failure, bool renew)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!renew && !_token.empty() && _now() < _expires - 60)
        return _token;
    sdk::JsonObject credentials = sdk::makeObject();
    credentials->set("username", _settings.username);
    credentials->set("password", _settings.password);
    sdk::HttpRequest request;
    request.method = "POST";
    request.url = _settings.baseUrl + "/signin";
    request.body = sdk::toJson(credentials);
    request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(_settings.timeout);
    sdk::HttpResult result = _http.send(request);
    try {
        if (result.status == 200) {
            std::string token = sdk::parseObject(result.body)->getValue<std::string>("data");
            // The token's own `exp` says when to renew; its signature is the delivery service's business.
            Poco::JWT::Token parsed(token);
            _expires = parsed.getExpiration().epochTime();
            _token = token;
            _signedIn.inc();
            return _token;
        }
    } catch (const std::exception& e) {
        result.error = std::string("unreadable sign-in answer: ") + sdk::errorText(e);
    }
    _token.clear();
    _signInFailed.inc();
    if (result.error.empty())
        result.error = "sign-in as " + _settings.username + " failed with HTTP " + std::to_string(result.status);
    failure = result;
    return "";
}

sdk::HttpResult DeliveryClient::call(const std::string& method, const std::string& path, const std::string& body,
                                     const std::vector<std::pair<std::string, std::string>>& headers)
{
    sdk::HttpResult result;
    for (int round = 0; round < 2; ++round) {
        sdk::HttpResult failure;
        const std::string bearer = token(failure, round > 0);
        if (bearer.empty())
            return failure;
        sdk::HttpRequest request;
        request.method = method;
        request.url = _settings.baseUrl + path;
        request.body = body;
        request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(_settings.timeout);
        request.headers = headers;
        request.headers.emplace_back("Authorization", "Bearer " + bearer);
        result = _http.send(request);
        if (result.status != 401)
            break;
    }
    return result;
}

} // namespace mercato::ecommerce
