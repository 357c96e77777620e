#include "TokenService.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
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
    CPPUNIT_TEST(requiresExactlyThreeBase64UrlSegments);
    CPPUNIT_TEST(carriesTheTokenVersion);
    CPPUNIT_TEST(verifiesFromManyThreadsAtOnce);
    CPPUNIT_TEST(rememberedTokenStillExpires);
    CPPUNIT_TEST(rememberedSignatureDoesNotVouchForAnotherPayload);
    CPPUNIT_TEST(remembersABoundedNumberOfTokens);
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
    // A verified token is remembered; its expiry is checked on every call all the same.
    void rememberedTokenStillExpires()
    {
        const std::string jwt = service.issueAt({9, "SELLER", "", "", nullptr}, now() - 10, now() + 2);
        std::string why;
        auto first = service.verify(jwt, why);
        auto second = service.verify(jwt, why);
        CPPUNIT_ASSERT(first && second);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(9), second->userId);
        CPPUNIT_ASSERT_EQUAL(std::string("SELLER"), second->role);
        std::this_thread::sleep_for(std::chrono::milliseconds(3100));
        CPPUNIT_ASSERT(!service.verify(jwt, why));
        CPPUNIT_ASSERT_EQUAL(std::string("expired"), why);
    }

    // The whole token is the key: a remembered signature under another header and payload is no
    // proof of them.
    void rememberedSignatureDoesNotVouchForAnotherPayload()
    {
        Poco::JWT::Token t = claims("5");
        const std::string jwt = sign(t);
        CPPUNIT_ASSERT(accepted(jwt));
        Poco::JWT::Token admin = claims("1");
        admin.payload().set("role", "MARKETPLACE_ADMIN");
        const std::string other = sign(admin, "another-secret-0123456789abcdef0123");
        const std::string forged = other.substr(0, other.rfind('.')) + jwt.substr(jwt.rfind('.'));
        std::string why;
        CPPUNIT_ASSERT(!service.verify(forged, why));
        CPPUNIT_ASSERT_EQUAL(std::string("bad signature"), why);
        CPPUNIT_ASSERT(accepted(jwt));
    }

    // More distinct tokens than are remembered: every one still verifies (the memory starts over).
    void remembersABoundedNumberOfTokens()
    {
        std::vector<std::string> tokens;
        for (std::int64_t id = 1; id <= static_cast<std::int64_t>(host::TokenService::kRemembered) + 10; ++id)
            tokens.push_back(service.issue({id, "SELLER", "", "", nullptr}));
        for (std::size_t round = 0; round < 2; ++round)
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                std::string why;
                auto verified = service.verify(tokens[i], why);
                CPPUNIT_ASSERT_MESSAGE(why, verified);
                CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(i + 1), verified->userId);
            }
    }

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
        // Found by fuzz/TokenServiceFuzzer: a date no 64-bit count of seconds holds was converted
        // with undefined behaviour (UBSan); it is refused like any other unreadable date.
        for (double huge : {1e300, -1e300, 9.3e18}) {
            auto v = claims();
            v.payload().set("exp", huge);
            CPPUNIT_ASSERT_MESSAGE(std::to_string(huge), !accepted(sign(v)));
            auto w = claims();
            w.payload().set("nbf", huge);
            CPPUNIT_ASSERT_MESSAGE(std::to_string(huge), !accepted(sign(w)));
        }
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

    // The user's token version travels as `ver`; a token from before versions counts as 0, and a
    // version that is not a non-negative integer is refused.
    void carriesTheTokenVersion()
    {
        sdk::Principal p{42, "SELLER", "s@example.com", "S", nullptr};
        p.tokenVersion = 7;
        const std::string jwt = service.issue(p);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), Poco::JWT::Token(jwt).payload().getValue<Poco::Int64>("ver"));
        std::string why;
        auto c = service.verify(jwt, why);
        CPPUNIT_ASSERT_MESSAGE(why, c.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), c->tokenVersion);

        auto old = claims(); // no `ver` claim
        auto legacy = service.verify(sign(old), why);
        CPPUNIT_ASSERT_MESSAGE(why, legacy.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), legacy->tokenVersion);

        auto zero = service.verify(service.issue({5, "SELLER", "", "", nullptr}), why);
        CPPUNIT_ASSERT_MESSAGE(why, zero.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), zero->tokenVersion);

        for (const Poco::Dynamic::Var& bad : {Poco::Dynamic::Var(-1), Poco::Dynamic::Var(1.5), Poco::Dynamic::Var("3"), Poco::Dynamic::Var(true)}) {
            auto t = claims();
            t.payload().set("ver", bad);
            CPPUNIT_ASSERT_MESSAGE(bad.toString(), !accepted(sign(t)));
        }
        auto good = claims();
        good.payload().set("ver", 3);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), service.verify(sign(good), why)->tokenVersion);
    }

    // A valid token with anything appended as a fourth segment was accepted: POCO's parser only
    // looks at the first three.
    void requiresExactlyThreeBase64UrlSegments()
    {
        const std::string jwt = service.issue({42, "SELLER", "s@example.com", "S", nullptr});
        CPPUNIT_ASSERT(accepted(jwt));
        CPPUNIT_ASSERT(!accepted(jwt + ".extra"));
        CPPUNIT_ASSERT(!accepted(jwt + "."));
        CPPUNIT_ASSERT(!accepted(jwt + ".."));
        const std::size_t first = jwt.find('.');
        const std::size_t second = jwt.find('.', first + 1);
        const std::string header = jwt.substr(0, first);
        const std::string payload = jwt.substr(first + 1, second - first - 1);
        const std::string signature = jwt.substr(second + 1);
        CPPUNIT_ASSERT(accepted(header + "." + payload + "." + signature));
        CPPUNIT_ASSERT(!accepted(header + "." + payload + "." + signature + "." + signature));
        CPPUNIT_ASSERT(!accepted(header + ".." + payload + "." + signature));
        CPPUNIT_ASSERT(!accepted(header + "." + payload + "."));
        CPPUNIT_ASSERT(!accepted("." + payload + "." + signature));
        // Only the base64url alphabet, without padding or whitespace.
        CPPUNIT_ASSERT(!accepted(header + "." + payload + "." + signature + "="));
        CPPUNIT_ASSERT(!accepted(header + "." + payload + "." + signature + " "));
        CPPUNIT_ASSERT(!accepted(header + " ." + payload + "." + signature));
        CPPUNIT_ASSERT(!accepted(header + "." + payload + "\n." + signature));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(TokenServiceTest, "unit");
