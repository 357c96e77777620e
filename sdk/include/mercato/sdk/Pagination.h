#pragma once
#include "Export.h"

#include <cstdint>

namespace mercato::sdk {

class Request;

/// `?limit=` and `?offset=` of a list endpoint (API.md §1: default 50, max 500, offset ≥ 0).
struct Page {
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

/// Parses the page of a list request; throws BadRequest (`limit`/`offset` field errors) on a value
/// that is not a non-negative integer or a limit outside 1..maxLimit.
MERCATO_SDK_API Page parsePage(const Request& request, std::int64_t defaultLimit = 50, std::int64_t maxLimit = 500);

} // namespace mercato::sdk
