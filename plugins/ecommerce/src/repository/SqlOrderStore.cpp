#include "repository/SqlOrderStore.h"

#include "repository/SqlPage.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

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
/// The same for several distinct products at once: {ids} is a placeholder per product, {amount} a CASE
/// over id giving each one its quantity (`WHEN ? THEN ?` per product); affected rows fewer than
/// products = some stock short. The text depends only on the number of products (one kept statement each).
const char* const kTakeStocks = "UPDATE products SET quantity = quantity - {amount}, updated_at = ? WHERE id IN ({ids}) "
                                "AND deleted_at IS NULL AND quantity >= {amount}";
const char* const kReturnStock = "UPDATE products SET quantity = quantity + ?, updated_at = ? WHERE id = ?";


const char* const kInsertOrder =
    "INSERT INTO orders (user_id, buyer_name, status, delivery_address, created_at, updated_at) VALUES (?, ?, 'CREATED', ?, ?, ?)";
const char* const kInsertLine =
    "INSERT INTO order_lines (order_id, product_id, store_id, name, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kInsertShipment =
    "INSERT INTO shipments (order_id, store_id, status, created_at, updated_at) VALUES (?, ?, 'CREATED', ?, ?)";
const char* const kOrderColumns =
    "o.id, o.status, o.user_id, o.buyer_name, o.delivery_address, o.version, o.created_at, o.updated_at";
const char* const kLineColumns =
    "SELECT id, order_id, product_id, store_id, name, quantity, created_at FROM order_lines ";
const char* const kShipmentColumns = "SELECT id, order_id, store_id, status, tracking_number, delivery_status, "
                                     "COALESCE(delivery_sequence, 0), created_at, updated_at FROM shipments ";
/// The one conditional write every change of an order starts with: it locks the order's row up to the
/// commit, so changes of one order are serial, and finds nothing when the order changed since it was read.
const char* const kNextVersion =
    "UPDATE orders SET version = version + 1, status = ?, updated_at = ? WHERE id = ? AND version = ?";
const char* const kNextVersionSameStatus = "UPDATE orders SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?";
const char* const kMoveShipment = "UPDATE shipments SET status = ?, updated_at = ? WHERE id = ? AND order_id = ?";
const char* const kShipmentDelivery = "UPDATE shipments SET tracking_number = ?, delivery_status = ?, delivery_sequence = ?, "
                                      "updated_at = ? WHERE id = ? AND order_id = ?";
/// By primary key only: with `AND order_id = ?` MariaDB may pick the (order_id, id) index and take
/// next-key locks, which block concurrent orders inserting their lines and, with stock rows held,
/// deadlock. (Orders found the line in the order it read at the version this change is conditional on.)
const char* const kDeleteLine = "DELETE FROM order_lines WHERE id = ?";
const char* const kDeleteShipment = "DELETE FROM shipments WHERE id = ?";
/// The stores a change needs live, with their deletion stamps (NULL while live); + FOR UPDATE on MariaDB.
const char* const kStoresDeleted = "SELECT id, deleted_at FROM stores WHERE id IN ";

const char* const kRecordDelivery =
    "UPDATE shipments SET tracking_number = COALESCE(tracking_number, ?), delivery_status = COALESCE(delivery_status, ?), "
    "updated_at = ? WHERE id = ? AND order_id = ?";
const char* const kTouchOrder = "UPDATE orders SET version = version + 1, updated_at = ? WHERE id = ?";
/// Walks ix_orders_status (status, id) from the oldest CREATED order: ids grow with created_at.
const char* const kCreatedBefore = "SELECT id FROM orders WHERE status = 'CREATED' AND created_at < ? ORDER BY id LIMIT ";
const char* const kEventColumns =
    "SELECT id, shipment_id, type, from_status, to_status, actor_type, actor_id, created_at FROM order_events WHERE order_id = ? ORDER BY id";
const char* const kInsertReceipt = "INSERT INTO delivery_webhook_receipts (webhook_id, event_type, order_id, shipment_id, outcome, "
                                   "received_at) VALUES (?, ?, ?, ?, ?, ?)";

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

