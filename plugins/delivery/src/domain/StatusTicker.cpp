#include "domain/StatusTicker.h"

#include "domain/StatusMachine.h"

namespace mercato::delivery {

StatusTicker::StatusTicker(DeliveryStore& store, TickSettings settings, std::function<double()> random,
                           std::function<std::string()> clock)
    : _store(store), _settings(settings), _random(std::move(random)), _clock(std::move(clock))
{
    if (_settings.batchSize == 0)
        _settings.batchSize = 1;
}

std::int64_t StatusTicker::tick()
{
    std::lock_guard<std::mutex> lock(_mutex);
    const std::int64_t tick = _store.beginTick(_clock());
    const TickDecision decide = [this](DeliveryStatus status) {
        return nextOnTick(status, _random(), _settings.deliveredProbability);
    };
    std::int64_t moved = 0, afterId = 0;
    for (;;) {
        const TickBatch batch = _store.moveBatch(tick, afterId, _settings.batchSize, decide, _clock());
        moved += static_cast<std::int64_t>(batch.moved);
        if (batch.scanned < _settings.batchSize)
            break;
        afterId = batch.lastId;
    }
    _store.finishTick(tick, moved, _clock());
    return moved;
}

} // namespace mercato::delivery
