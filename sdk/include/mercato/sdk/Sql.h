#pragma once
// Small helpers for plugin repositories that write SQL with Poco::Data on both dialects.
#include "Database.h"
#include "Export.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mercato::sdk::sql {

/// Column `col` of row `row` as text; NULL reads as "".
MERCATO_SDK_API std::string text(Poco::Data::RecordSet& rows, std::size_t col, std::size_t row);
/// Column `col` of row `row` as text; NULL reads as nullopt.
MERCATO_SDK_API std::optional<std::string> optionalText(Poco::Data::RecordSet& rows, std::size_t col, std::size_t row);
/// Column `col` of row `row` as a 64-bit integer (NULL is an error: use optionalText or COALESCE).
MERCATO_SDK_API std::int64_t integer(Poco::Data::RecordSet& rows, std::size_t col, std::size_t row);

/// `%text%` for `LIKE ? ESCAPE '!'`: the wildcards `%` and `_` (and `!`) in `text` match themselves.
MERCATO_SDK_API std::string likePattern(const std::string& text);
/// "1,2,3" for `IN (...)` lists of ids (integers only, so nothing needs escaping).
MERCATO_SDK_API std::string idList(const std::vector<std::int64_t>& ids);
/// " FOR UPDATE" on MariaDB; "" on SQLite, whose `BEGIN IMMEDIATE` (see Transaction) already holds
/// the write lock.
MERCATO_SDK_API std::string forUpdate(Dialect dialect);
/// "?, ?, ?" with `n` placeholders.
MERCATO_SDK_API std::string placeholders(std::size_t n);

/// Clauses of a WHERE (or the assignments of a SET) built from optional parts, with their values.
/// Each statement gets fresh bindings: POCO cannot share one binding object between statements.
///
///     Filter f;
///     f.add("status = ?", status);
///     Statement st(session);
///     st << "SELECT ... FROM deliveries " + f.where() + " ORDER BY id";
///     f.bindTo(st);
class MERCATO_SDK_API Filter {
public:
    using Value = std::variant<std::string, Poco::Int64>;

    /// A clause without values.
    Filter& add(std::string clause);
    /// A clause with one `?` and its value.
    Filter& add(std::string clause, Value value);
    bool empty() const { return _clauses.empty(); }
    /// "WHERE a AND b", or "" without clauses.
    std::string where() const;
    /// "a, b" (for UPDATE ... SET).
    std::string assignments() const;
    /// Binds the values, in order, to `statement`.
    void bindTo(Poco::Data::Statement& statement) const;

private:
    std::vector<std::string> _clauses;
    std::vector<Value> _values;
};

/// Runs `SELECT COUNT(*) <fromAndWhere>` with the filter's values.
MERCATO_SDK_API std::int64_t count(Poco::Data::Session& session, const std::string& fromAndWhere, const Filter& filter);

} // namespace mercato::sdk::sql
