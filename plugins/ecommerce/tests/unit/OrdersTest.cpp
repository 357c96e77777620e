// The order rules over in-memory stores: the delivery address, which line of a purchase is refused
// and why, who adds and removes lines and when, what a seller sees, the status machine per role,
// what a status change writes (stock back, one dispatch message per shipment), the shipments of an
// order (one per store, each moved by its own sellers, the order's status derived from them),
// decisions taken again after a concurrent change, and how delivery webhooks change a shipment.
#include "InMemoryStores.h"
#include "domain/Orders.h"

#include "mercato/sdk/Json.h"

#include <cppunit/extensions/HelperMacros.h>

#include <memory>

using namespace mercato;
using namespace mercato::ecommerce;
using mercato::ecommerce::test::InMemoryCatalogStore;
using mercato::ecommerce::test::InMemoryOrderStore;
using mercato::ecommerce::test::refusal;

namespace {

using S = OrderStatus;
const std::string kType = Orders::kStatusChanged;

sdk::Principal principal(std::int64_t id, const std::string& role, const std::string& name = "")
{
    sdk::Principal p;
    p.id = id;
    p.role = role;
    p.username = "user" + std::to_string(id);
    p.name = name;
    return p;
}

/// A buyer whose profile has `shipping_address` (absent when `address` is nullopt).
sdk::Principal buyerWithAddress(std::int64_t id, const std::optional<std::string>& address)
{
    sdk::Principal p = principal(id, role::kBuyer, "Ada");
    p.profile = sdk::makeObject();
    p.profile->set("email", std::string("ada@example.com"));
    if (address)
        p.profile->set("shipping_address", *address);
    return p;
}

} // namespace

class OrdersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OrdersTest);
    CPPUNIT_TEST(deliveryAddressDefaultsToTheProfile);
    CPPUNIT_TEST(deliveryAddressIsRequired);
    CPPUNIT_TEST(linesAreRefusedByReason);
    CPPUNIT_TEST(theFirstFailingLineIsNamed);
    CPPUNIT_TEST(onlyTheBuyerAddsLines);
    CPPUNIT_TEST(linesAreAddedOnlyWhileCreated);
    CPPUNIT_TEST(onlyTheBuyerRemovesLines);
    CPPUNIT_TEST(linesAreRemovedOnlyWhileCreated);
    CPPUNIT_TEST(sellersSeeOnlyTheirStoresLines);
    CPPUNIT_TEST(listsAreScopedByRole);
    CPPUNIT_TEST(statusChangesByRole);
    CPPUNIT_TEST(emptyOrderCannotBeConfirmed);
    CPPUNIT_TEST(deliveredTwiceIsANoOp);
    CPPUNIT_TEST(cancellingRestoresStock);
    CPPUNIT_TEST(dispatchWritesOneMessagePerShipment);
    CPPUNIT_TEST(deletedStoresStopConfirmAndDispatch);
    CPPUNIT_TEST(dispatchNeedsTheOriginsWarehouse);
    CPPUNIT_TEST(aConcurrentMoveIsJudgedAgain);
    CPPUNIT_TEST(concurrentMovesAreWrittenOnce);
    CPPUNIT_TEST(endlessConcurrentMovesGiveUp);
    CPPUNIT_TEST(twoStoresMakeTwoShipments);
    CPPUNIT_TEST(eachSellerMovesOnlyTheirShipment);
    CPPUNIT_TEST(aSellerCannotMoveAnotherSellersShipment);
    CPPUNIT_TEST(theBuyerCancelsOnlyAWholeCreatedOrder);
    CPPUNIT_TEST(anAdminCancelsOneShipmentOrTheWholeOrder);
    CPPUNIT_TEST(cancellingTheWholeOrderIsAllOrNothing);
    CPPUNIT_TEST(removingAStoresLastLineRemovesItsShipment);
    CPPUNIT_TEST(aLineOfANewStoreStartsAShipment);
    CPPUNIT_TEST(linesJoinOnlyACreatedShipment);
    CPPUNIT_TEST(anOutdatedDecisionIsTakenAgain);
    CPPUNIT_TEST(anOrderEmptiedMeanwhileIsNotConfirmed);
    CPPUNIT_TEST(theStoreWritesOnlyAtTheVersionRead);
    CPPUNIT_TEST(deliveryEventsApplyInSequence);
    CPPUNIT_TEST(deliveryEventsAreRecordedOnce);
    CPPUNIT_TEST(otherEventsAndOrdersAreIgnored);
    CPPUNIT_TEST(anOutdatedUpdateIsJudgedAgain);
    CPPUNIT_TEST(eachShipmentIsDeliveredOnItsOwn);
    CPPUNIT_TEST(eventsWithoutShipmentFindItByTrackingNumber);
    CPPUNIT_TEST(eventsForAShipmentOfAnotherOrderAreUnknown);
    CPPUNIT_TEST(theRelaysDeliveryKeepsWhatIsKnown);
    CPPUNIT_TEST(theEventLogNamesEachShipment);
    CPPUNIT_TEST(expiredReservationsReleaseCreatedShipments);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _catalog = std::make_unique<InMemoryCatalogStore>();
        _store = std::make_unique<InMemoryOrderStore>(*_catalog);
        _domain = std::make_unique<Orders>(*_store, *_catalog);
        _s = store({7}, "1 Dock Road");
        _t = store({8}, "2 Quay");
        _bare = store({7}, "");
        _u = store({9}, "3 Pier");
        _lamp = product(_s, "Lamp", 5);
        _mug = product(_t, "Mug", 3);
        _cup = product(_bare, "Cup", 4);
        _vase = product(_u, "Vase", 2);
    }
    void tearDown() override
    {
        _domain.reset();
        _store.reset();
        _catalog.reset();
    }

    std::int64_t store(std::vector<std::int64_t> sellers, const std::string& warehouse)
    {
        Store s;
        s.name = "Store of " + std::to_string(sellers.at(0));
        s.warehouseAddress = warehouse;
        s.usersIds = std::move(sellers);
        return _catalog->createStore(s).id;
    }

    std::int64_t product(std::int64_t storeId, const std::string& name, std::int64_t quantity)
    {
        Product p;
        p.storeId = storeId;
        p.name = name;
        p.quantity = quantity;
        return _catalog->createProduct(p).id;
    }

    void setWarehouse(std::int64_t storeId, const std::string& address)
    {
        StorePatch patch;
        patch.warehouseAddress = address;
        CPPUNIT_ASSERT(_catalog->updateStore(storeId, patch));
    }

    /// Ada's order of `lines`, shipped to her profile's address.
    Order buy(const std::vector<LineRequest>& lines) { return _domain->createOrder(_ada, std::nullopt, lines); }
    Order buyAs(const sdk::Principal& buyer, const std::vector<LineRequest>& lines) { return _domain->createOrder(buyer, "A", lines); }

    /// Ada's order of one lamp, confirmed and dispatched by the admin.
    Order dispatched()
    {
        Order o = buy({{_lamp, 1}});
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Dispatched).status == S::Dispatched);
        return o;
    }

    /// Ada's order of a lamp (store S, seller 7) and a mug (store T, seller 8): shipments [S, T].
    Order twoStores()
    {
        Order o = buy({{_lamp, 1}, {_mug, 1}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), o.shipments.size());
        return o;
    }

    /// twoStores(), confirmed and dispatched by the admin.
    Order twoStoresDispatched()
    {
        Order o = twoStores();
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Dispatched).status == S::Dispatched);
        return o;
    }

    std::int64_t stock(std::int64_t productId) { return _catalog->stockOf(productId); }
    Order stored(std::int64_t orderId) { return *_store->findOrder(orderId); }
    S status(std::int64_t orderId) { return stored(orderId).status; }
    std::size_t lineCount(std::int64_t orderId) { return stored(orderId).lines.size(); }
    std::int64_t orderCount() { return _store->listOrders({}).total; }
    /// The stored shipment of `storeId` in the order (fails the test when there is none).
    Shipment shipmentOf(std::int64_t orderId, std::int64_t storeId)
    {
        const Order o = stored(orderId);
        const Shipment* s = shipmentOfStore(o, storeId);
        CPPUNIT_ASSERT_MESSAGE("no shipment of store " + std::to_string(storeId), s != nullptr);
        return *s;
    }
    S shipmentStatus(std::int64_t orderId, std::int64_t storeId) { return shipmentOf(orderId, storeId).status; }
    /// The sequence of the last delivery event applied to the order's first shipment.
    std::int64_t lastSequence(std::int64_t orderId) { return stored(orderId).shipments.at(0).deliverySequence; }
    /// The order's delivery as Orders derives it (its only shipment's).
    std::optional<DeliveryInfo> delivery(std::int64_t orderId) { return _domain->order(_admin, orderId).delivery; }
    std::string lastReceipt() { return _store->receipts().empty() ? "none" : _store->receipts().back().outcome; }
    sdk::JsonObject message(std::size_t index) { return sdk::parseObject(_store->outbox().at(index).payload); }

    // ---------------------------------------------------------------- buying

    void deliveryAddressDefaultsToTheProfile()
    {
        Order o = buy({{_lamp, 2}});
        CPPUNIT_ASSERT_EQUAL(std::string("2 Home Lane"), o.deliveryAddress);
        CPPUNIT_ASSERT_EQUAL(std::string("2 Home Lane"), _store->findOrder(o.id)->deliveryAddress);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(42), o.userId);
        CPPUNIT_ASSERT_EQUAL(std::string("Ada"), o.buyerName);
        CPPUNIT_ASSERT(o.status == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), o.lines.size());
        CPPUNIT_ASSERT_EQUAL(_lamp, o.lines[0].productId);
        CPPUNIT_ASSERT_EQUAL(_s, o.lines[0].storeId);
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), o.lines[0].name);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), o.lines[0].quantity);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), o.shipments.size()); // one store, one shipment
        CPPUNIT_ASSERT_EQUAL(_s, o.shipments[0].storeId);
        CPPUNIT_ASSERT(!o.delivery);
        // A given address wins over the profile's; a nameless buyer is named by their username.
        CPPUNIT_ASSERT_EQUAL(std::string("9 Elsewhere"), _domain->createOrder(_ada, std::string("9 Elsewhere"), {}).deliveryAddress);
        sdk::Principal nameless = buyerWithAddress(44, std::string("4 Road"));
        nameless.name.clear();
        Order theirs = _domain->createOrder(nameless, std::nullopt, {});
        CPPUNIT_ASSERT_EQUAL(std::string("user44"), theirs.buyerName);
        CPPUNIT_ASSERT(theirs.shipments.empty()); // no lines, no shipment
        CPPUNIT_ASSERT_EQUAL(std::string("4 Road"), theirs.deliveryAddress);
    }

    void deliveryAddressIsRequired()
    {
        const std::string required = "Invalid delivery_address:required";
        CPPUNIT_ASSERT_EQUAL(std::string("accepted"), refusal([&] { buyAs(_bob, {}); })); // a given address is enough
        CPPUNIT_ASSERT_EQUAL(required, refusal([&] { _domain->createOrder(_bob, std::nullopt, {{_lamp, 1}}); })); // no profile
        CPPUNIT_ASSERT_EQUAL(required, refusal([&] { _domain->createOrder(_bob, std::string(""), {{_lamp, 1}}); }));
        const sdk::Principal without = buyerWithAddress(44, std::nullopt);
        CPPUNIT_ASSERT_EQUAL(required, refusal([&] { _domain->createOrder(without, std::nullopt, {{_lamp, 1}}); }));
        sdk::Principal nullAddress = buyerWithAddress(44, std::nullopt);
        nullAddress.profile->set("shipping_address", Poco::Dynamic::Var());
        CPPUNIT_ASSERT_EQUAL(required, refusal([&] { _domain->createOrder(nullAddress, std::nullopt, {{_lamp, 1}}); }));
        const sdk::Principal empty = buyerWithAddress(44, std::string(""));
        CPPUNIT_ASSERT_EQUAL(required, refusal([&] { _domain->createOrder(empty, std::nullopt, {{_lamp, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), orderCount()); // only the first
    }

    void linesAreRefusedByReason()
    {
        const std::int64_t old = product(_s, "Old", 1), gone = store({7}, "5 Gone St"), ofGone = product(gone, "Ghost", 1);
        _catalog->deleteProduct(old);
        _catalog->deleteStore(gone);
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound products.1.product_id:not_found"), refusal([&] { buy({{_lamp, 1}, {9999, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound products.0.product_id:not_found"), refusal([&] { buy({{old, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound products.0.product_id:not_found"), refusal([&] { buy({{ofGone, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.1.product_id:no_warehouse"), refusal([&] { buy({{_lamp, 1}, {_cup, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.0:insufficient_stock"), refusal([&] { buy({{_lamp, 6}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.1:insufficient_stock"), refusal([&] { buy({{_lamp, 1}, {_mug, 4}}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), orderCount());
    }

    void theFirstFailingLineIsNamed()
    {
        // A line short of stock before an unsellable one is the one named.
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.0:insufficient_stock"), refusal([&] { buy({{_lamp, 6}, {_cup, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.1:insufficient_stock"),
                             refusal([&] { buy({{_mug, 1}, {_lamp, 6}, {9999, 1}}); }));
        // Lines of one product share its stock.
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.1:insufficient_stock"),
                             refusal([&] { buy({{_lamp, 3}, {_lamp, 3}, {_cup, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.1:insufficient_stock"), refusal([&] { buy({{_lamp, 3}, {_lamp, 3}}); }));
        // Enough of everything before it: the unsellable line is named.
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict products.2.product_id:no_warehouse"),
                             refusal([&] { buy({{_lamp, 5}, {_mug, 3}, {_cup, 1}}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound products.0.product_id:not_found"), refusal([&] { buy({{9999, 1}, {_lamp, 6}}); }));
        // Asking took nothing.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), orderCount());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), buy({{_lamp, 5}, {_mug, 3}}).lines.size()); // the last units can be bought
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(_lamp) + stock(_mug));
    }

    // ---------------------------------------------------------------- lines

    void onlyTheBuyerAddsLines()
    {
        Order o = buy({});
        OrderLine line = _domain->addLine(_ada, o.id, {_lamp, 2});
        CPPUNIT_ASSERT_EQUAL(o.id, line.orderId);
        CPPUNIT_ASSERT_EQUAL(_lamp, line.productId);
        CPPUNIT_ASSERT_EQUAL(_s, line.storeId);
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), line.name);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), line.quantity);
        CPPUNIT_ASSERT_EQUAL(line.id, _store->findOrder(o.id)->lines.at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->addLine(_bob, o.id, {_lamp, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->addLine(_admin, o.id, {_lamp, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->addLine(_seller7, o.id, {_lamp, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->addLine(_seller8, o.id, {_lamp, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->addLine(_ada, o.id + 100, {_lamp, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(o.id));
    }

    void linesAreAddedOnlyWhileCreated()
    {
        Order o = buy({{_lamp, 1}});
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound product_id:not_found"), refusal([&] { _domain->addLine(_ada, o.id, {9999, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict product_id:no_warehouse"), refusal([&] { _domain->addLine(_ada, o.id, {_cup, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict quantity:insufficient_stock"), refusal([&] { _domain->addLine(_ada, o.id, {_lamp, 5}); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        // Confirmed by its seller between the buyer's read and write.
        _store->beforeNextWrite([&] { _domain->changeStatus(_seller7, o.id, S::Confirmed); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->addLine(_ada, o.id, {_lamp, 1}); }));
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->addLine(_ada, o.id, {_mug, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->addLine(_ada, o.id, {9999, 1}); })); // the status first
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
    }

    void onlyTheBuyerRemovesLines()
    {
        Order o = buy({{_lamp, 2}, {_mug, 1}}), other = buy({{_mug, 1}});
        const std::int64_t lampLine = o.lines.at(0).id;
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->removeLine(_bob, o.id, lampLine); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->removeLine(_admin, o.id, lampLine); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->removeLine(_seller7, o.id, lampLine); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        _domain->removeLine(_ada, o.id, lampLine);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(_mug, _store->findOrder(o.id)->lines.at(0).productId);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->removeLine(_ada, o.id, lampLine); }));
        // A line of another order is no line of this one.
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->removeLine(_ada, o.id, other.lines.at(0).id); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(other.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(_mug));
    }

    void linesAreRemovedOnlyWhileCreated()
    {
        Order o = buy({{_lamp, 2}});
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->removeLine(_ada, o.id, o.lines.at(0).id); }));
        // No such line is said before the status.
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->removeLine(_ada, o.id, o.lines.at(0).id + 100); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        // Confirmed between the buyer's read and write.
        Order p = buy({{_mug, 1}});
        _store->beforeNextWrite([&] { _domain->changeStatus(_seller8, p.id, S::Confirmed); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->removeLine(_ada, p.id, p.lines.at(0).id); }));
        CPPUNIT_ASSERT(status(p.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(p.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
    }

    // ---------------------------------------------------------------- visibility

    void sellersSeeOnlyTheirStoresLines()
    {
        Order o = buy({{_lamp, 1}, {_mug, 1}});
        Order seen7 = _domain->order(_seller7, o.id), seen8 = _domain->order(_seller8, o.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen7.lines.size());
        CPPUNIT_ASSERT_EQUAL(_lamp, seen7.lines[0].productId);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen8.lines.size());
        CPPUNIT_ASSERT_EQUAL(_mug, seen8.lines[0].productId);
        // And only their stores' shipments.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen7.shipments.size());
        CPPUNIT_ASSERT_EQUAL(_s, seen7.shipments[0].storeId);
        CPPUNIT_ASSERT_EQUAL(o.shipments[0].id, seen7.shipments[0].id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen8.shipments.size());
        CPPUNIT_ASSERT_EQUAL(_t, seen8.shipments[0].storeId);
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->order(_seller9, o.id); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->order(_admin, o.id).lines.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->order(_admin, o.id).shipments.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->order(_delivery, o.id).lines.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->order(_ada, o.id).lines.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->order(_ada, o.id).shipments.size());
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->order(_bob, o.id); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->order(principal(42, "GUEST"), o.id); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->order(_admin, o.id + 100); }));
        // Nor can a seller without lines in it act on it.
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->changeStatus(_seller9, o.id, S::Confirmed); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"),
                             refusal([&] { _domain->changeShipmentStatus(_seller9, o.id, o.shipments[0].id, S::Confirmed); }));
        CPPUNIT_ASSERT(status(o.id) == S::Created);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Created);
        // What a seller's move answers is their view too.
        Order moved = _domain->changeStatus(_seller8, o.id, S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), moved.lines.size());
        CPPUNIT_ASSERT_EQUAL(_mug, moved.lines[0].productId);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), moved.shipments.size());
        CPPUNIT_ASSERT_EQUAL(_t, moved.shipments[0].storeId);
    }

    void listsAreScopedByRole()
    {
        Order a = buy({{_lamp, 1}}), b = buy({{_mug, 1}}), c = buyAs(_bob, {{_lamp, 1}, {_mug, 1}}), d = buyAs(_bob, {});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), _domain->orders(_admin, std::nullopt, 50, 0).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), _domain->orders(_delivery, std::nullopt, 50, 0).total);
        auto ofAda = _domain->orders(_ada, std::nullopt, 50, 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), ofAda.total);
        CPPUNIT_ASSERT_EQUAL(a.id, ofAda.items.at(0).id);
        CPPUNIT_ASSERT_EQUAL(b.id, ofAda.items.at(1).id);
        CPPUNIT_ASSERT_EQUAL(d.id, _domain->orders(_bob, std::nullopt, 50, 0).items.at(1).id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->orders(_bob, std::nullopt, 50, 0).items.at(0).shipments.size());
        auto of7 = _domain->orders(_seller7, std::nullopt, 50, 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), of7.total);
        CPPUNIT_ASSERT_EQUAL(a.id, of7.items.at(0).id);
        CPPUNIT_ASSERT_EQUAL(c.id, of7.items.at(1).id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), of7.items.at(1).lines.size()); // not the mug of c
        CPPUNIT_ASSERT_EQUAL(_lamp, of7.items.at(1).lines.at(0).productId);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), of7.items.at(1).shipments.size()); // nor its shipment
        CPPUNIT_ASSERT_EQUAL(_s, of7.items.at(1).shipments.at(0).storeId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _domain->orders(_seller9, std::nullopt, 50, 0).total);
        auto guest = _domain->orders(principal(42, "GUEST"), std::nullopt, 50, 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), guest.total);
        CPPUNIT_ASSERT(guest.items.empty());
        // By status, and by page.
        _domain->changeStatus(_admin, a.id, S::Confirmed);
        auto confirmed = _domain->orders(_admin, S::Confirmed, 50, 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), confirmed.total);
        CPPUNIT_ASSERT_EQUAL(a.id, confirmed.items.at(0).id);
        auto created7 = _domain->orders(_seller7, S::Created, 50, 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), created7.total);
        CPPUNIT_ASSERT_EQUAL(c.id, created7.items.at(0).id);
        auto page = _domain->orders(_admin, std::nullopt, 2, 1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), page.total);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), page.items.size());
        CPPUNIT_ASSERT_EQUAL(b.id, page.items[0].id);
        CPPUNIT_ASSERT_EQUAL(c.id, page.items[1].id);
        // An order filters by its derived status: one shipment of c confirmed leaves it CREATED.
        _domain->changeStatus(_seller7, c.id, S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _domain->orders(_admin, S::Confirmed, 50, 0).total);
        auto created8 = _domain->orders(_seller8, S::Created, 50, 0);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), created8.total); // b and c
        CPPUNIT_ASSERT_EQUAL(c.id, created8.items.at(1).id);
    }

    void statusChangesByRole()
    {
        Order o = buy({{_lamp, 1}});
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_ada, o.id, S::Confirmed); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_delivery, o.id, S::Confirmed); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->changeStatus(_seller8, o.id, S::Confirmed); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Dispatched); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_admin, o.id, S::Created); }));
        CPPUNIT_ASSERT(status(o.id) == S::Created);

        Order confirmed = _domain->changeStatus(_seller7, o.id, S::Confirmed);
        CPPUNIT_ASSERT(confirmed.status == S::Confirmed);
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_ada, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_delivery, o.id, S::Delivered); }));
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));

        CPPUNIT_ASSERT(_domain->changeStatus(_seller7, o.id, S::Dispatched).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_admin, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Delivered); }));
        CPPUNIT_ASSERT(_domain->changeStatus(_delivery, o.id, S::Delivered).status == S::Delivered);
        CPPUNIT_ASSERT(status(o.id) == S::Delivered);

        // The buyer cancels while CREATED, once.
        Order p = buy({{_mug, 2}});
        CPPUNIT_ASSERT(_domain->changeStatus(_ada, p.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_ada, p.id, S::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller8, p.id, S::Confirmed); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
    }

    void emptyOrderCannotBeConfirmed()
    {
        Order o = buy({});
        try {
            _domain->changeStatus(_admin, o.id, S::Confirmed);
            CPPUNIT_FAIL("an empty order was confirmed");
        } catch (const Refusal& r) {
            CPPUNIT_ASSERT(r.kind() == Refusal::Kind::Conflict);
            CPPUNIT_ASSERT_EQUAL(std::string("An empty order cannot be confirmed"), std::string(r.what()));
        }
        CPPUNIT_ASSERT(status(o.id) == S::Created);
        CPPUNIT_ASSERT(_domain->changeStatus(_ada, o.id, S::Cancelled).status == S::Cancelled); // cancelling is fine
    }

    void deliveredTwiceIsANoOp()
    {
        Order o = dispatched();
        _domain->changeStatus(_delivery, o.id, S::Delivered);
        _store->beforeNextWrite([] { CPPUNIT_FAIL("a no-op wrote"); });
        CPPUNIT_ASSERT(_domain->changeStatus(_delivery, o.id, S::Delivered).status == S::Delivered);
        _store->beforeNextWrite(nullptr, 0);
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Delivered); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->outbox().size());
        CPPUNIT_ASSERT(status(o.id) == S::Delivered);
    }

    void cancellingRestoresStock()
    {
        Order o = buy({{_lamp, 2}, {_mug, 1}, {_lamp, 1}});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_lamp)); // confirming gives nothing back
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        // A deleted store does not stop a cancellation; its stock comes back too.
        Order p = buy({{_lamp, 1}, {_mug, 2}});
        _catalog->deleteStore(_t);
        CPPUNIT_ASSERT(_domain->changeStatus(_ada, p.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT(_store->outbox().empty());
    }

    void dispatchWritesOneMessagePerShipment()
    {
        Order o = buy({{_mug, 2}, {_lamp, 1}, {_mug, 1}}); // shipments [T, S]
        const std::int64_t ofT = o.shipments.at(0).id, ofS = o.shipments.at(1).id;
        CPPUNIT_ASSERT_EQUAL(_t, o.shipments.at(0).storeId);
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        CPPUNIT_ASSERT(_store->outbox().empty());
        // The seller of S dispatches S's shipment: one message, from S's warehouse, with S's lines.
        Order seen = _domain->changeStatus(_seller7, o.id, S::Dispatched);
        CPPUNIT_ASSERT(seen.status == S::Confirmed); // T's shipment is not dispatched yet
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.lines.size()); // the seller's view of it
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.shipments.size());
        CPPUNIT_ASSERT(seen.shipments[0].status == S::Dispatched);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(std::string(Orders::kDispatchTopic), _store->outbox()[0].topic);
        CPPUNIT_ASSERT_EQUAL(std::to_string(o.id), _store->outbox()[0].key);
        sdk::JsonObject first = message(0);
        CPPUNIT_ASSERT_EQUAL(o.id, first->getValue<std::int64_t>("foreign_order_id"));
        CPPUNIT_ASSERT_EQUAL(ofS, first->getValue<std::int64_t>("shipment_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("1 Dock Road"), first->getObject("origin")->getValue<std::string>("address"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ada"), first->getObject("destination")->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::string("2 Home Lane"), first->getObject("destination")->getValue<std::string>("address"));
        auto products = first->getArray("products");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), products->size()); // only S's line
        CPPUNIT_ASSERT_EQUAL(_lamp, products->getObject(0)->getValue<std::int64_t>("sku"));
        CPPUNIT_ASSERT_EQUAL(std::string("Lamp"), products->getObject(0)->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), products->getObject(0)->getValue<std::int64_t>("qty"));
        // The admin dispatches the rest: T's shipment only, the one already dispatched is not announced again.
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Dispatched).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(std::to_string(o.id), _store->outbox()[1].key);
        sdk::JsonObject second = message(1);
        CPPUNIT_ASSERT_EQUAL(ofT, second->getValue<std::int64_t>("shipment_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("2 Quay"), second->getObject("origin")->getValue<std::string>("address"));
        products = second->getArray("products");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), products->size()); // both mug lines, in line order
        CPPUNIT_ASSERT_EQUAL(_mug, products->getObject(0)->getValue<std::int64_t>("sku"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), products->getObject(0)->getValue<std::int64_t>("qty"));
        CPPUNIT_ASSERT_EQUAL(_mug, products->getObject(1)->getValue<std::int64_t>("sku"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), products->getObject(1)->getValue<std::int64_t>("qty"));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_admin, o.id, S::Dispatched); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(_mug)); // dispatching gives nothing back
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        // A single-store order: one message, as before.
        Order single = dispatched();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(stored(single.id).shipments.at(0).id, message(2)->getValue<std::int64_t>("shipment_id"));
        CPPUNIT_ASSERT_EQUAL(single.id, message(2)->getValue<std::int64_t>("foreign_order_id"));
    }

    void deletedStoresStopConfirmAndDispatch()
    {
        Order o = buy({{_lamp, 1}, {_mug, 1}}), p = buy({{_mug, 1}, {_lamp, 1}}), solo = buy({{_mug, 1}});
        _domain->changeStatus(_admin, p.id, S::Confirmed);
        _catalog->deleteStore(_t);
        // A single-store order of a deleted store cannot move on.
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict status:store_deleted"), refusal([&] { _domain->changeStatus(_seller8, solo.id, S::Confirmed); }));
        CPPUNIT_ASSERT(status(solo.id) == S::Created);
        // The seller of the live store still moves their own shipment; the deleted store's cannot move.
        Order seen = _domain->changeStatus(_seller7, o.id, S::Confirmed);
        CPPUNIT_ASSERT(seen.shipments.at(0).status == S::Confirmed);
        CPPUNIT_ASSERT(status(o.id) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict status:store_deleted"), refusal([&] { _domain->changeStatus(_admin, o.id, S::Confirmed); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict status:store_deleted"), refusal([&] { _domain->changeStatus(_admin, p.id, S::Dispatched); }));
        CPPUNIT_ASSERT(status(p.id) == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(p.id, _s) == S::Confirmed); // all or nothing: S's shipment did not go either
        CPPUNIT_ASSERT(_store->outbox().empty());
        // Deleted between the dispatch's read and its write; the first deleted store in shipment order is named.
        Order q = buy({{_lamp, 1}, {_vase, 1}});
        _domain->changeStatus(_admin, q.id, S::Confirmed);
        _store->beforeNextWrite([&] {
            _catalog->deleteStore(_u);
            _catalog->deleteStore(_s);
        });
        try {
            _domain->changeStatus(_admin, q.id, S::Dispatched);
            CPPUNIT_FAIL("dispatched with deleted stores");
        } catch (const Refusal& r) {
            CPPUNIT_ASSERT(r.kind() == Refusal::Kind::Conflict);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), r.problems().size());
            CPPUNIT_ASSERT_EQUAL(std::string("status:store_deleted"), r.problems()[0].field + ":" + r.problems()[0].code);
            CPPUNIT_ASSERT_EQUAL("product " + std::to_string(_lamp) + " is of deleted store " + std::to_string(_s), r.problems()[0].message);
        }
        CPPUNIT_ASSERT(status(q.id) == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(q.id, _s) == S::Confirmed && shipmentStatus(q.id, _u) == S::Confirmed);
        CPPUNIT_ASSERT(_store->outbox().empty());
        // They can still be cancelled, and their stock comes back.
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, p.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, q.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT(_domain->changeStatus(_ada, solo.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp)); // o still holds one
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_vase));
    }

    void dispatchNeedsTheOriginsWarehouse()
    {
        Order o = buy({{_lamp, 2}});
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        setWarehouse(_s, "");
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict status:no_warehouse"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Dispatched); }));
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT(_store->outbox().empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        setWarehouse(_s, "5 New Dock");
        CPPUNIT_ASSERT(_domain->changeStatus(_seller7, o.id, S::Dispatched).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::string("5 New Dock"), message(0)->getObject("origin")->getValue<std::string>("address"));
        // Each shipment ships from its own store: a store without a warehouse stops every dispatch
        // that moves its shipment (nothing of it is written), not the other store's.
        Order both = buy({{_mug, 1}, {_lamp, 1}});
        _domain->changeStatus(_admin, both.id, S::Confirmed);
        setWarehouse(_s, "");
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict status:no_warehouse"), refusal([&] { _domain->changeStatus(_admin, both.id, S::Dispatched); }));
        CPPUNIT_ASSERT(shipmentStatus(both.id, _t) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->outbox().size());
        const std::int64_t ofS = shipmentOf(both.id, _s).id, ofT = shipmentOf(both.id, _t).id;
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict status:no_warehouse"),
                             refusal([&] { _domain->changeShipmentStatus(_admin, both.id, ofS, S::Dispatched); }));
        CPPUNIT_ASSERT(_domain->changeStatus(_seller8, both.id, S::Dispatched).shipments.at(0).status == S::Dispatched);
        CPPUNIT_ASSERT(status(both.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(std::to_string(both.id), _store->outbox().at(1).key);
        CPPUNIT_ASSERT_EQUAL(ofT, message(1)->getValue<std::int64_t>("shipment_id"));
        CPPUNIT_ASSERT_EQUAL(std::string("2 Quay"), message(1)->getObject("origin")->getValue<std::string>("address"));
    }

    void aConcurrentMoveIsJudgedAgain()
    {
        // Confirmed by the seller between the buyer's read and write: a CONFIRMED order is not the buyer's to cancel.
        Order o = buy({{_lamp, 1}});
        _store->beforeNextWrite([&] { _domain->changeStatus(_seller7, o.id, S::Confirmed); });
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_ada, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        // Cancelled by the buyer between the seller's read and write.
        Order p = buy({{_mug, 1}});
        _store->beforeNextWrite([&] { _domain->changeStatus(_ada, p.id, S::Cancelled); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller8, p.id, S::Confirmed); }));
        CPPUNIT_ASSERT(status(p.id) == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        // Cancelled by an admin between a dispatch's read and write: no message.
        _store->beforeNextWrite([&] { _domain->changeStatus(_admin, o.id, S::Cancelled); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Dispatched); }));
        CPPUNIT_ASSERT(status(o.id) == S::Cancelled);
        CPPUNIT_ASSERT(_store->outbox().empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        // A move that is still allowed after the concurrent one is made.
        Order q = buy({{_lamp, 1}});
        _store->beforeNextWrite([&] { _store->setStatus(q.id, S::Confirmed); });
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, q.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
    }

    void concurrentMovesAreWrittenOnce()
    {
        Order o = buy({{_lamp, 2}});
        _store->beforeNextWrite([&] { _domain->changeStatus(_admin, o.id, S::Cancelled); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_ada, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp)); // given back once
        Order p = buy({{_mug, 1}});
        _domain->changeStatus(_admin, p.id, S::Confirmed);
        _store->beforeNextWrite([&] { _domain->changeStatus(_admin, p.id, S::Dispatched); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller8, p.id, S::Dispatched); }));
        CPPUNIT_ASSERT(status(p.id) == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->outbox().size()); // announced once
    }

    void endlessConcurrentMovesGiveUp()
    {
        Order o = buy({{_lamp, 1}});
        // Every round, someone moves the order between the read and the write.
        _store->beforeNextWrite([&] { _store->setStatus(o.id, status(o.id) == S::Created ? S::Confirmed : S::Created); }, 3);
        try {
            _domain->changeStatus(_admin, o.id, S::Cancelled);
            CPPUNIT_FAIL("moved under endless concurrent changes");
        } catch (const Refusal& r) {
            CPPUNIT_ASSERT(r.kind() == Refusal::Kind::Conflict);
            CPPUNIT_ASSERT(std::string(r.what()).find("concurrently") != std::string::npos);
        }
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
    }

    // ---------------------------------------------------------------- shipments

    void twoStoresMakeTwoShipments()
    {
        Order o = buy({{_mug, 1}, {_lamp, 2}, {_mug, 1}});
        // One per store, in the order the stores first appear; each CREATED, without a delivery.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), o.shipments.size());
        CPPUNIT_ASSERT_EQUAL(_t, o.shipments[0].storeId);
        CPPUNIT_ASSERT_EQUAL(_s, o.shipments[1].storeId);
        CPPUNIT_ASSERT(o.shipments[0].id != o.shipments[1].id);
        for (const Shipment& s : o.shipments) {
            CPPUNIT_ASSERT_EQUAL(o.id, s.orderId);
            CPPUNIT_ASSERT(s.status == S::Created);
            CPPUNIT_ASSERT(!s.delivery);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(0), s.deliverySequence);
        }
        CPPUNIT_ASSERT(o.status == S::Created);
        CPPUNIT_ASSERT(!o.delivery);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), linesOf(o, o.shipments[0]).size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), linesOf(o, o.shipments[1]).size());
        // As stored.
        const Order kept = stored(o.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), kept.shipments.size());
        CPPUNIT_ASSERT_EQUAL(o.shipments[0].id, kept.shipments[0].id);
        CPPUNIT_ASSERT_EQUAL(o.shipments[1].id, kept.shipments[1].id);
        CPPUNIT_ASSERT_EQUAL(o.version, kept.version);
        // Three stores, three shipments.
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), buy({{_vase, 1}, {_lamp, 1}, {_mug, 1}}).shipments.size());
    }

    void eachSellerMovesOnlyTheirShipment()
    {
        Order o = twoStores();
        const std::int64_t ofS = o.shipments[0].id;
        // Seller 7 confirms: only S's shipment; the order is as far as its least advanced shipment.
        Order seen = _domain->changeStatus(_seller7, o.id, S::Confirmed);
        CPPUNIT_ASSERT(seen.status == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.shipments.size());
        CPPUNIT_ASSERT_EQUAL(ofS, seen.shipments[0].id);
        CPPUNIT_ASSERT(seen.shipments[0].status == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT(status(o.id) == S::Created);
        // Their shipment is CONFIRMED: confirming again is a conflict, as for a single-store order.
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller7, o.id, S::Confirmed); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        // Seller 7 dispatches theirs while T's is CREATED: the order stays CREATED.
        CPPUNIT_ASSERT(_domain->changeStatus(_seller7, o.id, S::Dispatched).shipments.at(0).status == S::Dispatched);
        CPPUNIT_ASSERT(status(o.id) == S::Created);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->outbox().size());
        // Seller 8 catches up.
        CPPUNIT_ASSERT(_domain->changeStatus(_seller8, o.id, S::Confirmed).status == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Dispatched);
        CPPUNIT_ASSERT(_domain->changeStatus(_seller8, o.id, S::Dispatched).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->outbox().size());
        // The delivery service delivers every dispatched shipment at once.
        CPPUNIT_ASSERT(_domain->changeStatus(_delivery, o.id, S::Delivered).status == S::Delivered);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Delivered && shipmentStatus(o.id, _t) == S::Delivered);
    }

    void aSellerCannotMoveAnotherSellersShipment()
    {
        Order o = twoStores(), other = buy({{_lamp, 1}});
        const std::int64_t ofS = o.shipments[0].id, ofT = o.shipments[1].id;
        // Forbidden whatever the target, even where the transition does not exist from CREATED.
        for (S target : {S::Confirmed, S::Dispatched, S::Cancelled, S::Delivered})
            CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeShipmentStatus(_seller7, o.id, ofT, target); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT_EQUAL(o.version, stored(o.id).version);
        // No such shipment of this order.
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->changeShipmentStatus(_seller7, o.id, ofT + 1000, S::Confirmed); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"),
                             refusal([&] { _domain->changeShipmentStatus(_admin, o.id, other.shipments.at(0).id, S::Confirmed); }));
        CPPUNIT_ASSERT(status(other.id) == S::Created);
        // Their own: moved by the status machine.
        Order seen = _domain->changeShipmentStatus(_seller7, o.id, ofS, S::Confirmed);
        CPPUNIT_ASSERT(seen.status == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), seen.shipments.size());
        CPPUNIT_ASSERT(seen.shipments[0].status == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeShipmentStatus(_seller8, o.id, ofS, S::Dispatched); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Confirmed);
        CPPUNIT_ASSERT(_store->outbox().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeShipmentStatus(_seller8, o.id, ofT, S::Dispatched); }));
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeShipmentStatus(_seller8, o.id, ofT, S::Cancelled); }));
        // An admin moves any shipment.
        CPPUNIT_ASSERT(_domain->changeShipmentStatus(_admin, o.id, ofT, S::Confirmed).status == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Confirmed);
    }

    void theBuyerCancelsOnlyAWholeCreatedOrder()
    {
        Order o = twoStores();
        const std::int64_t ofT = o.shipments[1].id;
        // A buyer never cancels one shipment, not even a CREATED one.
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeShipmentStatus(_ada, o.id, ofT, S::Cancelled); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        // Nor the order once one shipment is CONFIRMED (the buyer may not cancel that) ...
        _domain->changeStatus(_seller7, o.id, S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::string("Forbidden"), refusal([&] { _domain->changeStatus(_ada, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Confirmed && shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        // ... or DISPATCHED (no one may cancel that).
        _domain->changeStatus(_seller7, o.id, S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_ada, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        // Every shipment CREATED: the whole order is cancelled and every line's stock comes back.
        Order p = buy({{_lamp, 2}, {_mug, 1}});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_lamp));
        Order cancelled = _domain->changeStatus(_ada, p.id, S::Cancelled);
        CPPUNIT_ASSERT(cancelled.status == S::Cancelled);
        CPPUNIT_ASSERT(cancelled.shipments.at(0).status == S::Cancelled && cancelled.shipments.at(1).status == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
    }

    void anAdminCancelsOneShipmentOrTheWholeOrder()
    {
        Order o = buy({{_lamp, 2}, {_mug, 1}, {_lamp, 1}});
        const std::int64_t ofS = o.shipments.at(0).id;
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        // One CONFIRMED shipment: only its lines' stock comes back; the order is as far as the other.
        Order after = _domain->changeShipmentStatus(_admin, o.id, ofS, S::Cancelled);
        CPPUNIT_ASSERT(after.status == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Cancelled);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeShipmentStatus(_admin, o.id, ofS, S::Cancelled); }));
        // The whole order: the live shipment goes; the cancelled one's stock is not given twice.
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Cancelled).status == S::Cancelled);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_admin, o.id, S::Cancelled); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT(_store->outbox().empty());
    }

    void cancellingTheWholeOrderIsAllOrNothing()
    {
        Order o = twoStores();
        const std::int64_t ofT = o.shipments[1].id;
        _domain->changeStatus(_admin, o.id, S::Confirmed);
        _domain->changeStatus(_seller7, o.id, S::Dispatched);
        const std::int64_t version = stored(o.id).version;
        // S's shipment is DISPATCHED: the order cannot be cancelled as a whole, T's is not cancelled either.
        try {
            _domain->changeStatus(_admin, o.id, S::Cancelled);
            CPPUNIT_FAIL("an order with a dispatched shipment was cancelled");
        } catch (const Refusal& r) {
            CPPUNIT_ASSERT(r.kind() == Refusal::Kind::Conflict);
            CPPUNIT_ASSERT_EQUAL(std::string("An order in DISPATCHED cannot move to CANCELLED"), std::string(r.what()));
        }
        CPPUNIT_ASSERT(shipmentStatus(o.id, _t) == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Dispatched);
        CPPUNIT_ASSERT(status(o.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(version, stored(o.id).version);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        // The live one alone can be.
        CPPUNIT_ASSERT(_domain->changeShipmentStatus(_admin, o.id, ofT, S::Cancelled).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
    }

    void removingAStoresLastLineRemovesItsShipment()
    {
        Order o = buy({{_lamp, 1}, {_mug, 1}, {_lamp, 2}});
        const std::int64_t firstLamp = o.lines.at(0).id, mug = o.lines.at(1).id, secondLamp = o.lines.at(2).id;
        _domain->removeLine(_ada, o.id, firstLamp);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), stored(o.id).shipments.size()); // S still has a line
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_lamp));
        _domain->removeLine(_ada, o.id, mug);
        Order after = stored(o.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), after.shipments.size());
        CPPUNIT_ASSERT_EQUAL(_s, after.shipments[0].storeId);
        CPPUNIT_ASSERT(after.status == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->order(_seller8, o.id); })); // nothing of T's left
        _domain->removeLine(_ada, o.id, secondLamp);
        after = stored(o.id);
        CPPUNIT_ASSERT(after.shipments.empty());
        CPPUNIT_ASSERT(after.lines.empty());
        CPPUNIT_ASSERT(after.status == S::Created); // an order without lines keeps its own status
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_admin, o.id, S::Confirmed); }));
        // The order's status is derived again: without the CREATED shipment, the CONFIRMED one is the order's.
        Order p = twoStores();
        _domain->changeStatus(_seller7, p.id, S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->removeLine(_ada, p.id, p.lines.at(0).id); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        _domain->removeLine(_ada, p.id, p.lines.at(1).id);
        CPPUNIT_ASSERT(status(p.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stored(p.id).shipments.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
    }

    void aLineOfANewStoreStartsAShipment()
    {
        Order o = buy({{_lamp, 1}});
        _domain->addLine(_ada, o.id, {_mug, 1});
        Order after = stored(o.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), after.shipments.size());
        CPPUNIT_ASSERT_EQUAL(_t, after.shipments[1].storeId);
        CPPUNIT_ASSERT_EQUAL(o.id, after.shipments[1].orderId);
        CPPUNIT_ASSERT(after.shipments[1].status == S::Created);
        CPPUNIT_ASSERT_EQUAL(o.shipments.at(0).id, after.shipments[0].id);
        CPPUNIT_ASSERT_EQUAL(o.version + 1, after.version);
        // A store that has a shipment: the line joins it.
        _domain->addLine(_ada, o.id, {_lamp, 2});
        after = stored(o.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), after.shipments.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), linesOf(after, after.shipments[0]).size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_lamp));
        // An empty order gets its first shipment.
        Order empty = buy({});
        CPPUNIT_ASSERT(empty.shipments.empty());
        _domain->addLine(_ada, empty.id, {_vase, 1});
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stored(empty.id).shipments.size());
        CPPUNIT_ASSERT_EQUAL(_u, stored(empty.id).shipments[0].storeId);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _domain->order(_seller9, empty.id).shipments.size()); // its seller sees it now
    }

    void linesJoinOnlyACreatedShipment()
    {
        Order o = twoStores();
        _domain->changeStatus(_seller7, o.id, S::Confirmed); // the order is still CREATED
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->addLine(_ada, o.id, {_lamp, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        // T's shipment is CREATED, and a new store starts its own.
        CPPUNIT_ASSERT_EQUAL(_t, _domain->addLine(_ada, o.id, {_mug, 1}).storeId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(_mug));
        _domain->addLine(_ada, o.id, {_vase, 1});
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), stored(o.id).shipments.size());
        CPPUNIT_ASSERT(status(o.id) == S::Created);
        // A cancelled shipment has moved on too.
        _domain->changeShipmentStatus(_admin, o.id, shipmentOf(o.id, _t).id, S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->addLine(_ada, o.id, {_mug, 1}); }));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), stock(_mug));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), lineCount(o.id));
    }

    void anOutdatedDecisionIsTakenAgain()
    {
        // A change that moves nothing between the read and the write: decided again, written once.
        Order o = twoStores();
        _store->beforeNextWrite([&] { _store->bumpVersion(o.id); });
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Confirmed).status == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(o.version + 2, stored(o.id).version);
        _store->beforeNextWrite([&] { _store->bumpVersion(o.id); });
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, o.id, S::Dispatched).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->outbox().size()); // each shipment announced once
        // A shipment cancelled meanwhile: its seller's dispatch is judged on the new read.
        Order p = twoStores();
        const std::int64_t pS = p.shipments[0].id;
        _domain->changeStatus(_admin, p.id, S::Confirmed);
        _store->beforeNextWrite([&] { _domain->changeShipmentStatus(_admin, p.id, pS, S::Cancelled); });
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"), refusal([&] { _domain->changeStatus(_seller7, p.id, S::Dispatched); }));
        CPPUNIT_ASSERT(shipmentStatus(p.id, _s) == S::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp)); // o's lamp; p's came back once
        // The admin's dispatch of the whole order, while S's shipment is cancelled meanwhile: T's only.
        Order q = twoStores();
        _domain->changeStatus(_admin, q.id, S::Confirmed);
        _store->beforeNextWrite([&] { _store->setShipmentStatus(q.id, q.shipments[0].id, S::Cancelled); });
        CPPUNIT_ASSERT(_domain->changeStatus(_admin, q.id, S::Dispatched).status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), _store->outbox().size());
        CPPUNIT_ASSERT_EQUAL(q.shipments[1].id, message(2)->getValue<std::int64_t>("shipment_id"));
        // Lines are added and removed once.
        Order r = buy({{_vase, 1}});
        _store->beforeNextWrite([&] { _store->bumpVersion(r.id); });
        const OrderLine added = _domain->addLine(_ada, r.id, {_vase, 1});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lineCount(r.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), stock(_vase));
        _store->beforeNextWrite([&] { _store->bumpVersion(r.id); });
        _domain->removeLine(_ada, r.id, added.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), lineCount(r.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(_vase));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stored(r.id).shipments.size());
    }

    void anOrderEmptiedMeanwhileIsNotConfirmed()
    {
        // The confirm was decided on an order with a line; the buyer removes it before the write:
        // the write is outdated, and the order judged again is empty.
        Order o = buy({{_lamp, 1}});
        _store->beforeNextWrite([&] { _domain->removeLine(_ada, o.id, o.lines.at(0).id); });
        try {
            _domain->changeStatus(_admin, o.id, S::Confirmed);
            CPPUNIT_FAIL("an order emptied meanwhile was confirmed");
        } catch (const Refusal& r) {
            CPPUNIT_ASSERT(r.kind() == Refusal::Kind::Conflict);
            CPPUNIT_ASSERT_EQUAL(std::string("An empty order cannot be confirmed"), std::string(r.what()));
        }
        const Order after = stored(o.id);
        CPPUNIT_ASSERT(after.status == S::Created);
        CPPUNIT_ASSERT(after.lines.empty());
        CPPUNIT_ASSERT(after.shipments.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        // A seller's confirm, while the last line of their store goes: they no longer see the order.
        Order p = twoStores();
        _store->beforeNextWrite([&] { _domain->removeLine(_ada, p.id, p.lines.at(0).id); });
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->changeStatus(_seller7, p.id, S::Confirmed); }));
        CPPUNIT_ASSERT(status(p.id) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stored(p.id).shipments.size());
        CPPUNIT_ASSERT(shipmentStatus(p.id, _t) == S::Created);
    }

    void theStoreWritesOnlyAtTheVersionRead()
    {
        // The in-memory store itself, as SqlOrderStoreTest checks the SQL one.
        using Kind = OrderStore::Applied::Kind;
        Order o = twoStores();
        const Order read = stored(o.id);
        OrderChange change;
        change.orderId = o.id;
        change.expectedVersion = read.version;
        change.status = S::Confirmed;
        for (const auto& s : read.shipments) {
            change.moves.push_back({s.id, S::Created, S::Confirmed});
            change.liveStores.push_back(s.storeId);
        }
        change.messages.push_back({"topic", "key", "payload"});
        _catalog->deleteStore(_t);
        const auto refused = _store->apply(change);
        CPPUNIT_ASSERT(refused.kind == Kind::StoreDeleted);
        CPPUNIT_ASSERT(!refused);
        CPPUNIT_ASSERT_EQUAL(_t, refused.storeId);
        CPPUNIT_ASSERT_EQUAL(read.version, stored(o.id).version);
        CPPUNIT_ASSERT(shipmentStatus(o.id, _s) == S::Created && status(o.id) == S::Created);
        CPPUNIT_ASSERT(_store->outbox().empty());
        change.liveStores = {_s};
        CPPUNIT_ASSERT(_store->apply(change).kind == Kind::Done);
        CPPUNIT_ASSERT(_store->apply(change).kind == Kind::Outdated);
        const Order moved = stored(o.id);
        CPPUNIT_ASSERT_EQUAL(read.version + 1, moved.version);
        CPPUNIT_ASSERT(moved.status == S::Confirmed);
        CPPUNIT_ASSERT(moved.shipments[0].status == S::Confirmed && moved.shipments[1].status == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->outbox().size());
        // A line at an old version: nothing written, no stock taken.
        OrderLine line = o.lines.at(0);
        CPPUNIT_ASSERT(std::holds_alternative<OrderStore::Outdated>(_store->addLine(o.id, read.version, line, false, {})));
        CPPUNIT_ASSERT(std::holds_alternative<StockShortfall>(_store->addLine(o.id, moved.version, {0, 0, _lamp, _s, "Lamp", 99, ""}, false, {})));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), lineCount(o.id));
        CPPUNIT_ASSERT_EQUAL(moved.version, stored(o.id).version);
        // A receipt with an outdated change writes nothing, not even itself; a duplicate nothing either.
        OrderChange late = change;
        late.moves.clear();
        late.messages.clear();
        late.liveStores.clear();
        CPPUNIT_ASSERT(_store->recordDeliveryEvent({"evt_1", kType, o.id, std::nullopt, "applied"}, late) == OrderStore::ReceiptResult::Outdated);
        CPPUNIT_ASSERT(_store->receipts().empty());
        late.expectedVersion = moved.version;
        late.status = S::Cancelled;
        CPPUNIT_ASSERT(_store->recordDeliveryEvent({"evt_1", kType, o.id, std::nullopt, "applied"}, late) == OrderStore::ReceiptResult::Recorded);
        CPPUNIT_ASSERT(status(o.id) == S::Cancelled);
        CPPUNIT_ASSERT(_store->recordDeliveryEvent({"evt_1", kType, o.id, std::nullopt, "x"}, std::nullopt) == OrderStore::ReceiptResult::Duplicate);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->receipts().size());
        CPPUNIT_ASSERT_EQUAL(moved.version + 1, stored(o.id).version);
    }

    // ---------------------------------------------------------------- delivery webhooks

    void deliveryEventsApplyInSequence()
    {
        Order o = dispatched();
        const std::int64_t sid = o.shipments.at(0).id;
        CPPUNIT_ASSERT(!delivery(o.id));
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, sid, {"TN1", "READY_FOR_PICK_UP"}, 1) == WebhookOutcome::Applied);
        Order after = _domain->order(_admin, o.id);
        CPPUNIT_ASSERT(after.status == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::string("TN1"), after.delivery->trackingNumber); // the only shipment's delivery is the order's
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), after.delivery->status);
        CPPUNIT_ASSERT_EQUAL(std::string("TN1"), after.shipments.at(0).delivery->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), lastSequence(o.id));
        const DeliveryReceipt receipt = _store->receipts().at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("evt_1"), receipt.webhookId);
        CPPUNIT_ASSERT_EQUAL(kType, receipt.eventType);
        CPPUNIT_ASSERT(receipt.orderId == o.id);
        CPPUNIT_ASSERT(receipt.shipmentId == sid);
        CPPUNIT_ASSERT_EQUAL(std::string("applied"), receipt.outcome);
        // Not newer than the last applied: recorded as stale, nothing changes.
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", kType, o.id, sid, {"TN1", "IN_ORIGIN"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT_EQUAL(std::string("stale"), lastReceipt());
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), delivery(o.id)->status);
        // Delivered moves the order (an event naming no shipment: the order's only one, by its tracking number).
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_3", kType, o.id, std::nullopt, {"TN1", "DELIVERED"}, 3) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(status(o.id) == S::Delivered);
        CPPUNIT_ASSERT(stored(o.id).shipments.at(0).status == S::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), lastSequence(o.id));
        CPPUNIT_ASSERT(_store->receipts().back().shipmentId == sid);
        // A later event with a lower sequence changes nothing.
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_4", kType, o.id, sid, {"TN1", "IN_ROUTE_OF_DELIVERY"}, 2) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT_EQUAL(std::string("stale"), lastReceipt());
        after = _domain->order(_admin, o.id);
        CPPUNIT_ASSERT(after.status == S::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("DELIVERED"), after.delivery->status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), lastSequence(o.id));
        // A newer one is recorded on a delivered order, which stays delivered.
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_5", kType, o.id, sid, {"TN1", "RETURNED"}, 4) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT_EQUAL(std::string("RETURNED"), delivery(o.id)->status);
        CPPUNIT_ASSERT(status(o.id) == S::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), _store->receipts().size());
    }

    void deliveryEventsAreRecordedOnce()
    {
        Order o = dispatched();
        const std::int64_t sid = o.shipments.at(0).id;
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, sid, {"TN1", "IN_ORIGIN"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, sid, {"TN1", "DELIVERED"}, 2) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(status(o.id) == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), lastSequence(o.id));
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), delivery(o.id)->status);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->receipts().size());
        // Unknown orders are recorded once too.
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_9", kType, 9999, std::nullopt, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown_order"), lastReceipt());
        CPPUNIT_ASSERT(_store->receipts().back().orderId == std::int64_t(9999));
        CPPUNIT_ASSERT(!_store->receipts().back().shipmentId);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_9", kType, 9999, std::nullopt, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::Duplicate);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_10", kType, std::nullopt, sid, {"TN9", "IN_ORIGIN"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), _store->receipts().size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), lastSequence(o.id)); // a shipment id without its order finds nothing
    }

    void otherEventsAndOrdersAreIgnored()
    {
        Order o = dispatched();
        const std::int64_t sid = o.shipments.at(0).id;
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", "delivery.created", o.id, sid, {"TN1", "DELIVERED"}, 5) == WebhookOutcome::Ignored);
        CPPUNIT_ASSERT_EQUAL(std::string("ignored"), lastReceipt());
        CPPUNIT_ASSERT(status(o.id) == S::Dispatched);
        CPPUNIT_ASSERT(!delivery(o.id));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), lastSequence(o.id));
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", "delivery.created", 9999, std::nullopt, {"TN1", "DELIVERED"}, 5) == WebhookOutcome::Ignored);
        CPPUNIT_ASSERT_EQUAL(std::string("ignored"), lastReceipt());
        // Shipments never dispatched have no delivery: the event is recorded, never applied.
        Order created = buy({{_lamp, 1}}), confirmed = buy({{_lamp, 1}}), cancelled = buy({{_lamp, 1}});
        _domain->changeStatus(_admin, confirmed.id, S::Confirmed);
        _domain->changeStatus(_admin, cancelled.id, S::Cancelled);
        int n = 10;
        for (const Order& x : {created, confirmed, cancelled}) {
            const S before = status(x.id);
            CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_" + std::to_string(++n), kType, x.id, x.shipments.at(0).id, {"TN1", "DELIVERED"}, 1)
                           == WebhookOutcome::Ignored);
            CPPUNIT_ASSERT_EQUAL(std::string("not_dispatched"), lastReceipt());
            CPPUNIT_ASSERT(_store->receipts().back().shipmentId == x.shipments.at(0).id);
            CPPUNIT_ASSERT(status(x.id) == before);
            CPPUNIT_ASSERT(!delivery(x.id));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(0), lastSequence(x.id));
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), _store->receipts().size());
        // In a two-store order, the shipment not yet dispatched.
        Order two = twoStores();
        _domain->changeStatus(_admin, two.id, S::Confirmed);
        _domain->changeStatus(_seller7, two.id, S::Dispatched);
        const std::int64_t ofT = two.shipments.at(1).id;
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_20", kType, two.id, ofT, {"TN1", "DELIVERED"}, 1) == WebhookOutcome::Ignored);
        CPPUNIT_ASSERT_EQUAL(std::string("not_dispatched"), lastReceipt());
        CPPUNIT_ASSERT(shipmentStatus(two.id, _t) == S::Confirmed);
        CPPUNIT_ASSERT(!shipmentOf(two.id, _t).delivery);
    }

    void anOutdatedUpdateIsJudgedAgain()
    {
        // A newer event of the same shipment is applied between this one's read and write: this one is stale.
        Order o = dispatched();
        const std::int64_t sid = o.shipments.at(0).id;
        _store->beforeNextWrite([&] { _domain->receiveDeliveryEvent("evt_other", kType, o.id, sid, {"TN1", "IN_ORIGIN"}, 5); });
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, sid, {"TN1", "DELIVERED"}, 2) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(status(o.id) == S::Dispatched);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), delivery(o.id)->status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), lastSequence(o.id));
        auto receipts = _store->receipts();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), receipts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("evt_1"), receipts[1].webhookId);
        CPPUNIT_ASSERT_EQUAL(std::string("stale"), receipts[1].outcome);
        // The order moved meanwhile (same sequence): judged again on its new status.
        _store->beforeNextWrite([&] { _domain->changeStatus(_delivery, o.id, S::Delivered); });
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", kType, o.id, sid, {"TN1", "IN_ROUTE_OF_DELIVERY"}, 6) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(status(o.id) == S::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ROUTE_OF_DELIVERY"), delivery(o.id)->status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), lastSequence(o.id));
        CPPUNIT_ASSERT_EQUAL(std::string("applied"), lastReceipt());
        // The other shipment of the order moved meanwhile: the order's version changed, judged again.
        Order two = twoStoresDispatched();
        const std::int64_t ofS = two.shipments.at(0).id, ofT = two.shipments.at(1).id;
        _store->beforeNextWrite([&] { _domain->receiveDeliveryEvent("evt_t", kType, two.id, ofT, {"TN-T", "DELIVERED"}, 1); });
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_s", kType, two.id, ofS, {"TN-S", "DELIVERED"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(status(two.id) == S::Delivered); // the second write saw the first
        CPPUNIT_ASSERT(shipmentStatus(two.id, _s) == S::Delivered && shipmentStatus(two.id, _t) == S::Delivered);
        // Outdated every round: given up, nothing recorded.
        Order p = dispatched();
        _store->beforeNextWrite([&] { _store->setStatus(p.id, status(p.id) == S::Dispatched ? S::Delivered : S::Dispatched); }, 3);
        const std::size_t before = _store->receipts().size();
        CPPUNIT_ASSERT_EQUAL(std::string("Conflict"),
                             refusal([&] { _domain->receiveDeliveryEvent("evt_3", kType, p.id, std::nullopt, {"TN2", "IN_ORIGIN"}, 1); }));
        CPPUNIT_ASSERT_EQUAL(before, _store->receipts().size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), lastSequence(p.id));
        CPPUNIT_ASSERT(!delivery(p.id));
    }

    void eachShipmentIsDeliveredOnItsOwn()
    {
        Order o = twoStoresDispatched();
        const std::int64_t ofS = o.shipments.at(0).id, ofT = o.shipments.at(1).id;
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, ofS, {"TN-S", "DELIVERED"}, 1) == WebhookOutcome::Applied);
        Order after = stored(o.id);
        CPPUNIT_ASSERT(shipmentOf(o.id, _s).status == S::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::string("TN-S"), shipmentOf(o.id, _s).delivery->trackingNumber);
        CPPUNIT_ASSERT(shipmentOf(o.id, _t).status == S::Dispatched);
        CPPUNIT_ASSERT(!shipmentOf(o.id, _t).delivery);
        CPPUNIT_ASSERT(after.status == S::Dispatched); // one shipment still on its way
        CPPUNIT_ASSERT(!delivery(o.id));                // several shipments: the order has no single delivery
        CPPUNIT_ASSERT(_store->receipts().back().shipmentId == ofS);
        // Sequences are per shipment: T's first event is not stale after S's.
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", kType, o.id, ofT, {"TN-T", "IN_ORIGIN"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT_EQUAL(std::string("applied"), lastReceipt());
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), shipmentOf(o.id, _t).delivery->status);
        CPPUNIT_ASSERT(status(o.id) == S::Dispatched);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_3", kType, o.id, ofT, {"TN-T", "DELIVERED"}, 2) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(status(o.id) == S::Delivered);
        CPPUNIT_ASSERT(shipmentOf(o.id, _t).status == S::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), shipmentOf(o.id, _t).deliverySequence);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), shipmentOf(o.id, _s).deliverySequence);
        // A cancelled shipment does not hold the order back.
        Order p = twoStores();
        _domain->changeStatus(_admin, p.id, S::Confirmed);
        _domain->changeShipmentStatus(_admin, p.id, p.shipments.at(1).id, S::Cancelled);
        _domain->changeStatus(_admin, p.id, S::Dispatched);
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_4", kType, p.id, p.shipments.at(0).id, {"TN-P", "DELIVERED"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(status(p.id) == S::Delivered);
    }

    void eventsWithoutShipmentFindItByTrackingNumber()
    {
        Order o = twoStoresDispatched();
        const std::int64_t ofS = o.shipments.at(0).id, ofT = o.shipments.at(1).id;
        CPPUNIT_ASSERT(_domain->recordDelivery(o.id, ofT, {"TN-T", "READY_FOR_PICK_UP"}));
        // No shipment id: the shipment with that tracking number ...
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, std::nullopt, {"TN-T", "IN_ORIGIN"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_store->receipts().back().shipmentId == ofT);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), shipmentOf(o.id, _t).delivery->status);
        CPPUNIT_ASSERT(!shipmentOf(o.id, _s).delivery);
        // ... else the order's first (deliveries requested before shipments existed name none).
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", kType, o.id, std::nullopt, {"TN-OLD", "IN_ORIGIN"}, 1) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(_store->receipts().back().shipmentId == ofS);
        CPPUNIT_ASSERT_EQUAL(std::string("TN-OLD"), shipmentOf(o.id, _s).delivery->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), shipmentOf(o.id, _t).delivery->status);
        CPPUNIT_ASSERT_EQUAL(std::string("TN-T"), shipmentOf(o.id, _t).delivery->trackingNumber);
        // T's tracking number again: T, though S is first.
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_3", kType, o.id, std::nullopt, {"TN-T", "DELIVERED"}, 2) == WebhookOutcome::Applied);
        CPPUNIT_ASSERT(shipmentOf(o.id, _t).status == S::Delivered);
        CPPUNIT_ASSERT(shipmentOf(o.id, _s).status == S::Dispatched);
    }

    void eventsForAShipmentOfAnotherOrderAreUnknown()
    {
        Order o = dispatched(), p = dispatched();
        const std::int64_t ofP = p.shipments.at(0).id;
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_1", kType, o.id, ofP, {"TN1", "DELIVERED"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown_order"), lastReceipt());
        CPPUNIT_ASSERT(_store->receipts().back().orderId == o.id);
        CPPUNIT_ASSERT(_store->receipts().back().shipmentId == ofP);
        CPPUNIT_ASSERT(status(o.id) == S::Dispatched && status(p.id) == S::Dispatched);
        CPPUNIT_ASSERT(!delivery(o.id) && !delivery(p.id));
        CPPUNIT_ASSERT(_domain->receiveDeliveryEvent("evt_2", kType, o.id, ofP + 1000, {"TN1", "DELIVERED"}, 1) == WebhookOutcome::UnknownOrder);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->receipts().size());
        CPPUNIT_ASSERT(status(o.id) == S::Dispatched);
        // The relay's answer for such a shipment is refused too.
        CPPUNIT_ASSERT(!_domain->recordDelivery(o.id, ofP, {"TN1", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT(!delivery(o.id) && !delivery(p.id));
    }

    void theRelaysDeliveryKeepsWhatIsKnown()
    {
        Order o = dispatched();
        const std::int64_t sid = o.shipments.at(0).id;
        CPPUNIT_ASSERT(_domain->recordDelivery(o.id, sid, {"TN1", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT_EQUAL(std::string("TN1"), delivery(o.id)->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::string("READY_FOR_PICK_UP"), delivery(o.id)->status);
        // A status a webhook brought is kept, and so is the known tracking number.
        _domain->receiveDeliveryEvent("evt_1", kType, o.id, sid, {"TN1", "IN_ORIGIN"}, 1);
        CPPUNIT_ASSERT(_domain->recordDelivery(o.id, std::nullopt, {"TN2", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT_EQUAL(std::string("TN1"), delivery(o.id)->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::string("IN_ORIGIN"), delivery(o.id)->status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), lastSequence(o.id));
        // No such order, no such shipment of it.
        CPPUNIT_ASSERT(!_domain->recordDelivery(o.id + 1000, std::nullopt, {"TN9", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT(!_domain->recordDelivery(o.id, sid + 1000, {"TN9", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT_EQUAL(std::string("TN1"), delivery(o.id)->trackingNumber);
        // Per shipment of a two-store order: the one named, or without a name the first.
        Order two = twoStoresDispatched();
        CPPUNIT_ASSERT(_domain->recordDelivery(two.id, two.shipments.at(1).id, {"TN-T", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT(_domain->recordDelivery(two.id, std::nullopt, {"TN-S", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT_EQUAL(std::string("TN-S"), shipmentOf(two.id, _s).delivery->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::string("TN-T"), shipmentOf(two.id, _t).delivery->trackingNumber);
        CPPUNIT_ASSERT(!delivery(two.id)); // two shipments: no order delivery
        // Recording changes the order's version: a decision taken before it is taken again.
        const std::int64_t version = stored(two.id).version;
        CPPUNIT_ASSERT(_domain->recordDelivery(two.id, two.shipments.at(1).id, {"TN-T", "READY_FOR_PICK_UP"}));
        CPPUNIT_ASSERT_EQUAL(version + 1, stored(two.id).version);
    }

    // ---------------------------------------------------------------- event log, reservations

    /// An event as "type store from>to actor": store is the shipment's store ("-" for the order).
    std::string describe(const Order& o, const OrderEvent& e)
    {
        std::string store = "-";
        if (e.shipmentId) {
            store = "?";
            for (const auto& s : o.shipments)
                if (s.id == *e.shipmentId)
                    store = s.storeId == _s ? "S" : s.storeId == _t ? "T" : "U";
        }
        const std::string actor = std::string(toString(e.actor.type)) + (e.actor.id ? std::to_string(*e.actor.id) : "");
        return e.type + " " + store + " " + e.from.value_or("") + ">" + e.to.value_or("") + " " + actor;
    }

    std::string log(const sdk::Principal& caller, std::int64_t orderId)
    {
        const Order o = stored(orderId);
        std::string text;
        for (const auto& e : _domain->events(caller, orderId))
            text += (text.empty() ? "" : "; ") + describe(o, e);
        return text;
    }

    void theEventLogNamesEachShipment()
    {
        Order o = twoStores();
        CPPUNIT_ASSERT_EQUAL(std::string("created - >CREATED user42; line_added S > user42; line_added T > user42"), log(_ada, o.id));
        _domain->changeStatus(_seller7, o.id, S::Confirmed);
        _domain->changeShipmentStatus(_admin, o.id, o.shipments[1].id, S::Cancelled);
        // A seller reads only their shipment's events; the buyer and an admin read all.
        CPPUNIT_ASSERT_EQUAL(std::string("line_added S > user42; status_changed S CREATED>CONFIRMED user7"), log(_seller7, o.id));
        const std::string all = "created - >CREATED user42; line_added S > user42; line_added T > user42; "
                                "status_changed S CREATED>CONFIRMED user7; status_changed T CREATED>CANCELLED user1";
        CPPUNIT_ASSERT_EQUAL(all, log(_ada, o.id));
        CPPUNIT_ASSERT_EQUAL(all, log(_admin, o.id));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->events(_seller9, o.id); }));
        CPPUNIT_ASSERT_EQUAL(std::string("NotFound"), refusal([&] { _domain->events(_bob, o.id); }));
        // The last live shipment cancelled: the order's cancellation too.
        _domain->changeStatus(_admin, o.id, S::Cancelled);
        auto events = _domain->events(_admin, o.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(7), events.size());
        CPPUNIT_ASSERT_EQUAL(std::string("status_changed S CONFIRMED>CANCELLED user1"), describe(stored(o.id), events[5]));
        CPPUNIT_ASSERT_EQUAL(std::string("cancelled - CONFIRMED>CANCELLED user1"), describe(stored(o.id), events[6]));
        // Deliveries: the service's events, about the shipment.
        Order p = dispatched();
        const std::int64_t sid = p.shipments.at(0).id;
        _domain->receiveDeliveryEvent("evt_1", kType, p.id, sid, {"TN1", "IN_ORIGIN"}, 1);
        _domain->recordDelivery(p.id, sid, {"TN1", "READY_FOR_PICK_UP"}); // after a webhook: no event
        _domain->changeStatus(_delivery, p.id, S::Delivered);
        events = _domain->events(_admin, p.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), events.size());
        CPPUNIT_ASSERT_EQUAL(std::string("status_changed S CONFIRMED>DISPATCHED user1"), describe(stored(p.id), events[3]));
        CPPUNIT_ASSERT_EQUAL(std::string("delivery_status_received S >IN_ORIGIN service"), describe(stored(p.id), events[4]));
        CPPUNIT_ASSERT_EQUAL(std::string("status_changed S DISPATCHED>DELIVERED service99"), describe(stored(p.id), events[5]));
        Order q = dispatched();
        _domain->recordDelivery(q.id, std::nullopt, {"TN2", "READY_FOR_PICK_UP"});
        CPPUNIT_ASSERT_EQUAL(std::string("delivery_created S >READY_FOR_PICK_UP service"),
                             describe(stored(q.id), _domain->events(_admin, q.id).back()));
    }

    void expiredReservationsReleaseCreatedShipments()
    {
        Order both = twoStores(), onlyS = buy({{_lamp, 2}}), empty = buy({}), fresh = buy({{_mug, 1}});
        _domain->changeStatus(_seller8, both.id, S::Confirmed); // T's shipment goes on
        for (const Order& o : {both, onlyS, empty})
            _store->setCreatedAt(o.id, "2024-12-31 23:00:00");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _domain->expireReservations("2024-12-31 22:59:59", 10));
        // A batch of 2 takes the two oldest; the one created at the cut-off is not before it.
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), _domain->expireReservations(test::kStamp, 2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _domain->expireReservations(test::kStamp, 2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _domain->expireReservations(test::kStamp, 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), stock(_lamp));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(_mug)); // both's confirmed mug and fresh's are still reserved
        CPPUNIT_ASSERT(status(both.id) == S::Confirmed);
        CPPUNIT_ASSERT(shipmentStatus(both.id, _s) == S::Cancelled && shipmentStatus(both.id, _t) == S::Confirmed);
        CPPUNIT_ASSERT(status(onlyS.id) == S::Cancelled);
        CPPUNIT_ASSERT(status(empty.id) == S::Cancelled);
        CPPUNIT_ASSERT(status(fresh.id) == S::Created);
        CPPUNIT_ASSERT_EQUAL(std::string("expired - CREATED>CANCELLED system"),
                             describe(stored(onlyS.id), _domain->events(_admin, onlyS.id).back()));
        CPPUNIT_ASSERT_EQUAL(std::string("expired - CREATED>CONFIRMED system"),
                             describe(stored(both.id), _domain->events(_admin, both.id).back()));
        // Confirmed meanwhile (between the listing and the write): judged again, it goes on.
        Order late = buy({{_vase, 1}});
        _store->setCreatedAt(late.id, "2024-12-31 23:00:00");
        _store->beforeNextWrite([&] { _domain->changeStatus(_seller9, late.id, S::Confirmed); });
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), _domain->expireReservations(test::kStamp, 10));
        CPPUNIT_ASSERT(status(late.id) == S::Confirmed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), stock(_vase));
    }

private:
    std::unique_ptr<InMemoryCatalogStore> _catalog;
    std::unique_ptr<InMemoryOrderStore> _store;
    std::unique_ptr<Orders> _domain;
    std::int64_t _s = 0, _t = 0, _bare = 0, _u = 0;
    std::int64_t _lamp = 0, _mug = 0, _cup = 0, _vase = 0;
    const sdk::Principal _admin = principal(1, role::kAdmin, "Admin");
    const sdk::Principal _seller7 = principal(7, role::kSeller), _seller8 = principal(8, role::kSeller), _seller9 = principal(9, role::kSeller);
    const sdk::Principal _ada = buyerWithAddress(42, std::string("2 Home Lane"));
    const sdk::Principal _bob = principal(43, role::kBuyer, "Bob");
    const sdk::Principal _delivery = principal(99, role::kDeliveryService);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OrdersTest, "unit");
