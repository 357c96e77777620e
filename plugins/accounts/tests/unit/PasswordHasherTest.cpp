#include "domain/PasswordHasher.h"

#include <cppunit/extensions/HelperMacros.h>

using mercato::accounts::PasswordHasher;

class PasswordHasherTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PasswordHasherTest);
    CPPUNIT_TEST(yescryptRoundTripWithSalt);
    CPPUNIT_TEST(bcryptRoundTrip);
    CPPUNIT_TEST(verifiesFlaskBcryptHash);
    CPPUNIT_TEST(rejectsMalformedHashes);
    CPPUNIT_TEST_SUITE_END();

public:
    void yescryptRoundTripWithSalt()
    {
        PasswordHasher h(PasswordHasher::Scheme::Yescrypt, 1);
        std::string a = h.hash("correct horse");
        std::string b = h.hash("correct horse");
        CPPUNIT_ASSERT(a.rfind("$y$", 0) == 0);
        CPPUNIT_ASSERT(a != b); // salted
        CPPUNIT_ASSERT(h.verify("correct horse", a));
        CPPUNIT_ASSERT(!h.verify("correct horsE", a));
        // Beyond bcrypt's 72-byte limit every byte still counts.
        std::string longer(100, 'x');
        std::string hashed = h.hash(longer);
        CPPUNIT_ASSERT(!h.verify(std::string(99, 'x') + "y", hashed));
    }

    void bcryptRoundTrip()
    {
        PasswordHasher h(PasswordHasher::Scheme::Bcrypt, 4);
        std::string a = h.hash("password");
        CPPUNIT_ASSERT(a.rfind("$2b$04$", 0) == 0);
        CPPUNIT_ASSERT(h.verify("password", a));
        CPPUNIT_ASSERT(!h.verify("passw0rd", a));
    }

    void verifiesFlaskBcryptHash()
    {
        // A published bcrypt test vector (crypt_blowfish's "U*U"); Python's bcrypt writes the same
        // format as $2b$, which the Flask services stored.
        PasswordHasher h(PasswordHasher::Scheme::Yescrypt, 1);
        CPPUNIT_ASSERT(h.verify("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
        CPPUNIT_ASSERT(h.verify("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
        CPPUNIT_ASSERT(!h.verify("U*V", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    }

    void rejectsMalformedHashes()
    {
        PasswordHasher h(PasswordHasher::Scheme::Yescrypt, 1);
        CPPUNIT_ASSERT(!h.verify("x", ""));
        CPPUNIT_ASSERT(!h.verify("x", "plain"));
        CPPUNIT_ASSERT(!h.verify("x", "$9$nonsense"));
        CPPUNIT_ASSERT(!h.verify("x", "*"));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PasswordHasherTest, "unit");
