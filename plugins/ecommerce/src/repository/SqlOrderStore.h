#pragma once
#include "domain/OrderStore.h"

#include "mercato/sdk/Database.h"
#include "mercato/sdk/Outbox.h"

#include <memory>

namespace mercato::ecommerce {

/// OrderStore on MariaDB or SQLite (tables orders, order_lines, delivery_webhook_receipts, and the
/// stock column of products; migrations in plugins/ecommerce/sql). Stock changes are one
/// conditional UPDATE checked by affected rows, in the same transaction as the line they belong to.
class SqlOrderStore final : public OrderStore {
public:
    SqlOrderStore(sdk::Database& db, std::shared_ptr<sdk::Outbox> outbox) : _db(db), _outbox(std::move(outbox)) {}

    std::variant<Order, StockShortfall> createOrder(const Order& order, const std::vector<OrderLine>& lines) override;
    std::optional<StockShortfall> firstShortfall(const std::vector<OrderLine>& lines) override;
    std::optional<std::variant<OrderLine, StockShortfall>> addLine(std::int64_t orderId, const OrderLine& line) override;
    RemoveResult removeLine(std::int64_t orderId, std::int64_t lineId) override;
    std::optional<Order> findOrder(std::int64_t id) override;
    Slice<Order> listOrders(const OrderQuery& query) override;
    TransitionOutcome transition(std::int64_t orderId, OrderStatus from, OrderStatus to, const TransitionWrites& writes) override;
    bool recordDelivery(std::int64_t orderId, const DeliveryInfo& delivery) override;
    std::optional<DeliveryState> deliveryState(std::int64_t orderId) override;
    ReceiptResult recordDeliveryEvent(const DeliveryReceipt& receipt, const std::optional<DeliveryUpdate>& update) override;

private:
    sdk::Database& _db;
    std::shared_ptr<sdk::Outbox> _outbox;
};

} // namespace mercato::ecommerce
