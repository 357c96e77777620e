#pragma once
// Small helpers for plugin repositories that write SQL with Poco::Data on both dialects.
#include "Database.h"
#include "Export.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <map>
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

/// A statement kept prepared on its connection (see prepared()): bind its values (`st, use(id);`,
/// no binding names), run it with execute() (not with `now`), read what it read with a RecordSet
/// over it. One run per checkout.
class MERCATO_SDK_API Prepared : public Poco::Data::Statement {
public:
    Prepared(Poco::Data::Session& session, const std::string& sql);
    /// Runs it: the rows a write changed, or the rows a read extracted.
    std::size_t execute();
    /// Makes a finished statement ready for new bindings (its old ones are dropped); false when it
    /// did not finish its last run (then it cannot be run again: take a new one).
    bool rewind(bool hasPlaceholders);
};

/// The statements prepared on one database connection, kept while the connection lives: the host
/// gives every pooled connection one, and `prepared()` below reaches it. On MariaDB a kept statement
/// is a server-side prepared statement, so running it again costs one round trip (execute) instead
/// of three (prepare, execute, close). Not thread-safe: a connection serves one thread at a time.
class MERCATO_SDK_API StatementCache {
public:
    /// Most statements kept per connection; beyond it the cache starts over.
    static constexpr std::size_t kCapacity = 256;

    /// The kept statement of `sql` on `session`'s connection, its last run's bindings gone; a new
    /// one, kept from now on, when there is none or the kept one did not end its last run.
    Prepared checkout(Poco::Data::Session& session, const std::string& sql);
    /// Forgets every statement (before the connection closes or after it reconnected).
    void clear() { _statements.clear(); }
    std::size_t size() const { return _statements.size(); }

private:
    std::map<std::string, Prepared, std::less<>> _statements;
};

/// The statement `sql` prepared once on `session`'s connection and run again by every later request
/// that gets the same connection from the pool (the host's sessions; on any other session, a new
/// statement each time). Bind with `use()`/`bind()` without names and read with a RecordSet:
///
///     sql::Prepared st = sql::prepared(session, kFindProduct);
///     st, use(id);
///     st.execute();
///     RecordSet rows(st);
///
/// Only for SQL from a fixed set of texts (each text is one kept statement): not for text with
/// values in it (bind them, or use `placeholders(n)` for lists), and not with `into()` (its
/// extractions would add up run after run).
MERCATO_SDK_API Prepared prepared(Poco::Data::Session& session, const std::string& sql);

/// The session property by which a host's session hands out its connection's StatementCache
/// (a `StatementCache*` in a Poco::Any).
MERCATO_SDK_API const std::string& statementCacheProperty();

/// Runs `SELECT COUNT(*) <fromAndWhere>` with the filter's values.
MERCATO_SDK_API std::int64_t count(Poco::Data::Session& session, const std::string& fromAndWhere, const Filter& filter);

} // namespace mercato::sdk::sql
