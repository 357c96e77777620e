#pragma once
// What the domain needs from storage. Every write is one transaction in the implementation
// (repository/SqlDeliveryStore): a status change, its tracking entry / event row and the outbox
// messages for the subscriptions that want it are committed together or not at all.
#include "domain/DeliveryModel.h"

#include <functional>
#include <optional>
#include <string>

namespace mercato::delivery {

struct DeliveryQuery {
    std::optional<std::int64_t> clientId; ///< none: every client's (admin)
    std::optional<DeliveryStatus> status;
    std::optional<std::int64_t> foreignOrderId;
    std::optional<std::int64_t> foreignShipmentId;
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

/// The result of creating a delivery: the new one, or the one the client already has for that
/// foreign order and shipment (then nothing was written).
struct CreateResult {
    Delivery delivery;
    bool created = false;
};

/// The outcome of an edit or a cancellation.
enum class ChangeOutcome { Done, NotFound, NotEditable };

/// One batch of a tick.
struct TickBatch {
    std::size_t scanned = 0;    ///< active deliveries looked at
    std::size_t moved = 0;      ///< of which moved
    std::int64_t lastId = 0;    ///< the highest id looked at: where the next batch starts
};

/// The next status of a delivery on a tick (nullopt: it does not move).
using TickDecision = std::function<std::optional<DeliveryStatus>(DeliveryStatus)>;

class DeliveryStore {
public:
    virtual ~DeliveryStore() = default;

    // Deliveries
    /// Creates the delivery (status READY_FOR_PICK_UP, sequence 1) with its first status change,
    /// unless the client has one for `request.foreignOrderId` and `request.foreignShipmentId`
    /// already: then returns that one with `created = false`. `trackingNumbers` yields candidates
    /// until one is unused.
    virtual CreateResult createDelivery(std::int64_t clientId, const DeliveryRequest& request,
                                        const std::function<std::string()>& trackingNumbers) = 0;
    virtual std::optional<Delivery> findDelivery(const std::string& trackingNumber) = 0;
    /// The delivery and its tracking history in one read.
    virtual std::optional<TrackedDelivery> findTracked(const std::string& trackingNumber) = 0;
    virtual Slice<Delivery> listDeliveries(const DeliveryQuery& query) = 0;
    /// Applies the patch if the delivery is still editable (READY_FOR_PICK_UP).
    virtual ChangeOutcome updateDelivery(std::int64_t id, const DeliveryPatch& patch) = 0;
    /// Moves the delivery to CANCELLED with its status change if it is still READY_FOR_PICK_UP.
    virtual ChangeOutcome cancelDelivery(std::int64_t id) = 0;
    /// Every status change of the delivery, oldest first.
    virtual std::vector<TrackingEntry> tracking(std::int64_t deliveryId) = 0;
    /// The delivery's `sequence`-th status change (what a webhook message refers to).
    virtual std::optional<StatusChange> statusChange(std::int64_t deliveryId, int sequence) = 0;

    // Ticks: a tick is a numbered run; a delivery moved by tick N records N, so a tick that was
    // interrupted and is resumed (same N) skips what it already moved.
    /// The number of the unfinished tick if there is one (to resume it), else of a new tick.
    virtual std::int64_t beginTick(const std::string& now) = 0;
    /// Moves, in one transaction, up to `limit` active deliveries with id > `afterId` that tick
    /// `tick` has not moved yet, to `decide(status)`, each with its status change.
    virtual TickBatch moveBatch(std::int64_t tick, std::int64_t afterId, std::size_t limit, const TickDecision& decide,
                                const std::string& now) = 0;
    virtual void finishTick(std::int64_t tick, std::int64_t moved, const std::string& now) = 0;

    // Webhook subscriptions (deleted ones do not exist for readers)
    virtual WebhookSubscription createSubscription(const WebhookSubscription& subscription) = 0;
    virtual std::optional<WebhookSubscription> findSubscription(std::int64_t id) = 0;
    virtual Slice<WebhookSubscription> listSubscriptions(std::optional<std::int64_t> clientId, std::int64_t limit,
                                                         std::int64_t offset) = 0;
    virtual bool deleteSubscription(std::int64_t id) = 0;
    /// Records one try of sending an event to a subscription (what GET /webhooks/{id}/deliveries lists).
    virtual void recordAttempt(std::int64_t subscriptionId, const WebhookAttempt& attempt) = 0;
    /// Sending attempts of a subscription, newest first.
    virtual Slice<WebhookAttempt> listAttempts(std::int64_t subscriptionId, std::int64_t limit, std::int64_t offset) = 0;
};

} // namespace mercato::delivery
