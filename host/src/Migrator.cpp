#include "Migrator.h"

#include <Poco/Data/Session.h>
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace mercato::host {

namespace {

const char* const kCreateTableMySQL =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " owner VARCHAR(64) NOT NULL, version INT NOT NULL, name VARCHAR(200) NOT NULL,"
    " checksum CHAR(64) NOT NULL, applied_at VARCHAR(19) NOT NULL, PRIMARY KEY (owner, version)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
const char* const kCreateTableSQLite =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " owner TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " checksum TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (owner, version))";
const char* const kSelectApplied = "SELECT version, name, checksum FROM schema_migrations WHERE owner = ? ORDER BY version";
const char* const kInsertApplied = "INSERT INTO schema_migrations (owner, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)";

struct Applied {
    std::string name;
    std::string checksum;
};

/// Serialises migrations of several hosts starting at once against one MariaDB database.
class MigrationLock {
public:
    MigrationLock(Poco::Data::Session& s, sdk::Dialect d) : _session(s), _active(d == sdk::Dialect::MySQL)
    {
        if (!_active)
            return;
        Poco::Nullable<Poco::Int64> got;
        _session << "SELECT GET_LOCK('mercato_schema_migrations', 60)", into(got), now;
        if (got.isNull() || got.value() != 1)
            throw std::runtime_error("timed out waiting for another host's migrations (GET_LOCK)");
    }
    ~MigrationLock()
    {
        if (!_active)
            return;
        try {
            Poco::Nullable<Poco::Int64> released;
            _session << "SELECT RELEASE_LOCK('mercato_schema_migrations')", into(released), now;
        } catch (...) {
        }
    }

private:
    Poco::Data::Session& _session;
    bool _active;
};

} // namespace

std::string Migrator::checksum(const std::string& sql)
{
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(sql);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::vector<std::string> Migrator::splitStatements(const std::string& sql)
{
    std::vector<std::string> statements;
    std::istringstream in(sql);
    std::string line, current;
    while (std::getline(in, line)) {
        std::string trimmed = Poco::trim(line);
        if (trimmed.empty() || trimmed.rfind("--", 0) == 0)
            continue;
        current += line;
        current += '\n';
        if (!trimmed.empty() && trimmed.back() == ';') {
            std::string stmt = Poco::trim(current);
            stmt.pop_back();
            if (!Poco::trim(stmt).empty())
                statements.push_back(stmt);
            current.clear();
        }
    }
    if (!Poco::trim(current).empty())
        statements.push_back(Poco::trim(current));
    return statements;
}

void Migrator::apply(const std::string& owner, const sdk::MigrationSet& migrations)
{
    const std::string dialect = sdk::dialectName(_db.dialect());
    std::vector<const sdk::MigrationScript*> wanted;
    for (const auto& m : migrations)
        if (m.dialect == dialect)
            wanted.push_back(&m);
    std::sort(wanted.begin(), wanted.end(), [](auto a, auto b) { return a->version < b->version; });
    for (std::size_t i = 1; i < wanted.size(); ++i)
        if (wanted[i]->version == wanted[i - 1]->version)
            throw std::runtime_error(owner + ": migrations " + wanted[i - 1]->fileName + " and " + wanted[i]->fileName + " have the same version");

    Poco::Data::Session session = _db.session();
    session << (_db.dialect() == sdk::Dialect::MySQL ? kCreateTableMySQL : kCreateTableSQLite), now;
    MigrationLock lock(session, _db.dialect());

    std::map<int, Applied> applied;
    {
        std::vector<int> versions;
        std::vector<std::string> names, sums;
        std::string ownerCopy = owner;
        session << kSelectApplied, use(ownerCopy), into(versions), into(names), into(sums), now;
        for (std::size_t i = 0; i < versions.size(); ++i)
            applied[versions[i]] = Applied{names[i], sums[i]};
    }
    for (const auto& [version, row] : applied) {
        auto it = std::find_if(wanted.begin(), wanted.end(), [v = version](auto m) { return m->version == v; });
        if (it == wanted.end())
            throw std::runtime_error(owner + ": the database has migration version " + std::to_string(version) + " (" + row.name
                                     + ") that this build does not know: the database is newer than this build");
        if (checksum((*it)->sql) != row.checksum)
            throw std::runtime_error(owner + ": applied migration " + dialect + "/" + (*it)->fileName
                                     + " was edited after it was applied (checksum mismatch); add a new migration instead");
    }
    for (const auto* m : wanted) {
        if (applied.count(m->version))
            continue;
        const bool transactional = _db.dialect() == sdk::Dialect::SQLite; // MariaDB DDL commits implicitly
        try {
            if (transactional)
                session << "BEGIN IMMEDIATE", now;
            for (const auto& stmt : splitStatements(m->sql))
                session << stmt, now;
            std::string ownerCopy = owner, name = m->name, sum = checksum(m->sql), at = sdk::utcNow();
            int version = m->version;
            session << kInsertApplied, use(ownerCopy), use(version), use(name), use(sum), use(at), now;
            if (transactional)
                session << "COMMIT", now;
        } catch (const Poco::Exception& e) {
            if (transactional) {
                try {
                    session << "ROLLBACK", now;
                } catch (...) {
                }
            }
            throw std::runtime_error(owner + ": migration " + dialect + "/" + m->fileName + " failed: " + e.displayText());
        }
    }
}

} // namespace mercato::host
