#include "Migrator.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato;

class MigratorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MigratorTest);
    CPPUNIT_TEST(splitsStatementsAtLineEndSemicolons);
    CPPUNIT_TEST(checksumIsStableSha256);
    CPPUNIT_TEST_SUITE_END();

public:
    void splitsStatementsAtLineEndSemicolons()
    {
        auto parts = host::Migrator::splitStatements("-- comment\nCREATE TABLE a (x TEXT DEFAULT 'a;b');\n\nCREATE INDEX i ON a (x);\nINSERT INTO a VALUES ('z')");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), parts.size());
        CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE a (x TEXT DEFAULT 'a;b')"), parts[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("CREATE INDEX i ON a (x)"), parts[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("INSERT INTO a VALUES ('z')"), parts[2]);
    }

    void checksumIsStableSha256()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), host::Migrator::checksum(""));
        CPPUNIT_ASSERT(host::Migrator::checksum("a") != host::Migrator::checksum("a "));
    }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MigratorTest, "unit");
