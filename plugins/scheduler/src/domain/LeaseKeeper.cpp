#include "domain/LeaseKeeper.h"

namespace mercato::scheduler {

LeaseKeeper::LeaseKeeper(LeaseBackend& backend, std::function<std::int64_t()> nextFence, Clock clock, std::string holder,
                         std::int64_t ttlMillis)
    : _backend(backend), _nextFence(std::move(nextFence)), _clock(std::move(clock)), _holder(std::move(holder)), _ttl(ttlMillis)
{
}

bool LeaseKeeper::held() const
{
    return _held && _clock() < _validUntil;
}

bool LeaseKeeper::ensure()
{
    // Measured before the call: the lease may have been granted at any moment during it.
    const std::int64_t before = _clock();
    if (_held && before < _renewAt && before < _validUntil)
        return true;
    const bool wasHeld = _held && before < _validUntil;
    bool ok = false;
    try {
        ok = _backend.acquire(_holder, _ttl);
        if (ok && !wasHeld) {
            _fence = _nextFence();
            ++_acquisitions;
        }
    } catch (...) {
        ok = false;
    }
    _held = ok;
    if (ok) {
        _validUntil = before + _ttl * 8 / 10;
        _renewAt = before + _ttl / 3;
    }
    return ok;
}

void LeaseKeeper::release()
{
    if (!_held)
        return;
    _held = false;
    try {
        _backend.release(_holder);
    } catch (...) {
    }
}

} // namespace mercato::scheduler
