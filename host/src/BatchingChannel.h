#pragma once
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace mercato::host {

/// A channel that hands messages to `next` from a thread of its own, in batches: a request thread
/// only appends its message to a buffer under a mutex. Unlike Poco::AsyncChannel (a notification
/// and a thread wake-up per message), the writer wakes every `periodMillis`, or at once for a
/// buffer of `kBatch` messages or a message at level error or worse, and writes what has gathered.
/// close() (and the destructor) writes what is left; a message after close() is written at once.
class BatchingChannel final : public Poco::Channel {
public:
    static constexpr int kPeriodMillis = 100;
    static constexpr std::size_t kBatch = 512;

    explicit BatchingChannel(Poco::AutoPtr<Poco::Channel> next, int periodMillis = kPeriodMillis);

    void open() override;
    void close() override;
    void log(const Poco::Message& msg) override;

protected:
    ~BatchingChannel() override;

private:
    void run();

    Poco::AutoPtr<Poco::Channel> _next;
    std::chrono::milliseconds _period;
    std::mutex _mutex;
    std::condition_variable _wake;
    std::vector<Poco::Message> _pending;
    bool _urgent = false;
    bool _stopping = false;
    std::thread _writer;
};

} // namespace mercato::host
