#include "domain/HashGate.h"

#include <algorithm>

namespace mercato::accounts {

std::size_t HashGate::defaultConcurrency(unsigned cores)
{
    return std::max<std::size_t>(1, cores / 2);
}

HashGate::HashGate(Settings settings) : _settings(settings)
{
    if (_settings.maxConcurrent == 0)
        throw std::invalid_argument("HashGate needs at least one slot");
}

HashGate::Slot HashGate::enter()
{
    std::unique_lock<std::mutex> lock(_mutex);
    if (_running < _settings.maxConcurrent) {
        ++_running;
        return Slot(*this);
    }
    if (_waiting >= _settings.maxWaiting)
        throw HashingBusy("every password-hashing slot is taken and the line is full");
    ++_waiting;
    const bool got = _freed.wait_for(lock, _settings.maxWait, [this] { return _running < _settings.maxConcurrent; });
    --_waiting;
    if (!got)
        throw HashingBusy("no password-hashing slot freed in time");
    ++_running;
    return Slot(*this);
}

void HashGate::leave()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        --_running;
    }
    _freed.notify_one();
}

HashGate::Slot::~Slot()
{
    if (_gate)
        _gate->leave();
}

std::size_t HashGate::running() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _running;
}

std::size_t HashGate::waiting() const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _waiting;
}

} // namespace mercato::accounts
