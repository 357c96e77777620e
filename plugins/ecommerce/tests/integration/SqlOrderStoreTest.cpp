// The order repository on both dialects (with the catalog it buys from): orders and lines
// answered from what was written, all-or-nothing purchases, stock under concurrency (also without
// deadlocks when orders name products in different orders), cancellation, the dispatch outbox
// message, conditional delivery updates; and, over these SQL stores, how Orders refuses what
// cannot be bought or dispatched and applies delivery webhooks.
#include "SqlOutbox.h"
#include "TestDatabase.h"
#include "domain/Orders.h"
#include "http/Refusals.h"
#include "repository/SqlCatalogStore.h"
#include "repository/SqlOrderStore.h"

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
class SqlOrderStoreTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        _db = std::make_unique<test::TestDatabase>(D);
        (**_db).migrate("mercato", mercatoHostMigrations());
        (**_db).migrate("ecommerce", ecommerceMigrations());
        _outbox = std::make_shared<host::SqlOutbox>(**_db);
        _catalog = std::make_unique<SqlCatalogStore>(**_db);
        _orders = std::make_unique<SqlOrderStore>(**_db, _outbox);
        _domain = std::make_unique<Orders>(*_orders, *_catalog);
    }
    void tearDown() override
    {
        _domain.reset();
        _orders.reset();
        _catalog.reset();
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
        return _catalog->createStore(s);
    }

    Product product(std::int64_t storeId, const std::string& name, std::int64_t quantity)
    {
        Product p;
        p.storeId = storeId;
        p.name = name;
        p.shortDescription = "s";
        p.quantity = quantity;
        return _catalog->createProduct(p);
    }

    /// A line of `quantity` units of a live product, as Orders resolves it before buying.
    OrderLine lineOf(std::int64_t productId, std::int64_t quantity)
    {
        const Product p = *_catalog->findProduct(productId);
        OrderLine l;
        l.productId = p.id;
        l.storeId = p.storeId;
        l.name = p.name;
        l.quantity = quantity;
        return l;
    }

    std::vector<OrderLine> lines(const std::vector<std::pair<std::int64_t, std::int64_t>>& requests)
    {
        std::vector<OrderLine> out;
        for (const auto& [productId, quantity] : requests)
            out.push_back(lineOf(productId, quantity));
        return out;
    }

    /// What Orders writes with a move to `to` (the dispatch message from the first line's store,
    /// whether or not it still exists: the transition's own check is what is tested here).
    TransitionWrites writes(std::int64_t orderId, OrderStatus to)
    {
        TransitionWrites w;
        w.restoreStock = to == OrderStatus::Cancelled;
        w.requireLiveStores = to == OrderStatus::Confirmed || to == OrderStatus::Dispatched;
        if (to == OrderStatus::Dispatched) {
            const Order o = *_orders->findOrder(orderId);
            Store origin;
            origin.id = o.lines.at(0).storeId;
            origin.warehouseAddress = "1 Dock Road";
            w.message = Orders::dispatchMessage(o, _catalog->findStore(origin.id).value_or(origin));
        }
        return w;
    }

    Order order(std::int64_t userId = 42)
    {
        Order o;
        o.userId = userId;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        return std::get<Order>(_orders->createOrder(o, {}));
    }

    std::int64_t stock(std::int64_t productId) { return _catalog->findProduct(productId)->quantity; }

    void ordersPageInIdOrderWithExactTotals()
    {
        Order first = order(), second = order();
        auto orders = _orders->listOrders({{OrderScope::Kind::Buyer, 42}, OrderStatus::Created, 1, 1});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), orders.total);
        CPPUNIT_ASSERT_EQUAL(second.id, orders.items.at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _orders->listOrders({{OrderScope::Kind::Buyer, 42}, std::nullopt, 1, 7}).total);
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
        Order made = std::get<Order>(_orders->createOrder(o, lines({{p2.id, 2}, {p1.id, 1}, {p2.id, 1}})));
        CPPUNIT_ASSERT_EQUAL(std::size_t(19), made.createdAt.size());
        assertSameOrder(*_orders->findOrder(made.id), made);
        OrderLine line = std::get<OrderLine>(*_orders->addLine(made.id, lineOf(p1.id, 3)));
        auto stored = _orders->findOrder(made.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), stored->lines.size());
        assertSameLine(stored->lines.back(), line);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(p1.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(p2.id));
        Order empty = order();
        assertSameOrder(*_orders->findOrder(empty.id), empty);
        // A refused line leaves the order as it was.
        CPPUNIT_ASSERT(std::holds_alternative<StockShortfall>(*_orders->addLine(made.id, lineOf(p1.id, 2))));
        assertSameOrder(*_orders->findOrder(made.id), *stored);
    }

    void ordersAreAllOrNothing()
    {
        Store s = store("S");
        Product p1 = product(s.id, "P1", 5), p2 = product(s.id, "P2", 1);
        Order o;
        o.userId = 42;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        auto failed = _orders->createOrder(o, lines({{p1.id, 2}, {p2.id, 2}}));
        CPPUNIT_ASSERT(std::holds_alternative<StockShortfall>(failed));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), std::get<StockShortfall>(failed).index);
        // The question "is there enough?" takes nothing either.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _orders->firstShortfall(lines({{p1.id, 2}, {p2.id, 2}}))->index);
        CPPUNIT_ASSERT(!_orders->firstShortfall(lines({{p1.id, 5}, {p2.id, 1}})));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(p1.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _orders->listOrders({}).total);

        auto made = _orders->createOrder(o, lines({{p1.id, 5}, {p2.id, 1}}));
        CPPUNIT_ASSERT(std::holds_alternative<Order>(made));
        const Order& order = std::get<Order>(made);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), order.lines.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p1.id)); // the last units can be bought
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p2.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _orders->listOrders({{OrderScope::Kind::Buyer, 42}, std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _orders->listOrders({{OrderScope::Kind::Buyer, 43}, std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _orders->listOrders({{OrderScope::Kind::Seller, 7}, std::nullopt, 50, 0}).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _orders->listOrders({{OrderScope::Kind::Seller, 9}, std::nullopt, 50, 0}).total);
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
                    auto r = _orders->addLine(id, lineOf(p.id, 1));
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
        auto failed = std::get<StockShortfall>(_orders->createOrder(o, lines({{p2.id, 2}, {p1.id, 2}})));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), failed.index);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _orders->firstShortfall(lines({{p2.id, 1}, {p1.id, 2}}))->index);
        auto made = std::get<Order>(_orders->createOrder(o, lines({{p2.id, 1}, {p1.id, 1}})));
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
                        std::vector<OrderLine> bought = lines({{p1.id, 1}, {p2.id, 1}, {p3.id, 1}});
                        if ((t + i) % 2)
                            std::reverse(bought.begin(), bought.end());
                        Order made = std::get<Order>(_orders->createOrder(o, bought));
                        if (_orders->removeLine(made.id, made.lines.at(1).id) != OrderStore::RemoveResult::Removed)
                            throw std::runtime_error("line not removed");
                        if (!_orders->transition(made.id, OrderStatus::Created, OrderStatus::Cancelled, writes(made.id, OrderStatus::Cancelled)))
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
        auto line = std::get<OrderLine>(*_orders->addLine(o.id, lineOf(p.id, 4)));
        std::get<OrderLine>(*_orders->addLine(o.id, lineOf(p.id, 3)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(p.id));
        CPPUNIT_ASSERT(_orders->removeLine(o.id, line.id) == OrderStore::RemoveResult::Removed);
        CPPUNIT_ASSERT(_orders->removeLine(o.id, line.id) == OrderStore::RemoveResult::NoSuchLine);
        CPPUNIT_ASSERT(_orders->removeLine(o.id + 1, line.id + 1) == OrderStore::RemoveResult::NoSuchLine);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), stock(p.id));
        CPPUNIT_ASSERT(_orders->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, writes(o.id, OrderStatus::Cancelled)));
        CPPUNIT_ASSERT(!_orders->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, writes(o.id, OrderStatus::Cancelled)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stock(p.id));
        CPPUNIT_ASSERT(!_orders->addLine(o.id, lineOf(p.id, 1)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stock(p.id));
    }

    void dispatchWritesOneOutboxMessage()
    {
        Store s = store("S", "9 Warehouse Way");
        Product p = product(s.id, "Lamp", 5);
        Order o = order();
        std::get<OrderLine>(*_orders->addLine(o.id, lineOf(p.id, 2)));
        CPPUNIT_ASSERT(_orders->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, writes(o.id, OrderStatus::Confirmed)));
        CPPUNIT_ASSERT(_outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).empty());
        CPPUNIT_ASSERT(_orders->transition(o.id, OrderStatus::Confirmed, OrderStatus::Dispatched, writes(o.id, OrderStatus::Dispatched)));
        auto messages = _outbox->find(Orders::kDispatchTopic, std::to_string(o.id));
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
        std::get<OrderLine>(*_orders->addLine(o.id, lineOf(p.id, 2)));
        const sdk::Principal admin{1, role::kAdmin, "admin", "Admin", nullptr};
        CPPUNIT_ASSERT(_domain->changeStatus(admin, o.id, OrderStatus::Confirmed).status == OrderStatus::Confirmed);
        StorePatch patch;
        patch.warehouseAddress = "";
        _catalog->updateStore(s.id, patch);
        CPPUNIT_ASSERT_EQUAL(std::string("409 status:no_warehouse"), refusal([&] { _domain->changeStatus(admin, o.id, OrderStatus::Dispatched); }));
        CPPUNIT_ASSERT(_orders->findOrder(o.id)->status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).empty());
        patch.warehouseAddress = "10 New Dock";
        _catalog->updateStore(s.id, patch);
        CPPUNIT_ASSERT(_domain->changeStatus(admin, o.id, OrderStatus::Dispatched).status == OrderStatus::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).size());
    }

    void deletedStoresStopConfirmAndDispatch()
    {
        using Kind = OrderStore::TransitionOutcome::Kind;
        Store live = store("Live", "1 Dock"), gone = store("Gone", "2 Dock");
        Product a = product(live.id, "Lamp", 5), b = product(gone.id, "Mug", 5);
        Order o = order();
        std::get<OrderLine>(*_orders->addLine(o.id, lineOf(a.id, 1)));
        std::get<OrderLine>(*_orders->addLine(o.id, lineOf(b.id, 1)));
        Order p = order();
        std::get<OrderLine>(*_orders->addLine(p.id, lineOf(b.id, 1)));
        CPPUNIT_ASSERT(_orders->transition(p.id, OrderStatus::Created, OrderStatus::Confirmed, writes(p.id, OrderStatus::Confirmed)));
        CPPUNIT_ASSERT(_catalog->deleteStore(gone.id));
        auto refused = _orders->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, writes(o.id, OrderStatus::Confirmed));
        CPPUNIT_ASSERT(refused.kind == Kind::StoreDeleted);
        CPPUNIT_ASSERT_EQUAL(gone.id, refused.storeId);
        CPPUNIT_ASSERT_EQUAL(b.id, refused.productId);
        CPPUNIT_ASSERT(_orders->findOrder(o.id)->status == OrderStatus::Created);
        refused = _orders->transition(p.id, OrderStatus::Confirmed, OrderStatus::Dispatched, writes(p.id, OrderStatus::Dispatched));
        CPPUNIT_ASSERT(refused.kind == Kind::StoreDeleted);
        CPPUNIT_ASSERT(_orders->findOrder(p.id)->status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_outbox->find(Orders::kDispatchTopic, std::to_string(p.id)).empty());
        // Cancelling stays possible and brings the stock back.
        CPPUNIT_ASSERT(_orders->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, writes(o.id, OrderStatus::Cancelled)));
        CPPUNIT_ASSERT(_orders->transition(o.id, OrderStatus::Created, OrderStatus::Cancelled, writes(o.id, OrderStatus::Cancelled)).kind
                       == Kind::NotInFrom);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(a.id));
    }

    /// The status and `field:code` an Orders call is refused with, as the HTTP layer maps it.
    template <class F>
    static std::string refusal(F&& call)
    {
        try {
            call();
        } catch (const Refusal& r) {
            const sdk::ApiError e = toApiError(r);
            std::string text = std::to_string(e.status());
            for (const auto& f : e.errors())
                text += " " + f.field + ":" + f.code;
            return text;
        }
        return "accepted";
    }

    void ordersRefuseLinesByReason()
    {
        const sdk::Principal buyer{42, role::kBuyer, "ada@example.com", "Ada", nullptr};
        Store s = store("S"), bare = store("Bare", "");
        Product p = product(s.id, "P", 1), unsellable = product(bare.id, "Q", 1), gone = product(s.id, "R", 1);
        _catalog->deleteProduct(gone.id);
        const std::string address = "2 Home Lane";
        CPPUNIT_ASSERT_EQUAL(std::string("404 products.1.product_id:not_found"),
                             refusal([&] { _domain->createOrder(buyer, address, {{p.id, 1}, {gone.id, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("404 products.0.product_id:not_found"),
                             refusal([&] { _domain->createOrder(buyer, address, {{9999, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 products.0.product_id:no_warehouse"),
                             refusal([&] { _domain->createOrder(buyer, address, {{unsellable.id, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 products.0:insufficient_stock"),
                             refusal([&] { _domain->createOrder(buyer, address, {{p.id, 2}}); }));
        const Order o = _domain->createOrder(buyer, address, {});
        CPPUNIT_ASSERT_EQUAL(std::string("404 product_id:not_found"), refusal([&] { _domain->addLine(buyer, o.id, {gone.id, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 product_id:no_warehouse"), refusal([&] { _domain->addLine(buyer, o.id, {unsellable.id, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("409 quantity:insufficient_stock"), refusal([&] { _domain->addLine(buyer, o.id, {p.id, 2}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(p.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _orders->listOrders({}).total);
    }

    void deliveryEventsAreDedupedAndOrdered()
    {
        Store s = store("S");
        Product p = product(s.id, "P", 5);
        Order o = order();
        std::get<OrderLine>(*_orders->addLine(o.id, lineOf(p.id, 1)));
        _orders->transition(o.id, OrderStatus::Created, OrderStatus::Confirmed, writes(o.id, OrderStatus::Confirmed));
        _orders->transition(o.id, OrderStatus::Confirmed, OrderStatus::Dispatched, writes(o.id, OrderStatus::Dispatched));
        const std::string type = "delivery.status_changed";
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", type, o.id, {"TN1", "READY_FOR_PICK_UP"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", type, o.id, {"TN1", "READY_FOR_PICK_UP"}, 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_3", type, o.id, {"TN1", "DELIVERED"}, 3) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", type, o.id, {"TN1", "IN_ORIGIN"}, 2) == WebhookOutcome::Applied);
        Order after = *_orders->findOrder(o.id);
        CPPUNIT_ASSERT(after.status == OrderStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), after.delivery->status); // the late event changed nothing
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_4", type, 99999, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_4", type, 99999, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_5", "delivery.other", o.id, {"TN1", "X"}, 9) == WebhookOutcome::Ignored);
        // An update decided on a state that changed meanwhile writes nothing, not even its receipt.
        DeliveryUpdate late{{OrderStatus::Dispatched, 1}, {"TN1", "IN_ROUTE_OF_DELIVERY"}, 2, OrderStatus::Dispatched};
        CPPUNIT_ASSERT(_orders->recordDeliveryEvent({"evt_6", type, o.id, "applied"}, late) == OrderStore::ReceiptResult::Outdated);
        CPPUNIT_ASSERT(_orders->recordDeliveryEvent({"evt_6", type, o.id, "stale"}, std::nullopt) == OrderStore::ReceiptResult::Recorded);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), _orders->deliveryState(o.id)->lastSequence);
        CPPUNIT_ASSERT(!_orders->deliveryState(99999));
    }

private:
    std::unique_ptr<test::TestDatabase> _db;
    std::shared_ptr<host::SqlOutbox> _outbox;
    std::unique_ptr<SqlCatalogStore> _catalog;
    std::unique_ptr<SqlOrderStore> _orders;
    std::unique_ptr<Orders> _domain;
};

#define ORDER_STORE_TESTS(Suite)                                   \
    CPPUNIT_TEST_SUITE(Suite);                                     \
    CPPUNIT_TEST(ordersPageInIdOrderWithExactTotals);              \
    CPPUNIT_TEST(writesReturnWhatIsStored);                        \
    CPPUNIT_TEST(ordersAreAllOrNothing);                           \
    CPPUNIT_TEST(concurrentBuyersNeverOversell);                   \
    CPPUNIT_TEST(linesKeepRequestOrderAndTheFirstFailureIsNamed);  \
    CPPUNIT_TEST(crossedOrdersDoNotDeadlock);                      \
    CPPUNIT_TEST(linesAndCancellationRestoreStock);                \
    CPPUNIT_TEST(dispatchWritesOneOutboxMessage);                  \
    CPPUNIT_TEST(dispatchWithoutWarehouseChangesNothing);          \
    CPPUNIT_TEST(deletedStoresStopConfirmAndDispatch);             \
    CPPUNIT_TEST(ordersRefuseLinesByReason);                       \
    CPPUNIT_TEST(deliveryEventsAreDedupedAndOrdered);              \
    CPPUNIT_TEST_SUITE_END()

class SqlOrderStoreSqliteTest : public SqlOrderStoreTest<sdk::Dialect::SQLite> {
    ORDER_STORE_TESTS(SqlOrderStoreSqliteTest);
};
class SqlOrderStoreMysqlTest : public SqlOrderStoreTest<sdk::Dialect::MySQL> {
    ORDER_STORE_TESTS(SqlOrderStoreMysqlTest);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlOrderStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlOrderStoreMysqlTest, "integration");
