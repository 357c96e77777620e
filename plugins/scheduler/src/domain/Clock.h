#pragma once
// Time as the scheduler sees it: Unix milliseconds from an injectable source, so slot, lease and
// retry decisions are unit-tested without waiting.
#include <cstdint>
#include <functional>
#include <string>

namespace mercato::scheduler {

/// Unix time in milliseconds.
using Clock = std::function<std::int64_t()>;

/// The system clock.
Clock systemClock();

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a Unix time in seconds: the form the database stores.
std::string utcText(std::int64_t unixSeconds);

/// The Unix time in seconds of a `YYYY-MM-DD HH:MM:SS` UTC text; 0 when it does not parse.
std::int64_t unixSeconds(const std::string& utcText);

} // namespace mercato::scheduler
