#include "repository/SqlMarketStore.h"

#include "domain/OrderRules.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <sstream>
#include <variant>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace mercato::ecommerce {

namespace {

// ---- SQL (the only place it lives). Both dialects share these; where they differ it is noted.
const char* const kInsertStore =
    "INSERT INTO stores (name, description, warehouse_address, created_at, updated_at) VALUES (?, ?, NULLIF(?, ''), ?, ?)";
const char* const kInsertMember = "INSERT INTO store_members (store_id, user_id) VALUES (?, ?)";
const char* const kDeleteMembers = "DELETE FROM store_members WHERE store_id = ?";
const char* const kStoreColumns = "SELECT s.id, s.name, s.description, s.warehouse_address, s.created_at, s.updated_at FROM stores s ";
const char* const kSoftDeleteStore = "UPDATE stores SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL";
const char* const kStoresOfMember = "SELECT store_id FROM store_members WHERE user_id = ? ORDER BY store_id";

const char* const kInsertProduct =
    "INSERT INTO products (store_id, name, short_description, quantity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kProductColumns =
    "SELECT p.id, p.store_id, p.name, p.short_description, p.quantity, p.created_at, p.updated_at "
    "FROM products p JOIN stores s ON s.id = p.store_id AND s.deleted_at IS NULL ";
const char* const kSoftDeleteProduct = "UPDATE products SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL";
/// A live product of a live store, with what buying it needs.
const char* const kSellableProduct =
    "SELECT p.store_id, p.name, COALESCE(s.warehouse_address, '') FROM products p JOIN stores s ON s.id = p.store_id "
    "WHERE p.id = ? AND p.deleted_at IS NULL AND s.deleted_at IS NULL";
/// The stock rule: never below zero, checked by the database (affected rows 0 = not enough).
const char* const kTakeStock =
    "UPDATE products SET quantity = quantity - ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL AND quantity >= ?";
const char* const kReturnStock = "UPDATE products SET quantity = quantity + ?, updated_at = ? WHERE id = ?";

const char* const kInsertOrder =
    "INSERT INTO orders (user_id, buyer_name, status, delivery_address, created_at, updated_at) VALUES (?, ?, 'CREATED', ?, ?, ?)";
const char* const kInsertLine =
    "INSERT INTO order_lines (order_id, product_id, store_id, name, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kOrderColumns =
    "SELECT o.id, o.status, o.user_id, o.buyer_name, o.delivery_address, o.tracking_number, o.delivery_status, "
    "o.created_at, o.updated_at FROM orders o ";
const char* const kLineColumns =
    "SELECT id, order_id, product_id, store_id, name, quantity, created_at FROM order_lines ";
const char* const kOrderStatus = "SELECT status FROM orders WHERE id = ?"; // + FOR UPDATE on MariaDB
const char* const kTouchOrder = "UPDATE orders SET updated_at = ? WHERE id = ?";
const char* const kFindLine = "SELECT product_id, quantity FROM order_lines WHERE id = ? AND order_id = ?";
/// By primary key only (kFindLine has matched the line to its order under the order's row lock): with
/// `AND order_id = ?` MariaDB may pick the (order_id, id) index and take next-key locks, which
/// deadlock against concurrent orders inserting their lines while holding stock rows.
const char* const kDeleteLine = "DELETE FROM order_lines WHERE id = ?";
const char* const kMoveOrder = "UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?";
/// In product id order, like buying: stock rows are always locked in the same order.
const char* const kLinesToRestore = "SELECT product_id, quantity FROM order_lines WHERE order_id = ? ORDER BY product_id, id";

const char* const kInsertReceipt =
    "INSERT INTO delivery_webhook_receipts (webhook_id, event_type, order_id, outcome, received_at) VALUES (?, ?, ?, ?, ?)";
const char* const kOrderDeliveryState = "SELECT status, COALESCE(delivery_sequence, 0) FROM orders WHERE id = ?";
const char* const kApplyDelivery =
    "UPDATE orders SET tracking_number = ?, delivery_status = ?, delivery_sequence = ?, updated_at = ?, "
    "status = CASE WHEN ? = 'DELIVERED' AND status = 'DISPATCHED' THEN 'DELIVERED' ELSE status END WHERE id = ?";

std::string forUpdate(sdk::Dialect d) { return d == sdk::Dialect::MySQL ? " FOR UPDATE" : ""; }

/// `%text%` for LIKE with '!' as the escape character (same on both dialects).
std::string likePattern(const std::string& text)
{
    std::string p = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!')
            p += '!';
        p += c;
    }
    return p + "%";
}

std::string str(RecordSet& rs, std::size_t col, std::size_t row)
{
    const Poco::Dynamic::Var& v = rs.value(col, row);
    return v.isEmpty() ? std::string() : v.convert<std::string>();
}

std::int64_t num(RecordSet& rs, std::size_t col, std::size_t row)
{
    return rs.value(col, row).convert<std::int64_t>();
}

std::string idList(const std::vector<std::int64_t>& ids)
{
    std::string s;
    for (auto id : ids)
        s += (s.empty() ? "" : ",") + std::to_string(id);
    return s;
}

/// A WHERE clause (or SET list) built from parts, with its values. Each statement gets fresh
/// bindings: a binding object cannot be shared by two statements on MariaDB.
struct Filter {
    std::vector<std::string> clauses;
    std::vector<std::variant<std::string, Poco::Int64>> binds;

    std::string where() const
    {
        std::string s;
        for (const auto& c : clauses)
            s += (s.empty() ? "WHERE " : " AND ") + c;
        return s;
    }
    void apply(Statement& st) const
    {
        for (const auto& b : binds) {
            if (auto* text = std::get_if<std::string>(&b))
                st.addBind(bind(*text));
            else
                st.addBind(bind(std::get<Poco::Int64>(b)));
        }
    }
};

std::int64_t count(Poco::Data::Session& session, const std::string& fromAndWhere, const Filter& filter)
{
    Statement st(session);
    st << "SELECT COUNT(*) " + fromAndWhere;
    filter.apply(st);
    st.execute();
    RecordSet rs(st);
    return rs.rowCount() ? num(rs, 0, 0) : 0;
}

// ---- row mappers

std::vector<Store> readStores(Poco::Data::Session& session, Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<Store> stores;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        stores.push_back({num(rs, 0, i), str(rs, 1, i), str(rs, 2, i), str(rs, 3, i), {}, str(rs, 4, i), str(rs, 5, i)});
    if (!stores.empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& s : stores)
            ids.push_back(s.id);
        Statement members(session);
        members << "SELECT store_id, user_id FROM store_members WHERE store_id IN (" + idList(ids) + ") ORDER BY store_id, user_id";
        members.execute();
        RecordSet m(members);
        for (std::size_t i = 0; i < m.rowCount(); ++i)
            for (auto& s : stores)
                if (s.id == num(m, 0, i))
                    s.usersIds.push_back(num(m, 1, i));
    }
    return stores;
}

std::vector<Product> readProducts(Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<Product> products;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        products.push_back({num(rs, 0, i), num(rs, 1, i), str(rs, 2, i), str(rs, 3, i), num(rs, 4, i), str(rs, 5, i), str(rs, 6, i)});
    return products;
}

std::vector<OrderLine> readLines(Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<OrderLine> lines;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        lines.push_back({num(rs, 0, i), num(rs, 1, i), num(rs, 2, i), num(rs, 3, i), str(rs, 4, i), num(rs, 5, i), str(rs, 6, i)});
    return lines;
}

std::vector<Order> readOrders(Poco::Data::Session& session, Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<Order> orders;
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        Order o;
        o.id = num(rs, 0, i);
        o.status = parseOrderStatus(str(rs, 1, i)).value_or(OrderStatus::Created);
        o.userId = num(rs, 2, i);
        o.buyerName = str(rs, 3, i);
        o.deliveryAddress = str(rs, 4, i);
        if (!rs.value(5, i).isEmpty())
            o.delivery = DeliveryInfo{str(rs, 5, i), str(rs, 6, i)};
        o.createdAt = str(rs, 7, i);
        o.updatedAt = str(rs, 8, i);
        orders.push_back(std::move(o));
    }
    if (!orders.empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& o : orders)
            ids.push_back(o.id);
        Statement lines(session);
        lines << std::string(kLineColumns) + "WHERE order_id IN (" + idList(ids) + ") ORDER BY order_id, id";
        for (auto& line : readLines(lines))
            for (auto& o : orders)
                if (o.id == line.orderId)
                    o.lines.push_back(line);
    }
    return orders;
}

/// Takes one line's stock inside `tx` after checking the product; the line is not written yet.
std::variant<OrderLine, LineFailure> takeStock(sdk::Transaction& tx, std::int64_t orderId, const LineRequest& request,
                                               std::size_t index, const std::string& stamp)
{
    auto& session = tx.session();
    Poco::Int64 productId = request.productId, quantity = request.quantity;
    Statement sellable(session);
    sellable << kSellableProduct, use(productId);
    sellable.execute();
    RecordSet product(sellable);
    if (product.rowCount() == 0)
        return LineFailure{index, LineFailure::Reason::UnknownProduct};
    if (str(product, 2, 0).empty())
        return LineFailure{index, LineFailure::Reason::NoWarehouse};
    OrderLine line{0, orderId, request.productId, num(product, 0, 0), str(product, 1, 0), request.quantity, stamp};

    std::string updatedAt = stamp;
    Statement take(session);
    take << kTakeStock, use(quantity), use(updatedAt), use(productId), use(quantity);
    if (take.execute() != 1)
        return LineFailure{index, LineFailure::Reason::InsufficientStock};
    return line;
}

/// Writes a line whose stock was taken; sets its id.
void insertLine(sdk::Transaction& tx, OrderLine& line)
{
    auto& session = tx.session();
    Poco::Int64 order = line.orderId, product = line.productId, store = line.storeId, quantity = line.quantity;
    std::string name = line.name, created = line.createdAt;
    session << kInsertLine, use(order), use(product), use(store), use(name), use(quantity), use(created), now;
    line.id = sdk::lastInsertId(session, tx.dialect());
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
    st << std::string(kStoreColumns) + "WHERE s.id = ? AND s.deleted_at IS NULL", use(storeId);
    auto stores = readStores(session, st);
    if (stores.empty())
        return std::nullopt;
    return stores.front();
}

Slice<Store> SqlMarketStore::listStores(const StoreQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    f.clauses.push_back("s.deleted_at IS NULL");
    if (!query.nameContains.empty()) {
        f.clauses.push_back("LOWER(s.name) LIKE LOWER(?) ESCAPE '!'");
        f.binds.emplace_back(likePattern(query.nameContains));
    }
    if (query.memberUserId)
        f.clauses.push_back("s.id IN (SELECT store_id FROM store_members WHERE user_id = " + std::to_string(*query.memberUserId) + ")");
    Slice<Store> slice;
    slice.total = count(session, "FROM stores s " + f.where(), f);
    Statement st(session);
    st << std::string(kStoreColumns) + f.where() + " ORDER BY s.id LIMIT " + std::to_string(query.limit) + " OFFSET "
              + std::to_string(query.offset);
    f.apply(st);
    slice.items = readStores(session, st);
    return slice;
}

std::optional<Store> SqlMarketStore::updateStore(std::int64_t id, const StorePatch& patch)
{
    {
        sdk::Transaction tx(_db);
        auto& session = tx.session();
        Filter set;
        if (patch.name) {
            set.clauses.push_back("name = ?");
            set.binds.emplace_back(*patch.name);
        }
        if (patch.description) {
            set.clauses.push_back("description = ?");
            set.binds.emplace_back(*patch.description);
        }
        if (patch.warehouseAddress) {
            set.clauses.push_back("warehouse_address = NULLIF(?, '')");
            set.binds.emplace_back(*patch.warehouseAddress);
        }
        set.clauses.push_back("updated_at = ?");
        set.binds.emplace_back(sdk::utcNow());
        std::string assignments;
        for (const auto& c : set.clauses)
            assignments += (assignments.empty() ? "" : ", ") + c;
        Statement st(session);
        st << "SELECT id FROM stores WHERE id = " + std::to_string(id) + " AND deleted_at IS NULL" + forUpdate(tx.dialect());
        st.execute();
        if (RecordSet(st).rowCount() == 0)
            return std::nullopt;
        Statement update(session);
        update << "UPDATE stores SET " + assignments + " WHERE id = " + std::to_string(id);
        set.apply(update);
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
    st << std::string(kProductColumns) + "WHERE p.id = ? AND p.deleted_at IS NULL", use(productId);
    auto products = readProducts(st);
    if (products.empty())
        return std::nullopt;
    return products.front();
}

Slice<Product> SqlMarketStore::listProducts(const ProductQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    f.clauses.push_back("p.deleted_at IS NULL");
    if (query.storeId)
        f.clauses.push_back("p.store_id = " + std::to_string(*query.storeId));
    if (!query.nameContains.empty()) {
        f.clauses.push_back("LOWER(p.name) LIKE LOWER(?) ESCAPE '!'");
        f.binds.emplace_back(likePattern(query.nameContains));
    }
    if (query.inStockOnly)
        f.clauses.push_back("p.quantity > 0");
    Slice<Product> slice;
    slice.total = count(session, "FROM products p JOIN stores s ON s.id = p.store_id AND s.deleted_at IS NULL " + f.where(), f);
    Statement st(session);
    st << std::string(kProductColumns) + f.where() + " ORDER BY p.id LIMIT " + std::to_string(query.limit) + " OFFSET "
              + std::to_string(query.offset);
    f.apply(st);
    slice.items = readProducts(st);
    return slice;
}

std::optional<Product> SqlMarketStore::updateProduct(std::int64_t id, const ProductPatch& patch)
{
    Filter set;
    if (patch.name) {
        set.clauses.push_back("name = ?");
        set.binds.emplace_back(*patch.name);
    }
    if (patch.shortDescription) {
        set.clauses.push_back("short_description = ?");
        set.binds.emplace_back(*patch.shortDescription);
    }
    if (patch.quantity) {
        set.clauses.push_back("quantity = ?");
        set.binds.emplace_back(static_cast<Poco::Int64>(*patch.quantity));
    }
    set.clauses.push_back("updated_at = ?");
    set.binds.emplace_back(sdk::utcNow());
    std::string assignments;
    for (const auto& c : set.clauses)
        assignments += (assignments.empty() ? "" : ", ") + c;
    {
        Poco::Data::Session session = _db.session();
        Statement update(session);
        update << "UPDATE products SET " + assignments + " WHERE id = " + std::to_string(id) + " AND deleted_at IS NULL";
        set.apply(update);
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

std::variant<Order, LineFailure> SqlMarketStore::createOrder(const Order& input, const std::vector<LineRequest>& lines)
{
    Poco::Int64 id = 0;
    {
        sdk::Transaction tx(_db);
        auto& session = tx.session();
        const std::string stamp = sdk::utcNow();
        Poco::Int64 user = input.userId;
        std::string buyer = input.buyerName, address = input.deliveryAddress, created = stamp, updated = stamp;
        session << kInsertOrder, use(user), use(buyer), use(address), use(created), use(updated), now;
        id = sdk::lastInsertId(session, tx.dialect());
        // Stock is taken in product id order, whatever the order of the request: concurrent orders
        // over the same products then lock their rows in the same order and cannot deadlock
        // (MariaDB would abort one of them). The lines are written in the order given.
        std::vector<std::size_t> byProduct(lines.size());
        std::iota(byProduct.begin(), byProduct.end(), std::size_t(0));
        std::stable_sort(byProduct.begin(), byProduct.end(),
                         [&](std::size_t a, std::size_t b) { return lines[a].productId < lines[b].productId; });
        std::vector<OrderLine> taken(lines.size());
        std::optional<LineFailure> failure;
        for (std::size_t i : byProduct) {
            auto result = takeStock(tx, id, lines[i], i, stamp);
            if (auto* f = std::get_if<LineFailure>(&result)) {
                if (!failure || f->index < failure->index)
                    failure = *f;
            } else if (!failure) {
                taken[i] = std::get<OrderLine>(result);
            }
        }
        if (failure)
            return *failure; // the transaction rolls back: nothing was bought
        for (auto& line : taken)
            insertLine(tx, line);
        tx.commit();
    }
    return *findOrder(id);
}

std::optional<std::variant<OrderLine, LineFailure>> SqlMarketStore::addLine(std::int64_t orderId, const LineRequest& line)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 id = orderId;
    std::string status;
    Statement lock(session);
    lock << std::string(kOrderStatus) + forUpdate(tx.dialect()), use(id), into(status);
    if (lock.execute() == 0 || status != toString(OrderStatus::Created))
        return std::nullopt;
    const std::string stamp = sdk::utcNow();
    auto bought = takeStock(tx, orderId, line, 0, stamp);
    if (auto* taken = std::get_if<OrderLine>(&bought)) {
        insertLine(tx, *taken);
        std::string updated = stamp;
        session << kTouchOrder, use(updated), use(id), now;
        tx.commit();
    }
    return bought;
}

MarketStore::RemoveResult SqlMarketStore::removeLine(std::int64_t orderId, std::int64_t lineId)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 order = orderId, line = lineId;
    std::string status;
    Statement lock(session);
    lock << std::string(kOrderStatus) + forUpdate(tx.dialect()), use(order), into(status);
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
    session << kReturnStock, use(quantity), use(stamp), use(product), now;
    session << kTouchOrder, use(updated), use(order), now;
    tx.commit();
    return RemoveResult::Removed;
}

std::optional<Order> SqlMarketStore::findOrder(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 orderId = id;
    st << std::string(kOrderColumns) + "WHERE o.id = ?", use(orderId);
    auto orders = readOrders(session, st);
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
        f.clauses.push_back("o.user_id = " + std::to_string(query.scope.userId));
        break;
    case OrderScope::Kind::Seller:
        f.clauses.push_back("o.id IN (SELECT l.order_id FROM order_lines l JOIN store_members m ON m.store_id = l.store_id "
                            "WHERE m.user_id = " + std::to_string(query.scope.userId) + ")");
        break;
    }
    if (query.status) {
        f.clauses.push_back("o.status = ?");
        f.binds.emplace_back(std::string(toString(*query.status)));
    }
    Slice<Order> slice;
    slice.total = count(session, "FROM orders o " + f.where(), f);
    Statement st(session);
    st << std::string(kOrderColumns) + f.where() + " ORDER BY o.id LIMIT " + std::to_string(query.limit) + " OFFSET "
              + std::to_string(query.offset);
    f.apply(st);
    slice.items = readOrders(session, st);
    return slice;
}

bool SqlMarketStore::transition(std::int64_t orderId, OrderStatus from, OrderStatus to, const DispatchMessage& dispatchMessage)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Poco::Int64 id = orderId;
    std::string target = toString(to), current = toString(from), stamp = sdk::utcNow();
    Statement move(session);
    move << kMoveOrder, use(target), use(stamp), use(id), use(current);
    if (move.execute() != 1)
        return false;
    if (restoresStock(to)) {
        std::vector<Poco::Int64> products, quantities;
        session << kLinesToRestore, use(id), into(products), into(quantities), now;
        for (std::size_t i = 0; i < products.size(); ++i)
            session << kReturnStock, use(quantities[i]), use(stamp), use(products[i]), now;
    }
    if (to == OrderStatus::Dispatched) {
        Statement read(session);
        read << std::string(kOrderColumns) + "WHERE o.id = ?", use(id);
        auto orders = readOrders(session, read);
        if (orders.empty() || orders.front().lines.empty())
            throw std::logic_error("dispatching order " + std::to_string(orderId) + " without lines");
        Statement origin(session);
        Poco::Int64 storeId = orders.front().lines.front().storeId;
        origin << std::string(kStoreColumns) + "WHERE s.id = ?", use(storeId);
        auto stores = readStores(session, origin);
        if (stores.empty())
            throw std::logic_error("order " + std::to_string(orderId) + " names store " + std::to_string(storeId) + " that does not exist");
        _outbox->append(tx, "ecommerce.order.dispatched", std::to_string(orderId), dispatchMessage(orders.front(), stores.front()));
    }
    tx.commit();
    return true;
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
        state << std::string(kOrderDeliveryState) + forUpdate(tx.dialect()), use(id), into(status), into(lastSequence);
        outcome = orderId && state.execute() == 1 ? WebhookOutcome::Applied : WebhookOutcome::UnknownOrder;
    }
    const char* outcomeName = outcome == WebhookOutcome::Applied ? "applied"
                            : outcome == WebhookOutcome::UnknownOrder ? "unknown_order" : "ignored";
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
