// API.md §2 "Stores" and "Products" against the real binary: every route with its success and
// error cases, roles and BOLA (another seller's store), list filters and pagination, `updated_at`,
// soft deletion and the warehouse rule.
#include "EcommerceService.h"

#include <cppunit/extensions/HelperMacros.h>

#include <regex>

using namespace mercato::test;

namespace {

bool isTimestamp(const std::string& s)
{
    static const std::regex format(R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$)");
    return std::regex_match(s, format);
}

} // namespace

class EcommerceCatalogAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EcommerceCatalogAcceptanceTest);
    CPPUNIT_TEST(storesCreateAndRead);
    CPPUNIT_TEST(storesListFiltersOnSqlite);
    CPPUNIT_TEST(storesListFiltersOnMariaDb);
    CPPUNIT_TEST(storesUpdateByMembersOnly);
    CPPUNIT_TEST(storesDeleteHidesStoreAndProducts);
    CPPUNIT_TEST(productsCreateReadUpdateDelete);
    CPPUNIT_TEST(productsListFiltersOnSqlite);
    CPPUNIT_TEST(productsListFiltersOnMariaDb);
    CPPUNIT_TEST(storeWithoutWarehouseCannotSell);
    CPPUNIT_TEST(longestValuesRoundTripOnSqlite);
    CPPUNIT_TEST(longestValuesRoundTripOnMariaDb);
    CPPUNIT_TEST_SUITE_END();

