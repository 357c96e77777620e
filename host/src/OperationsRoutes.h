#pragma once
#include "MetricsRegistry.h"
#include "PluginLoader.h"
#include "RouteTable.h"

#include "mercato/sdk/Database.h"

#include <functional>
#include <string>
#include <vector>

namespace mercato::host {

/// What the operations endpoints need to know about the running host.
struct OperationsState {
    std::string serviceName;
    sdk::Database* database = nullptr;
    std::function<bool()> redisReachable;   ///< empty when no Redis is configured
    std::vector<const LoadedPlugin*> plugins;
};

/// Registers /health, /ready, /metrics, /openapi.json and /plugins (API.md §1 "Operations").
void addOperationsRoutes(RouteTable& routes, MetricsRegistry& metrics, const OperationsState& state);

/// An OpenAPI 3.0 document describing every registered route.
std::string renderOpenApi(const RouteTable& routes, const std::string& serviceName);

} // namespace mercato::host
