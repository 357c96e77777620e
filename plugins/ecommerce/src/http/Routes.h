#pragma once
// The route tables of API.md §2, one per resource. Each handler is a named function of the
// resource's file; domain refusals become HTTP errors in http/Refusals.
#include "domain/Catalog.h"
#include "domain/Orders.h"

#include "mercato/sdk/Router.h"

#include <cstdint>
#include <string>

namespace mercato::ecommerce {

/// Settings of the delivery webhook receiver.
struct WebhookSettings {
    std::string secret; ///< whsec_…; empty: every webhook is refused
    std::int64_t toleranceSeconds = 300;
};

/// /stores
void addStoreRoutes(sdk::Router& router, Catalog& catalog);
/// /products
void addProductRoutes(sdk::Router& router, Catalog& catalog);
/// /orders, their lines (also under the seed's /order)
void addOrderRoutes(sdk::Router& router, Orders& orders);
/// POST /webhooks/delivery
void addDeliveryWebhookRoutes(sdk::Router& router, Orders& orders, WebhookSettings webhook);

/// Every route of API.md §2, in the order above.
inline void addEcommerceRoutes(sdk::Router& router, Catalog& catalog, Orders& orders, WebhookSettings webhook)
{
    addStoreRoutes(router, catalog);
    addProductRoutes(router, catalog);
    addOrderRoutes(router, orders);
    addDeliveryWebhookRoutes(router, orders, std::move(webhook));
}

} // namespace mercato::ecommerce
