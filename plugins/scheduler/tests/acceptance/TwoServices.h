#pragma once
// The ecommerce and the delivery service as two real `mercato` processes that talk to each other
// over loopback, with the scheduler plugin running their background work: the host configs of the
// main flow (dispatch → POST /deliveries → ticks → webhooks back), ports picked before start (the
// ecommerce host must know the delivery URL and its own receiver URL), each host logging to a file
// of its own so that a failing check can show what the hosts said, and polling with a deadline.
#include "../../../delivery/tests/acceptance/DeliveryService.h"
#include "../../../ecommerce/tests/acceptance/EcommerceService.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Process.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

namespace mercato::test {

/// A TCP port on 127.0.0.1 that nothing listens on right now (bound to :0, read, closed).
inline int freePort()
{
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    const int port = socket.address().port();
    socket.close();
    return port;
}

/// Calls `probe` every 100 ms until it returns true or `seconds` have passed; true when it did.
template <class Probe>
bool eventually(Probe probe, int seconds = 30)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (true) {
        if (probe())
            return true;
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

/// The last `chars` characters of a file ("" when it does not exist).
/// How many jobs of a host are dead (GET /admin/jobs?state=dead as its admin).
inline std::int64_t deadJobs(const HttpTestClient& http, const std::string& adminToken)
{
    HttpReply r = http.get("/admin/jobs?state=dead", adminToken);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
    return totalOf(r);
}

inline std::string fileTail(const std::string& path, std::size_t chars = 4000)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    return text.size() > chars ? "…" + text.substr(text.size() - chars) : text;
}

/// A service name of its own for hosts that keep their leader lease in the shared Redis (the key is
/// `mercato:<service.name>:scheduler:leader`): a suite running at the same time elsewhere on this
/// machine must not hold "our" lease and keep our tick from running.
inline std::string uniqueServiceName(const std::string& service)
{
    static std::atomic<int> n{0};
    return service + "-t" + std::to_string(Poco::Process::id()) + "-" + std::to_string(++n);
}

/// How the two hosts are set up.
struct Topology {
    Backend backend = Backend::SQLite;     ///< both services' databases (MySQL: MariaDB, and the leader lease in Redis)
    bool ecommerceScheduler = true;        ///< false: an API-only ecommerce host
    bool deliveryScheduler = true;         ///< false: an API-only delivery host
    bool subscribe = true;                 ///< the ecommerce host subscribes its receiver at start
};

/// The delivery host's config keys (DeliveryService adds the rest): fast ticks that always deliver,
/// webhook retries every second, loopback webhooks allowed.
inline std::map<std::string, std::string> deliveryHostConfig(int port, bool scheduler, bool redis, const std::string& logFile)
{
    std::map<std::string, std::string> c{
        {"http.port", std::to_string(port)},
        {"plugins.load", scheduler ? "accounts, delivery, scheduler" : "accounts, delivery"},
        {"log.level", "information"},
        {"log.file", logFile},
        {"delivery.tick.interval", "1"},
        {"delivery.tick.deliveredProbability", "1"},
        {"delivery.webhooks.allowPrivateNetworks", "true"},
        {"delivery.webhooks.retrySchedule", "1"},
        {"delivery.webhooks.retryEvery", "1"},
    };
    if (scheduler)
        c["scheduler.pollMillis"] = "50"; // scheduler.* keys are unknown (a start-up error) without the plugin
    if (redis && scheduler) {
        c["scheduler.redis.host"] = "127.0.0.1";
        c["service.name"] = uniqueServiceName("delivery");
    }
    return c;
}

/// The ecommerce host's config keys (EcommerceService adds the rest): the delivery service at
/// `deliveryPort` as its mock client delivery@example.com, retries every second, and (with
/// `subscribe`) its own POST /webhooks/delivery on `port` as the receiver.
inline std::map<std::string, std::string> ecommerceHostConfig(int port, int deliveryPort, bool scheduler, bool subscribe, bool redis,
                                                              const std::string& logFile)
{
    std::map<std::string, std::string> c{
        {"http.port", std::to_string(port)},
        {"plugins.load", scheduler ? "accounts, ecommerce, scheduler" : "accounts, ecommerce"},
        {"log.level", "information"},
        {"log.file", logFile},
        {"ecommerce.delivery.url", "http://127.0.0.1:" + std::to_string(deliveryPort)},
        {"ecommerce.delivery.username", "delivery@example.com"},
        {"ecommerce.delivery.password", "password"},
        {"ecommerce.delivery.retrySchedule", "1"},
        {"ecommerce.delivery.retryEvery", "1"},
        {"ecommerce.delivery.webhookSecret", kDeliveryWebhookSecret},
    };
    if (scheduler)
        c["scheduler.pollMillis"] = "50";
    if (subscribe)
        c["ecommerce.delivery.receiverUrl"] = "http://127.0.0.1:" + std::to_string(port) + "/webhooks/delivery";
    if (redis && scheduler) {
        c["scheduler.redis.host"] = "127.0.0.1";
        c["service.name"] = uniqueServiceName("ecommerce");
    }
    return c;
}

/// Both services, each started when the test says so (the ports are fixed from the start).
class TwoServices {
public:
    explicit TwoServices(Topology topology = {})
        : _topology(topology), _ecommercePort(freePort()), _deliveryPort(freePort())
    {
        while (_deliveryPort == _ecommercePort)
            _deliveryPort = freePort();
    }

