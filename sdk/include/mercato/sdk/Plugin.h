#pragma once
#include "Config.h"
#include "Export.h"
#include "PluginContext.h"
#include "Version.h"

#include <string>
#include <vector>

namespace mercato::sdk {

/// What a plugin is: its name (also its config prefix and its file name, `<name>.so`), version,
/// the plugins it needs started first, and the config keys it accepts.
struct PluginInfo {
    std::string name;
    std::string version;
    std::vector<std::string> dependencies;
    std::vector<ConfigKey> configKeys;
    std::string description;
    /// Plugins started before this one *when they are loaded* (e.g. "scheduler", whose services
    /// a plugin uses only where present). Unlike `dependencies`, a missing one is no error.
    std::vector<std::string> optionalDependencies{};
};

/// A loadable service. The host loads `<plugins.dir>/<name>.so`, checks its ABI version, creates the
/// plugin, validates its config keys, and calls `start()` in dependency order; on shutdown it calls
/// `stop()` in reverse order. Throwing from `start()` stops start-up with the exception's message.
class MERCATO_SDK_API Plugin {
public:
    virtual ~Plugin();
    virtual PluginInfo info() const = 0;
    virtual void start(PluginContext& context) = 0;
    virtual void stop() = 0;
};

} // namespace mercato::sdk

#define MERCATO_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

/// Defines the entry points of a plugin library. Use once, in the plugin's main source file:
///
///     MERCATO_PLUGIN(HelloPlugin)
///
/// The host first calls `mercato_plugin_abi_version()` and refuses the library unless it equals its
/// own MERCATO_SDK_ABI_VERSION; only then does it create the plugin.
#define MERCATO_PLUGIN(PluginClass)                                                            \
    MERCATO_PLUGIN_EXPORT int mercato_plugin_abi_version() { return MERCATO_SDK_ABI_VERSION; } \
    MERCATO_PLUGIN_EXPORT const char* mercato_plugin_sdk_version() { return MERCATO_SDK_VERSION_STRING; } \
    MERCATO_PLUGIN_EXPORT ::mercato::sdk::Plugin* mercato_plugin_create() { return new PluginClass(); } \
    MERCATO_PLUGIN_EXPORT void mercato_plugin_destroy(::mercato::sdk::Plugin* plugin) { delete plugin; }
