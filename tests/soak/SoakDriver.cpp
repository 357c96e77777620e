// mercato-soak: the traffic and the API-level checks of the soak (tests/soak/run starts the
// services, restarts them under this traffic and adds the SQL checks).
//
// Usage: mercato-soak --ecommerce-port=P --delivery-port=P --admin-token-file=F --seller-token-file=F
//                     --tracker-token-file=F [--host=127.0.0.1] [--seconds=600] [--connections=64]
//                     [--products=40] [--stock=100000] [--buyers=64] [--started-file=F]
//                     [--events-file=F] [--drain-seconds=900] [--db-grace-seconds=30]
//
// 1. Setup through the API: two stores of the mock seller, --products products of --stock units
//    each, --buyers buyers signed up.
// 2. --seconds of mixed traffic on --connections keep-alive connections (one thread each): product
//    reads and lists, order reads, buys of 1-2 lines, lines added, cancels, the seller's confirm and
//    dispatch, public tracking reads on the delivery host; one more thread ticks the delivery host
//    (POST /admin/tick) every 2 s. --started-file is written when the traffic starts.
// 3. Drain: every dispatched order gets its delivery (the relay), the delivery host is ticked until
//    every delivery is DELIVERED, and every such order becomes DELIVERED (the webhooks).
// 4. Checks, each printed as "check NAME: PASS|FAIL detail":
//    stock      per product: initial stock = remaining + units in orders that are not CANCELLED
//    stuck      no order DISPATCHED after the drain; every DELIVERED order shows delivery DELIVERED
//    deliveries exactly one delivery per dispatched order, none for another, same tracking number
//    status     no 5xx but 503, and 503 only while the database was down (--events-file lines
//               "<epoch ms> mariadb-down|mariadb-up|kill-<svc>|<svc>-up"; grace --db-grace-seconds);
//               transport errors only while a host was down or the database restarting
//    The answers are counted by host and status. The last line is "soak-driver: PASS" or "FAIL".
#include "BenchClient.h"

#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace mercato::bench;

namespace {

using Obj = Poco::JSON::Object::Ptr;

std::int64_t epochMillis() { return Poco::Timestamp().epochMicroseconds() / 1000; }

/// Every answer by host and status (0: no answer), and when the unusual ones came.
class Tally {
public:
    void record(const std::string& host, const Answer& a)
    {
        const std::int64_t at = epochMillis();
        std::lock_guard<std::mutex> lock(_mutex);
        ++_counts[host][a.status];
        if (a.status == 0 || a.status >= 500)
            _unusual.push_back({at, host, a.status, a.status == 0 ? a.error : a.body.substr(0, 200)});
    }
    struct Event {
        std::int64_t at;
        std::string host;
        int status;
        std::string detail;
    };
    std::map<std::string, std::map<int, long>> counts() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _counts;
    }
    std::vector<Event> unusual() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _unusual;
    }

private:
    mutable std::mutex _mutex;
    std::map<std::string, std::map<int, long>> _counts;
    std::vector<Event> _unusual;
};

Tally tally;

