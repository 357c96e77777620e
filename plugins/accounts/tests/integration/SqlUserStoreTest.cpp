// The accounts repository on both dialects.
#include "TestDatabase.h"
#include "repository/SqlUserStore.h"

#include "mercato/sdk/Migration.h"

#include <cppunit/extensions/HelperMacros.h>

const mercato::sdk::MigrationSet& accountsMigrations();

using namespace mercato;
using accounts::User;

template <sdk::Dialect D>
class SqlUserStoreTest : public CppUnit::TestFixture {
public:
    void setUp() override
    {
        _db = std::make_unique<test::TestDatabase>(D);
        (**_db).migrate("accounts", accountsMigrations());
        _store = std::make_unique<accounts::SqlUserStore>(**_db);
    }
    void tearDown() override
    {
        _store.reset();
        _db.reset();
    }

    User make(const std::string& username, std::optional<std::string> address = std::nullopt)
    {
        User u;
        u.name = "Ada Lovelace";
        u.username = username;
        u.passwordHash = "$y$hash";
        u.role = "SELLER";
        u.shippingAddress = std::move(address);
        return _store->create(u);
    }

    void createsAndFinds()
    {
        User u = make("ada@example.com", std::string("1 Main St — Zürich"));
        CPPUNIT_ASSERT(u.id > 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(19), u.createdAt.size());
        auto byId = _store->findById(u.id);
        CPPUNIT_ASSERT(byId);
        CPPUNIT_ASSERT_EQUAL(std::string("ada@example.com"), byId->username);
        CPPUNIT_ASSERT_EQUAL(std::string("1 Main St — Zürich"), *byId->shippingAddress);
        CPPUNIT_ASSERT(_store->findByUsername("ada@example.com"));
        CPPUNIT_ASSERT(!_store->findByUsername("nobody@example.com"));
        CPPUNIT_ASSERT(!_store->findById(u.id + 100));
        CPPUNIT_ASSERT(!make("b@example.com").shippingAddress);
        CPPUNIT_ASSERT(!_store->findById(u.id + 1)->shippingAddress);
    }

    void rejectsDuplicateUsername()
    {
        make("ada@example.com");
        CPPUNIT_ASSERT_THROW(make("ada@example.com"), accounts::DuplicateUsername);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _store->count());
    }

    void listsInIdOrderWithPaging()
    {
        for (int i = 0; i < 5; ++i)
            make("u" + std::to_string(i) + "@example.com");
        auto page = _store->list(2, 1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), page.size());
        CPPUNIT_ASSERT_EQUAL(std::string("u1@example.com"), page[0].username);
        CPPUNIT_ASSERT_EQUAL(std::string("u2@example.com"), page[1].username);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(5), _store->count());
    }

    void updatesAndRemoves()
    {
        User u = make("ada@example.com");
        u.name = "Countess";
        u.role = "MARKETPLACE_ADMIN";
        u.shippingAddress = "2 Side St";
        _store->update(u, false);
        auto back = _store->findById(u.id);
        CPPUNIT_ASSERT_EQUAL(std::string("Countess"), back->name);
        CPPUNIT_ASSERT_EQUAL(std::string("MARKETPLACE_ADMIN"), back->role);
        CPPUNIT_ASSERT_EQUAL(std::string("2 Side St"), *back->shippingAddress);
        CPPUNIT_ASSERT(_store->remove(u.id));
        CPPUNIT_ASSERT(!_store->remove(u.id));
        CPPUNIT_ASSERT(!_store->findById(u.id));
    }

    void revokesTokensByRaisingTheVersion()
    {
        User u = make("ada@example.com");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->findById(u.id)->tokenVersion);
        u.name = "Renamed";
        _store->update(u, false);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), _store->findById(u.id)->tokenVersion);
        User stale = *_store->findById(u.id);
        u.passwordHash = "$y$new";
        _store->update(u, true);
        _store->update(u, true);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->findById(u.id)->tokenVersion);
        // A copy read before the revocations does not bring the old version back.
        stale.name = "Late";
        _store->update(stale, false);
        auto back = _store->findById(u.id);
        CPPUNIT_ASSERT_EQUAL(std::string("Late"), back->name);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), back->tokenVersion);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), _store->findByUsername("ada@example.com")->tokenVersion);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), make("b@example.com").tokenVersion);
    }

private:
    std::unique_ptr<test::TestDatabase> _db;
    std::unique_ptr<accounts::SqlUserStore> _store;
};

class SqlUserStoreSqliteTest : public SqlUserStoreTest<sdk::Dialect::SQLite> {
    CPPUNIT_TEST_SUITE(SqlUserStoreSqliteTest);
    CPPUNIT_TEST(createsAndFinds);
    CPPUNIT_TEST(rejectsDuplicateUsername);
    CPPUNIT_TEST(listsInIdOrderWithPaging);
    CPPUNIT_TEST(updatesAndRemoves);
    CPPUNIT_TEST(revokesTokensByRaisingTheVersion);
    CPPUNIT_TEST_SUITE_END();
};

class SqlUserStoreMysqlTest : public SqlUserStoreTest<sdk::Dialect::MySQL> {
    CPPUNIT_TEST_SUITE(SqlUserStoreMysqlTest);
    CPPUNIT_TEST(createsAndFinds);
    CPPUNIT_TEST(rejectsDuplicateUsername);
    CPPUNIT_TEST(listsInIdOrderWithPaging);
    CPPUNIT_TEST(updatesAndRemoves);
    CPPUNIT_TEST(revokesTokensByRaisingTheVersion);
    CPPUNIT_TEST_SUITE_END();
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlUserStoreSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SqlUserStoreMysqlTest, "integration");
