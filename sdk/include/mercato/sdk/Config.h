#pragma once
#include "Export.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

enum class ConfigType { String, Integer, Boolean, Number, List };

/// One configuration key a plugin (or the host) accepts. Names are relative to the owner's prefix:
/// the key `greeting` of the plugin `hello` is written `hello.greeting` in the .properties file.
/// Start-up fails with exit code 78 on a missing required key, an unknown key under the prefix, or a
/// value that does not parse as `type` or lies outside [min, max] (integers) / `choices`.
struct ConfigKey {
    std::string name;
    ConfigType type = ConfigType::String;
    std::string defaultValue;          ///< used when absent (and not required)
    bool required = false;
    std::string doc;                   ///< one line, shown in errors and docs
    std::optional<std::int64_t> min;   ///< integers only
    std::optional<std::int64_t> max;   ///< integers only
    std::vector<std::string> choices;  ///< strings only: the allowed values
    bool secret = false;               ///< never logged
};

/// Convenience constructors for ConfigKey tables.
MERCATO_SDK_API ConfigKey stringKey(std::string name, std::string defaultValue, std::string doc);
MERCATO_SDK_API ConfigKey requiredKey(std::string name, std::string doc);
MERCATO_SDK_API ConfigKey integerKey(std::string name, std::int64_t defaultValue, std::int64_t min, std::int64_t max, std::string doc);
MERCATO_SDK_API ConfigKey booleanKey(std::string name, bool defaultValue, std::string doc);
MERCATO_SDK_API ConfigKey numberKey(std::string name, double defaultValue, std::string doc);
MERCATO_SDK_API ConfigKey listKey(std::string name, std::string defaultValue, std::string doc);
MERCATO_SDK_API ConfigKey choiceKey(std::string name, std::string defaultValue, std::vector<std::string> choices, std::string doc);

/// A validated, read-only view of one owner's keys (defaults applied, `${env.NAME}` expanded).
/// Reading a key that was not declared throws std::out_of_range: declare every key you read.
class MERCATO_SDK_API Config {
public:
    virtual ~Config();
    virtual std::string getString(const std::string& name) const = 0;
    virtual std::int64_t getInt(const std::string& name) const = 0;
    virtual bool getBool(const std::string& name) const = 0;
    virtual double getDouble(const std::string& name) const = 0;
    /// A comma-separated value, items trimmed, empty items dropped.
    virtual std::vector<std::string> getList(const std::string& name) const = 0;
    /// True when the file set the key (as opposed to the default applying).
    virtual bool isSet(const std::string& name) const = 0;
};

} // namespace mercato::sdk