std::vector<Shipment> readShipments(Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<Shipment> shipments;
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        Shipment s;
        s.id = integer(rs, 0, i);
        s.orderId = integer(rs, 1, i);
        s.storeId = integer(rs, 2, i);
        s.status = parseOrderStatus(text(rs, 3, i)).value_or(OrderStatus::Created);
        if (!rs.value(4, i).isEmpty())
            s.delivery = DeliveryInfo{text(rs, 4, i), text(rs, 5, i)};
        s.deliverySequence = integer(rs, 6, i);
        s.createdAt = text(rs, 7, i);
        s.updatedAt = text(rs, 8, i);
        shipments.push_back(std::move(s));
    }
    return shipments;
}

/// Orders with their lines and shipments. The order rows come first: their version is never newer
/// than the lines and shipments read after them, so a change decided on this read and written
/// conditionally on that version never rests on a newer state it did not see.
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
        o.version = integer(rs, 5, i);
        o.createdAt = text(rs, 6, i);
        o.updatedAt = text(rs, 7, i);
        orders.push_back(std::move(o));
    }
    if (!orders.empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& o : orders)
            ids.push_back(o.id);
        const std::string of = "WHERE order_id IN (" + sdk::sql::idList(ids) + ") ORDER BY order_id, id";
        Statement lines(session);
        lines << std::string(kLineColumns) + of;
        for (auto& line : readLines(lines))
            for (auto& o : orders)
                if (o.id == line.orderId)
                    o.lines.push_back(line);
        Statement shipments(session);
        shipments << std::string(kShipmentColumns) + of;
        for (auto& shipment : readShipments(shipments))
            for (auto& o : orders)
                if (o.id == shipment.orderId)
                    o.shipments.push_back(shipment);
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
        sdk::sql::Prepared insert = sdk::sql::prepared(session, kInsertLine);
        insert, use(order), use(product), use(store), use(name), use(quantity), use(created);
        insert.execute();
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
        sdk::sql::Prepared take = sdk::sql::prepared(tx.session(), kTakeStock);
        take, use(quantity), use(updatedAt), use(productId), use(quantity);
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
    std::string amount = "CASE id";
    std::vector<Poco::Int64> cases; // product, quantity, product, quantity, ...
    std::vector<Poco::Int64> ids;
    for (const auto& r : requests) {
        amount += " WHEN ? THEN ?";
        cases.push_back(r.productId);
        cases.push_back(r.quantity);
        ids.push_back(r.productId);
    }
    amount += " END";
    std::string updatedAt = stamp;
    sdk::sql::Prepared take = sdk::sql::prepared(
        tx.session(), substitute(substitute(kTakeStocks, "amount", amount), "ids", sdk::sql::placeholders(ids.size())));
    // In the order of the text: SET's CASE, updated_at, the id list, the WHERE's CASE.
    for (auto& v : cases)
        take, use(v);
    take, use(updatedAt);
    for (auto& v : ids)
        take, use(v);
    for (auto& v : cases)
        take, use(v);
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

/// Writes a CREATED shipment of `storeId` to order `orderId`; returns it.
Shipment insertShipment(sdk::Transaction& tx, std::int64_t orderId, std::int64_t storeId, const std::string& stamp)
{
    Poco::Int64 order = orderId, store = storeId;
    std::string created = stamp, updated = stamp;
    sdk::sql::Prepared insert = sdk::sql::prepared(tx.session(), kInsertShipment);
    insert, use(order), use(store), use(created), use(updated);
    insert.execute();
    Shipment s;
    s.id = sdk::lastInsertId(tx.session(), tx.dialect());
    s.orderId = orderId;
    s.storeId = storeId;
    s.createdAt = s.updatedAt = stamp;
    return s;
}

