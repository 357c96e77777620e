#include "runtime/TaskRunner.h"

#include "domain/Slots.h"

#include "mercato/sdk/ApiError.h"

#include <Poco/Stopwatch.h>

#include <algorithm>
#include <stdexcept>

namespace mercato::scheduler {

TaskRunner::TaskRunner(TaskStore& store, LeaseKeeper& lease, Clock clock, Poco::Logger& logger, sdk::Metrics& metrics)
    : _store(store), _lease(lease), _clock(std::move(clock)), _logger(logger), _metrics(metrics)
{
    LeaseKeeper* keeper = &_lease;
    _metrics.gauge("mercato_scheduler_leader", "1 while this host holds the periodic-task lease", [keeper] { return keeper->held() ? 1.0 : 0.0; });
    _metrics.gauge("mercato_scheduler_lease_acquisitions", "Times this host became the periodic-task leader (lease holder changes)",
                   [keeper] { return static_cast<double>(keeper->acquisitions()); });
    _metrics.gaugeFamily("mercato_periodic_task_last_duration_seconds", "Duration of each task's last run on this host", [this] {
        std::vector<sdk::Metrics::Sample> samples;
        std::lock_guard<std::mutex> lock(_mutex);
        for (const auto& t : _tasks)
            samples.push_back({"task=\"" + t->name + "\"", t->lastSeconds.load()});
        return samples;
    });
}

TaskRunner::~TaskRunner()
{
    stop();
}

void TaskRunner::add(const std::string& name, std::chrono::seconds interval, std::function<void()> run)
{
    if (interval.count() < 1)
        throw std::invalid_argument("periodic task '" + name + "': the interval must be at least 1 s");
    if (name.empty() || name.size() > 100 || !run)
        throw std::invalid_argument("a periodic task needs a name of 1-100 characters and a function");
    std::lock_guard<std::mutex> lock(_mutex);
    for (const auto& t : _tasks)
        if (t->name == name)
            throw std::logic_error("periodic task '" + name + "' exists already");
    auto task = std::make_unique<Task>();
    task->name = name;
    task->interval = interval.count();
    task->run = std::move(run);
    for (const char* outcome : {"done", "failed"})
        _metrics.counter("mercato_periodic_task_runs_total", "Periodic task runs on this host by outcome",
                         "task=\"" + name + "\",outcome=\"" + outcome + "\"");
    _metrics.counter("mercato_periodic_task_missed_slots_total", "Slots that passed without a run (skipped, not piled up)",
                     "task=\"" + name + "\"");
    _tasks.push_back(std::move(task));
    _wake.notify_all();
}

void TaskRunner::start()
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_thread.joinable())
        return;
    _stopping = false;
    _thread = std::thread([this] { loop(); });
}

void TaskRunner::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (!_thread.joinable())
            return;
        _stopping = true;
        _wake.notify_all();
    }
    _thread.join();
    _lease.release();
}

std::int64_t TaskRunner::millisToNextSlot() const
{
    std::int64_t wait = 1000;
    const std::int64_t now = _clock();
    for (const auto& t : _tasks)
        wait = std::min(wait, scheduler::millisToNextSlot(now, t->interval));
    return std::max<std::int64_t>(wait, 20);
}

void TaskRunner::loop()
{
    while (true) {
        try {
            runDue();
        } catch (const std::exception& e) {
            _logger.warning("periodic tasks: %s", sdk::errorText(e));
        }
        std::unique_lock<std::mutex> lock(_mutex);
        if (_stopping)
            return;
        // Wake at the next slot boundary (at most a second away, so the lease is renewed in time).
        _wake.wait_for(lock, std::chrono::milliseconds(millisToNextSlot()), [this] { return _stopping; });
        if (_stopping)
            return;
    }
}

int TaskRunner::runDue()
{
    std::lock_guard<std::mutex> pass(_runMutex);
    std::vector<Task*> tasks;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (auto& t : _tasks)
            tasks.push_back(t.get());
    }
    if (tasks.empty() || !_lease.ensure())
        return 0;
    int runs = 0;
    for (Task* task : tasks) {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            if (_stopping)
                break;
        }
        const std::int64_t now = _clock() / 1000;
        const std::int64_t slot = slotStart(now, task->interval);
        if (slot <= task->lastSlot)
            continue;
        const std::int64_t last = _store.lastSlot(task->name);
        if (slot <= last) {
            task->lastSlot = last;
            continue;
        }
        // The lease can have lapsed while an earlier task ran: renew before recording a slot.
        if (!_lease.ensure())
            break;
        const std::int64_t missed = missedSlots(last, slot, task->interval);
        const std::int64_t runId = _store.claimSlot(task->name, slot, _lease.holder(), _lease.fence(), missed, now);
        task->lastSlot = slot;
        if (runId == 0)
            continue; // another host ran it, or took over with a newer fence
        if (missed > 0) {
            _metrics.counter("mercato_periodic_task_missed_slots_total", "", "task=\"" + task->name + "\"").inc(static_cast<std::uint64_t>(missed));
            _logger.warning("periodic task %s: %s slot(s) passed without a run; skipped", task->name, std::to_string(missed));
        }
        Poco::Stopwatch watch;
        watch.start();
        bool ok = true;
        std::string error;
        try {
            task->run();
        } catch (const std::exception& e) {
            ok = false;
            error = sdk::errorText(e);
            _logger.error("periodic task %s failed: %s", task->name, error);
        }
        task->lastSeconds.store(static_cast<double>(watch.elapsed()) / 1e6);
        _metrics.counter("mercato_periodic_task_runs_total", "", "task=\"" + task->name + "\",outcome=\"" + (ok ? "done" : "failed") + "\"").inc();
        try {
            _store.finishRun(runId, ok, error, _clock() / 1000);
        } catch (const std::exception& e) {
            _logger.warning("periodic task %s: could not record the end of its run: %s", task->name, sdk::errorText(e));
        }
        ++runs;
    }
    return runs;
}

} // namespace mercato::scheduler
