// The database layer (pool, transactions, migrations, error classification) on both dialects.
#include "IdempotencyStore.h"
#include "Migrator.h"
#include "TestDatabase.h"

#include "mercato/sdk/ApiError.h"

#include "mercato/sdk/Database.h"
#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace mercato;
using namespace Poco::Data::Keywords;

// Generated from host/sql by mercato_embed_migrations.
const mercato::sdk::MigrationSet& mercatoHostMigrations();

namespace {

sdk::MigrationSet migrations(sdk::Dialect d)
{
    const std::string dialect = sdk::dialectName(d);
    const std::string id = d == sdk::Dialect::MySQL ? "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
    return {
        {dialect, 1, "create_items", "V001__create_items.sql",
         "CREATE TABLE items (\n id " + id + ",\n name VARCHAR(50) NOT NULL,\n quantity BIGINT NOT NULL,\n"
         " CONSTRAINT ck_items_quantity CHECK (quantity >= 0),\n CONSTRAINT uq_items_name UNIQUE (name)\n);\n"},
        {dialect, 2, "seed", "V002__seed.sql", "INSERT INTO items (name, quantity) VALUES ('apple', 10);\n"},
        {dialect == "mysql" ? "sqlite" : "mysql", 1, "other_dialect", "V001__other.sql", "THIS IS NOT SQL;\n"},
    };
}

} // namespace