    /// Starts the delivery host on its port (with `overrides` on top of deliveryHostConfig).
    DeliveryService& startDelivery(const std::map<std::string, std::string>& overrides = {})
    {
        auto config = deliveryHostConfig(_deliveryPort, _topology.deliveryScheduler, redis(), deliveryLog());
        for (const auto& [k, v] : overrides)
            config[k] = v;
        _delivery = std::make_unique<DeliveryService>(
            _topology.backend == Backend::MySQL ? DeliveryService::Db::MariaDB : DeliveryService::Db::SQLite, config);
        return *_delivery;
    }

    /// Starts the ecommerce host on its port, pointed at the delivery port (listening or not).
    EcommerceService& startEcommerce(const std::map<std::string, std::string>& overrides = {})
    {
        auto config = ecommerceHostConfig(_ecommercePort, _deliveryPort, _topology.ecommerceScheduler, _topology.subscribe, redis(),
                                          ecommerceLog());
        for (const auto& [k, v] : overrides)
            config[k] = v;
        _ecommerce = std::make_unique<EcommerceService>(_topology.backend, config);
        return *_ecommerce;
    }

    /// Both, the delivery host first (so that the ecommerce host's subscription succeeds at once).
    void startBoth()
    {
        startDelivery();
        startEcommerce();
    }

    EcommerceService& ecommerce() { return *_ecommerce; }
    DeliveryService& delivery() { return *_delivery; }
    int ecommercePort() const { return _ecommercePort; }
    int deliveryPort() const { return _deliveryPort; }
    std::string receiverUrl() const { return "http://127.0.0.1:" + std::to_string(_ecommercePort) + "/webhooks/delivery"; }
    std::string ecommerceLog() const { return _logs.file("ecommerce.log"); }
    std::string deliveryLog() const { return _logs.file("delivery.log"); }

    /// The end of both hosts' logs, for failure messages.
    std::string logs() const
    {
        return "\n--- ecommerce log:\n" + fileTail(ecommerceLog()) + "\n--- delivery log:\n" + fileTail(deliveryLog());
    }

private:
    bool redis() const { return _topology.backend == Backend::MySQL; }

    Topology _topology;
    TempDir _logs;
    int _ecommercePort;
    int _deliveryPort;
    // The ecommerce host stops first: it calls the delivery host, not the other way round.
    std::unique_ptr<DeliveryService> _delivery;
    std::unique_ptr<EcommerceService> _ecommerce;
};

} // namespace mercato::test
