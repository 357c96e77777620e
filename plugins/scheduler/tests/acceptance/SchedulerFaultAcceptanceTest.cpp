// The scheduler under faults, against the real binary on loopback: two delivery hosts on one
// MariaDB database running the status tick (once per slot per cluster, also when the leader is
// paused past its lease: fencing), Redis going away and coming back under a running host (the
// lease falls back to the database), an ecommerce host killed while it relays dispatched orders
// to the delivery service (nothing lost, nothing doubled) and a delivery host killed while it
// sends webhooks (at-least-once, in order per delivery). Every test ends with an invariant read
// from the databases.
#include "FaultFixture.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NullStream.h>
#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Type.h>
#include <Poco/StreamCopier.h>

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

using namespace mercato::test;
using namespace mercato::test::fault;

namespace {

const std::string kTick = "delivery.tick";
/// Seconds the restarted ecommerce host gets to relay every order. A killed host's claims wait for
/// their lease: the relay's timeout (2 × ecommerce.delivery.timeout + 5 s = 9 s here) + the 2 s
/// margin; the lease itself is checked at the end of the test.
const int kRelayDeadline = 40;
const char* const kClient = "delivery@example.com";
const char* const kDeliveryAdmin = "admin@delivery.example.com";

// ------------------------------------------------------------------ a delivery cluster

/// Delivery hosts (accounts, delivery, scheduler) on one database, mock users made once.
struct DeliveryCluster {
    TempDir dir;
    SharedDatabase db;
    std::map<std::string, std::string> config;
    std::map<std::string, std::string> tokens;
    std::vector<std::unique_ptr<Node>> nodes; // last: they stop before the database is dropped

    DeliveryCluster(Store store, const std::map<std::string, std::string>& overrides, int hosts)
        : db(store, dir), config(deliveryConfig(dir, db, overrides)), tokens(mockTokens(dir, config))
    {
        for (int i = 0; i < hosts; ++i) {
            nodes.push_back(std::make_unique<Node>(dir, config, "delivery host " + std::to_string(i + 1)));
            nodes.back()->start();
        }
    }

    Node& node(std::size_t i) { return *nodes.at(i); }
    std::string client() const { return tokens.at(kClient); }
    std::string admin() const { return tokens.at(kDeliveryAdmin); }

    /// The node whose process has this pid, or null.
    Node* byPid(pid_t pid)
    {
        for (auto& n : nodes)
            if (n->pid() == pid)
                return n.get();
        return nullptr;
    }

    void stopAll()
    {
        for (auto& n : nodes)
            if (n->running())
                n->stop();
    }

    std::string errors() const
    {
        std::string all;
        for (const auto& n : nodes)
            all += n->errors();
        return all;
    }
};

/// The two-host set-up of the leader tests: MariaDB, Redis lease, 1 s tick, 2 s leader lease.
std::map<std::string, std::string> leaderSettings()
{
    return {{"scheduler.redis.host", "127.0.0.1"}, {"delivery.tick.interval", "1"}, {"scheduler.leader.ttlMillis", "2000"}};
}

/// POST /deliveries as the client for `orderId`; returns the tracking number.
std::string createDelivery(const Node& host, const std::string& token, std::int64_t orderId)
{
    Poco::JSON::Object product;
    product.set("sku", 1);
    product.set("name", "Lamp");
    product.set("qty", 1);
    Poco::JSON::Array products;
    products.add(product);
    Poco::JSON::Object order;
    order.set("foreign_order_id", orderId);
    order.set("products", products);
    Poco::JSON::Object origin;
    origin.set("address", "7 Harbour Rd");
    Poco::JSON::Object destination;
    destination.set("name", "Ann Buyer");
    destination.set("address", "2 Home Lane");
    Poco::JSON::Object body;
    body.set("order", order);
    body.set("origin", origin);
    body.set("destination", destination);
    HttpReply r = expectStatus(201, "POST /deliveries order " + std::to_string(orderId), host.http().post("/deliveries", jsonOf(body), token));
    return dataObject(r)->getValue<std::string>("tracking_number");
}

std::vector<std::string> createDeliveries(const Node& host, const std::string& token, int count)
{
    std::vector<std::string> tns;
    for (int i = 1; i <= count; ++i)
        tns.push_back(createDelivery(host, token, 1000 + i));
    return tns;
}

// ------------------------------------------------------------------ invariants

/// Each slot of the task ran once: distinct slot_start values, by the test and by the database.
void assertOneRunPerSlot(const SharedDatabase& db, const std::vector<TaskRun>& runs)
{
    std::set<std::int64_t> slots;
    for (const auto& r : runs)
        slots.insert(r.slot);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("runs by slot:\n" + describe(runs), runs.size(), slots.size());
    const std::int64_t all = db.scalar("SELECT COUNT(*) FROM scheduler_task_runs WHERE task = '" + kTick + "'");
    const std::int64_t distinct = db.scalar("SELECT COUNT(DISTINCT slot_start) FROM scheduler_task_runs WHERE task = '" + kTick + "'");
    CPPUNIT_ASSERT_EQUAL_MESSAGE("count(distinct slot_start) vs count(*)", all, distinct);
}

/// A run recorded for a later slot never has an older fencing number.
void assertFencesNeverDecrease(const std::vector<TaskRun>& runs)
{
    for (std::size_t i = 1; i < runs.size(); ++i)
        CPPUNIT_ASSERT_MESSAGE("fence decreased at slot " + std::to_string(runs[i].slot) + ":\n" + describe(runs),
                               runs[i].fence >= runs[i - 1].fence);
}

/// Every run finished well and every tick it started finished. A tick is a delivery_ticks row;
/// a run that finds an unfinished one resumes it (SqlDeliveryStore::beginTick: its leader was
/// stopped mid-tick), so `oneTickPerRun` holds only when no host was interrupted. Either way no
/// tick runs without a slot (nothing calls POST /admin/tick here).
void assertRunsTicked(const SharedDatabase& db, const std::vector<TaskRun>& runs, bool oneTickPerRun)
{
    std::string ticks;
    for (const auto& r : db.rows("SELECT id, started_at, finished_at, moved FROM delivery_ticks ORDER BY id"))
        ticks += asText(r[0]) + " " + asText(r[1]) + ".." + asText(r[2]) + " moved " + asText(r[3]) + "\n";
    const std::string all = "runs:\n" + describe(runs) + "ticks:\n" + ticks;
    for (const auto& r : runs)
        CPPUNIT_ASSERT_EQUAL_MESSAGE("outcome of slot " + std::to_string(r.slot) + "\n" + all, std::string("done"), r.outcome);
    const std::int64_t tickRows = db.scalar("SELECT COUNT(*) FROM delivery_ticks");
    if (oneTickPerRun)
        CPPUNIT_ASSERT_EQUAL_MESSAGE("delivery_ticks rows vs delivery.tick runs\n" + all, static_cast<std::int64_t>(runs.size()), tickRows);
    else
        CPPUNIT_ASSERT_MESSAGE("more delivery_ticks rows than delivery.tick runs\n" + all, tickRows <= static_cast<std::int64_t>(runs.size()));
    CPPUNIT_ASSERT_EQUAL_MESSAGE("unfinished ticks\n" + all, std::int64_t(0), db.scalar("SELECT COUNT(*) FROM delivery_ticks WHERE finished_at IS NULL"));
    // A tick moves a delivery at most once: no delivery changed more often than there were ticks.
    CPPUNIT_ASSERT_EQUAL_MESSAGE("deliveries with more changes than ticks + 1\n" + all, std::int64_t(0),
                                 db.scalar("SELECT COUNT(*) FROM deliveries WHERE sequence > 1 + " + std::to_string(tickRows)));
}

/// No delivery has two status changes with one sequence number; each one's changes are numbered
/// 1..sequence without a gap; there are `count` deliveries and each moved to at least `minSequence`.
void assertHistoriesConsistent(const SharedDatabase& db, std::int64_t count, std::int64_t minSequence)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE("deliveries", count, db.scalar("SELECT COUNT(*) FROM deliveries"));
    auto doubled = db.rows("SELECT delivery_id, sequence, COUNT(*) FROM delivery_events GROUP BY delivery_id, sequence HAVING COUNT(*) > 1");
    CPPUNIT_ASSERT_EQUAL_MESSAGE("(delivery, sequence) pairs with more than one event", std::size_t(0), doubled.size());
    auto rows = db.rows("SELECT d.id, d.tracking_number, d.sequence, d.status, COUNT(e.id), MIN(e.sequence), MAX(e.sequence) "
                        "FROM deliveries d LEFT JOIN delivery_events e ON e.delivery_id = d.id "
                        "GROUP BY d.id, d.tracking_number, d.sequence, d.status ORDER BY d.id");
    for (const auto& r : rows) {
        const std::string what = "delivery " + asText(r[1]) + " (" + asText(r[3]) + ")";
        const std::int64_t sequence = asInt(r[2]), events = asInt(r[4]);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": events vs its sequence", sequence, events);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": first event's sequence", std::int64_t(1), asInt(r[5]));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": last event's sequence", sequence, asInt(r[6]));
        CPPUNIT_ASSERT_MESSAGE(what + ": sequence " + std::to_string(sequence) + " < " + std::to_string(minSequence),
                               sequence >= minSequence);
    }
}

