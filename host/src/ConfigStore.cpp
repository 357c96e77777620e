#include "ConfigStore.h"

#include "ConfigError.h"

#include <Poco/AutoPtr.h>
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <fstream>
#include <sstream>

namespace mercato::host {

namespace {

/// Expands `${env.NAME}` and `${env.NAME:-default}`; other `${...}` text is left alone.
std::string expand(const std::string& key, const std::string& value, const std::string& source)
{
    std::string out;
    std::size_t pos = 0;
    while (true) {
        std::size_t start = value.find("${env.", pos);
        if (start == std::string::npos) {
            out.append(value, pos, std::string::npos);
            return out;
        }
        std::size_t end = value.find('}', start);
        if (end == std::string::npos)
            throw ConfigError(source + ": " + key + ": unterminated ${env.…} reference");
        out.append(value, pos, start - pos);
        std::string ref = value.substr(start + 6, end - start - 6);
        std::string fallback;
        bool hasFallback = false;
        if (auto dash = ref.find(":-"); dash != std::string::npos) {
            fallback = ref.substr(dash + 2);
            ref = ref.substr(0, dash);
            hasFallback = true;
        }
        if (Poco::Environment::has(ref))
            out += Poco::Environment::get(ref);
        else if (hasFallback)
            out += fallback;
        else
            throw ConfigError(source + ": " + key + ": environment variable " + ref + " is not set");
        pos = end + 1;
    }
}

std::string typeName(sdk::ConfigType type)
{
    switch (type) {
    case sdk::ConfigType::String: return "a string";
    case sdk::ConfigType::Integer: return "an integer";
    case sdk::ConfigType::Boolean: return "true or false";
    case sdk::ConfigType::Number: return "a number";
    case sdk::ConfigType::List: return "a comma-separated list";
    }
    return "a value";
}

bool parseBool(const std::string& text, bool& out)
{
    const std::string v = Poco::toLower(text);
    if (v == "true" || v == "yes" || v == "on" || v == "1") {
        out = true;
        return true;
    }
    if (v == "false" || v == "no" || v == "off" || v == "0") {
        out = false;
        return true;
    }
    return false;
}

class StoreView final : public sdk::Config {
public:
    StoreView(std::string prefix, std::map<std::string, std::string> values, std::map<std::string, sdk::ConfigKey> keys, std::map<std::string, bool> set)
        : _prefix(std::move(prefix)), _values(std::move(values)), _keys(std::move(keys)), _set(std::move(set))
    {
    }

    std::string getString(const std::string& name) const override { return value(name); }

    std::int64_t getInt(const std::string& name) const override
    {
        return Poco::NumberParser::parse64(Poco::trim(value(name)));
    }

    bool getBool(const std::string& name) const override
    {
        bool b = false;
        parseBool(Poco::trim(value(name)), b);
        return b;
    }

    double getDouble(const std::string& name) const override
    {
        return Poco::NumberParser::parseFloat(Poco::trim(value(name)));
    }

    std::vector<std::string> getList(const std::string& name) const override
    {
        std::vector<std::string> items;
        Poco::StringTokenizer tok(value(name), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const auto& item : tok)
            items.push_back(item);
        return items;
    }

    bool isSet(const std::string& name) const override
    {
        value(name);
        return _set.at(name);
    }

private:
    const std::string& value(const std::string& name) const
    {
        auto it = _values.find(name);
        if (it == _values.end())
            throw std::out_of_range("config key '" + _prefix + "." + name + "' was not declared");
        return it->second;
    }

