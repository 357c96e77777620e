#pragma once
// What orders need from storage. SQL only behind it (repository/SqlOrderStore): Orders decides,
// the store writes what was decided. Every write to an existing order is conditional on the
// version of the order it was decided on (stock also on its quantity) and says when it was not,
// so a decision taken on a stale read is never written. Each write is one
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

/// A delivery event applied to a shipment.
struct DeliveryUpdate {
    std::int64_t shipmentId = 0;
    DeliveryInfo delivery;
    std::int64_t sequence = 0;
};

/// A change of one order as Orders decided it on the order read at `expectedVersion`: written all
/// together, and only if the order is still at that version (else nothing is written).
struct OrderChange {
    std::int64_t orderId = 0;
    std::int64_t expectedVersion = 0;
    OrderStatus status = OrderStatus::Created; ///< the order's (derived) status after the change
    std::vector<ShipmentMove> moves;
    /// Stores that must still be live (read locked): a deleted one writes nothing (StoreDeleted).
    std::vector<std::int64_t> liveStores;
    std::vector<OrderLine> restock;          ///< lines whose quantity goes back to their product
    std::vector<OutgoingMessage> messages;   ///< appended to the outbox
    std::optional<DeliveryUpdate> delivery;  ///< a shipment's new delivery state
    std::optional<std::int64_t> removeLine;  ///< a line to delete (its stock is in `restock`)
    std::optional<std::int64_t> removeShipment; ///< a shipment left without lines
    std::vector<OrderEvent> events;          ///< appended to the order's event log
};

/// One webhook as it is recorded (once per id), with the outcome Orders gave it.
struct DeliveryReceipt {
    std::string webhookId;
    std::string eventType;
    std::optional<std::int64_t> orderId;
    std::optional<std::int64_t> shipmentId;
    std::string outcome; ///< applied, stale, unknown_order, not_dispatched, ignored
};

class OrderStore {
public:
    virtual ~OrderStore() = default;

    /// Writes the order (status CREATED), its lines and one CREATED shipment per store of the lines
    /// (in the order the stores first appear), and takes the lines' stock, all or nothing. The lines
    /// name live products (their store and name as Catalog found them); ids, order ids and
    /// timestamps are set here. A shortfall writes nothing.
    /// `events` go to the new order's log.
    virtual std::variant<Order, StockShortfall> createOrder(const Order& order, const std::vector<OrderLine>& lines,
                                                            const std::vector<OrderEvent>& events) = 0;
    /// Whether the stock of `lines` would suffice now: takes it and always rolls back.
    virtual std::optional<StockShortfall> firstShortfall(const std::vector<OrderLine>& lines) = 0;
    /// A write conditional on the order's version found the order changed since it was read.
    struct Outdated {};
    /// Adds a line (and, with `newShipment`, a CREATED shipment for its store) to the order read at
    /// `expectedVersion` and takes its stock. A shortfall or Outdated writes nothing.
    virtual std::variant<OrderLine, StockShortfall, Outdated> addLine(std::int64_t orderId, std::int64_t expectedVersion,
                                                                      const OrderLine& line, bool newShipment,
                                                                      const std::vector<OrderEvent>& events) = 0;
    /// The order with its lines and shipments (`delivery` is left for Orders to derive).
    virtual std::optional<Order> findOrder(std::int64_t id) = 0;
    /// A page of orders (with lines and shipments) and the total.
    virtual Slice<Order> listOrders(const OrderQuery& query) = 0;

    /// What apply() did.
    struct Applied {
        enum class Kind { Done, Outdated, StoreDeleted };
        Kind kind = Kind::Done;
        std::int64_t storeId = 0; ///< StoreDeleted: the first of `liveStores` that is deleted
        explicit operator bool() const { return kind == Kind::Done; }
    };
    /// Writes `change` in one transaction if the order is still at `change.expectedVersion`, and
    /// counts it as the order's next version.
    virtual Applied apply(const OrderChange& change) = 0;

    /// Records the delivery the delivery service created for a dispatched shipment (its answer to
    /// the relay); a tracking number already known for the shipment is kept, and so is a status a
    /// webhook brought. False when there is no such order (Orders found the shipment in it).
    virtual bool recordDelivery(std::int64_t orderId, std::int64_t shipmentId, const DeliveryInfo& delivery,
                                const std::vector<OrderEvent>& events) = 0;
    /// Ids of up to `limit` orders in CREATED created before `stamp` (UTC `YYYY-MM-DD HH:MM:SS`), oldest first.
    virtual std::vector<std::int64_t> createdBefore(const std::string& stamp, std::size_t limit) = 0;
    /// The order's event log, oldest first.
    virtual std::vector<OrderEvent> events(std::int64_t orderId) = 0;
    enum class ReceiptResult {
        Recorded,  ///< the receipt, and the change if one was given, are written
        Duplicate, ///< a receipt with this webhook id exists: nothing written
        Outdated,  ///< the order is no longer at the change's version: nothing written, judge again
    };
    /// Writes the receipt and, if given, the change (as apply() does), in one transaction.
    virtual ReceiptResult recordDeliveryEvent(const DeliveryReceipt& receipt, const std::optional<OrderChange>& change) = 0;
};

} // namespace mercato::ecommerce
