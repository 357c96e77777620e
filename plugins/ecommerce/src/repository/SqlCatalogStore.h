#pragma once
#include "domain/CatalogStore.h"

#include "mercato/sdk/Database.h"

namespace mercato::ecommerce {

/// CatalogStore on MariaDB or SQLite (tables stores, store_members, products; migrations in
/// plugins/ecommerce/sql).
class SqlCatalogStore final : public CatalogStore {
public:
    explicit SqlCatalogStore(sdk::Database& db) : _db(db) {}

    Store createStore(const Store& store) override;
    std::optional<Store> findStore(std::int64_t id) override;
    Slice<Store> listStores(const StoreQuery& query) override;
    std::optional<Store> updateStore(std::int64_t id, const StorePatch& patch) override;
    bool deleteStore(std::int64_t id) override;
    std::vector<std::int64_t> storesOfMember(std::int64_t userId) override;

    Product createProduct(const Product& product) override;
    std::optional<Product> findProduct(std::int64_t id) override;
    Slice<Product> listProducts(const ProductQuery& query) override;
    std::optional<Product> updateProduct(std::int64_t id, const ProductPatch& patch) override;
    bool deleteProduct(std::int64_t id) override;
    std::map<std::int64_t, ProductForSale> productsForSale(const std::vector<std::int64_t>& productIds) override;

private:
    sdk::Database& _db;
};

} // namespace mercato::ecommerce
