#pragma once
#include "mercato/sdk/Database.h"
#include "mercato/sdk/Outbox.h"

namespace mercato::host {

/// sdk::Outbox on the `mercato_outbox` table of the service's database (host migrations V001, V003); the scheduler plugin claims and runs the messages.
class SqlOutbox final : public sdk::Outbox {
public:
    explicit SqlOutbox(sdk::Database& db) : _db(db) {}

    std::int64_t append(sdk::Transaction& tx, const std::string& topic, const std::string& key,
                        const std::string& payload) override;
    std::optional<std::int64_t> enqueue(sdk::Transaction& tx, const sdk::OutboxDraft& draft) override;
    void appendAll(sdk::Transaction& tx, const std::vector<sdk::OutboxDraft>& messages) override;
    std::vector<sdk::OutboxMessage> find(const std::string& topic, const std::string& key) override;

private:
    sdk::Database& _db;
};

} // namespace mercato::host
