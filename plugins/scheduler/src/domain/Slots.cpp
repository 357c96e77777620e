#include "domain/Slots.h"

namespace mercato::scheduler {

std::int64_t slotStart(std::int64_t unixSeconds, std::int64_t intervalSeconds)
{
    std::int64_t r = unixSeconds % intervalSeconds;
    if (r < 0)
        r += intervalSeconds;
    return unixSeconds - r;
}

std::int64_t missedSlots(std::int64_t lastSlot, std::int64_t slot, std::int64_t intervalSeconds)
{
    if (lastSlot <= 0 || slot <= lastSlot)
        return 0;
    return (slot - lastSlot) / intervalSeconds - 1;
}

std::int64_t millisToNextSlot(std::int64_t unixMillis, std::int64_t intervalSeconds)
{
    const std::int64_t period = intervalSeconds * 1000;
    std::int64_t r = unixMillis % period;
    if (r < 0)
        r += period;
    return period - r;
}

} // namespace mercato::scheduler
