#pragma once
#include "domain/MarketStore.h"
#include "domain/Marketplace.h"

#include "mercato/sdk/Router.h"

#include <cstdint>
#include <string>

namespace mercato::ecommerce {

/// Settings of the delivery webhook receiver.
struct WebhookSettings {
    std::string secret;            ///< whsec_…; empty: every webhook is refused
    std::int64_t toleranceSeconds = 300;
};

/// Registers every route of API.md §2 (stores, products, orders, the delivery webhook).
void addEcommerceRoutes(sdk::Router& router, Marketplace& market, MarketStore& store, WebhookSettings webhook);

} // namespace mercato::ecommerce
