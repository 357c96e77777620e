#pragma once
// What the catalog (stores and products) needs from storage. SQL only behind it: no rule is decided
// there. Each write is one transaction in the implementation (repository/SqlCatalogStore).
#include "domain/Model.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mercato::ecommerce {

struct StoreQuery {
    std::string nameContains;                 ///< empty: any
    std::optional<std::int64_t> memberUserId; ///< only stores this user is a member of
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

struct StorePatch {
    std::optional<std::string> name, description, warehouseAddress;
    std::optional<std::vector<std::int64_t>> usersIds;
};

struct ProductQuery {
    std::optional<std::int64_t> storeId;
    std::string nameContains;
    bool inStockOnly = false;
    std::int64_t limit = 50;
    std::int64_t offset = 0;
};

struct ProductPatch {
    std::optional<std::string> name, shortDescription;
    std::optional<std::int64_t> quantity;
};

/// Stores, their sellers and their products. Deleting is a soft delete: a deleted store or
/// product is gone for every reader here, and so are the products of a deleted store.
/// Implementations are shared by all request threads: every method may run concurrently.
class CatalogStore {
public:
    virtual ~CatalogStore() = default;

    virtual Store createStore(const Store& store) = 0;
    /// A live (not deleted) store.
    virtual std::optional<Store> findStore(std::int64_t id) = 0;
    virtual Slice<Store> listStores(const StoreQuery& query) = 0;
    /// Applies the patch to a live store (sellers replaced as a whole); nullopt when there is none.
    virtual std::optional<Store> updateStore(std::int64_t id, const StorePatch& patch) = 0;
    /// False when there was no live store to delete.
    virtual bool deleteStore(std::int64_t id) = 0;
    /// Ids of the stores (deleted ones included) this user is a member of, ascending.
    virtual std::vector<std::int64_t> storesOfMember(std::int64_t userId) = 0;

    virtual Product createProduct(const Product& product) = 0;
    /// A live product of a live store.
    virtual std::optional<Product> findProduct(std::int64_t id) = 0;
    virtual Slice<Product> listProducts(const ProductQuery& query) = 0;
    virtual std::optional<Product> updateProduct(std::int64_t id, const ProductPatch& patch) = 0;
    virtual bool deleteProduct(std::int64_t id) = 0;
    /// What buying needs to know of each of `productIds` that is a live product of a live store, by
    /// product id (ids that are none are absent). One read, whatever the number of ids.
    virtual std::map<std::int64_t, ProductForSale> productsForSale(const std::vector<std::int64_t>& productIds) = 0;
};

} // namespace mercato::ecommerce
