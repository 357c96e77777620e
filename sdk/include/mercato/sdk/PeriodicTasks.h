#pragma once
#include "Export.h"

#include <chrono>
#include <functional>
#include <string>

namespace mercato::sdk {

/// Periodic tasks run once per slot per cluster, by the `scheduler` plugin.
///
/// A task with interval T has a slot every T seconds of Unix time (slot start = t - t mod T). At
/// most one run per slot ever happens in a cluster of hosts sharing the database: a run first
/// inserts its slot as a row with the unique key (task, slot start), so two leaders, a leader
/// paused and resumed, clock skew or a restart can never run a slot twice. A lease (Redis when
/// configured, else the database) keeps the hosts from contending. Runs of one task never overlap:
/// slots that pass while a run is still going are recorded as missed and skipped, not piled up.
class MERCATO_SDK_API PeriodicTasks {
public:
    static constexpr const char* kServiceName = "mercato.periodic";
    virtual ~PeriodicTasks();
    /// Registers a task. `run` is called on the scheduler's task thread, one run at a time, and
    /// should return well within `interval`. An exception is logged and recorded on the slot.
    /// Throws std::logic_error when the name is taken, std::invalid_argument for an interval < 1 s.
    virtual void add(const std::string& name, std::chrono::seconds interval, std::function<void()> run) = 0;
};

} // namespace mercato::sdk
