#include "repository/SqlMarketStore.h"

#include "domain/OrderRules.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <map>
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
const char* const kInsertStore =
    "INSERT INTO stores (name, description, warehouse_address, created_at, updated_at) VALUES (?, ?, NULLIF(?, ''), ?, ?)";
const char* const kInsertMember = "INSERT INTO store_members (store_id, user_id) VALUES (?, ?)";
const char* const kDeleteMembers = "DELETE FROM store_members WHERE store_id = ?";
const char* const kStoreColumns = "s.id, s.name, s.description, s.warehouse_address, s.created_at, s.updated_at";
const char* const kSoftDeleteStore = "UPDATE stores SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL";
const char* const kStoresOfMember = "SELECT store_id FROM store_members WHERE user_id = ? ORDER BY store_id";

const char* const kInsertProduct =
    "INSERT INTO products (store_id, name, short_description, quantity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kProductColumns = "p.id, p.store_id, p.name, p.short_description, p.quantity, p.created_at, p.updated_at";
/// One product of a live store (by primary key: both tables are read by key, the join costs nothing).
const char* const kFindProduct =
    "SELECT p.id, p.store_id, p.name, p.short_description, p.quantity, p.created_at, p.updated_at "
    "FROM products p JOIN stores s ON s.id = p.store_id AND s.deleted_at IS NULL WHERE p.id = ? AND p.deleted_at IS NULL";
/// "The store of product p is live", for pages of products. Not a JOIN, IN or EXISTS: MariaDB flattens
/// those into a join that starts from the small stores table and then reads and sorts every product to
/// return one page (Using temporary; Using filesort). A scalar subquery per row keeps the plan a walk of
/// products in id order that stops at LIMIT, on MariaDB and SQLite; it is NULL (false) for a missing store.
const char* const kInLiveStoreByRow = "(SELECT s.deleted_at IS NULL FROM stores s WHERE s.id = p.store_id)";
/// The same condition for counting them: here the semi-join is the fast plan, one index-only range of
/// ix_products_live (store_id, deleted_at) per live store.
const char* const kInLiveStoreBySet = "p.store_id IN (SELECT id FROM stores WHERE deleted_at IS NULL)";
const char* const kSoftDeleteProduct = "UPDATE products SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL";
/// Live products of live stores, with what buying them needs; the ids are appended as `IN (...)`.
const char* const kSellableProducts =
    "SELECT p.id, p.store_id, p.name, COALESCE(s.warehouse_address, '') FROM products p JOIN stores s ON s.id = p.store_id "
    "WHERE p.deleted_at IS NULL AND s.deleted_at IS NULL AND p.id IN ";
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
/// In product id order, like buying: stock rows are always locked in the same order.
/// Every line's store with its deletion stamp (NULL while live), lines in id order.
const char* const kStoresOfOrderLines =
    "SELECT s.id, l.product_id, s.deleted_at FROM order_lines l JOIN stores s ON s.id = l.store_id WHERE l.order_id = ? "
    "ORDER BY l.id";
const char* const kLinesToRestore = "SELECT product_id, quantity FROM order_lines WHERE order_id = ? ORDER BY product_id, id";

const char* const kRecordDelivery =
    "UPDATE orders SET tracking_number = COALESCE(tracking_number, ?), delivery_status = COALESCE(delivery_status, ?), "
    "updated_at = ? WHERE id = ?";
const char* const kInsertReceipt =
    "INSERT INTO delivery_webhook_receipts (webhook_id, event_type, order_id, outcome, received_at) VALUES (?, ?, ?, ?, ?)";
const char* const kOrderDeliveryState = "SELECT status, COALESCE(delivery_sequence, 0) FROM orders WHERE id = ?";
const char* const kApplyDelivery =
    "UPDATE orders SET tracking_number = ?, delivery_status = ?, delivery_sequence = ?, updated_at = ?, "
    "status = CASE WHEN ? = 'DELIVERED' AND status = 'DISPATCHED' THEN 'DELIVERED' ELSE status END WHERE id = ?";

// ---- row mappers (over the rows of an executed statement)

std::vector<Store> readStores(Poco::Data::Session& session, RecordSet& rs)
{
    std::vector<Store> stores;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        stores.push_back({integer(rs, 0, i), text(rs, 1, i), text(rs, 2, i), text(rs, 3, i), {}, text(rs, 4, i), text(rs, 5, i)});
    if (!stores.empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& s : stores)
            ids.push_back(s.id);
        Statement members(session);
        members << "SELECT store_id, user_id FROM store_members WHERE store_id IN (" + sdk::sql::idList(ids)
                       + ") ORDER BY store_id, user_id";
        members.execute();
        RecordSet m(members);
        for (std::size_t i = 0; i < m.rowCount(); ++i)
            for (auto& s : stores)
                if (s.id == integer(m, 0, i))
                    s.usersIds.push_back(integer(m, 1, i));
    }
    return stores;
}

std::vector<Product> readProducts(Poco::Data::Session&, RecordSet& rs)
{
    std::vector<Product> products;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        products.push_back({integer(rs, 0, i), integer(rs, 1, i), text(rs, 2, i), text(rs, 3, i), integer(rs, 4, i), text(rs, 5, i),
                            text(rs, 6, i)});
    return products;
}

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

/// Executes `st` and maps its rows with `read`.
template <class Read>
auto readAll(Poco::Data::Session& session, Statement& st, Read read)
{
    st.execute();
    RecordSet rs(st);
    return read(session, rs);
}

/// One page of a list and the exact total of the filtered list, in one statement (one snapshot and one
/// round trip fewer than a separate COUNT): `SELECT <columns>, (SELECT COUNT(*) FROM <table> <count>)
/// FROM <table> <page> ORDER BY <alias>.id LIMIT … OFFSET …`. The total rides as the last column of every
/// row, computed once (an uncorrelated subquery); a page past the end counts on its own. `page` and
/// `count` select the same rows (they may say so differently, each in the shape its plan needs).
template <class T, class Read>
Slice<T> readPage(Poco::Data::Session& session, const std::string& columns, const std::string& table, const Filter& page,
                  const Filter& count, std::int64_t limit, std::int64_t offset, Read read)
{
    const std::string alias = table.substr(table.rfind(' ') + 1);
    Statement st(session);
    st << "SELECT " + columns + ", (SELECT COUNT(*) FROM " + table + " " + count.where() + ") FROM " + table + " " + page.where()
              + " ORDER BY " + alias + ".id LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
    count.bindTo(st); // the subquery's placeholders come first in the text
    page.bindTo(st);
    st.execute();
    RecordSet rs(st);
    Slice<T> slice;
    if (rs.rowCount() > 0)
        slice.total = integer(rs, rs.columnCount() - 1, 0);
    else if (offset > 0)
        slice.total = sdk::sql::count(session, "FROM " + table + " " + count.where(), count);
    slice.items = read(session, rs);
    return slice;
}

/// What buying a product needs to know, read before anything is locked.
struct Sellable {
    std::int64_t storeId = 0;
    std::string name;
    bool hasWarehouse = false;
};

