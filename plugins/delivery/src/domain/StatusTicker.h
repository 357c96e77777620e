#pragma once
#include "domain/DeliveryStore.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace mercato::delivery {

struct TickSettings {
    double deliveredProbability = 0.5; ///< of IN_ROUTE_OF_DELIVERY → DELIVERED
    std::size_t batchSize = 1000;      ///< deliveries moved per transaction
};

/// One status tick (API.md §3): every active delivery moves one step, in batches of one
/// transaction each, so memory stays flat and a crash loses at most the batch in flight. A tick
/// that was interrupted is resumed by the next run, which moves only what it had not moved yet.
class StatusTicker {
public:
    /// `random` draws uniformly from [0, 1); `clock` gives the UTC time as stored timestamps.
    StatusTicker(DeliveryStore& store, TickSettings settings, std::function<double()> random,
                 std::function<std::string()> clock);

    /// Runs (or resumes) one tick to its end; returns how many deliveries it moved in this run.
    /// Ticks of one process run one at a time.
    std::int64_t tick();

private:
    DeliveryStore& _store;
    TickSettings _settings;
    std::function<double()> _random;
    std::function<std::string()> _clock;
    std::mutex _mutex; // also guards _random, which is not thread-safe
};

} // namespace mercato::delivery
