#include "repository/SqlCatalogStore.h"

#include "repository/SqlPage.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>

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

} // namespace

// ---------------------------------------------------------------- stores

Store SqlCatalogStore::createStore(const Store& input)
{
    Poco::Int64 id = 0;
    { // the transaction's connection goes back before findStore takes one
        sdk::Transaction tx(_db);
        auto& session = tx.session();
        std::string name = input.name, description = input.description, warehouse = input.warehouseAddress;
        std::string created = sdk::utcNow(), updated = created;
        session << kInsertStore, use(name), use(description), use(warehouse), use(created), use(updated), now;
        id = sdk::lastInsertId(session, tx.dialect());
        for (Poco::Int64 user : input.usersIds)
            session << kInsertMember, use(id), use(user), now;
        tx.commit();
    }
    return *findStore(id);
}

std::optional<Store> SqlCatalogStore::findStore(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    sdk::sql::Prepared st = sdk::sql::prepared(session, std::string("SELECT ") + kStoreColumns + " FROM stores s WHERE s.id = ? AND s.deleted_at IS NULL");
    Poco::Int64 storeId = id;
    st, use(storeId);
    return readOne(session, st, readStores);
}

Slice<Store> SqlCatalogStore::listStores(const StoreQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    f.add("s.deleted_at IS NULL");
    if (!query.nameContains.empty())
        f.add("LOWER(s.name) LIKE LOWER(?) ESCAPE '!'", sdk::sql::likePattern(query.nameContains));
    if (query.memberUserId)
        f.add("s.id IN (SELECT store_id FROM store_members WHERE user_id = ?)", static_cast<Poco::Int64>(*query.memberUserId));
    return readPage<Store>(session, kStoreColumns, "stores s", f, f, query.limit, query.offset, readStores);
}

std::optional<Store> SqlCatalogStore::updateStore(std::int64_t id, const StorePatch& patch)
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

bool SqlCatalogStore::deleteStore(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = sdk::utcNow(), updated = stamp;
    Poco::Int64 storeId = id;
    Statement st(session);
    st << kSoftDeleteStore, use(stamp), use(updated), use(storeId);
    return st.execute() == 1;
}

std::vector<std::int64_t> SqlCatalogStore::storesOfMember(std::int64_t userId)
{
    Poco::Data::Session session = _db.session();
    std::vector<Poco::Int64> ids;
    Poco::Int64 user = userId;
    session << kStoresOfMember, use(user), into(ids), now;
    return {ids.begin(), ids.end()};
}

// ---------------------------------------------------------------- products

Product SqlCatalogStore::createProduct(const Product& input)
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

std::optional<Product> SqlCatalogStore::findProduct(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    sdk::sql::Prepared st = sdk::sql::prepared(session, kFindProduct);
    Poco::Int64 productId = id;
    st, use(productId);
    return readOne(session, st, readProducts);
}

Slice<Product> SqlCatalogStore::listProducts(const ProductQuery& query)
{
    Poco::Data::Session session = _db.session();
    Filter f;
    f.add("p.deleted_at IS NULL");
    if (query.storeId)
        f.add("p.store_id = ?", static_cast<Poco::Int64>(*query.storeId));
    if (!query.nameContains.empty())
        f.add("LOWER(p.name) LIKE LOWER(?) ESCAPE '!'", sdk::sql::likePattern(query.nameContains));
    if (query.inStockOnly)
        f.add("p.quantity > 0");
    Filter page = f, count = f;
    page.add(kInLiveStoreByRow);
    count.add(kInLiveStoreBySet);
    return readPage<Product>(session, kProductColumns, "products p", page, count, query.limit, query.offset, readProducts);
}

std::optional<Product> SqlCatalogStore::updateProduct(std::int64_t id, const ProductPatch& patch)
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

bool SqlCatalogStore::deleteProduct(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = sdk::utcNow(), updated = stamp;
    Poco::Int64 productId = id;
    Statement st(session);
    st << kSoftDeleteProduct, use(stamp), use(updated), use(productId);
    return st.execute() == 1;
}

std::map<std::int64_t, ProductForSale> SqlCatalogStore::productsForSale(const std::vector<std::int64_t>& productIds)
{
    std::vector<std::int64_t> ids = productIds;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::map<std::int64_t, ProductForSale> found;
    if (ids.empty())
        return found;
    Poco::Data::Session session = _db.session();
    // Placeholders, not the ids: one kept statement per number of products.
    sdk::sql::Prepared st = sdk::sql::prepared(session, std::string(kSellableProducts) + "(" + sdk::sql::placeholders(ids.size()) + ")");
    std::vector<Poco::Int64> values(ids.begin(), ids.end());
    for (auto& v : values)
        st, use(v);
    st.execute();
    RecordSet rs(st);
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        found[integer(rs, 0, i)] = {integer(rs, 0, i), integer(rs, 1, i), text(rs, 2, i), !text(rs, 3, i).empty()};
    return found;
}

} // namespace mercato::ecommerce