/// Appends `events` to the log of order `orderId` in one statement (one round trip however many), each
/// naming the shipment of its store (found by the unique (order, store) key; store 0 finds none, so
/// NULL) or none. Every value is bound, so the text depends only on the number of events: one kept
/// statement per count. Absent statuses bind as '' and an absent actor as 0, both read back as NULL.
void writeEvents(sdk::Transaction& tx, std::int64_t orderId, const std::vector<OrderEvent>& events, const std::string& stamp)
{
    if (events.empty())
        return;
    std::string sql = "INSERT INTO order_events (order_id, shipment_id, type, from_status, to_status, actor_type, actor_id, created_at) VALUES ";
    for (std::size_t i = 0; i < events.size(); ++i)
        sql += std::string(i ? ", " : "")
               + "(?, (SELECT id FROM shipments WHERE order_id = ? AND store_id = ?), ?, NULLIF(?, ''), NULLIF(?, ''), ?, NULLIF(?, 0), ?)";
    sdk::sql::Prepared st = sdk::sql::prepared(tx.session(), sql);
    namespace kw = Poco::Data::Keywords; // copies of the values (unqualified, ADL could find std::bind)
    const Poco::Int64 order = orderId;
    for (const OrderEvent& e : events) {
        st, kw::bind(order), kw::bind(order), kw::bind(static_cast<Poco::Int64>(e.storeId)), kw::bind(e.type),
            kw::bind(e.from.value_or(std::string())), kw::bind(e.to.value_or(std::string())), kw::bind(toString(e.actor.type)),
            kw::bind(static_cast<Poco::Int64>(e.actor.id.value_or(0))), kw::bind(stamp);
    }
    st.execute();
}

/// One attempt at createOrder. AtOnce takes the stock of all lines in one statement and gives up
/// (nullopt, rolled back) when any is short, leaving it to a ByLine attempt to name the line.
std::optional<std::variant<Order, StockShortfall>> buyOrder(sdk::Database& db, const Order& input, const std::vector<OrderLine>& lines,
                                                            const std::vector<OrderEvent>& events, StockTaking taking)
{
    // The inserts first, the stock last: product rows are locked from their UPDATE to the commit, so
    // nothing else should run in between. The order returned is built from what was written (a
    // re-read would return the same values and cost statements).
    sdk::Transaction tx(db);
    auto& session = tx.session();
    Order order = input;
    order.status = OrderStatus::Created;
    order.delivery.reset();
    order.version = 0;
    order.createdAt = order.updatedAt = sdk::utcNow();
    Poco::Int64 user = order.userId;
    std::string buyer = order.buyerName, address = order.deliveryAddress, created = order.createdAt, updated = order.updatedAt;
    sdk::sql::Prepared insert = sdk::sql::prepared(session, kInsertOrder);
    insert, use(user), use(buyer), use(address), use(created), use(updated);
    insert.execute();
    order.id = sdk::lastInsertId(session, tx.dialect());
    order.shipments.clear();
    for (const auto& line : lines)
        if (std::none_of(order.shipments.begin(), order.shipments.end(), [&](const Shipment& s) { return s.storeId == line.storeId; }))
            order.shipments.push_back(insertShipment(tx, order.id, line.storeId, order.createdAt));
    order.lines = lines;
    for (auto& line : order.lines) {
        line.orderId = order.id;
        line.createdAt = order.createdAt;
    }
    insertLines(tx, order.lines);
    writeEvents(tx, order.id, events, order.createdAt);
    if (taking == StockTaking::AtOnce) {
        if (!takeStockAtOnce(tx, lines, order.createdAt))
            return std::nullopt;
    } else if (auto shortOf = takeStock(tx, lines, lines.size(), order.createdAt)) {
        return StockShortfall{*shortOf}; // rolled back: nothing was bought
    }
    tx.commit();
    return order;
}

/// The first statement of every change of an existing order (kNextVersion): false when the order is no
/// longer at `expectedVersion`.
bool nextVersion(sdk::Transaction& tx, std::int64_t orderId, std::int64_t expectedVersion, std::optional<OrderStatus> status,
                 const std::string& stamp)
{
    Poco::Int64 id = orderId, version = expectedVersion;
    std::string updated = stamp;
    Statement st(tx.session());
    if (status) {
        std::string to = toString(*status);
        st << kNextVersion, use(to), use(updated), use(id), use(version);
        return st.execute() == 1;
    }
    st << kNextVersionSameStatus, use(updated), use(id), use(version);
    return st.execute() == 1;
}

