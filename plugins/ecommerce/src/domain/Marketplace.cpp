#include "domain/Marketplace.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"

#include <algorithm>
#include <set>

namespace mercato::ecommerce {

namespace {

bool isAdmin(const sdk::Principal& p) { return p.role == role::kAdmin; }

bool isMember(const Store& s, std::int64_t userId)
{
    return std::find(s.usersIds.begin(), s.usersIds.end(), userId) != s.usersIds.end();
}

std::string lineFailureMessage(const LineFailure& f)
{
    switch (f.reason) {
    case LineFailure::Reason::UnknownProduct: return "A product of the order does not exist";
    case LineFailure::Reason::NoWarehouse: return "A product's store has no warehouse address and cannot sell yet";
    case LineFailure::Reason::InsufficientStock: break;
    }
    return "Not enough stock";
}

sdk::FieldError lineError(const std::string& field, const LineFailure& f)
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

/// A line that cannot be bought: 404 for a product that does not exist (or no longer: deleted, or
/// of a deleted store), 409 for one that exists but cannot be sold now.
sdk::ApiError lineRefusal(const std::string& field, const LineFailure& f, const std::string& suffix)
{
    const int status = f.reason == LineFailure::Reason::UnknownProduct ? 404 : 409;
    return sdk::ApiError(status, lineFailureMessage(f) + suffix, {lineError(field, f)});
}

} // namespace

void Marketplace::checkSellers(const std::vector<std::int64_t>& usersIds)
{
    std::vector<sdk::FieldError> errors;
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < usersIds.size(); ++i) {
        const std::string field = "users_ids." + std::to_string(i);
        if (!seen.insert(usersIds[i]).second) {
            errors.push_back({field, "duplicate", "user " + std::to_string(usersIds[i]) + " is listed twice"});
            continue;
        }
        auto user = _users ? _users->findUser(usersIds[i]) : std::nullopt;
        if (!user || user->role != role::kSeller)
            errors.push_back({field, "not_seller", "user " + std::to_string(usersIds[i]) + " is not an existing SELLER"});
    }
    if (!errors.empty())
        throw sdk::BadRequest("Invalid input", std::move(errors));
}

Store Marketplace::createStore(Store store)
{
    checkSellers(store.usersIds);
    return _store.createStore(store);
}

Store Marketplace::store(std::int64_t id)
{
    auto s = _store.findStore(id);
    if (!s)
        throw sdk::NotFound("Store " + std::to_string(id) + " not found");
    return *s;
}

Slice<Store> Marketplace::stores(const sdk::Principal& caller, StoreQuery query, bool mine)
{
    if (mine)
        query.memberUserId = caller.id;
    return _store.listStores(query);
}

Store Marketplace::memberStore(const sdk::Principal& caller, std::int64_t storeId)
{
    Store s = store(storeId);
    if (!isAdmin(caller) && !isMember(s, caller.id))
        throw sdk::Forbidden("Only the store's sellers or an admin may do this");
    return s;
}

Store Marketplace::updateStore(const sdk::Principal& caller, std::int64_t id, const StorePatch& patch)
{
    memberStore(caller, id);
    if (patch.usersIds) {
        if (!isAdmin(caller))
            throw sdk::Forbidden("Only an admin may change a store's sellers");
        checkSellers(*patch.usersIds);
    }
    auto updated = _store.updateStore(id, patch);
    if (!updated)
        throw sdk::NotFound("Store " + std::to_string(id) + " not found");
    return *updated;
}

void Marketplace::deleteStore(std::int64_t id)
{
    if (!_store.deleteStore(id))
        throw sdk::NotFound("Store " + std::to_string(id) + " not found");
}

Product Marketplace::createProduct(const sdk::Principal& caller, const Product& product)
{
    auto s = _store.findStore(product.storeId);
    if (!s)
        throw sdk::BadRequest("store_id", "not_found", "store " + std::to_string(product.storeId) + " does not exist");
    if (!isAdmin(caller) && !isMember(*s, caller.id))
        throw sdk::Forbidden("Only the store's sellers or an admin may add products to it");
    if (s->warehouseAddress.empty())
        throw sdk::Conflict("The store has no warehouse address yet; set one before listing products",
                            {{"store_id", "no_warehouse", "the store has no warehouse address"}});
    return _store.createProduct(product);
}

Product Marketplace::product(std::int64_t id)
{
    auto p = _store.findProduct(id);
    if (!p)
        throw sdk::NotFound("Product " + std::to_string(id) + " not found");
    return *p;
}

Slice<Product> Marketplace::products(const ProductQuery& query)
{
    return _store.listProducts(query);
}

Product Marketplace::updateProduct(const sdk::Principal& caller, std::int64_t id, const ProductPatch& patch)
{
    memberStore(caller, product(id).storeId);
    auto updated = _store.updateProduct(id, patch);
    if (!updated)
        throw sdk::NotFound("Product " + std::to_string(id) + " not found");
    return *updated;
}

void Marketplace::deleteProduct(const sdk::Principal& caller, std::int64_t id)
{
    memberStore(caller, product(id).storeId);
    if (!_store.deleteProduct(id))
        throw sdk::NotFound("Product " + std::to_string(id) + " not found");
}

Order Marketplace::createOrder(const sdk::Principal& caller, std::optional<std::string> deliveryAddress,
                               const std::vector<LineRequest>& lines)
{
    Order order;
    order.userId = caller.id;
    order.buyerName = caller.name.empty() ? caller.username : caller.name;
    if (!deliveryAddress && caller.profile && caller.profile->has("shipping_address")
        && !caller.profile->isNull("shipping_address"))
        deliveryAddress = caller.profile->getValue<std::string>("shipping_address");
    if (!deliveryAddress || deliveryAddress->empty())
        throw sdk::BadRequest("delivery_address", "required", "you have no shipping address; give a delivery_address");
    order.deliveryAddress = *deliveryAddress;
    auto result = _store.createOrder(order, lines);
    if (auto* failure = std::get_if<LineFailure>(&result))
        throw lineRefusal("products." + std::to_string(failure->index), *failure, "; nothing was bought");
    return std::get<Order>(result);
}

