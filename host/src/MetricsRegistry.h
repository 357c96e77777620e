#pragma once
#include "mercato/sdk/Metrics.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace mercato::host {

/// Request figures of one (route, status) pair: a count and a latency histogram. Lock-free updates.
class RequestSeries {
public:
    static constexpr std::array<double, 12> kBucketsSeconds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    void observe(double seconds) noexcept;
    void write(std::ostream& out, const std::string& labels) const;

private:
    std::array<std::atomic<std::uint64_t>, kBucketsSeconds.size()> _buckets{};
    std::atomic<std::uint64_t> _count{0};
    std::atomic<std::uint64_t> _sumMicros{0};
};

/// Everything /metrics shows: per-route request counts and latencies (recorded by the HTTP layer),
/// plus the counters and gauges plugins and the host register through sdk::Metrics.
class MetricsRegistry final : public sdk::Metrics {
public:
    sdk::Counter& counter(const std::string& name, const std::string& help, const std::string& labels) override;
    void gauge(const std::string& name, const std::string& help, std::function<double()> read) override;
    void gaugeFamily(const std::string& name, const std::string& help, std::function<std::vector<Sample>()> read) override;

    /// Records one finished request. `route` is the matched pattern, or "unmatched".
    void observeRequest(const std::string& method, const std::string& route, int status, double seconds);

    /// The Prometheus text exposition (format 0.0.4).
    std::string render() const;

private:
    struct CounterFamily {
        std::string help;
        std::map<std::string, std::unique_ptr<sdk::Counter>> byLabels;
    };
    struct Gauge {
        std::string help;
        std::function<double()> read;
    };

    mutable std::mutex _mutex;
    std::map<std::string, CounterFamily> _counters;
    std::map<std::string, Gauge> _gauges;
    struct GaugeFamily {
        std::string help;
        std::function<std::vector<Sample>()> read;
    };
    std::map<std::string, GaugeFamily> _gaugeFamilies;
    std::map<std::string, std::unique_ptr<RequestSeries>> _requests; ///< key: rendered label set
};

} // namespace mercato::host