/// Waits until the task has at least `n` runs (else fails with the hosts' stderr).
void awaitRuns(const SharedDatabase& db, std::int64_t n, const std::string& errors, int seconds = 10)
{
    const bool ok = waitUntil([&] { return runCount(db, kTick) >= n; }, std::chrono::seconds(seconds));
    CPPUNIT_ASSERT_MESSAGE("fewer than " + std::to_string(n) + " tick runs within " + std::to_string(seconds) + " s:\n"
                               + describe(taskRuns(db, kTick)) + errors,
                           ok);
}

// ------------------------------------------------------------------ Redis

const char* const kRedisStart = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no";

Poco::Redis::Array redisArray(const std::vector<std::string>& words)
{
    Poco::Redis::Array command;
    for (const auto& w : words)
        command << w;
    return command;
}

void connectRedis(Poco::Redis::Client& client)
{
    client.connect("127.0.0.1", 6379, Poco::Timespan(1, 0));
    client.setReceiveTimeout(Poco::Timespan(2, 0));
}

bool redisUp()
{
    try {
        Poco::Redis::Client client;
        connectRedis(client);
        return client.execute<std::string>(redisArray({"PING"})) == "PONG";
    } catch (...) {
        return false;
    }
}

/// GET key ("" when there is none).
std::string redisGet(const std::string& key)
{
    Poco::Redis::Client client;
    connectRedis(client);
    Poco::Redis::BulkString value = client.execute<Poco::Redis::BulkString>(redisArray({"GET", key}));
    return value.isNull() ? "" : value.value();
}

/// Takes the shared Redis down (shutdown nosave) and always brings it back, also when a check fails.
class RedisOutage {
public:
    RedisOutage()
    {
        const int rc = std::system("redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1");
        (void)rc; // the connection closes under redis-cli: its exit code says nothing
        if (!waitUntil([] { return !redisUp(); }, std::chrono::seconds(5)))
            throw std::runtime_error("Redis still answers after SHUTDOWN NOSAVE");
    }
    ~RedisOutage()
    {
        try {
            end();
        } catch (const std::exception& e) {
            std::cerr << "SchedulerFaultAcceptanceTest: could not restart Redis: " << e.what() << '\n';
        }
    }
    RedisOutage(const RedisOutage&) = delete;
    RedisOutage& operator=(const RedisOutage&) = delete;

    void end()
    {
        if (redisUp())
            return;
        const int rc = std::system((std::string(kRedisStart) + " >/dev/null 2>&1").c_str());
        if (!waitUntil(redisUp, std::chrono::seconds(10)))
            throw std::runtime_error("Redis did not come back after `" + std::string(kRedisStart) + "` (exit " + std::to_string(rc) + ")");
    }
};

// ------------------------------------------------------------------ a webhook receiver

/// A Poco HTTPServer on 127.0.0.1:<ephemeral> that records each request's webhook-id in arrival
/// order, then answers 200 after a delay.
class WebhookReceiver {
public:
    explicit WebhookReceiver(int delayMillis)
        : _ignorePipes(ignoreBrokenPipes()), _shared(std::make_shared<Shared>()), _socket(Poco::Net::SocketAddress("127.0.0.1", 0)),
          _server(new Factory(_shared), _socket, params())
    {
        _shared->delay = delayMillis;
        _server.start();
    }
    ~WebhookReceiver() { _server.stopAll(true); }
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    int port() const { return _socket.address().port(); }
    std::vector<std::string> ids() const
    {
        std::lock_guard<std::mutex> lock(_shared->mutex);
        return _shared->ids;
    }

private:
    struct Shared {
        std::mutex mutex;
        std::vector<std::string> ids;
        int delay = 0;
    };
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(std::shared_ptr<Shared> shared) : _shared(std::move(shared)) {}
        void handleRequest(Poco::Net::HTTPServerRequest& rq, Poco::Net::HTTPServerResponse& response) override
        {
            {
                std::lock_guard<std::mutex> lock(_shared->mutex);
                _shared->ids.push_back(rq.get("webhook-id", "(none)"));
            }
            try {
                Poco::NullOutputStream sink;
                Poco::StreamCopier::copyStream(rq.stream(), sink);
                sleepMillis(_shared->delay);
                response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
                response.setContentType("text/plain");
                response.send() << "ok";
            } catch (...) {
                // the sender died while we waited: nothing to answer
            }
        }

