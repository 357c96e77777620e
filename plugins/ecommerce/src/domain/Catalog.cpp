#include "domain/Catalog.h"

#include "domain/Membership.h"
#include "domain/Refusal.h"

#include <set>

namespace mercato::ecommerce {

void Catalog::checkSellers(const std::vector<std::int64_t>& usersIds)
{
    std::vector<Problem> problems;
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < usersIds.size(); ++i) {
        const std::string field = "users_ids." + std::to_string(i);
        if (!seen.insert(usersIds[i]).second) {
            problems.push_back({field, "duplicate", "user " + std::to_string(usersIds[i]) + " is listed twice"});
            continue;
        }
        auto user = _users ? _users->findUser(usersIds[i]) : std::nullopt;
        if (!user || user->role != role::kSeller)
            problems.push_back({field, "not_seller", "user " + std::to_string(usersIds[i]) + " is not an existing SELLER"});
    }
    if (!problems.empty())
        throw Refusal::invalid("Invalid input", std::move(problems));
}

Store Catalog::createStore(Store store)
{
    checkSellers(store.usersIds);
    return _store.createStore(store);
}

Store Catalog::store(std::int64_t id)
{
    auto s = _store.findStore(id);
    if (!s)
        throw Refusal::notFound("Store " + std::to_string(id) + " not found");
    return *s;
}

Slice<Store> Catalog::stores(const sdk::Principal& caller, StoreQuery query, bool mine)
{
    if (mine)
        query.memberUserId = caller.id;
    return _store.listStores(query);
}

Store Catalog::memberStore(const sdk::Principal& caller, std::int64_t storeId)
{
    Store s = store(storeId);
    if (!isAdmin(caller) && !isMember(s, caller.id))
        throw Refusal::forbidden("Only the store's sellers or an admin may do this");
    return s;
}

Store Catalog::updateStore(const sdk::Principal& caller, std::int64_t id, const StorePatch& patch)
{
    memberStore(caller, id);
    if (patch.usersIds) {
        if (!isAdmin(caller))
            throw Refusal::forbidden("Only an admin may change a store's sellers");
        checkSellers(*patch.usersIds);
    }
    auto updated = _store.updateStore(id, patch);
    if (!updated)
        throw Refusal::notFound("Store " + std::to_string(id) + " not found");
    return *updated;
}

void Catalog::deleteStore(std::int64_t id)
{
    if (!_store.deleteStore(id))
        throw Refusal::notFound("Store " + std::to_string(id) + " not found");
}

Product Catalog::createProduct(const sdk::Principal& caller, const Product& product)
{
    auto s = _store.findStore(product.storeId);
    if (!s)
        throw Refusal::invalid("store_id", "not_found", "store " + std::to_string(product.storeId) + " does not exist");
    if (!isAdmin(caller) && !isMember(*s, caller.id))
        throw Refusal::forbidden("Only the store's sellers or an admin may add products to it");
    if (s->warehouseAddress.empty())
        throw Refusal::conflict("The store has no warehouse address yet; set one before listing products",
                                {{"store_id", "no_warehouse", "the store has no warehouse address"}});
    return _store.createProduct(product);
}

Product Catalog::product(std::int64_t id)
{
    auto p = _store.findProduct(id);
    if (!p)
        throw Refusal::notFound("Product " + std::to_string(id) + " not found");
    return *p;
}

Slice<Product> Catalog::products(const ProductQuery& query)
{
    return _store.listProducts(query);
}

Product Catalog::updateProduct(const sdk::Principal& caller, std::int64_t id, const ProductPatch& patch)
{
    memberStore(caller, product(id).storeId);
    auto updated = _store.updateProduct(id, patch);
    if (!updated)
        throw Refusal::notFound("Product " + std::to_string(id) + " not found");
    return *updated;
}

void Catalog::deleteProduct(const sdk::Principal& caller, std::int64_t id)
{
    memberStore(caller, product(id).storeId);
    if (!_store.deleteProduct(id))
        throw Refusal::notFound("Product " + std::to_string(id) + " not found");
}

} // namespace mercato::ecommerce
