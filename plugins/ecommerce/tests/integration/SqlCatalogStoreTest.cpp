// The catalog repository on both dialects: stores and their sellers, products, soft deletes that
// hide a store's products, pages in id order with exact totals, and what buying needs to know.
#include "CatalogRows.h"
#include "TestDatabase.h"
#include "repository/SqlCatalogStore.h"

#include <cppunit/extensions/HelperMacros.h>

const mercato::sdk::MigrationSet& ecommerceMigrations();

using namespace mercato;
using namespace mercato::ecommerce;

template <sdk::Dialect D>
class SqlCatalogStoreTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        _db = std::make_unique<test::TestDatabase>(D);
        (**_db).migrate("ecommerce", ecommerceMigrations());
        _catalog = std::make_unique<SqlCatalogStore>(**_db);
    }
    void tearDown() override
    {
        _catalog.reset();
        _db.reset();
    }

    Store store(const std::string& name, const std::string& warehouse = "1 Dock Road")
    {
        return test::createStore(*_catalog, name, warehouse);
    }
    Product product(std::int64_t storeId, const std::string& name, std::int64_t quantity)
    {
        return test::createProduct(*_catalog, storeId, name, quantity);
    }

    void catalog()
    {
        Store a = store("Alpha Books"), b = store("beta 100%", "");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.usersIds.size());
        CPPUNIT_ASSERT(b.warehouseAddress.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->listStores({"ALPHA", std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->listStores({"100%", std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _catalog->listStores({"", std::int64_t(9), 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _catalog->listStores({"", std::int64_t(7), 50, 0}).total);
        StorePatch patch;
        patch.warehouseAddress = "3 Quay";
        patch.usersIds = std::vector<std::int64_t>{9};
        auto updated = _catalog->updateStore(b.id, patch);
        CPPUNIT_ASSERT_EQUAL(std::string("3 Quay"), updated->warehouseAddress);
        CPPUNIT_ASSERT(updated->usersIds == std::vector<std::int64_t>{9});

        Product p = product(a.id, "Dune", 3);
        product(a.id, "Emma", 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _catalog->listProducts({a.id, "", false, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->listProducts({std::nullopt, "", true, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->listProducts({std::nullopt, "dun", false, 50, 0}).total);
        CPPUNIT_ASSERT(_catalog->deleteStore(a.id));
        CPPUNIT_ASSERT(!_catalog->deleteStore(a.id));
        CPPUNIT_ASSERT(!_catalog->findStore(a.id));
        CPPUNIT_ASSERT(!_catalog->findProduct(p.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _catalog->listProducts({std::nullopt, "", false, 50, 0}).total);
    }

    void pagesWalkLiveProductsInIdOrderWithExactTotals()
    {
        Store a = store("A"), b = store("B"), gone = store("Gone");
        std::vector<std::int64_t> live, liveOfA;
        for (int i = 0; i < 7; ++i) {
            live.push_back(product(a.id, "a" + std::to_string(i), i % 2).id);
            liveOfA.push_back(live.back());
            product(gone.id, "g" + std::to_string(i), 1);
            live.push_back(product(b.id, "b" + std::to_string(i), 1).id);
        }
        CPPUNIT_ASSERT(_catalog->deleteStore(gone.id));
        CPPUNIT_ASSERT(_catalog->deleteProduct(live.back()));
        live.pop_back();
        std::vector<std::int64_t> seen;
        for (std::int64_t offset = 0; offset < 16; offset += 4) {
            auto page = _catalog->listProducts({std::nullopt, "", false, 4, offset});
            CPPUNIT_ASSERT_EQUAL(std::int64_t(13), page.total);
            for (const auto& p : page.items)
                seen.push_back(p.id);
        }
        CPPUNIT_ASSERT(seen == live);
        auto past = _catalog->listProducts({std::nullopt, "", false, 4, 100});
        CPPUNIT_ASSERT(past.items.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(13), past.total);
        auto ofA = _catalog->listProducts({a.id, "", false, 2, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), ofA.total);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), ofA.items.size());
        CPPUNIT_ASSERT_EQUAL(liveOfA[1], ofA.items[0].id);
        CPPUNIT_ASSERT_EQUAL(liveOfA[2], ofA.items[1].id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), _catalog->listProducts({std::nullopt, "", true, 1, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), _catalog->listProducts({a.id, "", true, 50, 0}).total);
        auto ofGone = _catalog->listProducts({gone.id, "", false, 50, 0});
        CPPUNIT_ASSERT(ofGone.items.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ofGone.total);

        auto stores = _catalog->listStores({"", std::nullopt, 1, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stores.total);
        CPPUNIT_ASSERT_EQUAL(b.id, stores.items.at(0).id);
        CPPUNIT_ASSERT(stores.items.at(0).usersIds == (std::vector<std::int64_t>{7, 8}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _catalog->listStores({"", std::nullopt, 1, 5}).total);
    }

    void productsForSaleAreLiveProductsOfLiveStores()
    {
        Store s = store("S"), bare = store("Bare", ""), gone = store("Gone");
        Product p = product(s.id, "Lamp", 0), q = product(bare.id, "Mug", 3), deleted = product(s.id, "Old", 1), r = product(gone.id, "Cup", 1);
        CPPUNIT_ASSERT(_catalog->deleteProduct(deleted.id));
        CPPUNIT_ASSERT(_catalog->deleteStore(gone.id));
        auto forSale = _catalog->productsForSale({q.id, p.id, deleted.id, r.id, 9999, p.id});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), forSale.size());
        const ProductForSale& lamp = forSale.at(p.id);
        CPPUNIT_ASSERT_EQUAL(p.id, lamp.productId);
        CPPUNIT_ASSERT_EQUAL(s.id, lamp.storeId);
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), lamp.name);
        CPPUNIT_ASSERT(lamp.hasWarehouse); // out of stock is still for sale: the stock is the purchase's question
        CPPUNIT_ASSERT(!forSale.at(q.id).hasWarehouse);
        CPPUNIT_ASSERT(_catalog->productsForSale({}).empty());
    }

private:
    std::unique_ptr<test::TestDatabase> _db;
    std::unique_ptr<SqlCatalogStore> _catalog;
};

#define CATALOG_STORE_TESTS(Suite)                                 \
    CPPUNIT_TEST_SUITE(Suite);                                     \
    CPPUNIT_TEST(catalog);                                         \
    CPPUNIT_TEST(pagesWalkLiveProductsInIdOrderWithExactTotals);   \
    CPPUNIT_TEST(productsForSaleAreLiveProductsOfLiveStores);      \
    CPPUNIT_TEST_SUITE_END()

class SqlCatalogStoreSqliteTest : public SqlCatalogStoreTest<sdk::Dialect::SQLite> {
    CATALOG_STORE_TESTS(SqlCatalogStoreSqliteTest);
};
class SqlCatalogStoreMysqlTest : public SqlCatalogStoreTest<sdk::Dialect::MySQL> {
    CATALOG_STORE_TESTS(SqlCatalogStoreMysqlTest);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlCatalogStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlCatalogStoreMysqlTest, "integration");
