#pragma once
#include "mercato/sdk/Config.h"

#include <string>
#include <vector>

namespace mercato::host {

/// The host's own configuration sections and their keys (every key of etc/*.properties that does
/// not belong to a plugin). Documented with defaults in etc/ecommerce.properties.
struct HostSection {
    std::string prefix;
    std::vector<sdk::ConfigKey> keys;
};

std::vector<HostSection> hostConfigSections();

/// The directory plugins are loaded from when `plugins.dir` is not set: `<exe dir>/../lib/mercato/plugins`,
/// the same relative place in the build tree and in an installed tree.
std::string defaultPluginDirectory();

} // namespace mercato::host
