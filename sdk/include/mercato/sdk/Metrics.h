#pragma once
#include "Export.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mercato::sdk {

/// A monotonically increasing count, exposed on /metrics. Lock-free.
class MERCATO_SDK_API Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { _value.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return _value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> _value{0};
};

/// Plugin metrics for `GET /metrics` (Prometheus text format). Names follow Prometheus rules
/// (`[a-zA-Z_:][a-zA-Z0-9_:]*`); labels are given pre-rendered, e.g. `status="200"`.
class MERCATO_SDK_API Metrics {
public:
    virtual ~Metrics();
    /// The counter with this name and label set, created on first use; the reference stays valid.
    virtual Counter& counter(const std::string& name, const std::string& help, const std::string& labels = "") = 0;
    /// A value read when /metrics is scraped (queue depth, pool use). `read` must be thread-safe.
    virtual void gauge(const std::string& name, const std::string& help, std::function<double()> read) = 0;
    /// One sample of a labelled gauge family, e.g. `{"type=\"delivery.webhook\",state=\"ready\"", 3}`.
    struct Sample {
        std::string labels;
        double value = 0;
    };
    /// A gauge family whose label sets are known only when scraped (jobs by type and state).
    /// `read` must be thread-safe; an exception leaves the family out of that scrape.
    virtual void gaugeFamily(const std::string& name, const std::string& help, std::function<std::vector<Sample>()> read) = 0;
};

} // namespace mercato::sdk
