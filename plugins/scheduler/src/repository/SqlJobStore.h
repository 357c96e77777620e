#pragma once
#include "domain/JobStore.h"

#include "mercato/sdk/Database.h"

namespace mercato::scheduler {

/// JobStore on the host's `mercato_outbox` table (host migrations V001, V003). Claims use
/// `FOR UPDATE SKIP LOCKED` under READ COMMITTED on MariaDB (many hosts claim at once without
/// waiting on each other or on appends) and the single writer of `BEGIN IMMEDIATE` on SQLite.
class SqlJobStore final : public JobStore {
public:
    explicit SqlJobStore(sdk::Database& db) : _db(db) {}

    std::vector<Claimed> claim(const std::map<std::string, std::int64_t>& leaseSeconds, const std::vector<std::string>& ordered,
                               std::size_t limit, const std::string& token, std::int64_t nowSeconds, bool expectWork = false) override;
    bool complete(std::int64_t id, const std::string& token, std::int64_t now) override;
    bool retryLater(std::int64_t id, const std::string& token, const std::string& error, std::int64_t at) override;
    bool kill(std::int64_t id, const std::string& token, const std::string& error, std::int64_t now) override;
    bool release(std::int64_t id, const std::string& token, std::int64_t at) override;
    std::size_t rescueExpired(std::int64_t now, int maxRescues) override;
    std::size_t parkWaiting(const std::vector<std::string>& ordered, std::int64_t now, std::size_t limit) override;
    std::vector<JobRow> list(const JobListQuery& query, std::int64_t& total) override;
    std::optional<JobRow> find(std::int64_t id) override;
    bool requeue(std::int64_t id, std::int64_t now) override;
    std::vector<JobCount> counts() override;
    std::size_t purgeDone(std::int64_t before, std::size_t limit) override;
    std::int64_t oldestReady(std::int64_t now) override;

private:
    sdk::Database& _db;
};

} // namespace mercato::scheduler
