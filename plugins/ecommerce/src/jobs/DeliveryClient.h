#pragma once
// The ecommerce service's client of the delivery service's REST API (API.md §3), as its
// DELIVERY_CLIENT account: signs in once, keeps the token and renews it a minute before it
// expires (or at once when the delivery service answers 401) — never a sign-in per call.
#include "mercato/sdk/HttpClient.h"
#include "mercato/sdk/Metrics.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace mercato::ecommerce {

struct DeliveryClientSettings {
    std::string baseUrl;  ///< e.g. http://127.0.0.1:8001 (no trailing slash needed)
    std::string username; ///< the delivery service's DELIVERY_CLIENT account
    std::string password;
    std::chrono::seconds timeout{10};
    bool allowPrivateNetworks = true; ///< the delivery service usually sits on a private network
};

class DeliveryClient {
public:
    /// `now` gives Unix seconds (token renewal). Sign-ins are counted on /metrics as
    /// `mercato_delivery_signins_total{outcome="ok"|"failed"}`.
    DeliveryClient(DeliveryClientSettings settings, std::function<std::int64_t()> now, sdk::Metrics& metrics);

    /// Sends an authenticated JSON request to `path`; a 401 renews the token and tries once more.
    /// A failed sign-in comes back as the result of the sign-in (status and body), with `error` set.
    sdk::HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
    bool configured() const { return !_settings.baseUrl.empty(); }

private:
    /// The cached token, signing in when there is none or it expires within a minute.
    std::string token(sdk::HttpResult& failure, bool renew);

    DeliveryClientSettings _settings;
    sdk::HttpClient _http;
    std::function<std::int64_t()> _now;
    mutable std::mutex _mutex;
    std::string _token;
    std::int64_t _expires = 0;
    sdk::Counter& _signedIn;
    sdk::Counter& _signInFailed;
};

} // namespace mercato::ecommerce
