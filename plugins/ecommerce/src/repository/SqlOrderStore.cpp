#include "repository/SqlOrderStore.h"

#include "repository/SqlPage.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <variant>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;
using mercato::sdk::sql::Filter;
using mercato::sdk::sql::integer;
using mercato::sdk::sql::text;

namespace mercato::ecommerce {

namespace {

// ---- SQL (the only place it lives). Both dialects share these; where they differ it is noted.
/// The stock rule: never below zero, checked by the database (affected rows 0 = not enough).
const char* const kTakeStock =
    "UPDATE products SET quantity = quantity - ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL AND quantity >= ?";
/// The same for several distinct products at once: {ids} is their id list, {amount} a CASE over id
/// giving each one its quantity; affected rows fewer than products = some stock short.
const char* const kTakeStocks = "UPDATE products SET quantity = quantity - {amount}, updated_at = ? WHERE id IN ({ids}) "
                                "AND deleted_at IS NULL AND quantity >= {amount}";
const char* const kReturnStock = "UPDATE products SET quantity = quantity + ?, updated_at = ? WHERE id = ?";


const char* const kInsertOrder =
    "INSERT INTO orders (user_id, buyer_name, status, delivery_address, created_at, updated_at) VALUES (?, ?, 'CREATED', ?, ?, ?)";
const char* const kInsertLine =
    "INSERT INTO order_lines (order_id, product_id, store_id, name, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kOrderColumns =
    "o.id, o.status, o.user_id, o.buyer_name, o.delivery_address, o.tracking_number, o.delivery_status, o.created_at, o.updated_at";
const char* const kLineColumns =
    "SELECT id, order_id, product_id, store_id, name, quantity, created_at FROM order_lines ";
const char* const kOrderStatus = "SELECT status FROM orders WHERE id = ?"; // + FOR UPDATE on MariaDB
const char* const kTouchOrder = "UPDATE orders SET updated_at = ? WHERE id = ?";
const char* const kFindLine = "SELECT product_id, quantity FROM order_lines WHERE id = ? AND order_id = ?";
/// By primary key only (kFindLine has matched the line to its order under the order's row lock): with
/// `AND order_id = ?` MariaDB may pick the (order_id, id) index and take next-key locks, which block
/// concurrent orders inserting their lines and, with stock rows held, deadlock.
const char* const kDeleteLine = "DELETE FROM order_lines WHERE id = ?";
const char* const kMoveOrder = "UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?";
/// Every line's store with its deletion stamp (NULL while live), lines in id order.
const char* const kStoresOfOrderLines =
    "SELECT s.id, l.product_id, s.deleted_at FROM order_lines l JOIN stores s ON s.id = l.store_id WHERE l.order_id = ? "
    "ORDER BY l.id";
/// In product id order, like buying: stock rows are always locked in the same order.
const char* const kLinesToRestore = "SELECT product_id, quantity FROM order_lines WHERE order_id = ? ORDER BY product_id, id";

const char* const kRecordDelivery =
    "UPDATE orders SET tracking_number = COALESCE(tracking_number, ?), delivery_status = COALESCE(delivery_status, ?), "
    "updated_at = ? WHERE id = ?";
const char* const kInsertReceipt =
    "INSERT INTO delivery_webhook_receipts (webhook_id, event_type, order_id, outcome, received_at) VALUES (?, ?, ?, ?, ?)";
const char* const kOrderDeliveryState = "SELECT status, COALESCE(delivery_sequence, 0) FROM orders WHERE id = ?";
/// Conditional on the state the update was decided on (affected rows 0 = it changed meanwhile).
const char* const kApplyDelivery =
    "UPDATE orders SET tracking_number = ?, delivery_status = ?, delivery_sequence = ?, status = ?, updated_at = ? "
    "WHERE id = ? AND status = ? AND COALESCE(delivery_sequence, 0) = ?";

// ---- row mappers (over the rows of an executed statement)

std::vector<OrderLine> readLines(Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<OrderLine> lines;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        lines.push_back({integer(rs, 0, i), integer(rs, 1, i), integer(rs, 2, i), integer(rs, 3, i), text(rs, 4, i), integer(rs, 5, i),
                         text(rs, 6, i)});
    return lines;
}

std::vector<Order> readOrders(Poco::Data::Session& session, RecordSet& rs)
{
    std::vector<Order> orders;
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        Order o;
        o.id = integer(rs, 0, i);
        o.status = parseOrderStatus(text(rs, 1, i)).value_or(OrderStatus::Created);
        o.userId = integer(rs, 2, i);
        o.buyerName = text(rs, 3, i);
        o.deliveryAddress = text(rs, 4, i);
        if (!rs.value(5, i).isEmpty())
            o.delivery = DeliveryInfo{text(rs, 5, i), text(rs, 6, i)};
        o.createdAt = text(rs, 7, i);
        o.updatedAt = text(rs, 8, i);
        orders.push_back(std::move(o));
    }
    if (!orders.empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& o : orders)
            ids.push_back(o.id);
        Statement lines(session);
        lines << std::string(kLineColumns) + "WHERE order_id IN (" + sdk::sql::idList(ids) + ") ORDER BY order_id, id";
        for (auto& line : readLines(lines))
            for (auto& o : orders)
                if (o.id == line.orderId)
                    o.lines.push_back(line);
    }
    return orders;
}

