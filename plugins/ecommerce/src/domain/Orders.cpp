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

/// `order` as a seller of `stores` sees it: only their lines and shipments.
void keepStores(Order& order, const std::vector<std::int64_t>& stores)
{
    const auto sells = [&](std::int64_t storeId) { return std::find(stores.begin(), stores.end(), storeId) != stores.end(); };
    auto& lines = order.lines;
    lines.erase(std::remove_if(lines.begin(), lines.end(), [&](const OrderLine& l) { return !sells(l.storeId); }), lines.end());
    auto& shipments = order.shipments;
    shipments.erase(std::remove_if(shipments.begin(), shipments.end(), [&](const Shipment& s) { return !sells(s.storeId); }),
                    shipments.end());
}

/// The order with what is derived from its shipments filled in.
Order& derive(Order& order)
{
    order.delivery = orderDelivery(order.shipments);
    return order;
}

/// Who `caller` is in an event: the delivery service's account is a service, everyone else a user.
EventActor actorOfCaller(const sdk::Principal& caller)
{
    return {actorOf(caller.role) == Actor::DeliveryService ? EventActor::Type::Service : EventActor::Type::User, caller.id};
}

OrderEvent event(std::string type, std::int64_t storeId, std::optional<std::string> from, std::optional<std::string> to, EventActor actor)
{
    OrderEvent e;
    e.type = std::move(type);
    e.storeId = storeId;
    e.from = std::move(from);
    e.to = std::move(to);
    e.actor = std::move(actor);
    return e;
}

/// The events of lines bought or removed: one per line, about its store's shipment.
std::vector<OrderEvent> lineEvents(const char* type, const std::vector<OrderLine>& lines, const EventActor& actor)
{
    std::vector<OrderEvent> events;
    for (const auto& l : lines)
        events.push_back(event(type, l.storeId, std::nullopt, std::nullopt, actor));
    return events;
}

Refusal concurrentChange() { return Refusal::conflict("The order is being changed concurrently; try again"); }

/// Rounds of read, decide, conditional write: each further round means another change of the same
/// order was written first.
constexpr int kRounds = 3;

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
    std::vector<OrderEvent> events{event("created", 0, std::nullopt, std::string(toString(OrderStatus::Created)), actorOfCaller(caller))};
    const auto bought = lineEvents("line_added", resolved.lines, actorOfCaller(caller));
    events.insert(events.end(), bought.begin(), bought.end());
    auto result = _orders.createOrder(order, resolved.lines, events);
    if (auto* shortfall = std::get_if<StockShortfall>(&result))
        throw lineRefusal(field(shortfall->index), {shortfall->index, LineFailure::Reason::InsufficientStock}, "; nothing was bought");
    return derive(std::get<Order>(result));
}

