#pragma once
#include "domain/LeaseKeeper.h"
#include "domain/TaskStore.h"

#include "mercato/sdk/Database.h"

namespace mercato::scheduler {

/// TaskStore on `scheduler_task_runs` and the fencing counter, and the database lease of the
/// embedded default (LeaseBackend on the `leader` row of `scheduler_leases`).
class SqlTaskStore final : public TaskStore, public LeaseBackend {
public:
    SqlTaskStore(sdk::Database& db, Clock clock) : _db(db), _clock(std::move(clock)) {}

    std::int64_t claimSlot(const std::string& task, std::int64_t slotStart, const std::string& holder, std::int64_t fence,
                           std::int64_t missed, std::int64_t now) override;
    std::int64_t lastSlot(const std::string& task) override;
    void finishRun(std::int64_t runId, bool ok, const std::string& error, std::int64_t now) override;
    std::int64_t nextFence(const std::string& holder) override;

    bool acquire(const std::string& holder, std::int64_t ttlMillis) override;
    void release(const std::string& holder) override;

private:
    sdk::Database& _db;
    Clock _clock;
};

} // namespace mercato::scheduler
