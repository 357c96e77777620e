#include "http/Views.h"

#include "domain/Shipments.h"

namespace mercato::ecommerce {

sdk::JsonObject storeJson(const Store& s)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", s.id);
    o->set("name", s.name);
    o->set("description", s.description);
    if (s.warehouseAddress.empty())
        o->set("warehouse_address", Poco::Dynamic::Var());
    else
        o->set("warehouse_address", s.warehouseAddress);
    sdk::JsonArray ids = sdk::makeArray();
    for (auto id : s.usersIds)
        ids->add(id);
    o->set("users_ids", ids);
    o->set("created_at", s.createdAt);
    o->set("updated_at", s.updatedAt);
    return o;
}

sdk::JsonObject productJson(const Product& p)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", p.id);
    o->set("name", p.name);
    o->set("short_description", p.shortDescription);
    o->set("quantity", p.quantity);
    o->set("store_id", p.storeId);
    o->set("created_at", p.createdAt);
    o->set("updated_at", p.updatedAt);
    return o;
}

sdk::JsonObject lineJson(const OrderLine& l)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", l.id);
    o->set("order_id", l.orderId);
    o->set("product_id", l.productId);
    o->set("store_id", l.storeId);
    o->set("name", l.name);
    o->set("quantity", l.quantity);
    o->set("created_at", l.createdAt);
    return o;
}

sdk::JsonArray linesJson(const std::vector<OrderLine>& lines)
{
    return arrayOf(lines, lineJson);
}

namespace {

/// `delivery` of an order or a shipment: `{tracking_number,status}` or null.
void setDelivery(sdk::JsonObject& o, const std::optional<DeliveryInfo>& delivery)
{
    if (!delivery) {
        o->set("delivery", Poco::Dynamic::Var());
        return;
    }
    sdk::JsonObject d = sdk::makeObject();
    d->set("tracking_number", delivery->trackingNumber);
    d->set("status", delivery->status);
    o->set("delivery", d);
}

} // namespace

sdk::JsonObject shipmentJson(const Order& order, const Shipment& s)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", s.id);
    o->set("store_id", s.storeId);
    o->set("status", toString(s.status));
    o->set("lines", linesJson(linesOf(order, s)));
    setDelivery(o, s.delivery);
    o->set("created_at", s.createdAt);
    o->set("updated_at", s.updatedAt);
    return o;
}

sdk::JsonObject orderJson(const Order& order)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", order.id);
    o->set("status", toString(order.status));
    o->set("user_id", order.userId);
    o->set("delivery_address", order.deliveryAddress);
    o->set("products", linesJson(order.lines));
    setDelivery(o, order.delivery);
    sdk::JsonArray shipments = sdk::makeArray();
    for (const auto& s : order.shipments)
        shipments->add(shipmentJson(order, s));
    o->set("shipments", shipments);
    o->set("created_at", order.createdAt);
    o->set("updated_at", order.updatedAt);
    return o;
}

namespace {

Poco::Dynamic::Var orNull(const std::optional<std::string>& text) { return text ? Poco::Dynamic::Var(*text) : Poco::Dynamic::Var(); }

} // namespace

sdk::JsonObject eventJson(const OrderEvent& e)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", e.id);
    o->set("type", e.type);
    o->set("shipment_id", e.shipmentId ? Poco::Dynamic::Var(*e.shipmentId) : Poco::Dynamic::Var());
    o->set("from", orNull(e.from));
    o->set("to", orNull(e.to));
    sdk::JsonObject actor = sdk::makeObject();
    actor->set("type", toString(e.actor.type));
    actor->set("id", e.actor.id ? Poco::Dynamic::Var(*e.actor.id) : Poco::Dynamic::Var());
    o->set("actor", actor);
    o->set("at", e.at);
    return o;
}

} // namespace mercato::ecommerce