Orders::Seen Orders::see(const sdk::Principal& caller, std::int64_t id)
{
    auto o = _orders.findOrder(id);
    const auto notFound = [id] { return Refusal::notFound("Order " + std::to_string(id) + " not found"); };
    if (!o)
        throw notFound();
    derive(*o);
    Seen seen{*o, *o};
    switch (actorOf(caller.role)) {
    case Actor::Admin:
    case Actor::DeliveryService:
        return seen;
    case Actor::Buyer:
        if (o->userId != caller.id)
            throw notFound();
        return seen;
    case Actor::Seller:
        keepStores(seen.view, _catalog.storesOfMember(caller.id));
        if (seen.view.lines.empty())
            throw notFound();
        return seen;
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
    const auto stores = actor == Actor::Seller ? _catalog.storesOfMember(caller.id) : std::vector<std::int64_t>{};
    for (auto& o : slice.items) {
        derive(o);
        if (actor == Actor::Seller)
            keepStores(o, stores);
    }
    return slice;
}

OrderLine Orders::addLine(const sdk::Principal& caller, std::int64_t orderId, const LineRequest& line)
{
    const auto notCreated = [] { return Refusal::conflict("Products can only be added while the order is CREATED"); };
    for (int round = 0; round < kRounds; ++round) {
        const Seen seen = see(caller, orderId);
        if (seen.full.userId != caller.id)
            throw Refusal::forbidden("Only the order's buyer may add products to it");
        if (seen.full.status != OrderStatus::Created)
            throw notCreated();
        ResolvedLines resolved = resolveLines(_catalog, {line});
        if (resolved.unsellable)
            throw lineRefusal("", *resolved.unsellable, "");
        // The line joins its store's shipment, which must not have moved on; or starts one.
        const Shipment* shipment = shipmentOfStore(seen.full, resolved.lines.front().storeId);
        if (shipment && shipment->status != OrderStatus::Created)
            throw Refusal::conflict("Products can only be added while the order is CREATED; the shipment of store "
                                    + std::to_string(shipment->storeId) + " is " + toString(shipment->status));
        auto result = _orders.addLine(orderId, seen.full.version, resolved.lines.front(), shipment == nullptr,
                                      lineEvents("line_added", resolved.lines, actorOfCaller(caller)));
        if (std::holds_alternative<StockShortfall>(result))
            throw lineRefusal("", {0, LineFailure::Reason::InsufficientStock}, "");
        if (auto* added = std::get_if<OrderLine>(&result))
            return *added;
    }
    throw concurrentChange();
}

void Orders::removeLine(const sdk::Principal& caller, std::int64_t orderId, std::int64_t lineId)
{
    for (int round = 0; round < kRounds; ++round) {
        const Seen seen = see(caller, orderId);
        const Order& full = seen.full;
        if (full.userId != caller.id)
            throw Refusal::forbidden("Only the order's buyer may remove products from it");
        auto line = std::find_if(full.lines.begin(), full.lines.end(), [&](const OrderLine& l) { return l.id == lineId; });
        if (line == full.lines.end())
            throw Refusal::notFound("Line " + std::to_string(lineId) + " of order " + std::to_string(orderId) + " not found");
        const Shipment* shipment = shipmentOfStore(full, line->storeId);
        if (!shipment || shipment->status != OrderStatus::Created)
            throw Refusal::conflict("Products can only be removed while the order is CREATED");
        OrderChange change;
        change.orderId = orderId;
        change.expectedVersion = full.version;
        change.removeLine = lineId;
        change.restock = {*line};
        change.events = lineEvents("line_removed", {*line}, actorOfCaller(caller));
        std::vector<Shipment> after = full.shipments;
        if (linesOf(full, *shipment).size() == 1) { // its last line: the store has nothing left to ship
            change.removeShipment = shipment->id;
            after.erase(std::remove_if(after.begin(), after.end(), [&](const Shipment& s) { return s.id == shipment->id; }), after.end());
        }
        change.status = derivedStatus(after, OrderStatus::Created);
        if (_orders.apply(change))
            return;
    }
    throw concurrentChange();
}

OrderChange Orders::changeFor(const Order& full, const std::vector<ShipmentMove>& moves, OrderStatus target, const EventActor& actor)
{
    OrderChange change;
    change.orderId = full.id;
    change.expectedVersion = full.version;
    change.moves = moves;
    std::vector<Shipment> after = full.shipments;
    for (const auto& move : moves) {
        auto shipment = std::find_if(after.begin(), after.end(), [&](const Shipment& s) { return s.id == move.shipmentId; });
        shipment->status = move.to;
        change.events.push_back(event("status_changed", shipment->storeId, std::string(toString(move.from)), std::string(toString(move.to)), actor));
        if (restoresStock(move.to)) {
            const auto lines = linesOf(full, *shipment);
            change.restock.insert(change.restock.end(), lines.begin(), lines.end());
        }
        if (move.to == OrderStatus::Confirmed || move.to == OrderStatus::Dispatched)
            change.liveStores.push_back(shipment->storeId);
        if (move.to == OrderStatus::Dispatched) {
            auto origin = _catalog.findStore(shipment->storeId);
            if (!origin)
                throw storeDeleted(full.id, shipment->storeId, linesOf(full, *shipment).at(0).productId, target);
            change.messages.push_back(dispatchMessage(full, *shipment, *origin));
        }
    }
    change.status = derivedStatus(after, target); // an order without lines takes the target itself
    if (change.status == OrderStatus::Cancelled && full.status != OrderStatus::Cancelled)
        change.events.push_back(event("cancelled", 0, std::string(toString(full.status)), std::string(toString(OrderStatus::Cancelled)), actor));
    return change;
}

bool Orders::accept(const MovePlan& plan, const Order& full, OrderStatus target)
{
    switch (plan.verdict) {
    case TransitionVerdict::Allowed:
        return true;
    case TransitionVerdict::NoOp:
        return false;
    case TransitionVerdict::Forbidden:
        throw Refusal::forbidden(std::string("Your role may not move this order to ") + toString(target));
    case TransitionVerdict::Conflict:
        break;
    }
    if (target == OrderStatus::Confirmed && plan.judgedFrom == OrderStatus::Created && full.lines.empty())
        throw Refusal::conflict("An empty order cannot be confirmed");
    throw Refusal::conflict(std::string("An order in ") + toString(plan.judgedFrom) + " cannot move to " + toString(target));
}

bool Orders::applyMoves(const Order& full, const MovePlan& plan, OrderStatus target, const EventActor& actor)
{
    const OrderStore::Applied applied = _orders.apply(changeFor(full, plan.moves, target, actor));
    if (applied.kind == OrderStore::Applied::Kind::StoreDeleted) {
        const Shipment* shipment = shipmentOfStore(full, applied.storeId);
        throw storeDeleted(full.id, applied.storeId, shipment ? linesOf(full, *shipment).at(0).productId : 0, target);
    }
    return bool(applied);
}

std::vector<OrderEvent> Orders::events(const sdk::Principal& caller, std::int64_t orderId)
{
    const Seen seen = see(caller, orderId);
    std::vector<OrderEvent> all = _orders.events(orderId);
    if (actorOf(caller.role) != Actor::Seller)
        return all;
    // A seller sees the events of their shipments only. A shipment removed with its store's last
    // line is no longer in the view: its events stay hidden from every seller but remain for the
    // buyer and admins.
    std::vector<OrderEvent> theirs;
    for (const auto& e : all)
        if (e.shipmentId && std::any_of(seen.view.shipments.begin(), seen.view.shipments.end(),
                                        [&](const Shipment& s) { return s.id == *e.shipmentId; }))
            theirs.push_back(e);
    return theirs;
}

Order Orders::changeStatus(const sdk::Principal& caller, std::int64_t orderId, OrderStatus target)
{
    for (int round = 0; round < kRounds; ++round) {
        const Seen seen = see(caller, orderId);
        const MovePlan plan = planOrderMove(actorOf(caller.role), seen.view, target);
        if (!accept(plan, seen.full, target))
            return seen.view;
        if (applyMoves(seen.full, plan, target, actorOfCaller(caller)))
            return visibleOrder(caller, orderId);
    }
    throw concurrentChange();
}

Order Orders::changeShipmentStatus(const sdk::Principal& caller, std::int64_t orderId, std::int64_t shipmentId, OrderStatus target)
{
    for (int round = 0; round < kRounds; ++round) {
        const Seen seen = see(caller, orderId);
        auto shipment = std::find_if(seen.full.shipments.begin(), seen.full.shipments.end(),
                                     [&](const Shipment& s) { return s.id == shipmentId; });
        if (shipment == seen.full.shipments.end())
            throw Refusal::notFound("Shipment " + std::to_string(shipmentId) + " of order " + std::to_string(orderId) + " not found");
        const bool callerSells = shipmentOfStore(seen.view, shipment->storeId) != nullptr;
        const MovePlan plan = planShipmentMove(actorOf(caller.role), *shipment, target, callerSells);
        if (plan.verdict == TransitionVerdict::Forbidden && !callerSells)
            throw Refusal::forbidden("Only a seller of store " + std::to_string(shipment->storeId) + " or an admin may move its shipment");
        if (plan.verdict == TransitionVerdict::Forbidden && actorOf(caller.role) == Actor::Buyer && target == OrderStatus::Cancelled)
            throw Refusal::forbidden("Only an admin may cancel one shipment; cancel the whole order instead");
        if (!accept(plan, seen.full, target))
            return seen.view;
        if (applyMoves(seen.full, plan, target, actorOfCaller(caller)))
            return visibleOrder(caller, orderId);
    }
    throw concurrentChange();
}

std::size_t Orders::expireReservations(const std::string& createdBefore, std::size_t batch)
{
    const EventActor system{EventActor::Type::System, std::nullopt};
    std::size_t expired = 0;
    for (std::int64_t id : _orders.createdBefore(createdBefore, batch)) {
        for (int round = 0; round < kRounds; ++round) {
            const auto order = _orders.findOrder(id);
            if (!order || order->status != OrderStatus::Created)
                break; // moved on since it was listed
            std::vector<ShipmentMove> moves;
            for (const auto& s : order->shipments)
                if (s.status == OrderStatus::Created)
                    moves.push_back({s.id, OrderStatus::Created, OrderStatus::Cancelled});
            OrderChange change = changeFor(*order, moves, OrderStatus::Cancelled, system);
            change.events.push_back(event("expired", 0, std::string(toString(order->status)), std::string(toString(change.status)), system));
            if (_orders.apply(change)) {
                ++expired;
                break;
            }
        }
    }
    return expired;
}

const Shipment* Orders::shipmentOfDelivery(const Order& order, std::optional<std::int64_t> shipmentId, const std::string& trackingNumber)
{
    const auto& all = order.shipments;
    if (shipmentId) {
        auto it = std::find_if(all.begin(), all.end(), [&](const Shipment& s) { return s.id == *shipmentId; });
        return it == all.end() ? nullptr : &*it;
    }
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const Shipment& s) { return s.delivery && s.delivery->trackingNumber == trackingNumber; });
    if (it != all.end())
        return &*it;
    return all.empty() ? nullptr : &all.front();
}

WebhookOutcome Orders::receiveDeliveryEvent(const std::string& webhookId, const std::string& eventType, std::optional<std::int64_t> orderId,
                                            std::optional<std::int64_t> shipmentId, const DeliveryInfo& delivery, std::int64_t sequence)
{
    // Judged on a read of the order; the change is written only while the order is still as read,
    // else judged again.
    for (int round = 0; round < kRounds; ++round) {
        DeliveryReceipt receipt{webhookId, eventType, orderId, shipmentId, "ignored"};
        std::optional<OrderChange> change;
        WebhookOutcome outcome = WebhookOutcome::Ignored;
        if (eventType == kStatusChanged) {
            const auto order = orderId ? _orders.findOrder(*orderId) : std::nullopt;
            const Shipment* shipment = order ? shipmentOfDelivery(*order, shipmentId, delivery.trackingNumber) : nullptr;
            if (!shipment) {
                outcome = WebhookOutcome::UnknownOrder;
                receipt.outcome = "unknown_order";
            } else if (!hasBeenDispatched(shipment->status)) {
                // Deliveries exist only for dispatched shipments: an event about any other is
                // recorded, never applied.
                receipt.shipmentId = shipment->id;
                receipt.outcome = "not_dispatched";
            } else {
                receipt.shipmentId = shipment->id;
                outcome = WebhookOutcome::Applied;
                receipt.outcome = sequence > shipment->deliverySequence ? "applied" : "stale";
                if (sequence > shipment->deliverySequence) {
                    const OrderStatus next = statusAfterDelivery(shipment->status, delivery.status);
                    std::vector<ShipmentMove> moves;
                    if (next != shipment->status)
                        moves.push_back({shipment->id, shipment->status, next});
                    const EventActor service{EventActor::Type::Service, std::nullopt};
                    change = changeFor(*order, moves, next, service);
                    change->delivery = DeliveryUpdate{shipment->id, delivery, sequence};
                    const auto before = shipment->delivery ? std::optional<std::string>(shipment->delivery->status) : std::nullopt;
                    change->events.insert(change->events.begin(),
                                          event("delivery_status_received", shipment->storeId, before, delivery.status, service));
                }
            }
        }
        switch (_orders.recordDeliveryEvent(receipt, change)) {
        case OrderStore::ReceiptResult::Recorded:
            return outcome;
        case OrderStore::ReceiptResult::Duplicate:
            return WebhookOutcome::Duplicate;
        case OrderStore::ReceiptResult::Outdated:
            break;
        }
    }
    throw concurrentChange();
}

