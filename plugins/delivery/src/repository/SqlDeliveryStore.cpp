#include "repository/SqlDeliveryStore.h"

#include "domain/Events.h"
#include "domain/StatusMachine.h"

#include "mercato/sdk/Json.h"
#include "mercato/sdk/Sql.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Nullable.h>
#include <Poco/StringTokenizer.h>

#include <map>
#include <set>
#include <stdexcept>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;
namespace sql = mercato::sdk::sql;

namespace mercato::delivery {

namespace {

// ---- SQL (the only place it lives); both dialects share it.
const char* const kInsertDelivery =
    "INSERT INTO deliveries (tracking_number, client_id, foreign_order_id, foreign_shipment_id, products, origin_address, "
    "destination_name, destination_address, status, sequence, last_tick, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'READY_FOR_PICK_UP', 1, 0, ?, ?)";
const char* const kDeliveryColumns =
    "SELECT id, tracking_number, client_id, foreign_order_id, products, origin_address, destination_name, destination_address, "
    "status, sequence, created_at, updated_at, foreign_shipment_id FROM deliveries ";
/// One row per status change; products are not read (POCO sizes a fetch buffer by the TEXT column).
const char* const kTracked =
    "SELECT d.tracking_number, d.client_id, d.foreign_order_id, d.status, e.status, e.created_at "
    "FROM deliveries d JOIN delivery_events e ON e.delivery_id = d.id WHERE d.tracking_number = ? ORDER BY e.sequence";
const char* const kLockForChange =
    "SELECT status, sequence, tracking_number, foreign_order_id, client_id, foreign_shipment_id FROM deliveries WHERE id = ?";
const char* const kCancel =
    "UPDATE deliveries SET status = 'CANCELLED', sequence = sequence + 1, updated_at = ? WHERE id = ?";
const char* const kTracking = "SELECT status, created_at FROM delivery_events WHERE delivery_id = ? ORDER BY sequence";
const char* const kStatusChange =
    "SELECT e.status, COALESCE(e.previous_status, ''), e.created_at, d.tracking_number, d.foreign_order_id, d.client_id, "
    "d.foreign_shipment_id FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id WHERE e.delivery_id = ? AND e.sequence = ?";
const char* const kInsertEventRow = "(?, ?, ?, NULLIF(?, ''), ?)";
const char* const kInsertEvents =
    "INSERT INTO delivery_events (delivery_id, sequence, status, previous_status, created_at) VALUES ";
const char* const kSubscriptionsOfClients =
    "SELECT id, client_id, events FROM webhook_subscriptions WHERE deleted_at IS NULL AND client_id IN ";

const char* const kOpenTick = "SELECT id FROM delivery_ticks WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1";
const char* const kInsertTick = "INSERT INTO delivery_ticks (started_at, moved) VALUES (?, 0)";
const char* const kFinishTick = "UPDATE delivery_ticks SET finished_at = ?, moved = moved + ? WHERE id = ?";
/// Active deliveries (domain/StatusMachine's activeStatuses) the tick has not moved yet, in id order.
const std::string& tickCandidates()
{
    static const std::string sql = [] {
        std::string statuses;
        for (DeliveryStatus s : activeStatuses())
            statuses += (statuses.empty() ? "'" : ", '") + std::string(toString(s)) + "'";
        return "SELECT id, status, sequence, tracking_number, foreign_order_id, client_id, foreign_shipment_id FROM deliveries "
               "WHERE id > ? AND last_tick < ? AND status IN (" + statuses + ") ORDER BY id LIMIT ?";
    }();
    return sql;
}
const char* const kTickMove = "UPDATE deliveries SET status = ?, sequence = sequence + 1, last_tick = ?, updated_at = ? WHERE id IN (";

const char* const kInsertSubscription =
    "INSERT INTO webhook_subscriptions (client_id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)";
const char* const kSubscriptionColumns =
    "SELECT id, client_id, url, events, description, secret, created_at FROM webhook_subscriptions ";
const char* const kDeleteSubscription = "UPDATE webhook_subscriptions SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL";
const char* const kAttemptColumns =
    "SELECT event_id, attempt, status_code, error, created_at FROM webhook_attempts WHERE subscription_id = ? ";

const char* const kInsertAttempt =
    "INSERT INTO webhook_attempts (subscription_id, event_id, attempt, status_code, error, created_at) VALUES (?, ?, ?, ?, ?, ?)";

constexpr std::size_t kRowsPerInsert = 200;

// ---- mapping

std::string productsJson(const std::vector<DeliveryItem>& products)
{
    sdk::JsonArray a = sdk::makeArray();
    for (const auto& p : products) {
        sdk::JsonObject o = sdk::makeObject();
        o->set("sku", p.sku);
        o->set("name", p.name);
        o->set("qty", p.qty);
        a->add(o);
    }
    return sdk::toJson(a);
}

std::vector<DeliveryItem> parseProducts(const std::string& text)
{
    Poco::JSON::Parser parser;
    sdk::JsonArray a = parser.parse(text).extract<sdk::JsonArray>();
    std::vector<DeliveryItem> products;
    for (std::size_t i = 0; i < a->size(); ++i) {
        sdk::JsonObject o = a->getObject(static_cast<unsigned>(i));
        products.push_back({o->getValue<std::int64_t>("sku"), o->getValue<std::string>("name"), o->getValue<std::int64_t>("qty")});
    }
    return products;
}

std::string joinEvents(const std::vector<std::string>& events)
{
    std::string s;
    for (const auto& e : events)
        s += (s.empty() ? "" : ",") + e;
    return s;
}

std::vector<std::string> splitEvents(const std::string& text)
{
    Poco::StringTokenizer t(text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    return {t.begin(), t.end()};
}

DeliveryStatus statusOf(const std::string& text)
{
    auto status = parseDeliveryStatus(text);
    if (!status)
        throw std::runtime_error("deliveries: unknown status '" + text + "' in the database");
    return *status;
}

/// The delivery in columns 0–12 of `row` (kDeliveryColumns).
Delivery deliveryAt(RecordSet& rs, std::size_t row)
{
    Delivery d;
    d.id = sql::integer(rs, 0, row);
    d.trackingNumber = sql::text(rs, 1, row);
    d.clientId = sql::integer(rs, 2, row);
    d.content.foreignOrderId = sql::integer(rs, 3, row);
    d.content.products = parseProducts(sql::text(rs, 4, row));
    d.content.originAddress = sql::text(rs, 5, row);
    d.content.destinationName = sql::text(rs, 6, row);
    d.content.destinationAddress = sql::text(rs, 7, row);
    d.status = statusOf(sql::text(rs, 8, row));
    d.sequence = static_cast<int>(sql::integer(rs, 9, row));
    d.createdAt = sql::text(rs, 10, row);
    d.updatedAt = sql::text(rs, 11, row);
    d.content.foreignShipmentId = sql::integer(rs, 12, row);
    return d;
}

std::vector<Delivery> readDeliveries(Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<Delivery> deliveries;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        deliveries.push_back(deliveryAt(rs, i));
    return deliveries;
}

std::vector<WebhookSubscription> readSubscriptions(Statement& st)
{
    st.execute();
    RecordSet rs(st);
    std::vector<WebhookSubscription> subs;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        subs.push_back({sql::integer(rs, 0, i), sql::integer(rs, 1, i), sql::text(rs, 2, i), splitEvents(sql::text(rs, 3, i)),
                        sql::text(rs, 4, i), sql::text(rs, 5, i), sql::text(rs, 6, i)});
    return subs;
}

std::optional<Delivery> findOne(sdk::Database& db, const sql::Filter& filter)
{
    Poco::Data::Session session = db.session();
    Statement st(session);
    st << std::string(kDeliveryColumns) + filter.where();
    filter.bindTo(st);
    auto found = readDeliveries(st);
    if (found.empty())
        return std::nullopt;
    return found.front();
}

} // namespace

// ---------------------------------------------------------------- status changes

void SqlDeliveryStore::recordChanges(sdk::Transaction& tx, const std::vector<StatusChange>& changes)
{
    if (changes.empty())
        return;
    auto& session = tx.session();
    for (std::size_t start = 0; start < changes.size(); start += kRowsPerInsert) {
        const std::size_t end = std::min(changes.size(), start + kRowsPerInsert);
        std::string text = kInsertEvents;
        for (std::size_t i = start; i < end; ++i)
            text += (i == start ? "" : ", ") + std::string(kInsertEventRow);
        Statement insert(session);
        insert << text;
        for (std::size_t i = start; i < end; ++i) {
            const StatusChange& c = changes[i];
            insert.addBind(bind(static_cast<Poco::Int64>(c.deliveryId)));
            insert.addBind(bind(static_cast<Poco::Int64>(c.sequence)));
            insert.addBind(bind(std::string(toString(c.status))));
            insert.addBind(bind(std::string(c.previousStatus ? toString(*c.previousStatus) : "")));
            insert.addBind(bind(c.createdAt));
        }
        insert.execute();
    }

    // Fan-out: one outbox message per change and subscription of its client that wants it.
    std::set<std::int64_t> clients;
    for (const auto& c : changes)
        clients.insert(c.clientId);
    Statement select(session);
    select << std::string(kSubscriptionsOfClients) + "(" + sql::idList({clients.begin(), clients.end()}) + ") ORDER BY id";
    select.execute();
    RecordSet rs(select);
    std::multimap<std::int64_t, std::int64_t> subscriptionsOf; // client → subscription
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        if (wantsStatusChanges(splitEvents(sql::text(rs, 2, i))))
            subscriptionsOf.emplace(sql::integer(rs, 1, i), sql::integer(rs, 0, i));
    if (subscriptionsOf.empty())
        return;
    std::vector<sdk::OutboxDraft> drafts;
    for (const auto& c : changes) {
        auto [from, to] = subscriptionsOf.equal_range(c.clientId);
        for (auto it = from; it != to; ++it)
            drafts.push_back({kWebhookTopic, webhookMessageKey(it->second, c.deliveryId),
                              webhookMessagePayload(it->second, c.deliveryId, c.sequence)});
    }
    _outbox->appendAll(tx, drafts);
}

// ---------------------------------------------------------------- deliveries

CreateResult SqlDeliveryStore::createDelivery(std::int64_t clientId, const DeliveryRequest& request,
                                              const std::function<std::string()>& trackingNumbers)
{
    // The unique key's columns: a shipment is its own delivery, "no shipment" (0) is one too.
    sql::Filter sameOrder;
    sameOrder.add("client_id = ?", Poco::Int64(clientId))
        .add("foreign_order_id = ?", Poco::Int64(request.foreignOrderId))
        .add("foreign_shipment_id = ?", Poco::Int64(request.foreignShipmentId));
    // Insert first and look for the existing delivery only when the unique key says there is one:
    // the common case (a new order) costs no extra read.
    for (int attempt = 0; attempt < 8; ++attempt) {
        Delivery d;
        d.trackingNumber = trackingNumbers();
        d.clientId = clientId;
        d.content = request;
        d.status = DeliveryStatus::ReadyForPickUp;
        d.sequence = 1;
        d.createdAt = d.updatedAt = sdk::utcNow();
        try {
            sdk::Transaction tx(_db);
            auto& session = tx.session();
            std::string tn = d.trackingNumber, products = productsJson(request.products), origin = request.originAddress,
                        name = request.destinationName, address = request.destinationAddress, created = d.createdAt,
                        updated = d.updatedAt;
            Poco::Int64 client = clientId, order = request.foreignOrderId, shipment = request.foreignShipmentId;
            session << kInsertDelivery, use(tn), use(client), use(order), use(shipment), use(products), use(origin), use(name),
                use(address), use(created), use(updated), now;
            d.id = sdk::lastInsertId(session, tx.dialect());
            recordChanges(tx, {StatusChange{eventId(d.trackingNumber, 1), d.id, d.trackingNumber, request.foreignOrderId, clientId,
                                            1, DeliveryStatus::ReadyForPickUp, std::nullopt, d.createdAt,
                                            request.foreignShipmentId}});
            tx.commit();
            return {d, true};
        } catch (const std::exception& e) {
            if (!sdk::isUniqueViolation(e))
                throw;
        }
        // The client has this order's (or shipment's) delivery already (perhaps created a moment
        // ago by a concurrent request), or else the tracking number was taken: draw another.
        if (auto existing = findOne(_db, sameOrder))
            return {*existing, false};
    }
    throw std::runtime_error("createDelivery: no unused tracking number after 8 attempts");
}

std::optional<Delivery> SqlDeliveryStore::findDelivery(const std::string& trackingNumber)
{
    sql::Filter f;
    f.add("tracking_number = ?", trackingNumber);
    return findOne(_db, f);
}

std::optional<TrackedDelivery> SqlDeliveryStore::findTracked(const std::string& trackingNumber)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    std::string tn = trackingNumber;
    st << kTracked, use(tn);
    st.execute();
    RecordSet rs(st);
    if (rs.rowCount() == 0)
        return std::nullopt; // every delivery has its creation change, so no row means no delivery
    TrackedDelivery t;
    t.trackingNumber = sql::text(rs, 0, 0);
    t.clientId = sql::integer(rs, 1, 0);
    t.foreignOrderId = sql::integer(rs, 2, 0);
    t.status = statusOf(sql::text(rs, 3, 0));
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        t.tracking.push_back({statusOf(sql::text(rs, 4, i)), sql::text(rs, 5, i)});
    return t;
}

Slice<Delivery> SqlDeliveryStore::listDeliveries(const DeliveryQuery& query)
{
    Poco::Data::Session session = _db.session();
    sql::Filter f;
    if (query.clientId)
        f.add("client_id = ?", Poco::Int64(*query.clientId));
    if (query.status)
        f.add("status = ?", std::string(toString(*query.status)));
    if (query.foreignOrderId)
        f.add("foreign_order_id = ?", Poco::Int64(*query.foreignOrderId));
    if (query.foreignShipmentId)
        f.add("foreign_shipment_id = ?", Poco::Int64(*query.foreignShipmentId));
    Slice<Delivery> slice;
    slice.total = sql::count(session, "FROM deliveries " + f.where(), f);
    Statement st(session);
    st << std::string(kDeliveryColumns) + f.where() + " ORDER BY id LIMIT " + std::to_string(query.limit) + " OFFSET "
              + std::to_string(query.offset);
    f.bindTo(st);
    slice.items = readDeliveries(st);
    return slice;
}

ChangeOutcome SqlDeliveryStore::updateDelivery(std::int64_t id, const DeliveryPatch& patch)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Statement lock(session);
    Poco::Int64 deliveryId = id;
    lock << std::string(kLockForChange) + sql::forUpdate(tx.dialect()), use(deliveryId);
    lock.execute();
    RecordSet rs(lock);
    if (rs.rowCount() == 0)
        return ChangeOutcome::NotFound;
    if (!canEditOrCancel(statusOf(sql::text(rs, 0, 0))))
        return ChangeOutcome::NotEditable;
    sql::Filter set;
    if (patch.products)
        set.add("products = ?", productsJson(*patch.products));
    if (patch.originAddress)
        set.add("origin_address = ?", *patch.originAddress);
    if (patch.destinationName)
        set.add("destination_name = ?", *patch.destinationName);
    if (patch.destinationAddress)
        set.add("destination_address = ?", *patch.destinationAddress);
    set.add("updated_at = ?", sdk::utcNow());
    Statement update(session);
    update << "UPDATE deliveries SET " + set.assignments() + " WHERE id = " + std::to_string(id);
    set.bindTo(update);
    update.execute();
    tx.commit();
    return ChangeOutcome::Done;
}

ChangeOutcome SqlDeliveryStore::cancelDelivery(std::int64_t id)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Statement lock(session);
    Poco::Int64 deliveryId = id;
    lock << std::string(kLockForChange) + sql::forUpdate(tx.dialect()), use(deliveryId);
    lock.execute();
    RecordSet rs(lock);
    if (rs.rowCount() == 0)
        return ChangeOutcome::NotFound;
    const DeliveryStatus status = statusOf(sql::text(rs, 0, 0));
    if (!canEditOrCancel(status))
        return ChangeOutcome::NotEditable;
    const int sequence = static_cast<int>(sql::integer(rs, 1, 0)) + 1;
    const std::string tn = sql::text(rs, 2, 0), stamp = sdk::utcNow();
    std::string updated = stamp;
    session << kCancel, use(updated), use(deliveryId), now;
    recordChanges(tx, {StatusChange{eventId(tn, sequence), id, tn, sql::integer(rs, 3, 0), sql::integer(rs, 4, 0), sequence,
                                    DeliveryStatus::Cancelled, status, stamp, sql::integer(rs, 5, 0)}});
    tx.commit();
    return ChangeOutcome::Done;
}

std::vector<TrackingEntry> SqlDeliveryStore::tracking(std::int64_t deliveryId)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 id = deliveryId;
    st << kTracking, use(id);
    st.execute();
    RecordSet rs(st);
    std::vector<TrackingEntry> entries;
    for (std::size_t i = 0; i < rs.rowCount(); ++i)
        entries.push_back({statusOf(sql::text(rs, 0, i)), sql::text(rs, 1, i)});
    return entries;
}

std::optional<StatusChange> SqlDeliveryStore::statusChange(std::int64_t deliveryId, int sequence)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 id = deliveryId, seq = sequence;
    st << kStatusChange, use(id), use(seq);
    st.execute();
    RecordSet rs(st);
    if (rs.rowCount() == 0)
        return std::nullopt;
    StatusChange c;
    c.deliveryId = deliveryId;
    c.sequence = sequence;
    c.status = statusOf(sql::text(rs, 0, 0));
    if (const std::string previous = sql::text(rs, 1, 0); !previous.empty())
        c.previousStatus = statusOf(previous);
    c.createdAt = sql::text(rs, 2, 0);
    c.trackingNumber = sql::text(rs, 3, 0);
    c.foreignOrderId = sql::integer(rs, 4, 0);
    c.clientId = sql::integer(rs, 5, 0);
    c.foreignShipmentId = sql::integer(rs, 6, 0);
    c.eventId = eventId(c.trackingNumber, sequence);
    return c;
}

// ---------------------------------------------------------------- ticks

std::int64_t SqlDeliveryStore::beginTick(const std::string& now)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Statement open(session);
    open << std::string(kOpenTick) + sql::forUpdate(tx.dialect());
    open.execute();
    RecordSet rs(open);
    if (rs.rowCount() > 0)
        return sql::integer(rs, 0, 0); // resume the interrupted tick (the transaction only read)
    std::string started = now;
    session << kInsertTick, use(started), Poco::Data::Keywords::now;
    const std::int64_t id = sdk::lastInsertId(session, tx.dialect());
    tx.commit();
    return id;
}

