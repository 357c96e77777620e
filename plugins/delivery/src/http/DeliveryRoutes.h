#pragma once
#include "domain/DeliveryService.h"
#include "domain/StatusTicker.h"

#include "mercato/sdk/Router.h"

namespace mercato::delivery {

/// Registers every route of API.md §3 (users and sign-in come from the accounts plugin).
void addDeliveryRoutes(sdk::Router& router, DeliveryService& service, StatusTicker& ticker);

} // namespace mercato::delivery
