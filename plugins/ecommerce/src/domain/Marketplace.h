#pragma once
#include "domain/MarketStore.h"
#include "domain/Model.h"
#include "domain/OrderRules.h"

#include "mercato/sdk/Principal.h"
#include "mercato/sdk/UserDirectory.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mercato::ecommerce {

/// The rules of API.md §2 over a MarketStore: who may see and change what, and what a change
/// means. Throws the SDK's ApiError family (404 for what the caller may not see, 403 for what
/// their role may not do, 409 for a state that forbids it, 400 for references that do not resolve;
/// a product to buy that does not exist is 404 like every hidden object).
class Marketplace {
public:
    Marketplace(MarketStore& store, std::shared_ptr<sdk::UserDirectory> users) : _store(store), _users(std::move(users)) {}

    // Stores
    Store createStore(Store store);
    Store store(std::int64_t id);
    Slice<Store> stores(const sdk::Principal& caller, StoreQuery query, bool mine);
    Store updateStore(const sdk::Principal& caller, std::int64_t id, const StorePatch& patch);
    void deleteStore(std::int64_t id);

    // Products
    Product createProduct(const sdk::Principal& caller, const Product& product);
    Product product(std::int64_t id);
    Slice<Product> products(const ProductQuery& query);
    Product updateProduct(const sdk::Principal& caller, std::int64_t id, const ProductPatch& patch);
    void deleteProduct(const sdk::Principal& caller, std::int64_t id);

    // Orders (every order read is filtered to what the caller may see)
    Order createOrder(const sdk::Principal& caller, std::optional<std::string> deliveryAddress, const std::vector<LineRequest>& lines);
    Order order(const sdk::Principal& caller, std::int64_t id);
    Slice<Order> orders(const sdk::Principal& caller, std::optional<OrderStatus> status, std::int64_t limit, std::int64_t offset);
    OrderLine addLine(const sdk::Principal& caller, std::int64_t orderId, const LineRequest& line);
    void removeLine(const sdk::Principal& caller, std::int64_t orderId, std::int64_t lineId);
    Order changeStatus(const sdk::Principal& caller, std::int64_t orderId, OrderStatus target);

    /// The outbox message of a dispatched order (topic kDispatchTopic): what the delivery service
    /// needs to create the delivery. Throws Conflict when `origin` has no warehouse address.
    static std::string dispatchMessage(const Order& order, const Store& origin);
    static constexpr const char* kDispatchTopic = "ecommerce.order.dispatched";

private:
    Store memberStore(const sdk::Principal& caller, std::int64_t storeId);
    void checkSellers(const std::vector<std::int64_t>& usersIds);
    Order visibleOrder(const sdk::Principal& caller, std::int64_t id);
    Order& filterLines(const sdk::Principal& caller, Order& order, const std::vector<std::int64_t>& sellerStores);

    MarketStore& _store;
    std::shared_ptr<sdk::UserDirectory> _users;
};

} // namespace mercato::ecommerce
