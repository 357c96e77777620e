// The ecommerce repository on both dialects: catalog, pages in id order with exact totals, orders
// and lines answered from what was written, all-or-nothing orders, stock under
// concurrency (also without deadlocks when orders name products in different orders),
// cancellation, the dispatch outbox message (refused without an origin), delivery webhook
// bookkeeping, and how the Marketplace maps a line that cannot be bought to 404/409.
#include "SqlOutbox.h"
#include "TestDatabase.h"
#include "domain/Marketplace.h"
#include "repository/SqlMarketStore.h"

#include "mercato/sdk/ApiError.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <variant>

const mercato::sdk::MigrationSet& ecommerceMigrations();
const mercato::sdk::MigrationSet& mercatoHostMigrations();

using namespace mercato;
using namespace mercato::ecommerce;

template <sdk::Dialect D>
class SqlMarketStoreTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        _db = std::make_unique<test::TestDatabase>(D);
        (**_db).migrate("mercato", mercatoHostMigrations());
        (**_db).migrate("ecommerce", ecommerceMigrations());
        _outbox = std::make_shared<host::SqlOutbox>(**_db);
        _store = std::make_unique<SqlMarketStore>(**_db, _outbox);
    }
    void tearDown() override
    {
        _store.reset();
        _outbox.reset();
        _db.reset();
    }

    Store store(const std::string& name, const std::string& warehouse = "1 Dock Road")
    {
        Store s;
        s.name = name;
        s.description = "d";
        s.warehouseAddress = warehouse;
        s.usersIds = {7, 8};
        return _store->createStore(s);
    }

    Product product(std::int64_t storeId, const std::string& name, std::int64_t quantity)
    {
        Product p;
        p.storeId = storeId;
        p.name = name;
        p.shortDescription = "s";
        p.quantity = quantity;
        return _store->createProduct(p);
    }

    Order order(std::int64_t userId = 42)
    {
        Order o;
        o.userId = userId;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        return std::get<Order>(_store->createOrder(o, {}));
    }

    std::int64_t stock(std::int64_t productId) { return _store->findProduct(productId)->quantity; }

    void catalog()
    {
        Store a = store("Alpha Books"), b = store("beta 100%", "");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), a.usersIds.size());
        CPPUNIT_ASSERT(b.warehouseAddress.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listStores({"ALPHA", std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listStores({"100%", std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listStores({"", std::int64_t(9), 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listStores({"", std::int64_t(7), 50, 0}).total);
        StorePatch patch;
        patch.warehouseAddress = "3 Quay";
        patch.usersIds = std::vector<std::int64_t>{9};
        auto updated = _store->updateStore(b.id, patch);
        CPPUNIT_ASSERT_EQUAL(std::string("3 Quay"), updated->warehouseAddress);
        CPPUNIT_ASSERT(updated->usersIds == std::vector<std::int64_t>{9});

        Product p = product(a.id, "Dune", 3);
        product(a.id, "Emma", 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listProducts({a.id, "", false, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listProducts({std::nullopt, "", true, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listProducts({std::nullopt, "dun", false, 50, 0}).total);
        CPPUNIT_ASSERT(_store->deleteStore(a.id));
        CPPUNIT_ASSERT(!_store->deleteStore(a.id));
        CPPUNIT_ASSERT(!_store->findStore(a.id));
        CPPUNIT_ASSERT(!_store->findProduct(p.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listProducts({std::nullopt, "", false, 50, 0}).total);
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
        CPPUNIT_ASSERT(_store->deleteStore(gone.id));
        CPPUNIT_ASSERT(_store->deleteProduct(live.back()));
        live.pop_back();
        std::vector<std::int64_t> seen;
        for (std::int64_t offset = 0; offset < 16; offset += 4) {
            auto page = _store->listProducts({std::nullopt, "", false, 4, offset});
            CPPUNIT_ASSERT_EQUAL(std::int64_t(13), page.total);
            for (const auto& p : page.items)
                seen.push_back(p.id);
        }
        CPPUNIT_ASSERT(seen == live);
        auto past = _store->listProducts({std::nullopt, "", false, 4, 100});
        CPPUNIT_ASSERT(past.items.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(13), past.total);
        auto ofA = _store->listProducts({a.id, "", false, 2, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), ofA.total);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), ofA.items.size());
        CPPUNIT_ASSERT_EQUAL(liveOfA[1], ofA.items[0].id);
        CPPUNIT_ASSERT_EQUAL(liveOfA[2], ofA.items[1].id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), _store->listProducts({std::nullopt, "", true, 1, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), _store->listProducts({a.id, "", true, 50, 0}).total);
        auto ofGone = _store->listProducts({gone.id, "", false, 50, 0});
        CPPUNIT_ASSERT(ofGone.items.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), ofGone.total);

        auto stores = _store->listStores({"", std::nullopt, 1, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stores.total);
        CPPUNIT_ASSERT_EQUAL(b.id, stores.items.at(0).id);
        CPPUNIT_ASSERT(stores.items.at(0).usersIds == (std::vector<std::int64_t>{7, 8}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listStores({"", std::nullopt, 1, 5}).total);
        Order first = order(), second = order();
        auto orders = _store->listOrders({{OrderScope::Kind::Buyer, 42}, OrderStatus::Created, 1, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), orders.total);
        CPPUNIT_ASSERT_EQUAL(second.id, orders.items.at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listOrders({{OrderScope::Kind::Buyer, 42}, std::nullopt, 1, 7}).total);
        CPPUNIT_ASSERT(first.id < second.id);
    }

    static void assertSameLine(const OrderLine& stored, const OrderLine& returned)
    {
        CPPUNIT_ASSERT_EQUAL(stored.id, returned.id);
        CPPUNIT_ASSERT_EQUAL(stored.orderId, returned.orderId);
        CPPUNIT_ASSERT_EQUAL(stored.productId, returned.productId);
        CPPUNIT_ASSERT_EQUAL(stored.storeId, returned.storeId);
        CPPUNIT_ASSERT_EQUAL(stored.name, returned.name);
        CPPUNIT_ASSERT_EQUAL(stored.quantity, returned.quantity);
        CPPUNIT_ASSERT_EQUAL(stored.createdAt, returned.createdAt);
    }

    static void assertSameOrder(const Order& stored, const Order& returned)
    {
        CPPUNIT_ASSERT_EQUAL(stored.id, returned.id);
        CPPUNIT_ASSERT(stored.status == returned.status);
        CPPUNIT_ASSERT_EQUAL(stored.userId, returned.userId);
        CPPUNIT_ASSERT_EQUAL(stored.buyerName, returned.buyerName);
        CPPUNIT_ASSERT_EQUAL(stored.deliveryAddress, returned.deliveryAddress);
        CPPUNIT_ASSERT(!stored.delivery && !returned.delivery);
        CPPUNIT_ASSERT_EQUAL(stored.createdAt, returned.createdAt);
        CPPUNIT_ASSERT_EQUAL(stored.updatedAt, returned.updatedAt);
        CPPUNIT_ASSERT_EQUAL(stored.lines.size(), returned.lines.size());
        for (std::size_t i = 0; i < stored.lines.size(); ++i)
            assertSameLine(stored.lines[i], returned.lines[i]);
    }

    void writesReturnWhatIsStored()
    {
        // createOrder and addLine answer from the values they wrote, without reading them back.
        Store s = store("S"), t = store("T");
        Product p1 = product(s.id, "P1", 5), p2 = product(t.id, "P2", 5);
        Order o;
        o.userId = 42;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        Order made = std::get<Order>(_store->createOrder(o, {{p2.id, 2}, {p1.id, 1}, {p2.id, 1}}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(19), made.createdAt.size());
        assertSameOrder(*_store->findOrder(made.id), made);
        OrderLine line = std::get<OrderLine>(*_store->addLine(made.id, {p1.id, 3}));
        auto stored = _store->findOrder(made.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), stored->lines.size());
        assertSameLine(stored->lines.back(), line);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(p1.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(p2.id));
        Order empty = order();
        assertSameOrder(*_store->findOrder(empty.id), empty);
        // A refused line leaves the order as it was.
        CPPUNIT_ASSERT(std::holds_alternative<LineFailure>(*_store->addLine(made.id, {p1.id, 2})));
        assertSameOrder(*_store->findOrder(made.id), *stored);
    }

    void ordersAreAllOrNothing()
    {
        Store s = store("S"), bare = store("Bare", "");
        Product p1 = product(s.id, "P1", 5), p2 = product(s.id, "P2", 1), p3 = product(bare.id, "P3", 9);
        Order o;
        o.userId = 42;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        auto failed = _store->createOrder(o, {{p1.id, 2}, {p2.id, 2}});
        CPPUNIT_ASSERT(std::holds_alternative<LineFailure>(failed));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), std::get<LineFailure>(failed).index);
        CPPUNIT_ASSERT(std::get<LineFailure>(failed).reason == LineFailure::Reason::InsufficientStock);
        auto bareFailure = std::get<LineFailure>(_store->createOrder(o, {{p3.id, 1}}));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("reason", int(LineFailure::Reason::NoWarehouse), int(bareFailure.reason));
        CPPUNIT_ASSERT(std::get<LineFailure>(_store->createOrder(o, {{p1.id, 1}, {9999, 1}})).reason == LineFailure::Reason::UnknownProduct);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(p1.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listOrders({}).total);

        auto made = _store->createOrder(o, {{p1.id, 5}, {p2.id, 1}});
        CPPUNIT_ASSERT(std::holds_alternative<Order>(made));
        const Order& order = std::get<Order>(made);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), order.lines.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p1.id)); // the last units can be bought
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p2.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listOrders({{OrderScope::Kind::Buyer, 42}, std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listOrders({{OrderScope::Kind::Buyer, 43}, std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listOrders({{OrderScope::Kind::Seller, 7}, std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listOrders({{OrderScope::Kind::Seller, 9}, std::nullopt, 50, 0}).total);
    }

    void concurrentBuyersNeverOversell()
    {
        Store s = store("S");
        Product p = product(s.id, "Hot", 10);
        std::vector<std::int64_t> orders;
        for (int i = 0; i < 24; ++i)
            orders.push_back(order(100 + i).id);
        std::atomic<int> sold{0}, refused{0}, errors{0};
        std::vector<std::thread> buyers;
        for (auto id : orders)
            buyers.emplace_back([&, id] {
                try {
                    auto r = _store->addLine(id, {p.id, 1});
                    (r && std::holds_alternative<OrderLine>(*r) ? sold : refused)++;
                } catch (const std::exception&) {
                    errors++;
                }
            });
        for (auto& t : buyers)
            t.join();
        CPPUNIT_ASSERT_EQUAL(0, errors.load());
        CPPUNIT_ASSERT_EQUAL(10, sold.load());
        CPPUNIT_ASSERT_EQUAL(14, refused.load());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p.id));
    }

    void linesKeepRequestOrderAndTheFirstFailureIsNamed()
    {
        Store s = store("S");
        Product p1 = product(s.id, "P1", 1), p2 = product(s.id, "P2", 1);
        Order o;
        o.userId = 42;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        // Stock is taken in product id order, but the failure named is the first line of the request.
        auto failed = std::get<LineFailure>(_store->createOrder(o, {{p2.id, 2}, {p1.id, 2}}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), failed.index);
        CPPUNIT_ASSERT(std::get<LineFailure>(_store->createOrder(o, {{p2.id, 1}, {9999, 1}, {p1.id, 2}})).index == 1);
        auto made = std::get<Order>(_store->createOrder(o, {{p2.id, 1}, {p1.id, 1}}));
        CPPUNIT_ASSERT_EQUAL(p2.id, made.lines.at(0).productId);
        CPPUNIT_ASSERT_EQUAL(p1.id, made.lines.at(1).productId);
        CPPUNIT_ASSERT(made.lines.at(0).id < made.lines.at(1).id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p1.id) + stock(p2.id));
    }

    void crossedOrdersDoNotDeadlock()
    {
        Store s = store("S");
        Product p1 = product(s.id, "P1", 1000), p2 = product(s.id, "P2", 1000), p3 = product(s.id, "P3", 1000);
        std::atomic<int> errors{0};
        std::string firstError;
        std::mutex mutex;
        std::vector<std::thread> buyers;
        for (int t = 0; t < 8; ++t)
            buyers.emplace_back([&, t] {
                Order o;
                o.userId = 200 + t;
                o.buyerName = "B";
                o.deliveryAddress = "A";
                for (int i = 0; i < 20; ++i) {
                    try {
                        // Same products, opposite orders; then a line removed and the order cancelled.
                        std::vector<LineRequest> lines{{p1.id, 1}, {p2.id, 1}, {p3.id, 1}};
                        if ((t + i) % 2)
                            std::reverse(lines.begin(), lines.end());
                        Order made = std::get<Order>(_store->createOrder(o, lines));
                        if (_store->removeLine(made.id, made.lines.at(1).id) != MarketStore::RemoveResult::Removed)
                            throw std::runtime_error("line not removed");
                        if (!_store->transition(made.id, OrderStatus::Created, OrderStatus::Cancelled, &Marketplace::dispatchMessage))
                            throw std::runtime_error("not cancelled");
                    } catch (const Poco::Exception& e) {
                        std::lock_guard<std::mutex> lock(mutex);
                        if (errors++ == 0)
                            firstError = e.displayText();
                    } catch (const std::exception& e) {
                        std::lock_guard<std::mutex> lock(mutex);
                        if (errors++ == 0)
                            firstError = e.what();
                    }
                }
            });
        for (auto& b : buyers)
            b.join();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(firstError, 0, errors.load());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3000), stock(p1.id) + stock(p2.id) + stock(p3.id));
    }

    void linesAndCancellationRestoreStock()
    {
        Store s = store("S");
        Product p = product(s.id, "P", 10);
        Order o = order();
        auto line = std::get<OrderLine>(*_store->addLine(o.id, {p.id, 4}));
        std::get<OrderLine>(*_store->addLine(o.id, {p.id, 3}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(p.id));
        CPPUNIT_ASSERT(_store->removeLine(o.id, line.id) == MarketStore::RemoveResult::Removed);
        CPPUNIT_ASSERT(_store->removeLine(o.id, line.id) == MarketStore::RemoveResult::NoSuchLine);
        CPPUNIT_ASSERT(_store->removeLine(o.id + 1, line.id + 1) == MarketStore::RemoveResult::NoSuchLine);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), stock(p.id));
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, &Marketplace::dispatchMessage));
        CPPUNIT_ASSERT(!_store->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, &Marketplace::dispatchMessage));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stock(p.id));
        CPPUNIT_ASSERT(!_store->addLine(o.id, {p.id, 1}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stock(p.id));
    }

    void dispatchWritesOneOutboxMessage()
    {
        Store s = store("S", "9 Warehouse Way");
        Product p = product(s.id, "Lamp", 5);
        Order o = order();
        std::get<OrderLine>(*_store->addLine(o.id, {p.id, 2}));
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, &Marketplace::dispatchMessage));
        CPPUNIT_ASSERT(_outbox->find(Marketplace::kDispatchTopic, std::to_string(o.id)).empty());
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Confirmed, OrderStatus::Dispatched, &Marketplace::dispatchMessage));
        auto messages = _outbox->find(Marketplace::kDispatchTopic, std::to_string(o.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), messages.size());
        const std::string& payload = messages.front().payload;
        CPPUNIT_ASSERT(payload.find(R"("origin":{"address":"9 Warehouse Way"})") != std::string::npos);
        CPPUNIT_ASSERT(payload.find(R"("destination":{"name":"Ada","address":"2 Home Lane"})") != std::string::npos);
        CPPUNIT_ASSERT(payload.find(R"("products":[{"sku":)" + std::to_string(p.id) + R"(,"name":"Lamp","qty":2}])") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("ready"), messages.front().state);
        CPPUNIT_ASSERT(!messages.front().done);
    }

    void dispatchWithoutWarehouseChangesNothing()
    {
        Store s = store("S", "9 Warehouse Way");
        Product p = product(s.id, "Lamp", 5);
        Order o = order();
        std::get<OrderLine>(*_store->addLine(o.id, {p.id, 2}));
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, &Marketplace::dispatchMessage));
        StorePatch patch;
        patch.warehouseAddress = "";
        _store->updateStore(s.id, patch);
        CPPUNIT_ASSERT_THROW(_store->transition(o.id, OrderStatus::Confirmed, OrderStatus::Dispatched, &Marketplace::dispatchMessage),
                             sdk::Conflict);
        CPPUNIT_ASSERT(_store->findOrder(o.id)->status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_outbox->find(Marketplace::kDispatchTopic, std::to_string(o.id)).empty());
        patch.warehouseAddress = "10 New Dock";
        _store->updateStore(s.id, patch);
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Confirmed, OrderStatus::Dispatched, &Marketplace::dispatchMessage));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _outbox->find(Marketplace::kDispatchTopic, std::to_string(o.id)).size());
    }

    void deletedStoresStopConfirmAndDispatch()
    {
        using Kind = MarketStore::TransitionOutcome::Kind;
        Store live = store("Live", "1 Dock"), gone = store("Gone", "2 Dock");
        Product a = product(live.id, "Lamp", 5), b = product(gone.id, "Mug", 5);
        Order o = order();
        std::get<OrderLine>(*_store->addLine(o.id, {a.id, 1}));
        std::get<OrderLine>(*_store->addLine(o.id, {b.id, 1}));
        Order p = order();
        std::get<OrderLine>(*_store->addLine(p.id, {b.id, 1}));
        CPPUNIT_ASSERT(_store->transition(p.id, OrderStatus::Created, OrderStatus::Confirmed, &Marketplace::dispatchMessage));
        CPPUNIT_ASSERT(_store->deleteStore(gone.id));
        auto refused = _store->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, &Marketplace::dispatchMessage);
        CPPUNIT_ASSERT(refused.kind == Kind::StoreDeleted);
        CPPUNIT_ASSERT_EQUAL(gone.id, refused.storeId);
        CPPUNIT_ASSERT_EQUAL(b.id, refused.productId);
        CPPUNIT_ASSERT(_store->findOrder(o.id)->status == OrderStatus::Created);
        refused = _store->transition(p.id, OrderStatus::Confirmed, OrderStatus::Dispatched, &Marketplace::dispatchMessage);
        CPPUNIT_ASSERT(refused.kind == Kind::StoreDeleted);
        CPPUNIT_ASSERT(_store->findOrder(p.id)->status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_outbox->find(Marketplace::kDispatchTopic, std::to_string(p.id)).empty());
        // Cancelling stays possible and brings the stock back.
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, &Marketplace::dispatchMessage));
        CPPUNIT_ASSERT(_store->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, &Marketplace::dispatchMessage).kind
                       == Kind::NotInFrom);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(a.id));
    }

    /// The status and `field:code` a Marketplace call is refused with.
    template <class F>
    static std::string refusal(F&& call)
    {
        try {
            call();
        } catch (const sdk::ApiError& e) {
            std::string text = std::to_string(e.status());
            for (const auto& f : e.errors())
                text += " " + f.field + ":" + f.code;
            return text;
        }
        return "accepted";
    }

    void marketplaceRefusesLinesByReason()
    {
        Marketplace market(*_store, nullptr);
        const sdk::Principal buyer{42, role::kBuyer, "ada@example.com", "Ada", nullptr};
        Store s = store("S"), bare = store("Bare", "");
        Product p = product(s.id, "P", 1), unsellable = product(bare.id, "Q", 1), gone = product(s.id, "R", 1);
        _store->deleteProduct(gone.id);
        const std::string address = "2 Home Lane";
        CPPUNIT_ASSERT_EQUAL(std::string("404 products.1.product_id:not_found"),
                             refusal([&] { market.createOrder(buyer, address, {{p.id, 1}, {gone.id, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("404 products.0.product_id:not_found"),
                             refusal([&] { market.createOrder(buyer, address, {{9999, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 products.0.product_id:no_warehouse"),
                             refusal([&] { market.createOrder(buyer, address, {{unsellable.id, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 products.0:insufficient_stock"),
                             refusal([&] { market.createOrder(buyer, address, {{p.id, 2}}); }));
        const Order o = market.createOrder(buyer, address, {});
        CPPUNIT_ASSERT_EQUAL(std::string("404 product_id:not_found"), refusal([&] { market.addLine(buyer, o.id, {gone.id, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 product_id:no_warehouse"), refusal([&] { market.addLine(buyer, o.id, {unsellable.id, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 quantity:insufficient_stock"), refusal([&] { market.addLine(buyer, o.id, {p.id, 2}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(p.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listOrders({}).total);
    }

    void deliveryEventsAreDedupedAndOrdered()
    {
        Store s = store("S");
        Product p = product(s.id, "P", 5);
        Order o = order();
        std::get<OrderLine>(*_store->addLine(o.id, {p.id, 1}));
        _store->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, &Marketplace::dispatchMessage);
        _store->transition(o.id, OrderStatus::Confirmed, OrderStatus::Dispatched, &Marketplace::dispatchMessage);
        const std::string type = "delivery.status_changed";
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_1", type, o.id, {"TN1", "READY_FOR_PICK_UP"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_1", type, o.id, {"TN1", "READY_FOR_PICK_UP"}, 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_3", type, o.id, {"TN1", "DELIVERED"}, 3) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_2", type, o.id, {"TN1", "IN_ORIGIN"}, 2) == WebhookOutcome::Applied);
        Order after = *_store->findOrder(o.id);
        CPPUNIT_ASSERT(after.status == OrderStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), after.delivery->status); // the late event changed nothing
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_4", type, 99999, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_4", type, 99999, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(_store->applyDeliveryEvent("evt_5", "delivery.other", o.id, {"TN1", "X"}, 9) == WebhookOutcome::Ignored);
    }

private:
    std::unique_ptr<test::TestDatabase> _db;
    std::shared_ptr<host::SqlOutbox> _outbox;
    std::unique_ptr<SqlMarketStore> _store;
};

#define MARKET_STORE_TESTS(Suite)                        \
    CPPUNIT_TEST_SUITE(Suite);                           \
    CPPUNIT_TEST(catalog);                               \
    CPPUNIT_TEST(pagesWalkLiveProductsInIdOrderWithExactTotals); \
    CPPUNIT_TEST(writesReturnWhatIsStored);              \
    CPPUNIT_TEST(ordersAreAllOrNothing);                 \
    CPPUNIT_TEST(concurrentBuyersNeverOversell);         \
    CPPUNIT_TEST(linesKeepRequestOrderAndTheFirstFailureIsNamed); \
    CPPUNIT_TEST(crossedOrdersDoNotDeadlock);            \
    CPPUNIT_TEST(linesAndCancellationRestoreStock);      \
    CPPUNIT_TEST(dispatchWritesOneOutboxMessage);        \
    CPPUNIT_TEST(dispatchWithoutWarehouseChangesNothing); \
    CPPUNIT_TEST(deletedStoresStopConfirmAndDispatch);   \
    CPPUNIT_TEST(marketplaceRefusesLinesByReason);       \
    CPPUNIT_TEST(deliveryEventsAreDedupedAndOrdered);    \
    CPPUNIT_TEST_SUITE_END()

class SqlMarketStoreSqliteTest : public SqlMarketStoreTest<sdk::Dialect::SQLite> {
    MARKET_STORE_TESTS(SqlMarketStoreSqliteTest);
};
class SqlMarketStoreMysqlTest : public SqlMarketStoreTest<sdk::Dialect::MySQL> {
    MARKET_STORE_TESTS(SqlMarketStoreMysqlTest);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlMarketStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlMarketStoreMysqlTest, "integration");
