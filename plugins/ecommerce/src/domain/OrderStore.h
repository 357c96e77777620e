#pragma once
// What orders need from storage. SQL only behind it (repository/SqlOrderStore): Orders decides,
// the store writes what was decided. A write that depends on state read earlier is conditional on
// that state (the order still in `from`, the stock still there, the delivery state unchanged) and
// says when it was not, so a decision taken on a stale read is never written. Each write is one
// transaction: a failure leaves nothing half-written. Every method may run concurrently.
#include "domain/Model.h"

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mercato::ecommerce {

/// Which orders a caller sees: all, a buyer's own, or those with lines of a seller's stores.
struct OrderScope {
    enum class Kind { All, Buyer, Seller };
    Kind kind = Kind::All;
    std::int64_t userId = 0;
};

struct OrderQuery {
    OrderScope scope;
    std::optional<OrderStatus> status;
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

/// The first line (by its index in the lines given) whose product had not enough stock.
struct StockShortfall {
    std::size_t index = 0;
};

/// What a status change writes besides the status, as Orders decided it.
struct TransitionWrites {
    bool restoreStock = false;            ///< give every line's quantity back to its product
    bool requireLiveStores = false;       ///< change nothing when a line's store is deleted (read locked)
    std::optional<OutgoingMessage> message; ///< appended to the outbox
};

/// The part of an order a delivery webhook is judged against.
struct DeliveryState {
    OrderStatus status = OrderStatus::Created;
    std::int64_t lastSequence = 0; ///< of the last event applied; 0: none yet
};

/// One webhook as it is recorded (once per id), with the outcome Orders gave it.
struct DeliveryReceipt {
    std::string webhookId;
    std::string eventType;
    std::optional<std::int64_t> orderId;
    std::string outcome; ///< applied, stale, unknown_order, not_dispatched, ignored
};

/// A webhook's change to an order, written only while the order is still as `expected` says.
struct DeliveryUpdate {
    DeliveryState expected;
    DeliveryInfo delivery;
    std::int64_t sequence = 0;
    OrderStatus status = OrderStatus::Dispatched; ///< the order's status after the event
};

class OrderStore {
public:
    virtual ~OrderStore() = default;

    /// Writes the order (status CREATED) and its lines and takes their stock, all or nothing. The
    /// lines name live products (their store and name as Catalog found them); ids, order ids and
    /// timestamps are set here. A shortfall writes nothing.
    virtual std::variant<Order, StockShortfall> createOrder(const Order& order, const std::vector<OrderLine>& lines) = 0;
    /// Whether the stock of `lines` would suffice now: takes it and always rolls back.
    virtual std::optional<StockShortfall> firstShortfall(const std::vector<OrderLine>& lines) = 0;
    /// Adds a line to an order that is still CREATED and takes its stock; nullopt when the order is
    /// not (any more) CREATED.
    virtual std::optional<std::variant<OrderLine, StockShortfall>> addLine(std::int64_t orderId, const OrderLine& line) = 0;
    enum class RemoveResult { Removed, NoSuchLine, NotCreated };
    /// Removes a line of a CREATED order and restores its stock. NoSuchLine when the order has no
    /// such line (whatever its status), NotCreated when it has but is no longer CREATED.
    virtual RemoveResult removeLine(std::int64_t orderId, std::int64_t lineId) = 0;
    virtual std::optional<Order> findOrder(std::int64_t id) = 0;
    virtual Slice<Order> listOrders(const OrderQuery& query) = 0;

    /// What transition() did. Converts to true only when the order moved.
    struct TransitionOutcome {
        enum class Kind { Moved, NotInFrom, StoreDeleted };
        Kind kind = Kind::Moved;
        std::int64_t storeId = 0;   ///< StoreDeleted: the deleted store of a line (the first, in line order)
        std::int64_t productId = 0; ///< StoreDeleted: that line's product
        explicit operator bool() const { return kind == Kind::Moved; }
    };
    /// Moves the order from `from` to `to` if it is still in `from`, with `writes`, in one
    /// transaction. NotInFrom when it was no longer in `from`; StoreDeleted when
    /// `writes.requireLiveStores` and a line's store is deleted (the stores are read locked, so a
    /// concurrent delete is either seen or waits). Either way nothing changed.
    virtual TransitionOutcome transition(std::int64_t orderId, OrderStatus from, OrderStatus to, const TransitionWrites& writes) = 0;

    /// Records the delivery the delivery service created for a dispatched order (its answer to the
    /// relay); a tracking number already known for the order is kept, and so is a status a webhook
    /// brought. False when the order does not exist.
    virtual bool recordDelivery(std::int64_t orderId, const DeliveryInfo& delivery) = 0;
    /// The order's delivery state; nullopt when there is no such order.
    virtual std::optional<DeliveryState> deliveryState(std::int64_t orderId) = 0;
    enum class ReceiptResult {
        Recorded,  ///< the receipt, and the update if one was given, are written
        Duplicate, ///< a receipt with this webhook id exists: nothing written
        Outdated,  ///< the order is no longer as the update expected: nothing written, judge again
    };
    /// Writes the receipt and, if given, the update, in one transaction.
    virtual ReceiptResult recordDeliveryEvent(const DeliveryReceipt& receipt, const std::optional<DeliveryUpdate>& update) = 0;
};

} // namespace mercato::ecommerce
