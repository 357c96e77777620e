#pragma once
// Slot arithmetic of periodic tasks (sdk::PeriodicTasks). Pure.
#include <cstdint>

namespace mercato::scheduler {

/// The start (Unix seconds) of the slot of a task with `intervalSeconds` that contains `unixSeconds`.
std::int64_t slotStart(std::int64_t unixSeconds, std::int64_t intervalSeconds);

/// The slots that passed without a run between the last run's slot `lastSlot` (0: none yet) and
/// the slot `slot` about to run: 0 when `slot` directly follows `lastSlot`.
std::int64_t missedSlots(std::int64_t lastSlot, std::int64_t slot, std::int64_t intervalSeconds);

/// Milliseconds from `unixMillis` until the next slot of `intervalSeconds` starts.
std::int64_t millisToNextSlot(std::int64_t unixMillis, std::int64_t intervalSeconds);

} // namespace mercato::scheduler
