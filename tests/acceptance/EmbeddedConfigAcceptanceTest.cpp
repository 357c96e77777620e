// The laptop configs (etc/*-embedded.properties) as shipped: the real binary started with each
// listens on loopback only, as the kernel reports its listening socket (issue 10, defect 2: they
// bound 0.0.0.0 while the mock admins' password is "password" and delivery posts webhooks to
// private networks). Only keys unrelated to the listening address are changed: an ephemeral port,
// a scratch database, the build's plugins, and no calls to a delivery service.
#include "HostProcess.h"
#include "HttpTestClient.h"

#include <Poco/Environment.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

using namespace mercato::test;

namespace {

/// The `key = value` lines of a .properties file (no continuation lines in etc/).
std::map<std::string, std::string> readProperties(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        const std::string text = Poco::trim(line);
        const auto eq = text.find('=');
        if (text.empty() || text[0] == '#' || text[0] == '!' || eq == std::string::npos)
            continue;
        values[Poco::trim(text.substr(0, eq))] = Poco::trim(text.substr(eq + 1));
    }
    return values;
}

/// The local addresses ("0100007F", "00000000", IPv6 hex…) of the sockets listening on `port`, from
/// /proc/net/tcp and /proc/net/tcp6 (state 0A = LISTEN).
std::vector<std::string> listeningAddresses(int port)
{
    std::vector<std::string> found;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            fields >> slot >> local >> remote >> state;
            const auto colon = local.rfind(':');
            if (state != "0A" || colon == std::string::npos)
                continue;
            if (static_cast<int>(Poco::NumberParser::parseHex(local.substr(colon + 1))) == port)
                found.push_back(local.substr(0, colon));
        }
    }
    return found;
}

} // namespace

class EmbeddedConfigAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EmbeddedConfigAcceptanceTest);
    CPPUNIT_TEST(ecommerceEmbeddedListensOnLoopbackOnly);
    CPPUNIT_TEST(deliveryEmbeddedListensOnLoopbackOnly);
    CPPUNIT_TEST_SUITE_END();

    void checkLoopbackOnly(const std::string& file)
    {
        Poco::Environment::set("MERCATO_ECOMMERCE_JWT_SECRET", kTestSecret);
        Poco::Environment::set("MERCATO_DELIVERY_JWT_SECRET", kTestSecret);
        TempDir dir;
        auto config = readProperties(sourceDir() + "/etc/" + file);
        CPPUNIT_ASSERT_MESSAGE(file + " has no plugins.load", config.count("plugins.load") == 1);
        config["http.port"] = "0";
        config["db.file"] = dir.file("embedded.db");
        config["plugins.dir"] = pluginDir();
        config["accounts.hashCost"] = "1";
        if (config.count("ecommerce.delivery.url")) {
            config["ecommerce.delivery.url"] = "";
            config["ecommerce.delivery.receiverUrl"] = "";
        }
        HostProcess host(dir, config);
        CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(host.port()).get("/health").status);
        const auto addresses = listeningAddresses(host.port());
        std::string shown;
        for (const auto& a : addresses)
            shown += " " + a;
        CPPUNIT_ASSERT_MESSAGE(file + ": no listening socket on port " + std::to_string(host.port()), !addresses.empty());
        for (const auto& a : addresses)
            CPPUNIT_ASSERT_MESSAGE(file + " listens on" + shown + " (expected 127.0.0.1 = 0100007F only)", a == "0100007F");
    }

public:
    void ecommerceEmbeddedListensOnLoopbackOnly() { checkLoopbackOnly("ecommerce-embedded.properties"); }
    void deliveryEmbeddedListensOnLoopbackOnly() { checkLoopbackOnly("delivery-embedded.properties"); }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EmbeddedConfigAcceptanceTest, "acceptance");
