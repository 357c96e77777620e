// Webhook bench: the delivery service's webhooks (API.md §3.3) as a subscriber sees them. It runs an
// HTTP receiver on 127.0.0.1 (an ephemeral port, many threads) that records, per webhook-id, when
// the event was first acknowledged (200) and in which order, checks each signature, and can answer
// 503 for a while ("down"); it subscribes that receiver on the delivery host as a DELIVERY_CLIENT,
// creates deliveries through POST /deliveries, and measures what arrives.
//
// Usage: mercato-webhook-bench MODE [--key=value ...]
//   latency     create --deliveries (2000) at --rate (100/s) on --connections (8), healthy receiver;
//               notify latency = first 200 of a delivery's sequence-1 event minus its 201's arrival
//   throughput  create --deliveries (20000) as fast as --connections (32) allow, until every
//               sequence-1 event arrived: creates/s and events/s
//   outage      the receiver answers 503 for --down seconds (600) while deliveries are created at
//               --rate (20/s) and the host's ticks move them; then 200: the backlog (every event of
//               those deliveries dated up to that moment, read from their tracking) and the time to
//               drain it, duplicates and out-of-order acknowledgements
//   tick        one POST /admin/tick (--admin-token-file) while the receiver takes what it sends:
//               tick seconds, events received during the tick and after, until --expect events
//               (default: the tick's "moved") arrived or --timeout (60 s) passed
//   dispatch    no receiver: --orders (300) orders of --product-id on the ecommerce host
//               (--ecommerce-port) are bought (--buyer-token-file) and confirmed (--seller-token-file),
//               then dispatched at --rate (20/s); each order is polled every --poll-ms (20) until its
//               delivery.tracking_number appears: dispatch-to-delivery latency
// Common: --host (127.0.0.1) --port (9000, the delivery host) --client-token-file (a DELIVERY_CLIENT's
// JWT) --receiver-threads (64) --order-base (first foreign_order_id; default from the clock)
// --timeout (seconds to wait for arrivals; 300, tick 60) --settle (seconds kept listening for late
// duplicates after the last expected event; 2, outage 5).
// Prints one line of key=value figures (latencies in ms, times in s); exit 0 unless it cannot start.
#include "../common/BenchClient.h"

#include <Poco/Base64Decoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

using namespace mercato::bench;

// ---- Standard Webhooks signature check

struct Sha256 : Poco::SHA2Engine {
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

std::string base64(const Poco::DigestEngine::Digest& bytes)
{
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = bytes[i] << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

/// The HMAC key of `whsec_<base64>` (empty when the secret has another form).
std::string webhookKey(const std::string& secret)
{
    if (secret.rfind("whsec_", 0) != 0) return "";
    std::istringstream in(secret.substr(6));
    Poco::Base64Decoder decoder(in);
    std::string key;
    Poco::StreamCopier::copyToString(decoder, key);
    return key;
}

bool signatureValid(const std::string& key, const std::string& id, const std::string& timestamp, const std::string& signatures,
                    const std::string& body)
{
    Poco::HMACEngine<Sha256> hmac(key);
    hmac.update(id + "." + timestamp + "." + body);
    const std::string expected = "v1," + base64(hmac.digest());
    std::istringstream in(signatures);
    for (std::string s; in >> s;)
        if (s == expected) return true;
    return false;
}

// ---- the receiver

struct Event {
    std::string trackingNumber;
    int sequence = 0;
    int acks = 0;             // 200s answered for this webhook-id
    Clock::time_point firstAck{};
    long ackOrder = 0;        // 1, 2, … in the order of first acknowledgement
};

class Recorder {
public:
    void setSecret(const std::string& secret)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _key = webhookKey(secret);
    }
    void setDownUntil(Clock::time_point until) { _downUntil.store(until.time_since_epoch().count()); }

    /// One webhook request: the status to answer.
    int handle(const std::string& id, const std::string& timestamp, const std::string& signature, const std::string& body,
               Clock::time_point arrival)
    {
        ++requests;
        if (arrival.time_since_epoch().count() < _downUntil.load()) {
            ++refused;
            return 503;
        }
        std::string key;
        {
            std::lock_guard<std::mutex> lock(_mutex);
            key = _key;
        }
        if (id.empty() || timestamp.empty() || signature.empty() || key.empty() || !signatureValid(key, id, timestamp, signature, body)) {
            ++badSignatures;
            return 401;
        }
        auto event = parseObject(body);
        auto data = event ? event->getObject("data") : nullptr;
        if (!data || !data->has("tracking_number") || !data->has("sequence") || event->optValue<std::string>("id", "") != id) {
            ++malformed;
            return 400;
        }
        const std::string trackingNumber = data->getValue<std::string>("tracking_number");
        const int sequence = data->getValue<int>("sequence");
        std::lock_guard<std::mutex> lock(_mutex);
        Event& e = _events[id];
        if (e.acks == 0) {
            e.trackingNumber = trackingNumber;
            e.sequence = sequence;
            e.firstAck = arrival;
            e.ackOrder = ++_ackCounter;
            _bySequence[trackingNumber + ":" + std::to_string(sequence)] = &e;
            _lastAck = std::max(_lastAck, arrival);
            if (_firstAck == Clock::time_point{}) _firstAck = arrival;
        } else {
            ++duplicates;
        }
        ++e.acks;
        return 200;
    }

    /// When (tracking number, sequence) was first acknowledged.
    std::optional<Clock::time_point> acked(const std::string& trackingNumber, int sequence) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return ackedLocked(trackingNumber, sequence);
    }
    /// Removes from `pending` every (tracking number, sequence) acknowledged by now.
    void dropAcked(std::vector<std::pair<std::string, int>>& pending) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        pending.erase(std::remove_if(pending.begin(), pending.end(), [this](const auto& p) { return ackedLocked(p.first, p.second).has_value(); }),
                      pending.end());
    }
    long acknowledged() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _ackCounter;
    }
    long acknowledgedUntil(Clock::time_point t) const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        long n = 0;
        for (const auto& [id, e] : _events)
            if (e.acks > 0 && e.firstAck <= t) ++n;
        return n;
    }
    std::vector<Event> events() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<Event> out;
        out.reserve(_events.size());
        for (const auto& [id, e] : _events) out.push_back(e);
        return out;
    }
    Clock::time_point firstAck() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _firstAck;
    }
    Clock::time_point lastAck() const
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _lastAck;
    }

    std::atomic<long> requests{0}, refused{0}, badSignatures{0}, malformed{0}, duplicates{0};

private:
    std::optional<Clock::time_point> ackedLocked(const std::string& trackingNumber, int sequence) const
    {
        auto it = _bySequence.find(trackingNumber + ":" + std::to_string(sequence));
        if (it == _bySequence.end()) return std::nullopt;
        return it->second->firstAck;
    }

    mutable std::mutex _mutex;
    std::string _key;
    std::atomic<Clock::rep> _downUntil{0};
    std::unordered_map<std::string, Event> _events; // by webhook-id (node addresses stay put)
    std::unordered_map<std::string, Event*> _bySequence;
    long _ackCounter = 0;
    Clock::time_point _firstAck{}, _lastAck{};
};

class HookHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit HookHandler(Recorder& recorder) : _recorder(recorder) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        const auto arrival = Clock::now();
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        int status = 404;
        if (request.getMethod() == Poco::Net::HTTPRequest::HTTP_POST && request.getURI() == "/hook")
            status = _recorder.handle(request.get("webhook-id", ""), request.get("webhook-timestamp", ""),
                                      request.get("webhook-signature", ""), body, arrival);
        const std::string answer = status == 200 ? "{\"ok\":true}" : "{\"ok\":false}";
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentType("application/json");
        response.setContentLength(static_cast<std::streamsize>(answer.size()));
        response.send() << answer;
    }

private:
    Recorder& _recorder;
};

class HookFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HookFactory(Recorder& recorder) : _recorder(recorder) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new HookHandler(_recorder); }

private:
    Recorder& _recorder;
};

