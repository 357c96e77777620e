#pragma once
// The ecommerce domain's value types (API.md §2). No I/O here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::ecommerce {

/// The roles of the ecommerce service.
namespace role {
inline const std::string kAdmin = "MARKETPLACE_ADMIN";
inline const std::string kSeller = "SELLER";
inline const std::string kBuyer = "MARKETPLACE_USER";
inline const std::string kDeliveryService = "DELIVERY_SERVICE";
} // namespace role

struct Store {
    std::int64_t id = 0;
    std::string name;
    std::string description;
    std::string warehouseAddress; ///< empty: none yet (the store cannot sell)
    std::vector<std::int64_t> usersIds;
    std::string createdAt;
    std::string updatedAt;
};

struct Product {
    std::int64_t id = 0;
    std::int64_t storeId = 0;
    std::string name;
    std::string shortDescription;
    std::int64_t quantity = 0;
    std::string createdAt;
    std::string updatedAt;
};

enum class OrderStatus { Created, Confirmed, Dispatched, Delivered, Cancelled };

const char* toString(OrderStatus status);
/// The status named `name` (API.md spelling), or nullopt.
std::optional<OrderStatus> parseOrderStatus(const std::string& name);
/// Every status name, for validation messages and schemas.
std::vector<std::string> orderStatusNames();

struct OrderLine {
    std::int64_t id = 0;
    std::int64_t orderId = 0;
    std::int64_t productId = 0;
    std::int64_t storeId = 0;
    std::string name;
    std::int64_t quantity = 0;
    std::string createdAt;
};

struct DeliveryInfo {
    std::string trackingNumber;
    std::string status;
};

/// The part of an order one store fulfils: the order's lines of that store, with its own status
/// (the order status machine) and its own delivery (API.md §2 "Shipments").
struct Shipment {
    std::int64_t id = 0;
    std::int64_t orderId = 0;
    std::int64_t storeId = 0;
    OrderStatus status = OrderStatus::Created;
    std::optional<DeliveryInfo> delivery;
    std::int64_t deliverySequence = 0; ///< of the last delivery event applied; 0: none yet
    std::string createdAt;
    std::string updatedAt;
};

/// One shipment moving from `from` to `to`.
struct ShipmentMove {
    std::int64_t shipmentId = 0;
    OrderStatus from = OrderStatus::Created;
    OrderStatus to = OrderStatus::Created;
};

struct Order {
    std::int64_t id = 0;
    /// Derived: the least advanced status of the live shipments (Shipments.h), as stored.
    OrderStatus status = OrderStatus::Created;
    std::int64_t userId = 0;
    std::string buyerName;
    std::string deliveryAddress;
    std::vector<OrderLine> lines;
    std::vector<Shipment> shipments; ///< in id order: one per store of the lines
    /// Derived: the only shipment's delivery; none when the order has several (Shipments.h).
    std::optional<DeliveryInfo> delivery;
    std::int64_t version = 0; ///< counts the order's changes: a change is written only at the version read
    std::string createdAt;
    std::string updatedAt;
};

/// Who made a change of an order: a user (buyer, seller, admin), a service (the delivery service,
/// by its account or its webhooks) or the system (a periodic task).
struct EventActor {
    enum class Type { User, Service, System };
    Type type = Type::System;
    std::optional<std::int64_t> id; ///< the user id of a user or a service's account
};

const char* toString(EventActor::Type type);

/// One entry of an order's event log (API.md §2 `GET /orders/{id}/events`).
struct OrderEvent {
    std::int64_t id = 0;       ///< set when written
    std::string type;          ///< created, line_added, line_removed, status_changed, cancelled, delivery_created, delivery_status_received, expired
    std::int64_t storeId = 0;  ///< written: the event is about the shipment of this store; 0: about the order
    std::optional<std::int64_t> shipmentId; ///< read: that shipment; none for order-level events
    std::optional<std::string> from, to;    ///< statuses (of the order, the shipment or its delivery)
    EventActor actor;
    std::string at;            ///< set when written
};

/// One requested purchase: `quantity` units of `productId`.
struct LineRequest {
    std::int64_t productId = 0;
    std::int64_t quantity = 0;
};

/// What buying a product needs to know about it: its store and name, and whether that store has a
/// warehouse to ship from. Only live products of live stores have one.
struct ProductForSale {
    std::int64_t productId = 0;
    std::int64_t storeId = 0;
    std::string name;
    bool hasWarehouse = false;
};

/// Why a line could not be bought; `index` is its position in the request (0 for a single line).
struct LineFailure {
    enum class Reason { UnknownProduct, NoWarehouse, InsufficientStock };
    std::size_t index = 0;
    Reason reason = Reason::UnknownProduct;
};

/// A message for another service, appended to the outbox in the same transaction as the change it
/// announces (topic and key as sdk::Outbox takes them).
struct OutgoingMessage {
    std::string topic;
    std::string key;
    std::string payload;
};

/// A page of a list and the total count of the filtered list.
template <class T>
struct Slice {
    std::vector<T> items;
    std::int64_t total = 0;
};

} // namespace mercato::ecommerce
