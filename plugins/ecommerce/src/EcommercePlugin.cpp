// The ecommerce plugin: wiring only. Rules live in domain/, SQL in repository/, JSON in http/.
#include "domain/Marketplace.h"
#include "http/EcommerceRoutes.h"
#include "repository/SqlMarketStore.h"

#include "mercato/sdk/Sdk.h"

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
        return {"ecommerce",
                "1.0.0",
                {"accounts"},
                {secret, integerKey("delivery.webhookTolerance", 300, 1, 3600,
                                    "seconds a webhook-timestamp may differ from now")},
                "Stores, products, orders and the delivery webhook receiver (API.md §2)"};
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
        _store = std::make_unique<SqlMarketStore>(ctx.database(), ctx.services().require<sdk::Outbox>());
        _market = std::make_unique<Marketplace>(*_store, ctx.services().require<sdk::UserDirectory>());
        addEcommerceRoutes(ctx.router(), *_market, *_store, webhook);
    }

    void stop() override {}

private:
    std::unique_ptr<SqlMarketStore> _store;
    std::unique_ptr<Marketplace> _market;
};

} // namespace mercato::ecommerce

MERCATO_PLUGIN(mercato::ecommerce::EcommercePlugin)
