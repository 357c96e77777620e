#pragma once
#include "domain/OrderStore.h"

#include "mercato/sdk/Database.h"
#include "mercato/sdk/Outbox.h"

#include <memory>

namespace mercato::ecommerce {

/// OrderStore on MariaDB or SQLite (tables orders, order_lines, shipments, delivery_webhook_receipts, and the
/// stock column of products; migrations in plugins/ecommerce/sql). Stock changes are one
/// conditional UPDATE checked by affected rows, in the same transaction as the line they belong to.
class SqlOrderStore final : public OrderStore {
public:
    SqlOrderStore(sdk::Database& db, std::shared_ptr<sdk::Outbox> outbox) : _db(db), _outbox(std::move(outbox)) {}

    std::variant<Order, StockShortfall> createOrder(const Order& order, const std::vector<OrderLine>& lines,
                                                    const std::vector<OrderEvent>& events) override;
    std::optional<StockShortfall> firstShortfall(const std::vector<OrderLine>& lines) override;
    std::variant<OrderLine, StockShortfall, Outdated> addLine(std::int64_t orderId, std::int64_t expectedVersion, const OrderLine& line,
                                                              bool newShipment, const std::vector<OrderEvent>& events) override;
    std::optional<Order> findOrder(std::int64_t id) override;
    Slice<Order> listOrders(const OrderQuery& query) override;
    Applied apply(const OrderChange& change) override;
    bool recordDelivery(std::int64_t orderId, std::int64_t shipmentId, const DeliveryInfo& delivery,
                        const std::vector<OrderEvent>& events) override;
    std::vector<std::int64_t> createdBefore(const std::string& stamp, std::size_t limit) override;
    std::vector<OrderEvent> events(std::int64_t orderId) override;
    ReceiptResult recordDeliveryEvent(const DeliveryReceipt& receipt, const std::optional<OrderChange>& change) override;

private:
    sdk::Database& _db;
    std::shared_ptr<sdk::Outbox> _outbox;
};

} // namespace mercato::ecommerce
