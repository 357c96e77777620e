#include "domain/Events.h"

#include "mercato/sdk/Json.h"

#include <algorithm>

namespace mercato::delivery {

std::string eventId(const std::string& trackingNumber, int sequence)
{
    return "evt_" + trackingNumber + "_" + std::to_string(sequence);
}

std::string eventBody(const StatusChange& change)
{
    sdk::JsonObject data = sdk::makeObject();
    data->set("tracking_number", change.trackingNumber);
    data->set("foreign_order_id", change.foreignOrderId);
    // Only when set: a delivery made without a shipment sends the body it always did.
    if (change.foreignShipmentId != 0)
        data->set("foreign_shipment_id", change.foreignShipmentId);
    data->set("status", toString(change.status));
    if (change.previousStatus)
        data->set("previous_status", toString(*change.previousStatus));
    else
        data->set("previous_status", Poco::Dynamic::Var());
    data->set("sequence", change.sequence);
    sdk::JsonObject event = sdk::makeObject();
    event->set("id", change.eventId);
    event->set("type", kStatusChanged);
    event->set("created_at", change.createdAt);
    event->set("data", data);
    return sdk::toJson(event);
}

std::string webhookMessageKey(std::int64_t subscriptionId, std::int64_t deliveryId)
{
    return "subscription:" + std::to_string(subscriptionId) + ":delivery:" + std::to_string(deliveryId);
}

std::string webhookMessagePayload(std::int64_t subscriptionId, std::int64_t deliveryId, int sequence)
{
    return "{\"subscription_id\":" + std::to_string(subscriptionId) + ",\"delivery_id\":" + std::to_string(deliveryId)
           + ",\"sequence\":" + std::to_string(sequence) + "}";
}

bool wantsStatusChanges(const std::vector<std::string>& events)
{
    return std::find(events.begin(), events.end(), kStatusChanged) != events.end();
}

} // namespace mercato::delivery
