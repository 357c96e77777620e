#include "SqlOutbox.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <stdexcept>

using namespace Poco::Data::Keywords;

namespace mercato::host {

namespace {

const char* const kInsert =
    "INSERT INTO mercato_outbox (topic, msg_key, payload, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 0, ?, ?)";
const char* const kSelectColumns =
    "SELECT id, topic, msg_key, payload, attempts, created_at, last_error, done_at FROM mercato_outbox ";
const char* const kMarkDone = "UPDATE mercato_outbox SET done_at = ? WHERE id = ?";
const char* const kMarkFailed =
    "UPDATE mercato_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND done_at IS NULL";

std::vector<sdk::OutboxMessage> readMessages(Poco::Data::Statement& select)
{
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<sdk::OutboxMessage> messages;
    for (std::size_t i = 0; i < rows.rowCount(); ++i) {
        sdk::OutboxMessage m;
        m.id = rows.value(0, i).convert<std::int64_t>();
        m.topic = rows.value(1, i).convert<std::string>();
        m.key = rows.value(2, i).convert<std::string>();
        m.payload = rows.value(3, i).convert<std::string>();
        m.attempts = rows.value(4, i).convert<int>();
        m.createdAt = rows.value(5, i).convert<std::string>();
        m.lastError = rows.value(6, i).isEmpty() ? "" : rows.value(6, i).convert<std::string>();
        m.done = !rows.value(7, i).isEmpty();
        messages.push_back(std::move(m));
    }
    return messages;
}

void checkMessage(const std::string& topic, const std::string& key)
{
    if (topic.empty() || topic.size() > 100 || key.size() > 255)
        throw std::invalid_argument("Outbox::append: topic must have 1-100 characters and key at most 255");
}

} // namespace

std::int64_t SqlOutbox::append(sdk::Transaction& tx, const std::string& topic, const std::string& key, const std::string& payload)
{
    checkMessage(topic, key);
    const std::string stamp = sdk::utcNow();
    std::string t = topic, k = key, p = payload, dueAt = stamp, created = stamp;
    tx.session() << kInsert, use(t), use(k), use(p), use(dueAt), use(created), now;
    return sdk::lastInsertId(tx.session(), tx.dialect());
}

void SqlOutbox::appendAll(sdk::Transaction& tx, const std::vector<sdk::OutboxDraft>& messages)
{
    // Multi-row INSERTs of up to kRowsPerInsert rows: one round trip per chunk instead of per row.
    constexpr std::size_t kRowsPerInsert = 200;
    const std::string stamp = sdk::utcNow();
    for (std::size_t start = 0; start < messages.size(); start += kRowsPerInsert) {
        const std::size_t end = std::min(messages.size(), start + kRowsPerInsert);
        std::string sql = "INSERT INTO mercato_outbox (topic, msg_key, payload, attempts, next_attempt_at, created_at) VALUES ";
        Poco::Data::Statement insert(tx.session());
        for (std::size_t i = start; i < end; ++i) {
            checkMessage(messages[i].topic, messages[i].key);
            sql += i == start ? "(?, ?, ?, 0, ?, ?)" : ", (?, ?, ?, 0, ?, ?)";
        }
        insert << sql;
        for (std::size_t i = start; i < end; ++i) {
            insert.addBind(bind(messages[i].topic));
            insert.addBind(bind(messages[i].key));
            insert.addBind(bind(messages[i].payload));
            insert.addBind(bind(stamp));
            insert.addBind(bind(stamp));
        }
        insert.execute();
    }
}

std::vector<sdk::OutboxMessage> SqlOutbox::due(const std::string& topic, std::size_t limit)
{
    Poco::Data::Session session = _db.session();
    std::string t = topic, stamp = sdk::utcNow();
    auto n = static_cast<Poco::Int64>(limit);
    Poco::Data::Statement select(session);
    select << std::string(kSelectColumns) + "WHERE topic = ? AND done_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        use(t), use(stamp), use(n);
    return readMessages(select);
}

std::vector<sdk::OutboxMessage> SqlOutbox::find(const std::string& topic, const std::string& key)
{
    Poco::Data::Session session = _db.session();
    std::string t = topic, k = key;
    Poco::Data::Statement select(session);
    select << std::string(kSelectColumns) + "WHERE topic = ? AND msg_key = ? ORDER BY id", use(t), use(k);
    return readMessages(select);
}

void SqlOutbox::markDone(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = sdk::utcNow();
    Poco::Int64 i = id;
    session << kMarkDone, use(stamp), use(i), now;
}

void SqlOutbox::markFailed(std::int64_t id, const std::string& error, std::int64_t retryInSeconds)
{
    Poco::Data::Session session = _db.session();
    std::string e = error.substr(0, 1000), next = sdk::utcFromNow(retryInSeconds);
    Poco::Int64 i = id;
    session << kMarkFailed, use(e), use(next), use(i), now;
}

} // namespace mercato::host