/// A client of one host whose answers are tallied.
class Api {
public:
    Api(std::string name, const std::string& host, Poco::UInt16 port) : _name(std::move(name)), _client(host, port, 30) {}
    /// A GET that gets no answer is tried once more on a new connection (the host closes idle
    /// keep-alive connections when it is busy); no answer then is counted, and the caller waits
    /// 50 ms so that a host that is down is not hammered.
    Answer call(const std::string& method, const std::string& path, const std::string& token, const std::string& body = "")
    {
        Answer a = _client.call(method, path, token, body);
        if (a.status == 0 && method == "GET")
            a = _client.call(method, path, token, body);
        tally.record(_name, a);
        if (a.status == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return a;
    }
    /// The data of a 2xx answer; throws otherwise (set-up and checks, where nothing may fail).
    Obj must(const std::string& method, const std::string& path, const std::string& token, const std::string& body = "")
    {
        for (int attempt = 0;; ++attempt) {
            Answer a = call(method, path, token, body);
            if (a.status >= 200 && a.status < 300) {
                auto o = parseObject(a.body);
                if (!o) throw std::runtime_error(method + " " + path + ": not JSON: " + a.body.substr(0, 200));
                return o;
            }
            // The checks run after the restarts: a dropped keep-alive connection is retried, nothing else.
            if (a.status != 0 || attempt == 3)
                throw std::runtime_error(_name + " " + method + " " + path + ": " + describe(a));
        }
    }

private:
    std::string _name;
    Client _client;
};

std::string str(std::int64_t v) { return std::to_string(v); }

/// Every item of a paged list (limit 500), as the admin sees it.
std::vector<Obj> listAll(Api& api, const std::string& path, const std::string& token)
{
    std::vector<Obj> all;
    for (std::int64_t offset = 0;; offset += 500) {
        Obj page = api.must("GET", path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=500&offset=" + str(offset), token);
        auto items = page->getArray("data");
        for (std::size_t i = 0; i < items->size(); ++i)
            all.push_back(items->getObject(static_cast<unsigned>(i)));
        if (items->size() < 500)
            return all;
    }
}

struct Settings {
    std::string host;
    Poco::UInt16 ecommercePort = 0, deliveryPort = 0;
    std::string admin, seller, tracker;
    int seconds = 600, connections = 64, products = 40, buyers = 64, drainSeconds = 900, dbGraceSeconds = 30;
    std::int64_t stock = 100000;
    std::string startedFile, eventsFile;
};

struct World {
    std::vector<std::int64_t> products;
    std::map<std::int64_t, std::int64_t> initialStock;
    std::vector<std::string> buyers;
};

World setUp(const Settings& s)
{
    Api shop("ecommerce", s.host, s.ecommercePort);
    World w;
    const std::int64_t sellerId = shop.must("GET", "/me", s.seller)->getObject("data")->getValue<std::int64_t>("id");
    std::vector<std::int64_t> stores;
    for (const char* name : {"Soak books", "Soak tools"})
        stores.push_back(shop.must("POST", "/stores", s.admin,
                                   std::string(R"({"name":")") + name + R"(","description":"soak","warehouse_address":"1 Soak Dock","users_ids":[)"
                                       + str(sellerId) + "]}")
                             ->getObject("data")
                             ->getValue<std::int64_t>("id"));
    for (int i = 0; i < s.products; ++i) {
        const std::int64_t id = shop.must("POST", "/products", s.seller,
                                          R"({"name":"Soak item )" + str(i) + R"(","short_description":"soak","quantity":)" + str(s.stock)
                                              + R"(,"store_id":)" + str(stores[static_cast<std::size_t>(i) % stores.size()]) + "}")
                                    ->getObject("data")
                                    ->getValue<std::int64_t>("id");
        w.products.push_back(id);
        w.initialStock[id] = s.stock;
    }
    const std::string run = str(epochMillis());
    for (int i = 0; i < s.buyers; ++i)
        w.buyers.push_back(shop.must("POST", "/signup", "",
                                     R"({"name":"Soak Buyer )" + str(i) + R"(","username":"buyer)" + str(i) + "." + run
                                         + R"(@soak.example.com","password":"soak password 1","shipping_address":")" + str(i) + R"( Soak Street"})")
                               ->getValue<std::string>("data"));
    return w;
}

/// One connection's worth of traffic: a buyer (and the seller) working on their own orders.
void worker(const Settings& s, const World& w, int index, const std::atomic<bool>& stop)
{
    Api shop("ecommerce", s.host, s.ecommercePort);
    Api delivery("delivery", s.host, s.deliveryPort);
    std::mt19937_64 rng(static_cast<std::uint64_t>(index) * 7919 + 17);
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    const std::string& buyer = w.buyers[static_cast<std::size_t>(index) % w.buyers.size()];
    std::vector<std::int64_t> created, dispatched;
    const auto product = [&] { return w.products[pick(w.products.size())]; };
    const auto idOf = [](const Answer& a) -> std::int64_t {
        auto d = dataOf(a.body);
        return d ? d->getValue<std::int64_t>("id") : 0;
    };
    while (!stop) {
        const std::size_t roll = pick(100);
        if (roll < 25) {
            shop.call("GET", "/products/" + str(product()), buyer);
        } else if (roll < 35) {
            shop.call("GET", "/products?limit=20&offset=" + str(static_cast<std::int64_t>(pick(w.products.size()))), buyer);
        } else if (roll < 55) {
            std::string lines = R"({"product_id":)" + str(product()) + R"(,"quantity":)" + str(1 + static_cast<std::int64_t>(pick(3))) + "}";
            if (pick(2) == 0)
                lines += R"(,{"product_id":)" + str(product()) + R"(,"quantity":1})";
            Answer a = shop.call("POST", "/orders", buyer, R"({"products":[)" + lines + "]}");
            if (a.status == 201)
                created.push_back(idOf(a));
        } else if (roll < 58 && !created.empty()) {
            shop.call("POST", "/orders/" + str(created[pick(created.size())]) + "/products", buyer,
                      R"({"product_id":)" + str(product()) + R"(,"quantity":1})");
        } else if (roll < 65 && !created.empty()) {
            const std::size_t i = pick(created.size());
            shop.call("DELETE", "/orders/" + str(created[i]), buyer);
            created.erase(created.begin() + static_cast<std::ptrdiff_t>(i));
        } else if (roll < 80 && !created.empty()) {
            const std::size_t i = pick(created.size());
            const std::int64_t id = created[i];
            created.erase(created.begin() + static_cast<std::ptrdiff_t>(i));
            if (shop.call("PUT", "/orders/" + str(id), s.seller, R"({"status":"CONFIRMED"})").status == 200
                && shop.call("PUT", "/orders/" + str(id), s.seller, R"({"status":"DISPATCHED"})").status == 200)
                dispatched.push_back(id);
        } else if (roll < 90 && !dispatched.empty()) {
            Answer a = shop.call("GET", "/orders/" + str(dispatched[pick(dispatched.size())]), buyer);
            auto d = dataOf(a.body);
            if (d && d->has("delivery") && !d->isNull("delivery"))
                delivery.call("GET", "/track/" + d->getObject("delivery")->getValue<std::string>("tracking_number"), "");
        } else {
            shop.call("GET", "/orders?limit=10", buyer);
        }
        if (created.size() > 50)
            created.erase(created.begin());
        if (dispatched.size() > 200)
            dispatched.erase(dispatched.begin());
    }
}

void ticker(const Settings& s, const std::atomic<bool>& stop)
{
    Api delivery("delivery", s.host, s.deliveryPort);
    while (!stop) {
        delivery.call("POST", "/admin/tick", s.tracker);
        for (int i = 0; i < 20 && !stop; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

bool report(const std::string& name, bool ok, const std::string& detail)
{
    std::cout << "check " << name << ": " << (ok ? "PASS" : "FAIL") << " " << detail << std::endl;
    return ok;
}

struct Window {
    std::int64_t from, to;
    std::string host; ///< empty: every host (the database)
};

/// The fault windows from the events file: the database's (every host, grace after it is up) and
/// each killed host's (that host, 5 s after it is up).
std::vector<Window> windows(const Settings& s)
{
    std::vector<Window> out;
    std::ifstream in(s.eventsFile);
    std::map<std::string, std::int64_t> open;
    std::int64_t at = 0;
    std::string what;
    while (in >> at >> what) {
        if (what == "mariadb-down") open["db"] = at;
        else if (what == "mariadb-up" && open.count("db")) out.push_back({open["db"] - 500, at + s.dbGraceSeconds * 1000, ""});
        else if (what.rfind("kill-", 0) == 0) open[what.substr(5)] = at;
        else if (what.size() > 3 && what.substr(what.size() - 3) == "-up" && open.count(what.substr(0, what.size() - 3)))
            out.push_back({open[what.substr(0, what.size() - 3)] - 500, at + 5000, what.substr(0, what.size() - 3)});
    }
    return out;
}

bool checkStatuses(const Settings& s)
{
    const auto faults = windows(s);
    long bad5xx = 0, outside503 = 0, inside503 = 0, outsideTransport = 0, insideTransport = 0;
    std::string examples;
    for (const auto& e : tally.unusual()) {
        bool inDb = false, inHost = false;
        for (const auto& w : faults) {
            if (e.at < w.from || e.at > w.to) continue;
            if (w.host.empty()) inDb = true;
            else if (w.host == e.host) inHost = true;
        }
        const auto example = [&](const std::string& kind) {
            if (examples.size() < 1500)
                examples += "\n    " + kind + " " + e.host + " at " + str(e.at) + ": " + e.detail;
        };
        if (e.status == 503) {
            if (inDb) ++inside503;
            else { ++outside503; example("503 outside the database window"); }
        } else if (e.status >= 500) {
            ++bad5xx;
            example(str(e.status));
        } else if (e.status == 0) {
            if (inDb || inHost) ++insideTransport;
            else { ++outsideTransport; example("no answer outside a fault window"); }
        }
    }
    std::ostringstream counts;
    for (const auto& [host, byStatus] : tally.counts()) {
        counts << host << ":";
        for (const auto& [status, n] : byStatus)
            counts << " " << (status == 0 ? std::string("no-answer") : str(status)) << "=" << n;
        counts << "; ";
    }
    std::cout << "answers by status: " << counts.str() << std::endl;
    std::cout << "fault windows: " << faults.size() << " (database and killed host)" << std::endl;
    bool ok = report("5xx", bad5xx == 0 && outside503 == 0,
                     "5xx other than 503: " + str(bad5xx) + "; 503 while the database was down: " + str(inside503)
                         + "; 503 at other times: " + str(outside503));
    ok = report("transport", outsideTransport == 0,
                "no answer inside fault windows: " + str(insideTransport) + ", outside: " + str(outsideTransport)) && ok;
    if (!examples.empty())
        std::cout << "  examples:" << examples << std::endl;
    return ok;
}

/// Drain and check everything the API shows.
bool drainAndCheck(const Settings& s, const World& w)
{
    Api shop("ecommerce", s.host, s.ecommercePort);
    Api delivery("delivery", s.host, s.deliveryPort);
    const auto deadline = Clock::now() + std::chrono::seconds(s.drainSeconds);
    const auto t0 = Clock::now();
    // (a) the relay: every DISPATCHED order has its tracking number.
    std::size_t waiting = 0;
    do {
        waiting = 0;
        for (const auto& o : listAll(shop, "/orders?status=DISPATCHED", s.admin))
            if (o->isNull("delivery")) ++waiting;
        if (waiting == 0) break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    } while (Clock::now() < deadline);
    std::cout << "drain: relay done after " << seconds(Clock::now() - t0) << " s (" << waiting << " orders still without a delivery)" << std::endl;
    // (b) tick until every delivery is DELIVERED (NOT_DELIVERED goes back on the road).
    int ticks = 0;
    std::size_t moving = 0;
    do {
        moving = 0;
        for (const auto& d : listAll(delivery, "/deliveries", s.tracker)) {
            const std::string st = d->getValue<std::string>("status");
            if (st != "DELIVERED" && st != "CANCELLED") ++moving;
        }
        if (moving == 0) break;
        delivery.must("POST", "/admin/tick", s.tracker);
        ++ticks;
        // Every delivery still moving makes one event per tick: a tick storm would only grow the
        // webhook backlog the next step waits for.
        std::this_thread::sleep_for(std::chrono::seconds(2));
    } while (Clock::now() < deadline);
    std::cout << "drain: " << ticks << " ticks until every delivery was final (" << moving << " not final)" << std::endl;
    // (c) the webhooks: no order DISPATCHED any more.
    std::size_t stuck = 0;
    do {
        stuck = listAll(shop, "/orders?status=DISPATCHED", s.admin).size();
        if (stuck == 0) break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    } while (Clock::now() < deadline);
    std::cout << "drain: webhooks done after " << seconds(Clock::now() - t0) << " s" << std::endl;

    const auto orders = listAll(shop, "/orders", s.admin);
    const auto deliveries = listAll(delivery, "/deliveries", s.tracker);
    std::map<std::string, long> byStatus;
    std::map<std::int64_t, std::int64_t> sold;
    std::map<std::int64_t, std::string> trackingOf; // order id → tracking number shown by the order
    long badDelivered = 0;
    for (const auto& o : orders) {
        const std::string st = o->getValue<std::string>("status");
        ++byStatus[st];
        auto lines = o->getArray("products");
        if (st != "CANCELLED")
            for (std::size_t i = 0; i < lines->size(); ++i) {
                auto l = lines->getObject(static_cast<unsigned>(i));
                sold[l->getValue<std::int64_t>("product_id")] += l->getValue<std::int64_t>("quantity");
            }
        if (st == "DISPATCHED" || st == "DELIVERED") {
            if (o->isNull("delivery") || o->getObject("delivery")->getValue<std::string>("status") != "DELIVERED" || st != "DELIVERED")
                ++badDelivered;
            trackingOf[o->getValue<std::int64_t>("id")] = o->isNull("delivery") ? "" : o->getObject("delivery")->getValue<std::string>("tracking_number");
        }
    }
    std::ostringstream statuses;
    for (const auto& [st, n] : byStatus)
        statuses << " " << st << "=" << n;
    std::cout << "orders:" << statuses.str() << " (total " << orders.size() << "); deliveries: " << deliveries.size() << std::endl;

    bool ok = true;
    long wrongStock = 0;
    std::int64_t totalSold = 0;
    std::string stockDetail;
    for (std::int64_t p : w.products) {
        const std::int64_t remaining = shop.must("GET", "/products/" + str(p), s.admin)->getObject("data")->getValue<std::int64_t>("quantity");
        totalSold += sold[p];
        if (remaining + sold[p] != w.initialStock.at(p)) {
            ++wrongStock;
            if (stockDetail.size() < 400)
                stockDetail += " product " + str(p) + ": " + str(remaining) + " left + " + str(sold[p]) + " sold != " + str(w.initialStock.at(p)) + ";";
        }
    }
    ok = report("stock", wrongStock == 0,
                str(static_cast<std::int64_t>(w.products.size()) - wrongStock) + "/" + str(static_cast<std::int64_t>(w.products.size()))
                    + " products conserve their stock (" + str(totalSold) + " units in live orders)" + stockDetail) && ok;
    ok = report("stuck", stuck == 0 && badDelivered == 0,
                str(static_cast<std::int64_t>(stuck)) + " orders still DISPATCHED, " + str(badDelivered)
                    + " dispatched orders not DELIVERED with a DELIVERED delivery") && ok;
    std::map<std::int64_t, std::vector<std::string>> perOrder;
    for (const auto& d : deliveries)
        perOrder[d->getObject("order")->getValue<std::int64_t>("foreign_order_id")].push_back(d->getValue<std::string>("tracking_number"));
    long missing = 0, doubled = 0, foreign = 0, mismatched = 0;
    for (const auto& [order, tn] : trackingOf) {
        auto it = perOrder.find(order);
        if (it == perOrder.end()) ++missing;
        else if (it->second.size() > 1) ++doubled;
        else if (it->second.front() != tn) ++mismatched;
    }
    for (const auto& [order, tns] : perOrder)
        if (!trackingOf.count(order)) ++foreign;
    ok = report("deliveries", missing == 0 && doubled == 0 && foreign == 0 && mismatched == 0,
                str(static_cast<std::int64_t>(trackingOf.size())) + " dispatched orders: " + str(missing) + " without a delivery, " + str(doubled)
                    + " with several, " + str(mismatched) + " with another tracking number; " + str(foreign)
                    + " deliveries of orders never dispatched") && ok;
    return ok;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        Options o(argc, argv, 1);
        Settings s;
        s.host = o.text("host", "127.0.0.1");
        s.ecommercePort = static_cast<Poco::UInt16>(o.integer("ecommerce-port", 0));
        s.deliveryPort = static_cast<Poco::UInt16>(o.integer("delivery-port", 0));
        s.admin = o.token("admin-token-file");
        s.seller = o.token("seller-token-file");
        s.tracker = o.token("tracker-token-file");
        s.seconds = static_cast<int>(o.integer("seconds", 600));
        s.connections = static_cast<int>(o.integer("connections", 64));
        s.products = static_cast<int>(o.integer("products", 40));
        s.stock = o.integer("stock", 100000);
        s.buyers = static_cast<int>(o.integer("buyers", 64));
        s.drainSeconds = static_cast<int>(o.integer("drain-seconds", 900));
        s.dbGraceSeconds = static_cast<int>(o.integer("db-grace-seconds", 30));
        s.startedFile = o.text("started-file", "");
        s.eventsFile = o.text("events-file", "");
        if (s.ecommercePort == 0 || s.deliveryPort == 0)
            throw std::invalid_argument("--ecommerce-port and --delivery-port are required");

        World w = setUp(s);
        std::cout << "setup: " << w.products.size() << " products of " << s.stock << " units, " << w.buyers.size() << " buyers" << std::endl;
        std::atomic<bool> stop{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < s.connections; ++i)
            threads.emplace_back(worker, std::cref(s), std::cref(w), i, std::cref(stop));
        threads.emplace_back(ticker, std::cref(s), std::cref(stop));
        if (!s.startedFile.empty())
            std::ofstream(s.startedFile) << epochMillis() << "\n";
        std::cout << "traffic: " << s.connections << " connections for " << s.seconds << " s" << std::endl;
        const auto start = Clock::now();
        while (Clock::now() - start < std::chrono::seconds(s.seconds))
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        stop = true;
        for (auto& t : threads)
            t.join();
        long total = 0;
        for (const auto& [host, byStatus] : tally.counts())
            for (const auto& [status, n] : byStatus)
                total += n;
        std::cout << "traffic: " << total << " requests in " << seconds(Clock::now() - start) << " s" << std::endl;
        const bool statuses = checkStatuses(s); // before the drain: its own requests come after every fault
        const bool state = drainAndCheck(s, w);
        std::cout << "soak-driver: " << (statuses && state ? "PASS" : "FAIL") << std::endl;
        return statuses && state ? 0 : 1;
    } catch (const std::exception& e) {
        std::cout << "check driver: FAIL " << e.what() << std::endl << "soak-driver: FAIL" << std::endl;
        return 2;
    }
}
