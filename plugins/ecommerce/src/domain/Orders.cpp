#include "domain/Orders.h"

#include "domain/Refusal.h"

#include "mercato/sdk/Json.h"

#include <algorithm>

namespace mercato::ecommerce {

namespace {

std::string lineFailureMessage(const LineFailure& f)
{
    switch (f.reason) {
    case LineFailure::Reason::UnknownProduct: return "A product of the order does not exist";
    case LineFailure::Reason::NoWarehouse: return "A product's store has no warehouse address and cannot sell yet";
    case LineFailure::Reason::InsufficientStock: break;
    }
    return "Not enough stock";
}

/// The problem of a line that cannot be bought; `field` is its path in the request ("products.N",
/// or "" for the body of POST /orders/{id}/products).
Problem lineProblem(const std::string& field, const LineFailure& f)
{
    const std::string productId = field + (field.empty() ? "" : ".") + "product_id";
    switch (f.reason) {
    case LineFailure::Reason::UnknownProduct:
        return {productId, "not_found", "no such product"};
    case LineFailure::Reason::NoWarehouse:
        return {productId, "no_warehouse", "the product's store has no warehouse address yet"};
    case LineFailure::Reason::InsufficientStock:
        break;
    }
    return {field.empty() ? "quantity" : field, "insufficient_stock", "not enough stock"};
}

/// A line that cannot be bought: NotFound for a product that does not exist (or no longer: deleted,
/// or of a deleted store), Conflict for one that exists but cannot be sold now.
Refusal lineRefusal(const std::string& field, const LineFailure& f, const std::string& suffix)
{
    const auto kind = f.reason == LineFailure::Reason::UnknownProduct ? Refusal::Kind::NotFound : Refusal::Kind::Conflict;
    return {kind, lineFailureMessage(f) + suffix, {lineProblem(field, f)}};
}

/// The lines `requests` would buy, up to the first request (in request order) naming a product
/// that cannot be bought, and that request's failure.
struct ResolvedLines {
    std::vector<OrderLine> lines;
    std::optional<LineFailure> unsellable;
};

ResolvedLines resolveLines(CatalogStore& catalog, const std::vector<LineRequest>& requests)
{
    std::vector<std::int64_t> ids;
    for (const auto& r : requests)
        ids.push_back(r.productId);
    const auto forSale = catalog.productsForSale(ids);
    ResolvedLines resolved;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto it = forSale.find(requests[i].productId);
        if (it == forSale.end() || !it->second.hasWarehouse) {
            resolved.unsellable = LineFailure{i, it == forSale.end() ? LineFailure::Reason::UnknownProduct : LineFailure::Reason::NoWarehouse};
            break;
        }
        OrderLine line;
        line.productId = requests[i].productId;
        line.storeId = it->second.storeId;
        line.name = it->second.name;
        line.quantity = requests[i].quantity;
        resolved.lines.push_back(std::move(line));
    }
    return resolved;
}

Refusal storeDeleted(std::int64_t orderId, std::int64_t storeId, std::int64_t productId, OrderStatus target)
{
    // A store deleted after the purchase can no longer ship: the order may still be cancelled (its
    // stock comes back), not confirmed or dispatched.
    return Refusal::conflict("Order " + std::to_string(orderId) + " has products of store " + std::to_string(storeId)
                                 + ", which was deleted: it cannot be " + toString(target) + "; cancel it instead",
                             {{"status", "store_deleted",
                               "product " + std::to_string(productId) + " is of deleted store " + std::to_string(storeId)}});
}

void keepLinesOf(Order& order, const std::vector<std::int64_t>& stores)
{
    auto& lines = order.lines;
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&](const OrderLine& l) { return std::find(stores.begin(), stores.end(), l.storeId) == stores.end(); }),
                lines.end());
}

} // namespace

Order Orders::createOrder(const sdk::Principal& caller, std::optional<std::string> deliveryAddress, const std::vector<LineRequest>& lines)
{
    Order order;
    order.userId = caller.id;
    order.buyerName = caller.name.empty() ? caller.username : caller.name;
    if (!deliveryAddress && caller.profile && caller.profile->has("shipping_address") && !caller.profile->isNull("shipping_address"))
        deliveryAddress = caller.profile->getValue<std::string>("shipping_address");
    if (!deliveryAddress || deliveryAddress->empty())
        throw Refusal::invalid("delivery_address", "required", "you have no shipping address; give a delivery_address");
    order.deliveryAddress = *deliveryAddress;

    const auto field = [](std::size_t index) { return "products." + std::to_string(index); };
    ResolvedLines resolved = resolveLines(_catalog, lines);
    if (resolved.unsellable) {
        // The request names its first failing line, whatever the reason: a line before an
        // unsellable one may still be short of stock.
        if (auto shortfall = resolved.lines.empty() ? std::nullopt : _orders.firstShortfall(resolved.lines))
            throw lineRefusal(field(shortfall->index), {shortfall->index, LineFailure::Reason::InsufficientStock}, "; nothing was bought");
        throw lineRefusal(field(resolved.unsellable->index), *resolved.unsellable, "; nothing was bought");
    }
    auto result = _orders.createOrder(order, resolved.lines);
    if (auto* shortfall = std::get_if<StockShortfall>(&result))
        throw lineRefusal(field(shortfall->index), {shortfall->index, LineFailure::Reason::InsufficientStock}, "; nothing was bought");
    return std::get<Order>(result);
}

