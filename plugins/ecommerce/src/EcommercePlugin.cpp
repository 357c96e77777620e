// The ecommerce plugin: wiring only. Rules live in domain/, SQL in repository/, JSON in http/.
#include "domain/Catalog.h"
#include "domain/Orders.h"
#include "http/Routes.h"
#include "jobs/DeliveryClient.h"
#include "jobs/DeliverySubscription.h"
#include "jobs/DispatchRelay.h"
#include "repository/SqlCatalogStore.h"
#include "repository/SqlOrderStore.h"

#include "mercato/sdk/Sdk.h"

#include <Poco/SHA1Engine.h>
#include <Poco/Timestamp.h>

#include <memory>

const mercato::sdk::MigrationSet& ecommerceMigrations();

namespace mercato::ecommerce {

class EcommercePlugin final : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override
    {
        using namespace sdk;
        ConfigKey secret = stringKey("delivery.webhookSecret", "",
                                     "Standard Webhooks secret (whsec_…) of POST /webhooks/delivery; empty: webhooks are refused");
        secret.secret = true;
        ConfigKey password = stringKey("delivery.password", "", "password of that account");
        password.secret = true;
        return {"ecommerce",
                "1.0.0",
                {"accounts"},
                {secret, integerKey("delivery.webhookTolerance", 300, 1, 3600, "seconds a webhook-timestamp may differ from now"),
                 stringKey("delivery.url", "", "base URL of the delivery service (empty: dispatched orders wait in the outbox)"),
                 stringKey("delivery.username", "", "the delivery service's DELIVERY_CLIENT account this service signs in as"), password,
                 integerKey("delivery.timeout", 10, 1, 120, "seconds to connect, send and receive of each call to the delivery service"),
                 stringKey("delivery.retrySchedule", "5,30,120,600,3600", "seconds before the 1st, 2nd, … retry of a failed delivery request"),
                 integerKey("delivery.retryEvery", 600, 1, 604800, "seconds between further retries after the schedule"),
                 integerKey("delivery.giveUpAfter", 604800, 1, 31536000, "seconds after the dispatch when a failing delivery request is dead"),
                 stringKey("delivery.receiverUrl", "",
                           "this service's POST /webhooks/delivery URL as the delivery service reaches it; set: subscribe at start"),
                 integerKey("orders.reservationMinutes", 0, 0, 525600,
                            "minutes an order may stay CREATED before its unconfirmed shipments are cancelled and their stock "
                            "released (0: never; needs the scheduler plugin)"),
                 integerKey("orders.reservationCheckSeconds", 60, 1, 3600, "seconds between two looks for expired reservations")},
                "Stores, products, orders and the delivery webhook receiver (API.md §2)",
                {"scheduler"}};
    }

    void start(sdk::PluginContext& ctx) override
    {
        WebhookSettings webhook;
        webhook.secret = ctx.config().getString("delivery.webhookSecret");
        webhook.toleranceSeconds = ctx.config().getInt("delivery.webhookTolerance");
        if (!webhook.secret.empty() && !sdk::webhook::isValidSecret(webhook.secret))
            throw std::invalid_argument("ecommerce.delivery.webhookSecret must have the form whsec_<base64>");
        if (webhook.secret.empty() && ctx.serving())
            ctx.logger().warning("ecommerce.delivery.webhookSecret is empty: POST /webhooks/delivery refuses every call");

        ctx.database().migrate("ecommerce", ecommerceMigrations());
        _catalogStore = std::make_unique<SqlCatalogStore>(ctx.database());
        _orderStore = std::make_unique<SqlOrderStore>(ctx.database(), ctx.services().require<sdk::Outbox>());
        _catalog = std::make_unique<Catalog>(*_catalogStore, ctx.services().require<sdk::UserDirectory>());
        _orders = std::make_unique<Orders>(*_orderStore, *_catalogStore);
        addEcommerceRoutes(ctx.router(), *_catalog, *_orders, webhook);

        const auto& config = ctx.config();
        DeliveryClientSettings delivery;
        delivery.baseUrl = config.getString("delivery.url");
        delivery.username = config.getString("delivery.username");
        delivery.password = config.getString("delivery.password");
        delivery.timeout = std::chrono::seconds(config.getInt("delivery.timeout"));
        if (!delivery.baseUrl.empty() && sdk::outboundUrlProblem(delivery.baseUrl, true))
            throw std::invalid_argument("ecommerce.delivery.url must be an http(s) URL: " + *sdk::outboundUrlProblem(delivery.baseUrl, true));
        if (!delivery.baseUrl.empty() && delivery.username.empty())
            throw std::invalid_argument("ecommerce.delivery.username is required with ecommerce.delivery.url");
        _delivery = std::make_unique<DeliveryClient>(delivery, [] { return Poco::Timestamp().epochTime(); }, ctx.metrics());
        sdk::RetryPolicy retry;
        retry.delays = sdk::RetryPolicy::parseDelays(config.getString("delivery.retrySchedule"));
        retry.repeatEvery = config.getInt("delivery.retryEvery");
        retry.giveUpAfter = config.getInt("delivery.giveUpAfter");
        _relay = std::make_unique<DispatchRelay>(*_orders, *_delivery, retry, delivery.timeout);
        const std::string receiver = config.getString("delivery.receiverUrl");
        if (!receiver.empty() && webhook.secret.empty())
            throw std::invalid_argument("ecommerce.delivery.receiverUrl needs ecommerce.delivery.webhookSecret (the shared secret)");
        if (!receiver.empty() && delivery.baseUrl.empty())
            throw std::invalid_argument("ecommerce.delivery.receiverUrl needs ecommerce.delivery.url");
        _subscription = std::make_unique<DeliverySubscription>(*_delivery, receiver, webhook.secret);

        DeliverySubscription* subscription = _subscription.get();
        ctx.cli().add({"ecommerce subscribe-delivery",
                       "subscribe ecommerce.delivery.receiverUrl to the delivery service's webhooks (idempotent)",
                       [subscription](const std::vector<std::string>&, std::ostream& out) {
                           if (subscription->receiverUrl().empty()) {
                               out << "ecommerce.delivery.receiverUrl is not set: nothing to subscribe\n";
                               return 78;
                           }
                           auto outcome = subscription->ensure();
                           out << subscription->receiverUrl()
                               << (outcome == DeliverySubscription::Outcome::Created ? ": subscribed\n" : ": already subscribed\n");
                           return 0;
                       }});

        auto jobs = ctx.services().find<sdk::Jobs>();
        if (!jobs)
            return; // an API-only host: dispatch messages wait in the outbox for a host with the scheduler
        DispatchRelay* relay = _relay.get();
        jobs->handle(Orders::kDispatchTopic, relay->jobOptions(), [relay](const sdk::Job& job) { return relay->send(job); });
        sdk::JobTypeOptions subscribeOptions;
        subscribeOptions.timeout = std::chrono::seconds(60);
        subscribeOptions.retry.delays = {5, 15, 30, 60};
        subscribeOptions.retry.repeatEvery = 300;
        subscribeOptions.retry.giveUpAfter = 0; // until the delivery service answers
        jobs->handle(kSubscribeTopic, subscribeOptions, [subscription](const sdk::Job& job) { return subscription->run(job); });
        if (auto tasks = ctx.services().find<sdk::PeriodicTasks>(); tasks && config.getInt("orders.reservationMinutes") > 0) {
            Orders* orders = _orders.get();
            const std::int64_t minutes = config.getInt("orders.reservationMinutes");
            sdk::Counter& expired = ctx.metrics().counter("mercato_ecommerce_reservations_expired_total",
                                                          "Orders whose reservations expired (unconfirmed shipments cancelled)");
            tasks->add("ecommerce.reservations", std::chrono::seconds(config.getInt("orders.reservationCheckSeconds")),
                       [orders, minutes, &expired] {
                           constexpr std::size_t kBatch = 100;
                           const std::string cutoff = sdk::utcFromNow(-minutes * 60);
                           for (std::size_t n = kBatch; n == kBatch;) {
                               n = orders->expireReservations(cutoff, kBatch);
                               expired.inc(n);
                           }
                       });
        }
        if (!receiver.empty() && ctx.serving()) {
            sdk::Transaction tx(ctx.database());
            Poco::SHA1Engine digest;
            digest.update(receiver);
            ctx.services().require<sdk::Outbox>()->enqueue(
                tx, {kSubscribeTopic, "subscription", "{}", "ecommerce.delivery.subscribe:" + Poco::DigestEngine::digestToHex(digest.digest())});
            tx.commit();
        }
    }

    void stop() override {}

private:
    static constexpr const char* kSubscribeTopic = "ecommerce.delivery.subscribe";
    std::unique_ptr<DeliveryClient> _delivery;
    std::unique_ptr<DispatchRelay> _relay;
    std::unique_ptr<DeliverySubscription> _subscription;
    std::unique_ptr<SqlCatalogStore> _catalogStore;
    std::unique_ptr<SqlOrderStore> _orderStore;
    std::unique_ptr<Catalog> _catalog;
    std::unique_ptr<Orders> _orders;
};

} // namespace mercato::ecommerce

MERCATO_PLUGIN(mercato::ecommerce::EcommercePlugin)