template <sdk::Dialect D>
class DatabaseTest : public CppUnit::TestFixture {
public:
    void appliesMigrationsOnceInOrder()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        (*db).migrate("t", migrations(D)); // second start: nothing to do
        Poco::Data::Session s = (*db).session();
        Poco::Int64 qty = 0, applied = 0;
        s << "SELECT quantity FROM items WHERE name = 'apple'", into(qty), now;
        s << "SELECT COUNT(*) FROM schema_migrations WHERE owner = 't'", into(applied), now;
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), qty);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), applied);
    }

    void editedMigrationStopsStartup()
    {
        test::TestDatabase db(D);
        auto set = migrations(D);
        (*db).migrate("t", set);
        set[1].sql = "INSERT INTO items (name, quantity) VALUES ('pear', 10);\n";
        try {
            (*db).migrate("t", set);
            CPPUNIT_FAIL("an edited migration must stop start-up");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("V002__seed.sql was edited") != std::string::npos);
        }
    }

    void newerDatabaseStopsStartup()
    {
        test::TestDatabase db(D);
        auto set = migrations(D);
        (*db).migrate("t", set);
        set.erase(set.begin() + 1);
        try {
            (*db).migrate("t", set);
            CPPUNIT_FAIL("a newer database must stop start-up");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("newer than this build") != std::string::npos);
        }
    }

    void failingMigrationIsNotRecorded()
    {
        test::TestDatabase db(D);
        auto set = migrations(D);
        set.push_back({sdk::dialectName(D), 3, "broken", "V003__broken.sql", "CREATE TABLE broken (;\n"});
        CPPUNIT_ASSERT_THROW((*db).migrate("t", set), std::runtime_error);
        Poco::Data::Session s = (*db).session();
        Poco::Int64 applied = 0;
        s << "SELECT COUNT(*) FROM schema_migrations WHERE owner = 't'", into(applied), now;
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), applied);
    }

    void transactionCommitsAndRollsBack()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        {
            sdk::Transaction tx(*db);
            tx.session() << "INSERT INTO items (name, quantity) VALUES ('pear', 1)", now;
            CPPUNIT_ASSERT(sdk::lastInsertId(tx.session(), tx.dialect()) > 1);
        } // not committed: rolled back
        {
            sdk::Transaction tx(*db);
            tx.session() << "INSERT INTO items (name, quantity) VALUES ('plum', 1)", now;
            const std::int64_t first = sdk::lastInsertId(tx.session(), tx.dialect());
            // A prepared INSERT with bound values, as repositories write them.
            std::string name = "quince";
            Poco::Int64 quantity = 2;
            tx.session() << "INSERT INTO items (name, quantity) VALUES (?, ?)", use(name), use(quantity), now;
            const std::int64_t second = sdk::lastInsertId(tx.session(), tx.dialect());
            Poco::Int64 maxId = 0;
            tx.session() << "SELECT MAX(id) FROM items", into(maxId), now;
            CPPUNIT_ASSERT_EQUAL(std::int64_t(maxId), second);
            CPPUNIT_ASSERT(second > first);
            tx.commit();
        }
        Poco::Data::Session s = (*db).session();
        Poco::Int64 pears = -1, plums = -1;
        s << "SELECT COUNT(*) FROM items WHERE name = 'pear'", into(pears), now;
        s << "SELECT COUNT(*) FROM items WHERE name = 'plum'", into(plums), now;
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), pears);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), plums);
    }

    // A pooled connection that ran a transaction must read fresh data afterwards: POCO's MySQL
    // Session::begin() left autocommit off, so later plain reads kept a stale snapshot.
    void connectionsReadFreshDataAfterATransaction()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        for (int round = 0; round < 3; ++round) {
            {
                sdk::Transaction tx(*db);
                tx.session() << "SELECT COUNT(*) FROM items", now;
            }
            Poco::Data::Session reader = (*db).session();
            Poco::Int64 before = -1, after = -1;
            reader << "SELECT COUNT(*) FROM items", into(before), now;
            {
                Poco::Data::Session writer = (*db).session();
                writer << "INSERT INTO items (name, quantity) VALUES ('fig" + std::to_string(round) + "', 1)", now;
            }
            reader << "SELECT COUNT(*) FROM items", into(after), now;
            CPPUNIT_ASSERT_EQUAL(before + 1, after);
        }
    }

    void classifiesConstraintViolations()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        Poco::Data::Session s = (*db).session();
        try {
            s << "INSERT INTO items (name, quantity) VALUES ('apple', 1)", now;
            CPPUNIT_FAIL("duplicate name accepted");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), sdk::isUniqueViolation(e));
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), !sdk::isConnectionLost(e)); // a refusal, not a lost server
        }
        try {
            s << "UPDATE items SET quantity = -1 WHERE name = 'apple'", now;
            CPPUNIT_FAIL("negative quantity accepted");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), sdk::isConstraintViolation(e));
            CPPUNIT_ASSERT(!sdk::isUniqueViolation(e));
        }
    }

    /// The stock rule of API.md: a conditional decrement checked by affected rows never oversells,
    /// however many threads buy at once, and the last unit can be bought.
    void conditionalDecrementNeverOversells()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        std::atomic<int> sold{0}, refused{0}, failed{0};
        std::vector<std::thread> buyers;
        for (int i = 0; i < 24; ++i) {
            buyers.emplace_back([&] {
                try {
                    sdk::Transaction tx(*db);
                    Poco::Int64 n = 1;
                    std::string name = "apple";
                    Poco::Data::Statement st(tx.session());
                    st << "UPDATE items SET quantity = quantity - ? WHERE name = ? AND quantity >= ?", use(n), use(name), use(n);
                    if (st.execute() == 1) {
                        tx.commit();
                        ++sold;
                    } else {
                        ++refused;
                    }
                } catch (const std::exception&) {
                    ++failed;
                }
            });
        }
        for (auto& t : buyers)
            t.join();
        Poco::Data::Session s = (*db).session();
        Poco::Int64 left = -1;
        s << "SELECT quantity FROM items WHERE name = 'apple'", into(left), now;
        CPPUNIT_ASSERT_EQUAL(0, failed.load());
        CPPUNIT_ASSERT_EQUAL(10, sold.load());
        CPPUNIT_ASSERT_EQUAL(14, refused.load());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), left);
    }

    /// The soak found relay jobs dead for good: a request whose database went away at its end could
    /// neither complete nor release its Idempotency-Key claim, and every retry was "still being
    /// processed" for 24 h. A claim without an outcome is abandoned after kAbandonedSeconds.
    void abandonedIdempotencyClaimIsClaimedAnew()
    {
        test::TestDatabase db(D);
        (*db).migrate("mercato", mercatoHostMigrations());
        host::IdempotencyStore store(*db);
        CPPUNIT_ASSERT(!store.claim(7, "key-1", "fp"));
        CPPUNIT_ASSERT_THROW(store.claim(7, "key-1", "fp"), sdk::Conflict); // the first request still runs
        Poco::Data::Session s = (*db).session();
        std::string old = sdk::utcFromNow(-host::IdempotencyStore::kAbandonedSeconds - 5);
        s << "UPDATE mercato_idempotency_keys SET created_at = ? WHERE idem_key = 'key-1'", use(old), now;
        CPPUNIT_ASSERT(!store.claim(7, "key-1", "fp")); // abandoned: claimed anew
        CPPUNIT_ASSERT_THROW(store.claim(7, "key-1", "fp"), sdk::Conflict);
        // A completed reply of the same age is replayed, never dropped.
        CPPUNIT_ASSERT(!store.claim(7, "key-2", "fp"));
        store.complete(7, "key-2", 201, "{}");
        s << "UPDATE mercato_idempotency_keys SET created_at = ? WHERE idem_key = 'key-2'", use(old), now;
        auto replay = store.claim(7, "key-2", "fp");
        CPPUNIT_ASSERT(replay && replay->status == 201);
    }

    /// The soak found 500s while MariaDB restarted: a statement on a connection the server dropped
    /// is "connection lost" (the host answers 503); classifiesConstraintViolations checks that a
    /// refused statement is not.
    void classifiesLostConnections()
    {
        if (D != sdk::Dialect::MySQL)
            return;
        test::TestDatabase db(D);
        Poco::Data::Session s = (*db).session();
        const auto server = test::MySqlServer::fromEnvironment();
        Poco::Data::Session victim("mysql", "host=" + server.host + ";port=" + std::to_string(server.port) + ";user=" + server.user
                                                + ";password=" + server.password);
        std::string id;
        victim << "SELECT CAST(CONNECTION_ID() AS CHAR)", into(id), now;
        s << "KILL " + id, now;
        try {
            int one = 0;
            victim << "SELECT 1", into(one), now;
            CPPUNIT_FAIL("a killed connection answered");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), sdk::isConnectionLost(e));
        }
    }

    /// The quantity of item `name` through a kept statement; -1 when there is none.
    static Poco::Int64 keptQuantity(Poco::Data::Session& s, const std::string& name)
    {
        sdk::sql::Prepared st = sdk::sql::prepared(s, "SELECT quantity FROM items WHERE name = ?");
        std::string n = name;
        st, use(n);
        st.execute();
        Poco::Data::RecordSet rows(st);
        return rows.rowCount() == 0 ? -1 : sdk::sql::integer(rows, 0, 0);
    }

    /// The server's count of statements prepared by this connection (MariaDB).
    static Poco::Int64 serverPrepares(Poco::Data::Session& s)
    {
        std::string name, value;
        s << "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'", into(name), into(value), now;
        return std::stoll(value);
    }

    static sdk::sql::StatementCache& cacheOf(Poco::Data::Session& s)
    {
        auto* cache = Poco::AnyCast<sdk::sql::StatementCache*>(s.getProperty(sdk::sql::statementCacheProperty()));
        CPPUNIT_ASSERT(cache != nullptr);
        return *cache;
    }

    void preparedStatementsAreKeptPerConnection()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        Poco::Data::Session s = (*db).session();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), keptQuantity(s, "apple"));
        const std::size_t kept = cacheOf(s).size();
        const Poco::Int64 preparesBefore = D == sdk::Dialect::MySQL ? serverPrepares(s) : 0;
        {
            sdk::sql::Prepared insert = sdk::sql::prepared(s, "INSERT INTO items (name, quantity) VALUES (?, ?)");
            std::string name = "pear";
            Poco::Int64 quantity = 7;
            insert, use(name), use(quantity);
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), insert.execute());
        }
        // The same texts again, with new values: the kept statements answer for the new values.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), keptQuantity(s, "pear"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), keptQuantity(s, "apple"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(-1), keptQuantity(s, "plum"));
        CPPUNIT_ASSERT_EQUAL(kept + 1, cacheOf(s).size());
        if (D == sdk::Dialect::MySQL) {
            // SHOW STATUS is a prepared statement of its own; the SELECT was not prepared again.
            CPPUNIT_ASSERT_EQUAL(preparesBefore + 2, serverPrepares(s));
        }
    }

    void preparedStatementIsFreshAfterAFailedRun()
    {
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        Poco::Data::Session s = (*db).session();
        const std::string insertSql = "INSERT INTO items (name, quantity) VALUES (?, ?)";
        auto insert = [&](const std::string& itemName, Poco::Int64 itemQuantity) {
            sdk::sql::Prepared st = sdk::sql::prepared(s, insertSql);
            std::string n = itemName;
            Poco::Int64 q = itemQuantity;
            st, use(n), use(q);
            return st.execute();
        };
        try {
            insert("apple", 1);
            CPPUNIT_FAIL("a duplicate name was inserted");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), sdk::isUniqueViolation(e));
        }
        try {
            insert("fig", -1);
            CPPUNIT_FAIL("a negative quantity was inserted");
        } catch (const Poco::Exception& e) {
            CPPUNIT_ASSERT_MESSAGE(e.displayText(), sdk::isConstraintViolation(e));
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), insert("fig", 3));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), keptQuantity(s, "fig"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), keptQuantity(s, "apple"));
    }

    void preparedStatementsAreForgottenAfterAReconnect()
    {
        if (D != sdk::Dialect::MySQL)
            return;
        test::TestDatabase db(D);
        (*db).migrate("t", migrations(D));
        std::string id;
        {
            Poco::Data::Session s = (*db).session();
            CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), keptQuantity(s, "apple"));
            s << "SELECT CAST(CONNECTION_ID() AS CHAR)", into(id), now;
            const auto server = test::MySqlServer::fromEnvironment();
            Poco::Data::Session killer("mysql", "host=" + server.host + ";port=" + std::to_string(server.port) + ";user="
                                                    + server.user + ";password=" + server.password);
            killer << "KILL " + id, now;
            try {
                keptQuantity(s, "apple");
                CPPUNIT_FAIL("a killed connection answered");
            } catch (const Poco::Exception& e) {
                CPPUNIT_ASSERT_MESSAGE(e.displayText(), sdk::isConnectionLost(e));
            }
        } // back to the pool, which pings it: the client library reconnects (db auto-reconnect)
        Poco::Data::Session again = (*db).session();
        std::string idAgain;
        again << "SELECT CAST(CONNECTION_ID() AS CHAR)", into(idAgain), now;
        CPPUNIT_ASSERT(idAgain != id);
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), keptQuantity(again, "apple"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), keptQuantity(again, "apple"));
    }

    // POCO's pool fails at once when every connection is taken; the host's waits for one.
    void takenPoolWaitsForAConnectionThenAnswers503()
    {
        test::TestDatabase db(D, 1, 3000);
        std::atomic<bool> held{false};
        std::thread holder([&] {
            Poco::Data::Session s = (*db).session();
            held = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
        });
        while (!held)
            std::this_thread::yield();
        Poco::Data::Session waited = (*db).session(); // comes when the holder lets go
        int one = 0;
        waited << "SELECT 1", into(one), now;
        CPPUNIT_ASSERT_EQUAL(1, one);
        holder.join();

        test::TestDatabase impatient(D, 1, 50);
        Poco::Data::Session taken = (*impatient).session();
        try {
            (*impatient).session();
            CPPUNIT_FAIL("a second connection came from a pool of one");
        } catch (const sdk::ServiceUnavailable&) {
        }
    }

    void pingAndPoolFigures()
    {
        test::TestDatabase db(D);
        CPPUNIT_ASSERT((*db).ping());
        CPPUNIT_ASSERT((*db).poolSize() >= 1);
    }
};

class DatabaseSqliteTest : public DatabaseTest<sdk::Dialect::SQLite> {
    CPPUNIT_TEST_SUITE(DatabaseSqliteTest);
    CPPUNIT_TEST(appliesMigrationsOnceInOrder);
    CPPUNIT_TEST(editedMigrationStopsStartup);
    CPPUNIT_TEST(newerDatabaseStopsStartup);
    CPPUNIT_TEST(failingMigrationIsNotRecorded);
    CPPUNIT_TEST(transactionCommitsAndRollsBack);
    CPPUNIT_TEST(connectionsReadFreshDataAfterATransaction);
    CPPUNIT_TEST(classifiesConstraintViolations);
    CPPUNIT_TEST(conditionalDecrementNeverOversells);
    CPPUNIT_TEST(pingAndPoolFigures);
    CPPUNIT_TEST(abandonedIdempotencyClaimIsClaimedAnew);
    CPPUNIT_TEST(classifiesLostConnections);
    CPPUNIT_TEST(preparedStatementsAreKeptPerConnection);
    CPPUNIT_TEST(preparedStatementIsFreshAfterAFailedRun);
    CPPUNIT_TEST(preparedStatementsAreForgottenAfterAReconnect);
    CPPUNIT_TEST(takenPoolWaitsForAConnectionThenAnswers503);
    CPPUNIT_TEST_SUITE_END();
};

