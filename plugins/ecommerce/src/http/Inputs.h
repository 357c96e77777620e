#pragma once
// Input rules shared by the catalog's routes.
#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

#include <cstddef>

namespace mercato::ecommerce {

/// Longest name substring filter: names have at most 120 characters (sdk::fields::name).
constexpr std::size_t kNameFilterLength = 120;

/// At least one of the fields of a partial update (`{}` changes nothing and is a client mistake).
inline void requireSomeField(const sdk::JsonObject& body)
{
    if (body.isNull() || body->size() == 0)
        throw sdk::BadRequest("Nothing to update", {{"body", "empty_body", "give at least one field to change"}});
}

} // namespace mercato::ecommerce
