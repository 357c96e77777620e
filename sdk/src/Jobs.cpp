#include "mercato/sdk/Jobs.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <stdexcept>

namespace mercato::sdk {

std::optional<std::int64_t> RetryPolicy::nextDelay(int failures, std::int64_t ageSeconds) const
{
    if (failures < 1)
        return 0;
    if (maxAttempts > 0 && failures >= maxAttempts)
        return std::nullopt;
    const auto index = static_cast<std::size_t>(failures - 1);
    const std::int64_t delay = index < delays.size() ? delays[index] : repeatEvery;
    if (delay <= 0)
        return std::nullopt; // nothing to repeat with
    if (giveUpAfter > 0 && ageSeconds + delay > giveUpAfter)
        return std::nullopt;
    return delay;
}

std::vector<std::int64_t> RetryPolicy::parseDelays(const std::string& text)
{
    std::vector<std::int64_t> delays;
    Poco::StringTokenizer items(text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& item : items) {
        Poco::Int64 value = 0;
        if (!Poco::NumberParser::tryParse64(item, value) || value < 1)
            throw std::invalid_argument("'" + item + "' is not a positive number of seconds");
        delays.push_back(value);
    }
    return delays;
}

} // namespace mercato::sdk
