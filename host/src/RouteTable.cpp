#include "RouteTable.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <stdexcept>

namespace mercato::host {

namespace {

bool isParam(const std::string& segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// True when every `%` of `text` starts a valid escape (Poco::URI::decode would not throw).
bool isWellEncoded(const std::string& text)
{
    try {
        std::string decoded;
        Poco::URI::decode(text, decoded);
        return true;
    } catch (const Poco::URISyntaxException&) {
        return false;
    }
}

/// Scores a match so that "/orders/mine" beats "/orders/{id}": literal segments earlier win.
std::vector<int> specificity(const CompiledRoute& r)
{
    std::vector<int> score;
    for (const auto& s : r.segments)
        score.push_back(isParam(s) ? 0 : 1);
    return score;
}

} // namespace

std::vector<std::string> splitPath(const std::string& path)
{
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos < path.size()) {
        std::size_t next = path.find('/', pos);
        if (next == std::string::npos)
            next = path.size();
        if (next > pos)
            parts.emplace_back(path, pos, next - pos);
        else if (pos != 0 && next != path.size())
            parts.emplace_back(); // an empty segment ("//") never matches a route
        pos = next + 1;
    }
    return parts;
}

void RouteTable::add(sdk::Route route)
{
    if (route.pattern.empty() || route.pattern.front() != '/')
        throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
    if (!route.handler)
        throw std::invalid_argument("route has no handler: " + route.pattern);
    if (!isWellEncoded(route.pattern)) // it could never match (see match())
        throw std::invalid_argument("malformed percent-encoding in route pattern: " + route.pattern);
    std::vector<std::string> segments = splitPath(route.pattern);
    std::vector<std::string> names;
    for (const auto& s : segments) {
        if (s.empty() || s.find_first_of("{}") != std::string::npos) {
            if (!isParam(s) || s.find_first_of("{}", 1) != s.size() - 1)
                throw std::invalid_argument("malformed route pattern: " + route.pattern);
            names.push_back(s);
        }
    }
    std::sort(names.begin(), names.end());
    if (std::adjacent_find(names.begin(), names.end()) != names.end())
        throw std::invalid_argument("duplicate parameter name in route pattern: " + route.pattern);
    for (const auto& existing : _routes) {
        if (existing->route.method != route.method || existing->segments.size() != segments.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; i < existing->segments.size() && same; ++i) {
            const auto& a = existing->segments[i];
            const auto& b = segments[i];
            same = (isParam(a) && isParam(b)) || a == b;
        }
        if (same)
            throw std::invalid_argument(std::string("route ") + sdk::methodName(route.method) + " " + route.pattern
                                        + " is already registered by " + existing->route.owner);
    }
    route.owner = _owner;
    auto compiled = std::make_unique<CompiledRoute>(std::move(route));
    compiled->segments = std::move(segments);
    compiled->index = _routes.size();
    _routes.push_back(std::move(compiled));
}

RouteMatch RouteTable::match(const std::string& method, const std::string& path) const
{
    RouteMatch result;
    // HEAD is served by the GET route of the path (RFC 9110 §9.3.2); the frontend sends no body.
    const bool head = method == "HEAD";
    const std::string wanted = head ? std::string("GET") : method;
    // A malformed percent-encoding matches nothing, so decoding the parameters below cannot fail
    // (the frontend answers such a path with 400 before it asks).
    if (!isWellEncoded(path))
        return result;
    const std::vector<std::string> parts = splitPath(path);
    std::vector<int> bestScore;
    for (const auto& r : _routes) {
        if (r->segments.size() != parts.size())
            continue;
        bool ok = true;
        for (std::size_t i = 0; i < parts.size() && ok; ++i)
            ok = isParam(r->segments[i]) ? !parts[i].empty() : r->segments[i] == parts[i];
        if (!ok)
            continue;
        result.pathKnown = true;
        const char* name = sdk::methodName(r->route.method);
        if (std::find(result.allowed.begin(), result.allowed.end(), name) == result.allowed.end()) {
            result.allowed.emplace_back(name);
            if (r->route.method == sdk::Method::Get)
                result.allowed.emplace_back("HEAD");
        }
        if (wanted != name)
            continue;
        std::vector<int> score = specificity(*r);
        if (result.route && score <= bestScore)
            continue;
        bestScore = std::move(score);
        result.route = r.get();
    }
    if (result.route) {
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const auto& seg = result.route->segments[i];
            if (isParam(seg)) {
                std::string decoded;
                Poco::URI::decode(parts[i], decoded);
                result.params.emplace_back(seg.substr(1, seg.size() - 2), std::move(decoded));
            }
        }
    }
    return result;
}

} // namespace mercato::host