/// The sellable products among those `requests` name, by id, in one statement.
std::map<std::int64_t, Sellable> sellableProducts(Poco::Data::Session& session, const std::vector<LineRequest>& requests)
{
    std::vector<std::int64_t> ids;
    for (const auto& r : requests)
        ids.push_back(r.productId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::map<std::int64_t, Sellable> found;
    if (ids.empty())
        return found;
    Statement st(session);
    st << std::string(kSellableProducts) + "(" + sdk::sql::idList(ids) + ")";
    st.execute();
    RecordSet rs(st);
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        found[integer(rs, 0, i)] = {integer(rs, 1, i), text(rs, 2, i), !text(rs, 3, i).empty()};
    return found;
}

/// The lines `requests` would write to order `orderId`, or the first request (in request order)
/// naming a product that cannot be bought.
std::variant<std::vector<OrderLine>, LineFailure> linesToBuy(Poco::Data::Session& session, std::int64_t orderId,
                                                              const std::vector<LineRequest>& requests, const std::string& stamp)
{
    const auto sellable = sellableProducts(session, requests);
    std::vector<OrderLine> lines;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto it = sellable.find(requests[i].productId);
        if (it == sellable.end())
            return LineFailure{i, LineFailure::Reason::UnknownProduct};
        if (!it->second.hasWarehouse)
            return LineFailure{i, LineFailure::Reason::NoWarehouse};
        lines.push_back({0, orderId, requests[i].productId, it->second.storeId, it->second.name, requests[i].quantity, stamp});
    }
    return lines;
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

/// Takes the stock of the first `count` requests inside `tx`, in product id order whatever the order of
/// the request: concurrent orders over the same products then lock their rows in the same order and
/// cannot deadlock (MariaDB would abort one of them). Returns the first request (in request order) whose
/// stock is short, nullopt when every one was taken. This is the last write of a purchase: a product row
/// stays locked from here to the commit, and a hot product (a flash sale) is sold no faster than that.
std::optional<std::size_t> takeStock(sdk::Transaction& tx, const std::vector<LineRequest>& requests, std::size_t count,
                                     const std::string& stamp)
{
    std::vector<std::size_t> byProduct(count);
    std::iota(byProduct.begin(), byProduct.end(), std::size_t(0));
    std::stable_sort(byProduct.begin(), byProduct.end(),
                     [&](std::size_t a, std::size_t b) { return requests[a].productId < requests[b].productId; });
    std::optional<std::size_t> shortOf;
    for (std::size_t i : byProduct) {
        if (shortOf && *shortOf < i)
            continue; // an earlier request already fails: this one cannot change the answer
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

/// Takes the stock of every request in one UPDATE (the products must be distinct): true when each
/// product had enough, false when one or more were short (some rows may have changed: roll back).
/// The rows are found through the primary key, which InnoDB walks in ascending id order, so they are
/// locked in product id order as takeStock locks them; one statement instead of one per line.
bool takeStockAtOnce(sdk::Transaction& tx, const std::vector<LineRequest>& requests, const std::string& stamp)
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

bool distinctProducts(const std::vector<LineRequest>& requests)
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
std::optional<std::variant<Order, LineFailure>> buyOrder(sdk::Database& db, const Order& input, const std::vector<LineRequest>& requests,
                                                         StockTaking taking)
{
    // Reads first, then the inserts, the stock last: product rows are locked from their UPDATE to the
    // commit, so nothing else should run in between. The order returned is built from what was
    // written (a re-read would return the same values and cost two statements).
    sdk::Transaction tx(db);
    auto& session = tx.session();
    Order order = input;
    order.status = OrderStatus::Created;
    order.lines.clear();
    order.delivery.reset();
    order.createdAt = order.updatedAt = sdk::utcNow();

    auto bought = linesToBuy(session, 0, requests, order.createdAt);
    auto* unsellable = std::get_if<LineFailure>(&bought);
    if (!unsellable) {
        Poco::Int64 user = order.userId;
        std::string buyer = order.buyerName, address = order.deliveryAddress, created = order.createdAt, updated = order.updatedAt;
        session << kInsertOrder, use(user), use(buyer), use(address), use(created), use(updated), now;
        order.id = sdk::lastInsertId(session, tx.dialect());
        order.lines = std::move(std::get<std::vector<OrderLine>>(bought));
        for (auto& line : order.lines)
            line.orderId = order.id;
        insertLines(tx, order.lines);
    }
    if (!unsellable && taking == StockTaking::AtOnce) {
        if (!takeStockAtOnce(tx, requests, order.createdAt))
            return std::nullopt;
    } else {
        // The request names its first failing line, whatever the reason: a line before an unsellable
        // one may still be short of stock.
        const std::size_t checked = unsellable ? unsellable->index : requests.size();
        if (auto shortOf = takeStock(tx, requests, checked, order.createdAt))
            return LineFailure{*shortOf, LineFailure::Reason::InsufficientStock}; // rolled back: nothing was bought
        if (unsellable)
            return *unsellable;
    }
    tx.commit();
    return order;
}

} // namespace

// ---------------------------------------------------------------- stores

Store SqlMarketStore::createStore(const Store& input)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    std::string name = input.name, description = input.description, warehouse = input.warehouseAddress;
    std::string created = sdk::utcNow(), updated = created;
    session << kInsertStore, use(name), use(description), use(warehouse), use(created), use(updated), now;
    Poco::Int64 id = sdk::lastInsertId(session, tx.dialect());
    for (Poco::Int64 user : input.usersIds)
        session << kInsertMember, use(id), use(user), now;
    tx.commit();
    return *findStore(id);
}

std::optional<Store> SqlMarketStore::findStore(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 storeId = id;
    st << std::string("SELECT ") + kStoreColumns + " FROM stores s WHERE s.id = ? AND s.deleted_at IS NULL", use(storeId);
    auto stores = readAll(session, st, readStores);
    if (stores.empty())
        return std::nullopt;
    return stores.front();
}

Slice<Store> SqlMarketStore::listStores(const StoreQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    f.add("s.deleted_at IS NULL");
    if (!query.nameContains.empty())
        f.add("LOWER(s.name) LIKE LOWER(?) ESCAPE '!'", sdk::sql::likePattern(query.nameContains));
    if (query.memberUserId)
        f.add("s.id IN (SELECT store_id FROM store_members WHERE user_id = " + std::to_string(*query.memberUserId) + ")");
    return readPage<Store>(session, kStoreColumns, "stores s", f, f, query.limit, query.offset, readStores);
}

std::optional<Store> SqlMarketStore::updateStore(std::int64_t id, const StorePatch& patch)
{
    {
        sdk::Transaction tx(_db);
        auto& session = tx.session();
        Filter set;
        if (patch.name)
            set.add("name = ?", *patch.name);
        if (patch.description)
            set.add("description = ?", *patch.description);
        if (patch.warehouseAddress)
            set.add("warehouse_address = NULLIF(?, '')", *patch.warehouseAddress);
        set.add("updated_at = ?", sdk::utcNow());
        Statement st(session);
        st << "SELECT id FROM stores WHERE id = " + std::to_string(id) + " AND deleted_at IS NULL" + sdk::sql::forUpdate(tx.dialect());
        st.execute();
        if (RecordSet(st).rowCount() == 0)
            return std::nullopt;
        Statement update(session);
        update << "UPDATE stores SET " + set.assignments() + " WHERE id = " + std::to_string(id);
        set.bindTo(update);
        update.execute();
        if (patch.usersIds) {
            Poco::Int64 storeId = id;
            session << kDeleteMembers, use(storeId), now;
            for (Poco::Int64 user : *patch.usersIds)
                session << kInsertMember, use(storeId), use(user), now;
        }
        tx.commit();
    }
    return findStore(id);
}

bool SqlMarketStore::deleteStore(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = sdk::utcNow(), updated = stamp;
    Poco::Int64 storeId = id;
    Statement st(session);
    st << kSoftDeleteStore, use(stamp), use(updated), use(storeId);
    return st.execute() == 1;
}

std::vector<std::int64_t> SqlMarketStore::storesOfMember(std::int64_t userId)
{
    Poco::Data::Session session = _db.session();
    std::vector<Poco::Int64> ids;
    Poco::Int64 user = userId;
    session << kStoresOfMember, use(user), into(ids), now;
    return {ids.begin(), ids.end()};
}

// ---------------------------------------------------------------- products

Product SqlMarketStore::createProduct(const Product& input)
{
    Poco::Data::Session session = _db.session();
    std::string name = input.name, description = input.shortDescription;
    std::string created = sdk::utcNow(), updated = created;
    Poco::Int64 store = input.storeId, quantity = input.quantity;
    session << kInsertProduct, use(store), use(name), use(description), use(quantity), use(created), use(updated), now;
    const std::int64_t id = sdk::lastInsertId(session, _db.dialect());
    Product p = input;
    p.id = id;
    p.createdAt = created;
    p.updatedAt = updated;
    return p;
}

std::optional<Product> SqlMarketStore::findProduct(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 productId = id;
    st << kFindProduct, use(productId);
    auto products = readAll(session, st, readProducts);
    if (products.empty())
        return std::nullopt;
    return products.front();
}

Slice<Product> SqlMarketStore::listProducts(const ProductQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    f.add("p.deleted_at IS NULL");
    if (query.storeId)
        f.add("p.store_id = " + std::to_string(*query.storeId));
    if (!query.nameContains.empty())
        f.add("LOWER(p.name) LIKE LOWER(?) ESCAPE '!'", sdk::sql::likePattern(query.nameContains));
    if (query.inStockOnly)
        f.add("p.quantity > 0");
    Filter page = f, count = f;
    page.add(kInLiveStoreByRow);
    count.add(kInLiveStoreBySet);
    return readPage<Product>(session, kProductColumns, "products p", page, count, query.limit, query.offset, readProducts);
}

std::optional<Product> SqlMarketStore::updateProduct(std::int64_t id, const ProductPatch& patch)
{
    Filter set;
    if (patch.name)
        set.add("name = ?", *patch.name);
    if (patch.shortDescription)
        set.add("short_description = ?", *patch.shortDescription);
    if (patch.quantity)
        set.add("quantity = ?", static_cast<Poco::Int64>(*patch.quantity));
    set.add("updated_at = ?", sdk::utcNow());
    {
        Poco::Data::Session session = _db.session();
        Statement update(session);
        update << "UPDATE products SET " + set.assignments() + " WHERE id = " + std::to_string(id) + " AND deleted_at IS NULL";
        set.bindTo(update);
        update.execute();
    }
    return findProduct(id);
}

bool SqlMarketStore::deleteProduct(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = sdk::utcNow(), updated = stamp;
    Poco::Int64 productId = id;
    Statement st(session);
    st << kSoftDeleteProduct, use(stamp), use(updated), use(productId);
    return st.execute() == 1;
}

// ---------------------------------------------------------------- orders

std::variant<Order, LineFailure> SqlMarketStore::createOrder(const Order& input, const std::vector<LineRequest>& requests)
{
    // Several distinct products: their stock in one statement. When some is short, that attempt is
    // rolled back and the order bought again line by line, which names the first line short of stock
    // (or succeeds, if stock came back in between: either way all lines or none).
    if (requests.size() > 1 && distinctProducts(requests))
        if (auto result = buyOrder(_db, input, requests, StockTaking::AtOnce))
            return *result;
    return *buyOrder(_db, input, requests, StockTaking::ByLine);
}

std::optional<std::variant<OrderLine, LineFailure>> SqlMarketStore::addLine(std::int64_t orderId, const LineRequest& request)
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
    const std::vector<LineRequest> requests{request};
    auto bought = linesToBuy(session, orderId, requests, stamp);
    if (auto* failure = std::get_if<LineFailure>(&bought))
        return *failure;
    auto& lines = std::get<std::vector<OrderLine>>(bought);
    insertLines(tx, lines);
    std::string updated = stamp;
    session << kTouchOrder, use(updated), use(id), now;
    if (takeStock(tx, requests, 1, stamp)) // last: see createOrder
        return LineFailure{0, LineFailure::Reason::InsufficientStock};
    tx.commit();
    return lines.front();
}

