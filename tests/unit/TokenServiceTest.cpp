#include "TokenService.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <sstream>
#include <thread>
#include <vector>

using namespace mercato;

namespace {

const std::string kSecret = "unit-secret-0123456789abcdef0123456789";

std::int64_t now()
{
    return Poco::Timestamp().epochTime();
}

std::string base64url(const std::string& text)
{
    std::ostringstream out;
    Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    enc << text;
    enc.close();
    return out.str();
}

} // namespace

class TokenServiceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TokenServiceTest);
    CPPUNIT_TEST(issuedTokenVerifies);
    CPPUNIT_TEST(rejectsWrongSecret);
    CPPUNIT_TEST(rejectsAlgNone);
    CPPUNIT_TEST(rejectsOtherHmacAlgorithm);
    CPPUNIT_TEST(rejectsExpiredAndMissingExp);
    CPPUNIT_TEST(rejectsWrongOrMissingIssuer);
    CPPUNIT_TEST(rejectsBadSubject);
    CPPUNIT_TEST(rejectsGarbage);
    CPPUNIT_TEST(verifiesFromManyThreadsAtOnce);
    CPPUNIT_TEST_SUITE_END();

    host::TokenService service{kSecret, "mercato-ecommerce", 3600};

    std::string sign(Poco::JWT::Token& token, const std::string& secret = kSecret, const std::string& alg = "HS256")
    {
        Poco::JWT::Signer signer(secret);
        signer.addAllAlgorithms();
        return signer.sign(token, alg);
    }

    Poco::JWT::Token claims(const std::string& sub = "5")
    {
        Poco::JWT::Token t;
        t.setSubject(sub);
        t.setIssuer("mercato-ecommerce");
        t.payload().set("role", "SELLER");
        t.payload().set("exp", static_cast<Poco::Int64>(now() + 60));
        return t;
    }

    bool accepted(const std::string& jwt)
    {
        std::string why;
        return service.verify(jwt, why).has_value();
    }

public:
    // Poco::Crypto initialises OpenSSL per digest object unless something holds it initialised;
    // threads doing that at once crashed the host under load. The service must be safe to share.
    void verifiesFromManyThreadsAtOnce()
    {
        const std::string jwt = service.issue({7, "SELLER", "s@example.com", "S", nullptr});
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&] {
                std::string why;
                for (int i = 0; i < 20000; ++i)
                    if (!service.verify(jwt, why)) failures++;
            });
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_EQUAL(0, failures.load());
    }

    void issuedTokenVerifies()
    {
        std::string jwt = service.issue({42, "SELLER", "s@example.com", "S", nullptr});
        std::string why;
        auto c = service.verify(jwt, why);
        CPPUNIT_ASSERT_MESSAGE(why, c.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(42), c->userId);
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), c->role);
    }

    void rejectsWrongSecret()
    {
        auto t = claims();
        CPPUNIT_ASSERT(accepted(sign(t)));
        auto u = claims();
        CPPUNIT_ASSERT(!accepted(sign(u, "another-secret-0123456789abcdef012345")));
    }

    void rejectsAlgNone()
    {
        std::string header = base64url(R"({"alg":"none","typ":"JWT"})");
        std::string payload = base64url(R"({"sub":"1","iss":"mercato-ecommerce","role":"MARKETPLACE_ADMIN","exp":)" + std::to_string(now() + 60) + "}");
        CPPUNIT_ASSERT(!accepted(header + "." + payload + "."));
        CPPUNIT_ASSERT(!accepted(header + "." + payload));
    }

    void rejectsOtherHmacAlgorithm()
    {
        auto t = claims();
        CPPUNIT_ASSERT(!accepted(sign(t, kSecret, "HS512")));
    }

    void rejectsExpiredAndMissingExp()
    {
        CPPUNIT_ASSERT(!accepted(service.issueAt({1, "SELLER", "", "", nullptr}, now() - 7200, now() - 1)));
        auto t = claims();
        t.payload().remove("exp");
        CPPUNIT_ASSERT(!accepted(sign(t)));
        auto u = claims();
        u.payload().set("exp", "tomorrow");
        CPPUNIT_ASSERT(!accepted(sign(u)));
    }

    void rejectsWrongOrMissingIssuer()
    {
        auto t = claims();
        t.setIssuer("mercato-delivery");
        CPPUNIT_ASSERT(!accepted(sign(t)));
        auto u = claims();
        u.payload().remove("iss");
        CPPUNIT_ASSERT(!accepted(sign(u)));
        host::TokenService delivery(kSecret, "mercato-delivery", 3600);
        std::string why;
        CPPUNIT_ASSERT(!delivery.verify(service.issue({1, "SELLER", "", "", nullptr}), why));
    }

    void rejectsBadSubject()
    {
        for (const std::string sub : {"", "0", "-1", "abc", "1.5", "99999999999999999999"}) {
            auto t = claims(sub);
            CPPUNIT_ASSERT_MESSAGE(sub, !accepted(sign(t)));
        }
        auto t = claims();
        t.payload().set("sub", 5); // a number, not a string
        CPPUNIT_ASSERT(!accepted(sign(t)));
    }

    void rejectsGarbage()
    {
        CPPUNIT_ASSERT(!accepted(""));
        CPPUNIT_ASSERT(!accepted("a.b.c"));
        CPPUNIT_ASSERT(!accepted("not a token"));
        CPPUNIT_ASSERT(!accepted("..."));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(TokenServiceTest, "unit");
