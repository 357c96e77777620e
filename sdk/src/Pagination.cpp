#include "mercato/sdk/Pagination.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Request.h"

#include <Poco/NumberParser.h>

#include <vector>

namespace mercato::sdk {

namespace {

/// Parses a query value as a decimal integer; false when it is not one.
bool parseInteger(const std::string& text, std::int64_t& out)
{
    if (text.empty() || text.find_first_not_of("-0123456789") != std::string::npos)
        return false;
    Poco::Int64 value = 0;
    if (!Poco::NumberParser::tryParse64(text, value))
        return false;
    out = value;
    return true;
}

} // namespace

Page parsePage(const Request& request, std::int64_t defaultLimit, std::int64_t maxLimit)
{
    Page page;
    page.limit = defaultLimit;
    std::vector<FieldError> errors;
    if (auto text = request.query("limit")) {
        std::int64_t value = 0;
        if (!parseInteger(*text, value))
            errors.push_back({"limit", "incorrect_type", "limit must be an integer"});
        else if (value < 1 || value > maxLimit)
            errors.push_back({"limit", "out_of_range", "limit must be between 1 and " + std::to_string(maxLimit)});
        else
            page.limit = value;
    }
    if (auto text = request.query("offset")) {
        std::int64_t value = 0;
        if (!parseInteger(*text, value))
            errors.push_back({"offset", "incorrect_type", "offset must be an integer"});
        else if (value < 0)
            errors.push_back({"offset", "out_of_range", "offset must be 0 or more"});
        else
            page.offset = value;
    }
    if (!errors.empty())
        throw BadRequest("Invalid query parameters", std::move(errors));
    return page;
}

} // namespace mercato::sdk
