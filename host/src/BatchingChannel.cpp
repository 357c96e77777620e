#include "BatchingChannel.h"

namespace mercato::host {

BatchingChannel::BatchingChannel(Poco::AutoPtr<Poco::Channel> next, int periodMillis)
    : _next(std::move(next)), _period(periodMillis)
{
}

BatchingChannel::~BatchingChannel()
{
    try {
        close();
    } catch (...) {
    }
}

void BatchingChannel::open()
{
    std::lock_guard lock(_mutex);
    if (_writer.joinable())
        return;
    _stopping = false;
    _next->open();
    _writer = std::thread([this] { run(); });
}

void BatchingChannel::close()
{
    {
        std::lock_guard lock(_mutex);
        if (!_writer.joinable())
            return;
        _stopping = true;
    }
    _wake.notify_one();
    _writer.join();
    _next->close();
}

void BatchingChannel::log(const Poco::Message& msg)
{
    bool wake = false;
    {
        std::unique_lock lock(_mutex);
        if (!_writer.joinable()) {
            if (_stopping) {
                // Closed (the host is stopping): write it here and now.
                lock.unlock();
                _next->log(msg);
                return;
            }
            // Not opened yet: the first message starts the writer.
            _next->open();
            _writer = std::thread([this] { run(); });
        }
        _pending.push_back(msg);
        if (msg.getPriority() <= Poco::Message::PRIO_ERROR)
            _urgent = true;
        wake = (_urgent || _pending.size() >= kBatch);
    }
    if (wake)
        _wake.notify_one();
}

void BatchingChannel::run()
{
    std::vector<Poco::Message> batch;
    for (;;) {
        bool stopping = false;
        {
            std::unique_lock lock(_mutex);
            _wake.wait_for(lock, _period,
                           [this] { return _stopping || _urgent || _pending.size() >= kBatch; });
            batch.swap(_pending);
            _urgent = false;
            stopping = _stopping;
        }
        for (const auto& m : batch) {
            try {
                _next->log(m);
            } catch (...) {
                // A full disk or a closed terminal must not end the writer; the message is lost.
            }
        }
        batch.clear();
        if (stopping) {
            std::lock_guard lock(_mutex);
            if (_pending.empty())
                return;
        }
    }
}

} // namespace mercato::host