class Receiver {
public:
    Receiver(Recorder& recorder, int threads)
        : _pool(2, threads + 4), _socket(Poco::Net::SocketAddress("127.0.0.1", 0), 1024)
    {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(1024);
        params->setKeepAlive(true);
        params->setMaxKeepAliveRequests(0);
        params->setKeepAliveTimeout(Poco::Timespan(30, 0));
        _server = std::make_unique<Poco::Net::HTTPServer>(new HookFactory(recorder), _pool, _socket, params);
        _server->start();
    }
    ~Receiver() { _server->stopAll(true); }
    Poco::UInt16 port() const { return _socket.address().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/hook"; }

private:
    Poco::ThreadPool _pool;
    Poco::Net::ServerSocket _socket;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
};

// ---- the delivery host

struct Target {
    std::string host;
    Poco::UInt16 port;
    std::string clientToken;
};

struct Subscription {
    long id = 0;
    std::string secret;
};

Subscription subscribe(const Target& t, const std::string& url, const std::string& mode)
{
    Client client(t.host, t.port);
    Answer a = client.call("POST", "/webhooks", t.clientToken,
                           "{\"url\":\"" + url + "\",\"description\":\"mercato-webhook-bench " + mode + "\"}");
    auto data = a.status == 201 ? dataOf(a.body) : nullptr;
    if (!data) throw std::runtime_error("POST /webhooks: " + describe(a));
    return {data->getValue<long>("id"), data->getValue<std::string>("secret")};
}

void unsubscribe(const Target& t, const Subscription& s)
{
    Client client(t.host, t.port);
    Answer a = client.call("DELETE", "/webhooks/" + std::to_string(s.id), t.clientToken);
    if (a.status != 200) std::cerr << "mercato-webhook-bench: DELETE /webhooks/" << s.id << ": " << describe(a) << "\n";
}

struct Created {
    std::string trackingNumber;
    Clock::time_point at; // the 201's arrival
};

struct Creation {
    std::vector<Created> created;
    long errors = 0;
    Clock::time_point start, end;
};

/// POSTs up to `count` deliveries on `connections` connections, the i-th due at start + i / rate
/// (rate 0: as fast as the answers come), none due at or after `stopAt`.
Creation createDeliveries(const Target& t, long count, double rate, int connections, long orderBase, Clock::time_point stopAt)
{
    Creation result;
    std::atomic<long> next{0};
    std::mutex mutex;
    std::atomic<bool> reported{false};
    result.start = Clock::now();
    const auto start = result.start;
    auto work = [&] {
        Client client(t.host, t.port);
        std::vector<Created> mine;
        long errors = 0;
        for (;;) {
            const long i = next.fetch_add(1);
            if (i >= count) break;
            if (rate > 0) {
                const auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(i) / rate));
                if (due >= stopAt) break;
                std::this_thread::sleep_until(due);
            }
            if (Clock::now() >= stopAt) break;
            const std::string body = "{\"order\":{\"foreign_order_id\":" + std::to_string(orderBase + i)
                                     + ",\"products\":[{\"sku\":1,\"name\":\"Book\",\"qty\":1}]},\"origin\":{\"address\":\"1 Dock Road\"},"
                                       "\"destination\":{\"name\":\"Ada\",\"address\":\"2 Home Lane\"}}";
            Answer a = client.call("POST", "/deliveries", t.clientToken, body);
            auto data = a.status == 201 ? dataOf(a.body) : nullptr;
            if (data && data->has("tracking_number")) {
                mine.push_back({data->getValue<std::string>("tracking_number"), a.at});
            } else {
                ++errors;
                if (!reported.exchange(true)) std::cerr << "mercato-webhook-bench: POST /deliveries: " << describe(a) << "\n";
            }
        }
        std::lock_guard<std::mutex> lock(mutex);
        result.created.insert(result.created.end(), mine.begin(), mine.end());
        result.errors += errors;
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c) threads.emplace_back(work);
    for (auto& th : threads) th.join();
    result.end = Clock::now();
    return result;
}

