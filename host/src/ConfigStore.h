#pragma once
#include "mercato/sdk/Config.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mercato::host {

/// The parsed .properties file: raw values with `${env.NAME}` / `${env.NAME:-default}` expanded.
/// Owners (the host's sections and each plugin) claim their prefix with a key table; `validate()`
/// then reports unknown keys, missing required keys and bad values, all at once.
class ConfigStore {
public:
    /// Reads `path`; throws ConfigError naming the file when it cannot be read or an environment
    /// variable it references is unset.
    static ConfigStore load(const std::string& path);
    /// For tests: from key/value pairs (values expanded like file values).
    static ConfigStore fromMap(std::map<std::string, std::string> values, std::string source = "<memory>");

    const std::string& source() const { return _source; }
    bool has(const std::string& key) const { return _values.count(key) != 0; }
    const std::map<std::string, std::string>& values() const { return _values; }

    /// Declares the keys under `prefix.` (without the dot) that `owner` accepts.
    void declare(const std::string& prefix, std::vector<sdk::ConfigKey> keys);
    /// Throws ConfigError listing every problem (unknown key, missing required key, bad value),
    /// one per line, each naming the file and the key.
    void validate() const;
    /// The validated view of one prefix.
    std::shared_ptr<const sdk::Config> view(const std::string& prefix) const;

private:
    std::string _source;
    std::map<std::string, std::string> _values;
    std::map<std::string, std::vector<sdk::ConfigKey>> _declared;
};

/// Checks one value against its declaration; returns an empty string when it is fine, else why not.
std::string checkConfigValue(const sdk::ConfigKey& key, const std::string& value);

} // namespace mercato::host
