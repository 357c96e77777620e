#include "PluginLoader.h"

#include "ConfigError.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace mercato::host {

PluginLoader::~PluginLoader()
{
    destroyAll();
}

std::string PluginLoader::pathOf(const std::string& name) const
{
    return Poco::Path(_directory).append(name + ".so").toString();
}

void PluginLoader::load(const std::vector<std::string>& names)
{
    std::set<std::string> seen;
    for (const auto& name : names) {
        if (!seen.insert(name).second)
            throw ConfigError("plugins.load names '" + name + "' twice");
        const std::string path = pathOf(name);
        if (!Poco::File(path).exists())
            throw StartupError("plugin '" + name + "': file " + path + " does not exist (plugins.dir = " + _directory + ")");
        auto loaded = std::make_unique<LoadedPlugin>();
        loaded->file = path;
        loaded->library = std::make_unique<Poco::SharedLibrary>();
        try {
            loaded->library->load(path);
        } catch (const Poco::Exception& e) {
            throw StartupError("plugin '" + name + "': cannot load " + path + ": " + e.displayText());
        }
        auto& lib = *loaded->library;
        if (!lib.hasSymbol("mercato_plugin_abi_version") || !lib.hasSymbol("mercato_plugin_create") || !lib.hasSymbol("mercato_plugin_destroy"))
            throw StartupError("plugin '" + name + "': " + path + " is not a Mercato plugin (no MERCATO_PLUGIN entry points)");
        auto abi = reinterpret_cast<int (*)()>(lib.getSymbol("mercato_plugin_abi_version"));
        const int theirs = abi();
        if (lib.hasSymbol("mercato_plugin_sdk_version"))
            loaded->sdkVersion = reinterpret_cast<const char* (*)()>(lib.getSymbol("mercato_plugin_sdk_version"))();
        if (theirs != MERCATO_SDK_ABI_VERSION)
            throw StartupError("plugin '" + name + "': " + path + " was built for plugin ABI " + std::to_string(theirs) + " (SDK "
                               + (loaded->sdkVersion.empty() ? "unknown" : loaded->sdkVersion) + "), this host has ABI "
                               + std::to_string(MERCATO_SDK_ABI_VERSION) + " (SDK " + MERCATO_SDK_VERSION_STRING
                               + "): rebuild the plugin against this SDK");
        auto create = reinterpret_cast<sdk::Plugin* (*)()>(lib.getSymbol("mercato_plugin_create"));
        loaded->destroy = reinterpret_cast<void (*)(sdk::Plugin*)>(lib.getSymbol("mercato_plugin_destroy"));
        try {
            loaded->plugin = create();
            loaded->info = loaded->plugin->info();
        } catch (const std::exception& e) {
            throw StartupError("plugin '" + name + "': creating it failed: " + e.what());
        }
        if (loaded->info.name != name)
            throw StartupError("plugin file " + path + " calls itself '" + loaded->info.name + "'; load it as that name");
        _plugins.push_back(std::move(loaded));
    }
}

std::vector<LoadedPlugin*> PluginLoader::startOrder()
{
    std::map<std::string, LoadedPlugin*> byName;
    for (auto& p : _plugins)
        byName[p->info.name] = p.get();
    std::vector<LoadedPlugin*> order;
    std::set<std::string> done, visiting;
    std::function<void(LoadedPlugin*)> visit = [&](LoadedPlugin* p) {
        if (done.count(p->info.name))
            return;
        if (!visiting.insert(p->info.name).second)
            throw StartupError("plugin dependency cycle through '" + p->info.name + "'");
        for (const auto& dep : p->info.dependencies) {
            auto it = byName.find(dep);
            if (it == byName.end())
                throw StartupError("plugin '" + p->info.name + "' needs plugin '" + dep + "': add it to plugins.load");
            visit(it->second);
        }
        for (const auto& dep : p->info.optionalDependencies) {
            auto it = byName.find(dep);
            if (it != byName.end())
                visit(it->second);
        }
        visiting.erase(p->info.name);
        done.insert(p->info.name);
        order.push_back(p);
    };
    for (auto& p : _plugins)
        visit(p.get());
    _order = order;
    return order;
}

void PluginLoader::destroyAll()
{
    std::vector<LoadedPlugin*> reverse = _order;
    if (reverse.empty())
        for (auto& p : _plugins)
            reverse.push_back(p.get());
    else
        std::reverse(reverse.begin(), reverse.end());
    for (auto* p : reverse) {
        if (p->plugin && p->destroy) {
            p->destroy(p->plugin);
            p->plugin = nullptr;
        }
    }
    // The libraries are deliberately not unloaded: code from them (std::function targets in
    // route tables, thread-local destructors) may still be referenced until the process exits.
    // ~SharedLibrary leaves its library mapped (POCO 1.11 documents it), so the objects can go;
    // releasing them instead leaked them (LeakSanitizer, in every acceptance suite of build-asan).
    _plugins.clear();
    _order.clear();
}

} // namespace mercato::host