class DatabaseMysqlTest : public DatabaseTest<sdk::Dialect::MySQL> {
    CPPUNIT_TEST_SUITE(DatabaseMysqlTest);
    CPPUNIT_TEST(appliesMigrationsOnceInOrder);
    CPPUNIT_TEST(editedMigrationStopsStartup);
    CPPUNIT_TEST(newerDatabaseStopsStartup);
    CPPUNIT_TEST(failingMigrationIsNotRecorded);
    CPPUNIT_TEST(transactionCommitsAndRollsBack);
    CPPUNIT_TEST(connectionsReadFreshDataAfterATransaction);
    CPPUNIT_TEST(classifiesConstraintViolations);
    CPPUNIT_TEST(conditionalDecrementNeverOversells);
    CPPUNIT_TEST(pingAndPoolFigures);
    CPPUNIT_TEST(abandonedIdempotencyClaimIsClaimedAnew);
    CPPUNIT_TEST(classifiesLostConnections);
    CPPUNIT_TEST(preparedStatementsAreKeptPerConnection);
    CPPUNIT_TEST(preparedStatementIsFreshAfterAFailedRun);
    CPPUNIT_TEST(preparedStatementsAreForgottenAfterAReconnect);
    CPPUNIT_TEST(takenPoolWaitsForAConnectionThenAnswers503);
    CPPUNIT_TEST_SUITE_END();
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DatabaseSqliteTest, "integration");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DatabaseMysqlTest, "integration");
