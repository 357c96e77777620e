#pragma once
#include "domain/DeliveryStore.h"

#include "mercato/sdk/Database.h"
#include "mercato/sdk/Outbox.h"

#include <memory>

namespace mercato::delivery {

/// DeliveryStore on the service's database (MariaDB or SQLite), migrations in plugins/delivery/sql.
/// Webhook sends are appended to the host's transactional outbox in the same transaction as the
/// status change they announce.
class SqlDeliveryStore final : public DeliveryStore {
public:
    SqlDeliveryStore(sdk::Database& db, std::shared_ptr<sdk::Outbox> outbox) : _db(db), _outbox(std::move(outbox)) {}

    CreateResult createDelivery(std::int64_t clientId, const DeliveryRequest& request,
                                const std::function<std::string()>& trackingNumbers) override;
    std::optional<Delivery> findDelivery(const std::string& trackingNumber) override;
    std::optional<TrackedDelivery> findTracked(const std::string& trackingNumber) override;
    Slice<Delivery> listDeliveries(const DeliveryQuery& query) override;
    ChangeOutcome updateDelivery(std::int64_t id, const DeliveryPatch& patch) override;
    ChangeOutcome cancelDelivery(std::int64_t id) override;
    std::vector<TrackingEntry> tracking(std::int64_t deliveryId) override;
    std::optional<StatusChange> statusChange(std::int64_t deliveryId, int sequence) override;

    std::int64_t beginTick(const std::string& now) override;
    TickBatch moveBatch(std::int64_t tick, std::int64_t afterId, std::size_t limit, const TickDecision& decide,
                        const std::string& now) override;
    void finishTick(std::int64_t tick, std::int64_t moved, const std::string& now) override;

    WebhookSubscription createSubscription(const WebhookSubscription& subscription) override;
    std::optional<WebhookSubscription> findSubscription(std::int64_t id) override;
    Slice<WebhookSubscription> listSubscriptions(std::optional<std::int64_t> clientId, std::int64_t limit,
                                                 std::int64_t offset) override;
    bool deleteSubscription(std::int64_t id) override;
    void recordAttempt(std::int64_t subscriptionId, const WebhookAttempt& attempt) override;
    Slice<WebhookAttempt> listAttempts(std::int64_t subscriptionId, std::int64_t limit, std::int64_t offset) override;

private:
    /// Writes the status changes and the outbox messages of every subscription that wants them.
    void recordChanges(sdk::Transaction& tx, const std::vector<StatusChange>& changes);

    sdk::Database& _db;
    std::shared_ptr<sdk::Outbox> _outbox;
};

} // namespace mercato::delivery
