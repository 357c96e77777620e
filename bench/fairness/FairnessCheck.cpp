// Keep-alive fairness: N clients, each on its own persistent connection, request PATH for SECONDS.
// wrk's totals hide starved connections (shared/POCO-NOTES.md); this counts requests per connection.
// Usage: mercato-fairness HOST PORT PATH CONNECTIONS SECONDS [AUTHORIZATION]
// Prints one summary line; exits 1 when a connection completed no request or any request failed.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

namespace {

struct Tally {
    long ok = 0;
    long failed = 0;
};

void client(const std::string& host, Poco::UInt16 port, const std::string& path, const std::string& authorization,
            const std::atomic<bool>& go, std::chrono::steady_clock::time_point until, Tally& tally)
{
    Poco::Net::HTTPClientSession session(host, port);
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(30, 0));
    while (!go.load()) std::this_thread::yield();
    while (std::chrono::steady_clock::now() < until) {
        try {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            if (!authorization.empty()) request.set("Authorization", authorization);
            session.sendRequest(request);
            Poco::Net::HTTPResponse response;
            std::istream& body = session.receiveResponse(response);
            Poco::NullOutputStream sink;
            Poco::StreamCopier::copyStream(body, sink);
            if (response.getStatus() / 100 == 2) ++tally.ok; else ++tally.failed;
        } catch (const Poco::Exception& e) {
            ++tally.failed;
            session.reset();
        }
    }
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 6) {
        std::cerr << "usage: mercato-fairness HOST PORT PATH CONNECTIONS SECONDS [AUTHORIZATION]\n";
        return 64;
    }
    const std::string host = argv[1], path = argv[3], authorization = argc > 6 ? argv[6] : "";
    const auto port = static_cast<Poco::UInt16>(Poco::NumberParser::parse(argv[2]));
    const int connections = Poco::NumberParser::parse(argv[4]);
    const int seconds = Poco::NumberParser::parse(argv[5]);

    std::vector<Tally> tallies(static_cast<std::size_t>(connections));
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds + 1);
    for (auto& tally : tallies)
        threads.emplace_back(client, host, port, path, authorization, std::cref(go), until, std::ref(tally));
    std::this_thread::sleep_for(std::chrono::seconds(1));  // every client is connected before the start
    go = true;
    for (auto& t : threads) t.join();

    std::vector<long> counts;
    long total = 0, failed = 0;
    for (const auto& tally : tallies) {
        counts.push_back(tally.ok);
        total += tally.ok;
        failed += tally.failed;
    }
    std::sort(counts.begin(), counts.end());
    const long starved = std::count(counts.begin(), counts.end(), 0L);
    std::printf("fairness %s c%d %ds: %ld requests, per connection min %ld median %ld max %ld, "
                "starved %ld, failed %ld -> %s\n",
                path.c_str(), connections, seconds, total, counts.front(), counts[counts.size() / 2], counts.back(),
                starved, failed, starved == 0 && failed == 0 ? "every connection served" : "NOT FAIR");
    return starved == 0 && failed == 0 ? 0 : 1;
}
