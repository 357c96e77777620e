#include "repository/SqlUserStore.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace mercato::accounts {

namespace {

const char* const kColumns = "id, name, username, password_hash, role, shipping_address, created_at, updated_at, token_version";
const std::string kSelectById = std::string("SELECT ") + kColumns + " FROM users WHERE id = ?";
const std::string kSelectByUsername = std::string("SELECT ") + kColumns + " FROM users WHERE username = ?";
const std::string kSelectPage = std::string("SELECT ") + kColumns + " FROM users ORDER BY id LIMIT ? OFFSET ?";
const char* const kCount = "SELECT COUNT(*) FROM users";
const char* const kInsert =
    "INSERT INTO users (name, username, password_hash, role, shipping_address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
const char* const kUpdate =
    "UPDATE users SET name = ?, password_hash = ?, role = ?, shipping_address = ?, updated_at = ?, token_version = token_version + ? "
    "WHERE id = ?";
const char* const kDelete = "DELETE FROM users WHERE id = ?";

std::vector<User> readUsers(Poco::Data::Statement& statement)
{
    statement.execute();
    Poco::Data::RecordSet rs(statement);
    std::vector<User> users;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        User u;
        u.id = rs.value(0).convert<Poco::Int64>();
        u.name = rs.value(1).convert<std::string>();
        u.username = rs.value(2).convert<std::string>();
        u.passwordHash = rs.value(3).convert<std::string>();
        u.role = rs.value(4).convert<std::string>();
        if (!rs.value(5).isEmpty())
            u.shippingAddress = rs.value(5).convert<std::string>();
        u.createdAt = rs.value(6).convert<std::string>();
        u.updatedAt = rs.value(7).convert<std::string>();
        u.tokenVersion = rs.value(8).convert<Poco::Int64>();
        users.push_back(std::move(u));
    }
    return users;
}

std::optional<User> first(std::vector<User> users)
{
    if (users.empty())
        return std::nullopt;
    return std::move(users.front());
}

Poco::Nullable<std::string> nullable(const std::optional<std::string>& value)
{
    return value ? Poco::Nullable<std::string>(*value) : Poco::Nullable<std::string>();
}

} // namespace

std::optional<User> SqlUserStore::findById(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 key = id;
    Poco::Data::Statement st(session);
    st << kSelectById, use(key);
    return first(readUsers(st));
}

std::optional<User> SqlUserStore::findByUsername(const std::string& username)
{
    Poco::Data::Session session = _db.session();
    std::string key = username;
    Poco::Data::Statement st(session);
    st << kSelectByUsername, use(key);
    return first(readUsers(st));
}

User SqlUserStore::create(User user)
{
    user.createdAt = user.updatedAt = sdk::utcNow();
    Poco::Nullable<std::string> address = nullable(user.shippingAddress);
    sdk::Transaction tx(_db);
    try {
        tx.session() << kInsert, use(user.name), use(user.username), use(user.passwordHash), use(user.role), use(address),
            use(user.createdAt), use(user.updatedAt), now;
    } catch (const Poco::Exception& e) {
        if (sdk::isUniqueViolation(e))
            throw DuplicateUsername("username " + user.username + " is taken");
        throw;
    }
    user.id = sdk::lastInsertId(tx.session(), tx.dialect());
    tx.commit();
    return user;
}

std::vector<User> SqlUserStore::list(std::int64_t limit, std::int64_t offset)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 l = limit, o = offset;
    Poco::Data::Statement st(session);
    st << kSelectPage, use(l), use(o);
    return readUsers(st);
}

std::int64_t SqlUserStore::count()
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 n = 0;
    session << kCount, into(n), now;
    return n;
}

bool SqlUserStore::update(const User& user, bool revokeTokens)
{
    Poco::Data::Session session = _db.session();
    std::string name = user.name, hash = user.passwordHash, role = user.role, at = sdk::utcNow();
    Poco::Nullable<std::string> address = nullable(user.shippingAddress);
    Poco::Int64 id = user.id;
    Poco::Int64 versionStep = revokeTokens ? 1 : 0;
    std::size_t rows = 0;
    Poco::Data::Statement st(session);
    st << kUpdate, use(name), use(hash), use(role), use(address), use(at), use(versionStep), use(id);
    rows = st.execute();
    return rows > 0;
}

bool SqlUserStore::remove(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 key = id;
    Poco::Data::Statement st(session);
    st << kDelete, use(key);
    return st.execute() > 0;
}

} // namespace mercato::accounts
