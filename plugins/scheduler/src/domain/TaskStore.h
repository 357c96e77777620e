#pragma once
// What the periodic-task runner needs from storage (repository/SqlTaskStore).
#include <cstdint>
#include <string>

namespace mercato::scheduler {

class TaskStore {
public:
    virtual ~TaskStore() = default;
    /// Records the run of `task`'s slot `slotStart` by `holder` with fencing number `fence`, unless
    /// the slot has a run already or a run with a larger fence exists (a newer leader took over):
    /// then returns 0 and writes nothing. Otherwise returns the run's id. `missed` is how many
    /// slots passed without a run before this one.
    virtual std::int64_t claimSlot(const std::string& task, std::int64_t slotStart, const std::string& holder,
                                   std::int64_t fence, std::int64_t missed, std::int64_t now) = 0;
    /// The slot start of the latest run of `task`, 0 when none.
    virtual std::int64_t lastSlot(const std::string& task) = 0;
    virtual void finishRun(std::int64_t runId, bool ok, const std::string& error, std::int64_t now) = 0;
    /// A new fencing number, larger than every one handed out before (kept in the database, so
    /// it survives restarts and a Redis flush).
    virtual std::int64_t nextFence(const std::string& holder) = 0;
};

} // namespace mercato::scheduler
