// The delivery repository on both dialects: idempotent creation (also under concurrency, and per
// shipment of an order), edits and cancellation before pick-up, the batched tick and its resumption
// after an interruption, the outbox fan-out of status changes to webhook subscriptions, and V002 on
// a database that has V001's deliveries.
#include "SqlOutbox.h"
#include "TestDatabase.h"
#include "domain/Events.h"
#include "domain/StatusMachine.h"
#include "domain/StatusTicker.h"
#include "domain/TrackingNumber.h"
#include "repository/SqlDeliveryStore.h"

#include <Poco/JSON/Parser.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

const mercato::sdk::MigrationSet& deliveryMigrations();
const mercato::sdk::MigrationSet& mercatoHostMigrations();

using namespace mercato;
using namespace mercato::delivery;

template <sdk::Dialect D>
class SqlDeliveryStoreTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        _db = std::make_unique<test::TestDatabase>(D);
        (**_db).migrate("mercato", mercatoHostMigrations());
        (**_db).migrate("delivery", deliveryMigrations());
        _outbox = std::make_shared<host::SqlOutbox>(**_db);
        _store = std::make_unique<SqlDeliveryStore>(**_db, _outbox);
    }
    void tearDown() override
    {
        _store.reset();
        _outbox.reset();
        _db.reset();
    }

    static DeliveryRequest request(std::int64_t foreignOrderId, std::int64_t qty = 1)
    {
        DeliveryRequest r;
        r.foreignOrderId = foreignOrderId;
        r.products = {{10, "Dune", qty}, {11, "Emma", 1}};
        r.originAddress = "1 Dock Road";
        r.destinationName = "Ada";
        r.destinationAddress = "2 Home Lane";
        return r;
    }

    static DeliveryRequest shipment(std::int64_t foreignOrderId, std::int64_t foreignShipmentId)
    {
        DeliveryRequest r = request(foreignOrderId);
        r.foreignShipmentId = foreignShipmentId;
        return r;
    }

    /// The integer `key` of the `data` of the event body of a delivery's `sequence`-th status
    /// change, nullopt when `data` has no such member.
    std::optional<std::int64_t> eventMember(std::int64_t deliveryId, int sequence, const std::string& key)
    {
        auto change = _store->statusChange(deliveryId, sequence);
        CPPUNIT_ASSERT(change);
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr data = parser.parse(eventBody(*change)).extract<Poco::JSON::Object::Ptr>()->getObject("data");
        if (!data->has(key))
            return std::nullopt;
        return data->getValue<std::int64_t>(key);
    }

    Delivery create(std::int64_t client, std::int64_t foreignOrderId)
    {
        CreateResult r = _store->createDelivery(client, request(foreignOrderId), newTrackingNumber);
        CPPUNIT_ASSERT(r.created);
        return r.delivery;
    }

    StatusTicker ticker(double deliveredProbability, std::size_t batchSize)
    {
        return StatusTicker(*_store, TickSettings{deliveredProbability, batchSize}, [] { return 0.5; }, [] { return sdk::utcNow(); });
    }

    std::size_t outboxMessages(std::int64_t subscriptionId, std::int64_t deliveryId)
    {
        return _outbox->find(kWebhookTopic, webhookMessageKey(subscriptionId, deliveryId)).size();
    }

    void createIsIdempotentPerClientAndOrder()
    {
        Delivery first = create(1, 500);
        CPPUNIT_ASSERT(isTrackingNumber(first.trackingNumber));
        CPPUNIT_ASSERT(first.status == DeliveryStatus::ReadyForPickUp);
        CreateResult again = _store->createDelivery(1, request(500, 9), newTrackingNumber);
        CPPUNIT_ASSERT(!again.created);
        CPPUNIT_ASSERT_EQUAL(first.trackingNumber, again.delivery.trackingNumber);
        CPPUNIT_ASSERT(again.delivery.content == request(500)); // the stored content, not the new request
        Delivery otherClient = create(2, 500);
        CPPUNIT_ASSERT(otherClient.trackingNumber != first.trackingNumber);

        auto found = _store->findDelivery(first.trackingNumber);
        CPPUNIT_ASSERT(found);
        CPPUNIT_ASSERT(found->content == request(500));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), found->clientId);
        auto history = _store->tracking(first.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), history.size());
        CPPUNIT_ASSERT(history[0].status == DeliveryStatus::ReadyForPickUp);
        CPPUNIT_ASSERT(!_store->findDelivery("ZZZZZZZZZZZZ"));
        auto tracked = _store->findTracked(first.trackingNumber);
        CPPUNIT_ASSERT(tracked);
        CPPUNIT_ASSERT_EQUAL(first.trackingNumber, tracked->trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(500), tracked->foreignOrderId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), tracked->clientId);
        CPPUNIT_ASSERT(tracked->status == DeliveryStatus::ReadyForPickUp);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), tracked->tracking.size());
        CPPUNIT_ASSERT(tracked->tracking[0].status == DeliveryStatus::ReadyForPickUp);
        CPPUNIT_ASSERT(!_store->findTracked("ZZZZZZZZZZZZ"));

        DeliveryQuery mine;
        mine.clientId = 1;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listDeliveries(mine).total);
        DeliveryQuery byOrder;
        byOrder.foreignOrderId = 500;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listDeliveries(byOrder).total);
        byOrder.status = DeliveryStatus::Delivered;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listDeliveries(byOrder).total);
    }

    /// A shipment of an order is a delivery of its own; the same shipment again, or the order again
    /// without a shipment, is the delivery it has already. The shipment reaches the event bodies.
    void createIsIdempotentPerClientOrderAndShipment()
    {
        Delivery whole = create(1, 500);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), whole.content.foreignShipmentId);
        CreateResult first = _store->createDelivery(1, shipment(500, 1), newTrackingNumber);
        CreateResult second = _store->createDelivery(1, shipment(500, 2), newTrackingNumber);
        CPPUNIT_ASSERT(first.created && second.created);
        CPPUNIT_ASSERT(first.delivery.trackingNumber != whole.trackingNumber);
        CPPUNIT_ASSERT(second.delivery.trackingNumber != first.delivery.trackingNumber);

        CreateResult firstAgain = _store->createDelivery(1, shipment(500, 1), newTrackingNumber);
        CPPUNIT_ASSERT(!firstAgain.created);
        CPPUNIT_ASSERT_EQUAL(first.delivery.trackingNumber, firstAgain.delivery.trackingNumber);
        CPPUNIT_ASSERT(firstAgain.delivery.content == shipment(500, 1));
        CreateResult wholeAgain = _store->createDelivery(1, request(500), newTrackingNumber);
        CPPUNIT_ASSERT(!wholeAgain.created);
        CPPUNIT_ASSERT_EQUAL(whole.trackingNumber, wholeAgain.delivery.trackingNumber);
        CPPUNIT_ASSERT(_store->createDelivery(2, shipment(500, 1), newTrackingNumber).created); // another client's

        auto found = _store->findDelivery(second.delivery.trackingNumber);
        CPPUNIT_ASSERT(found);
        CPPUNIT_ASSERT(found->content == shipment(500, 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->findDelivery(whole.trackingNumber)->content.foreignShipmentId);
        DeliveryQuery ofOrder;
        ofOrder.clientId = 1;
        ofOrder.foreignOrderId = 500;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), _store->listDeliveries(ofOrder).total);
        ofOrder.foreignShipmentId = 2;
        Slice<Delivery> ofShipment = _store->listDeliveries(ofOrder);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), ofShipment.total);
        CPPUNIT_ASSERT_EQUAL(second.delivery.trackingNumber, ofShipment.items.at(0).trackingNumber);
        DeliveryQuery anyClient;
        anyClient.foreignShipmentId = 1;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listDeliveries(anyClient).total);

        // Creation, cancellation and tick changes all carry it; a delivery without one sends none.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->statusChange(second.delivery.id, 1)->foreignShipmentId);
        const std::string shipmentKey = "foreign_shipment_id";
        CPPUNIT_ASSERT(eventMember(second.delivery.id, 1, shipmentKey) == std::int64_t(2));
        CPPUNIT_ASSERT(eventMember(second.delivery.id, 1, "foreign_order_id") == std::int64_t(500));
        CPPUNIT_ASSERT(!eventMember(whole.id, 1, shipmentKey));
        CPPUNIT_ASSERT(eventMember(whole.id, 1, "foreign_order_id") == std::int64_t(500));
        CPPUNIT_ASSERT(_store->cancelDelivery(first.delivery.id) == ChangeOutcome::Done);
        CPPUNIT_ASSERT(eventMember(first.delivery.id, 2, shipmentKey) == std::int64_t(1));
        ticker(1.0, 10).tick();
        CPPUNIT_ASSERT(eventMember(second.delivery.id, 2, shipmentKey) == std::int64_t(2));
        CPPUNIT_ASSERT(!eventMember(whole.id, 2, shipmentKey));
    }

    /// V002 on a database with V001's deliveries: they keep their rows, read with no shipment and
    /// are still the one delivery of their order without a shipment; a shipment of it is new.
    void shipmentMigrationKeepsExistingDeliveries()
    {
        test::TestDatabase old(D);
        (*old).migrate("mercato", mercatoHostMigrations());
        sdk::MigrationSet v001;
        for (const auto& m : deliveryMigrations())
            if (m.version == 1)
                v001.push_back(m);
        (*old).migrate("delivery", v001);
        {
            Poco::Data::Session session = (*old).session();
            session << "INSERT INTO deliveries (tracking_number, client_id, foreign_order_id, products, origin_address, "
                       "destination_name, destination_address, status, sequence, last_tick, created_at, updated_at) VALUES "
                       R"(('AAAAAAAAAAAA', 1, 500, '[{"sku":10,"name":"Dune","qty":1},{"sku":11,"name":"Emma","qty":1}]', )"
                       "'1 Dock Road', 'Ada', '2 Home Lane', 'READY_FOR_PICK_UP', 1, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                Poco::Data::Keywords::now;
        }
        (*old).migrate("delivery", deliveryMigrations());

        SqlDeliveryStore store(*old, std::make_shared<host::SqlOutbox>(*old));
        auto kept = store.findDelivery("AAAAAAAAAAAA");
        CPPUNIT_ASSERT(kept);
        CPPUNIT_ASSERT(kept->content == request(500));
        CreateResult again = store.createDelivery(1, request(500), newTrackingNumber);
        CPPUNIT_ASSERT(!again.created);
        CPPUNIT_ASSERT_EQUAL(std::string("AAAAAAAAAAAA"), again.delivery.trackingNumber);
        CreateResult shipped = store.createDelivery(1, shipment(500, 1), newTrackingNumber);
        CPPUNIT_ASSERT(shipped.created);
        CPPUNIT_ASSERT(!store.createDelivery(1, shipment(500, 1), newTrackingNumber).created);
    }

    /// The largest content the API accepts reads back unchanged (products is a LONGTEXT column:
    /// POCO sizes its fetch buffer by the declared length, which LONGTEXT leaves to the value).
    void largestContentRoundTrips()
    {
        DeliveryRequest big = request(900);
        big.products.clear();
        std::string name;
        for (int i = 0; i < 60; ++i)
            name += "\xc3\xa9\"\\"; // é, a quote and a backslash: 120 characters, escaped in JSON
        for (int i = 1; i <= 100; ++i)
            big.products.push_back({i, name, 1'000'000});
        CreateResult r = _store->createDelivery(1, big, newTrackingNumber);
        CPPUNIT_ASSERT(r.created);
        CPPUNIT_ASSERT(_store->findDelivery(r.delivery.trackingNumber)->content == big);
    }

    void trackingNumberCollisionDrawsAnother()
    {
        Delivery first = create(1, 1);
        int calls = 0;
        const std::string taken = first.trackingNumber;
        CreateResult r = _store->createDelivery(1, request(2), [&] { return calls++ == 0 ? taken : newTrackingNumber(); });
        CPPUNIT_ASSERT(r.created);
        CPPUNIT_ASSERT(r.delivery.trackingNumber != taken);
        CPPUNIT_ASSERT_EQUAL(2, calls);
    }

    void concurrentCreatesMakeOneDelivery()
    {
        std::atomic<int> created{0}, existing{0}, failed{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 16; ++i)
            threads.emplace_back([&] {
                try {
                    (_store->createDelivery(3, request(77), newTrackingNumber).created ? created : existing)++;
                } catch (const std::exception&) {
                    failed++;
                }
            });
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_EQUAL(0, failed.load());
        CPPUNIT_ASSERT_EQUAL(1, created.load());
        CPPUNIT_ASSERT_EQUAL(15, existing.load());
        DeliveryQuery q;
        q.clientId = 3;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->listDeliveries(q).total);
    }

    /// Concurrent requests for two shipments of one order: one delivery per shipment.
    void concurrentCreatesMakeOneDeliveryPerShipment()
    {
        std::atomic<int> created{0}, existing{0}, failed{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 16; ++i)
            threads.emplace_back([&, i] {
                try {
                    (_store->createDelivery(3, shipment(77, 1 + i % 2), newTrackingNumber).created ? created : existing)++;
                } catch (const std::exception&) {
                    failed++;
                }
            });
        for (auto& t : threads)
            t.join();
        CPPUNIT_ASSERT_EQUAL(0, failed.load());
        CPPUNIT_ASSERT_EQUAL(2, created.load());
        CPPUNIT_ASSERT_EQUAL(14, existing.load());
        DeliveryQuery q;
        q.clientId = 3;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listDeliveries(q).total);
    }

    void editAndCancelOnlyBeforePickUp()
    {
        Delivery d = create(1, 10);
        DeliveryPatch patch;
        patch.destinationName = "Grace";
        patch.products = std::vector<DeliveryItem>{{99, "Ulysses", 3}};
        CPPUNIT_ASSERT(_store->updateDelivery(d.id, patch) == ChangeOutcome::Done);
        Delivery edited = *_store->findDelivery(d.trackingNumber);
        CPPUNIT_ASSERT_EQUAL(std::string("Grace"), edited.content.destinationName);
        CPPUNIT_ASSERT_EQUAL(std::string("2 Home Lane"), edited.content.destinationAddress);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), edited.content.products.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), _store->tracking(d.id).size()); // an edit is no status change

        CPPUNIT_ASSERT(_store->cancelDelivery(d.id) == ChangeOutcome::Done);
        CPPUNIT_ASSERT(_store->findDelivery(d.trackingNumber)->status == DeliveryStatus::Cancelled);
        CPPUNIT_ASSERT(_store->cancelDelivery(d.id) == ChangeOutcome::NotEditable);
        CPPUNIT_ASSERT(_store->updateDelivery(d.id, patch) == ChangeOutcome::NotEditable);
        CPPUNIT_ASSERT(_store->cancelDelivery(999999) == ChangeOutcome::NotFound);
        auto history = _store->tracking(d.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), history.size());
        CPPUNIT_ASSERT(history[1].status == DeliveryStatus::Cancelled);

        Delivery moved = create(1, 11);
        ticker(1.0, 10).tick();
        CPPUNIT_ASSERT(_store->updateDelivery(moved.id, patch) == ChangeOutcome::NotEditable);
        CPPUNIT_ASSERT(_store->cancelDelivery(moved.id) == ChangeOutcome::NotEditable);
    }

    void tickMovesEveryActiveDeliveryOneStep()
    {
        std::vector<Delivery> all;
        for (int i = 1; i <= 25; ++i)
            all.push_back(create(1, i));
        CPPUNIT_ASSERT(_store->cancelDelivery(all[0].id) == ChangeOutcome::Done);
        StatusTicker t = ticker(1.0, 4); // batches of 4: 24 active deliveries take 6 full batches and an empty one
        CPPUNIT_ASSERT_EQUAL(std::int64_t(24), t.tick());
        CPPUNIT_ASSERT(_store->findDelivery(all[1].trackingNumber)->status == DeliveryStatus::InOrigin);
        CPPUNIT_ASSERT(_store->findDelivery(all[0].trackingNumber)->status == DeliveryStatus::Cancelled);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(24), t.tick());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(24), t.tick());
        CPPUNIT_ASSERT(_store->findDelivery(all[24].trackingNumber)->status == DeliveryStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), t.tick()); // DELIVERED and CANCELLED are final
        auto history = _store->tracking(all[5].id);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), history.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), _store->findTracked(all[5].trackingNumber)->tracking.size());
        CPPUNIT_ASSERT(history[0].status == DeliveryStatus::ReadyForPickUp);
        CPPUNIT_ASSERT(history[1].status == DeliveryStatus::InOrigin);
        CPPUNIT_ASSERT(history[2].status == DeliveryStatus::InRouteOfDelivery);
        CPPUNIT_ASSERT(history[3].status == DeliveryStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(4, _store->findDelivery(all[5].trackingNumber)->sequence);
    }

    void notDeliveredGoesBackOnTheRoad()
    {
        Delivery d = create(1, 1);
        StatusTicker never = ticker(0.0, 100);
        never.tick();
        never.tick();
        never.tick();
        CPPUNIT_ASSERT(_store->findDelivery(d.trackingNumber)->status == DeliveryStatus::NotDelivered);
        never.tick();
        CPPUNIT_ASSERT(_store->findDelivery(d.trackingNumber)->status == DeliveryStatus::InRouteOfDelivery);
        ticker(1.0, 100).tick();
        CPPUNIT_ASSERT(_store->findDelivery(d.trackingNumber)->status == DeliveryStatus::Delivered);
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), _store->tracking(d.id).size());
    }

    void interruptedTickResumesWithoutDoubleMoves()
    {
        std::vector<Delivery> all;
        for (int i = 1; i <= 10; ++i)
            all.push_back(create(1, i));
        // A tick that moved one batch of 3 and then died (no finishTick).
        const std::int64_t tick = _store->beginTick(sdk::utcNow());
        const TickDecision decide = [](DeliveryStatus s) { return nextOnTick(s, 0.5, 1.0); };
        TickBatch first = _store->moveBatch(tick, 0, 3, decide, sdk::utcNow());
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), first.moved);
        // Deliveries created while the tick was interrupted are moved by its resumption too.
        all.push_back(create(1, 11));

        // The next run resumes that tick: the other 8 move, the first 3 do not move again.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(8), ticker(1.0, 3).tick());
        for (const auto& d : all) {
            CPPUNIT_ASSERT(_store->findDelivery(d.trackingNumber)->status == DeliveryStatus::InOrigin);
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), _store->tracking(d.id).size());
        }
        // The tick after that is a new one and moves everyone once more.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(11), ticker(1.0, 3).tick());
        for (const auto& d : all)
            CPPUNIT_ASSERT(_store->findDelivery(d.trackingNumber)->status == DeliveryStatus::InRouteOfDelivery);
    }

    void statusChangesFanOutToSubscriptions()
    {
        WebhookSubscription sub;
        sub.clientId = 1;
        sub.url = "https://93.184.216.34/hook";
        sub.events = {kStatusChanged};
        sub.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        WebhookSubscription mine = _store->createSubscription(sub);
        WebhookSubscription second = _store->createSubscription(sub);
        sub.clientId = 2;
        WebhookSubscription theirs = _store->createSubscription(sub);
        CPPUNIT_ASSERT(mine.id > 0 && theirs.id > mine.id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->listSubscriptions(std::int64_t(1), 50, 0).total);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), _store->listSubscriptions(std::nullopt, 50, 0).total);

        Delivery d = create(1, 1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), outboxMessages(mine.id, d.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), outboxMessages(second.id, d.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), outboxMessages(theirs.id, d.id));
        ticker(1.0, 10).tick();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), outboxMessages(mine.id, d.id));

        CPPUNIT_ASSERT(_store->deleteSubscription(second.id));
        CPPUNIT_ASSERT(!_store->deleteSubscription(second.id));
        CPPUNIT_ASSERT(!_store->findSubscription(second.id));
        ticker(1.0, 10).tick();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), outboxMessages(mine.id, d.id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), outboxMessages(second.id, d.id));

        // A message refers to its change; the change rebuilds the exact event body.
        auto messages = _outbox->find(kWebhookTopic, webhookMessageKey(mine.id, d.id));
        CPPUNIT_ASSERT_EQUAL(webhookMessagePayload(mine.id, d.id, 3), messages[2].payload);
        auto change = _store->statusChange(d.id, 3);
        CPPUNIT_ASSERT(change);
        CPPUNIT_ASSERT_EQUAL("evt_" + d.trackingNumber + "_3", change->eventId);
        CPPUNIT_ASSERT(change->status == DeliveryStatus::InRouteOfDelivery);
        CPPUNIT_ASSERT(change->previousStatus == DeliveryStatus::InOrigin);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), change->foreignOrderId);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), change->clientId);
        CPPUNIT_ASSERT(!_store->statusChange(d.id, 1)->previousStatus);
        CPPUNIT_ASSERT(!_store->statusChange(d.id, 4));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->listAttempts(mine.id, 50, 0).total);
    }

