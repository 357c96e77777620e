// Start-up failures of the real binary: each ends with a clear one-line reason and the documented
// exit code, never a crash (API contract of the host, issue "Bad input").
#include "HostProcess.h"

#include <Poco/Environment.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;

class StartupAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StartupAcceptanceTest);
    CPPUNIT_TEST(unknownKeyExits78);
    CPPUNIT_TEST(unknownPluginKeyExits78);
    CPPUNIT_TEST(missingRequiredKeyExits78);
    CPPUNIT_TEST(badValueExits78);
    CPPUNIT_TEST(shortSecretExits78);
    CPPUNIT_TEST(unsetEnvironmentVariableExits78);
    CPPUNIT_TEST(missingConfigFileExits78);
    CPPUNIT_TEST(missingPluginFileIsNamed);
    CPPUNIT_TEST(wrongAbiPluginIsRefused);
    CPPUNIT_TEST(libraryWithoutEntryPointsIsRefused);
    CPPUNIT_TEST(unreachableDatabaseIsNamed);
    CPPUNIT_TEST(usageErrors);
    CPPUNIT_TEST(secretFromEnvironment);
    CPPUNIT_TEST_SUITE_END();

    RunResult run(std::map<std::string, std::string> overrides, const std::vector<std::string>& erase = {},
                  const std::vector<std::string>& args = {"users", "mock-users"})
    {
        auto config = baseConfig(_dir);
        for (const auto& k : erase)
            config.erase(k);
        for (const auto& [k, v] : overrides)
            config[k] = v;
        const std::string path = _dir.file("startup.properties");
        writeProperties(path, config);
        return runMercato(path, args);
    }

    static void assertFails(const RunResult& r, int code, const std::string& needle)
    {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, code, r.exitCode);
        CPPUNIT_ASSERT_MESSAGE("stderr lacks '" + needle + "': " + r.err, r.err.find(needle) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("terminate called") == std::string::npos);
    }

    TempDir _dir;

public:
    void unknownKeyExits78() { assertFails(run({{"http.prot", "8000"}}), 78, "unknown key 'http.prot'"); }

    void unknownPluginKeyExits78() { assertFails(run({{"accounts.signupRoel", "X"}}), 78, "unknown key 'accounts.signupRoel'"); }

    void missingRequiredKeyExits78() { assertFails(run({}, {"auth.issuer"}), 78, "missing required key 'auth.issuer'"); }

    void badValueExits78()
    {
        assertFails(run({{"http.port", "eighty"}}), 78, "http.port must be an integer");
        assertFails(run({{"db.type", "postgres"}}), 78, "db.type must be one of sqlite, mysql");
        assertFails(run({{"accounts.shippingAddress", "perhaps"}}), 78, "accounts.shippingAddress must be true or false");
    }

    void shortSecretExits78() { assertFails(run({{"auth.jwtSecret", "short"}}), 78, "auth.jwtSecret must be at least 32 bytes"); }

    void unsetEnvironmentVariableExits78()
    {
        assertFails(run({{"auth.jwtSecret", "${env.MERCATO_SURELY_UNSET_VARIABLE}"}}), 78, "MERCATO_SURELY_UNSET_VARIABLE is not set");
    }

    void missingConfigFileExits78()
    {
        RunResult r = runMercato(_dir.file("nope.properties"), {"users", "mock-users"});
        assertFails(r, 78, "nope.properties: cannot read");
    }

    void missingPluginFileIsNamed()
    {
        RunResult r = run({{"plugins.load", "accounts, nosuchplugin"}});
        CPPUNIT_ASSERT(r.exitCode != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find(pluginDir() + "/nosuchplugin.so does not exist") != std::string::npos);
    }

    void wrongAbiPluginIsRefused()
    {
        RunResult r = run({{"plugins.dir", Poco::Environment::get("MERCATO_TEST_PLUGIN_DIR")}, {"plugins.load", "wrongabi"}});
        CPPUNIT_ASSERT(r.exitCode != 0);
        CPPUNIT_ASSERT(r.exitCode < 128); // refused, not crashed (mercato_plugin_create would abort)
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("was built for plugin ABI 999 (SDK 999.0.0)") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("rebuild the plugin") != std::string::npos);
    }

    void libraryWithoutEntryPointsIsRefused()
    {
        RunResult r = run({{"plugins.dir", Poco::Environment::get("MERCATO_TEST_PLUGIN_DIR")}, {"plugins.load", "notaplugin"}});
        CPPUNIT_ASSERT(r.exitCode != 0 && r.exitCode < 128);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("is not a Mercato plugin") != std::string::npos);
    }

    void unreachableDatabaseIsNamed()
    {
        RunResult r = run({{"db.type", "mysql"}, {"db.host", "127.0.0.1"}, {"db.port", "1"}, {"db.name", "x"}, {"db.user", "u"}});
        CPPUNIT_ASSERT(r.exitCode != 0 && r.exitCode < 128);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("cannot open database mysql://u@127.0.0.1:1/x") != std::string::npos);
    }

    void usageErrors()
    {
        RunResult unknown = run({}, {}, {"no", "such", "command"});
        assertFails(unknown, 64, "unknown command 'no such command'");
        CPPUNIT_ASSERT(unknown.err.find("users mock-users") != std::string::npos);
    }

    void secretFromEnvironment()
    {
        // run() passes the test process's environment to the child.
        Poco::Environment::set("MERCATO_TEST_SECRET_FROM_ENV", "env-secret-0123456789abcdef0123456789");
        RunResult r = run({{"auth.jwtSecret", "${env.MERCATO_TEST_SECRET_FROM_ENV}"}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.exitCode);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(StartupAcceptanceTest, "acceptance");
