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
    "INSERT INTO mercato_outbox (topic, msg_key, payload, attempts, next_attempt_at, created_at, unique_key) VALUES (?, ?, ?, 0, ?, ?, ?)";
const char* const kSelectColumns =
    "SELECT id, topic, msg_key, payload, attempts, created_at, last_error, done_at, state FROM mercato_outbox ";

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
        m.state = rows.value(8, i).convert<std::string>();
        if (m.state == "ready" && m.attempts > 0)
            m.state = "retrying";
        messages.push_back(std::move(m));
    }
    return messages;
}

void checkMessage(const std::string& topic, const std::string& key, const std::string& payload,
                  const std::string& uniqueKey = "")
{
    if (topic.empty() || topic.size() > 100 || key.size() > 255 || uniqueKey.size() > 255)
        throw std::invalid_argument("Outbox::append: topic must have 1-100 characters, key and unique key at most 255");
    if (payload.size() > sdk::Outbox::kMaxPayloadBytes)
        throw std::invalid_argument("Outbox::append: a payload has at most 65,535 bytes (got " + std::to_string(payload.size())
                                    + "); append a reference instead of the document");
}

} // namespace

std::int64_t SqlOutbox::append(sdk::Transaction& tx, const std::string& topic, const std::string& key, const std::string& payload)
{
    return *enqueue(tx, {topic, key, payload, ""});
}

std::optional<std::int64_t> SqlOutbox::enqueue(sdk::Transaction& tx, const sdk::OutboxDraft& draft)
{
    checkMessage(draft.topic, draft.key, draft.payload, draft.uniqueKey);
    const std::string stamp = sdk::utcNow();
    std::string t = draft.topic, k = draft.key, p = draft.payload, dueAt = stamp, created = stamp;
    Poco::Nullable<std::string> unique;
    if (!draft.uniqueKey.empty())
        unique = draft.uniqueKey;
    try {
        tx.session() << kInsert, use(t), use(k), use(p), use(dueAt), use(created), use(unique), now;
    } catch (const std::exception& e) {
        // Both dialects undo only the failed statement: the caller's transaction goes on.
        if (!draft.uniqueKey.empty() && sdk::isUniqueViolation(e))
            return std::nullopt;
        throw;
    }
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
            checkMessage(messages[i].topic, messages[i].key, messages[i].payload);
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

std::vector<sdk::OutboxMessage> SqlOutbox::find(const std::string& topic, const std::string& key)
{
    Poco::Data::Session session = _db.session();
    std::string t = topic, k = key;
    Poco::Data::Statement select(session);
    select << std::string(kSelectColumns) + "WHERE topic = ? AND msg_key = ? ORDER BY id", use(t), use(k);
    return readMessages(select);
}

} // namespace mercato::host