bool Orders::recordDelivery(std::int64_t orderId, std::optional<std::int64_t> shipmentId, const DeliveryInfo& delivery)
{
    const auto order = _orders.findOrder(orderId);
    const Shipment* shipment = order ? shipmentOfDelivery(*order, shipmentId, delivery.trackingNumber) : nullptr;
    if (!shipment)
        return false;
    std::vector<OrderEvent> events;
    if (!shipment->delivery) // a webhook that came first has recorded it already
        events.push_back(event("delivery_created", shipment->storeId, std::nullopt, delivery.status,
                               {EventActor::Type::Service, std::nullopt}));
    return _orders.recordDelivery(orderId, shipment->id, delivery, events);
}

OutgoingMessage Orders::dispatchMessage(const Order& order, const Shipment& shipment, const Store& origin)
{
    // Without an origin the delivery service can never create the delivery and the outbox would
    // retry forever: refuse, which changes nothing.
    if (origin.warehouseAddress.empty())
        throw Refusal::conflict("The store the order ships from has no warehouse address; set one before dispatching",
                                {{"status", "no_warehouse", "store " + std::to_string(origin.id) + " has no warehouse address"}});
    sdk::JsonObject message = sdk::makeObject();
    message->set("foreign_order_id", order.id);
    message->set("shipment_id", shipment.id);
    sdk::JsonObject from = sdk::makeObject();
    from->set("address", origin.warehouseAddress);
    message->set("origin", from);
    sdk::JsonObject to = sdk::makeObject();
    to->set("name", order.buyerName);
    to->set("address", order.deliveryAddress);
    message->set("destination", to);
    sdk::JsonArray products = sdk::makeArray();
    for (const auto& line : linesOf(order, shipment)) {
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
