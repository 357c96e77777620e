#include "mercato/sdk/Request.h"

#include "mercato/sdk/ApiError.h"

#include <Poco/Ascii.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <limits>

namespace mercato::sdk {

std::int64_t Request::idParam(const std::string& name) const
{
    auto text = param(name);
    // Only canonical positive decimals are ids: no sign, no leading zero, no overflow.
    if (!text || text->empty() || text->size() > 19 || (*text)[0] == '0')
        throw NotFound();
    std::uint64_t value = 0;
    for (char c : *text) {
        if (c < '0' || c > '9')
            throw NotFound();
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw NotFound();
    return static_cast<std::int64_t>(value);
}

bool Request::hasBody() const
{
    const std::string& raw = rawBody();
    return std::any_of(raw.begin(), raw.end(), [](char c) { return !Poco::Ascii::isSpace(c); });
}

JsonObject Request::body() const
{
    const Poco::Dynamic::Var& value = json();
    if (!hasBody())
        throw BadRequest("Request body is required", {FieldError{"body", "empty_body", "a JSON object body is required"}});
    if (value.type() != typeid(JsonObject))
        throw BadRequest("Invalid input", {FieldError{"body", "incorrect_type", "the body must be a JSON object"}});
    return value.extract<JsonObject>();
}

JsonObject Request::bodyOrEmpty() const
{
    if (!hasBody())
        return makeObject();
    return body();
}

const Principal& Request::user() const
{
    const Principal* p = principal();
    if (!p)
        throw Unauthorized();
    return *p;
}

std::string Request::preferredType(const std::vector<std::string>& offered) const
{
    if (offered.empty())
        return {};
    auto accept = header("Accept");
    if (!accept || Poco::trim(*accept).empty())
        return offered.front();
    struct Range {
        std::string type;
        double q = 1.0;
    };
    std::vector<Range> ranges;
    Poco::StringTokenizer items(*accept, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& item : items) {
        Poco::StringTokenizer parts(item, ";", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        if (parts.count() == 0)
            continue;
        Range r{Poco::toLower(parts[0])};
        for (std::size_t i = 1; i < parts.count(); ++i) {
            const std::string& p = parts[i];
            double q = 0;
            if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=' && Poco::NumberParser::tryParseFloat(p.substr(2), q))
                r.q = std::max(0.0, std::min(1.0, q));
        }
        ranges.push_back(r);
    }
    // q of an offered type: that of the most specific range matching it (exact > type/* > */*).
    auto quality = [&ranges](const std::string& type) {
        const std::string lower = Poco::toLower(type);
        const std::string family = lower.substr(0, lower.find('/')) + "/*";
        int best = -1;
        double q = 0;
        for (const auto& r : ranges) {
            const int specificity = r.type == lower ? 2 : r.type == family ? 1 : r.type == "*/*" ? 0 : -1;
            if (specificity > best) {
                best = specificity;
                q = r.q;
            }
        }
        return q;
    };
    std::string chosen = offered.front();
    double chosenQ = quality(chosen);
    for (std::size_t i = 1; i < offered.size(); ++i) {
        const double q = quality(offered[i]);
        if (q > chosenQ) {
            chosen = offered[i];
            chosenQ = q;
        }
    }
    return chosen;
}

bool Request::hasRole(const std::string& role) const
{
    const Principal* p = principal();
    return p && p->role == role;
}

} // namespace mercato::sdk
