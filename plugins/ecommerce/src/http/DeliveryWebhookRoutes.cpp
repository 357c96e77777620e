// POST /webhooks/delivery: the delivery service's status events (API.md §3.3), Standard Webhooks
// signature. The handler authenticates and validates; what an event does is Orders' decision.
#include "http/Refusals.h"
#include "http/Routes.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Request.h"
#include "mercato/sdk/Validator.h"
#include "mercato/sdk/WebhookSignature.h"

#include <Poco/Timestamp.h>

#include <algorithm>

namespace mercato::ecommerce {

using sdk::Access;
using sdk::Method;
using sdk::Request;
using sdk::Response;
using sdk::Route;
using sdk::Schema;

namespace {

std::string header(const Request& rq, const std::string& name)
{
    return rq.header(name).value_or("");
}

/// 401 unless the request carries a valid signature of its raw body by `webhook.secret`.
void authenticate(const WebhookSettings& webhook, const Request& rq)
{
    auto verdict = sdk::webhook::verify(webhook.secret, header(rq, "webhook-id"), header(rq, "webhook-timestamp"),
                                        header(rq, "webhook-signature"), rq.rawBody(), Poco::Timestamp().epochTime(),
                                        webhook.toleranceSeconds);
    switch (verdict) {
    case sdk::webhook::Verdict::Valid: return;
    case sdk::webhook::Verdict::MissingHeaders: throw sdk::Unauthorized("Missing webhook-id, webhook-timestamp or webhook-signature");
    case sdk::webhook::Verdict::StaleTimestamp: throw sdk::Unauthorized("webhook-timestamp is missing, malformed or too far from now");
    case sdk::webhook::Verdict::BadSignature: break;
    }
    throw sdk::Unauthorized("Invalid webhook signature");
}

const Schema& eventSchema()
{
    static const Schema event = Schema::object({
        sdk::required("id", Schema::string().maxLength(255)),
        sdk::required("type", Schema::string().maxLength(100)),
        sdk::required("created_at", Schema::any()),
        sdk::required("data", Schema::object({
            sdk::required("tracking_number", Schema::string().maxLength(64)),
            sdk::required("foreign_order_id", Schema::integer()),
            sdk::optional("foreign_shipment_id", Schema::integer()),
            sdk::required("status", Schema::string().maxLength(40)),
            sdk::optional("previous_status", Schema::string().maxLength(40)),
            sdk::required("sequence", Schema::integer().min(1)),
        })),
    });
    return event;
}

/// Only the delivery service's own status names are applied (API.md §3).
void requireDeliveryStatuses(const sdk::JsonObject& data)
{
    static const std::vector<std::string> kDeliveryStatuses{"READY_FOR_PICK_UP", "IN_ORIGIN", "IN_ROUTE_OF_DELIVERY",
                                                            "DELIVERED", "NOT_DELIVERED", "CANCELLED"};
    for (const char* field : {"status", "previous_status"}) {
        auto value = sdk::optionalString(data, field);
        if (value && std::find(kDeliveryStatuses.begin(), kDeliveryStatuses.end(), *value) == kDeliveryStatuses.end())
            throw sdk::BadRequest(std::string("data.") + field, "invalid_value", std::string("data.") + field + " is not a delivery status");
    }
}

struct Receiver {
    Orders& orders;
    WebhookSettings webhook;
};

Response receiveDeliveryEvent(Receiver& receiver, const Request& rq)
{
    authenticate(receiver.webhook, rq);
    const std::string id = header(rq, "webhook-id");
    if (id.size() > 255)
        throw sdk::BadRequest("webhook-id", "too_long", "webhook-id has at most 255 characters");
    sdk::JsonObject body = eventSchema().validate(rq.body());
    sdk::JsonObject data = body->getObject("data");
    requireDeliveryStatuses(data);
    const std::int64_t orderId = data->getValue<std::int64_t>("foreign_order_id");
    const std::int64_t shipmentId = sdk::optionalInt(data, "foreign_shipment_id").value_or(0);
    const auto positive = [](std::int64_t v) { return v > 0 ? std::optional<std::int64_t>(v) : std::nullopt; };
    auto outcome = receiver.orders.receiveDeliveryEvent(id, body->getValue<std::string>("type"), positive(orderId), positive(shipmentId),
                                                        {data->getValue<std::string>("tracking_number"), data->getValue<std::string>("status")},
                                                        data->getValue<std::int64_t>("sequence"));
    sdk::JsonObject result = sdk::makeObject();
    result->set("duplicate", outcome == WebhookOutcome::Duplicate);
    result->set("applied", outcome == WebhookOutcome::Applied);
    return Response::ok(result, outcome == WebhookOutcome::Duplicate ? "Already processed" : "Received");
}

} // namespace

void addDeliveryWebhookRoutes(sdk::Router& router, Orders& orders, WebhookSettings webhook)
{
    // Owned by the route's handler: the table outlives this call.
    auto receiver = std::make_shared<Receiver>(Receiver{orders, std::move(webhook)});
    router.add(Route(Method::Post, "/webhooks/delivery", Access::anyone(), handledBy(receiver, receiveDeliveryEvent))
                   .withSummary("Delivery status events from the delivery service (Standard Webhooks signature)"));
}

} // namespace mercato::ecommerce