MarketStore::RemoveResult SqlMarketStore::removeLine(std::int64_t orderId, std::int64_t lineId)
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

std::optional<Order> SqlMarketStore::findOrder(std::int64_t id)
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

Slice<Order> SqlMarketStore::listOrders(const OrderQuery& query)
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

MarketStore::TransitionOutcome SqlMarketStore::transition(std::int64_t orderId, OrderStatus from, OrderStatus to,
                                                         const DispatchMessage& dispatchMessage)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 id = orderId;
    std::string target = toString(to), current = toString(from), stamp = sdk::utcNow();
    Statement move(session);
    move << kMoveOrder, use(target), use(stamp), use(id), use(current);
    if (move.execute() != 1)
        return {TransitionOutcome::Kind::NotInFrom};
    if (to == OrderStatus::Confirmed || to == OrderStatus::Dispatched) {
        // Locked reads of the lines' stores: a concurrent soft delete of one either committed
        // before (seen here) or waits for this transaction (SQLite has one writer anyway).
        Statement stores(session);
        stores << std::string(kStoresOfOrderLines) + sdk::sql::forUpdate(tx.dialect()), use(id);
        stores.execute();
        RecordSet rs(stores);
        for (std::size_t i = 0; i < rs.rowCount(); ++i) {
            if (!rs.value(2, i).isEmpty()) // deleted_at: nothing was written yet, the rollback is clean
                return {TransitionOutcome::Kind::StoreDeleted, sdk::sql::integer(rs, 0, i), sdk::sql::integer(rs, 1, i)};
        }
    }
    if (restoresStock(to)) {
        std::vector<Poco::Int64> products, quantities;
        session << kLinesToRestore, use(id), into(products), into(quantities), now;
        for (std::size_t i = 0; i < products.size(); ++i)
            session << kReturnStock, use(quantities[i]), use(stamp), use(products[i]), now;
    }
    if (to == OrderStatus::Dispatched) {
        Statement read(session);
        read << std::string("SELECT ") + kOrderColumns + " FROM orders o WHERE o.id = ?", use(id);
        auto orders = readAll(session, read, readOrders);
        if (orders.empty() || orders.front().lines.empty())
            throw std::logic_error("dispatching order " + std::to_string(orderId) + " without lines");
        Statement origin(session);
        Poco::Int64 storeId = orders.front().lines.front().storeId;
        origin << std::string("SELECT ") + kStoreColumns + " FROM stores s WHERE s.id = ?", use(storeId);
        auto stores = readAll(session, origin, readStores);
        if (stores.empty())
            throw std::logic_error("order " + std::to_string(orderId) + " names store " + std::to_string(storeId) + " that does not exist");
        _outbox->append(tx, "ecommerce.order.dispatched", std::to_string(orderId), dispatchMessage(orders.front(), stores.front()));
    }
    tx.commit();
    return {TransitionOutcome::Kind::Moved};
}

