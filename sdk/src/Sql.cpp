#include "mercato/sdk/Sql.h"

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