Order& Marketplace::filterLines(const sdk::Principal& caller, Order& order, const std::vector<std::int64_t>& sellerStores)
{
    if (caller.role == role::kSeller) {
        auto& lines = order.lines;
        lines.erase(std::remove_if(lines.begin(), lines.end(),
                                   [&](const OrderLine& l) {
                                       return std::find(sellerStores.begin(), sellerStores.end(), l.storeId) == sellerStores.end();
                                   }),
                    lines.end());
    }
    return order;
}

Order Marketplace::visibleOrder(const sdk::Principal& caller, std::int64_t id)
{
    auto o = _store.findOrder(id);
    const auto notFound = [id] { return sdk::NotFound("Order " + std::to_string(id) + " not found"); };
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
    case Actor::Seller: {
        const auto stores = _store.storesOfMember(caller.id);
        filterLines(caller, *o, stores);
        if (o->lines.empty())
            throw notFound();
        return *o;
    }
    case Actor::Other:
        break;
    }
    throw notFound();
}

Order Marketplace::order(const sdk::Principal& caller, std::int64_t id)
{
    return visibleOrder(caller, id);
}

Slice<Order> Marketplace::orders(const sdk::Principal& caller, std::optional<OrderStatus> status, std::int64_t limit,
                                 std::int64_t offset)
{
    OrderQuery query;
    query.status = status;
    query.limit = limit;
    query.offset = offset;
    switch (actorOf(caller.role)) {
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
    Slice<Order> slice = _store.listOrders(query);
    if (caller.role == role::kSeller) {
        const auto stores = _store.storesOfMember(caller.id);
        for (auto& o : slice.items)
            filterLines(caller, o, stores);
    }
    return slice;
}

OrderLine Marketplace::addLine(const sdk::Principal& caller, std::int64_t orderId, const LineRequest& line)
{
    Order o = visibleOrder(caller, orderId);
    if (o.userId != caller.id)
        throw sdk::Forbidden("Only the order's buyer may add products to it");
    auto result = _store.addLine(orderId, line);
    if (!result)
        throw sdk::Conflict("Products can only be added while the order is CREATED");
    if (auto* failure = std::get_if<LineFailure>(&*result))
        throw lineRefusal("", *failure, "");
    return std::get<OrderLine>(*result);
}

void Marketplace::removeLine(const sdk::Principal& caller, std::int64_t orderId, std::int64_t lineId)
{
    Order o = visibleOrder(caller, orderId);
    if (o.userId != caller.id)
        throw sdk::Forbidden("Only the order's buyer may remove products from it");
    switch (_store.removeLine(orderId, lineId)) {
    case MarketStore::RemoveResult::Removed:
        return;
    case MarketStore::RemoveResult::NoSuchLine:
        throw sdk::NotFound("Line " + std::to_string(lineId) + " of order " + std::to_string(orderId) + " not found");
    case MarketStore::RemoveResult::NotCreated:
        break;
    }
    throw sdk::Conflict("Products can only be removed while the order is CREATED");
}

Order Marketplace::changeStatus(const sdk::Principal& caller, std::int64_t orderId, OrderStatus target)
{
    // A concurrent change can move the order between the read and the conditional update: judge
    // again against the new status (a few times at most; each round means someone else won).
    for (int round = 0; round < 3; ++round) {
        Order o = visibleOrder(caller, orderId);
        switch (judgeTransition(actorOf(caller.role), o.status, target, o.lines.empty())) {
        case TransitionVerdict::NoOp:
            return o;
        case TransitionVerdict::Forbidden:
            throw sdk::Forbidden(std::string("Your role may not move this order to ") + toString(target));
        case TransitionVerdict::Conflict:
            if (target == OrderStatus::Confirmed && o.status == OrderStatus::Created && o.lines.empty())
                throw sdk::Conflict("An empty order cannot be confirmed");
            throw sdk::Conflict(std::string("An order in ") + toString(o.status) + " cannot move to " + toString(target));
        case TransitionVerdict::Allowed:
            break;
        }
        const MarketStore::TransitionOutcome moved = _store.transition(orderId, o.status, target, &Marketplace::dispatchMessage);
        if (moved)
            return visibleOrder(caller, orderId);
        if (moved.kind == MarketStore::TransitionOutcome::Kind::StoreDeleted)
            // A store deleted after the purchase can no longer ship: the order may still be
            // cancelled (its stock comes back), not confirmed or dispatched.
            throw sdk::Conflict("Order " + std::to_string(orderId) + " has products of store " + std::to_string(moved.storeId)
                                    + ", which was deleted: it cannot be " + toString(target) + "; cancel it instead",
                                {{"status", "store_deleted",
                                  "product " + std::to_string(moved.productId) + " is of deleted store " + std::to_string(moved.storeId)}});
    }
    throw sdk::Conflict("The order is being changed concurrently; try again");
}

std::string Marketplace::dispatchMessage(const Order& order, const Store& origin)
{
    // Without an origin the delivery service can never create the delivery and the outbox would
    // retry forever: refuse, which rolls the whole transition back.
    if (origin.warehouseAddress.empty())
        throw sdk::Conflict("The store the order ships from has no warehouse address; set one before dispatching",
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
    return sdk::toJson(message);
}

} // namespace mercato::ecommerce
