#include "domain/DeliveryService.h"

#include "domain/StatusMachine.h"
#include "domain/TrackingNumber.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/WebhookSignature.h"

namespace mercato::delivery {

namespace {

sdk::NotFound deliveryNotFound(const std::string& trackingNumber)
{
    return sdk::NotFound("Delivery " + trackingNumber + " not found");
}

sdk::NotFound webhookNotFound(std::int64_t id)
{
    return sdk::NotFound("Webhook " + std::to_string(id) + " not found");
}

} // namespace

Delivery DeliveryService::afterChange(ChangeOutcome outcome, const std::string& trackingNumber, const std::string& verb)
{
    switch (outcome) {
    case ChangeOutcome::Done:
        if (auto changed = _store.findDelivery(trackingNumber))
            return *changed;
        break;
    case ChangeOutcome::NotFound:
        break;
    case ChangeOutcome::NotEditable:
        throw sdk::Conflict("Delivery " + trackingNumber + " can only be " + verb + " while READY_FOR_PICK_UP");
    }
    throw deliveryNotFound(trackingNumber);
}

bool DeliveryService::sees(const sdk::Principal& caller, std::int64_t ownerId) const
{
    return caller.role == role::kAdmin || caller.id == ownerId;
}

CreateResult DeliveryService::create(const sdk::Principal& caller, const DeliveryRequest& request)
{
    CreateResult result = _store.createDelivery(caller.id, request, newTrackingNumber);
    if (!result.created && !(result.delivery.content == request)) {
        const std::string shipment =
            request.foreignShipmentId == 0 ? "" : " shipment " + std::to_string(request.foreignShipmentId);
        throw sdk::Conflict("A delivery for foreign order " + std::to_string(request.foreignOrderId) + shipment
                                + " exists already with other content (tracking number " + result.delivery.trackingNumber + ")",
                            {{"order.foreign_order_id", "duplicate", "you have a different delivery for this order"}});
    }
    return result;
}

Delivery DeliveryService::delivery(const sdk::Principal& caller, const std::string& trackingNumber)
{
    if (!isTrackingNumber(trackingNumber))
        throw deliveryNotFound(trackingNumber);
    auto found = _store.findDelivery(trackingNumber);
    if (!found || !sees(caller, found->clientId))
        throw deliveryNotFound(trackingNumber);
    return *found;
}

Slice<Delivery> DeliveryService::deliveries(const sdk::Principal& caller, DeliveryQuery query)
{
    if (caller.role != role::kAdmin)
        query.clientId = caller.id;
    return _store.listDeliveries(query);
}

Delivery DeliveryService::update(const sdk::Principal& caller, const std::string& trackingNumber, const DeliveryPatch& patch)
{
    const Delivery current = delivery(caller, trackingNumber);
    return afterChange(_store.updateDelivery(current.id, patch), trackingNumber, "changed");
}

Delivery DeliveryService::cancel(const sdk::Principal& caller, const std::string& trackingNumber)
{
    const Delivery current = delivery(caller, trackingNumber);
    return afterChange(_store.cancelDelivery(current.id), trackingNumber, "cancelled");
}

TrackedDelivery DeliveryService::tracked(const sdk::Principal& caller, const std::string& trackingNumber)
{
    TrackedDelivery found = publicTracked(trackingNumber);
    if (!sees(caller, found.clientId))
        throw deliveryNotFound(trackingNumber);
    return found;
}

TrackedDelivery DeliveryService::trackedOfOrder(const sdk::Principal& caller, const std::string& trackingNumber,
                                                std::int64_t foreignOrderId)
{
    TrackedDelivery found = tracked(caller, trackingNumber);
    if (found.foreignOrderId != foreignOrderId)
        throw sdk::NotFound("No delivery " + trackingNumber + " for foreign order " + std::to_string(foreignOrderId));
    return found;
}

TrackedDelivery DeliveryService::publicTracked(const std::string& trackingNumber)
{
    if (!isTrackingNumber(trackingNumber))
        throw deliveryNotFound(trackingNumber);
    auto found = _store.findTracked(trackingNumber);
    if (!found)
        throw deliveryNotFound(trackingNumber);
    return *found;
}

WebhookSubscription DeliveryService::subscribe(const sdk::Principal& caller, WebhookSubscription subscription)
{
    if (auto problem = _urlProblem(subscription.url))
        throw sdk::BadRequest("Invalid input", {{"url", "invalid_value", *problem}});
    subscription.clientId = caller.id;
    // A client may bring its own secret (a service that keeps it in its config); else one is made.
    if (subscription.secret.empty())
        subscription.secret = sdk::webhook::generateSecret();
    else if (!sdk::webhook::isValidSecret(subscription.secret) || subscription.secret.size() < 30)
        throw sdk::BadRequest("Invalid input", {{"secret", "invalid_format", "secret must be whsec_ followed by the base64 of at least 18 bytes"}});
    if (subscription.events.empty())
        subscription.events = {kStatusChanged};
    return _store.createSubscription(subscription);
}

WebhookSubscription DeliveryService::subscription(const sdk::Principal& caller, std::int64_t id)
{
    auto found = _store.findSubscription(id);
    if (!found || !sees(caller, found->clientId))
        throw webhookNotFound(id);
    return *found;
}

Slice<WebhookSubscription> DeliveryService::subscriptions(const sdk::Principal& caller, std::int64_t limit, std::int64_t offset)
{
    std::optional<std::int64_t> owner;
    if (caller.role != role::kAdmin)
        owner = caller.id;
    return _store.listSubscriptions(owner, limit, offset);
}

void DeliveryService::unsubscribe(const sdk::Principal& caller, std::int64_t id)
{
    subscription(caller, id);
    if (!_store.deleteSubscription(id))
        throw webhookNotFound(id);
}

Slice<WebhookAttempt> DeliveryService::attempts(const sdk::Principal& caller, std::int64_t subscriptionId, std::int64_t limit,
                                                std::int64_t offset)
{
    subscription(caller, subscriptionId);
    return _store.listAttempts(subscriptionId, limit, offset);
}

} // namespace mercato::delivery
