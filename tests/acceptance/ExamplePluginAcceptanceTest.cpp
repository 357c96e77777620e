// The SDK promise: sdk/examples/hello-plugin builds out of tree against the *installed* SDK
// (find_package(MercatoSDK)) and the host loads it — from the build tree and from the install tree.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace mercato::test;

namespace {

/// Runs a shell command, its standard output into `out` (default: `log`) and its errors into
/// `log`; fails the test with the log when it fails.
void sh(const std::string& command, const std::string& log, const std::string& out = "")
{
    const std::string stdoutTarget = out.empty() ? ">>'" + log + "'" : ">'" + out + "'";
    const int rc = std::system((command + " " + stdoutTarget + " 2>>'" + log + "'").c_str());
    if (rc != 0) {
        std::ifstream in(log);
        std::ostringstream text;
        text << in.rdbuf();
        CPPUNIT_FAIL("command failed (" + std::to_string(rc) + "): " + command + "\n" + text.str());
    }
}

} // namespace

class ExamplePluginAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ExamplePluginAcceptanceTest);
    CPPUNIT_TEST(buildsOutOfTreeAndServesItsRoute);
    CPPUNIT_TEST_SUITE_END();

public:
    void buildsOutOfTreeAndServesItsRoute()
    {
        TempDir dir;
        const std::string prefix = dir.file("prefix");
        const std::string build = dir.file("hello-build");
        const std::string log = dir.file("build.log");
        sh("cmake --install '" + buildDir() + "' --prefix '" + prefix + "'", log);
        sh("cmake -S '" + sourceDir() + "/sdk/examples/hello-plugin' -B '" + build + "' -G Ninja -DCMAKE_PREFIX_PATH='" + prefix + "'", log);
        sh("cmake --build '" + build + "'", log);
        CPPUNIT_ASSERT(Poco::File(build + "/hello.so").exists());

        // 1. The build-tree host loads the plugin from the plugin's own build directory.
        auto config = baseConfig(dir);
        config["plugins.dir"] = build;
        config["plugins.load"] = "hello";
        config["hello.greeting"] = "hi";
        for (auto it = config.begin(); it != config.end();)
            it = it->first.rfind("accounts.", 0) == 0 ? config.erase(it) : std::next(it);
        {
            HostProcess host(dir, config);
            HttpTestClient http(host.port());
            HttpReply first = http.get("/hello/ada");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(first.body, 200, first.status);
            CPPUNIT_ASSERT_EQUAL(std::string("hi, ada"), first.json->getObject("data")->getValue<std::string>("message"));
            CPPUNIT_ASSERT_EQUAL(1, first.json->getObject("data")->getValue<int>("visits"));
            CPPUNIT_ASSERT_EQUAL(2, http.get("/hello/ada").json->getObject("data")->getValue<int>("visits"));
            CPPUNIT_ASSERT(http.get("/openapi.json").json->getObject("paths")->has("/hello/{name}"));
        }

        // 2. The installed host finds it next to the installed plugins (default plugins.dir).
        sh("cp '" + build + "/hello.so' '" + prefix + "/lib/mercato/plugins/'", log);
        auto installed = baseConfig(dir);
        installed.erase("plugins.dir");
        installed["plugins.load"] = "accounts, hello";
        installed["db.file"] = dir.file("installed.db");
        const std::string path = dir.file("installed.properties");
        writeProperties(path, installed);
        const std::string out = dir.file("installed.out");
        sh("'" + prefix + "/bin/mercato' --config '" + path + "' users mock-users", log, out);
        std::ifstream in(out);
        std::string line;
        CPPUNIT_ASSERT(std::getline(in, line) && line.rfind("market_admin@example.com\t", 0) == 0);
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ExamplePluginAcceptanceTest, "acceptance");
