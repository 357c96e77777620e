#pragma once
#include "mercato/sdk/Router.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mercato::host {

/// A route with its pattern split into segments, plus the index used for per-route metrics.
struct CompiledRoute {
    explicit CompiledRoute(sdk::Route r) : route(std::move(r)) {}
    sdk::Route route;
    std::vector<std::string> segments; ///< literal text, or "{name}" for a parameter
    std::size_t index = 0;
};

/// The outcome of matching a request path.
struct RouteMatch {
    const CompiledRoute* route = nullptr;                     ///< null: no route for this method
    std::vector<std::pair<std::string, std::string>> params;  ///< path parameters, decoded
    std::vector<std::string> allowed;                         ///< methods the path has (for 405)
    bool pathKnown = false;                                   ///< some route matches the path
};

/// The host's route table. Registration happens during plugin start-up (single-threaded); matching
/// is read-only afterwards and safe from any number of threads.
class RouteTable final : public sdk::Router {
public:
    /// Routes registered from now on are attributed to `owner` (shown in /openapi.json).
    void setOwner(std::string owner) { _owner = std::move(owner); }
    void add(sdk::Route route) override;

    /// Matches `path` (no query string). Literal segments win over parameters at the same depth.
    /// A path with a malformed percent-encoding matches no route (pathKnown false) rather than throwing.
    RouteMatch match(const std::string& method, const std::string& path) const;

    const std::vector<std::unique_ptr<CompiledRoute>>& routes() const { return _routes; }

private:
    std::vector<std::unique_ptr<CompiledRoute>> _routes;
    std::string _owner = "host";
};

/// Splits "/a/b/c" into {"a","b","c"}; a trailing slash is ignored ("/a/" == "/a").
std::vector<std::string> splitPath(const std::string& path);

} // namespace mercato::host