    private:
        std::shared_ptr<Shared> _shared;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(std::shared_ptr<Shared> shared) : _shared(std::move(shared)) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(_shared); }

    private:
        std::shared_ptr<Shared> _shared;
    };
    static Poco::Net::HTTPServerParams::Ptr params()
    {
        auto p = new Poco::Net::HTTPServerParams;
        p->setMaxThreads(16);
        p->setKeepAlive(true);
        return p;
    }

    /// Answering a sender that was killed must not kill the test: SIGPIPE gets a handler that does
    /// nothing (not SIG_IGN, which the hosts started later would inherit through exec).
    static bool ignoreBrokenPipes()
    {
        struct sigaction action {};
        action.sa_handler = [](int) {};
        sigemptyset(&action.sa_mask);
        return ::sigaction(SIGPIPE, &action, nullptr) == 0;
    }

    bool _ignorePipes;
    std::shared_ptr<Shared> _shared;
    Poco::Net::ServerSocket _socket;
    Poco::Net::HTTPServer _server;
};

// ------------------------------------------------------------------ ecommerce helpers

std::int64_t idOfReply(const HttpReply& r) { return dataObject(r)->getValue<std::int64_t>("id"); }

std::string statusJson(const std::string& status) { return R"({"status":")" + status + "\"}"; }

/// Orders (admin view): id → tracking number ("" while it has none).
std::map<std::int64_t, std::string> trackingByOrder(const Node& shop, const std::string& admin)
{
    HttpReply r = expectStatus(200, "GET /orders", shop.http().get("/orders?limit=500", admin));
    std::map<std::int64_t, std::string> out;
    auto orders = dataArray(r);
    for (std::size_t i = 0; i < orders->size(); ++i) {
        auto o = orders->getObject(static_cast<unsigned>(i));
        auto delivery = o->getObject("delivery");
        out[o->getValue<std::int64_t>("id")] = delivery.isNull() ? "" : delivery->getValue<std::string>("tracking_number");
    }
    return out;
}

/// Seconds since the epoch of a UTC 'YYYY-MM-DD HH:MM:SS' text.
std::int64_t utcSeconds(const std::string& text)
{
    int tz = 0;
    return Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S", text, tz).timestamp().epochTime();
}

/// The latest lease_until of a topic's running jobs, in epoch seconds.
std::int64_t latestLease(const SharedDatabase& db, const std::string& topic)
{
    auto r = db.rows("SELECT MAX(lease_until) FROM mercato_outbox WHERE topic = '" + topic + "' AND state = 'running'");
    CPPUNIT_ASSERT_MESSAGE("no running job of " + topic, r.size() == 1 && !r[0][0].isEmpty());
    return utcSeconds(asText(r[0][0]));
}

std::int64_t outboxRows(const SharedDatabase& db, const std::string& topic, const std::string& state)
{
    return db.scalar("SELECT COUNT(*) FROM mercato_outbox WHERE topic = '" + topic + "' AND state = '" + state + "'");
}

/// "state: n" of a topic's outbox rows, for messages.
std::string outboxStates(const SharedDatabase& db, const std::string& topic)
{
    std::string s;
    for (const auto& r : db.rows("SELECT state, COUNT(*), MAX(attempts), MAX(rescues), MAX(last_error) FROM mercato_outbox WHERE topic = '"
                                 + topic + "' GROUP BY state"))
        s += asText(r[0]) + ": " + asText(r[1]) + " (max attempts " + asText(r[2]) + ", max rescues " + asText(r[3]) + ", last error "
             + asText(r[4]) + ")\n";
    return s;
}

} // namespace

class SchedulerFaultAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SchedulerFaultAcceptanceTest);
    CPPUNIT_TEST(twoDeliveryHostsOnOneDatabaseRunEachSlotOnce);
    CPPUNIT_TEST(leaderPausedPastItsLeaseThenResumedStillOneRunPerSlot);
    CPPUNIT_TEST(redisRestartedMidRunWorkContinues);
    CPPUNIT_TEST(killedEcommerceHostMidRelayLosesNothing);
    CPPUNIT_TEST(killedDeliveryHostMidSendLosesNoWebhook);
    CPPUNIT_TEST_SUITE_END();

