// The order repository on both dialects (with the catalog it buys from): orders and lines
// answered from what was written, all-or-nothing purchases, stock under concurrency (also without
// deadlocks when orders name products in different orders), cancellation, the dispatch outbox
// message, conditional delivery updates; and, over these SQL stores, how Orders refuses what
// cannot be bought or dispatched and applies delivery webhooks.
#include "SqlOutbox.h"
#include "CatalogRows.h"
#include "TestDatabase.h"
#include "domain/Orders.h"
#include "domain/Shipments.h"
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
        return test::createStore(*_catalog, name, warehouse);
    }
    Product product(std::int64_t storeId, const std::string& name, std::int64_t quantity)
    {
        return test::createProduct(*_catalog, storeId, name, quantity);
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

    static sdk::Principal buyerOf(std::int64_t userId) { return {userId, role::kBuyer, "b@example.com", "B", nullptr}; }
    const sdk::Principal _admin{1, role::kAdmin, "admin@example.com", "Admin", nullptr};

    /// Adds a line as Orders does: at the version read, starting its store's shipment if there is none.
    std::variant<OrderLine, StockShortfall, OrderStore::Outdated> add(std::int64_t orderId, std::int64_t productId, std::int64_t quantity)
    {
        const Order o = *_orders->findOrder(orderId);
        const OrderLine l = lineOf(productId, quantity);
        return _orders->addLine(orderId, o.version, l, shipmentOfStore(o, l.storeId) == nullptr, {});
    }

    Order move(std::int64_t orderId, OrderStatus to) { return _domain->changeStatus(_admin, orderId, to); }

    Order order(std::int64_t userId = 42)
    {
        Order o;
        o.userId = userId;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        return std::get<Order>(_orders->createOrder(o, {}, {}));
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
        Order made = std::get<Order>(_orders->createOrder(o, lines({{p2.id, 2}, {p1.id, 1}, {p2.id, 1}}), {}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(19), made.createdAt.size());
        assertSameOrder(*_orders->findOrder(made.id), made);
        // One shipment per store, in the order the stores first appear.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), made.shipments.size());
        CPPUNIT_ASSERT_EQUAL(t.id, made.shipments[0].storeId);
        CPPUNIT_ASSERT_EQUAL(s.id, made.shipments[1].storeId);
        OrderLine line = std::get<OrderLine>(add(made.id, p1.id, 3));
        auto stored = _orders->findOrder(made.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), stored->lines.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), stored->shipments.size()); // the store's shipment takes the line
        CPPUNIT_ASSERT_EQUAL(made.version + 1, stored->version);
        assertSameLine(stored->lines.back(), line);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(p1.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(p2.id));
        Order empty = order();
        assertSameOrder(*_orders->findOrder(empty.id), empty);
        CPPUNIT_ASSERT(empty.shipments.empty());
        // A refused line leaves the order as it was, and so does a line added at an old version.
        CPPUNIT_ASSERT(std::holds_alternative<StockShortfall>(add(made.id, p1.id, 2)));
        CPPUNIT_ASSERT(std::holds_alternative<OrderStore::Outdated>(_orders->addLine(made.id, made.version, lineOf(p1.id, 1), false, {})));
        assertSameOrder(*_orders->findOrder(made.id), *stored);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(p1.id));
    }

    void ordersAreAllOrNothing()
    {
        Store s = store("S");
        Product p1 = product(s.id, "P1", 5), p2 = product(s.id, "P2", 1);
        Order o;
        o.userId = 42;
        o.buyerName = "Ada";
        o.deliveryAddress = "2 Home Lane";
        auto failed = _orders->createOrder(o, lines({{p1.id, 2}, {p2.id, 2}}), {});
        CPPUNIT_ASSERT(std::holds_alternative<StockShortfall>(failed));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), std::get<StockShortfall>(failed).index);
        // The question "is there enough?" takes nothing either.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _orders->firstShortfall(lines({{p1.id, 2}, {p2.id, 2}}))->index);
        CPPUNIT_ASSERT(!_orders->firstShortfall(lines({{p1.id, 5}, {p2.id, 1}})));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(p1.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _orders->listOrders({}).total);

        auto made = _orders->createOrder(o, lines({{p1.id, 5}, {p2.id, 1}}), {});
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
                    auto r = add(id, p.id, 1);
                    (std::holds_alternative<OrderLine>(r) ? sold : refused)++;
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
        auto failed = std::get<StockShortfall>(_orders->createOrder(o, lines({{p2.id, 2}, {p1.id, 2}}), {}));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), failed.index);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _orders->firstShortfall(lines({{p2.id, 1}, {p1.id, 2}}))->index);
        auto made = std::get<Order>(_orders->createOrder(o, lines({{p2.id, 1}, {p1.id, 1}}), {}));
        CPPUNIT_ASSERT_EQUAL(p2.id, made.lines.at(0).productId);
        CPPUNIT_ASSERT_EQUAL(p1.id, made.lines.at(1).productId);
        CPPUNIT_ASSERT(made.lines.at(0).id < made.lines.at(1).id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(p1.id) + stock(p2.id));
    }

    void crossedOrdersDoNotDeadlock()
    {
        Store s = store("S"), other = store("T");
        Product p1 = product(s.id, "P1", 1000), p2 = product(other.id, "P2", 1000), p3 = product(s.id, "P3", 1000);
        std::atomic<int> errors{0};
        std::string firstError;
        std::mutex mutex;
        std::vector<std::thread> buyers;
        for (int t = 0; t < 8; ++t)
            buyers.emplace_back([&, t] {
                const sdk::Principal buyer = buyerOf(200 + t);
                for (int i = 0; i < 20; ++i) {
                    try {
                        // Same products, opposite orders; then a line removed and the order cancelled.
                        std::vector<LineRequest> requests{{p1.id, 1}, {p2.id, 1}, {p3.id, 1}};
                        if ((t + i) % 2)
                            std::reverse(requests.begin(), requests.end());
                        Order made = _domain->createOrder(buyer, std::string("A"), requests);
                        _domain->removeLine(buyer, made.id, made.lines.at(1).id);
                        if (_domain->changeStatus(buyer, made.id, OrderStatus::Cancelled).status != OrderStatus::Cancelled)
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
        const sdk::Principal buyer = buyerOf(o.userId);
        auto line = std::get<OrderLine>(add(o.id, p.id, 4));
        std::get<OrderLine>(add(o.id, p.id, 3));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(p.id));
        _domain->removeLine(buyer, o.id, line.id);
        CPPUNIT_ASSERT_EQUAL(std::string("404"), refusal([&] { _domain->removeLine(buyer, o.id, line.id); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), stock(p.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _orders->findOrder(o.id)->shipments.size());
        CPPUNIT_ASSERT(_domain->changeStatus(buyer, o.id, OrderStatus::Cancelled).status == OrderStatus::Cancelled);
        CPPUNIT_ASSERT(_orders->findOrder(o.id)->shipments.at(0).status == OrderStatus::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::string("409"), refusal([&] { _domain->changeStatus(buyer, o.id, OrderStatus::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stock(p.id));
        CPPUNIT_ASSERT_EQUAL(std::string("409"), refusal([&] { _domain->addLine(buyer, o.id, {p.id, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(10), stock(p.id));
        // The last line of a store takes its shipment with it.
        Order other = order();
        const OrderLine only = std::get<OrderLine>(add(other.id, p.id, 1));
        _domain->removeLine(buyer, other.id, only.id);
        CPPUNIT_ASSERT(_orders->findOrder(other.id)->shipments.empty());
    }

    void dispatchWritesOneOutboxMessagePerShipment()
    {
        Store s = store("S", "9 Warehouse Way"), t = store("T", "4 Quay");
        Product p = product(s.id, "Lamp", 5), q = product(t.id, "Rug", 5);
        Order o = order();
        std::get<OrderLine>(add(o.id, p.id, 2));
        std::get<OrderLine>(add(o.id, q.id, 1));
        move(o.id, OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).empty());
        Order dispatched = move(o.id, OrderStatus::Dispatched);
        CPPUNIT_ASSERT(dispatched.status == OrderStatus::Dispatched);
        auto messages = _outbox->find(Orders::kDispatchTopic, std::to_string(o.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), messages.size());
        std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        const std::string& first = messages[0].payload;
        CPPUNIT_ASSERT(first.find(R"("shipment_id":)" + std::to_string(dispatched.shipments[0].id)) != std::string::npos);
        CPPUNIT_ASSERT(first.find(R"("origin":{"address":"9 Warehouse Way"})") != std::string::npos);
        CPPUNIT_ASSERT(first.find(R"("destination":{"name":"Ada","address":"2 Home Lane"})") != std::string::npos);
        CPPUNIT_ASSERT(first.find(R"("products":[{"sku":)" + std::to_string(p.id) + R"(,"name":"Lamp","qty":2}])") != std::string::npos);
        const std::string& second = messages[1].payload;
        CPPUNIT_ASSERT(second.find(R"("origin":{"address":"4 Quay"})") != std::string::npos);
        CPPUNIT_ASSERT(second.find(R"("products":[{"sku":)" + std::to_string(q.id) + R"(,"name":"Rug","qty":1}])") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("ready"), messages.front().state);
        CPPUNIT_ASSERT(!messages.front().done);
    }

    void dispatchWithoutWarehouseChangesNothing()
    {
        Store s = store("S", "9 Warehouse Way");
        Product p = product(s.id, "Lamp", 5);
        Order o = order();
        std::get<OrderLine>(add(o.id, p.id, 2));
        CPPUNIT_ASSERT(move(o.id, OrderStatus::Confirmed).status == OrderStatus::Confirmed);
        StorePatch patch;
        patch.warehouseAddress = "";
        _catalog->updateStore(s.id, patch);
        CPPUNIT_ASSERT_EQUAL(std::string("409 status:no_warehouse"), refusal([&] { move(o.id, OrderStatus::Dispatched); }));
        CPPUNIT_ASSERT(_orders->findOrder(o.id)->status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).empty());
        patch.warehouseAddress = "10 New Dock";
        _catalog->updateStore(s.id, patch);
        CPPUNIT_ASSERT(move(o.id, OrderStatus::Dispatched).status == OrderStatus::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).size());
    }

    void changesAreWrittenOnlyAtTheVersionRead()
    {
        using Kind = OrderStore::Applied::Kind;
        Store live = store("Live", "1 Dock"), gone = store("Gone", "2 Dock");
        Product a = product(live.id, "Lamp", 5), b = product(gone.id, "Mug", 5);
        Order o = order();
        std::get<OrderLine>(add(o.id, a.id, 1));
        std::get<OrderLine>(add(o.id, b.id, 1));
        const Order read = *_orders->findOrder(o.id);
        OrderChange change;
        change.orderId = o.id;
        change.expectedVersion = read.version;
        change.status = OrderStatus::Confirmed;
        for (const auto& s : read.shipments) {
            change.moves.push_back({s.id, OrderStatus::Created, OrderStatus::Confirmed});
            change.liveStores.push_back(s.storeId);
        }
        // A store deleted since: nothing is written, and the deleted store is named.
        CPPUNIT_ASSERT(_catalog->deleteStore(gone.id));
        auto refused = _orders->apply(change);
        CPPUNIT_ASSERT(refused.kind == Kind::StoreDeleted);
        CPPUNIT_ASSERT_EQUAL(gone.id, refused.storeId);
        const Order after = *_orders->findOrder(o.id);
        CPPUNIT_ASSERT_EQUAL(read.version, after.version);
        CPPUNIT_ASSERT(after.status == OrderStatus::Created && after.shipments[0].status == OrderStatus::Created);
        // Without that store the change is written once; the same change again is Outdated.
        change.liveStores = {live.id};
        CPPUNIT_ASSERT(_orders->apply(change).kind == Kind::Done);
        CPPUNIT_ASSERT(_orders->apply(change).kind == Kind::Outdated);
        const Order moved = *_orders->findOrder(o.id);
        CPPUNIT_ASSERT_EQUAL(read.version + 1, moved.version);
        CPPUNIT_ASSERT(moved.status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(moved.shipments[0].status == OrderStatus::Confirmed && moved.shipments[1].status == OrderStatus::Confirmed);
        // Through Orders: the order with a deleted store's line cannot be dispatched, only cancelled.
        CPPUNIT_ASSERT_EQUAL(std::string("409 status:store_deleted"), refusal([&] { move(o.id, OrderStatus::Dispatched); }));
        CPPUNIT_ASSERT(_outbox->find(Orders::kDispatchTopic, std::to_string(o.id)).empty());
        CPPUNIT_ASSERT(move(o.id, OrderStatus::Cancelled).status == OrderStatus::Cancelled);
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
        Store s = store("S"), t = store("T");
        Product p = product(s.id, "P", 5), q = product(t.id, "Q", 5);
        Order o = order();
        std::get<OrderLine>(add(o.id, p.id, 1));
        std::get<OrderLine>(add(o.id, q.id, 1));
        move(o.id, OrderStatus::Confirmed);
        const Order dispatched = move(o.id, OrderStatus::Dispatched);
        const std::int64_t first = dispatched.shipments.at(0).id, second = dispatched.shipments.at(1).id;
        const std::string type = Orders::kStatusChanged;
        const auto event = [&](const std::string& id, std::optional<std::int64_t> shipment, const std::string& status, std::int64_t seq) {
            return _domain->receiveDeliveryEvent(id, type, o.id, shipment, {"TN" + std::to_string(shipment.value_or(0)), status}, seq);
        };
        CPPUNIT_ASSERT(event("evt_1", first, "READY_FOR_PICK_UP", 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(event("evt_1", first, "READY_FOR_PICK_UP", 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(event("evt_3", first, "DELIVERED", 3) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(event("evt_2", first, "IN_ORIGIN", 2) == WebhookOutcome::Applied); // stale: recorded, no effect
        Order after = *_orders->findOrder(o.id);
        CPPUNIT_ASSERT(after.shipments[0].status == OrderStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), after.shipments[0].delivery->status); // the late event changed nothing
        CPPUNIT_ASSERT(after.shipments[1].status == OrderStatus::Dispatched && !after.shipments[1].delivery);
        CPPUNIT_ASSERT(after.status == OrderStatus::Dispatched); // one shipment still on its way
        CPPUNIT_ASSERT(event("evt_4", second, "DELIVERED", 1) == WebhookOutcome::Applied);
        after = *_orders->findOrder(o.id);
        CPPUNIT_ASSERT(after.status == OrderStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("TN") + std::to_string(second), after.shipments[1].delivery->trackingNumber);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_5", type, 99999, std::nullopt, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_5", type, 99999, std::nullopt, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(event("evt_6", second + 1000, "IN_ORIGIN", 9) == WebhookOutcome::UnknownOrder); // no such shipment of the order
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_7", "delivery.other", o.id, first, {"TN1", "X"}, 9) == WebhookOutcome::Ignored);
        // The relay's record: a known tracking number is kept.
        CPPUNIT_ASSERT(_domain->recordDelivery(o.id, second, {"OTHER", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT_EQUAL(std::string("TN") + std::to_string(second), _orders->findOrder(o.id)->shipments[1].delivery->trackingNumber);
        CPPUNIT_ASSERT(!_domain->recordDelivery(o.id, second + 1000, {"X", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT(!_domain->recordDelivery(o.id + 1000, std::nullopt, {"X", "READY_FOR_PICK_UP"}));
        // A change decided on an old version writes nothing, not even its receipt.
        OrderChange late;
        late.orderId = o.id;
        late.expectedVersion = dispatched.version;
        late.status = OrderStatus::Delivered;
        CPPUNIT_ASSERT(_orders->recordDeliveryEvent({"evt_8", type, o.id, first, "applied"}, late) == OrderStore::ReceiptResult::Outdated);
        CPPUNIT_ASSERT(_orders->recordDeliveryEvent({"evt_8", type, o.id, first, "stale"}, std::nullopt) == OrderStore::ReceiptResult::Recorded);
    }

    void eventsAreWrittenWithTheirChanges()
    {
        Store s = store("S"), t = store("T");
        Product p = product(s.id, "Lamp", 5), q = product(t.id, "Rug", 5);
        const sdk::Principal buyer = buyerOf(42);
        Order o = _domain->createOrder(buyer, std::string("2 Home Lane"), {{p.id, 1}, {q.id, 2}});
        const std::int64_t shipS = o.shipments.at(0).id, shipT = o.shipments.at(1).id;
        const OrderLine extra = _domain->addLine(buyer, o.id, {p.id, 1});
        _domain->removeLine(buyer, o.id, extra.id);
        CPPUNIT_ASSERT_EQUAL(std::string("404"), refusal([&] { _domain->removeLine(buyer, o.id, extra.id); })); // no event for a refusal
        move(o.id, OrderStatus::Confirmed);
        move(o.id, OrderStatus::Dispatched);
        CPPUNIT_ASSERT(_domain->recordDelivery(o.id, shipS, {"TNS", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", Orders::kStatusChanged, o.id, shipS, {"TNS", "DELIVERED"}, 2)
                       == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", Orders::kStatusChanged, o.id, shipS, {"TNS", "DELIVERED"}, 2)
                       == WebhookOutcome::Duplicate);
        std::vector<std::string> log;
        for (const auto& e : _orders->events(o.id))
            log.push_back(e.type + " " + (e.shipmentId ? (*e.shipmentId == shipS ? "S" : *e.shipmentId == shipT ? "T" : "?") : "-") + " "
                          + e.from.value_or("-") + ">" + e.to.value_or("-") + " " + toString(e.actor.type) + ":"
                          + (e.actor.id ? std::to_string(*e.actor.id) : "-"));
        const std::vector<std::string> expected{
            "created - ->CREATED user:42",
            "line_added S ->- user:42",
            "line_added T ->- user:42",
            "line_added S ->- user:42",
            "line_removed S ->- user:42",
            "status_changed S CREATED>CONFIRMED user:1",
            "status_changed T CREATED>CONFIRMED user:1",
            "status_changed S CONFIRMED>DISPATCHED user:1",
            "status_changed T CONFIRMED>DISPATCHED user:1",
            "delivery_created S ->READY_FOR_PICK_UP service:-",
            "delivery_status_received S READY_FOR_PICK_UP>DELIVERED service:-",
            "status_changed S DISPATCHED>DELIVERED service:-",
        };
        std::string joined;
        for (const auto& line : log)
            joined += line + "\n";
        CPPUNIT_ASSERT_EQUAL_MESSAGE(joined, expected.size(), log.size());
        CPPUNIT_ASSERT_MESSAGE(joined, log == expected);
        // A seller sees only the events of their shipment.
        const sdk::Principal seller{7, role::kSeller, "seller@example.com", "Seller", nullptr};
        StorePatch members;
        members.usersIds = std::vector<std::int64_t>{99};
        _catalog->updateStore(t.id, members); // T has another seller now: seller 7 sells S only
        for (const auto& e : _domain->events(seller, o.id))
            CPPUNIT_ASSERT(e.shipmentId && *e.shipmentId == shipS);
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), _domain->events(seller, o.id).size());
        // A cancelled order logs each shipment's move and the cancellation.
        Order c = _domain->createOrder(buyer, std::string("2 Home Lane"), {{p.id, 1}});
        _domain->changeStatus(buyer, c.id, OrderStatus::Cancelled);
        const auto cancelled = _orders->events(c.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), cancelled.size());
        CPPUNIT_ASSERT_EQUAL(std::string("status_changed"), cancelled[2].type);
        CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), cancelled[3].type);
        CPPUNIT_ASSERT(!cancelled[3].shipmentId);
        CPPUNIT_ASSERT_EQUAL(std::string("CREATED"), *cancelled[3].from);
    }

    void expiredReservationsReleaseUnconfirmedStock()
    {
        Store s = store("S"), t = store("T");
        Product p = product(s.id, "Lamp", 5), q = product(t.id, "Rug", 5);
        const sdk::Principal buyer = buyerOf(42);
        const sdk::Principal sellerOfT{9, role::kSeller, "t@example.com", "T", nullptr};
        StorePatch members;
        members.usersIds = std::vector<std::int64_t>{9};
        _catalog->updateStore(t.id, members);
        Order both = _domain->createOrder(buyer, std::string("2 Home Lane"), {{p.id, 1}, {q.id, 2}});
        Order onlyS = _domain->createOrder(buyer, std::string("2 Home Lane"), {{p.id, 2}});
        Order empty = _domain->createOrder(buyer, std::string("2 Home Lane"), {});
        _domain->changeStatus(sellerOfT, both.id, OrderStatus::Confirmed); // T's shipment goes on
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(p.id));
        // Nothing is older than a cut-off in the past.
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _domain->expireReservations(sdk::utcFromNow(-3600), 100));
        // Everything CREATED is older than one in the future; a batch of 2 takes the two oldest.
        const std::string later = sdk::utcFromNow(3600);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->expireReservations(later, 2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _domain->expireReservations(later, 2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _domain->expireReservations(later, 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(p.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(q.id)); // confirmed: still reserved
        const Order b = *_orders->findOrder(both.id);
        CPPUNIT_ASSERT(b.status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(b.shipments[0].status == OrderStatus::Cancelled && b.shipments[1].status == OrderStatus::Confirmed);
        CPPUNIT_ASSERT(_orders->findOrder(onlyS.id)->status == OrderStatus::Cancelled);
        CPPUNIT_ASSERT(_orders->findOrder(empty.id)->status == OrderStatus::Cancelled);
        const auto log = _orders->events(onlyS.id);
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), log.back().type);
        CPPUNIT_ASSERT(log.back().actor.type == EventActor::Type::System && !log.back().actor.id);
        CPPUNIT_ASSERT_EQUAL(std::string("CANCELLED"), *log.back().to);
        CPPUNIT_ASSERT_EQUAL(std::string("CONFIRMED"), *_orders->events(both.id).back().to);
    }

    /// Orders written before shipments existed (V002) get one shipment per store of their lines, in
    /// the order's status; the order's delivery goes to the shipment of its first line's store.
    void shipmentMigrationSplitsExistingOrders()
    {
        test::TestDatabase old(D);
        (*old).migrate("mercato", mercatoHostMigrations());
        sdk::MigrationSet before;
        for (const auto& m : ecommerceMigrations())
            if (m.version <= 2)
                before.push_back(m);
        (*old).migrate("ecommerce", before);
        {
            Poco::Data::Session session = (*old).session();
            const auto run = [&](const std::string& sql) { session << sql, Poco::Data::Keywords::now; };
            run("INSERT INTO orders (id, user_id, buyer_name, status, delivery_address, tracking_number, delivery_status, delivery_sequence, "
                "created_at, updated_at) VALUES (10, 42, 'Ada', 'DISPATCHED', '2 Home Lane', 'TN10', 'IN_ORIGIN', 2, '2026-01-01 00:00:00', "
                "'2026-01-02 00:00:00')");
            run("INSERT INTO orders (id, user_id, buyer_name, status, delivery_address, created_at, updated_at) VALUES "
                "(11, 42, 'Ada', 'CREATED', '2 Home Lane', '2026-01-01 00:00:00', '2026-01-01 00:00:00')");
            // Order 10: lines of store 7 (first), 8, 7; order 11: none.
            for (const char* values : {"(100, 10, 1, 7, 'Lamp', 1, '2026-01-01 00:00:00')", "(101, 10, 2, 8, 'Rug', 2, '2026-01-01 00:00:00')",
                                       "(102, 10, 3, 7, 'Mug', 1, '2026-01-01 00:00:00')"})
                run(std::string("INSERT INTO order_lines (id, order_id, product_id, store_id, name, quantity, created_at) VALUES ") + values);
        }
        (*old).migrate("ecommerce", ecommerceMigrations());
        SqlOrderStore store(*old, std::make_shared<host::SqlOutbox>(*old));
        const Order o = *store.findOrder(10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), o.shipments.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), o.shipments[0].storeId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), o.shipments[1].storeId);
        for (const auto& s : o.shipments)
            CPPUNIT_ASSERT(s.status == OrderStatus::Dispatched);
        CPPUNIT_ASSERT(o.shipments[0].delivery && o.shipments[0].delivery->trackingNumber == "TN10");
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), o.shipments[0].delivery->status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), o.shipments[0].deliverySequence);
        CPPUNIT_ASSERT(!o.shipments[1].delivery);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), o.version);
        CPPUNIT_ASSERT(store.findOrder(11)->shipments.empty());
        // The old delivery's events (no shipment named) still reach it, by its tracking number.
        SqlCatalogStore catalog(*old);
        Orders orders(store, catalog);
        CPPUNIT_ASSERT(orders.receiveDeliveryEvent("evt_old", Orders::kStatusChanged, 10, std::nullopt, {"TN10", "DELIVERED"}, 3)
                       == WebhookOutcome::Applied);
        const Order after = *store.findOrder(10);
        CPPUNIT_ASSERT(after.shipments[0].status == OrderStatus::Delivered);
        CPPUNIT_ASSERT(after.status == OrderStatus::Dispatched);
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
    CPPUNIT_TEST(dispatchWritesOneOutboxMessagePerShipment);       \
    CPPUNIT_TEST(dispatchWithoutWarehouseChangesNothing);          \
    CPPUNIT_TEST(changesAreWrittenOnlyAtTheVersionRead);           \
    CPPUNIT_TEST(ordersRefuseLinesByReason);                       \
    CPPUNIT_TEST(deliveryEventsAreDedupedAndOrdered);              \
    CPPUNIT_TEST(eventsAreWrittenWithTheirChanges);                \
    CPPUNIT_TEST(expiredReservationsReleaseUnconfirmedStock);      \
    CPPUNIT_TEST(shipmentMigrationSplitsExistingOrders);           \
    CPPUNIT_TEST_SUITE_END()

class SqlOrderStoreSqliteTest : public SqlOrderStoreTest<sdk::Dialect::SQLite> {
    ORDER_STORE_TESTS(SqlOrderStoreSqliteTest);
};
class SqlOrderStoreMysqlTest : public SqlOrderStoreTest<sdk::Dialect::MySQL> {
    ORDER_STORE_TESTS(SqlOrderStoreMysqlTest);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlOrderStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlOrderStoreMysqlTest, "integration");
