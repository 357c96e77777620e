// The catalog rules over an in-memory CatalogStore: who may change which store and product, which
// user ids may be a store's sellers, what a store needs before it lists products, what is gone
// once deleted, and the "mine" listing.
#include "InMemoryStores.h"
#include "domain/Catalog.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <memory>

using namespace mercato;
using namespace mercato::ecommerce;
using mercato::ecommerce::test::InMemoryCatalogStore;
using mercato::ecommerce::test::refusal;

namespace {

sdk::Principal principal(std::int64_t id, const std::string& role)
{
    sdk::Principal p;
    p.id = id;
    p.role = role;
    p.username = "user" + std::to_string(id);
    return p;
}

/// The users the catalog checks sellers against.
class FakeUsers : public sdk::UserDirectory {
public:
    void add(std::int64_t id, const std::string& role) { _users[id] = principal(id, role); }
    std::optional<sdk::Principal> findUser(std::int64_t id) override
    {
        auto it = _users.find(id);
        if (it == _users.end())
            return std::nullopt;
        return it->second;
    }
    std::string adminRole() const override { return role::kAdmin; }

private:
    std::map<std::int64_t, sdk::Principal> _users;
};

} // namespace

class CatalogTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CatalogTest);
    CPPUNIT_TEST(storesAreCreatedWithExistingSellers);
    CPPUNIT_TEST(everyBadSellerIsAProblem);
    CPPUNIT_TEST(withoutDirectoryNoIdIsASeller);
    CPPUNIT_TEST(adminUpdatesAnyStore);
    CPPUNIT_TEST(sellersUpdateOnlyTheirOwnStore);
    CPPUNIT_TEST(onlyAdminChangesSellers);
    CPPUNIT_TEST(deletedStoresAreGone);
    CPPUNIT_TEST(productsNeedAnExistingStore);
    CPPUNIT_TEST(productsNeedAWarehouse);
    CPPUNIT_TEST(sellersAddProductsOnlyToTheirOwnStore);
    CPPUNIT_TEST(sellersChangeOnlyTheirOwnProducts);
    CPPUNIT_TEST(deletedProductsAreGone);
    CPPUNIT_TEST(mineListsTheCallersStores);
    CPPUNIT_TEST(listsArePagedInIdOrder);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _users = std::make_shared<FakeUsers>();
        _users->add(7, role::kSeller);
        _users->add(8, role::kSeller);
        _users->add(9, role::kSeller);
        _users->add(42, role::kBuyer);
        _users->add(1, role::kAdmin);
        _store = std::make_unique<InMemoryCatalogStore>();
        _catalog = std::make_unique<Catalog>(*_store, _users);
    }
    void tearDown() override
    {
        _catalog.reset();
        _store.reset();
        _users.reset();
    }

    Store newStore(const std::string& name, std::vector<std::int64_t> sellers, const std::string& warehouse = "1 Dock Road")
    {
        Store s;
        s.name = name;
        s.description = "d";
        s.warehouseAddress = warehouse;
        s.usersIds = std::move(sellers);
        return _catalog->createStore(s);
    }

    /// A product to create (not created yet).
    static Product draft(std::int64_t storeId, const std::string& name, std::int64_t quantity = 3)
    {
        Product p;
        p.storeId = storeId;
        p.name = name;
        p.shortDescription = "s";
        p.quantity = quantity;
        return p;
    }

    void storesAreCreatedWithExistingSellers()
    {
        Store s = newStore("Alpha", {8, 7});
        CPPUNIT_ASSERT(s.id > 0);
        Store found = _catalog->store(s.id);
        CPPUNIT_ASSERT_EQUAL(std::string("Alpha"), found.name);
        CPPUNIT_ASSERT(found.usersIds == (std::vector<std::int64_t>{7, 8}));
        CPPUNIT_ASSERT(newStore("Empty", {}).usersIds.empty()); // no sellers is fine
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->store(s.id + 100); }));
    }

    void everyBadSellerIsAProblem()
    {
        // 7 ok, 7 again, 42 a buyer, 1 an admin, 500 nobody, 8 ok, 500 again (a duplicate first).
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid users_ids.1:duplicate users_ids.2:not_seller users_ids.3:not_seller "
                                         "users_ids.4:not_seller users_ids.6:duplicate"),
                             refusal([&] { newStore("Bad", {7, 7, 42, 1, 500, 8, 500}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid users_ids.0:not_seller"), refusal([&] { newStore("Bad", {42}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listStores({}).total); // nothing was created
    }

    void withoutDirectoryNoIdIsASeller()
    {
        Catalog blind(*_store, nullptr);
        Store s;
        s.name = "S";
        s.usersIds = {7};
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid users_ids.0:not_seller"), refusal([&] { blind.createStore(s); }));
        s.usersIds.clear();
        CPPUNIT_ASSERT_EQUAL(std::string("S"), blind.createStore(s).name);
    }

    void adminUpdatesAnyStore()
    {
        Store s = newStore("Alpha", {7});
        StorePatch patch;
        patch.name = "Beta";
        patch.warehouseAddress = "3 Quay";
        patch.usersIds = std::vector<std::int64_t>{9, 8};
        Store updated = _catalog->updateStore(principal(1, role::kAdmin), s.id, patch);
        CPPUNIT_ASSERT_EQUAL(std::string("Beta"), updated.name);
        CPPUNIT_ASSERT_EQUAL(std::string("3 Quay"), updated.warehouseAddress);
        CPPUNIT_ASSERT_EQUAL(std::string("d"), updated.description); // not in the patch: kept
        CPPUNIT_ASSERT(updated.usersIds == (std::vector<std::int64_t>{8, 9}));
        CPPUNIT_ASSERT(_catalog->store(s.id).usersIds == (std::vector<std::int64_t>{8, 9}));

        StorePatch bad;
        bad.name = "Gamma";
        bad.usersIds = std::vector<std::int64_t>{9, 42, 9};
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid users_ids.1:not_seller users_ids.2:duplicate"),
                             refusal([&] { _catalog->updateStore(principal(1, role::kAdmin), s.id, bad); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Beta"), _catalog->store(s.id).name); // nothing written
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"),
                             refusal([&] { _catalog->updateStore(principal(1, role::kAdmin), s.id + 100, patch); }));
    }

    void sellersUpdateOnlyTheirOwnStore()
    {
        Store mine = newStore("Mine", {7, 8}), theirs = newStore("Theirs", {9});
        StorePatch patch;
        patch.description = "new";
        CPPUNIT_ASSERT_EQUAL(std::string("new"), _catalog->updateStore(principal(8, role::kSeller), mine.id, patch).description);
        patch.description = "hijacked";
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->updateStore(principal(7, role::kSeller), theirs.id, patch); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->updateStore(principal(42, role::kBuyer), mine.id, patch); }));
        CPPUNIT_ASSERT_EQUAL(std::string("d"), _catalog->store(theirs.id).description);
        CPPUNIT_ASSERT_EQUAL(std::string("new"), _catalog->store(mine.id).description);
    }

    void onlyAdminChangesSellers()
    {
        Store mine = newStore("Mine", {7});
        StorePatch patch;
        patch.name = "Renamed";
        patch.usersIds = std::vector<std::int64_t>{7}; // even unchanged
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->updateStore(principal(7, role::kSeller), mine.id, patch); }));
        patch.usersIds = std::vector<std::int64_t>{7, 9};
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->updateStore(principal(7, role::kSeller), mine.id, patch); }));
        Store after = _catalog->store(mine.id);
        CPPUNIT_ASSERT_EQUAL(std::string("Mine"), after.name); // nothing of the patch was written
        CPPUNIT_ASSERT(after.usersIds == std::vector<std::int64_t>{7});
    }

    void deletedStoresAreGone()
    {
        Store s = newStore("S", {7});
        Product p = _catalog->createProduct(principal(7, role::kSeller), draft(s.id, "Lamp"));
        _catalog->deleteStore(s.id);
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->deleteStore(s.id); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->store(s.id); }));
        StorePatch patch;
        patch.name = "Back";
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->updateStore(principal(1, role::kAdmin), s.id, patch); }));
        // Its products went with it.
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->product(p.id); }));
        ProductPatch rename;
        rename.name = "x";
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->updateProduct(principal(7, role::kSeller), p.id, rename); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->deleteProduct(principal(1, role::kAdmin), p.id); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _catalog->products({}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _catalog->stores(principal(1, role::kAdmin), {}, false).total);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid store_id:not_found"),
                             refusal([&] { _catalog->createProduct(principal(1, role::kAdmin), draft(s.id, "Mug")); }));
    }

    void productsNeedAnExistingStore()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid store_id:not_found"),
                             refusal([&] { _catalog->createProduct(principal(1, role::kAdmin), draft(1234, "Lamp")); }));
        // An unknown store is invalid input before it is anyone's store.
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid store_id:not_found"),
                             refusal([&] { _catalog->createProduct(principal(42, role::kBuyer), draft(1234, "Lamp")); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listProducts({}).total);
    }

    void productsNeedAWarehouse()
    {
        Store bare = newStore("Bare", {7}, "");
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict store_id:no_warehouse"),
                             refusal([&] { _catalog->createProduct(principal(1, role::kAdmin), draft(bare.id, "Lamp")); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict store_id:no_warehouse"),
                             refusal([&] { _catalog->createProduct(principal(7, role::kSeller), draft(bare.id, "Lamp")); }));
        // Someone else's store: the membership is checked first.
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"),
                             refusal([&] { _catalog->createProduct(principal(9, role::kSeller), draft(bare.id, "Lamp")); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listProducts({}).total);
        StorePatch patch;
        patch.warehouseAddress = "4 Pier";
        _catalog->updateStore(principal(7, role::kSeller), bare.id, patch);
        CPPUNIT_ASSERT_EQUAL(bare.id, _catalog->createProduct(principal(7, role::kSeller), draft(bare.id, "Lamp")).storeId);
    }

    void sellersAddProductsOnlyToTheirOwnStore()
    {
        Store mine = newStore("Mine", {7}), theirs = newStore("Theirs", {9});
        Product p = _catalog->createProduct(principal(7, role::kSeller), draft(mine.id, "Lamp", 4));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), _catalog->product(p.id).quantity);
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), _catalog->product(p.id).name);
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"),
                             refusal([&] { _catalog->createProduct(principal(7, role::kSeller), draft(theirs.id, "Mug")); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"),
                             refusal([&] { _catalog->createProduct(principal(42, role::kBuyer), draft(mine.id, "Mug")); }));
        CPPUNIT_ASSERT_EQUAL(theirs.id, _catalog->createProduct(principal(1, role::kAdmin), draft(theirs.id, "Cup")).storeId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->products({theirs.id, "", false, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _catalog->products({}).total);
    }

    void sellersChangeOnlyTheirOwnProducts()
    {
        Store mine = newStore("Mine", {7}), theirs = newStore("Theirs", {9});
        Product lamp = _catalog->createProduct(principal(7, role::kSeller), draft(mine.id, "Lamp", 4));
        Product mug = _catalog->createProduct(principal(9, role::kSeller), draft(theirs.id, "Mug", 2));
        ProductPatch patch;
        patch.quantity = 10;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), _catalog->updateProduct(principal(7, role::kSeller), lamp.id, patch).quantity);
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), _catalog->product(lamp.id).name);
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->updateProduct(principal(7, role::kSeller), mug.id, patch); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->deleteProduct(principal(7, role::kSeller), mug.id); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _catalog->deleteProduct(principal(42, role::kBuyer), mug.id); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _catalog->product(mug.id).quantity);
        patch.quantity = 0;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _catalog->updateProduct(principal(1, role::kAdmin), mug.id, patch).quantity);
        _catalog->deleteProduct(principal(7, role::kSeller), lamp.id);
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->product(lamp.id); }));
    }

    void deletedProductsAreGone()
    {
        Store s = newStore("S", {7});
        Product lamp = _catalog->createProduct(principal(7, role::kSeller), draft(s.id, "Lamp"));
        Product mug = _catalog->createProduct(principal(7, role::kSeller), draft(s.id, "Mug"));
        _catalog->deleteProduct(principal(1, role::kAdmin), lamp.id);
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->product(lamp.id); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->deleteProduct(principal(1, role::kAdmin), lamp.id); }));
        ProductPatch patch;
        patch.name = "Lamp 2";
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _catalog->updateProduct(principal(7, role::kSeller), lamp.id, patch); }));
        auto left = _catalog->products({});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), left.total);
        CPPUNIT_ASSERT_EQUAL(mug.id, left.items.at(0).id);
    }

    void mineListsTheCallersStores()
    {
        Store a = newStore("A", {7}), b = newStore("B", {8}), c = newStore("C", {7, 8}), d = newStore("D", {7});
        _catalog->deleteStore(d.id);
        StoreQuery query;
        query.memberUserId = 8; // "mine" is the caller's, whatever the query says
        auto mine = _catalog->stores(principal(7, role::kSeller), query, true);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), mine.total);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), mine.items.size());
        CPPUNIT_ASSERT_EQUAL(a.id, mine.items[0].id);
        CPPUNIT_ASSERT_EQUAL(c.id, mine.items[1].id);
        auto all = _catalog->stores(principal(7, role::kSeller), {}, false);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), all.total);
        CPPUNIT_ASSERT_EQUAL(b.id, all.items.at(1).id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _catalog->stores(principal(9, role::kSeller), {}, true).total);
    }

    void listsArePagedInIdOrder()
    {
        std::vector<std::int64_t> ids;
        for (int i = 0; i < 5; ++i)
            ids.push_back(newStore("S" + std::to_string(i), {7}).id);
        auto page = _catalog->stores(principal(7, role::kSeller), {"", std::nullopt, 2, 3}, true);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), page.total);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), page.items.size());
        CPPUNIT_ASSERT_EQUAL(ids[3], page.items[0].id);
        CPPUNIT_ASSERT_EQUAL(ids[4], page.items[1].id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->stores(principal(7, role::kSeller), {"s3", std::nullopt, 50, 0}, false).total);
        auto past = _catalog->stores(principal(7, role::kSeller), {"", std::nullopt, 2, 9}, false);
        CPPUNIT_ASSERT(past.items.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), past.total);

        Product lamp = _catalog->createProduct(principal(7, role::kSeller), draft(ids[0], "Lamp", 0));
        Product mug = _catalog->createProduct(principal(7, role::kSeller), draft(ids[1], "Mug", 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _catalog->products({std::nullopt, "", true, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(mug.id, _catalog->products({std::nullopt, "", true, 50, 0}).items.at(0).id);
        CPPUNIT_ASSERT_EQUAL(lamp.id, _catalog->products({std::nullopt, "LAM", false, 50, 0}).items.at(0).id);
        auto second = _catalog->products({std::nullopt, "", false, 1, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), second.total);
        CPPUNIT_ASSERT_EQUAL(mug.id, second.items.at(0).id);
    }

private:
    std::shared_ptr<FakeUsers> _users;
    std::unique_ptr<InMemoryCatalogStore> _store;
    std::unique_ptr<Catalog> _catalog;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(CatalogTest, "unit");