TickBatch SqlDeliveryStore::moveBatch(std::int64_t tick, std::int64_t afterId, std::size_t limit, const TickDecision& decide,
                                      const std::string& now)
{
    sdk::Transaction tx(_db);
    auto& session = tx.session();
    Statement select(session);
    Poco::Int64 after = afterId, tickId = tick, n = static_cast<Poco::Int64>(limit);
    select << tickCandidates() + sql::forUpdate(tx.dialect()), use(after), use(tickId), use(n);
    select.execute();
    RecordSet rs(select);

    TickBatch batch;
    batch.scanned = rs.rowCount();
    std::map<DeliveryStatus, std::vector<std::int64_t>> idsByTarget;
    std::vector<StatusChange> changes;
    changes.reserve(rs.rowCount());
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        const std::int64_t id = sql::integer(rs, 0, i);
        batch.lastId = id;
        const DeliveryStatus from = statusOf(sql::text(rs, 1, i));
        const auto to = decide(from);
        if (!to)
            continue;
        const int sequence = static_cast<int>(sql::integer(rs, 2, i)) + 1;
        const std::string tn = sql::text(rs, 3, i);
        idsByTarget[*to].push_back(id);
        changes.push_back({eventId(tn, sequence), id, tn, sql::integer(rs, 4, i), sql::integer(rs, 5, i), sequence, *to, from, now,
                           sql::integer(rs, 6, i)});
    }
    for (const auto& [target, ids] : idsByTarget) {
        Statement move(session);
        move << std::string(kTickMove) + sql::idList(ids) + ")";
        move.addBind(bind(std::string(toString(target))));
        move.addBind(bind(tickId));
        move.addBind(bind(now));
        move.execute();
    }
    recordChanges(tx, changes);
    tx.commit();
    batch.moved = changes.size();
    return batch;
}

