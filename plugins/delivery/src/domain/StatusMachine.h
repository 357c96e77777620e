#pragma once
// The delivery status machine of API.md §3, as pure functions.
#include "domain/DeliveryModel.h"

#include <optional>

namespace mercato::delivery {

/// Where one tick moves a delivery in `status`, or nullopt when it does not move (DELIVERED,
/// CANCELLED). `roll` is a uniform draw from [0, 1); an IN_ROUTE_OF_DELIVERY delivery is DELIVERED
/// when `roll < deliveredProbability`, NOT_DELIVERED otherwise.
std::optional<DeliveryStatus> nextOnTick(DeliveryStatus status, double roll, double deliveredProbability);

/// True for the statuses a tick moves.
bool isActive(DeliveryStatus status);

/// The statuses a tick moves, in enum order.
const std::vector<DeliveryStatus>& activeStatuses();

/// Only a delivery that has not been picked up can be edited or cancelled.
bool canEditOrCancel(DeliveryStatus status);

} // namespace mercato::delivery
