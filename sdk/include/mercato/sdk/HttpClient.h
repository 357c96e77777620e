#pragma once
#include "Export.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mercato::sdk {

/// An outbound HTTP request.
struct HttpRequest {
    std::string method = "GET";
    std::string url; ///< http:// or https://
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string contentType = "application/json";
    std::chrono::milliseconds timeout{10000}; ///< connect, send and receive, each
};

/// The outcome of an outbound call. `status` is 0 when no HTTP answer arrived (refused, timeout,
/// TLS failure, blocked address); `error` then says why.
struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
    std::string error;
    bool ok() const { return status >= 200 && status < 300; }
};

/// Outbound HTTP with timeouts on every call and no redirects followed (a 3xx is returned as is).
/// With `allowPrivateNetworks` false, the target host is resolved once and the call is refused when
/// any resolved address is loopback, private, link-local, CGNAT, multicast, unspecified or an
/// IPv4-mapped form of those (SSRF protection); the connection then goes to the checked address.
class MERCATO_SDK_API HttpClient {
public:
    struct Options {
        bool allowPrivateNetworks = false;
        std::string userAgent = "mercato";
    };
    HttpClient();
    explicit HttpClient(Options options);

    /// Never throws for network failures; they come back in HttpResult::error.
    HttpResult send(const HttpRequest& request) const;

private:
    Options _options;
};

/// True when `address` (textual IPv4 or IPv6) must not be reached by outbound calls unless private
/// networks are allowed: loopback, RFC 1918, link-local (incl. 169.254.169.254 metadata), CGNAT
/// 100.64/10, unique-local fc00::/7, multicast, unspecified, and IPv4-mapped/compatible forms.
MERCATO_SDK_API bool isNonPublicAddress(const std::string& address);

/// Why `url` may not be a target of outbound calls, or nullopt when it may: not http(s), no host,
/// or (unless `allowPrivateNetworks`) a host that does not resolve or resolves to any non-public
/// address (see isNonPublicAddress). Used to refuse webhook URLs at registration; HttpClient::send
/// checks again at connect time, because DNS answers change.
MERCATO_SDK_API std::optional<std::string> outboundUrlProblem(const std::string& url, bool allowPrivateNetworks);

} // namespace mercato::sdk
