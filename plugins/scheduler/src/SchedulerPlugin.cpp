// The scheduler plugin: wiring only. It replaces Celery: durable jobs (the host's outbox rows) run
// on a bounded worker pool with leases, retries and dead jobs; periodic tasks run once per slot
// per cluster under a leader lease. Rules in domain/, SQL in repository/, threads in runtime/.
#include "domain/LeaseKeeper.h"
#include "http/SchedulerRoutes.h"
#include "repository/RedisLease.h"
#include "repository/SqlJobStore.h"
#include "repository/SqlTaskStore.h"
#include "runtime/JobRunner.h"
#include "runtime/TaskRunner.h"

#include "mercato/sdk/Sdk.h"

#include <Poco/Environment.h>
#include <Poco/Process.h>
#include <Poco/Random.h>

#include <memory>

const mercato::sdk::MigrationSet& schedulerMigrations();

namespace mercato::scheduler {

class SchedulerPlugin final : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override
    {
        using namespace sdk;
        ConfigKey redisPassword = stringKey("redis.password", "", "password of that Redis");
        redisPassword.secret = true;
        return {"scheduler",
                "1.0.0",
                {},
                {integerKey("workers", 8, 1, 64, "worker threads running jobs (separate from the HTTP threads)"),
                 integerKey("pollMillis", 200, 10, 60000, "how long an idle dispatcher waits before looking for due jobs again"),
                 integerKey("claimBatch", 16, 1, 1000, "jobs claimed per query at most"),
                 integerKey("leaseMarginSeconds", 30, 1, 3600, "a claimed job's lease: its type's timeout plus this"),
                 integerKey("stopGraceSeconds", 10, 0, 300, "at shutdown, how long running jobs may finish before they are released"),
                 integerKey("maxRescues", 5, 1, 1000, "a job whose worker died this many times is dead (a job that kills its host)"),
                 integerKey("leader.ttlMillis", 15000, 1000, 600000, "the periodic-task leader lease; a stopped leader is replaced after it"),
                 integerKey("retentionHours", 168, 1, 87600, "done jobs are deleted after this many hours (dead ones are kept)"),
                 stringKey("redis.host", "", "Redis for the leader lease (empty: the lease lives in the database)"),
                 integerKey("redis.port", 6379, 1, 65535, "port of that Redis"), redisPassword},
                "Durable background jobs with retries and periodic tasks once per cluster (replaces Celery)"};
    }

    void start(sdk::PluginContext& ctx) override
    {
        const auto& config = ctx.config();
        ctx.database().migrate("scheduler", schedulerMigrations());
        Clock clock = systemClock();
        Poco::Random random;
        random.seed();
        const std::string holder = Poco::Environment::nodeName().substr(0, 60) + ":" + std::to_string(Poco::Process::id()) + ":"
                                   + std::to_string(random.next(1u << 30));

        _jobStore = std::make_unique<SqlJobStore>(ctx.database());
        _taskStore = std::make_unique<SqlTaskStore>(ctx.database(), clock);
        LeaseBackend* lease = _taskStore.get();
        if (!config.getString("redis.host").empty()) {
            _redis = std::make_unique<RedisLease>(config.getString("redis.host"), static_cast<int>(config.getInt("redis.port")),
                                                  config.getString("redis.password"), "mercato:" + ctx.serviceName() + ":scheduler:leader");
            _fallback = std::make_unique<FallbackLease>(*_redis, *_taskStore);
            lease = _fallback.get();
        }
        SqlTaskStore* tasks = _taskStore.get();
        _lease = std::make_unique<LeaseKeeper>(*lease, [tasks, holder] { return tasks->nextFence(holder); }, clock, holder,
                                               config.getInt("leader.ttlMillis"));

        RunnerSettings settings;
        settings.workers = static_cast<int>(config.getInt("workers"));
        settings.pollMillis = static_cast<int>(config.getInt("pollMillis"));
        settings.claimBatch = static_cast<int>(config.getInt("claimBatch"));
        settings.leaseMarginSeconds = static_cast<int>(config.getInt("leaseMarginSeconds"));
        settings.stopGraceSeconds = static_cast<int>(config.getInt("stopGraceSeconds"));
        settings.maxRescues = static_cast<int>(config.getInt("maxRescues"));
        settings.holder = holder;
        _jobs = std::make_shared<JobRunner>(*_jobStore, settings, clock, ctx.logger(), ctx.metrics());
        _tasks = std::make_shared<TaskRunner>(*_taskStore, *_lease, clock, ctx.logger(), ctx.metrics());
        ctx.services().provide<sdk::Jobs>(_jobs);
        ctx.services().provide<sdk::PeriodicTasks>(_tasks);

        JobStore* store = _jobStore.get();
        ctx.metrics().gaugeFamily("mercato_jobs", "Jobs by type and state (ready, running, retrying, dead)", [store] {
            std::vector<sdk::Metrics::Sample> samples;
            for (const auto& c : store->counts())
                samples.push_back({"type=\"" + c.type + "\",state=\"" + c.state + "\"", static_cast<double>(c.count)});
            return samples;
        });
        ctx.metrics().gauge("mercato_jobs_oldest_ready_age_seconds", "Age of the oldest job that is due and waiting for a worker",
                            [store, clock] {
                                const std::int64_t now = clock() / 1000;
                                const std::int64_t oldest = store->oldestReady(now);
                                return oldest == 0 ? 0.0 : static_cast<double>(now - oldest);
                            });
        addSchedulerRoutes(ctx.router(), *_jobStore, clock);

        // Done jobs are history: kept `retentionHours` for GET /admin/jobs, then deleted in
        // batches by a periodic task of our own (once per cluster, like any other).
        const std::int64_t retention = config.getInt("retentionHours") * 3600;
        Poco::Logger* logger = &ctx.logger();
        _tasks->add("scheduler.purge", std::chrono::seconds(600), [store, clock, retention, logger] {
            std::size_t total = 0;
            for (std::size_t n = 1; n > 0 && total < 1'000'000; total += n)
                n = store->purgeDone(clock() / 1000 - retention, 5000);
            if (total > 0)
                logger->information("scheduler.purge: deleted %z done job(s)", total);
        });

        if (ctx.serving()) {
            _jobs->start();
            _tasks->start();
            ctx.logger().information("scheduler: %d worker(s), holder %s, leader lease in %s", settings.workers, holder,
                                     std::string(_redis ? "Redis (database when Redis is away)" : "the database"));
        }
    }

    void stop() override
    {
        if (_tasks)
            _tasks->stop();
        if (_jobs)
            _jobs->stop();
    }

private:
    std::unique_ptr<SqlJobStore> _jobStore;
    std::unique_ptr<SqlTaskStore> _taskStore;
    std::unique_ptr<RedisLease> _redis;
    std::unique_ptr<FallbackLease> _fallback;
    std::unique_ptr<LeaseKeeper> _lease;
    std::shared_ptr<JobRunner> _jobs;
    std::shared_ptr<TaskRunner> _tasks;
};

} // namespace mercato::scheduler

MERCATO_PLUGIN(mercato::scheduler::SchedulerPlugin)
