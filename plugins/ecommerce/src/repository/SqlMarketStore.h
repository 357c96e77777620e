#pragma once
#include "domain/MarketStore.h"

#include "mercato/sdk/Database.h"
#include "mercato/sdk/Outbox.h"

#include <memory>

namespace mercato::ecommerce {

/// MarketStore on MariaDB or SQLite (migrations in plugins/ecommerce/sql). Stock changes are one
/// conditional UPDATE checked by affected rows, in the same transaction as the line they belong to.
class SqlMarketStore final : public MarketStore {
public:
    SqlMarketStore(sdk::Database& db, std::shared_ptr<sdk::Outbox> outbox) : _db(db), _outbox(std::move(outbox)) {}

    Store createStore(const Store& store) override;
    std::optional<Store> findStore(std::int64_t id) override;
    Slice<Store> listStores(const StoreQuery& query) override;
    std::optional<Store> updateStore(std::int64_t id, const StorePatch& patch) override;
    bool deleteStore(std::int64_t id) override;
    std::vector<std::int64_t> storesOfMember(std::int64_t userId) override;

    Product createProduct(const Product& product) override;
    std::optional<Product> findProduct(std::int64_t id) override;
    Slice<Product> listProducts(const ProductQuery& query) override;
    std::optional<Product> updateProduct(std::int64_t id, const ProductPatch& patch) override;
    bool deleteProduct(std::int64_t id) override;

    std::variant<Order, LineFailure> createOrder(const Order& order, const std::vector<LineRequest>& lines) override;
    std::optional<std::variant<OrderLine, LineFailure>> addLine(std::int64_t orderId, const LineRequest& line) override;
    RemoveResult removeLine(std::int64_t orderId, std::int64_t lineId) override;
    std::optional<Order> findOrder(std::int64_t id) override;
    Slice<Order> listOrders(const OrderQuery& query) override;
    TransitionOutcome transition(std::int64_t orderId, OrderStatus from, OrderStatus to, const DispatchMessage& dispatchMessage) override;
    bool recordDelivery(std::int64_t orderId, const DeliveryInfo& delivery) override;
    WebhookOutcome applyDeliveryEvent(const std::string& webhookId, const std::string& eventType,
                                      std::optional<std::int64_t> orderId, const DeliveryInfo& delivery,
                                      std::int64_t sequence) override;

private:
    sdk::Database& _db;
    std::shared_ptr<sdk::Outbox> _outbox;
};

} // namespace mercato::ecommerce
