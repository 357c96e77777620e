// Path matching of the host's RouteTable. Each input line is either `+METHOD /pattern` (register a
// route on top of a table shaped like the services') or `METHOD /path` (match it). Properties:
// a bad pattern is refused with std::invalid_argument only; a match names a route of the asked
// method (GET for HEAD) whose parameters are exactly the pattern's; a registered pattern, with
// its parameters filled in, always finds a route of its method.
#include "FuzzSupport.h"

#include "RouteTable.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

using mercato::host::RouteTable;
using mercato::sdk::Method;

namespace {

bool methodOf(const std::string& name, Method& out)
{
    static const std::pair<const char*, Method> all[] = {
        {"GET", Method::Get}, {"POST", Method::Post}, {"PUT", Method::Put}, {"PATCH", Method::Patch}, {"DELETE", Method::Delete}};
    for (const auto& [n, m] : all)
        if (name == n) {
            out = m;
            return true;
        }
    return false;
}

mercato::sdk::Route route(Method method, const std::string& pattern)
{
    return mercato::sdk::Route(method, pattern, mercato::sdk::Access::anyone(),
                               [](const mercato::sdk::Request&) { return mercato::sdk::Response::raw(204, "text/plain", ""); });
}

bool isParam(const std::string& segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

void checkMatch(const RouteTable& table, const std::string& method, const std::string& path)
{
    const auto m = table.match(method, path);
    if (!m.pathKnown && (m.route || !m.allowed.empty()))
        mercato::fuzz::fail("a route or allowed methods for an unknown path: " + path);
    if (!m.route) {
        if (!m.params.empty())
            mercato::fuzz::fail("parameters without a route: " + path);
        return;
    }
    const std::string wanted = method == "HEAD" ? "GET" : method;
    if (wanted != mercato::sdk::methodName(m.route->route.method))
        mercato::fuzz::fail(method + " " + path + " matched a " + mercato::sdk::methodName(m.route->route.method) + " route");
    if (std::find(m.allowed.begin(), m.allowed.end(), wanted) == m.allowed.end())
        mercato::fuzz::fail(method + " " + path + " matched, but " + wanted + " is not in Allow");
    const auto parts = mercato::host::splitPath(path);
    if (parts.size() != m.route->segments.size())
        mercato::fuzz::fail(path + " matched " + m.route->route.pattern + " with another segment count");
    std::size_t p = 0;
    for (const auto& segment : m.route->segments) {
        if (!isParam(segment))
            continue;
        if (p >= m.params.size() || m.params[p].first != segment.substr(1, segment.size() - 2))
            mercato::fuzz::fail(path + " on " + m.route->route.pattern + ": parameters do not follow the pattern");
        ++p;
    }
    if (p != m.params.size())
        mercato::fuzz::fail(path + " on " + m.route->route.pattern + ": extra parameters");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    RouteTable table;
    for (const char* p : {"/health", "/openapi.json", "/signin", "/users", "/users/{id}", "/products", "/products/{id}",
                          "/orders", "/orders/mine", "/orders/{id}", "/orders/{id}/status", "/deliveries/{id}/products/{sku}"}) {
        table.add(route(Method::Get, p));
        table.add(route(Method::Post, p));
    }
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    std::string line;
    while (std::getline(in, line)) {
        const bool add = !line.empty() && line[0] == '+';
        const std::size_t space = line.find(' ');
        if (space == std::string::npos)
            continue;
        const std::string method = line.substr(add ? 1 : 0, space - (add ? 1 : 0));
        const std::string path = line.substr(space + 1);
        if (!add) {
            checkMatch(table, method, path);
            continue;
        }
        Method m;
        if (!methodOf(method, m))
            continue;
        try {
            table.add(route(m, path));
        } catch (const std::invalid_argument&) {
            continue;
        }
        // The pattern itself, each parameter filled with a value, must reach a route of its method.
        std::string concrete;
        for (const auto& segment : mercato::host::splitPath(path))
            concrete += "/" + (isParam(segment) ? std::string("v") : segment);
        if (concrete.empty())
            concrete = "/";
        if (!table.match(method, concrete).route)
            mercato::fuzz::fail("registered " + method + " " + path + " but " + concrete + " finds no route");
        checkMatch(table, method, concrete);
    }
    return 0;
}
