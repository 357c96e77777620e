#pragma once
#include "domain/CatalogStore.h"
#include "domain/Model.h"

#include "mercato/sdk/Principal.h"
#include "mercato/sdk/UserDirectory.h"

#include <memory>

namespace mercato::ecommerce {

/// The catalog rules of API.md §2: stores, their sellers, their products. Who may change what
/// (admins any store; a store's sellers their own, but not its sellers list), what a store needs
/// before it can list products (a warehouse), which user ids may be sellers. Throws Refusal; every
/// method may run concurrently (the state is in the CatalogStore).
class Catalog {
public:
    /// `users` resolves the ids of `users_ids` (may be null: then no id is an existing seller).
    Catalog(CatalogStore& store, std::shared_ptr<sdk::UserDirectory> users) : _store(store), _users(std::move(users)) {}

    Store createStore(Store store);
    /// A live store (NotFound otherwise).
    Store store(std::int64_t id);
    /// `mine`: only stores the caller is a seller of.
    Slice<Store> stores(const sdk::Principal& caller, StoreQuery query, bool mine);
    Store updateStore(const sdk::Principal& caller, std::int64_t id, const StorePatch& patch);
    void deleteStore(std::int64_t id);

    Product createProduct(const sdk::Principal& caller, const Product& product);
    /// A live product of a live store (NotFound otherwise).
    Product product(std::int64_t id);
    Slice<Product> products(const ProductQuery& query);
    Product updateProduct(const sdk::Principal& caller, std::int64_t id, const ProductPatch& patch);
    void deleteProduct(const sdk::Principal& caller, std::int64_t id);

private:
    /// The live store, if the caller is an admin or one of its sellers (Forbidden otherwise).
    Store memberStore(const sdk::Principal& caller, std::int64_t storeId);
    /// Every id an existing SELLER, none twice (Invalid, one problem per bad entry).
    void checkSellers(const std::vector<std::int64_t>& usersIds);

    CatalogStore& _store;
    std::shared_ptr<sdk::UserDirectory> _users;
};

} // namespace mercato::ecommerce