bool SqlMarketStore::recordDelivery(std::int64_t orderId, const DeliveryInfo& delivery)
{
    Poco::Data::Session session = _db.session();
    std::string tracking = delivery.trackingNumber, status = delivery.status, stamp = sdk::utcNow();
    Poco::Int64 id = orderId;
    Statement st(session);
    st << kRecordDelivery, use(tracking), use(status), use(stamp), use(id);
    return st.execute() == 1;
}

WebhookOutcome SqlMarketStore::applyDeliveryEvent(const std::string& webhookId, const std::string& eventType,
                                                  std::optional<std::int64_t> orderId, const DeliveryInfo& delivery,
                                                  std::int64_t sequence)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    WebhookOutcome outcome = WebhookOutcome::Ignored;
    std::string status;
    Poco::Int64 lastSequence = 0;
    Poco::Int64 id = orderId.value_or(0);
    if (eventType == "delivery.status_changed") {
        Statement state(session);
        state << std::string(kOrderDeliveryState) + sdk::sql::forUpdate(tx.dialect()), use(id), into(status), into(lastSequence);
        outcome = orderId && state.execute() == 1 ? WebhookOutcome::Applied : WebhookOutcome::UnknownOrder;
    }
    const char* outcomeName = outcome == WebhookOutcome::Applied ? "applied"
                            : outcome == WebhookOutcome::UnknownOrder ? "unknown_order" : "ignored";
    if (outcome == WebhookOutcome::Applied && status != toString(OrderStatus::Dispatched) && status != toString(OrderStatus::Delivered)) {
        // Deliveries exist only for dispatched orders: an event about any other order is recorded, never applied.
        outcome = WebhookOutcome::Ignored;
        outcomeName = "not_dispatched";
    }
    if (outcome == WebhookOutcome::Applied && sequence <= lastSequence)
        outcomeName = "stale";
    try {
        std::string hook = webhookId, type = eventType, result = outcomeName, stamp = sdk::utcNow();
        Statement receipt(session);
        receipt << kInsertReceipt, use(hook), use(type), use(id), use(result), use(stamp);
        receipt.execute();
    } catch (const std::exception& e) {
        if (sdk::isUniqueViolation(e))
            return WebhookOutcome::Duplicate;
        throw;
    }
    if (outcome == WebhookOutcome::Applied && sequence > lastSequence) {
        std::string tracking = delivery.trackingNumber, deliveryStatus = delivery.status, check = delivery.status;
        std::string stamp = sdk::utcNow();
        Poco::Int64 seq = sequence;
        session << kApplyDelivery, use(tracking), use(deliveryStatus), use(seq), use(stamp), use(check), use(id), now;
    }
    tx.commit();
    return outcome;
}

} // namespace mercato::ecommerce
