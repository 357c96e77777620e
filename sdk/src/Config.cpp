#include "mercato/sdk/Config.h"

namespace mercato::sdk {

ConfigKey stringKey(std::string name, std::string defaultValue, std::string doc)
{
    ConfigKey key;
    key.name = std::move(name);
    key.defaultValue = std::move(defaultValue);
    key.doc = std::move(doc);
    return key;
}

ConfigKey requiredKey(std::string name, std::string doc)
{
    ConfigKey key = stringKey(std::move(name), "", std::move(doc));
    key.required = true;
    return key;
}

ConfigKey integerKey(std::string name, std::int64_t defaultValue, std::int64_t min, std::int64_t max, std::string doc)
{
    ConfigKey key = stringKey(std::move(name), std::to_string(defaultValue), std::move(doc));
    key.type = ConfigType::Integer;
    key.min = min;
    key.max = max;
    return key;
}

ConfigKey booleanKey(std::string name, bool defaultValue, std::string doc)
{
    ConfigKey key = stringKey(std::move(name), defaultValue ? "true" : "false", std::move(doc));
    key.type = ConfigType::Boolean;
    return key;
}

ConfigKey numberKey(std::string name, double defaultValue, std::string doc)
{
    ConfigKey key = stringKey(std::move(name), std::to_string(defaultValue), std::move(doc));
    key.type = ConfigType::Number;
    return key;
}

ConfigKey listKey(std::string name, std::string defaultValue, std::string doc)
{
    ConfigKey key = stringKey(std::move(name), std::move(defaultValue), std::move(doc));
    key.type = ConfigType::List;
    return key;
}

ConfigKey choiceKey(std::string name, std::string defaultValue, std::vector<std::string> choices, std::string doc)
{
    ConfigKey key = stringKey(std::move(name), std::move(defaultValue), std::move(doc));
    key.choices = std::move(choices);
    return key;
}

} // namespace mercato::sdk