public:
    void storesCreateAndRead()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::int64_t buyer = userIdOf(svc, svc.buyer());
        const std::string seller2 = createUser(svc, "s2@example.com", "SELLER");
        const std::int64_t seller2Id = userIdOf(svc, seller2);

        HttpReply created = http.post("/stores", R"({"name":"  Books  ","description":"All books","warehouse_address":"1 Dock","users_ids":[)"
                                                     + str(seller2Id) + "," + str(seller) + "]}", svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        auto store = dataOf(created);
        CPPUNIT_ASSERT((keysOf(store) == std::set<std::string>{"created_at", "description", "id", "name", "updated_at", "users_ids",
                                                               "warehouse_address"}));
        CPPUNIT_ASSERT_EQUAL(std::string("Books"), store->getValue<std::string>("name")); // trimmed
        CPPUNIT_ASSERT_EQUAL(std::string("1 Dock"), store->getValue<std::string>("warehouse_address"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), store->getArray("users_ids")->size());
        CPPUNIT_ASSERT(isTimestamp(store->getValue<std::string>("created_at")));
        CPPUNIT_ASSERT_EQUAL(store->getValue<std::string>("created_at"), store->getValue<std::string>("updated_at"));
        const std::string path = "/stores/" + str(store->getValue<std::int64_t>("id"));

        // Any authenticated caller reads it; nobody anonymous.
        for (const std::string& token : {svc.buyer(), svc.seller(), svc.deliveryService(), svc.admin()}) {
            HttpReply got = http.get(path, token);
            CPPUNIT_ASSERT_EQUAL(200, got.status);
            CPPUNIT_ASSERT_EQUAL(jsonText(*store), jsonText(*dataOf(got)));
        }
        HttpReply anonymous = http.get(path);
        CPPUNIT_ASSERT_EQUAL(401, anonymous.status);
        CPPUNIT_ASSERT(!anonymous.header("WWW-Authenticate").empty());
        CPPUNIT_ASSERT_EQUAL(404, http.get("/stores/999999", svc.buyer()).status);

        // Only the admin creates, and only with existing SELLERs (each bad id named).
        const std::string before = snapshot(svc);
        const std::string ok = R"({"name":"X","description":"d","users_ids":[)" + str(seller) + "]}";
        CPPUNIT_ASSERT_EQUAL(401, http.post("/stores", ok).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/stores", ok, svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/stores", ok, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/stores", ok, svc.deliveryService()).status);
        HttpReply notSellers = http.post("/stores", R"({"name":"X","description":"d","users_ids":[)" + str(seller) + "," + str(buyer)
                                                        + ",999999," + str(seller) + "]}", svc.admin());
        CPPUNIT_ASSERT_EQUAL(400, notSellers.status);
        CPPUNIT_ASSERT((notSellers.errorCodes() == std::vector<std::string>{"users_ids.1:not_seller", "users_ids.2:not_seller",
                                                                            "users_ids.3:duplicate"}));
        HttpReply noSellers = http.post("/stores", R"({"name":"X","description":"d","users_ids":[]})", svc.admin());
        CPPUNIT_ASSERT_EQUAL(400, noSellers.status);
        CPPUNIT_ASSERT_EQUAL(std::string("users_ids"), noSellers.errorCodes().at(0).substr(0, 9));
        HttpReply missing = http.post("/stores", "{}", svc.admin());
        CPPUNIT_ASSERT((missing.errorCodes() == std::vector<std::string>{"description:required", "name:required", "users_ids:required"}));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
    }

    void storesListFilters(Backend backend)
    {
        EcommerceService svc(backend);
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::string seller2 = createUser(svc, "s2@example.com", "SELLER");
        const std::int64_t seller2Id = userIdOf(svc, seller2);
        const std::int64_t books = createStore(svc, "Old Books", {seller});
        const std::int64_t games = createStore(svc, "Board Games", {seller2Id});
        const std::int64_t both = createStore(svc, "100% BOOKS_and more", {seller, seller2Id});

        HttpReply all = http.get("/stores", svc.buyer());
        CPPUNIT_ASSERT_EQUAL(200, all.status);
        CPPUNIT_ASSERT((idsOf(all) == std::vector<std::int64_t>{books, games, both})); // oldest first
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"limit":50,"offset":0,"total":3})"), jsonText(*all.json->getObject("meta")));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?name=books", svc.buyer())) == std::vector<std::int64_t>{books, both}));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?name=0%25%20B", svc.buyer())) == std::vector<std::int64_t>{both})); // % is literal
        CPPUNIT_ASSERT((idsOf(http.get("/stores?name=S_A", svc.buyer())) == std::vector<std::int64_t>{both}));     // _ is literal
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(http.get("/stores?name=%25%25x", svc.buyer())));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?mine=true", svc.seller())) == std::vector<std::int64_t>{books, both}));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?mine=true", seller2)) == std::vector<std::int64_t>{games, both}));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?mine=true&name=game", seller2)) == std::vector<std::int64_t>{games}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), totalOf(http.get("/stores?mine=false", svc.seller())));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(http.get("/stores?mine=true", svc.buyer())));

        HttpReply page = http.get("/stores?limit=1&offset=1", svc.buyer());
        CPPUNIT_ASSERT((idsOf(page) == std::vector<std::int64_t>{games}));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"limit":1,"offset":1,"total":3})"), jsonText(*page.json->getObject("meta")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), itemsOf(http.get("/stores?offset=3", svc.buyer()))->size());
        CPPUNIT_ASSERT_EQUAL(200, http.get("/stores?limit=500", svc.buyer()).status);
        for (const std::string& query : std::vector<std::string>{"limit=0", "limit=501", "limit=x", "limit=", "limit=1.5", "offset=-1", "offset=x", "mine=yes",
                                         "name=" + std::string(121, 'n')}) {
            HttpReply bad = http.get("/stores?" + query, svc.seller());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(query, 400, bad.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(query, query.substr(0, query.find('=')), bad.errorCodes().at(0).substr(0, query.find('=')));
        }
        CPPUNIT_ASSERT_EQUAL(401, http.get("/stores").status);
    }

    void storesListFiltersOnSqlite() { storesListFilters(Backend::SQLite); }
    void storesListFiltersOnMariaDb() { storesListFilters(Backend::MySQL); }

    void storesUpdateByMembersOnly()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::string seller2 = createUser(svc, "s2@example.com", "SELLER");
        const std::int64_t seller2Id = userIdOf(svc, seller2);
        const std::int64_t id = createStore(svc, "Books", {seller});
        const std::string path = "/stores/" + str(id);
        const std::string createdAt = dataOf(http.get(path, svc.buyer()))->getValue<std::string>("created_at");
        nextSecond();

        // A member seller changes name, description and warehouse; updated_at moves on.
        HttpReply changed = http.put(path, R"({"name":"Rare Books","description":"old","warehouse_address":"9 Pier"})", svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(changed.body, 200, changed.status);
        auto store = dataOf(changed);
        CPPUNIT_ASSERT_EQUAL(std::string("Rare Books"), store->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("old"), store->getValue<std::string>("description"));
        CPPUNIT_ASSERT_EQUAL(std::string("9 Pier"), store->getValue<std::string>("warehouse_address"));
        CPPUNIT_ASSERT_EQUAL(createdAt, store->getValue<std::string>("created_at"));
        CPPUNIT_ASSERT(store->getValue<std::string>("updated_at") > createdAt);
        CPPUNIT_ASSERT_EQUAL(jsonText(*store), jsonText(*dataOf(http.get(path, svc.buyer()))));

        // Another seller's store, a buyer, the delivery service: 403, nothing changed.
        const std::string before = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"name":"Mine now"})", seller2).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"name":"Mine now"})", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"name":"Mine now"})", svc.deliveryService()).status);
        CPPUNIT_ASSERT_EQUAL(401, http.put(path, R"({"name":"Mine now"})").status);
        // users_ids is the admin's: a member seller may not add a colleague.
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"users_ids":[)" + str(seller) + "," + str(seller2Id) + "]}", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(400, http.put(path, "{}", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(400, http.put(path, R"({"name":null})", svc.seller()).status);
        HttpReply badIds = http.put(path, R"({"users_ids":[)" + str(userIdOf(svc, svc.buyer())) + "]}", svc.admin());
        CPPUNIT_ASSERT_EQUAL(400, badIds.status);
        CPPUNIT_ASSERT((badIds.errorCodes() == std::vector<std::string>{"users_ids.0:not_seller"}));
        CPPUNIT_ASSERT_EQUAL(404, http.put("/stores/999999", R"({"name":"x"})", svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));

        // The admin replaces the sellers: membership moves with it.
        HttpReply moved = http.put(path, R"({"users_ids":[)" + str(seller2Id) + "]}", svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(moved.body, 200, moved.status);
        CPPUNIT_ASSERT_EQUAL(std::string("[") + str(seller2Id) + "]", [&] {
            std::ostringstream s;
            dataOf(moved)->getArray("users_ids")->stringify(s);
            return s.str();
        }());
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"description":"new"})", seller2).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"description":"newer"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(http.get("/stores?mine=true", svc.seller())));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), totalOf(http.get("/stores?mine=true", seller2)));
        // An empty warehouse address removes it (the store stops selling; see storeWithoutWarehouseCannotSell).
        HttpReply cleared = http.put(path, R"({"warehouse_address":""})", seller2);
        CPPUNIT_ASSERT_EQUAL(200, cleared.status);
        CPPUNIT_ASSERT(dataOf(cleared)->isNull("warehouse_address"));
    }

    void storesDeleteHidesStoreAndProducts()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::int64_t gone = createStore(svc, "Gone", {seller});
        const std::int64_t kept = createStore(svc, "Kept", {seller});
        const std::int64_t goneProduct = createProduct(svc, svc.seller(), gone, "Lamp", 5);
        const std::int64_t keptProduct = createProduct(svc, svc.seller(), kept, "Lamp", 5);
        const std::int64_t order = idOf(http.post("/orders", orderBody({{goneProduct, 1}}), svc.buyer()));
        const std::string path = "/stores/" + str(gone);

        CPPUNIT_ASSERT_EQUAL(403, http.del(path, svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.del(path, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(401, http.del(path).status);
        CPPUNIT_ASSERT_EQUAL(200, http.get(path, svc.buyer()).status);
        HttpReply deleted = http.del(path, svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(deleted.body, 200, deleted.status);
        CPPUNIT_ASSERT_EQUAL(gone, idOf(deleted));

        // The store is 404 everywhere...
        CPPUNIT_ASSERT_EQUAL(404, http.get(path, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(path, R"({"name":"back"})", svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(path, R"({"name":"back"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(path, svc.admin()).status);
        CPPUNIT_ASSERT((idsOf(http.get("/stores", svc.buyer())) == std::vector<std::int64_t>{kept}));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?mine=true", svc.seller())) == std::vector<std::int64_t>{kept}));
        CPPUNIT_ASSERT((idsOf(http.get("/stores?name=gone", svc.seller())).empty()));
        HttpReply newProduct = http.post("/products", R"({"name":"P","short_description":"s","quantity":1,"store_id":)" + str(gone) + "}",
                                         svc.admin());
        CPPUNIT_ASSERT_EQUAL(400, newProduct.status);
        CPPUNIT_ASSERT((newProduct.errorCodes() == std::vector<std::string>{"store_id:not_found"}));
        // ...and so are its products: reads, listings, changes and buying.
        const std::string productPath = "/products/" + str(goneProduct);
        CPPUNIT_ASSERT_EQUAL(404, http.get(productPath, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(productPath, R"({"quantity":9})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(productPath, svc.admin()).status);
        CPPUNIT_ASSERT((idsOf(http.get("/products", svc.buyer())) == std::vector<std::int64_t>{keptProduct}));
        CPPUNIT_ASSERT((idsOf(http.get("/products?store_id=" + str(gone), svc.buyer())).empty()));
        CPPUNIT_ASSERT((idsOf(http.get("/products?q=lamp", svc.buyer())) == std::vector<std::int64_t>{keptProduct}));
        const std::string before = snapshot(svc);
        HttpReply buyNew = http.post("/orders", orderBody({{keptProduct, 1}, {goneProduct, 1}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(buyNew.body, 404, buyNew.status);
        CPPUNIT_ASSERT((buyNew.errorCodes() == std::vector<std::string>{"products.1.product_id:not_found"}));
        HttpReply buyMore = http.post("/orders/" + str(order) + "/products", lineBody(goneProduct, 1), svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(buyMore.body, 404, buyMore.status);
        CPPUNIT_ASSERT((buyMore.errorCodes() == std::vector<std::string>{"product_id:not_found"}));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        // What was bought before stays in the buyer's order.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), dataOf(http.get("/orders/" + str(order), svc.buyer()))->getArray("products")->size());
    }

    void productsCreateReadUpdateDelete()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::string seller2 = createUser(svc, "s2@example.com", "SELLER");
        const std::int64_t store = createStore(svc, "Books", {seller});
        const std::int64_t otherStore = createStore(svc, "Games", {userIdOf(svc, seller2)});
        const std::string body = R"({"name":" Dune ","short_description":"A desert planet","quantity":0,"store_id":)" + str(store) + "}";

        // Create: the store's sellers or the admin; anyone authenticated reads.
        HttpReply created = http.post("/products", body, svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(created.body, 201, created.status);
        auto product = dataOf(created);
        CPPUNIT_ASSERT((keysOf(product) == std::set<std::string>{"created_at", "id", "name", "quantity", "short_description", "store_id",
                                                                 "updated_at"}));
        CPPUNIT_ASSERT_EQUAL(std::string("Dune"), product->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), product->getValue<std::int64_t>("quantity")); // 0 is a valid stock
        CPPUNIT_ASSERT_EQUAL(store, product->getValue<std::int64_t>("store_id"));
        CPPUNIT_ASSERT(isTimestamp(product->getValue<std::string>("created_at")));
        const std::string path = "/products/" + str(product->getValue<std::int64_t>("id"));
        CPPUNIT_ASSERT_EQUAL(jsonText(*product), jsonText(*dataOf(http.get(path, svc.deliveryService()))));
        CPPUNIT_ASSERT_EQUAL(201, http.post("/products", body, svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/products/999999", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(401, http.get(path).status);

        const std::string before = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/products", body, seller2).status); // another seller's store
        CPPUNIT_ASSERT_EQUAL(403, http.post("/products", body, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/products", body, svc.deliveryService()).status);
        HttpReply unknownStore = http.post("/products", R"({"name":"P","short_description":"s","quantity":1,"store_id":999999})", svc.admin());
        CPPUNIT_ASSERT_EQUAL(400, unknownStore.status);
        CPPUNIT_ASSERT((unknownStore.errorCodes() == std::vector<std::string>{"store_id:not_found"}));
        HttpReply tooMany = http.post("/products", R"({"name":"P","short_description":"s","quantity":1000001,"store_id":)" + str(store) + "}",
                                      svc.seller());
        CPPUNIT_ASSERT((tooMany.errorCodes() == std::vector<std::string>{"quantity:out_of_range"}));
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));

        // Update: the store's sellers or the admin; updated_at moves on.
        nextSecond();
        HttpReply changed = http.put(path, R"({"name":"Dune Messiah","short_description":"sequel","quantity":1000000})", svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(changed.body, 200, changed.status);
        auto updated = dataOf(changed);
        CPPUNIT_ASSERT_EQUAL(std::string("Dune Messiah"), updated->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("sequel"), updated->getValue<std::string>("short_description"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1000000), updated->getValue<std::int64_t>("quantity"));
        CPPUNIT_ASSERT_EQUAL(product->getValue<std::string>("created_at"), updated->getValue<std::string>("created_at"));
        CPPUNIT_ASSERT(updated->getValue<std::string>("updated_at") > product->getValue<std::string>("updated_at"));
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"quantity":3})", svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stockOf(svc, product->getValue<std::int64_t>("id")));
        const std::string afterUpdate = snapshot(svc);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"quantity":9})", seller2).status);
        CPPUNIT_ASSERT_EQUAL(403, http.put(path, R"({"quantity":9})", svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(400, http.put(path, R"({"store_id":)" + str(otherStore) + "}", svc.seller()).status); // cannot move
        CPPUNIT_ASSERT_EQUAL(400, http.put(path, "{}", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put("/products/999999", R"({"quantity":9})", svc.admin()).status);
        CPPUNIT_ASSERT_EQUAL(afterUpdate, snapshot(svc));

        // Delete: soft, then 404 everywhere.
        CPPUNIT_ASSERT_EQUAL(403, http.del(path, seller2).status);
        CPPUNIT_ASSERT_EQUAL(403, http.del(path, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(afterUpdate, snapshot(svc));
        HttpReply deleted = http.del(path, svc.seller());
        CPPUNIT_ASSERT_EQUAL(200, deleted.status);
        CPPUNIT_ASSERT_EQUAL(product->getValue<std::int64_t>("id"), idOf(deleted));
        CPPUNIT_ASSERT_EQUAL(404, http.get(path, svc.buyer()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.put(path, R"({"quantity":9})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.del(path, svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), totalOf(http.get("/products", svc.buyer())));
        HttpReply buy = http.post("/orders", orderBody({{product->getValue<std::int64_t>("id"), 1}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(404, buy.status);
        CPPUNIT_ASSERT((buy.errorCodes() == std::vector<std::string>{"products.0.product_id:not_found"}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(http.get("/orders", svc.buyer())));
    }

    void productsListFilters(Backend backend)
    {
        EcommerceService svc(backend);
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::int64_t books = createStore(svc, "Books", {seller});
        const std::int64_t games = createStore(svc, "Games", {seller});
        const std::int64_t dune = createProduct(svc, svc.seller(), books, "Dune", 2);
        const std::int64_t emma = createProduct(svc, svc.seller(), books, "Emma", 0);
        const std::int64_t go = createProduct(svc, svc.seller(), games, "Go 100%", 1);
        const std::int64_t dungeon = createProduct(svc, svc.seller(), games, "Dungeon_Crawl", 0);

        HttpReply all = http.get("/products", svc.buyer());
        CPPUNIT_ASSERT((idsOf(all) == std::vector<std::int64_t>{dune, emma, go, dungeon}));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"limit":50,"offset":0,"total":4})"), jsonText(*all.json->getObject("meta")));
        CPPUNIT_ASSERT((idsOf(http.get("/products?store_id=" + str(books), svc.buyer())) == std::vector<std::int64_t>{dune, emma}));
        CPPUNIT_ASSERT((idsOf(http.get("/products?store_id=999999", svc.buyer())).empty()));
        CPPUNIT_ASSERT((idsOf(http.get("/products?q=DUN", svc.buyer())) == std::vector<std::int64_t>{dune, dungeon}));
        CPPUNIT_ASSERT((idsOf(http.get("/products?q=0%25", svc.buyer())) == std::vector<std::int64_t>{go}));
        CPPUNIT_ASSERT((idsOf(http.get("/products?q=n_c", svc.buyer())) == std::vector<std::int64_t>{dungeon}));
        CPPUNIT_ASSERT((idsOf(http.get("/products?in_stock=true", svc.buyer())) == std::vector<std::int64_t>{dune, go}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), totalOf(http.get("/products?in_stock=false", svc.buyer())));
        CPPUNIT_ASSERT((idsOf(http.get("/products?in_stock=true&q=d&store_id=" + str(games), svc.buyer())).empty()));
        CPPUNIT_ASSERT((idsOf(http.get("/products?in_stock=true&q=u&store_id=" + str(books), svc.buyer())) == std::vector<std::int64_t>{dune}));

        HttpReply page = http.get("/products?limit=2&offset=1", svc.buyer());
        CPPUNIT_ASSERT((idsOf(page) == std::vector<std::int64_t>{emma, go}));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"limit":2,"offset":1,"total":4})"), jsonText(*page.json->getObject("meta")));
        HttpReply filteredPage = http.get("/products?in_stock=true&limit=1&offset=1", svc.buyer());
        CPPUNIT_ASSERT((idsOf(filteredPage) == std::vector<std::int64_t>{go}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), totalOf(filteredPage));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), itemsOf(http.get("/products?offset=100", svc.buyer()))->size());
        for (const std::string& query : std::vector<std::string>{"limit=0", "limit=501", "limit=-1", "limit=ten", "offset=-1", "offset=1e3", "store_id=0",
                                         "store_id=-4", "store_id=abc", "store_id=99999999999999999999", "in_stock=maybe", "in_stock=",
                                         "q=" + std::string(121, 'q')}) {
            HttpReply bad = http.get("/products?" + query, svc.buyer());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(query, 400, bad.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(query, query.substr(0, query.find('=')), bad.errorCodes().at(0).substr(0, query.find('=')));
        }
    }

    void productsListFiltersOnSqlite() { productsListFilters(Backend::SQLite); }
    void productsListFiltersOnMariaDb() { productsListFilters(Backend::MySQL); }

    void storeWithoutWarehouseCannotSell()
    {
        EcommerceService svc;
        const auto& http = svc.http();
        const std::int64_t seller = userIdOf(svc, svc.seller());
        const std::int64_t store = createStore(svc, "Bare", {seller}, "");
        const std::string path = "/stores/" + str(store);
        CPPUNIT_ASSERT(dataOf(http.get(path, svc.buyer()))->isNull("warehouse_address"));
        const std::string body = R"({"name":"P","short_description":"s","quantity":4,"store_id":)" + str(store) + "}";
        const std::string before = snapshot(svc);
        for (const std::string& token : {svc.seller(), svc.admin()}) {
            HttpReply refused = http.post("/products", body, token);
            CPPUNIT_ASSERT_EQUAL(409, refused.status);
            CPPUNIT_ASSERT((refused.errorCodes() == std::vector<std::string>{"store_id:no_warehouse"}));
        }
        CPPUNIT_ASSERT_EQUAL(before, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"warehouse_address":"   "})", svc.seller()).status); // blank is none
        CPPUNIT_ASSERT_EQUAL(409, http.post("/products", body, svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(http.get("/products", svc.buyer())));

        // With a warehouse it sells; without one again its products stay listed but cannot be bought.
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"warehouse_address":"3 Quay"})", svc.seller()).status);
        HttpReply created = http.post("/products", body, svc.seller());
        CPPUNIT_ASSERT_EQUAL(201, created.status);
        const std::int64_t product = idOf(created);
        const std::int64_t order = idOf(http.post("/orders", orderBody({{product, 1}}), svc.buyer()));
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"warehouse_address":""})", svc.admin()).status);
        const std::string unsellable = snapshot(svc);
        HttpReply buyNew = http.post("/orders", orderBody({{product, 1}}), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(409, buyNew.status);
        CPPUNIT_ASSERT((buyNew.errorCodes() == std::vector<std::string>{"products.0.product_id:no_warehouse"}));
        HttpReply buyMore = http.post("/order/" + str(order) + "/products", lineBody(product, 1), svc.buyer());
        CPPUNIT_ASSERT_EQUAL(409, buyMore.status);
        CPPUNIT_ASSERT((buyMore.errorCodes() == std::vector<std::string>{"product_id:no_warehouse"}));
        CPPUNIT_ASSERT_EQUAL(unsellable, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stockOf(svc, product));
        CPPUNIT_ASSERT_EQUAL(200, http.get("/products/" + str(product), svc.buyer()).status);

        // An order bought before can be confirmed, but not dispatched without an origin to ship from.
        const std::string orderPath = "/orders/" + str(order);
        CPPUNIT_ASSERT_EQUAL(200, http.put(orderPath, statusBody("CONFIRMED"), svc.seller()).status);
        const std::string confirmed = snapshot(svc);
        HttpReply dispatch = http.put(orderPath, statusBody("DISPATCHED"), svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dispatch.body, 409, dispatch.status);
        CPPUNIT_ASSERT((dispatch.errorCodes() == std::vector<std::string>{"status:no_warehouse"}));
        CPPUNIT_ASSERT_EQUAL(confirmed, snapshot(svc));
        CPPUNIT_ASSERT_EQUAL(200, http.put(path, R"({"warehouse_address":"4 Quay"})", svc.seller()).status);
        CPPUNIT_ASSERT_EQUAL(200, http.put(orderPath, statusBody("DISPATCHED"), svc.seller()).status);
    }

    /// The longest accepted values (in code points, several bytes each) and the largest quantities
    /// are stored and read back unchanged: the columns fit what the validation allows.
    void longestValuesRoundTrip(Backend backend)
    {
        EcommerceService svc(backend);
        const auto& http = svc.http();
        const auto repeat = [](const std::string& unit, int n) {
            std::string s;
            for (int i = 0; i < n; ++i)
                s += unit;
            return s;
        };
        const std::string name = repeat("\u00e9", 119) + "\U0001F600", description = repeat("\u20ac", 1000);
        const std::string address = repeat("\U0001F3E0", 255);
        HttpReply store = http.post("/stores", R"({"name":")" + name + R"(","description":")" + description + R"(","warehouse_address":")"
                                                   + address + R"(","users_ids":[)" + str(userIdOf(svc, svc.seller())) + "]}",
                                    svc.admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(store.body, 201, store.status);
        auto got = dataOf(http.get("/stores/" + str(idOf(store)), svc.buyer()));
        CPPUNIT_ASSERT(name == got->getValue<std::string>("name"));
        CPPUNIT_ASSERT(description == got->getValue<std::string>("description"));
        CPPUNIT_ASSERT(address == got->getValue<std::string>("warehouse_address"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), totalOf(http.get("/stores?name=%C3%A9%F0%9F%98%80", svc.buyer())));

        HttpReply product = http.post("/products", R"({"name":")" + name + R"(","short_description":")" + description
                                                       + R"(","quantity":1000000,"store_id":)" + str(idOf(store)) + "}",
                                      svc.seller());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(product.body, 201, product.status);
        auto p = dataOf(http.get("/products/" + str(idOf(product)), svc.buyer()));
        CPPUNIT_ASSERT(name == p->getValue<std::string>("name"));
        CPPUNIT_ASSERT(description == p->getValue<std::string>("short_description"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1000000), p->getValue<std::int64_t>("quantity"));

        HttpReply order = http.post("/orders", R"({"delivery_address":")" + address + R"(","products":[{"product_id":)"
                                                   + str(idOf(product)) + R"(,"quantity":1000000}]})",
                                    svc.buyer());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(order.body, 201, order.status);
        auto o = dataOf(http.get("/orders/" + str(idOf(order)), svc.buyer()));
        CPPUNIT_ASSERT(address == o->getValue<std::string>("delivery_address"));
        CPPUNIT_ASSERT(name == o->getArray("products")->getObject(0)->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stockOf(svc, idOf(product)));
    }

    void longestValuesRoundTripOnSqlite() { longestValuesRoundTrip(Backend::SQLite); }
    void longestValuesRoundTripOnMariaDb() { longestValuesRoundTrip(Backend::MySQL); }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EcommerceCatalogAcceptanceTest, "acceptance");
