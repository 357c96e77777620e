#pragma once
#include "mercato/sdk/Plugin.h"

#include <Poco/SharedLibrary.h>

#include <memory>
#include <string>
#include <vector>

namespace mercato::host {

/// A plugin library that passed the ABI check, with its plugin object.
struct LoadedPlugin {
    std::string file;
    std::unique_ptr<Poco::SharedLibrary> library;
    sdk::Plugin* plugin = nullptr;
    void (*destroy)(sdk::Plugin*) = nullptr;
    sdk::PluginInfo info;
    std::string sdkVersion; ///< the SDK version the plugin was built against
};

/// Loads `<dir>/<name>.so` for each configured name, refusing — with a message, before calling
/// anything else — a library without the MERCATO_PLUGIN entry points or with another ABI version,
/// then orders the plugins so that dependencies start first.
class PluginLoader {
public:
    explicit PluginLoader(std::string directory) : _directory(std::move(directory)) {}
    ~PluginLoader();

    /// Throws StartupError naming the file and the reason.
    void load(const std::vector<std::string>& names);
    /// The plugins in start order (dependencies first). Throws StartupError for a missing
    /// dependency or a cycle.
    std::vector<LoadedPlugin*> startOrder();
    /// Destroys the plugin objects in reverse start order. Libraries stay mapped (see the .cpp).
    void destroyAll();

    std::string pathOf(const std::string& name) const;

private:
    std::string _directory;
    std::vector<std::unique_ptr<LoadedPlugin>> _plugins;
    std::vector<LoadedPlugin*> _order;
};

} // namespace mercato::host
