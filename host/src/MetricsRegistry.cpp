#include "MetricsRegistry.h"

#include <cmath>
#include <sstream>

namespace mercato::host {

namespace {

std::string escapeLabel(const std::string& value)
{
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string formatDouble(double v)
{
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

void RequestSeries::observe(double seconds) noexcept
{
    for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
        if (seconds <= kBucketsSeconds[i]) {
            _buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    _count.fetch_add(1, std::memory_order_relaxed);
    _sumMicros.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void RequestSeries::write(std::ostream& out, const std::string& labels) const
{
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBucketsSeconds.size(); ++i) {
        cumulative += _buckets[i].load(std::memory_order_relaxed);
        out << "mercato_http_request_duration_seconds_bucket{" << labels << ",le=\"" << formatDouble(kBucketsSeconds[i]) << "\"} " << cumulative << '\n';
    }
    const std::uint64_t count = _count.load(std::memory_order_relaxed);
    out << "mercato_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << count << '\n';
    out << "mercato_http_request_duration_seconds_sum{" << labels << "} " << formatDouble(_sumMicros.load(std::memory_order_relaxed) / 1e6) << '\n';
    out << "mercato_http_request_duration_seconds_count{" << labels << "} " << count << '\n';
}

sdk::Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const std::string& labels)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto& family = _counters[name];
    if (family.help.empty())
        family.help = help;
    auto& slot = family.byLabels[labels];
    if (!slot)
        slot = std::make_unique<sdk::Counter>();
    return *slot;
}

void MetricsRegistry::gauge(const std::string& name, const std::string& help, std::function<double()> read)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _gauges[name] = Gauge{help, std::move(read)};
}

void MetricsRegistry::gaugeFamily(const std::string& name, const std::string& help, std::function<std::vector<Sample>()> read)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _gaugeFamilies[name] = GaugeFamily{help, std::move(read)};
}

void MetricsRegistry::observeRequest(const std::string& method, const std::string& route, int status, double seconds)
{
    std::string key;
    key.reserve(route.size() + 48);
    key += "method=\"";
    key += method;
    key += "\",route=\"";
    key += escapeLabel(route);
    key += "\",status=\"";
    key += std::to_string(status);
    key += '"';
    RequestSeries* series = nullptr;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto& slot = _requests[key];
        if (!slot)
            slot = std::make_unique<RequestSeries>();
        series = slot.get();
    }
    series->observe(seconds);
}

std::string MetricsRegistry::render() const
{
    std::ostringstream out;
    std::lock_guard<std::mutex> lock(_mutex);
    out << "# HELP mercato_http_requests_total HTTP requests served, by route pattern and status.\n";
    out << "# TYPE mercato_http_requests_total counter\n";
    std::ostringstream histogram;
    for (const auto& [labels, series] : _requests) {
        std::ostringstream tmp;
        series->write(tmp, labels);
        const std::string text = tmp.str();
        // The request count is the histogram's _count; expose it as its own counter as well.
        auto pos = text.rfind(' ');
        out << "mercato_http_requests_total{" << labels << "}" << text.substr(pos, text.size() - pos);
        histogram << text;
    }
    out << "# HELP mercato_http_request_duration_seconds Time from request line to response sent.\n";
    out << "# TYPE mercato_http_request_duration_seconds histogram\n";
    out << histogram.str();
    for (const auto& [name, family] : _counters) {
        out << "# HELP " << name << ' ' << family.help << '\n' << "# TYPE " << name << " counter\n";
        for (const auto& [labels, c] : family.byLabels)
            out << name << (labels.empty() ? "" : "{" + labels + "}") << ' ' << c->value() << '\n';
    }
    for (const auto& [name, g] : _gauges) {
        double value = 0;
        try {
            value = g.read();
        } catch (...) {
            value = std::nan("");
        }
        out << "# HELP " << name << ' ' << g.help << '\n' << "# TYPE " << name << " gauge\n" << name << ' ' << formatDouble(value) << '\n';
    }
    for (const auto& [name, family] : _gaugeFamilies) {
        std::vector<Sample> samples;
        try {
            samples = family.read();
        } catch (...) {
            continue;
        }
        out << "# HELP " << name << ' ' << family.help << '\n' << "# TYPE " << name << " gauge\n";
        for (const auto& sample : samples)
            out << name << (sample.labels.empty() ? "" : "{" + sample.labels + "}") << ' ' << formatDouble(sample.value) << '\n';
    }
    return out.str();
}

} // namespace mercato::host