public:
    void twoDeliveryHostsOnOneDatabaseRunEachSlotOnce()
    {
        DeliveryCluster c(Store::MariaDB, leaderSettings(), 2);
        createDeliveries(c.node(0), c.client(), 20);
        sleepMillis(6000);
        c.stopAll();

        const auto runs = taskRuns(c.db, kTick);
        CPPUNIT_ASSERT_MESSAGE("fewer than 3 slots ran in 6 s:\n" + describe(runs) + c.errors(), runs.size() >= 3);
        assertOneRunPerSlot(c.db, runs);
        assertRunsTicked(c.db, runs, true);
        // Created before ≥ 5 ticks: each delivery moved at least twice.
        assertHistoriesConsistent(c.db, 20, 3);
    }

    void leaderPausedPastItsLeaseThenResumedStillOneRunPerSlot()
    {
        DeliveryCluster c(Store::MariaDB, leaderSettings(), 2);
        createDeliveries(c.node(0), c.client(), 5);
        awaitRuns(c.db, 2, c.errors());
        const auto before = taskRuns(c.db, kTick);
        Node* leader = c.byPid(before.back().pid());
        CPPUNIT_ASSERT_MESSAGE("the last run's holder is neither host:\n" + describe(before), leader != nullptr);
        Node* other = leader == &c.node(0) ? &c.node(1) : &c.node(0);
        const pid_t leaderPid = leader->pid(), otherPid = other->pid();

        const std::int64_t pausedFrom = epochSeconds();
        leader->pause();
        sleepMillis(4000);
        const std::int64_t pausedTo = epochSeconds();
        leader->resume();
        sleepMillis(3000);
        c.stopAll();

        const auto runs = taskRuns(c.db, kTick);
        const std::string all = "leader pid " + std::to_string(leaderPid) + " paused " + std::to_string(pausedFrom) + ".."
                                + std::to_string(pausedTo) + "; runs:\n" + describe(runs);
        assertOneRunPerSlot(c.db, runs);
        assertFencesNeverDecrease(runs);
        std::set<std::string> holders;
        int byOtherWhilePaused = 0;
        for (const auto& r : runs) {
            holders.insert(r.holder);
            if (r.slot >= pausedFrom && r.slot <= pausedTo && r.pid() == otherPid)
                ++byOtherWhilePaused;
            // A stopped process records nothing: no slot strictly inside the pause is the leader's.
            CPPUNIT_ASSERT_MESSAGE("the paused leader holds slot " + std::to_string(r.slot) + "\n" + all,
                                   !(r.pid() == leaderPid && r.slot > pausedFrom && r.slot < pausedTo));
        }
        std::cerr << "\n[leaderPaused] " << runs.size() << " runs, " << byOtherWhilePaused << " by the other host during the pause, "
                  << holders.size() << " holders\n";
        CPPUNIT_ASSERT_MESSAGE("the other host ran no slot while the leader was stopped\n" + all + c.errors(), byOtherWhilePaused >= 1);
        CPPUNIT_ASSERT_MESSAGE("one holder only\n" + all, holders.size() >= 2);
        // Replaced after the 2 s lease (+ ≤ 1 s until the other host looks): no gap over 4 s.
        for (std::size_t i = 1; i < runs.size(); ++i)
            CPPUNIT_ASSERT_MESSAGE("a gap of " + std::to_string(runs[i].slot - runs[i - 1].slot) + " s before slot "
                                       + std::to_string(runs[i].slot) + "\n" + all,
                                   runs[i].slot - runs[i - 1].slot <= 4);
        CPPUNIT_ASSERT_MESSAGE("slots ran after the resume\n" + all, runs.back().slot > pausedTo);
        assertRunsTicked(c.db, runs, false); // the leader may have been stopped mid-tick
        assertHistoriesConsistent(c.db, 5, 3);
    }

    void redisRestartedMidRunWorkContinues()
    {
        DeliveryCluster c(Store::SQLite, leaderSettings(), 1);
        createDeliveries(c.node(0), c.client(), 3);
        awaitRuns(c.db, 2, c.errors());
        const std::string key = "mercato:" + c.config.at("service.name") + ":scheduler:leader";
        const std::string holder = taskRuns(c.db, kTick).back().holder;
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the Redis lease key " + key, holder, redisGet(key));

        std::int64_t beforeOutage = 0, duringOutage = 0, afterRestart = 0;
        std::int64_t outageFrom = 0, outageTo = 0;
        {
            RedisOutage outage;
            outageFrom = epochSeconds();
            beforeOutage = runCount(c.db, kTick);
            sleepMillis(4000);
            duringOutage = runCount(c.db, kTick);
            outageTo = epochSeconds();
            outage.end();
        }
        CPPUNIT_ASSERT_MESSAGE("Redis is back", redisUp());
        sleepMillis(3000);
        afterRestart = runCount(c.db, kTick);
        const std::string redisHolder = redisGet(key);
        c.stopAll();

        const auto runs = taskRuns(c.db, kTick);
        const std::string all = "outage " + std::to_string(outageFrom) + ".." + std::to_string(outageTo) + ", runs before/during/after "
                                + std::to_string(beforeOutage) + "/" + std::to_string(duringOutage) + "/" + std::to_string(afterRestart)
                                + ":\n" + describe(runs) + c.errors();
        std::cerr << "\n[redisRestarted] runs before/during/after the outage: " << beforeOutage << "/" << duringOutage << "/"
                  << afterRestart << "\n";
        CPPUNIT_ASSERT_MESSAGE("no more than one slot ran in 4 s without Redis\n" + all, duringOutage >= beforeOutage + 2);
        CPPUNIT_ASSERT_MESSAGE("no more than one slot ran in 3 s after Redis came back\n" + all, afterRestart >= duringOutage + 2);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the lease is in Redis again, held by the host\n" + all, holder, redisHolder);
        assertOneRunPerSlot(c.db, runs);
        assertRunsTicked(c.db, runs, true);
        assertHistoriesConsistent(c.db, 3, 3);
    }

    void killedEcommerceHostMidRelayLosesNothing()
    {
        const int orders = 30;
        TempDir dir;
        SharedDatabase deliveryDb(Store::SQLite, dir, "delivery.db");
        SharedDatabase shopDb(Store::MariaDB, dir);
        const auto deliveryCfg = deliveryConfig(dir, deliveryDb, {{"scheduler.pollMillis", "50"}});
        const auto deliveryTokens = mockTokens(dir, deliveryCfg);
        Node delivery(dir, deliveryCfg, "delivery host");
        delivery.start();
        const auto shopCfg = ecommerceConfig(dir, shopDb,
                                             {{"ecommerce.delivery.url", "http://127.0.0.1:" + std::to_string(delivery.port())},
                                              {"ecommerce.delivery.username", kClient},
                                              {"ecommerce.delivery.password", "password"},
                                              {"ecommerce.delivery.retrySchedule", "1"},
                                              {"ecommerce.delivery.retryEvery", "1"},
                                              {"ecommerce.delivery.timeout", "2"},
                                              {"scheduler.pollMillis", "50"},
                                              {"scheduler.leaseMarginSeconds", "2"}});
        const auto shopTokens = mockTokens(dir, shopCfg);
        const std::string admin = shopTokens.at("market_admin@example.com"), seller = shopTokens.at("seller@example.com"),
                          buyer = shopTokens.at("user@example.com");
        Node shop(dir, shopCfg, "ecommerce host");
        shop.start();

        const std::int64_t sellerId = idOfReply(expectStatus(200, "GET /me", shop.http().get("/me", seller)));
        const std::int64_t store = idOfReply(expectStatus(
            201, "POST /stores",
            shop.http().post("/stores",
                             R"({"name":"Lamps","description":"d","warehouse_address":"7 Harbour Rd","users_ids":[)" + std::to_string(sellerId) + "]}",
                             admin)));
        const std::int64_t product = idOfReply(expectStatus(
            201, "POST /products",
            shop.http().post("/products", R"({"name":"Lamp","short_description":"sd","quantity":100,"store_id":)" + std::to_string(store) + "}",
                             seller)));
        std::vector<std::int64_t> ids;
        for (int i = 0; i < orders; ++i) {
            ids.push_back(idOfReply(expectStatus(
                201, "POST /orders",
                shop.http().post("/orders", R"({"products":[{"product_id":)" + std::to_string(product) + R"(,"quantity":1}]})", buyer))));
            expectStatus(200, "CONFIRMED", shop.http().put("/orders/" + std::to_string(ids.back()), statusJson("CONFIRMED"), seller));
        }
        // The delivery host stops answering (its socket still accepts): relays stay in flight, so
        // the kill below lands in the middle of them, not after they finished.
        delivery.pause();
        const std::int64_t dispatchFrom = epochSeconds();
        for (auto id : ids)
            expectStatus(200, "DISPATCHED", shop.http().put("/orders/" + std::to_string(id), statusJson("DISPATCHED"), seller));
        const std::string topic = "ecommerce.order.dispatched";
        const bool inFlight = waitUntil([&] { return outboxRows(shopDb, topic, "running") >= 1; }, std::chrono::seconds(5));
        CPPUNIT_ASSERT_MESSAGE("no relay job was running:\n" + outboxStates(shopDb, topic) + shop.errors(), inFlight);
        std::cerr << "\n[killedEcommerceHostMidRelay] at the kill: " << outboxStates(shopDb, topic);
        // How long the dead host's claims last: lease_until − (a moment before the claim).
        const std::int64_t leaseSeconds = latestLease(shopDb, topic) - dispatchFrom;
        std::cerr << "[killedEcommerceHostMidRelay] lease_until - dispatch start: " << leaseSeconds << " s\n";
        shop.kill();
        delivery.resume();
        shop.start();

        std::map<std::int64_t, std::string> tracking;
        const bool relayed = waitUntil(
            [&] {
                tracking = trackingByOrder(shop, admin);
                return std::count_if(tracking.begin(), tracking.end(), [](const auto& t) { return !t.second.empty(); }) == orders;
            },
            std::chrono::seconds(kRelayDeadline), std::chrono::milliseconds(500));
        CPPUNIT_ASSERT_MESSAGE("not every order got a tracking number within " + std::to_string(kRelayDeadline) + " s (claims of the killed host last "
                                   + std::to_string(leaseSeconds) + " s):\n" + outboxStates(shopDb, topic) + shop.errors()
                                   + delivery.errors(),
                               relayed);

        HttpReply list = expectStatus(200, "GET /deliveries", delivery.http().get("/deliveries?limit=500", deliveryTokens.at(kDeliveryAdmin)));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("deliveries (meta.total): " + list.body, std::int64_t(orders), metaTotal(list));
        std::map<std::int64_t, std::vector<std::string>> byOrder;
        auto items = dataArray(list);
        for (std::size_t i = 0; i < items->size(); ++i) {
            auto d = items->getObject(static_cast<unsigned>(i));
            byOrder[d->getObject("order")->getValue<std::int64_t>("foreign_order_id")].push_back(d->getValue<std::string>("tracking_number"));
        }
        for (auto id : ids) {
            const std::string what = "order " + std::to_string(id);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": deliveries", std::size_t(1), byOrder[id].size());
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": the tracking number the shop shows", byOrder[id].front(), tracking.at(id));
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE("deliveries in the delivery database", std::int64_t(orders),
                                     deliveryDb.scalar("SELECT COUNT(*) FROM deliveries"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("distinct orders in the delivery database", std::int64_t(orders),
                                     deliveryDb.scalar("SELECT COUNT(DISTINCT foreign_order_id) FROM deliveries"));
        shop.stop();
        const std::string states = outboxStates(shopDb, topic);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("dispatch messages done:\n" + states, std::int64_t(orders), outboxRows(shopDb, topic, "done"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("dispatch messages in another state:\n" + states, std::int64_t(0),
                                     shopDb.scalar("SELECT COUNT(*) FROM mercato_outbox WHERE topic = '" + topic + "' AND state <> 'done'"));
        // scheduler.leaseMarginSeconds: "a claimed job's lease: its type's timeout plus this" — the
        // dispatch relay's timeout is 2 × 2 s + 5 s (DispatchRelay::jobOptions), the margin 2 s: a
        // killed host's relay is taken over after 11 s (+ 2 s: claim delay and whole seconds).
        CPPUNIT_ASSERT_MESSAGE("a dispatch job's lease was " + std::to_string(leaseSeconds)
                                   + " s, not its type's timeout (9 s) + scheduler.leaseMarginSeconds (2 s)",
                               leaseSeconds <= 9 + 2 + 2);
    }

    void killedDeliveryHostMidSendLosesNoWebhook()
    {
        const int count = 10;
        WebhookReceiver receiver(300);
        DeliveryCluster c(Store::SQLite,
                          {{"delivery.tick.interval", "1"},
                           {"delivery.tick.deliveredProbability", "1"},
                           {"delivery.webhooks.allowPrivateNetworks", "true"},
                           {"delivery.webhooks.retrySchedule", "1"},
                           {"delivery.webhooks.retryEvery", "1"},
                           {"delivery.webhooks.timeout", "2"},
                           {"scheduler.pollMillis", "50"},
                           {"scheduler.leaseMarginSeconds", "2"},
                           {"scheduler.leader.ttlMillis", "2000"}},
                          1);
        Node& host = c.node(0);
        expectStatus(201, "POST /webhooks",
                     host.http().post("/webhooks",
                                      R"({"url":"http://127.0.0.1:)" + std::to_string(receiver.port())
                                          + R"(/hook","events":["delivery.status_changed"]})",
                                      c.client()));
        const auto tns = createDeliveries(host, c.client(), count);
        sleepMillis(1500);
        const std::string topic = "delivery.webhook";
        const bool sending = waitUntil([&] { return outboxRows(c.db, topic, "running") >= 1; }, std::chrono::seconds(5), std::chrono::milliseconds(20));
        CPPUNIT_ASSERT_MESSAGE("no webhook send was running:\n" + outboxStates(c.db, topic) + c.errors(), sending);
        std::cerr << "\n[killedDeliveryHostMidSend] at the kill: " << outboxStates(c.db, topic) << "receiver has "
                  << receiver.ids().size() << " request(s)\n";
        host.kill();
        host.start();

        const auto everyIdSeen = [&] {
            const auto ids = receiver.ids();
            const std::set<std::string> seen(ids.begin(), ids.end());
            for (const auto& tn : tns)
                for (int s = 1; s <= 4; ++s)
                    if (!seen.count("evt_" + tn + "_" + std::to_string(s)))
                        return false;
            return true;
        };
        const bool done = waitUntil(
            [&] { return everyIdSeen() && c.db.scalar("SELECT COUNT(*) FROM deliveries WHERE status = 'DELIVERED'") == count; },
            std::chrono::seconds(45), std::chrono::milliseconds(200));
        const auto ids = receiver.ids();
        std::string arrivals;
        for (const auto& id : ids)
            arrivals += id + " ";
        const std::string all = "arrivals: " + arrivals + "\noutbox:\n" + outboxStates(c.db, topic);
        CPPUNIT_ASSERT_MESSAGE("not every delivery DELIVERED with its 4 events received within 45 s\n" + all + c.errors(), done);

        std::map<std::string, std::size_t> first;
        for (std::size_t i = 0; i < ids.size(); ++i)
            first.emplace(ids[i], i);
        for (const auto& tn : tns) {
            for (int s = 2; s <= 4; ++s) {
                const std::string earlier = "evt_" + tn + "_" + std::to_string(s - 1), later = "evt_" + tn + "_" + std::to_string(s);
                CPPUNIT_ASSERT_MESSAGE(later + " first arrived before " + earlier + "\n" + all, first.at(earlier) < first.at(later));
            }
        }
        for (const auto& [id, at] : first) {
            const bool ours = std::any_of(tns.begin(), tns.end(), [&](const std::string& tn) {
                for (int s = 1; s <= 4; ++s)
                    if (id == "evt_" + tn + "_" + std::to_string(s))
                        return true;
                return false;
            });
            CPPUNIT_ASSERT_MESSAGE("unexpected webhook-id " + id + " (arrival " + std::to_string(at) + ")\n" + all, ours);
        }
        std::cerr << "[killedDeliveryHostMidSend] " << ids.size() << " requests for " << first.size() << " events\n";
        // Settled in the database: one job per event, all done; every delivery has its 4 changes.
        const bool settled = waitUntil([&] { return outboxRows(c.db, topic, "done") == 4 * count; }, std::chrono::seconds(10));
        c.stopAll();
        CPPUNIT_ASSERT_MESSAGE("webhook jobs not all done:\n" + outboxStates(c.db, topic), settled);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("webhook jobs:\n" + outboxStates(c.db, topic), std::int64_t(4 * count),
                                     c.db.scalar("SELECT COUNT(*) FROM mercato_outbox WHERE topic = '" + topic + "'"));
        assertHistoriesConsistent(c.db, count, 4);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("deliveries whose sequence is not 4 (DELIVERED on the 3rd tick)", std::int64_t(0),
                                     c.db.scalar("SELECT COUNT(*) FROM deliveries WHERE sequence <> 4"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SchedulerFaultAcceptanceTest, "acceptance");
