#pragma once
// What the domain needs from storage. Every write operation is one transaction in the
// implementation (repository/SqlMarketStore), so a failure leaves nothing half-written.
#include "domain/Model.h"

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mercato::ecommerce {

struct StoreQuery {
    std::string nameContains;                 ///< empty: any
    std::optional<std::int64_t> memberUserId; ///< only stores this user is a member of
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

struct StorePatch {
    std::optional<std::string> name, description, warehouseAddress;
    std::optional<std::vector<std::int64_t>> usersIds;
};

struct ProductQuery {
    std::optional<std::int64_t> storeId;
    std::string nameContains;
    bool inStockOnly = false;
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

struct ProductPatch {
    std::optional<std::string> name, shortDescription;
    std::optional<std::int64_t> quantity;
};

/// Which orders a caller sees: all, a buyer's own, or those with lines of a seller's stores.
struct OrderScope {
    enum class Kind { All, Buyer, Seller };
    Kind kind = Kind::All;
    std::int64_t userId = 0;
};

struct OrderQuery {
    OrderScope scope;
    std::optional<OrderStatus> status;
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

/// Builds the outbox message of a dispatched order from the order and its first line's store.
using DispatchMessage = std::function<std::string(const Order&, const Store&)>;

/// The outcome of a delivery webhook.
enum class WebhookOutcome { Duplicate, Applied, UnknownOrder, Ignored };

class MarketStore {
public:
    virtual ~MarketStore() = default;

    // Stores
    virtual Store createStore(const Store& store) = 0;
    /// A live (not deleted) store.
    virtual std::optional<Store> findStore(std::int64_t id) = 0;
    virtual Slice<Store> listStores(const StoreQuery& query) = 0;
    virtual std::optional<Store> updateStore(std::int64_t id, const StorePatch& patch) = 0;
    virtual bool deleteStore(std::int64_t id) = 0;
    /// Ids of the stores (deleted ones included) this user is a member of.
    virtual std::vector<std::int64_t> storesOfMember(std::int64_t userId) = 0;

    // Products (only those of live stores exist for readers)
    virtual Product createProduct(const Product& product) = 0;
    virtual std::optional<Product> findProduct(std::int64_t id) = 0;
    virtual Slice<Product> listProducts(const ProductQuery& query) = 0;
    virtual std::optional<Product> updateProduct(std::int64_t id, const ProductPatch& patch) = 0;
    virtual bool deleteProduct(std::int64_t id) = 0;

    // Orders
    /// Creates the order and buys every line in one transaction: all lines or none.
    virtual std::variant<Order, LineFailure> createOrder(const Order& order, const std::vector<LineRequest>& lines) = 0;
    /// Adds a line to an order that is still CREATED; nullopt when it is not (any more).
    virtual std::optional<std::variant<OrderLine, LineFailure>> addLine(std::int64_t orderId, const LineRequest& line) = 0;
    enum class RemoveResult { Removed, NoSuchLine, NotCreated };
    /// Removes a line of a CREATED order and restores its stock.
    virtual RemoveResult removeLine(std::int64_t orderId, std::int64_t lineId) = 0;
    virtual std::optional<Order> findOrder(std::int64_t id) = 0;
    virtual Slice<Order> listOrders(const OrderQuery& query) = 0;
    /// What transition() did. Converts to true only when the order moved.
    struct TransitionOutcome {
        enum class Kind { Moved, NotInFrom, StoreDeleted };
        Kind kind = Kind::Moved;
        std::int64_t storeId = 0;   ///< StoreDeleted: the deleted store of a line
        std::int64_t productId = 0; ///< StoreDeleted: that line's product
        explicit operator bool() const { return kind == Kind::Moved; }
    };
    /// Moves the order from `from` to `to` if it is still in `from`; cancelling restores every
    /// line's stock and dispatching appends `dispatchMessage`'s result to the outbox, all in one
    /// transaction. NotInFrom when the order was no longer in `from`. Confirming or dispatching an
    /// order with a line of a deleted store changes nothing (StoreDeleted): the stores are read
    /// locked in the same transaction, so a store deleted concurrently is seen or waits for it.
    /// What `dispatchMessage` throws propagates after the transaction was rolled back.
    virtual TransitionOutcome transition(std::int64_t orderId, OrderStatus from, OrderStatus to,
                                         const DispatchMessage& dispatchMessage) = 0;
    /// Records the delivery the delivery service created for a dispatched order (its answer to the
    /// relay); a tracking number already known for the order is kept, and so is a status a webhook
    /// brought. False when the order does not exist.
    virtual bool recordDelivery(std::int64_t orderId, const DeliveryInfo& delivery) = 0;
    /// Records the webhook and applies it, in one transaction; a known id is a Duplicate. An event
    /// whose `sequence` is not newer than the last one applied to the order, or that is about an order
    /// that was never dispatched, changes nothing (recorded as `stale` / `not_dispatched`).
    virtual WebhookOutcome applyDeliveryEvent(const std::string& webhookId, const std::string& eventType,
                                              std::optional<std::int64_t> orderId, const DeliveryInfo& delivery,
                                              std::int64_t sequence) = 0;
};

} // namespace mercato::ecommerce
