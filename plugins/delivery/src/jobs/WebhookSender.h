#pragma once
// The handler of `delivery.webhook` jobs: one status change sent to one subscription, signed per
// Standard Webhooks, every attempt recorded for GET /webhooks/{id}/deliveries.
#include "domain/DeliveryStore.h"

#include "mercato/sdk/HttpClient.h"
#include "mercato/sdk/Jobs.h"
#include "mercato/sdk/Metrics.h"

#include <Poco/ExpireLRUCache.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace mercato::delivery {

struct WebhookSettings {
    sdk::RetryPolicy retry;               ///< API.md: 5 s, 30 s, 2 min, 10 min, 1 h, then every 6 h up to 3 days
    std::chrono::seconds timeout{10};
    int maxConcurrentPerEndpoint = 4;
    bool allowPrivateNetworks = false;
};

class WebhookSender {
public:
    /// `now` gives Unix seconds (the `webhook-timestamp`).
    WebhookSender(DeliveryStore& store, WebhookSettings settings, sdk::Metrics& metrics, std::function<std::int64_t()> now);

    /// One attempt. Done on a 2xx answer, and when there is nothing to send any more (the
    /// subscription was deleted); Retry on anything else (no answer, timeout, 3xx — redirects are
    /// not followed —, 4xx, 5xx, a URL that no longer resolves or now resolves to a private address);
    /// Fail on a payload that names no status change.
    sdk::JobResult send(const sdk::Job& job);

    /// The job type's options: ordered by key (one delivery's events reach a subscription in
    /// `sequence` order), grouped by subscription (one slow endpoint holds at most
    /// maxConcurrentPerEndpoint workers), with the retry policy and timeout above.
    sdk::JobTypeOptions jobOptions() const;

    /// The subscription id of a job key `subscription:<id>:delivery:<id>` ("" when it is not one).
    static std::string subscriptionOf(const std::string& key);

private:
    DeliveryStore& _store;
    WebhookSettings _settings;
    sdk::HttpClient _http;
    sdk::Metrics& _metrics;
    std::function<std::int64_t()> _now;
    /// Subscriptions read in the last 2 s (a burst of events to one endpoint reads it once; a
    /// deleted one stops receiving within that time). Thread-safe.
    Poco::ExpireLRUCache<std::int64_t, std::optional<WebhookSubscription>> _subscriptions{4096, 2000};
};

} // namespace mercato::delivery
