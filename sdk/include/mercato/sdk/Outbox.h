#pragma once
#include "Export.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

class Transaction;

/// One message of the transactional outbox.
struct OutboxMessage {
    std::int64_t id = 0;
    std::string topic;      ///< e.g. "ecommerce.order.dispatched"
    std::string key;        ///< what the message is about (an order id); receivers dedupe on it
    std::string payload;    ///< JSON text
    int attempts = 0;       ///< failed sending attempts so far
    std::string createdAt;  ///< UTC `YYYY-MM-DD HH:MM:SS`
    std::string lastError;  ///< of the last failed attempt
    bool done = false;
};

/// A message to append: what OutboxMessage holds before it has an id.
struct OutboxDraft {
    std::string topic;
    std::string key;
    std::string payload;
};

/// The transactional outbox of the service's database (provided by the host; table
/// `mercato_outbox`). A state change that must reach another system appends a message *in the
/// same transaction* as the change, so either both are committed or neither; a relay then sends
/// due messages and marks them done or failed (at-least-once; receivers deduplicate).
///
///     auto outbox = ctx.services().require<Outbox>();
///     Transaction tx(db);
///     ...UPDATE orders SET status = 'DISPATCHED'...
///     outbox->append(tx, "ecommerce.order.dispatched", std::to_string(orderId), payloadJson);
///     tx.commit();
class MERCATO_SDK_API Outbox {
public:
    static constexpr const char* kServiceName = "mercato.outbox";
    virtual ~Outbox();

    /// Appends a message inside `tx`; returns its id. Visible to `due()` once `tx` commits.
    virtual std::int64_t append(Transaction& tx, const std::string& topic, const std::string& key,
                                const std::string& payload) = 0;
    /// Appends many messages inside `tx` (a status tick fanning out thousands of events); the
    /// default calls append() for each, the host's implementation writes multi-row INSERTs.
    virtual void appendAll(Transaction& tx, const std::vector<OutboxDraft>& messages);
    /// Up to `limit` messages of `topic` that are not done and whose next attempt is due, oldest first.
    virtual std::vector<OutboxMessage> due(const std::string& topic, std::size_t limit) = 0;
    /// Every message (done or not) with this topic and key, oldest first.
    virtual std::vector<OutboxMessage> find(const std::string& topic, const std::string& key) = 0;
    /// The message was delivered: it is never returned by `due()` again.
    virtual void markDone(std::int64_t id) = 0;
    /// A sending attempt failed: counts it, keeps `error`, and makes the message due again in
    /// `retryInSeconds`.
    virtual void markFailed(std::int64_t id, const std::string& error, std::int64_t retryInSeconds) = 0;
};

} // namespace mercato::sdk