/// Writes lines; sets their ids.
void insertLines(sdk::Transaction& tx, std::vector<OrderLine>& lines)
{
    auto& session = tx.session();
    for (auto& line : lines) {
        Poco::Int64 order = line.orderId, product = line.productId, store = line.storeId, quantity = line.quantity;
        std::string name = line.name, created = line.createdAt;
        session << kInsertLine, use(order), use(product), use(store), use(name), use(quantity), use(created), now;
        line.id = sdk::lastInsertId(session, tx.dialect());
    }
}

/// Takes the stock of the first `count` lines inside `tx`, in product id order whatever the order of
/// the request: concurrent orders over the same products then lock their rows in the same order and
/// cannot deadlock (MariaDB would abort one of them). Returns the first line (in request order) whose
/// stock is short, nullopt when every one was taken. This is the last write of a purchase: a product row
/// stays locked from here to the commit, and a hot product (a flash sale) is sold no faster than that.
std::optional<std::size_t> takeStock(sdk::Transaction& tx, const std::vector<OrderLine>& requests, std::size_t count,
                                     const std::string& stamp)
{
    std::vector<std::size_t> byProduct(count);
    std::iota(byProduct.begin(), byProduct.end(), std::size_t(0));
    std::stable_sort(byProduct.begin(), byProduct.end(),
                     [&](std::size_t a, std::size_t b) { return requests[a].productId < requests[b].productId; });
    std::optional<std::size_t> shortOf;
    for (std::size_t i : byProduct) {
        if (shortOf && *shortOf < i)
            continue; // an earlier line already fails: this one cannot change the answer
        Poco::Int64 productId = requests[i].productId, quantity = requests[i].quantity;
        std::string updatedAt = stamp;
        Statement take(tx.session());
        take << kTakeStock, use(quantity), use(updatedAt), use(productId), use(quantity);
        if (take.execute() != 1)
            shortOf = i;
    }
    return shortOf;
}

/// Replaces every `{name}` in `sql` by `value`.
std::string substitute(std::string sql, const std::string& name, const std::string& value)
{
    const std::string key = "{" + name + "}";
    for (auto at = sql.find(key); at != std::string::npos; at = sql.find(key, at + value.size()))
        sql.replace(at, key.size(), value);
    return sql;
}

/// Takes the stock of every line in one UPDATE (the products must be distinct): true when each
/// product had enough, false when one or more were short (some rows may have changed: roll back).
/// The rows are found through the primary key, which InnoDB walks in ascending id order, so they are
/// locked in product id order as takeStock locks them; one statement instead of one per line.
bool takeStockAtOnce(sdk::Transaction& tx, const std::vector<OrderLine>& requests, const std::string& stamp)
{
    std::string amount = "CASE id", ids;
    for (const auto& r : requests) {
        amount += " WHEN " + std::to_string(r.productId) + " THEN " + std::to_string(r.quantity);
        ids += (ids.empty() ? "" : ", ") + std::to_string(r.productId);
    }
    amount += " END";
    std::string updatedAt = stamp;
    Statement take(tx.session());
    take << substitute(substitute(kTakeStocks, "amount", amount), "ids", ids), use(updatedAt);
    return take.execute() == requests.size();
}

