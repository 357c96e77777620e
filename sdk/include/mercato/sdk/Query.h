#pragma once
// Typed query-string parameters of list endpoints. Each throws BadRequest with a field error named
// after the parameter when the value is present but malformed; absent parameters are nullopt.
#include "Export.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mercato::sdk {

class Request;

/// A positive 64-bit id (`incorrect_type` otherwise).
MERCATO_SDK_API std::optional<std::int64_t> queryId(const Request& request, const std::string& name);
/// `true`/`1` or `false`/`0` (`invalid_value` otherwise).
MERCATO_SDK_API std::optional<bool> queryBool(const Request& request, const std::string& name);
/// Text of at most `maxLength` bytes (`too_long` otherwise).
MERCATO_SDK_API std::optional<std::string> queryText(const Request& request, const std::string& name, std::size_t maxLength = 255);

} // namespace mercato::sdk
