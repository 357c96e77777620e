#pragma once
// The rules of shipments (API.md §2 "Shipments"): what an order's status and delivery are, given
// its shipments, and which shipments a status change moves. Pure functions, no I/O.
#include "domain/Model.h"
#include "domain/OrderRules.h"

#include <optional>
#include <vector>

namespace mercato::ecommerce {

/// The least advanced status of the shipments that are not cancelled (CREATED < CONFIRMED <
/// DISPATCHED < DELIVERED); CANCELLED when all are; `whenNone` for an order without shipments (an
/// order without lines keeps its own status).
OrderStatus derivedStatus(const std::vector<Shipment>& shipments, OrderStatus whenNone);

/// The order's `delivery`: its only shipment's; none when it has several (or none).
std::optional<DeliveryInfo> orderDelivery(const std::vector<Shipment>& shipments);

/// The lines of `order` that `shipment` fulfils (those of its store), in line order.
std::vector<OrderLine> linesOf(const Order& order, const Shipment& shipment);

/// The shipment of `storeId` in `order`, if it has one.
const Shipment* shipmentOfStore(const Order& order, std::int64_t storeId);

/// What a status change of an order or of one shipment does.
struct MovePlan {
    TransitionVerdict verdict = TransitionVerdict::Allowed;
    /// Forbidden/Conflict: the status the refusal is about (the first shipment that cannot move).
    OrderStatus judgedFrom = OrderStatus::Created;
    std::vector<ShipmentMove> moves; ///< Allowed: the shipments that move (none: an order without lines)
};

/// `PUT /orders/{id}` `{status}` by `actor` on the order as the caller sees it (a seller: only
/// their own shipments). Cancelling is all or nothing: every live shipment must be allowed to move
/// (a buyer cancels only while all are CREATED). Any other target moves every live shipment that
/// may move, skips those already there (NoOp when none moves and all are already there), and
/// refuses with the first shipment's verdict when none may move. An order without shipments (no
/// lines) is judged as the order itself.
MovePlan planOrderMove(Actor actor, const Order& visible, OrderStatus target);

/// `PUT /orders/{id}/shipments/{sid}` `{status}`: one shipment by the status machine; a seller
/// only of their own stores (`callerSells`), and only an admin cancels a single shipment (a buyer
/// cancels the whole order).
MovePlan planShipmentMove(Actor actor, const Shipment& shipment, OrderStatus target, bool callerSells);

} // namespace mercato::ecommerce