Order Orders::visibleOrder(const sdk::Principal& caller, std::int64_t id)
{
    auto o = _orders.findOrder(id);
    const auto notFound = [id] { return Refusal::notFound("Order " + std::to_string(id) + " not found"); };
    if (!o)
        throw notFound();
    switch (actorOf(caller.role)) {
    case Actor::Admin:
    case Actor::DeliveryService:
        return *o;
    case Actor::Buyer:
        if (o->userId != caller.id)
            throw notFound();
        return *o;
    case Actor::Seller:
        keepLinesOf(*o, _catalog.storesOfMember(caller.id));
        if (o->lines.empty())
            throw notFound();
        return *o;
    case Actor::Other:
        break;
    }
    throw notFound();
}

Order Orders::order(const sdk::Principal& caller, std::int64_t id)
{
    return visibleOrder(caller, id);
}

Slice<Order> Orders::orders(const sdk::Principal& caller, std::optional<OrderStatus> status, std::int64_t limit, std::int64_t offset)
{
    OrderQuery query;
    query.status = status;
    query.limit = limit;
    query.offset = offset;
    const Actor actor = actorOf(caller.role);
    switch (actor) {
    case Actor::Admin:
    case Actor::DeliveryService:
        query.scope = {OrderScope::Kind::All, 0};
        break;
    case Actor::Buyer:
        query.scope = {OrderScope::Kind::Buyer, caller.id};
        break;
    case Actor::Seller:
        query.scope = {OrderScope::Kind::Seller, caller.id};
        break;
    case Actor::Other:
        return {};
    }
    Slice<Order> slice = _orders.listOrders(query);
    if (actor == Actor::Seller) {
        const auto stores = _catalog.storesOfMember(caller.id);
        for (auto& o : slice.items)
            keepLinesOf(o, stores);
    }
    return slice;
}

OrderLine Orders::addLine(const sdk::Principal& caller, std::int64_t orderId, const LineRequest& line)
{
    Order o = visibleOrder(caller, orderId);
    if (o.userId != caller.id)
        throw Refusal::forbidden("Only the order's buyer may add products to it");
    const auto notCreated = [] { return Refusal::conflict("Products can only be added while the order is CREATED"); };
    if (o.status != OrderStatus::Created)
        throw notCreated();
    ResolvedLines resolved = resolveLines(_catalog, {line});
    if (resolved.unsellable)
        throw lineRefusal("", *resolved.unsellable, "");
    auto result = _orders.addLine(orderId, resolved.lines.front());
    if (!result)
        throw notCreated();
    if (std::holds_alternative<StockShortfall>(*result))
        throw lineRefusal("", {0, LineFailure::Reason::InsufficientStock}, "");
    return std::get<OrderLine>(*result);
}

void Orders::removeLine(const sdk::Principal& caller, std::int64_t orderId, std::int64_t lineId)
{
    Order o = visibleOrder(caller, orderId);
    if (o.userId != caller.id)
        throw Refusal::forbidden("Only the order's buyer may remove products from it");
    switch (_orders.removeLine(orderId, lineId)) {
    case OrderStore::RemoveResult::Removed:
        return;
    case OrderStore::RemoveResult::NoSuchLine:
        throw Refusal::notFound("Line " + std::to_string(lineId) + " of order " + std::to_string(orderId) + " not found");
    case OrderStore::RemoveResult::NotCreated:
        break;
    }
    throw Refusal::conflict("Products can only be removed while the order is CREATED");
}

TransitionWrites Orders::writesOf(std::int64_t orderId, OrderStatus target)
{
    TransitionWrites writes;
    writes.restoreStock = restoresStock(target);
    writes.requireLiveStores = target == OrderStatus::Confirmed || target == OrderStatus::Dispatched;
    if (target != OrderStatus::Dispatched)
        return writes;
    // The whole order (a seller's view hides other stores' lines), and the live stores of its lines
    // in line order; the transition checks them again on locked rows.
    auto full = _orders.findOrder(orderId);
    if (!full || full->lines.empty())
        throw std::logic_error("dispatching order " + std::to_string(orderId) + " without lines");
    std::optional<Store> origin;
    for (const auto& line : full->lines) {
        auto store = _catalog.findStore(line.storeId);
        if (!store)
            throw storeDeleted(orderId, line.storeId, line.productId, target);
        if (!origin)
            origin = std::move(store); // orders spanning stores ship from the first line's store
    }
    writes.message = dispatchMessage(*full, *origin);
    return writes;
}

