#pragma once
#include "Export.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace mercato::sdk {

/// JSON values are POCO's: objects and arrays by shared pointer, scalars in a Dynamic::Var.
using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

/// A new empty object that keeps its keys in insertion order, as every response renders them.
MERCATO_SDK_API JsonObject makeObject();
/// A new empty array.
MERCATO_SDK_API JsonArray makeArray();
/// Compact JSON text of any JSON value.
MERCATO_SDK_API std::string toJson(const Poco::Dynamic::Var& value);

} // namespace mercato::sdk
