#pragma once
#include "domain/Model.h"

#include <string>

namespace mercato::ecommerce {

/// Who is acting on an order, as the status machine sees it.
enum class Actor { Admin, Seller, Buyer, DeliveryService, Other };

/// The actor of a role (for a seller, the caller must also have a line in the order, which order
/// visibility already guarantees).
Actor actorOf(const std::string& role);

/// The outcome of asking for a status change (API.md §2 "Transitions").
enum class TransitionVerdict {
    Allowed,   ///< do it
    NoOp,      ///< already there and repeating is harmless (DELIVERED → DELIVERED by delivery)
    Forbidden, ///< 403: this actor may not make this change
    Conflict,  ///< 409: no such transition from the current status
};

/// The status machine: CREATED → CONFIRMED → DISPATCHED → DELIVERED, CREATED|CONFIRMED → CANCELLED.
/// Checks, in order: may the actor move an order into `to` at all (else Forbidden), does the
/// transition from `from` exist (else Conflict), may the actor make this particular one (else
/// Forbidden). `emptyOrder` blocks confirming an order without lines (Conflict).
TransitionVerdict judgeTransition(Actor actor, OrderStatus from, OrderStatus to, bool emptyOrder);

/// True when cancelling restores stock and confirming/dispatching/delivering does not.
inline bool restoresStock(OrderStatus to) { return to == OrderStatus::Cancelled; }

/// True for the statuses an order has once it was handed to the delivery service: only such an
/// order has a delivery whose events apply to it.
inline bool hasBeenDispatched(OrderStatus status) { return status == OrderStatus::Dispatched || status == OrderStatus::Delivered; }

/// The order's status after its delivery reports `deliveryStatus` (a delivery status name of API.md
/// §3): a DISPATCHED order becomes DELIVERED when its delivery is; nothing else moves it.
OrderStatus statusAfterDelivery(OrderStatus current, const std::string& deliveryStatus);

} // namespace mercato::ecommerce
