// The delivery plugin: wiring only. Rules live in domain/, SQL in repository/, JSON in http/.
#include "domain/DeliveryService.h"
#include "domain/Events.h"
#include "domain/StatusTicker.h"
#include "http/DeliveryRoutes.h"
#include "jobs/WebhookSender.h"
#include "repository/SqlDeliveryStore.h"

#include "mercato/sdk/Sdk.h"

#include <Poco/Random.h>
#include <Poco/RandomStream.h>
#include <Poco/Timestamp.h>

#include <memory>

const mercato::sdk::MigrationSet& deliveryMigrations();

namespace mercato::delivery {

class DeliveryPlugin final : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override
    {
        using namespace sdk;
        return {"delivery",
                "1.0.0",
                {"accounts"},
                {numberKey("tick.deliveredProbability", 0.5, "probability that IN_ROUTE_OF_DELIVERY becomes DELIVERED on a tick (else NOT_DELIVERED)"),
                 integerKey("tick.seed", 0, 0, 4'294'967'295LL, "seed of the tick's random source; 0: a random seed (set one for reproducible tests)"),
                 integerKey("tick.batchSize", 1000, 1, 10'000, "deliveries moved per transaction by a tick"),
                 integerKey("tick.interval", 30, 1, 86400, "seconds between status ticks (run by the scheduler plugin, once per cluster)"),
                 booleanKey("webhooks.allowPrivateNetworks", false,
                            "accept webhook URLs on loopback/private/link-local hosts (local set-ups only)"),
                 stringKey("webhooks.retrySchedule", "5,30,120,600,3600", "seconds before the 1st, 2nd, … retry of a failed webhook send"),
                 integerKey("webhooks.retryEvery", 21600, 1, 604800, "seconds between further retries after the schedule"),
                 integerKey("webhooks.giveUpAfter", 259200, 1, 2592000, "seconds after the event when a failing send is given up (dead)"),
                 integerKey("webhooks.timeout", 10, 1, 60, "seconds to connect, to send and to receive the answer of one webhook send"),
                 integerKey("webhooks.maxConcurrentPerEndpoint", 4, 1, 64, "webhook sends to one subscription running at once on this host")},
                "Deliveries, tracking history, the status tick and webhook subscriptions (API.md §3)",
                {"scheduler"}};
    }

    void start(sdk::PluginContext& ctx) override
    {
        const auto& config = ctx.config();
        TickSettings tick;
        tick.deliveredProbability = config.getDouble("tick.deliveredProbability");
        if (!(tick.deliveredProbability >= 0.0 && tick.deliveredProbability <= 1.0))
            throw std::invalid_argument("delivery.tick.deliveredProbability must be between 0 and 1");
        tick.batchSize = static_cast<std::size_t>(config.getInt("tick.batchSize"));
        auto seed = static_cast<Poco::UInt32>(config.getInt("tick.seed"));
        if (seed == 0) {
            Poco::RandomInputStream entropy;
            entropy.read(reinterpret_cast<char*>(&seed), sizeof seed);
        }
        _random = std::make_unique<Poco::Random>();
        _random->seed(seed);
        const bool allowPrivate = config.getBool("webhooks.allowPrivateNetworks");
        if (allowPrivate && ctx.serving())
            ctx.logger().warning("delivery.webhooks.allowPrivateNetworks is on: webhooks may target private networks");

        ctx.database().migrate("delivery", deliveryMigrations());
        _store = std::make_unique<SqlDeliveryStore>(ctx.database(), ctx.services().require<sdk::Outbox>());
        _service = std::make_unique<DeliveryService>(
            *_store, [allowPrivate](const std::string& url) { return sdk::outboundUrlProblem(url, allowPrivate); });
        Poco::Random* random = _random.get();
        _ticker = std::make_unique<StatusTicker>(*_store, tick, [random] { return random->nextDouble(); }, [] { return sdk::utcNow(); });
        addDeliveryRoutes(ctx.router(), *_service, *_ticker);

        // Background work, where this host runs the scheduler (else an API-only host: the outbox
        // rows wait for one that does).
        WebhookSettings webhooks;
        webhooks.retry.delays = sdk::RetryPolicy::parseDelays(config.getString("webhooks.retrySchedule"));
        webhooks.retry.repeatEvery = config.getInt("webhooks.retryEvery");
        webhooks.retry.giveUpAfter = config.getInt("webhooks.giveUpAfter");
        webhooks.timeout = std::chrono::seconds(config.getInt("webhooks.timeout"));
        webhooks.maxConcurrentPerEndpoint = static_cast<int>(config.getInt("webhooks.maxConcurrentPerEndpoint"));
        webhooks.allowPrivateNetworks = allowPrivate;
        _sender = std::make_unique<WebhookSender>(*_store, webhooks, ctx.metrics(), [] { return Poco::Timestamp().epochTime(); });
        if (auto jobs = ctx.services().find<sdk::Jobs>()) {
            WebhookSender* sender = _sender.get();
            jobs->handle(kWebhookTopic, sender->jobOptions(), [sender](const sdk::Job& job) { return sender->send(job); });
        }
        if (auto tasks = ctx.services().find<sdk::PeriodicTasks>()) {
            StatusTicker* ticker = _ticker.get();
            sdk::Counter& moved = ctx.metrics().counter("mercato_delivery_tick_moved_total", "Deliveries moved by status ticks on this host");
            tasks->add("delivery.tick", std::chrono::seconds(config.getInt("tick.interval")),
                       [ticker, &moved] { moved.inc(static_cast<std::uint64_t>(ticker->tick())); });
        }
    }

    void stop() override {}

private:
    std::unique_ptr<Poco::Random> _random;
    std::unique_ptr<SqlDeliveryStore> _store;
    std::unique_ptr<DeliveryService> _service;
    std::unique_ptr<StatusTicker> _ticker;
    std::unique_ptr<WebhookSender> _sender;
};

} // namespace mercato::delivery

MERCATO_PLUGIN(mercato::delivery::DeliveryPlugin)