/// The body of apply(), inside `tx`.
OrderStore::Applied applyIn(sdk::Transaction& tx, sdk::Outbox& outbox, const OrderChange& change)
{
    using Applied = OrderStore::Applied;
    auto& session = tx.session();
    const std::string stamp = sdk::utcNow();
    Poco::Int64 orderId = change.orderId;
    if (!nextVersion(tx, change.orderId, change.expectedVersion, change.status, stamp))
        return {Applied::Kind::Outdated};
    writeEvents(tx, change.orderId, change.events, stamp); // before a shipment they name may be removed
    if (!change.liveStores.empty()) {
        // Locked reads: a concurrent soft delete of one either committed before (seen here) or waits
        // for this transaction (SQLite has one writer anyway). Nothing is written yet but the version,
        // which the rollback takes back.
        Statement stores(session);
        stores << std::string(kStoresDeleted) + "(" + sdk::sql::idList(change.liveStores) + ")" + sdk::sql::forUpdate(tx.dialect());
        stores.execute();
        RecordSet rs(stores);
        for (std::int64_t storeId : change.liveStores)
            for (std::size_t i = 0; i < rs.rowCount(); ++i)
                if (integer(rs, 0, i) == storeId && !rs.value(1, i).isEmpty())
                    return {Applied::Kind::StoreDeleted, storeId};
    }
    for (const auto& move : change.moves) {
        Poco::Int64 shipment = move.shipmentId;
        std::string to = toString(move.to), updated = stamp;
        session << kMoveShipment, use(to), use(updated), use(shipment), use(orderId), now;
    }
    if (change.delivery) {
        std::string tracking = change.delivery->delivery.trackingNumber, status = change.delivery->delivery.status, updated = stamp;
        Poco::Int64 sequence = change.delivery->sequence, shipment = change.delivery->shipmentId;
        session << kShipmentDelivery, use(tracking), use(status), use(sequence), use(updated), use(shipment), use(orderId), now;
    }
    if (change.removeLine) {
        Poco::Int64 line = *change.removeLine;
        session << kDeleteLine, use(line), now;
    }
    if (change.removeShipment) {
        Poco::Int64 shipment = *change.removeShipment;
        session << kDeleteShipment, use(shipment), now;
    }
    // In product id order, like buying: stock rows are always locked in the same order.
    std::vector<OrderLine> restock = change.restock;
    std::stable_sort(restock.begin(), restock.end(), [](const OrderLine& a, const OrderLine& b) { return a.productId < b.productId; });
    for (const auto& line : restock) {
        Poco::Int64 product = line.productId, quantity = line.quantity;
        std::string updated = stamp;
        session << kReturnStock, use(quantity), use(updated), use(product), now;
    }
    for (const auto& m : change.messages)
        outbox.append(tx, m.topic, m.key, m.payload);
    return {Applied::Kind::Done};
}

} // namespace

std::variant<Order, StockShortfall> SqlOrderStore::createOrder(const Order& input, const std::vector<OrderLine>& lines,
                                                              const std::vector<OrderEvent>& events)
{
    // Several distinct products: their stock in one statement. When some is short, that attempt is
    // rolled back and the order bought again line by line, which names the first line short of stock
    // (or succeeds, if stock came back in between: either way all lines or none).
    if (lines.size() > 1 && distinctProducts(lines))
        if (auto result = buyOrder(_db, input, lines, events, StockTaking::AtOnce))
            return *result;
    return *buyOrder(_db, input, lines, events, StockTaking::ByLine);
}

std::optional<StockShortfall> SqlOrderStore::firstShortfall(const std::vector<OrderLine>& lines)
{
    sdk::Transaction tx(_db); // never committed: the stock taken here is only a question
    if (auto shortOf = takeStock(tx, lines, lines.size(), sdk::utcNow()))
        return StockShortfall{*shortOf};
    return std::nullopt;
}

std::variant<OrderLine, StockShortfall, OrderStore::Outdated> SqlOrderStore::addLine(std::int64_t orderId, std::int64_t expectedVersion,
                                                                                     const OrderLine& input, bool newShipment,
                                                                                     const std::vector<OrderEvent>& events)
{
    sdk::Transaction tx(_db);
    const std::string stamp = sdk::utcNow();
    if (!nextVersion(tx, orderId, expectedVersion, std::nullopt, stamp))
        return Outdated{};
    if (newShipment)
        insertShipment(tx, orderId, input.storeId, stamp);
    std::vector<OrderLine> lines{input};
    lines.front().orderId = orderId;
    lines.front().createdAt = stamp;
    insertLines(tx, lines);
    writeEvents(tx, orderId, events, stamp);
    if (takeStock(tx, lines, 1, stamp)) // last: see createOrder
        return StockShortfall{0};
    tx.commit();
    return lines.front();
}

