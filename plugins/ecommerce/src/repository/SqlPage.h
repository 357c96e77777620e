#pragma once
// One page of a list and its exact total, the way every list of this plugin reads it.
#include "domain/Model.h"

#include "mercato/sdk/Sql.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <optional>
#include <string>

namespace mercato::ecommerce {

/// Executes `st`, which selects at most one row by key, and maps it with `read(session, recordSet)`;
/// nullopt when there is none.
template <class Read>
auto readOne(Poco::Data::Session& session, sdk::sql::Prepared& st, Read read)
{
    st.execute();
    Poco::Data::RecordSet rs(st);
    auto rows = read(session, rs);
    return rows.empty() ? std::nullopt : std::make_optional(std::move(rows.front()));
}

/// One page of a list and the exact total of the filtered list, in one statement (one snapshot and one
/// round trip fewer than a separate COUNT): `SELECT <columns>, (SELECT COUNT(*) FROM <table> <count>)
/// FROM <table> <page> ORDER BY <alias>.id LIMIT … OFFSET …`. The total rides as the last column of every
/// row, computed once (an uncorrelated subquery); a page past the end counts on its own. `page` and
/// `count` select the same rows (they may say so differently, each in the shape its plan needs).
/// A fresh statement each time, not a kept one (sdk::sql::prepared): MariaDB 10.11 spends about twice
/// the CPU re-executing this shape (a COUNT subquery beside a dependent one) as preparing it anew —
/// measured with bench/ecommerce.sh's list at c16: 860–1,060 µs of mariadbd per page kept, 460–510 fresh.
template <class T, class Read>
Slice<T> readPage(Poco::Data::Session& session, const std::string& columns, const std::string& table, const sdk::sql::Filter& page,
                  const sdk::sql::Filter& count, std::int64_t limit, std::int64_t offset, Read read)
{
    const std::string alias = table.substr(table.rfind(' ') + 1);
    Poco::Data::Statement st(session);
    st << "SELECT " + columns + ", (SELECT COUNT(*) FROM " + table + " " + count.where() + ") FROM " + table + " " + page.where()
              + " ORDER BY " + alias + ".id LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
    count.bindTo(st); // the subquery's placeholders come first in the text
    page.bindTo(st);
    st.execute();
    Poco::Data::RecordSet rs(st);
    Slice<T> slice;
    if (rs.rowCount() > 0)
        slice.total = sdk::sql::integer(rs, rs.columnCount() - 1, 0);
    else if (offset > 0)
        slice.total = sdk::sql::count(session, "FROM " + table + " " + count.where(), count);
    slice.items = read(session, rs);
    return slice;
}

} // namespace mercato::ecommerce
