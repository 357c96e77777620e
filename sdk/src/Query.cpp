#include "mercato/sdk/Query.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Request.h"

#include <Poco/NumberParser.h>

namespace mercato::sdk {

std::optional<std::int64_t> queryId(const Request& request, const std::string& name)
{
    auto text = request.query(name);
    if (!text)
        return std::nullopt;
    Poco::Int64 id = 0;
    if (text->empty() || text->find_first_not_of("0123456789") != std::string::npos || !Poco::NumberParser::tryParse64(*text, id)
        || id < 1)
        throw BadRequest(name, "incorrect_type", name + " must be a positive integer");
    return id;
}

std::optional<bool> queryBool(const Request& request, const std::string& name)
{
    auto text = request.query(name);
    if (!text)
        return std::nullopt;
    if (*text == "true" || *text == "1")
        return true;
    if (*text == "false" || *text == "0")
        return false;
    throw BadRequest(name, "invalid_value", name + " must be true or false");
}

std::optional<std::string> queryText(const Request& request, const std::string& name, std::size_t maxLength)
{
    auto text = request.query(name);
    if (text && text->size() > maxLength)
        throw BadRequest(name, "too_long", name + " has at most " + std::to_string(maxLength) + " characters");
    return text;
}

} // namespace mercato::sdk
