#include "BatchingChannel.h"

#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using namespace mercato;

namespace {

/// Keeps every message it is given, with the thread that gave it.
class Recorder final : public Poco::Channel {
public:
    void log(const Poco::Message& msg) override
    {
        std::lock_guard lock(mutex);
        texts.push_back(msg.getText());
        writers.push_back(std::this_thread::get_id());
    }
    std::size_t count()
    {
        std::lock_guard lock(mutex);
        return texts.size();
    }

    std::mutex mutex;
    std::vector<std::string> texts;
    std::vector<std::thread::id> writers;
};

} // namespace

class BatchingChannelTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BatchingChannelTest);
    CPPUNIT_TEST(everyMessageArrivesInEachThreadsOrder);
    CPPUNIT_TEST(anErrorIsWrittenWithoutWaitingForThePeriod);
    CPPUNIT_TEST(aMessageAfterCloseIsWrittenAtOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    // 4 threads × 2,000 messages: all arrive, each thread's in its order, written by one other thread.
    void everyMessageArrivesInEachThreadsOrder()
    {
        Poco::AutoPtr<Recorder> recorder(new Recorder);
        Poco::AutoPtr<host::BatchingChannel> channel(new host::BatchingChannel(recorder));
        channel->open();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 2000; ++i)
                    channel->log(Poco::Message("test", std::to_string(t) + ":" + std::to_string(i), Poco::Message::PRIO_INFORMATION));
            });
        for (auto& th : threads)
            th.join();
        channel->close();
        CPPUNIT_ASSERT_EQUAL(std::size_t(8000), recorder->texts.size());
        std::vector<int> next(4, 0);
        for (const auto& text : recorder->texts) {
            const int t = std::stoi(text.substr(0, text.find(':')));
            CPPUNIT_ASSERT_EQUAL(std::to_string(t) + ":" + std::to_string(next[t]), text);
            ++next[t];
        }
        for (const auto& writer : recorder->writers)
            CPPUNIT_ASSERT(writer == recorder->writers.front() && writer != std::this_thread::get_id());
    }

    // With a period of 60 s, an information message waits; an error wakes the writer, which writes
    // both (the test allows 20 s for a loaded machine, a third of the period).
    void anErrorIsWrittenWithoutWaitingForThePeriod()
    {
        Poco::AutoPtr<Recorder> recorder(new Recorder);
        Poco::AutoPtr<host::BatchingChannel> channel(new host::BatchingChannel(recorder, 60000));
        channel->open();
        channel->log(Poco::Message("test", "routine", Poco::Message::PRIO_INFORMATION));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), recorder->count());
        channel->log(Poco::Message("test", "broken", Poco::Message::PRIO_ERROR));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (recorder->count() < 2 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), recorder->count());
        channel->close();
    }

    void aMessageAfterCloseIsWrittenAtOnce()
    {
        Poco::AutoPtr<Recorder> recorder(new Recorder);
        Poco::AutoPtr<host::BatchingChannel> channel(new host::BatchingChannel(recorder));
        channel->log(Poco::Message("test", "first", Poco::Message::PRIO_INFORMATION)); // opens it
        channel->close();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), recorder->count());
        channel->log(Poco::Message("test", "late", Poco::Message::PRIO_INFORMATION));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), recorder->count());
        CPPUNIT_ASSERT_EQUAL(std::string("late"), recorder->texts.back());
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(BatchingChannelTest, "unit");