Order Orders::changeStatus(const sdk::Principal& caller, std::int64_t orderId, OrderStatus target)
{
    // A concurrent change can move the order between the read and the conditional update: judge
    // again against the new status (a few times at most; each round means someone else won).
    for (int round = 0; round < 3; ++round) {
        Order o = visibleOrder(caller, orderId);
        switch (judgeTransition(actorOf(caller.role), o.status, target, o.lines.empty())) {
        case TransitionVerdict::NoOp:
            return o;
        case TransitionVerdict::Forbidden:
            throw Refusal::forbidden(std::string("Your role may not move this order to ") + toString(target));
        case TransitionVerdict::Conflict:
            if (target == OrderStatus::Confirmed && o.status == OrderStatus::Created && o.lines.empty())
                throw Refusal::conflict("An empty order cannot be confirmed");
            throw Refusal::conflict(std::string("An order in ") + toString(o.status) + " cannot move to " + toString(target));
        case TransitionVerdict::Allowed:
            break;
        }
        const OrderStore::TransitionOutcome moved = _orders.transition(orderId, o.status, target, writesOf(orderId, target));
        if (moved)
            return visibleOrder(caller, orderId);
        if (moved.kind == OrderStore::TransitionOutcome::Kind::StoreDeleted)
            throw storeDeleted(orderId, moved.storeId, moved.productId, target);
    }
    throw Refusal::conflict("The order is being changed concurrently; try again");
}

WebhookOutcome Orders::receiveDeliveryEvent(const std::string& webhookId, const std::string& eventType,
                                            std::optional<std::int64_t> orderId, const DeliveryInfo& delivery, std::int64_t sequence)
{
    // Judged on a read of the order; the update is written only while the order is still as read,
    // else judged again (each round means another event of the same order won).
    for (int round = 0; round < 3; ++round) {
        DeliveryReceipt receipt{webhookId, eventType, orderId, "ignored"};
        std::optional<DeliveryUpdate> update;
        WebhookOutcome outcome = WebhookOutcome::Ignored;
        if (eventType == kStatusChanged) {
            const auto state = orderId ? _orders.deliveryState(*orderId) : std::nullopt;
            if (!state) {
                outcome = WebhookOutcome::UnknownOrder;
                receipt.outcome = "unknown_order";
            } else if (!hasBeenDispatched(state->status)) {
                // Deliveries exist only for dispatched orders: an event about any other order is
                // recorded, never applied.
                receipt.outcome = "not_dispatched";
            } else {
                outcome = WebhookOutcome::Applied;
                receipt.outcome = sequence > state->lastSequence ? "applied" : "stale";
                if (sequence > state->lastSequence)
                    update = DeliveryUpdate{*state, delivery, sequence, statusAfterDelivery(state->status, delivery.status)};
            }
        }
        switch (_orders.recordDeliveryEvent(receipt, update)) {
        case OrderStore::ReceiptResult::Recorded:
            return outcome;
        case OrderStore::ReceiptResult::Duplicate:
            return WebhookOutcome::Duplicate;
        case OrderStore::ReceiptResult::Outdated:
            break;
        }
    }
    throw Refusal::conflict("The order is being changed concurrently; try again");
}

OutgoingMessage Orders::dispatchMessage(const Order& order, const Store& origin)
{
    // Without an origin the delivery service can never create the delivery and the outbox would
    // retry forever: refuse, which changes nothing.
    if (origin.warehouseAddress.empty())
        throw Refusal::conflict("The store the order ships from has no warehouse address; set one before dispatching",
                                {{"status", "no_warehouse", "store " + std::to_string(origin.id) + " has no warehouse address"}});
    sdk::JsonObject message = sdk::makeObject();
    message->set("foreign_order_id", order.id);
    sdk::JsonObject from = sdk::makeObject();
    from->set("address", origin.warehouseAddress);
    message->set("origin", from);
    sdk::JsonObject to = sdk::makeObject();
    to->set("name", order.buyerName);
    to->set("address", order.deliveryAddress);
    message->set("destination", to);
    sdk::JsonArray products = sdk::makeArray();
    for (const auto& line : order.lines) {
        sdk::JsonObject p = sdk::makeObject();
        p->set("sku", line.productId);
        p->set("name", line.name);
        p->set("qty", line.quantity);
        products->add(p);
    }
    message->set("products", products);
    return {kDispatchTopic, std::to_string(order.id), sdk::toJson(message)};
}

} // namespace mercato::ecommerce
