#pragma once
#include "mercato/sdk/Database.h"
#include "mercato/sdk/Outbox.h"

namespace mercato::host {

/// sdk::Outbox on the `mercato_outbox` table of the service's database (host migration V001).
class SqlOutbox final : public sdk::Outbox {
public:
    explicit SqlOutbox(sdk::Database& db) : _db(db) {}

    std::int64_t append(sdk::Transaction& tx, const std::string& topic, const std::string& key,
                        const std::string& payload) override;
    void appendAll(sdk::Transaction& tx, const std::vector<sdk::OutboxDraft>& messages) override;
    std::vector<sdk::OutboxMessage> due(const std::string& topic, std::size_t limit) override;
    std::vector<sdk::OutboxMessage> find(const std::string& topic, const std::string& key) override;
    void markDone(std::int64_t id) override;
    void markFailed(std::int64_t id, const std::string& error, std::int64_t retryInSeconds) override;

private:
    sdk::Database& _db;
};

} // namespace mercato::host