private:
    std::unique_ptr<test::TestDatabase> _db;
    std::shared_ptr<host::SqlOutbox> _outbox;
    std::unique_ptr<SqlDeliveryStore> _store;
};

#define DELIVERY_STORE_TESTS(Suite)                            \
    CPPUNIT_TEST_SUITE(Suite);                                 \
    CPPUNIT_TEST(createIsIdempotentPerClientAndOrder);         \
    CPPUNIT_TEST(createIsIdempotentPerClientOrderAndShipment); \
    CPPUNIT_TEST(shipmentMigrationKeepsExistingDeliveries);    \
    CPPUNIT_TEST(largestContentRoundTrips);                    \
    CPPUNIT_TEST(trackingNumberCollisionDrawsAnother);         \
    CPPUNIT_TEST(concurrentCreatesMakeOneDelivery);            \
    CPPUNIT_TEST(concurrentCreatesMakeOneDeliveryPerShipment); \
    CPPUNIT_TEST(editAndCancelOnlyBeforePickUp);               \
    CPPUNIT_TEST(tickMovesEveryActiveDeliveryOneStep);         \
    CPPUNIT_TEST(notDeliveredGoesBackOnTheRoad);               \
    CPPUNIT_TEST(interruptedTickResumesWithoutDoubleMoves);    \
    CPPUNIT_TEST(statusChangesFanOutToSubscriptions);          \
    CPPUNIT_TEST_SUITE_END()

class SqlDeliveryStoreSqliteTest : public SqlDeliveryStoreTest<sdk::Dialect::SQLite> {
    DELIVERY_STORE_TESTS(SqlDeliveryStoreSqliteTest);
};
class SqlDeliveryStoreMysqlTest : public SqlDeliveryStoreTest<sdk::Dialect::MySQL> {
    DELIVERY_STORE_TESTS(SqlDeliveryStoreMysqlTest);
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlDeliveryStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlDeliveryStoreMysqlTest, "integration");
