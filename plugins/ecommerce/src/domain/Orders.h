#pragma once
#include "domain/CatalogStore.h"
#include "domain/Model.h"
#include "domain/OrderRules.h"
#include "domain/OrderStore.h"
#include "domain/Shipments.h"

#include "mercato/sdk/Principal.h"

#include <optional>
#include <string>
#include <vector>

namespace mercato::ecommerce {

/// What a delivery webhook did to its order.
enum class WebhookOutcome {
    Duplicate,    ///< its id was seen before: nothing happened
    Applied,      ///< recorded; the order's delivery changed (or the event was stale: nothing to change)
    UnknownOrder, ///< recorded; no such order
    Ignored,      ///< recorded; another event type, or an order that was never dispatched
};

/// The order rules of API.md §2 over an OrderStore (orders, lines) and a CatalogStore (what the
/// lines buy, who sells it): who sees which order and which of its lines, who may buy, add and
/// remove lines, the status machine (OrderRules), what a status change writes (stock back, the
/// dispatch message) and how a delivery webhook changes an order. Throws Refusal: NotFound for
/// an order or product the caller may not see, Forbidden for what their role may not do, Conflict
/// for a state that forbids it, Invalid for input that cannot be used. Every method may run
/// concurrently: a decision taken on a read that a concurrent change made stale is never written
/// (the OrderStore's writes are conditional) and is taken again.
class Orders {
public:
    Orders(OrderStore& orders, CatalogStore& catalog) : _orders(orders), _catalog(catalog) {}

    /// Creates the caller's order and buys `lines` into it, all or nothing. The delivery address
    /// defaults to the caller's profile's `shipping_address`.
    Order createOrder(const sdk::Principal& caller, std::optional<std::string> deliveryAddress, const std::vector<LineRequest>& lines);
    /// An order the caller may see (a seller sees only the lines of their own stores).
    Order order(const sdk::Principal& caller, std::int64_t id);
    Slice<Order> orders(const sdk::Principal& caller, std::optional<OrderStatus> status, std::int64_t limit, std::int64_t offset);
    OrderLine addLine(const sdk::Principal& caller, std::int64_t orderId, const LineRequest& line);
    void removeLine(const sdk::Principal& caller, std::int64_t orderId, std::int64_t lineId);
    /// The order's event log as the caller may see it (a seller: only their shipments' events).
    std::vector<OrderEvent> events(const sdk::Principal& caller, std::int64_t orderId);
    /// Moves every shipment of the order the caller may move (Shipments.h planOrderMove).
    Order changeStatus(const sdk::Principal& caller, std::int64_t orderId, OrderStatus target);
    /// Moves one shipment of the order (planShipmentMove); the order as the caller sees it after.
    Order changeShipmentStatus(const sdk::Principal& caller, std::int64_t orderId, std::int64_t shipmentId, OrderStatus target);

    /// The shipment a delivery event or the delivery service's answer is about: `shipmentId` when
    /// given (null when the order has no such shipment), else the one with `trackingNumber`, else
    /// the order's first (deliveries requested before orders had shipments name none).
    static const Shipment* shipmentOfDelivery(const Order& order, std::optional<std::int64_t> shipmentId,
                                              const std::string& trackingNumber);

    /// Applies a delivery webhook (already authenticated) to the shipment it is about: records it
    /// once per `webhookId` and, for a newer `sequence` of a dispatched shipment, sets the
    /// shipment's delivery and moves it to DELIVERED when the delivery is (and the order with it,
    /// once every live shipment is).
    WebhookOutcome receiveDeliveryEvent(const std::string& webhookId, const std::string& eventType, std::optional<std::int64_t> orderId,
                                        std::optional<std::int64_t> shipmentId, const DeliveryInfo& delivery, std::int64_t sequence);
    /// Records the delivery the delivery service created for a dispatched shipment (the relay's
    /// answer); false when the order or the shipment does not exist.
    bool recordDelivery(std::int64_t orderId, std::optional<std::int64_t> shipmentId, const DeliveryInfo& delivery);

    /// Releases the reservations of orders left CREATED since before `createdBefore` (UTC
    /// `YYYY-MM-DD HH:MM:SS`): every shipment of such an order that is still CREATED is cancelled
    /// and its stock restored (an order without lines is cancelled), with an `expired` event, by
    /// the system. Shipments a seller confirmed go on. At most `batch` orders per call; returns how
    /// many were expired (call again while it returns `batch`).
    std::size_t expireReservations(const std::string& createdBefore, std::size_t batch);

    /// The outbox message of a dispatched shipment (topic kDispatchTopic, key the order id): what the
    /// delivery service needs to create its delivery, from `origin`'s warehouse, with the
    /// shipment's lines. Conflict when `origin` has no warehouse address.
    static OutgoingMessage dispatchMessage(const Order& order, const Shipment& shipment, const Store& origin);
    static constexpr const char* kDispatchTopic = "ecommerce.order.dispatched";
    /// The webhook event type that carries a delivery's status.
    static constexpr const char* kStatusChanged = "delivery.status_changed";

private:
    /// An order as stored and as the caller may see it.
    struct Seen {
        Order full;
        Order view; ///< a seller: only the lines and shipments of their stores
    };
    Seen see(const sdk::Principal& caller, std::int64_t id);
    Order visibleOrder(const sdk::Principal& caller, std::int64_t id) { return see(caller, id).view; }
    /// The change that makes `moves` (on `full` as read) with everything they write.
    OrderChange changeFor(const Order& full, const std::vector<ShipmentMove>& moves, OrderStatus target, const EventActor& actor);
    /// Refuses `plan` unless it is Allowed; NoOp returns false (nothing to do).
    bool accept(const MovePlan& plan, const Order& full, OrderStatus target);
    /// Applies the moves of `plan`; true when written, false when the order changed meanwhile.
    bool applyMoves(const Order& full, const MovePlan& plan, OrderStatus target, const EventActor& actor);

    OrderStore& _orders;
    CatalogStore& _catalog;
};

} // namespace mercato::ecommerce
