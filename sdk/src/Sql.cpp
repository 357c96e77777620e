#include "mercato/sdk/Sql.h"

#include <Poco/Exception.h>

using namespace Poco::Data::Keywords;

namespace mercato::sdk::sql {

std::string text(Poco::Data::RecordSet& rows, std::size_t col, std::size_t row)
{
    const Poco::Dynamic::Var& v = rows.value(col, row);
    return v.isEmpty() ? std::string() : v.convert<std::string>();
}

std::optional<std::string> optionalText(Poco::Data::RecordSet& rows, std::size_t col, std::size_t row)
{
    const Poco::Dynamic::Var& v = rows.value(col, row);
    if (v.isEmpty())
        return std::nullopt;
    return v.convert<std::string>();
}

std::int64_t integer(Poco::Data::RecordSet& rows, std::size_t col, std::size_t row)
{
    return rows.value(col, row).convert<std::int64_t>();
}

const std::string& statementCacheProperty()
{
    static const std::string name = "mercato.statements";
    return name;
}

Prepared::Prepared(Poco::Data::Session& session, const std::string& sql) : Poco::Data::Statement(session)
{
    *this << sql;
}

std::size_t Prepared::execute()
{
    // StatementImpl::execute, not Statement::execute: the latter resets a finished statement's
    // bindings first, and new bindings have no binder until the run compiles them (POCO 1.11
    // throws NullPointerException). rewind() has reset the kept statement already.
    return impl()->execute(true);
}

bool Prepared::rewind(bool hasPlaceholders)
{
    if (!done())
        return initialized() && !hasPlaceholders;
    // Still prepared on the server; the last run's bindings referred to its caller's values.
    impl()->reset();
    if (hasPlaceholders) {
        try {
            removeBind("");
        } catch (const Poco::NotFoundException&) {
        }
    }
    return true;
}

Prepared StatementCache::checkout(Poco::Data::Session& session, const std::string& sql)
{
    const bool hasPlaceholders = sql.find('?') != std::string::npos;
    if (auto it = _statements.find(sql); it != _statements.end()) {
        if (it->second.rewind(hasPlaceholders))
            return it->second;
        _statements.erase(it); // failed half-way, or bound and never run: start from a fresh statement
    }
    if (_statements.size() >= kCapacity)
        _statements.clear();
    return _statements.emplace(sql, Prepared(session, sql)).first->second;
}

Prepared prepared(Poco::Data::Session& session, const std::string& sql)
{
    StatementCache* cache = nullptr;
    try {
        cache = Poco::AnyCast<StatementCache*>(session.getProperty(statementCacheProperty()));
    } catch (const Poco::Exception&) {
        // Not a host session (no such property): nothing is kept.
    }
    if (!cache)
        return Prepared(session, sql);
    return cache->checkout(session, sql);
}

std::string likePattern(const std::string& text)
{
    std::string p = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!')
            p += '!';
        p += c;
    }
    return p + "%";
}

std::string idList(const std::vector<std::int64_t>& ids)
{
    std::string s;
    for (auto id : ids)
        s += (s.empty() ? "" : ",") + std::to_string(id);
    return s;
}

std::string forUpdate(Dialect dialect)
{
    return dialect == Dialect::MySQL ? " FOR UPDATE" : "";
}

std::string placeholders(std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += i ? ", ?" : "?";
    return s;
}

Filter& Filter::add(std::string clause)
{
    _clauses.push_back(std::move(clause));
    return *this;
}

Filter& Filter::add(std::string clause, Value value)
{
    _clauses.push_back(std::move(clause));
    _values.push_back(std::move(value));
    return *this;
}

std::string Filter::where() const
{
    std::string s;
    for (const auto& c : _clauses)
        s += (s.empty() ? "WHERE " : " AND ") + c;
    return s;
}

std::string Filter::assignments() const
{
    std::string s;
    for (const auto& c : _clauses)
        s += (s.empty() ? "" : ", ") + c;
    return s;
}

void Filter::bindTo(Poco::Data::Statement& statement) const
{
    for (const auto& v : _values) {
        if (const auto* s = std::get_if<std::string>(&v))
            statement.addBind(bind(*s));
        else
            statement.addBind(bind(std::get<Poco::Int64>(v)));
    }
}

std::int64_t count(Poco::Data::Session& session, const std::string& fromAndWhere, const Filter& filter)
{
    Poco::Data::Statement st(session);
    st << "SELECT COUNT(*) " + fromAndWhere;
    filter.bindTo(st);
    st.execute();
    Poco::Data::RecordSet rs(st);
    return rs.rowCount() ? integer(rs, 0, 0) : 0;
}

} // namespace mercato::sdk::sql