/// Waits until every (tracking number, sequence) of `pending` was acknowledged or `deadline`;
/// prints progress every 10 s. Returns how many never arrived.
std::size_t awaitAll(const Recorder& recorder, std::vector<std::pair<std::string, int>> pending, Clock::time_point deadline,
                     const std::string& what)
{
    auto lastReport = Clock::now();
    for (;;) {
        recorder.dropAcked(pending);
        if (pending.empty() || Clock::now() >= deadline) return pending.size();
        if (Clock::now() - lastReport >= std::chrono::seconds(10)) {
            lastReport = Clock::now();
            std::cerr << "mercato-webhook-bench: " << pending.size() << " " << what << " still to arrive; " << recorder.acknowledged()
                      << " events acknowledged, " << recorder.refused.load() << " refused\n";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

// ---- figures common to the modes

struct Analysis {
    long events = 0;      // distinct webhook-ids acknowledged
    long outOfOrder = 0;  // sequence n acknowledged before n-1 (or n-1 never, for our own deliveries)
    std::vector<double> notifyMs;
    long early = 0;       // sequence 1 acknowledged before the 201 arrived
    long notified = 0;
    Clock::time_point lastNotified{};
};

Analysis analyse(const Recorder& recorder, const std::vector<Created>& created)
{
    Analysis a;
    const std::vector<Event> events = recorder.events();
    std::unordered_map<std::string, std::map<int, long>> orders; // tracking number → sequence → ack order
    for (const auto& e : events)
        if (e.acks > 0) {
            ++a.events;
            orders[e.trackingNumber][e.sequence] = e.ackOrder;
        }
    std::unordered_set<std::string> ours;
    for (const auto& c : created) ours.insert(c.trackingNumber);
    for (const auto& [tn, seqs] : orders)
        for (const auto& [seq, order] : seqs) {
            if (seq <= 1) continue;
            auto prev = seqs.find(seq - 1);
            if (prev == seqs.end() ? ours.count(tn) > 0 : prev->second > order) ++a.outOfOrder;
        }
    for (const auto& c : created) {
        auto at = recorder.acked(c.trackingNumber, 1);
        if (!at) continue;
        ++a.notified;
        a.lastNotified = std::max(a.lastNotified, *at);
        if (*at < c.at) ++a.early;
        a.notifyMs.push_back(std::max(0.0, millis(*at - c.at)));
    }
    return a;
}

std::string commonFigures(const Recorder& r, const Analysis& a)
{
    char line[512];
    std::snprintf(line, sizeof line,
                  "events=%ld requests=%ld refused_503=%ld duplicates=%ld out_of_order=%ld bad_signatures=%ld malformed=%ld", a.events,
                  r.requests.load(), r.refused.load(), r.duplicates.load(), a.outOfOrder, r.badSignatures.load(), r.malformed.load());
    return line;
}

std::string notifyFigures(const Analysis& a, std::size_t created)
{
    const double maxMs = a.notifyMs.empty() ? 0 : *std::max_element(a.notifyMs.begin(), a.notifyMs.end());
    char line[512];
    std::snprintf(line, sizeof line, "notified=%ld missing=%ld notify_p50_ms=%.1f notify_p99_ms=%.1f notify_max_ms=%.1f webhook_before_201=%ld",
                  a.notified, static_cast<long>(created) - a.notified, percentile(a.notifyMs, 0.50), percentile(a.notifyMs, 0.99), maxMs,
                  a.early);
    return line;
}

std::vector<std::pair<std::string, int>> firstEvents(const std::vector<Created>& created)
{
    std::vector<std::pair<std::string, int>> v;
    v.reserve(created.size());
    for (const auto& c : created) v.emplace_back(c.trackingNumber, 1);
    return v;
}

// ---- modes

/// The first foreign_order_id: --order-base, else a fresh range per run (Unix milliseconds × 1000).
long orderBase(const Options& o)
{
    const long now = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    return o.integer("order-base", now * 1000);
}

int runCreate(const std::string& mode, const Options& o, const Target& t)
{
    const bool latency = mode == "latency";
    const long count = o.integer("deliveries", latency ? 2000 : 20000);
    const double rate = o.number("rate", latency ? 100 : 0);
    const int connections = static_cast<int>(o.integer("connections", latency ? 8 : 32));
    Recorder recorder;
    Receiver receiver(recorder, static_cast<int>(o.integer("receiver-threads", 64)));
    const Subscription sub = subscribe(t, receiver.url(), mode);
    recorder.setSecret(sub.secret);

    const Creation c = createDeliveries(t, count, rate, connections, orderBase(o), Clock::time_point::max());
    const auto timeout = std::chrono::seconds(o.integer("timeout", 300));
    const std::size_t missing = awaitAll(recorder, firstEvents(c.created), Clock::now() + timeout, "first events");
    std::this_thread::sleep_for(std::chrono::seconds(o.integer("settle", 2)));
    unsubscribe(t, sub);
    const Analysis a = analyse(recorder, c.created);

    const double createS = seconds(c.end - c.start);
    const auto until = a.lastNotified == Clock::time_point{} ? Clock::now() : a.lastNotified;
    const double allS = seconds(until - c.start);
    const long eventsUntil = recorder.acknowledgedUntil(until);
    const double window = seconds(until - recorder.firstAck());
    std::printf("mode=%s deliveries=%zu create_errors=%ld rate=%.0f connections=%d create_s=%.2f creates_per_s=%.0f all_notified_s=%.2f "
                "events_until_all_notified=%ld events_per_s=%.0f first_events_per_s=%.0f %s %s timed_out=%d\n",
                mode.c_str(), c.created.size(), c.errors, rate, connections, createS,
                createS > 0 ? static_cast<double>(c.created.size()) / createS : 0.0, allS, eventsUntil,
                window > 0 ? static_cast<double>(eventsUntil) / window : 0.0,
                allS > 0 ? static_cast<double>(a.notified) / allS : 0.0, notifyFigures(a, c.created.size()).c_str(),
                commonFigures(recorder, a).c_str(), missing > 0 ? 1 : 0);
    return 0;
}

std::string utcString(std::chrono::system_clock::time_point t)
{
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

int runOutage(const Options& o, const Target& t)
{
    const double down = o.number("down", 600);
    const double rate = o.number("rate", 20);
    const int connections = static_cast<int>(o.integer("connections", 4));
    Recorder recorder;
    Receiver receiver(recorder, static_cast<int>(o.integer("receiver-threads", 64)));
    const auto start = Clock::now();
    const auto upAt = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(down));
    recorder.setDownUntil(upAt);
    const Subscription sub = subscribe(t, receiver.url(), "outage");
    recorder.setSecret(sub.secret);
    std::cerr << "mercato-webhook-bench: receiver down (503) for " << down << " s, creating deliveries at " << rate << "/s\n";

    const Creation c = createDeliveries(t, 1L << 40, rate, connections, orderBase(o), upAt);
    std::this_thread::sleep_until(upAt);
    const std::string upWall = utcString(std::chrono::system_clock::now());
    const long refusedWhileDown = recorder.refused.load();
    std::cerr << "mercato-webhook-bench: receiver up at " << upWall << " UTC after " << refusedWhileDown << " refusals; reading the backlog\n";

    // The backlog: every status change of our deliveries dated up to the moment the receiver came
    // up (their tracking, one entry per event, sequence = position).
    std::vector<std::pair<std::string, int>> backlog;
    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    std::atomic<long> unread{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 8; ++r)
        readers.emplace_back([&] {
            Client client(t.host, t.port);
            std::vector<std::pair<std::string, int>> mine;
            for (std::size_t i; (i = next.fetch_add(1)) < c.created.size();) {
                const std::string& tn = c.created[i].trackingNumber;
                Answer a = client.call("GET", "/deliveries/" + tn + "/tracking", t.clientToken);
                auto data = a.status == 200 ? dataOf(a.body) : nullptr;
                auto tracking = data ? data->getArray("tracking") : nullptr;
                if (!tracking) {
                    ++unread;
                    mine.emplace_back(tn, 1);
                    continue;
                }
                for (unsigned k = 0; k < tracking->size(); ++k)
                    if (tracking->getObject(k)->getValue<std::string>("date") <= upWall) mine.emplace_back(tn, static_cast<int>(k + 1));
            }
            std::lock_guard<std::mutex> lock(mutex);
            backlog.insert(backlog.end(), mine.begin(), mine.end());
        });
    for (auto& r : readers) r.join();
    const double readS = seconds(Clock::now() - upAt);

    const auto deadline = upAt + std::chrono::seconds(o.integer("timeout", 1800));
    const std::size_t missing = awaitAll(recorder, backlog, deadline, "backlog events");
    Clock::time_point drained = upAt;
    for (const auto& [tn, seq] : backlog)
        if (auto at = recorder.acked(tn, seq)) drained = std::max(drained, *at);
    std::this_thread::sleep_for(std::chrono::seconds(o.integer("settle", 5)));
    unsubscribe(t, sub);
    const Analysis a = analyse(recorder, c.created);
    const double drainS = seconds(drained - upAt);
    std::printf("mode=outage down_s=%.0f deliveries=%zu create_errors=%ld rate=%.0f refused_while_down=%ld backlog_events=%zu "
                "backlog_unread=%ld backlog_read_s=%.2f drain_s=%.2f drain_events_per_s=%.0f backlog_missing=%zu %s timed_out=%d\n",
                down, c.created.size(), c.errors, rate, refusedWhileDown, backlog.size(), unread.load(), readS, drainS,
                drainS > 0 ? static_cast<double>(backlog.size() - missing) / drainS : 0.0, missing, commonFigures(recorder, a).c_str(),
                missing > 0 ? 1 : 0);
    return 0;
}

int runTick(const Options& o, const Target& t)
{
    const std::string admin = o.token("admin-token-file");
    Recorder recorder;
    Receiver receiver(recorder, static_cast<int>(o.integer("receiver-threads", 64)));
    const Subscription sub = subscribe(t, receiver.url(), "tick");
    recorder.setSecret(sub.secret);

    Client client(t.host, t.port, 900);
    const auto start = Clock::now();
    Answer a = client.call("POST", "/admin/tick", admin);
    const auto tickEnd = Clock::now();
    auto data = a.status == 200 ? dataOf(a.body) : nullptr;
    const long moved = data ? data->getValue<long>("moved") : 0;
    if (!data) std::cerr << "mercato-webhook-bench: POST /admin/tick: " << describe(a) << "\n";
    const long expect = o.integer("expect", moved);
    const long duringTick = recorder.acknowledged();
    const auto deadline = tickEnd + std::chrono::seconds(o.integer("timeout", 60));
    auto lastReport = Clock::now();
    while (recorder.acknowledged() < expect && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (Clock::now() - lastReport >= std::chrono::seconds(10)) {
            lastReport = Clock::now();
            std::cerr << "mercato-webhook-bench: " << recorder.acknowledged() << " of " << expect << " events acknowledged\n";
        }
    }
    const long total = recorder.acknowledged();
    const bool all = total >= expect;
    const auto end = all ? recorder.lastAck() : Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(o.integer("settle", 2)));
    unsubscribe(t, sub);
    const Analysis an = analyse(recorder, {});
    const double tickS = seconds(tickEnd - start);
    const double sendS = seconds(end - start);
    std::printf("mode=tick tick_status=%d tick_s=%.2f moved=%ld expected_events=%ld events_during_tick=%ld events_during_tick_per_s=%.0f "
                "events_received=%ld events_per_s=%.0f all_sent=%d send_window_s=%.2f %s\n",
                a.status, tickS, moved, expect, duringTick, tickS > 0 ? static_cast<double>(duringTick) / tickS : 0.0, total,
                sendS > 0 ? static_cast<double>(total) / sendS : 0.0, all ? 1 : 0, sendS, commonFigures(recorder, an).c_str());
    return 0;
}

int runDispatch(const Options& o, const std::string& host)
{
    const auto port = static_cast<Poco::UInt16>(o.integer("ecommerce-port", 9001));
    const std::string buyer = o.token("buyer-token-file"), seller = o.token("seller-token-file");
    const long product = o.integer("product-id", 0);
    const long orders = o.integer("orders", 300);
    const double rate = o.number("rate", 20);
    const int connections = static_cast<int>(o.integer("connections", 16));
    const auto pollEvery = std::chrono::milliseconds(o.integer("poll-ms", 20));
    const auto timeout = std::chrono::seconds(o.integer("timeout", 120));
    if (product <= 0) throw std::invalid_argument("--product-id is required");

    // Bought and confirmed first; only the dispatch is timed.
    std::vector<long> ids(static_cast<std::size_t>(orders), 0);
    std::atomic<long> next{0}, prepareErrors{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < std::min(connections, 8); ++c)
        threads.emplace_back([&] {
            Client client(host, port);
            for (long i; (i = next.fetch_add(1)) < orders;) {
                Answer a = client.call("POST", "/orders", buyer, "{\"products\":[{\"product_id\":" + std::to_string(product) + ",\"quantity\":1}]}");
                auto data = a.status == 201 ? dataOf(a.body) : nullptr;
                if (!data) {
                    if (prepareErrors++ == 0) std::cerr << "mercato-webhook-bench: POST /orders: " << describe(a) << "\n";
                    continue;
                }
                const long id = data->getValue<long>("id");
                Answer b = client.call("PUT", "/orders/" + std::to_string(id), seller, "{\"status\":\"CONFIRMED\"}");
                if (b.status != 200) {
                    if (prepareErrors++ == 0) std::cerr << "mercato-webhook-bench: PUT /orders/" << id << " CONFIRMED: " << describe(b) << "\n";
                    continue;
                }
                ids[static_cast<std::size_t>(i)] = id;
            }
        });
    for (auto& th : threads) th.join();
    threads.clear();

    std::mutex mutex;
    std::vector<double> latencies;
    long dispatchErrors = 0, notCreated = 0, polls = 0;
    next = 0;
    const auto start = Clock::now();
    for (int c = 0; c < connections; ++c)
        threads.emplace_back([&] {
            Client client(host, port);
            std::vector<double> mine;
            long errors = 0, missing = 0, myPolls = 0;
            for (long i; (i = next.fetch_add(1)) < orders;) {
                const long id = ids[static_cast<std::size_t>(i)];
                if (id == 0) continue;
                std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(i) / rate)));
                const std::string path = "/orders/" + std::to_string(id);
                Answer d = client.call("PUT", path, seller, "{\"status\":\"DISPATCHED\"}");
                if (d.status != 200) {
                    if (errors++ == 0) std::cerr << "mercato-webhook-bench: PUT " << path << " DISPATCHED: " << describe(d) << "\n";
                    continue;
                }
                const auto deadline = d.at + timeout;
                bool found = false;
                while (!found && Clock::now() < deadline) {
                    Answer p = client.call("GET", path, buyer);
                    ++myPolls;
                    auto data = p.status == 200 ? dataOf(p.body) : nullptr;
                    auto delivery = data ? data->getObject("delivery") : nullptr;
                    if (delivery && delivery->has("tracking_number") && !delivery->isNull("tracking_number")) {
                        mine.push_back(millis(p.at - d.at));
                        found = true;
                    } else {
                        std::this_thread::sleep_for(pollEvery);
                    }
                }
                if (!found) ++missing;
            }
            std::lock_guard<std::mutex> lock(mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
            dispatchErrors += errors;
            notCreated += missing;
            polls += myPolls;
        });
    for (auto& th : threads) th.join();
    const double maxMs = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
    std::printf("mode=dispatch orders=%ld prepare_errors=%ld dispatch_errors=%ld rate=%.0f delivered_to_delivery=%zu not_created=%ld "
                "dispatch_to_delivery_p50_ms=%.1f dispatch_to_delivery_p99_ms=%.1f dispatch_to_delivery_max_ms=%.1f poll_ms=%ld polls=%ld run_s=%.2f\n",
                orders, prepareErrors.load(), dispatchErrors, rate, latencies.size(), notCreated, percentile(latencies, 0.50),
                percentile(latencies, 0.99), maxMs, static_cast<long>(pollEvery.count()), polls, seconds(Clock::now() - start));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: mercato-webhook-bench latency|throughput|outage|tick|dispatch [--key=value ...] (see the source's header)\n";
        return 64;
    }
    try {
        const std::string mode = argv[1];
        const Options o(argc, argv);
        const std::string host = o.text("host", "127.0.0.1");
        if (mode == "dispatch") return runDispatch(o, host);
        Target t{host, static_cast<Poco::UInt16>(o.integer("port", 9000)), o.token("client-token-file")};
        if (mode == "latency" || mode == "throughput") return runCreate(mode, o, t);
        if (mode == "outage") return runOutage(o, t);
        if (mode == "tick") return runTick(o, t);
        std::cerr << "mercato-webhook-bench: unknown mode " << mode << "\n";
        return 64;
    } catch (const std::exception& e) {
        std::cerr << "mercato-webhook-bench: " << e.what() << "\n";
        return 1;
    }
}
