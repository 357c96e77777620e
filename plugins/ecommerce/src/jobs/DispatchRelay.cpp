#include "jobs/DispatchRelay.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

namespace mercato::ecommerce {

DispatchRelay::DispatchRelay(Orders& orders, DeliveryClient& delivery, sdk::RetryPolicy retry, std::chrono::seconds callTimeout)
    : _orders(orders), _delivery(delivery), _retry(std::move(retry)), _callTimeout(callTimeout)
{
}

sdk::JobTypeOptions DispatchRelay::jobOptions() const
{
    sdk::JobTypeOptions options;
    options.retry = _retry;
    // A sign-in and the call (with a retry after a 401: one more of each), their timeouts apply to
    // connect, send and receive; in practice an attempt is over long before this bound.
    options.timeout = 2 * _callTimeout + std::chrono::seconds(5);
    return options;
}

std::string DispatchRelay::idempotencyKey(const std::string& orderKey, std::optional<std::int64_t> shipmentId)
{
    return "mercato-ecommerce-dispatch-order-" + orderKey + (shipmentId ? "-shipment-" + std::to_string(*shipmentId) : "");
}

bool DispatchRelay::stillInProgress(int status, const std::string& body)
{
    if (status != 409)
        return false;
    try {
        sdk::JsonArray errors = sdk::parseObject(body)->getArray("errors");
        for (std::size_t i = 0; errors && i < errors->size(); ++i) {
            sdk::JsonObject e = errors->getObject(static_cast<unsigned>(i));
            if (e && e->optValue<std::string>("field", "") == "Idempotency-Key" && e->optValue<std::string>("code", "") == "in_progress")
                return true;
        }
    } catch (const std::exception&) {
    }
    return false;
}

std::string DispatchRelay::deliveryRequest(const std::string& message)
{
    sdk::JsonObject m = sdk::parseObject(message);
    sdk::JsonObject order = sdk::makeObject();
    order->set("foreign_order_id", m->getValue<std::int64_t>("foreign_order_id"));
    if (auto shipment = sdk::optionalInt(m, "shipment_id"))
        order->set("foreign_shipment_id", *shipment);
    order->set("products", m->getArray("products"));
    sdk::JsonObject request = sdk::makeObject();
    request->set("order", order);
    request->set("origin", m->getObject("origin"));
    request->set("destination", m->getObject("destination"));
    return sdk::toJson(request);
}

sdk::JobResult DispatchRelay::send(const sdk::Job& job)
{
    if (!_delivery.configured())
        return sdk::JobResult::retry("ecommerce.delivery.url is not set: the delivery service cannot be reached");
    std::string body;
    std::int64_t orderId = 0;
    std::optional<std::int64_t> shipmentId;
    try {
        body = deliveryRequest(job.payload);
        sdk::JsonObject message = sdk::parseObject(job.payload);
        orderId = message->getValue<std::int64_t>("foreign_order_id");
        shipmentId = sdk::optionalInt(message, "shipment_id");
    } catch (const std::exception& e) {
        return sdk::JobResult::fail(std::string("malformed dispatch message: ") + sdk::errorText(e));
    }
    sdk::HttpResult answer = _delivery.call("POST", "/deliveries", body, {{"Idempotency-Key", idempotencyKey(job.key, shipmentId)}});
    const std::string what = answer.status == 0 ? answer.error
                                                : "HTTP " + std::to_string(answer.status) + ": " + answer.body.substr(0, 300);
    switch (answer.status) {
    case 200:
    case 201: {
        try {
            sdk::JsonObject data = sdk::parseObject(answer.body)->getObject("data");
            if (!data)
                throw std::invalid_argument("no data object");
            _orders.recordDelivery(orderId, shipmentId, {data->getValue<std::string>("tracking_number"), data->getValue<std::string>("status")});
        } catch (const std::exception& e) {
            return sdk::JobResult::retry(std::string("the delivery service's answer could not be read: ") + sdk::errorText(e));
        }
        return sdk::JobResult::done();
    }
    case 409:
        if (stillInProgress(answer.status, answer.body))
            return sdk::JobResult::retry(what);
        [[fallthrough]];
    case 400:
    case 413:
    case 415:
    case 422:
        return sdk::JobResult::fail("the delivery service refused the delivery of order " + std::to_string(orderId) + ": " + what);
    default:
        return sdk::JobResult::retry(what);
    }
}

} // namespace mercato::ecommerce