void SqlDeliveryStore::finishTick(std::int64_t tick, std::int64_t moved, const std::string& now)
{
    Poco::Data::Session session = _db.session();
    std::string finished = now;
    Poco::Int64 count = moved, id = tick;
    session << kFinishTick, use(finished), use(count), use(id), Poco::Data::Keywords::now;
}

// ---------------------------------------------------------------- webhook subscriptions

WebhookSubscription SqlDeliveryStore::createSubscription(const WebhookSubscription& input)
{
    Poco::Data::Session session = _db.session();
    WebhookSubscription s = input;
    s.createdAt = sdk::utcNow();
    std::string url = s.url, events = joinEvents(s.events), description = s.description, secret = s.secret, created = s.createdAt;
    Poco::Int64 client = s.clientId;
    session << kInsertSubscription, use(client), use(url), use(events), use(description), use(secret), use(created), now;
    s.id = sdk::lastInsertId(session, _db.dialect());
    return s;
}

std::optional<WebhookSubscription> SqlDeliveryStore::findSubscription(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    Statement st(session);
    Poco::Int64 subscriptionId = id;
    st << std::string(kSubscriptionColumns) + "WHERE id = ? AND deleted_at IS NULL", use(subscriptionId);
    auto found = readSubscriptions(st);
    if (found.empty())
        return std::nullopt;
    return found.front();
}

