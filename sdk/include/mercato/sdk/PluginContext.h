#pragma once
#include "Cli.h"
#include "Config.h"
#include "Database.h"
#include "Export.h"
#include "Metrics.h"
#include "Router.h"
#include "ServiceRegistry.h"
#include "UserDirectory.h"

#include <Poco/Logger.h>

#include <string>

namespace mercato::sdk {

/// What the host offers a plugin during `start()`. References stay valid until `stop()` returns.
class MERCATO_SDK_API PluginContext {
public:
    virtual ~PluginContext();
    /// The plugin's own keys (declared in PluginInfo::configKeys), relative to its prefix.
    virtual const Config& config() const = 0;
    virtual Router& router() = 0;
    virtual Database& database() = 0;
    virtual ServiceRegistry& services() = 0;
    virtual Cli& cli() = 0;
    virtual Metrics& metrics() = 0;
    virtual const TokenIssuer& tokens() const = 0;
    /// The logger named after the plugin (`mercato.<plugin>`).
    virtual Poco::Logger& logger() = 0;
    /// `service.name` of the host's config (e.g. "ecommerce").
    virtual const std::string& serviceName() const = 0;
    /// False when the host runs a CLI command instead of serving: start no background work then.
    virtual bool serving() const = 0;
};

} // namespace mercato::sdk