bool distinctProducts(const std::vector<OrderLine>& requests)
{
    std::vector<std::int64_t> ids;
    for (const auto& r : requests)
        ids.push_back(r.productId);
    std::sort(ids.begin(), ids.end());
    return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

enum class StockTaking { ByLine, AtOnce };

/// One attempt at createOrder. AtOnce takes the stock of all lines in one statement and gives up
/// (nullopt, rolled back) when any is short, leaving it to a ByLine attempt to name the line.
std::optional<std::variant<Order, StockShortfall>> buyOrder(sdk::Database& db, const Order& input, const std::vector<OrderLine>& lines,
                                                            StockTaking taking)
{
    // The inserts first, the stock last: product rows are locked from their UPDATE to the commit, so
    // nothing else should run in between. The order returned is built from what was written (a
    // re-read would return the same values and cost two statements).
    sdk::Transaction tx(db);
    auto& session = tx.session();
    Order order = input;
    order.status = OrderStatus::Created;
    order.delivery.reset();
    order.createdAt = order.updatedAt = sdk::utcNow();
    Poco::Int64 user = order.userId;
    std::string buyer = order.buyerName, address = order.deliveryAddress, created = order.createdAt, updated = order.updatedAt;
    session << kInsertOrder, use(user), use(buyer), use(address), use(created), use(updated), now;
    order.id = sdk::lastInsertId(session, tx.dialect());
    order.lines = lines;
    for (auto& line : order.lines) {
        line.orderId = order.id;
        line.createdAt = order.createdAt;
    }
    insertLines(tx, order.lines);
    if (taking == StockTaking::AtOnce) {
        if (!takeStockAtOnce(tx, lines, order.createdAt))
            return std::nullopt;
    } else if (auto shortOf = takeStock(tx, lines, lines.size(), order.createdAt)) {
        return StockShortfall{*shortOf}; // rolled back: nothing was bought
    }
    tx.commit();
    return order;
}

} // namespace

std::variant<Order, StockShortfall> SqlOrderStore::createOrder(const Order& input, const std::vector<OrderLine>& lines)
{
    // Several distinct products: their stock in one statement. When some is short, that attempt is
    // rolled back and the order bought again line by line, which names the first line short of stock
    // (or succeeds, if stock came back in between: either way all lines or none).
    if (lines.size() > 1 && distinctProducts(lines))
        if (auto result = buyOrder(_db, input, lines, StockTaking::AtOnce))
            return *result;
    return *buyOrder(_db, input, lines, StockTaking::ByLine);
}

std::optional<StockShortfall> SqlOrderStore::firstShortfall(const std::vector<OrderLine>& lines)
{
    sdk::Transaction tx(_db); // never committed: the stock taken here is only a question
    if (auto shortOf = takeStock(tx, lines, lines.size(), sdk::utcNow()))
        return StockShortfall{*shortOf};
    return std::nullopt;
}

std::optional<std::variant<OrderLine, StockShortfall>> SqlOrderStore::addLine(std::int64_t orderId, const OrderLine& input)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 id = orderId;
    std::string status;
    Statement lock(session);
    lock << std::string(kOrderStatus) + sdk::sql::forUpdate(tx.dialect()), use(id), into(status);
    if (lock.execute() == 0 || status != toString(OrderStatus::Created))
        return std::nullopt;
    const std::string stamp = sdk::utcNow();
    std::vector<OrderLine> lines{input};
    lines.front().orderId = orderId;
    lines.front().createdAt = stamp;
    insertLines(tx, lines);
    std::string updated = stamp;
    session << kTouchOrder, use(updated), use(id), now;
    if (takeStock(tx, lines, 1, stamp)) // last: see createOrder
        return StockShortfall{0};
    tx.commit();
    return lines.front();
}

OrderStore::RemoveResult SqlOrderStore::removeLine(std::int64_t orderId, std::int64_t lineId)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 order = orderId, line = lineId;
    std::string status;
    Statement lock(session);
    lock << std::string(kOrderStatus) + sdk::sql::forUpdate(tx.dialect()), use(order), into(status);
    if (lock.execute() == 0)
        return RemoveResult::NoSuchLine;
    Poco::Int64 product = 0, quantity = 0;
    Statement find(session);
    find << kFindLine, use(line), use(order), into(product), into(quantity);
    if (find.execute() == 0)
        return RemoveResult::NoSuchLine;
    if (status != toString(OrderStatus::Created))
        return RemoveResult::NotCreated;
    session << kDeleteLine, use(line), now;
    std::string stamp = sdk::utcNow(), updated = stamp;
    session << kTouchOrder, use(updated), use(order), now;
    session << kReturnStock, use(quantity), use(stamp), use(product), now; // the product row is locked last, up to the commit
    tx.commit();
    return RemoveResult::Removed;
}

std::optional<Order> SqlOrderStore::findOrder(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 orderId = id;
    st << std::string("SELECT ") + kOrderColumns + " FROM orders o WHERE o.id = ?", use(orderId);
    auto orders = readAll(session, st, readOrders);
    if (orders.empty())
        return std::nullopt;
    return orders.front();
}

