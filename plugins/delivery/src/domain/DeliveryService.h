#pragma once
#include "domain/DeliveryStore.h"
#include "domain/DeliveryModel.h"

#include "mercato/sdk/Principal.h"

#include <functional>
#include <optional>
#include <string>

namespace mercato::delivery {

/// The rules of API.md §3 over a DeliveryStore: a client sees and changes only its own deliveries
/// and subscriptions (anything else is 404), an admin sees everything; edits and cancellations only
/// before pick-up (409). Throws the SDK's ApiError family.
class DeliveryService {
public:
    /// `urlProblem` says why a webhook URL may not be registered (nullopt: it may).
    DeliveryService(DeliveryStore& store, std::function<std::optional<std::string>(const std::string&)> urlProblem)
        : _store(store), _urlProblem(std::move(urlProblem))
    {
    }

    /// Creates a delivery for the calling client. A second request for the same foreign order id
    /// and shipment id (0: none) returns the existing delivery (`created` false) when it asks for
    /// the same thing, and is a 409 when it asks for something else.
    CreateResult create(const sdk::Principal& caller, const DeliveryRequest& request);
    Delivery delivery(const sdk::Principal& caller, const std::string& trackingNumber);
    Slice<Delivery> deliveries(const sdk::Principal& caller, DeliveryQuery query);
    Delivery update(const sdk::Principal& caller, const std::string& trackingNumber, const DeliveryPatch& patch);
    Delivery cancel(const sdk::Principal& caller, const std::string& trackingNumber);
    /// The delivery with its tracking history (owner or admin).
    TrackedDelivery tracked(const sdk::Principal& caller, const std::string& trackingNumber);
    /// The same, if the delivery belongs to order `foreignOrderId` (seed-compatible
    /// /deliveries-history: both keys must name the same delivery).
    TrackedDelivery trackedOfOrder(const sdk::Principal& caller, const std::string& trackingNumber, std::int64_t foreignOrderId);
    /// For the public tracking page: any delivery, no owner check.
    TrackedDelivery publicTracked(const std::string& trackingNumber);

    WebhookSubscription subscribe(const sdk::Principal& caller, WebhookSubscription subscription);
    WebhookSubscription subscription(const sdk::Principal& caller, std::int64_t id);
    Slice<WebhookSubscription> subscriptions(const sdk::Principal& caller, std::int64_t limit, std::int64_t offset);
    void unsubscribe(const sdk::Principal& caller, std::int64_t id);
    Slice<WebhookAttempt> attempts(const sdk::Principal& caller, std::int64_t subscriptionId, std::int64_t limit, std::int64_t offset);

private:
    /// The delivery after an edit or cancellation, or the error its outcome means.
    Delivery afterChange(ChangeOutcome outcome, const std::string& trackingNumber, const std::string& verb);
    bool sees(const sdk::Principal& caller, std::int64_t ownerId) const;

    DeliveryStore& _store;
    std::function<std::optional<std::string>(const std::string&)> _urlProblem;
};

} // namespace mercato::delivery
