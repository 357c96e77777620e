#pragma once
// The delivery domain's value types (API.md §3). No I/O here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::delivery {

/// The roles of the delivery service.
namespace role {
inline const std::string kAdmin = "DELIVERY_ADMIN";
inline const std::string kClient = "DELIVERY_CLIENT";
} // namespace role

/// The one event type subscriptions can ask for.
inline const std::string kStatusChanged = "delivery.status_changed";

enum class DeliveryStatus { ReadyForPickUp, InOrigin, InRouteOfDelivery, Delivered, NotDelivered, Cancelled };

const char* toString(DeliveryStatus status);
std::optional<DeliveryStatus> parseDeliveryStatus(const std::string& text);
/// "READY_FOR_PICK_UP, IN_ORIGIN, …" for error messages.
std::string deliveryStatusNames();

struct DeliveryItem {
    std::int64_t sku = 0;
    std::string name;
    std::int64_t qty = 0;
    bool operator==(const DeliveryItem& o) const { return sku == o.sku && name == o.name && qty == o.qty; }
};

/// What a client asks to be delivered: everything of a delivery that the client chooses.
struct DeliveryRequest {
    std::int64_t foreignOrderId = 0;
    /// The client's shipment of that order, 0 for none: a client that splits an order into
    /// shipments asks for one delivery per shipment.
    std::int64_t foreignShipmentId = 0;
    std::vector<DeliveryItem> products;
    std::string originAddress;
    std::string destinationName;
    std::string destinationAddress;
    bool operator==(const DeliveryRequest& o) const
    {
        return foreignOrderId == o.foreignOrderId && foreignShipmentId == o.foreignShipmentId && products == o.products
               && originAddress == o.originAddress && destinationName == o.destinationName
               && destinationAddress == o.destinationAddress;
    }
};

struct Delivery {
    std::int64_t id = 0;
    std::string trackingNumber;
    std::int64_t clientId = 0;
    DeliveryRequest content;
    DeliveryStatus status = DeliveryStatus::ReadyForPickUp;
    int sequence = 0; ///< number of status changes so far (1 after creation)
    std::string createdAt;
    std::string updatedAt;
};

/// A change of some fields of a delivery that is still READY_FOR_PICK_UP (PUT).
struct DeliveryPatch {
    std::optional<std::vector<DeliveryItem>> products;
    std::optional<std::string> originAddress;
    std::optional<std::string> destinationName;
    std::optional<std::string> destinationAddress;
};

/// One status change: an entry of the tracking history and an event for webhooks.
struct StatusChange {
    std::string eventId;   ///< "evt_…", the webhook-id of every send of this event
    std::int64_t deliveryId = 0;
    std::string trackingNumber;
    std::int64_t foreignOrderId = 0;
    std::int64_t clientId = 0;
    int sequence = 0;      ///< 1 for the creation
    DeliveryStatus status = DeliveryStatus::ReadyForPickUp;
    std::optional<DeliveryStatus> previousStatus; ///< none for the creation
    std::string createdAt;
    /// The delivery's foreign shipment id, 0 for none. Last, so the positional initialisations
    /// of the fields above stay valid.
    std::int64_t foreignShipmentId = 0;
};

struct TrackingEntry {
    DeliveryStatus status = DeliveryStatus::ReadyForPickUp;
    std::string date;
};

/// What tracking shows of a delivery, with its history oldest first (read in one query; no names,
/// addresses or products).
struct TrackedDelivery {
    std::string trackingNumber;
    std::int64_t clientId = 0;
    std::int64_t foreignOrderId = 0;
    DeliveryStatus status = DeliveryStatus::ReadyForPickUp;
    std::vector<TrackingEntry> tracking;
};

struct WebhookSubscription {
    std::int64_t id = 0;
    std::int64_t clientId = 0;
    std::string url;
    std::vector<std::string> events;
    std::string description;
    std::string secret; ///< whsec_…; shown to the client only in the reply to its creation
    std::string createdAt;
};

/// One try of sending an event to a subscription.
struct WebhookAttempt {
    std::string eventId;
    int attempt = 0;
    std::optional<int> statusCode; ///< none when no HTTP answer arrived
    std::string error;
    std::string createdAt;
};

template <class T>
struct Slice {
    std::vector<T> items;
    std::int64_t total = 0;
};

} // namespace mercato::delivery
