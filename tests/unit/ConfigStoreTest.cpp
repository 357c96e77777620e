#include "ConfigError.h"
#include "ConfigStore.h"
#include "TestEnv.h"

#include <Poco/Environment.h>

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

using namespace mercato;

class ConfigStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigStoreTest);
    CPPUNIT_TEST(appliesDefaultsAndTypes);
    CPPUNIT_TEST(reportsUnknownKeys);
    CPPUNIT_TEST(reportsMissingRequiredKey);
    CPPUNIT_TEST(reportsBadValues);
    CPPUNIT_TEST(expandsEnvironment);
    CPPUNIT_TEST(unsetEnvironmentVariableIsAnError);
    CPPUNIT_TEST(undeclaredReadThrows);
    CPPUNIT_TEST(lineWithoutKeyIsReportedNotLoopedOn);
    CPPUNIT_TEST_SUITE_END();

    static std::vector<sdk::ConfigKey> keys()
    {
        return {sdk::stringKey("greeting", "hello", "greeting"), sdk::integerKey("port", 8000, 1, 65535, "port"),
                sdk::booleanKey("enabled", false, "flag"), sdk::listKey("names", "a, b", "names"),
                sdk::choiceKey("mode", "fast", {"fast", "safe"}, "mode"), sdk::requiredKey("secret", "secret"),
                sdk::numberKey("ratio", 0.5, "ratio")};
    }

    static std::string problems(std::map<std::string, std::string> values)
    {
        auto store = host::ConfigStore::fromMap(std::move(values), "test.properties");
        store.declare("x", keys());
        try {
            store.validate();
        } catch (const host::ConfigError& e) {
            return e.what();
        }
        return "";
    }

public:
    void appliesDefaultsAndTypes()
    {
        auto store = host::ConfigStore::fromMap({{"x.secret", "s"}, {"x.port", " 9000 "}, {"x.enabled", "yes"}});
        store.declare("x", keys());
        store.validate();
        auto v = store.view("x");
        CPPUNIT_ASSERT_EQUAL(std::string("hello"), v->getString("greeting"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9000), v->getInt("port"));
        CPPUNIT_ASSERT(v->getBool("enabled"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), v->getList("names").size());
        CPPUNIT_ASSERT_EQUAL(std::string("b"), v->getList("names")[1]);
        CPPUNIT_ASSERT_EQUAL(0.5, v->getDouble("ratio"));
        CPPUNIT_ASSERT(v->isSet("port"));
        CPPUNIT_ASSERT(!v->isSet("greeting"));
    }

    void reportsUnknownKeys()
    {
        std::string text = problems({{"x.secret", "s"}, {"x.greting", "typo"}, {"y.other", "1"}});
        CPPUNIT_ASSERT_MESSAGE(text, text.find("unknown key 'x.greting'") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("unknown key 'y.other'") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("test.properties") != std::string::npos);
    }

    void reportsMissingRequiredKey()
    {
        std::string text = problems({});
        CPPUNIT_ASSERT_MESSAGE(text, text.find("missing required key 'x.secret'") != std::string::npos);
        CPPUNIT_ASSERT(problems({{"x.secret", "  "}}).find("x.secret must not be empty") != std::string::npos);
    }

    void reportsBadValues()
    {
        std::string text = problems({{"x.secret", "s"}, {"x.port", "eighty"}, {"x.enabled", "maybe"}, {"x.mode", "slow"}, {"x.ratio", "half"}});
        CPPUNIT_ASSERT_MESSAGE(text, text.find("x.port must be an integer") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("x.enabled must be true or false") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("x.mode must be one of fast, safe") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("x.ratio must be a number") != std::string::npos);
        CPPUNIT_ASSERT(problems({{"x.secret", "s"}, {"x.port", "70000"}}).find("between 1 and 65535") != std::string::npos);
    }

    void expandsEnvironment()
    {
        Poco::Environment::set("MERCATO_CONFIG_TEST_VAR", "from-env");
        auto store = host::ConfigStore::fromMap({{"x.secret", "${env.MERCATO_CONFIG_TEST_VAR}"},
                                                  {"x.greeting", "hi ${env.MERCATO_CONFIG_TEST_UNSET:-there}!"}});
        store.declare("x", keys());
        store.validate();
        CPPUNIT_ASSERT_EQUAL(std::string("from-env"), store.view("x")->getString("secret"));
        CPPUNIT_ASSERT_EQUAL(std::string("hi there!"), store.view("x")->getString("greeting"));
    }

    void unsetEnvironmentVariableIsAnError()
    {
        try {
            host::ConfigStore::fromMap({{"x.secret", "${env.MERCATO_CONFIG_TEST_UNSET}"}}, "f.properties");
            CPPUNIT_FAIL("expected ConfigError");
        } catch (const host::ConfigError& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("MERCATO_CONFIG_TEST_UNSET is not set") != std::string::npos);
        }
    }

    void undeclaredReadThrows()
    {
        auto store = host::ConfigStore::fromMap({{"x.secret", "s"}});
        store.declare("x", keys());
        CPPUNIT_ASSERT_THROW(store.view("x")->getString("nope"), std::out_of_range);
    }

    /// Found by fuzz/ConfigStoreFuzzer: a line with an empty key ("= x") made load() walk the key
    /// "" forever (`mercato` hung at start-up). load() runs in a thread here so that a hang fails
    /// the test after 10 s instead of blocking the suite.
    void lineWithoutKeyIsReportedNotLoopedOn()
    {
        test::TempDir dir;
        const std::string path = dir.file("empty-key.properties");
        test::writeProperties(path, {{"", "x"}, {"x.secret", "s"}});
        auto outcome = std::make_shared<std::promise<std::string>>();
        std::thread([path, outcome] {
            try {
                auto store = host::ConfigStore::load(path);
                store.declare("x", keys());
                store.validate();
                outcome->set_value("accepted");
            } catch (const host::ConfigError& e) {
                outcome->set_value(e.what());
            }
        }).detach();
        auto result = outcome->get_future();
        CPPUNIT_ASSERT_MESSAGE("ConfigStore::load did not return", result.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        const std::string text = result.get();
        CPPUNIT_ASSERT_MESSAGE(text, text.find("unknown key ''") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find(path) != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ConfigStoreTest, "unit");