Slice<WebhookSubscription> SqlDeliveryStore::listSubscriptions(std::optional<std::int64_t> clientId, std::int64_t limit,
                                                               std::int64_t offset)
{
    Poco::Data::Session session = _db.session();
    sql::Filter f;
    f.add("deleted_at IS NULL");
    if (clientId)
        f.add("client_id = ?", Poco::Int64(*clientId));
    Slice<WebhookSubscription> slice;
    slice.total = sql::count(session, "FROM webhook_subscriptions " + f.where(), f);
    Statement st(session);
    st << std::string(kSubscriptionColumns) + f.where() + " ORDER BY id LIMIT " + std::to_string(limit) + " OFFSET "
              + std::to_string(offset);
    f.bindTo(st);
    slice.items = readSubscriptions(st);
    return slice;
}

bool SqlDeliveryStore::deleteSubscription(std::int64_t id)
{
    Poco::Data::Session session = _db.session();
    std::string stamp = sdk::utcNow();
    Poco::Int64 subscriptionId = id;
    Statement st(session);
    st << kDeleteSubscription, use(stamp), use(subscriptionId);
    return st.execute() == 1;
}

void SqlDeliveryStore::recordAttempt(std::int64_t subscriptionId, const WebhookAttempt& attempt)
{
    Poco::Data::Session session = _db.session();
    Poco::Int64 id = subscriptionId;
    std::string event = attempt.eventId, created = attempt.createdAt.empty() ? sdk::utcNow() : attempt.createdAt;
    Poco::Int32 number = attempt.attempt;
    Poco::Nullable<Poco::Int32> status;
    if (attempt.statusCode)
        status = *attempt.statusCode;
    Poco::Nullable<std::string> error;
    if (!attempt.error.empty())
        error = attempt.error.substr(0, 1000);
    session << kInsertAttempt, use(id), use(event), use(number), use(status), use(error), use(created), now;
}

Slice<WebhookAttempt> SqlDeliveryStore::listAttempts(std::int64_t subscriptionId, std::int64_t limit, std::int64_t offset)
{
    Poco::Data::Session session = _db.session();
    sql::Filter f;
    f.add("subscription_id = ?", Poco::Int64(subscriptionId));
    Slice<WebhookAttempt> slice;
    slice.total = sql::count(session, "FROM webhook_attempts " + f.where(), f);
    Statement st(session);
    Poco::Int64 id = subscriptionId;
    st << std::string(kAttemptColumns) + "ORDER BY id DESC LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset), use(id);
    st.execute();
    RecordSet rs(st);
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        WebhookAttempt a;
        a.eventId = sql::text(rs, 0, i);
        a.attempt = static_cast<int>(sql::integer(rs, 1, i));
        if (!rs.value(2, i).isEmpty())
            a.statusCode = static_cast<int>(sql::integer(rs, 2, i));
        a.error = sql::text(rs, 3, i);
        a.createdAt = sql::text(rs, 4, i);
        slice.items.push_back(std::move(a));
    }
    return slice;
}

} // namespace mercato::delivery
