#include "jobs/DeliverySubscription.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

#include <stdexcept>

namespace mercato::ecommerce {

DeliverySubscription::DeliverySubscription(DeliveryClient& delivery, std::string receiverUrl, std::string secret)
    : _delivery(delivery), _url(std::move(receiverUrl)), _secret(std::move(secret))
{
}

DeliverySubscription::Outcome DeliverySubscription::ensure()
{
    if (!_delivery.configured())
        throw std::runtime_error("ecommerce.delivery.url is not set");
    for (std::int64_t offset = 0;; offset += 500) {
        sdk::HttpResult page = _delivery.call("GET", "/webhooks?limit=500&offset=" + std::to_string(offset));
        if (page.status != 200)
            throw std::runtime_error("GET /webhooks: " + (page.status == 0 ? page.error : "HTTP " + std::to_string(page.status) + " " + page.body.substr(0, 200)));
        sdk::JsonObject answer = sdk::parseObject(page.body);
        sdk::JsonArray items = answer->getArray("data");
        if (!items)
            throw std::runtime_error("GET /webhooks: no data array in the answer");
        for (std::size_t i = 0; i < items->size(); ++i)
            if (items->getObject(static_cast<unsigned>(i))->getValue<std::string>("url") == _url)
                return Outcome::Exists;
        if (items->size() < 500)
            break;
    }
    sdk::JsonObject body = sdk::makeObject();
    body->set("url", _url);
    sdk::JsonArray events = sdk::makeArray();
    events->add("delivery.status_changed");
    body->set("events", events);
    body->set("description", "mercato ecommerce: order delivery statuses");
    body->set("secret", _secret);
    sdk::HttpResult created = _delivery.call("POST", "/webhooks", sdk::toJson(body));
    if (created.status != 201)
        throw std::runtime_error("POST /webhooks: " + (created.status == 0 ? created.error : "HTTP " + std::to_string(created.status) + " " + created.body.substr(0, 300)));
    return Outcome::Created;
}

sdk::JobResult DeliverySubscription::run(const sdk::Job&)
{
    try {
        ensure();
        return sdk::JobResult::done();
    } catch (const std::exception& e) {
        return sdk::JobResult::retry(sdk::errorText(e));
    }
}

} // namespace mercato::ecommerce
