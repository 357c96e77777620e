#pragma once
// Status-change events as webhooks carry them (API.md §3.3).
#include "domain/DeliveryModel.h"

#include <string>

namespace mercato::delivery {

/// The outbox topic of webhook sends; one message per (event, subscription).
inline const std::string kWebhookTopic = "delivery.webhook";

/// The event id of a delivery's `sequence`-th status change: `evt_<tracking number>_<sequence>`.
/// Derived, not random, so the same change can never get two ids.
std::string eventId(const std::string& trackingNumber, int sequence);

/// The JSON body POSTed to subscribers:
/// `{"id","type":"delivery.status_changed","created_at","data":{tracking_number, foreign_order_id, status, previous_status, sequence}}`,
/// `data` with `foreign_shipment_id` too when the delivery has one.
std::string eventBody(const StatusChange& change);

/// The outbox message key: sends to one subscription about one delivery keep `sequence` order.
std::string webhookMessageKey(std::int64_t subscriptionId, std::int64_t deliveryId);

/// The outbox payload of sending a status change to a subscription:
/// `{"subscription_id","delivery_id","sequence"}`. A reference, not the body: a tick writes one
/// message per change and subscription, so they stay small; the sender rebuilds the body with
/// DeliveryStore::statusChange and eventBody, identical on every retry (the change is immutable).
std::string webhookMessagePayload(std::int64_t subscriptionId, std::int64_t deliveryId, int sequence);

/// True when a subscription with these event types wants status-change events.
bool wantsStatusChanges(const std::vector<std::string>& events);

} // namespace mercato::delivery
