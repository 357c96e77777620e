#include "domain/Clock.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

namespace mercato::scheduler {

Clock systemClock()
{
    return [] { return Poco::Timestamp().epochMicroseconds() / 1000; };
}

std::string utcText(std::int64_t unixSeconds)
{
    return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(unixSeconds)),
                                           "%Y-%m-%d %H:%M:%S");
}

std::int64_t unixSeconds(const std::string& utcText)
{
    Poco::DateTime parsed;
    int zone = 0;
    if (!Poco::DateTimeParser::tryParse("%Y-%m-%d %H:%M:%S", utcText, parsed, zone))
        return 0;
    return parsed.timestamp().epochTime();
}

} // namespace mercato::scheduler