    std::string _prefix;
    std::map<std::string, std::string> _values;
    std::map<std::string, sdk::ConfigKey> _keys;
    std::map<std::string, bool> _set;
};

} // namespace

std::string checkConfigValue(const sdk::ConfigKey& key, const std::string& raw)
{
    const std::string value = Poco::trim(raw);
    switch (key.type) {
    case sdk::ConfigType::Integer: {
        Poco::Int64 n = 0;
        if (!Poco::NumberParser::tryParse64(value, n))
            return "must be " + typeName(key.type) + ", got '" + value + "'";
        if ((key.min && n < *key.min) || (key.max && n > *key.max))
            return "must be between " + std::to_string(key.min.value_or(INT64_MIN)) + " and " + std::to_string(key.max.value_or(INT64_MAX)) + ", got " + value;
        return "";
    }
    case sdk::ConfigType::Boolean: {
        bool b = false;
        return parseBool(value, b) ? "" : "must be true or false, got '" + value + "'";
    }
    case sdk::ConfigType::Number: {
        double d = 0;
        return Poco::NumberParser::tryParseFloat(value, d) ? "" : "must be a number, got '" + value + "'";
    }
    case sdk::ConfigType::String:
        if (!key.choices.empty()) {
            for (const auto& c : key.choices)
                if (c == value)
                    return "";
            std::string all;
            for (const auto& c : key.choices)
                all += (all.empty() ? "" : ", ") + c;
            return "must be one of " + all + ", got '" + value + "'";
        }
        return "";
    case sdk::ConfigType::List:
        return "";
    }
    return "";
}

ConfigStore ConfigStore::load(const std::string& path)
{
    std::ifstream probe(path);
    if (!probe)
        throw ConfigError(path + ": cannot read the configuration file");
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    try {
        file = new Poco::Util::PropertyFileConfiguration(probe);
    } catch (const Poco::Exception& e) {
        throw ConfigError(path + ": " + e.displayText());
    }
    std::map<std::string, std::string> values;
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
        std::string base = pending.back();
        pending.pop_back();
        Poco::Util::AbstractConfiguration::Keys keys;
        file->keys(base, keys);
        for (const auto& k : keys) {
            std::string full = base.empty() ? k : base + "." + k;
            if (file->hasOption(full))
                values[full] = file->getRawString(full);
            // An empty name ("= x", "a. = x") has nothing below it: descending would walk `base`
            // again, forever. Its value stays, so validate() reports the line as an unknown key.
            if (!k.empty())
                pending.push_back(full);
        }
    }
    return fromMap(std::move(values), path);
}

ConfigStore ConfigStore::fromMap(std::map<std::string, std::string> values, std::string source)
{
    ConfigStore store;
    store._source = std::move(source);
    for (auto& [k, v] : values)
        store._values[k] = expand(k, v, store._source);
    return store;
}

void ConfigStore::declare(const std::string& prefix, std::vector<sdk::ConfigKey> keys)
{
    auto& list = _declared[prefix];
    for (auto& k : keys)
        list.push_back(std::move(k));
}

void ConfigStore::validate() const
{
    std::ostringstream problems;
    for (const auto& [key, value] : _values) {
        auto dot = key.find('.');
        const std::string prefix = dot == std::string::npos ? key : key.substr(0, dot);
        const std::string name = dot == std::string::npos ? "" : key.substr(dot + 1);
        auto owner = _declared.find(prefix);
        if (owner == _declared.end()) {
            problems << _source << ": unknown key '" << key << "' (no loaded plugin or host section '" << prefix << "')\n";
            continue;
        }
        const sdk::ConfigKey* decl = nullptr;
        for (const auto& k : owner->second)
            if (k.name == name)
                decl = &k;
        if (!decl) {
            problems << _source << ": unknown key '" << key << "'\n";
            continue;
        }
        std::string why = checkConfigValue(*decl, value);
        if (!why.empty())
            problems << _source << ": " << key << " " << why << '\n';
        else if (decl->required && Poco::trim(value).empty())
            problems << _source << ": " << key << " must not be empty (" << decl->doc << ")\n";
    }
    for (const auto& [prefix, keys] : _declared)
        for (const auto& k : keys)
            if (k.required && !_values.count(prefix + "." + k.name))
                problems << _source << ": missing required key '" << prefix << "." << k.name << "' (" << k.doc << ")\n";
    std::string text = problems.str();
    if (!text.empty()) {
        text.pop_back();
        throw ConfigError(text);
    }
}

std::shared_ptr<const sdk::Config> ConfigStore::view(const std::string& prefix) const
{
    std::map<std::string, std::string> values;
    std::map<std::string, sdk::ConfigKey> keys;
    std::map<std::string, bool> set;
    auto owner = _declared.find(prefix);
    if (owner != _declared.end()) {
        for (const auto& k : owner->second) {
            auto it = _values.find(prefix + "." + k.name);
            values[k.name] = it != _values.end() ? Poco::trim(it->second) : k.defaultValue;
            keys[k.name] = k;
            set[k.name] = it != _values.end();
        }
    }
    return std::make_shared<StoreView>(prefix, std::move(values), std::move(keys), std::move(set));
}

} // namespace mercato::host
