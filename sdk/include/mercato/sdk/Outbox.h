#pragma once
#include "Export.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

class Transaction;

/// One message of the transactional outbox (a job of the `scheduler` plugin, see Jobs.h).
struct OutboxMessage {
    std::int64_t id = 0;
    std::string topic;      ///< e.g. "ecommerce.order.dispatched" (the job type)
    std::string key;        ///< what the message is about (an order id); ordering key, receivers dedupe on it
    std::string payload;    ///< JSON text
    int attempts = 0;       ///< failed sending attempts so far
    std::string createdAt;  ///< UTC `YYYY-MM-DD HH:MM:SS`
    std::string lastError;  ///< of the last failed attempt
    bool done = false;
    std::string state;      ///< ready, running, retrying, done or dead
};

/// A message to append: what OutboxMessage holds before it has an id.
struct OutboxDraft {
    std::string topic;
    std::string key;
    std::string payload;
    /// Optional: at most one message with this value ever exists (done ones included); appending
    /// another one is a no-op. Up to 255 characters.
    std::string uniqueKey{};
};

/// The transactional outbox of the service's database (provided by the host; table
/// `mercato_outbox`). A state change that must reach another system appends a message *in the
/// same transaction* as the change, so either both are committed or neither. The messages are the
/// durable jobs of the `scheduler` plugin, which sends them with retries (sdk::Jobs); a host
/// without the scheduler only appends them. Payloads are at most kMaxPayloadBytes (64 KiB - 1):
/// append a reference (an id) rather than a large document.
///
///     auto outbox = ctx.services().require<Outbox>();
///     Transaction tx(db);
///     ...UPDATE orders SET status = 'DISPATCHED'...
///     outbox->append(tx, "ecommerce.order.dispatched", std::to_string(orderId), payloadJson);
///     tx.commit();
///
/// Thread-safe; every call uses the caller's transaction or a pooled session of its own. Throws
/// std::invalid_argument for an empty or over-long topic, key or unique key, or an over-long
/// payload, and what the database throws.
class MERCATO_SDK_API Outbox {
public:
    static constexpr const char* kServiceName = "mercato.outbox";
    static constexpr std::size_t kMaxPayloadBytes = 65535;
    virtual ~Outbox();

    /// Appends a message inside `tx`; returns its id. Visible to the scheduler once `tx` commits.
    virtual std::int64_t append(Transaction& tx, const std::string& topic, const std::string& key,
                                const std::string& payload) = 0;
    /// Appends a message inside `tx`, honouring `draft.uniqueKey`: returns its id, or nullopt when
    /// a message with that unique key exists already (then nothing was written).
    virtual std::optional<std::int64_t> enqueue(Transaction& tx, const OutboxDraft& draft) = 0;
    /// Appends many messages inside `tx` (a status tick fanning out thousands of events); the
    /// default calls append() for each, the host's implementation writes multi-row INSERTs.
    /// Unique keys are not honoured here.
    virtual void appendAll(Transaction& tx, const std::vector<OutboxDraft>& messages);
    /// Every message (done or not) with this topic and key, oldest first.
    virtual std::vector<OutboxMessage> find(const std::string& topic, const std::string& key) = 0;
};

} // namespace mercato::sdk