std::optional<Order> SqlOrderStore::findOrder(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    sdk::sql::Prepared st = sdk::sql::prepared(session, std::string("SELECT ") + kOrderColumns + " FROM orders o WHERE o.id = ?");
    Poco::Int64 orderId = id;
    st, use(orderId);
    return readOne(session, st, readOrders);
}

Slice<Order> SqlOrderStore::listOrders(const OrderQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    switch (query.scope.kind) {
    case OrderScope::Kind::All:
        break;
    case OrderScope::Kind::Buyer:
        f.add("o.user_id = ?", static_cast<Poco::Int64>(query.scope.userId));
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

OrderStore::Applied SqlOrderStore::apply(const OrderChange& change)
{
    sdk::Transaction tx(_db);
    const Applied applied = applyIn(tx, *_outbox, change);
    if (applied)
        tx.commit();
    return applied;
}

bool SqlOrderStore::recordDelivery(std::int64_t orderId, std::int64_t shipmentId, const DeliveryInfo& delivery,
                                   const std::vector<OrderEvent>& events)
{
    sdk::Transaction tx(_db);
    std::string tracking = delivery.trackingNumber, status = delivery.status, stamp = sdk::utcNow(), touched = stamp;
    Poco::Int64 order = orderId, shipment = shipmentId;
    // The version first: it always changes a row, so affected rows tell whether the order exists
    // (MariaDB counts changed rows, and the shipment's row may not change: its values are kept).
    Statement touch(tx.session());
    touch << kTouchOrder, use(touched), use(order);
    if (touch.execute() != 1)
        return false;
    tx.session() << kRecordDelivery, use(tracking), use(status), use(stamp), use(shipment), use(order), now;
    writeEvents(tx, orderId, events, stamp);
    tx.commit();
    return true;
}

std::vector<std::int64_t> SqlOrderStore::createdBefore(const std::string& stamp, std::size_t limit)
{
    Poco::Data::Session session = _db.session();
    std::string before = stamp;
    std::vector<Poco::Int64> ids;
    session << std::string(kCreatedBefore) + std::to_string(limit), use(before), into(ids), now;
    return {ids.begin(), ids.end()};
}

std::vector<OrderEvent> SqlOrderStore::events(std::int64_t orderId)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 id = orderId;
    st << kEventColumns, use(id);
    st.execute();
    RecordSet rs(st);
    std::vector<OrderEvent> events;
    const auto optionalText = [&rs](std::size_t column, std::size_t row) {
        return rs.value(column, row).isEmpty() ? std::nullopt : std::optional<std::string>(text(rs, column, row));
    };
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        OrderEvent e;
        e.id = integer(rs, 0, i);
        if (!rs.value(1, i).isEmpty())
            e.shipmentId = integer(rs, 1, i);
        e.type = text(rs, 2, i);
        e.from = optionalText(3, i);
        e.to = optionalText(4, i);
        const std::string actor = text(rs, 5, i);
        e.actor.type = actor == "user" ? EventActor::Type::User : actor == "service" ? EventActor::Type::Service : EventActor::Type::System;
        if (!rs.value(6, i).isEmpty())
            e.actor.id = integer(rs, 6, i);
        e.at = text(rs, 7, i);
        events.push_back(std::move(e));
    }
    return events;
}

OrderStore::ReceiptResult SqlOrderStore::recordDeliveryEvent(const DeliveryReceipt& r, const std::optional<OrderChange>& change)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    try {
        std::string hook = r.webhookId, type = r.eventType, result = r.outcome, stamp = sdk::utcNow();
        Poco::Int64 order = r.orderId.value_or(0);
        Poco::Nullable<Poco::Int64> shipment;
        if (r.shipmentId)
            shipment = *r.shipmentId;
        Statement receipt(session);
        receipt << kInsertReceipt, use(hook), use(type), use(order), use(shipment), use(result), use(stamp);
        receipt.execute();
    } catch (const std::exception& e) {
        if (sdk::isUniqueViolation(e))
            return ReceiptResult::Duplicate;
        throw;
    }
    if (change && !applyIn(tx, *_outbox, *change))
        return ReceiptResult::Outdated; // rolled back, the receipt with it
    tx.commit();
    return ReceiptResult::Recorded;
}

} // namespace mercato::ecommerce
