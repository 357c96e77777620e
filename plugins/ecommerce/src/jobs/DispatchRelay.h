#pragma once
// The handler of `ecommerce.order.dispatched` jobs: asks the delivery service to create the
// delivery of a dispatched shipment (POST /deliveries with an Idempotency-Key derived from the
// order and the shipment, so however often it is retried — and the delivery service's own "same
// client, same order and shipment" rule backs this — exactly one delivery exists per shipment) and
// records its tracking number.
#include "domain/Orders.h"
#include "jobs/DeliveryClient.h"

#include "mercato/sdk/Jobs.h"

#include <chrono>

namespace mercato::ecommerce {

class DispatchRelay {
public:
    /// `callTimeout`: of one call to the delivery service (an attempt makes at most a sign-in and the call).
    DispatchRelay(Orders& orders, DeliveryClient& delivery, sdk::RetryPolicy retry, std::chrono::seconds callTimeout);

    /// Done when the delivery exists (201, or 200 for one created before); Fail when the delivery
    /// service refuses it for good (400, 409 but `in_progress`, 413, 415, 422); Retry otherwise
    /// (no answer, 5xx, 401/403 from a sign-in problem an operator can fix, 404, 429).
    sdk::JobResult send(const sdk::Job& job);
    sdk::JobTypeOptions jobOptions() const;

    /// The delivery request (API.md §3) for an outbox message of Orders::dispatchMessage.
    static std::string deliveryRequest(const std::string& message);
    /// The Idempotency-Key of the delivery request of an order's shipment (none: a message written
    /// before orders had shipments, one delivery per order).
    static std::string idempotencyKey(const std::string& orderKey, std::optional<std::int64_t> shipmentId = std::nullopt);
    /// True for the delivery service's 409 `in_progress` on Idempotency-Key (an earlier attempt of
    /// the same request has not finished there): to be retried, not a refusal.
    static bool stillInProgress(int status, const std::string& body);

private:
    Orders& _orders;
    DeliveryClient& _delivery;
    sdk::RetryPolicy _retry;
    std::chrono::seconds _callTimeout;
};

} // namespace mercato::ecommerce
