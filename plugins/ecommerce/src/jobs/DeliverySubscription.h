#pragma once
// The ecommerce service subscribes itself to the delivery service's webhooks (API.md §3.3) with
// its receiver URL and the shared secret of its config. Idempotent: a subscription of the same
// client to the same URL is kept (the delivery service shows no secrets, so rotating the secret
// means deleting that subscription first). Run as a job at start (retried until the delivery
// service answers) and by the CLI command `ecommerce subscribe-delivery`.
#include "jobs/DeliveryClient.h"

#include "mercato/sdk/Jobs.h"

#include <string>

namespace mercato::ecommerce {

class DeliverySubscription {
public:
    DeliverySubscription(DeliveryClient& delivery, std::string receiverUrl, std::string secret);

    enum class Outcome { Created, Exists };
    /// Makes sure the subscription exists. Throws std::runtime_error with the reason otherwise.
    Outcome ensure();
    /// The job form of ensure(): Done, or Retry with the reason.
    sdk::JobResult run(const sdk::Job& job);
    const std::string& receiverUrl() const { return _url; }

private:
    DeliveryClient& _delivery;
    std::string _url;
    std::string _secret;
};

} // namespace mercato::ecommerce
