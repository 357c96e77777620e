#pragma once
// sdk::PeriodicTasks: one thread per host; while this host holds the leader lease it records and
// runs each task's current slot (one run at a time, so runs of a task never overlap).
#include "domain/Clock.h"
#include "domain/LeaseKeeper.h"
#include "domain/TaskStore.h"

#include "mercato/sdk/Metrics.h"
#include "mercato/sdk/PeriodicTasks.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mercato::scheduler {

class TaskRunner final : public sdk::PeriodicTasks {
public:
    TaskRunner(TaskStore& store, LeaseKeeper& lease, Clock clock, Poco::Logger& logger, sdk::Metrics& metrics);
    ~TaskRunner() override;

    void add(const std::string& name, std::chrono::seconds interval, std::function<void()> run) override;

    void start();
    /// Waits for a run in progress to end, then gives the lease up.
    void stop();
    /// One pass: take or renew the lease and run every task whose current slot has not run yet.
    /// Returns how many runs this host made. (The thread calls it; tests call it directly.)
    int runDue();

private:
    struct Task {
        std::string name;
        std::int64_t interval = 0;
        std::function<void()> run;
        std::int64_t lastSlot = 0; ///< the latest slot known to have a run (ours or another host's)
        std::atomic<double> lastSeconds{0};
    };

    void loop();
    std::int64_t millisToNextSlot() const;

    TaskStore& _store;
    LeaseKeeper& _lease;
    Clock _clock;
    Poco::Logger& _logger;
    sdk::Metrics& _metrics;
    mutable std::mutex _mutex;
    std::condition_variable _wake;
    std::vector<std::unique_ptr<Task>> _tasks;
    bool _stopping = false;
    std::thread _thread;
    std::mutex _runMutex; ///< one pass at a time (thread and tests)
};

} // namespace mercato::scheduler
