#pragma once
#include "Export.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
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

/// Deepest nesting of objects and arrays parseJsonStrict accepts: `{}` and `[]` are level 1,
/// `{"a":[{}]}` is level 3.
constexpr std::size_t kMaxJsonDepth = 64;

/// Parses untrusted JSON text (a request body, another service's answer) into a Var exactly, or
/// throws sdk::BadRequest. It accepts any RFC 8259 JSON text: an object or array (Object::Ptr /
/// Array::Ptr, keys sorted), or a bare scalar at the top (std::string, bool, Poco::Int64, double,
/// or an empty Var for `null`; the caller decides whether such a body is acceptable). Integer
/// literals (no fraction, no exponent) become Poco::Int64 unchanged (`-0` is 0); literals with a
/// fraction or an exponent (`1.0`, `1E2`, `-0.0`) become the nearest double, as Poco::JSON::Parser
/// reads them. What POCO 1.11 would read wrongly or not at all is refused instead:
/// - an integer literal outside [-2^63, 2^63-1] (POCO wraps 2^64..2^64+3 to 0..3, clamps
///   -2^63-1, reads 2^63..2^64-1 as UInt64) and a number literal beyond the double range (`1e400`):
///   FieldError `out_of_range` on the value's own path;
/// - a key given twice in one object (POCO keeps the last): `duplicate_key` on that key's path;
/// - nesting deeper than kMaxJsonDepth: `too_deep` on the path of the first container past the
///   limit (thrown at once, message "JSON nested deeper than 64 levels").
/// Paths are written as FieldError paths (childFieldPath; "body" for the top-level value). All
/// out_of_range and duplicate_key errors of the text are reported together ("Invalid input").
/// Text that is not JSON at all (empty, a syntax error, malformed UTF-8, trailing characters)
/// throws BadRequest "Malformed JSON" with `invalid_format` on `body`, naming the parser's reason.
MERCATO_SDK_API Poco::Dynamic::Var parseJsonStrict(const std::string& text);

/// The FieldError path of member or element `key` under `parent` ("" for the top level), as
/// the Validator and parseJsonStrict write them: "products.0.quantity".
MERCATO_SDK_API std::string childFieldPath(const std::string& parent, const std::string& key);

/// Parses JSON text that must be an object (a job payload, another service's answer) with
/// parseJsonStrict's rules. Throws std::invalid_argument with the reason (and each field error)
/// for malformed text, a refused number or key, or a non-object value.
MERCATO_SDK_API JsonObject parseObject(const std::string& text);

/// Compact JSON text of any JSON value.
MERCATO_SDK_API std::string toJson(const Poco::Dynamic::Var& value);

} // namespace mercato::sdk