Slice<Order> SqlOrderStore::listOrders(const OrderQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    switch (query.scope.kind) {
    case OrderScope::Kind::All:
        break;
    case OrderScope::Kind::Buyer:
        f.add("o.user_id = " + std::to_string(query.scope.userId));
        break;
    case OrderScope::Kind::Seller:
        f.add("o.id IN (SELECT l.order_id FROM order_lines l JOIN store_members m ON m.store_id = l.store_id "
                            "WHERE m.user_id = " + std::to_string(query.scope.userId) + ")");
        break;
    }
    if (query.status)
        f.add("o.status = ?", std::string(toString(*query.status)));
    return readPage<Order>(session, kOrderColumns, "orders o", f, f, query.limit, query.offset, readOrders);
}

OrderStore::TransitionOutcome SqlOrderStore::transition(std::int64_t orderId, OrderStatus from, OrderStatus to,
                                                        const TransitionWrites& writes)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 id = orderId;
    std::string target = toString(to), current = toString(from), stamp = sdk::utcNow();
    Statement move(session);
    move << kMoveOrder, use(target), use(stamp), use(id), use(current);
    if (move.execute() != 1)
        return {TransitionOutcome::Kind::NotInFrom};
    if (writes.requireLiveStores) {
        // Locked reads of the lines' stores: a concurrent soft delete of one either committed
        // before (seen here) or waits for this transaction (SQLite has one writer anyway).
        Statement stores(session);
        stores << std::string(kStoresOfOrderLines) + sdk::sql::forUpdate(tx.dialect()), use(id);
        stores.execute();
        RecordSet rs(stores);
        for (std::size_t i = 0; i < rs.rowCount(); ++i) {
            if (!rs.value(2, i).isEmpty()) // deleted_at: nothing was written yet, the rollback is clean
                return {TransitionOutcome::Kind::StoreDeleted, integer(rs, 0, i), integer(rs, 1, i)};
        }
    }
    if (writes.restoreStock) {
        std::vector<Poco::Int64> products, quantities;
        session << kLinesToRestore, use(id), into(products), into(quantities), now;
        for (std::size_t i = 0; i < products.size(); ++i)
            session << kReturnStock, use(quantities[i]), use(stamp), use(products[i]), now;
    }
    if (writes.message)
        _outbox->append(tx, writes.message->topic, writes.message->key, writes.message->payload);
    tx.commit();
    return {TransitionOutcome::Kind::Moved};
}

bool SqlOrderStore::recordDelivery(std::int64_t orderId, const DeliveryInfo& delivery)
{
    Poco::Data::Session session = _db.session();
    std::string tracking = delivery.trackingNumber, status = delivery.status, stamp = sdk::utcNow();
    Poco::Int64 id = orderId;
    Statement st(session);
    st << kRecordDelivery, use(tracking), use(status), use(stamp), use(id);
    return st.execute() == 1;
}

std::optional<DeliveryState> SqlOrderStore::deliveryState(std::int64_t orderId)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 id = orderId, lastSequence = 0;
    std::string status;
    Statement st(session);
    st << kOrderDeliveryState, use(id), into(status), into(lastSequence);
    if (st.execute() == 0)
        return std::nullopt;
    return DeliveryState{parseOrderStatus(status).value_or(OrderStatus::Created), lastSequence};
}

OrderStore::ReceiptResult SqlOrderStore::recordDeliveryEvent(const DeliveryReceipt& r, const std::optional<DeliveryUpdate>& update)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    try {
        std::string hook = r.webhookId, type = r.eventType, result = r.outcome, stamp = sdk::utcNow();
        Poco::Int64 order = r.orderId.value_or(0);
        Statement receipt(session);
        receipt << kInsertReceipt, use(hook), use(type), use(order), use(result), use(stamp);
        receipt.execute();
    } catch (const std::exception& e) {
        if (sdk::isUniqueViolation(e))
            return ReceiptResult::Duplicate;
        throw;
    }
    if (update) {
        std::string tracking = update->delivery.trackingNumber, deliveryStatus = update->delivery.status;
        std::string status = toString(update->status), expected = toString(update->expected.status), stamp = sdk::utcNow();
        Poco::Int64 sequence = update->sequence, id = r.orderId.value_or(0), lastSequence = update->expected.lastSequence;
        Statement apply(session);
        apply << kApplyDelivery, use(tracking), use(deliveryStatus), use(sequence), use(status), use(stamp), use(id), use(expected),
            use(lastSequence);
        if (apply.execute() != 1)
            return ReceiptResult::Outdated; // rolled back, the receipt with it
    }
    tx.commit();
    return ReceiptResult::Recorded;
}

} // namespace mercato::ecommerce
