#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>

namespace mercato::accounts {

/// Thrown by HashGate::enter() when no hashing slot can be had: the caller answers 503 with
/// `Retry-After` instead of queueing behind the flood.
class HashingBusy : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Bounds how many password hashes (sign-in checks, sign-ups, password changes: each ~80 ms of
/// one core) run at once, so a flood of them leaves CPU for every other request. A caller past
/// the bound waits in line for at most `maxWait`, and only while fewer than `maxWaiting` others
/// wait; otherwise it gets HashingBusy at once. Thread-safe.
class HashGate {
public:
    struct Settings {
        std::size_t maxConcurrent = 1;
        std::size_t maxWaiting = 0;
        std::chrono::milliseconds maxWait{0};
    };

    /// A held slot, given back when destroyed.
    class Slot {
    public:
        Slot(Slot&& other) noexcept : _gate(other._gate) { other._gate = nullptr; }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        Slot& operator=(Slot&&) = delete;
        ~Slot();

    private:
        friend class HashGate;
        explicit Slot(HashGate& gate) : _gate(&gate) {}
        HashGate* _gate;
    };

    /// The default of `maxConcurrent` for a machine with `cores` cores: half of them, at least one.
    static std::size_t defaultConcurrency(unsigned cores);

    explicit HashGate(Settings settings);

    /// A slot, waiting for one when all are taken. Throws HashingBusy when the line is full or
    /// no slot frees within `maxWait`.
    Slot enter();

    const Settings& settings() const { return _settings; }
    /// Hashes running now (for tests and figures).
    std::size_t running() const;
    /// Callers waiting for a slot now.
    std::size_t waiting() const;

private:
    void leave();

    Settings _settings;
    mutable std::mutex _mutex;
    std::condition_variable _freed;
    std::size_t _running = 0;
    std::size_t _waiting = 0;
};

} // namespace mercato::accounts
