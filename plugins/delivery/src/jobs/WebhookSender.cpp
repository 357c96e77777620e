#include "jobs/WebhookSender.h"

#include "domain/Events.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/WebhookSignature.h"

namespace mercato::delivery {

namespace {

const char* statusClass(int status)
{
    if (status >= 200 && status < 300)
        return "2xx";
    if (status >= 300 && status < 400)
        return "3xx";
    if (status >= 400 && status < 500)
        return "4xx";
    if (status >= 500 && status < 600)
        return "5xx";
    return "none";
}

} // namespace

WebhookSender::WebhookSender(DeliveryStore& store, WebhookSettings settings, sdk::Metrics& metrics, std::function<std::int64_t()> now)
    : _store(store),
      _settings(std::move(settings)),
      _http(sdk::HttpClient::Options{_settings.allowPrivateNetworks, "mercato-webhooks/1"}),
      _metrics(metrics),
      _now(std::move(now))
{
    for (const char* c : {"2xx", "3xx", "4xx", "5xx", "none"})
        _metrics.counter("mercato_webhook_attempts_total", "Webhook sending attempts by answer status class (none: no answer)",
                         std::string("class=\"") + c + "\"");
}

std::string WebhookSender::subscriptionOf(const std::string& key)
{
    const std::string prefix = "subscription:";
    if (key.compare(0, prefix.size(), prefix) != 0)
        return "";
    const auto end = key.find(':', prefix.size());
    return key.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
}

sdk::JobTypeOptions WebhookSender::jobOptions() const
{
    sdk::JobTypeOptions options;
    options.retry = _settings.retry;
    options.timeout = _settings.timeout + std::chrono::seconds(5); // connect, send and receive each have the timeout
    options.orderedByKey = true;
    options.maxConcurrentPerGroup = _settings.maxConcurrentPerEndpoint;
    options.group = [](const sdk::Job& job) { return subscriptionOf(job.key); };
    return options;
}

sdk::JobResult WebhookSender::send(const sdk::Job& job)
{
    std::int64_t subscriptionId = 0, deliveryId = 0;
    int sequence = 0;
    try {
        sdk::JsonObject ref = sdk::parseObject(job.payload);
        subscriptionId = ref->getValue<std::int64_t>("subscription_id");
        deliveryId = ref->getValue<std::int64_t>("delivery_id");
        sequence = ref->getValue<int>("sequence");
    } catch (const std::exception& e) {
        return sdk::JobResult::fail(std::string("malformed webhook job payload: ") + sdk::errorText(e));
    }
    std::optional<WebhookSubscription> subscription;
    if (auto cached = _subscriptions.get(subscriptionId)) {
        subscription = *cached;
    } else {
        subscription = _store.findSubscription(subscriptionId);
        _subscriptions.add(subscriptionId, subscription);
    }
    if (!subscription)
        return sdk::JobResult::done(); // deleted since: nobody to tell (nothing is recorded for it)
    auto change = _store.statusChange(deliveryId, sequence);
    if (!change)
        return sdk::JobResult::fail("delivery " + std::to_string(deliveryId) + " has no status change " + std::to_string(sequence));

    const std::string body = eventBody(*change);
    const std::int64_t timestamp = _now();
    sdk::HttpRequest request;
    request.method = "POST";
    request.url = subscription->url;
    request.body = body;
    request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(_settings.timeout);
    request.headers = {{"webhook-id", change->eventId},
                       {"webhook-timestamp", std::to_string(timestamp)},
                       {"webhook-signature", sdk::webhook::sign(subscription->secret, change->eventId, timestamp, body)}};
    sdk::HttpResult result = _http.send(request);

    WebhookAttempt attempt;
    attempt.eventId = change->eventId;
    attempt.attempt = job.attempt;
    if (result.status != 0)
        attempt.statusCode = result.status;
    if (!result.ok())
        attempt.error = result.status == 0 ? result.error
                        : result.status >= 300 && result.status < 400
                            ? "HTTP " + std::to_string(result.status) + " (redirects are not followed)"
                            : "HTTP " + std::to_string(result.status);
    _store.recordAttempt(subscriptionId, attempt);
    _metrics.counter("mercato_webhook_attempts_total", "", std::string("class=\"") + statusClass(result.status) + "\"").inc();
    if (result.ok())
        return sdk::JobResult::done();
    return sdk::JobResult::retry(subscription->url + ": " + attempt.error);
}

} // namespace mercato::delivery
