#pragma once
#include "Export.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

/// JSON values are POCO's: objects and arrays by shared pointer, scalars in a Dynamic::Var.
using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

/// A new empty object that keeps its keys in insertion order, as every response renders them.
MERCATO_SDK_API JsonObject makeObject();
/// A new empty array.
MERCATO_SDK_API JsonArray makeArray();
/// The member `key` of a (validated) object as a string, or nullopt when absent or null.
MERCATO_SDK_API std::optional<std::string> optionalString(const JsonObject& object, const std::string& key);
/// The member `key` as a 64-bit integer, or nullopt when absent or null.
MERCATO_SDK_API std::optional<std::int64_t> optionalInt(const JsonObject& object, const std::string& key);
/// The member `key` (an array of integers) as a vector, or nullopt when absent or null.
MERCATO_SDK_API std::optional<std::vector<std::int64_t>> optionalIntArray(const JsonObject& object, const std::string& key);

/// Parses JSON text that must be an object (a job payload, another service's answer). Throws
/// std::invalid_argument with the parser's reason for malformed text or a non-object value.
MERCATO_SDK_API JsonObject parseObject(const std::string& text);

/// Compact JSON text of any JSON value.
MERCATO_SDK_API std::string toJson(const Poco::Dynamic::Var& value);

} // namespace mercato::sdk
