// Flash sale: one buyer per line of TOKENS_FILE, each on its own keep-alive connection, POSTs BODY
// to PATH in a loop until the server answers 409 (sold out). wrk cannot say exactly how many units
// were sold nor when the last one went; this counts every 201 and times the last.
// Usage: mercato-flashsale HOST PORT PATH BODY TOKENS_FILE [TIMEOUT_SECONDS]
// Prints one line of key=value figures (latencies in ms, times in s); exit 0 unless it cannot start.
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
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Buyer {
    std::string token;
    std::vector<double> latenciesMs;     // every answered request
    std::vector<double> soldLatenciesMs; // the 201s only
    long sold = 0;
    long rejected = 0; // 409: sold out
    long errors = 0;   // anything else, or no answer
    Clock::time_point lastSale{};
    Clock::time_point firstAnswer{};
};

void buy(const std::string& host, Poco::UInt16 port, const std::string& path, const std::string& body,
         const std::atomic<bool>& go, Clock::time_point deadline, Buyer& buyer)
{
    Poco::Net::HTTPClientSession session(host, port);
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(60, 0));
    while (!go.load()) std::this_thread::yield();
    while (Clock::now() < deadline) {
        const auto sent = Clock::now();
        try {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            request.set("Authorization", "Bearer " + buyer.token);
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
            session.sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            std::istream& in = session.receiveResponse(response);
            Poco::NullOutputStream sink;
            Poco::StreamCopier::copyStream(in, sink);
            const auto answered = Clock::now();
            const double ms = std::chrono::duration<double, std::milli>(answered - sent).count();
            if (buyer.firstAnswer == Clock::time_point{}) buyer.firstAnswer = answered;
            buyer.latenciesMs.push_back(ms);
            if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_CREATED) {
                ++buyer.sold;
                buyer.soldLatenciesMs.push_back(ms);
                buyer.lastSale = answered;
            } else if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_CONFLICT) {
                ++buyer.rejected;
                return; // sold out: this buyer leaves (and its connection closes)
            } else {
                ++buyer.errors;
            }
        } catch (const Poco::Exception&) {
            ++buyer.errors;
            session.reset();
        }
    }
}

double percentile(std::vector<double>& v, double p)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 6) {
        std::cerr << "usage: mercato-flashsale HOST PORT PATH BODY TOKENS_FILE [TIMEOUT_SECONDS]\n";
        return 64;
    }
    const std::string host = argv[1], path = argv[3], body = argv[4];
    const auto port = static_cast<Poco::UInt16>(Poco::NumberParser::parse(argv[2]));
    const int timeout = argc > 6 ? Poco::NumberParser::parse(argv[6]) : 120;

    std::vector<Buyer> buyers;
    std::ifstream tokens(argv[5]);
    for (std::string line; std::getline(tokens, line);)
        if (!line.empty()) buyers.push_back(Buyer{line, {}, {}, 0, 0, 0, {}, {}});
    if (buyers.empty()) {
        std::cerr << "mercato-flashsale: no tokens in " << argv[5] << "\n";
        return 66;
    }

    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    const auto deadline = Clock::now() + std::chrono::seconds(1 + timeout);
    for (auto& b : buyers)
        threads.emplace_back(buy, host, port, path, body, std::cref(go), deadline, std::ref(b));
    std::this_thread::sleep_for(std::chrono::seconds(1)); // every thread waits at the start line
    const auto start = Clock::now();
    go = true;
    for (auto& t : threads) t.join();
    const auto finished = Clock::now();

    long sold = 0, rejected = 0, errors = 0, withUnits = 0, answeredBeforeSellout = 0;
    Clock::time_point lastSale = start;
    std::vector<double> all, sales;
    for (const auto& b : buyers) {
        sold += b.sold;
        rejected += b.rejected;
        errors += b.errors;
        withUnits += b.sold > 0 ? 1 : 0;
        lastSale = std::max(lastSale, b.lastSale);
        all.insert(all.end(), b.latenciesMs.begin(), b.latenciesMs.end());
        sales.insert(sales.end(), b.soldLatenciesMs.begin(), b.soldLatenciesMs.end());
    }
    for (const auto& b : buyers)
        if (b.firstAnswer != Clock::time_point{} && b.firstAnswer <= lastSale) ++answeredBeforeSellout;
    const double soldOut = std::chrono::duration<double>(lastSale - start).count();
    const double total = std::chrono::duration<double>(finished - start).count();
    const double maxAll = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
    const double p99All = percentile(all, 0.99), p50All = percentile(all, 0.50);
    const double p99Sales = percentile(sales, 0.99), p50Sales = percentile(sales, 0.50);
    std::printf("buyers=%zu sold=%ld rejected=%ld errors=%ld sold_out_s=%.3f all_done_s=%.3f units_per_s=%.0f "
                "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f p50_sold_ms=%.2f p99_sold_ms=%.2f "
                "buyers_with_units=%ld buyers_answered_before_sellout=%ld timed_out=%d\n",
                buyers.size(), sold, rejected, errors, soldOut, total, soldOut > 0 ? static_cast<double>(sold) / soldOut : 0.0,
                p50All, p99All, maxAll, p50Sales, p99Sales, withUnits, answeredBeforeSellout,
                rejected < static_cast<long>(buyers.size()) ? 1 : 0);
    return 0;
}
