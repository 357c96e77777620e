#include "OperationsRoutes.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Version.h"

#include <sstream>

namespace mercato::host {

namespace {

sdk::JsonObject envelopeSchema()
{
    sdk::JsonObject props = sdk::makeObject();
    sdk::JsonObject code = sdk::makeObject();
    code->set("type", "string");
    props->set("code", code);
    sdk::JsonObject message = sdk::makeObject();
    message->set("type", "string");
    props->set("message", message);
    sdk::JsonObject schema = sdk::makeObject();
    schema->set("type", "object");
    schema->set("properties", props);
    return schema;
}

sdk::JsonObject jsonContent(const sdk::JsonObject& schema)
{
    sdk::JsonObject media = sdk::makeObject();
    media->set("schema", schema);
    sdk::JsonObject content = sdk::makeObject();
    content->set("application/json", media);
    return content;
}

sdk::JsonObject responseEntry(const std::string& description)
{
    sdk::JsonObject r = sdk::makeObject();
    r->set("description", description);
    r->set("content", jsonContent(envelopeSchema()));
    return r;
}

std::string lower(const char* method)
{
    std::string m = method;
    for (auto& c : m)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return m;
}

} // namespace

std::string renderOpenApi(const RouteTable& routes, const std::string& serviceName)
{
    sdk::JsonObject doc = sdk::makeObject();
    doc->set("openapi", "3.0.3");
    sdk::JsonObject info = sdk::makeObject();
    info->set("title", "Mercato " + serviceName);
    info->set("version", MERCATO_SDK_VERSION_STRING);
    doc->set("info", info);
    sdk::JsonObject paths = sdk::makeObject();
    bool anySecured = false;
    for (const auto& compiled : routes.routes()) {
        const sdk::Route& route = compiled->route;
        sdk::JsonObject item = paths->has(route.pattern) ? paths->getObject(route.pattern) : sdk::makeObject();
        sdk::JsonObject op = sdk::makeObject();
        op->set("summary", route.summary.empty() ? std::string(sdk::methodName(route.method)) + " " + route.pattern : route.summary);
        sdk::JsonArray tags = sdk::makeArray();
        tags->add(route.owner);
        op->set("tags", tags);
        sdk::JsonArray params = sdk::makeArray();
        for (const auto& seg : compiled->segments) {
            if (seg.size() > 2 && seg.front() == '{') {
                sdk::JsonObject p = sdk::makeObject();
                p->set("name", seg.substr(1, seg.size() - 2));
                p->set("in", "path");
                p->set("required", true);
                sdk::JsonObject s = sdk::makeObject();
                s->set("type", "string");
                p->set("schema", s);
                params->add(p);
            }
        }
        for (const auto& [name, description] : route.queryDocs) {
            sdk::JsonObject p = sdk::makeObject();
            p->set("name", name);
            p->set("in", "query");
            p->set("required", false);
            p->set("description", description);
            sdk::JsonObject s = sdk::makeObject();
            s->set("type", "string");
            p->set("schema", s);
            params->add(p);
        }
        if (params->size() > 0)
            op->set("parameters", params);
        if (route.body) {
            sdk::JsonObject rb = sdk::makeObject();
            rb->set("required", route.bodyRequired);
            rb->set("content", jsonContent(route.body->toOpenApi()));
            op->set("requestBody", rb);
        }
        sdk::JsonObject responses = sdk::makeObject();
        responses->set("200", responseEntry("Success envelope"));
        responses->set("400", responseEntry("Invalid input"));
        if (!route.access.isPublic()) {
            responses->set("401", responseEntry("Missing or invalid token"));
            responses->set("403", responseEntry("Role not allowed"));
            sdk::JsonArray security = sdk::makeArray();
            sdk::JsonObject bearer = sdk::makeObject();
            bearer->set("bearerAuth", sdk::makeArray());
            security->add(bearer);
            op->set("security", security);
            anySecured = true;
        }
        op->set("responses", responses);
        item->set(lower(sdk::methodName(route.method)), op);
        paths->set(route.pattern, item);
    }
    doc->set("paths", paths);
    if (anySecured) {
        sdk::JsonObject scheme = sdk::makeObject();
        scheme->set("type", "http");
        scheme->set("scheme", "bearer");
        scheme->set("bearerFormat", "JWT");
        sdk::JsonObject schemes = sdk::makeObject();
        schemes->set("bearerAuth", scheme);
        sdk::JsonObject components = sdk::makeObject();
        components->set("securitySchemes", schemes);
        doc->set("components", components);
    }
    std::ostringstream out;
    doc->stringify(out);
    return out.str();
}

void addOperationsRoutes(RouteTable& routes, MetricsRegistry& metrics, const OperationsState& state)
{
    routes.setOwner("host");
    routes.add(sdk::Route(sdk::Method::Get, "/health", sdk::Access::anyone(), [](const sdk::Request&) {
        sdk::JsonObject data = sdk::makeObject();
        data->set("status", "ok");
        return sdk::Response::ok(data, "alive");
    }).withSummary("Liveness: the process answers"));

    routes.add(sdk::Route(sdk::Method::Get, "/ready", sdk::Access::anyone(), [state](const sdk::Request&) {
        sdk::JsonObject data = sdk::makeObject();
        const bool db = state.database && state.database->ping();
        data->set("database", db ? "ok" : "unreachable");
        bool redis = true;
        if (state.redisReachable) {
            redis = state.redisReachable();
            data->set("redis", redis ? "ok" : "unreachable");
        }
        const bool ready = db && redis;
        data->set("status", ready ? "ok" : "unavailable");
        if (!ready) {
            sdk::JsonObject envelope = sdk::makeObject();
            envelope->set("code", "fail");
            envelope->set("message", "not ready");
            envelope->set("data", data);
            return sdk::Response::raw(503, "application/json; charset=utf-8", sdk::toJson(envelope));
        }
        return sdk::Response::ok(data, "ready");
    }).withSummary("Readiness: database (and Redis, when configured) reachable"));

    routes.add(sdk::Route(sdk::Method::Get, "/metrics", sdk::Access::anyone(), [&metrics](const sdk::Request&) {
        return sdk::Response::raw(200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
    }).withSummary("Prometheus metrics"));

    const RouteTable* table = &routes;
    const std::string service = state.serviceName;
    routes.add(sdk::Route(sdk::Method::Get, "/openapi.json", sdk::Access::anyone(), [table, service](const sdk::Request&) {
        return sdk::Response::raw(200, "application/json; charset=utf-8", renderOpenApi(*table, service));
    }).withSummary("OpenAPI 3 description of every route"));

    routes.add(sdk::Route(sdk::Method::Get, "/plugins", sdk::Access::admin(), [state](const sdk::Request&) {
        sdk::JsonArray list = sdk::makeArray();
        for (const auto* p : state.plugins) {
            sdk::JsonObject item = sdk::makeObject();
            item->set("name", p->info.name);
            item->set("version", p->info.version);
            item->set("sdk_version", p->sdkVersion);
            item->set("description", p->info.description);
            sdk::JsonArray deps = sdk::makeArray();
            for (const auto& d : p->info.dependencies)
                deps->add(d);
            item->set("dependencies", deps);
            list->add(item);
        }
        return sdk::Response::ok(list, "loaded plugins");
    }).withSummary("Loaded plugins (admin)"));
}

} // namespace mercato::host
