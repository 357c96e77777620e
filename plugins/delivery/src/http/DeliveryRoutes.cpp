#include "http/DeliveryRoutes.h"

#include "domain/StatusMachine.h"
#include "http/TrackingPage.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Pagination.h"
#include "mercato/sdk/Query.h"
#include "mercato/sdk/Request.h"

namespace mercato::delivery {

using sdk::Access;
using sdk::Method;
using sdk::Response;
using sdk::Route;
using sdk::Schema;

namespace {

// ---- schemas (API.md §1 input rules)
using sdk::fields::address;
using sdk::fields::id;
using sdk::fields::name;

Schema productsSchema()
{
    return Schema::array(Schema::object({sdk::required("sku", id()), sdk::required("name", name()),
                                         sdk::required("qty", sdk::fields::lineQuantity())}))
        .minItems(1)
        .maxItems(100);
}
Schema originSchema() { return Schema::object({sdk::required("address", address())}); }
Schema destinationSchema() { return Schema::object({sdk::required("name", name()), sdk::required("address", address())}); }

/// `order.foreign_shipment_id` is optional: a client that splits an order into shipments asks for
/// one delivery per shipment; without it (or null) the order has one delivery, as before.
Schema createSchema()
{
    return Schema::object(
        {sdk::required("order", Schema::object({sdk::required("foreign_order_id", id()).alias("foreing_order_id"),
                                                sdk::optional("foreign_shipment_id", id()),
                                                sdk::required("products", productsSchema())})),
         sdk::required("origin", originSchema()), sdk::required("destination", destinationSchema())});
}

/// PUT: each object given replaces the stored one; `order` may only carry new products (its
/// foreign ids are the delivery's identity: changing them is 400 `unknown`).
Schema updateSchema()
{
    return Schema::object({sdk::optional("order", Schema::object({sdk::required("products", productsSchema())})),
                           sdk::optional("origin", originSchema()), sdk::optional("destination", destinationSchema())});
}

Schema webhookSchema()
{
    return Schema::object({sdk::required("url", sdk::fields::url()),
                           sdk::optional("events", Schema::array(Schema::string().oneOf({kStatusChanged})).minItems(1).maxItems(10)),
                           sdk::optional("description", sdk::fields::description().allowEmpty()),
                           sdk::optional("secret", Schema::string().maxLength(100))});
}

/// The seed's /deliveries-history keys, when they come in a JSON body.
Schema historySchema()
{
    return Schema::object({sdk::optional("tracking_number", Schema::string().maxLength(12)),
                           sdk::optional("foreign_order_id", id()).alias("foreing_order_id")});
}

// ---- JSON views
std::vector<DeliveryItem> items(const sdk::JsonArray& products)
{
    std::vector<DeliveryItem> out;
    for (std::size_t i = 0; i < products->size(); ++i) {
        sdk::JsonObject p = products->getObject(static_cast<unsigned>(i));
        out.push_back({p->getValue<std::int64_t>("sku"), p->getValue<std::string>("name"), p->getValue<std::int64_t>("qty")});
    }
    return out;
}

sdk::JsonObject deliveryJson(const Delivery& d)
{
    sdk::JsonArray products = sdk::makeArray();
    for (const auto& p : d.content.products) {
        sdk::JsonObject item = sdk::makeObject();
        item->set("sku", p.sku);
        item->set("name", p.name);
        item->set("qty", p.qty);
        products->add(item);
    }
    sdk::JsonObject order = sdk::makeObject();
    order->set("foreign_order_id", d.content.foreignOrderId);
    // Only when set, so a delivery made without a shipment reads exactly as the seed's.
    if (d.content.foreignShipmentId != 0)
        order->set("foreign_shipment_id", d.content.foreignShipmentId);
    order->set("products", products);
    sdk::JsonObject origin = sdk::makeObject();
    origin->set("address", d.content.originAddress);
    sdk::JsonObject destination = sdk::makeObject();
    destination->set("name", d.content.destinationName);
    destination->set("address", d.content.destinationAddress);

    sdk::JsonObject o = sdk::makeObject();
    o->set("tracking_number", d.trackingNumber);
    o->set("order", order);
    o->set("origin", origin);
    o->set("destination", destination);
    o->set("status", toString(d.status));
    o->set("created_at", d.createdAt);
    o->set("updated_at", d.updatedAt);
    return o;
}

sdk::JsonArray trackingJson(const std::vector<TrackingEntry>& entries)
{
    sdk::JsonArray a = sdk::makeArray();
    for (const auto& e : entries) {
        sdk::JsonObject o = sdk::makeObject();
        o->set("status", toString(e.status));
        o->set("date", e.date);
        a->add(o);
    }
    return a;
}

sdk::JsonObject historyJson(const TrackedDelivery& t)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("tracking_number", t.trackingNumber);
    o->set("foreign_order_id", t.foreignOrderId);
    o->set("status", toString(t.status));
    o->set("tracking", trackingJson(t.tracking));
    return o;
}

sdk::JsonObject webhookJson(const WebhookSubscription& s, bool withSecret)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", s.id);
    o->set("url", s.url);
    sdk::JsonArray events = sdk::makeArray();
    for (const auto& e : s.events)
        events->add(e);
    o->set("events", events);
    o->set("description", s.description);
    if (withSecret)
        o->set("secret", s.secret);
    o->set("created_at", s.createdAt);
    return o;
}

sdk::JsonObject attemptJson(const WebhookAttempt& a)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("event_id", a.eventId);
    o->set("attempt", a.attempt);
    if (a.statusCode)
        o->set("status_code", *a.statusCode);
    else
        o->set("status_code", Poco::Dynamic::Var());
    if (a.error.empty())
        o->set("error", Poco::Dynamic::Var());
    else
        o->set("error", a.error);
    o->set("created_at", a.createdAt);
    return o;
}

std::string trackingNumberParam(const sdk::Request& rq)
{
    return rq.param("tracking_number").value_or("");
}

std::optional<DeliveryStatus> statusQuery(const sdk::Request& rq)
{
    auto text = rq.query("status");
    if (!text)
        return std::nullopt;
    auto status = parseDeliveryStatus(*text);
    if (!status)
        throw sdk::BadRequest("status", "invalid_value", "status must be one of " + deliveryStatusNames());
    return status;
}

/// /deliveries-history: both keys from the query string, or else from a JSON body (seed clients
/// send a body on GET).
std::pair<std::string, std::int64_t> historyKeys(const sdk::Request& rq)
{
    std::optional<std::string> trackingNumber = sdk::queryText(rq, "tracking_number", 12);
    std::optional<std::int64_t> foreignOrderId = sdk::queryId(rq, "foreing_order_id");
    if (!foreignOrderId)
        foreignOrderId = sdk::queryId(rq, "foreign_order_id");
    if (rq.hasBody()) {
        static const Schema kBody = historySchema();
        sdk::JsonObject body = kBody.validate(rq.body());
        if (!trackingNumber)
            trackingNumber = sdk::optionalString(body, "tracking_number");
        if (!foreignOrderId)
            foreignOrderId = sdk::optionalInt(body, "foreign_order_id");
    }
    std::vector<sdk::FieldError> errors;
    if (!foreignOrderId)
        errors.push_back({"foreing_order_id", "required", "is required (query string or JSON body)"});
    if (!trackingNumber || trackingNumber->empty())
        errors.push_back({"tracking_number", "required", "is required (query string or JSON body)"});
    if (!errors.empty())
        throw sdk::BadRequest("Invalid input", std::move(errors));
    return {*trackingNumber, *foreignOrderId};
}

const std::vector<std::string> kPageTypes{"application/json", "text/html"};

// ---- handlers, one per route of the table in addDeliveryRoutes

Response createDelivery(DeliveryService& s, const sdk::Request& rq)
{
    sdk::JsonObject body = rq.body();
    sdk::JsonObject order = body->getObject("order");
    DeliveryRequest request;
    request.foreignOrderId = order->getValue<std::int64_t>("foreign_order_id");
    request.foreignShipmentId = sdk::optionalInt(order, "foreign_shipment_id").value_or(0);
    request.products = items(order->getArray("products"));
    request.originAddress = body->getObject("origin")->getValue<std::string>("address");
    request.destinationName = body->getObject("destination")->getValue<std::string>("name");
    request.destinationAddress = body->getObject("destination")->getValue<std::string>("address");
    CreateResult result = s.create(rq.user(), request);
    if (result.created)
        return Response::created(deliveryJson(result.delivery), "Delivery created");
    return Response::ok(deliveryJson(result.delivery), "Delivery exists already for this order");
}

Response listDeliveries(DeliveryService& s, const sdk::Request& rq)
{
    sdk::Page page = sdk::parsePage(rq);
    DeliveryQuery query;
    query.status = statusQuery(rq);
    query.foreignOrderId = sdk::queryId(rq, "foreign_order_id");
    query.foreignShipmentId = sdk::queryId(rq, "foreign_shipment_id");
    query.limit = page.limit;
    query.offset = page.offset;
    Slice<Delivery> slice = s.deliveries(rq.user(), query);
    sdk::JsonArray items = sdk::makeArray();
    for (const auto& d : slice.items)
        items->add(deliveryJson(d));
    return Response::list(items, page, slice.total);
}

Response getDelivery(DeliveryService& s, const sdk::Request& rq)
{
    return Response::ok(deliveryJson(s.delivery(rq.user(), trackingNumberParam(rq))));
}

Response updateDelivery(DeliveryService& s, const sdk::Request& rq)
{
    sdk::JsonObject body = rq.body();
    if (body->size() == 0)
        throw sdk::BadRequest("Nothing to update", {{"body", "empty_body", "give origin, destination or order.products"}});
    DeliveryPatch patch;
    if (body->has("order") && !body->isNull("order"))
        patch.products = items(body->getObject("order")->getArray("products"));
    if (body->has("origin") && !body->isNull("origin"))
        patch.originAddress = body->getObject("origin")->getValue<std::string>("address");
    if (body->has("destination") && !body->isNull("destination")) {
        patch.destinationName = body->getObject("destination")->getValue<std::string>("name");
        patch.destinationAddress = body->getObject("destination")->getValue<std::string>("address");
    }
    if (!patch.products && !patch.originAddress && !patch.destinationName)
        throw sdk::BadRequest("Nothing to update", {{"body", "empty_body", "give origin, destination or order.products"}});
    return Response::ok(deliveryJson(s.update(rq.user(), trackingNumberParam(rq), patch)), "Delivery updated");
}

Response cancelDelivery(DeliveryService& s, const sdk::Request& rq)
{
    return Response::ok(deliveryJson(s.cancel(rq.user(), trackingNumberParam(rq))), "Delivery cancelled");
}

Response deliveryTracking(DeliveryService& s, const sdk::Request& rq)
{
    return Response::ok(historyJson(s.tracked(rq.user(), trackingNumberParam(rq))));
}

Response deliveriesHistory(DeliveryService& s, const sdk::Request& rq)
{
    auto [trackingNumber, foreignOrderId] = historyKeys(rq);
    return Response::ok(historyJson(s.trackedOfOrder(rq.user(), trackingNumber, foreignOrderId)));
}

Response publicTracking(DeliveryService& s, const sdk::Request& rq)
{
    const bool html = rq.preferredType(kPageTypes) == "text/html";
    const std::string tn = trackingNumberParam(rq);
    std::optional<TrackedDelivery> found;
    try {
        found = s.publicTracked(tn);
    } catch (const sdk::NotFound&) {
        if (html)
            return trackingPageResponse(404, trackingNotFoundPage(tn));
        throw;
    }
    if (html)
        return trackingPageResponse(200, trackingPage(*found));
    sdk::JsonObject o = sdk::makeObject();
    o->set("tracking_number", found->trackingNumber);
    o->set("status", toString(found->status));
    o->set("tracking", trackingJson(found->tracking));
    return Response::ok(o).withHeader("Vary", "Accept");
}

Response runTick(StatusTicker& t, const sdk::Request&)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("moved", t.tick());
    return Response::ok(o, "Tick done");
}

Response createWebhook(DeliveryService& s, const sdk::Request& rq)
{
    sdk::JsonObject body = rq.body();
    WebhookSubscription sub;
    sub.url = body->getValue<std::string>("url");
    if (body->has("events") && !body->isNull("events")) {
        sdk::JsonArray events = body->getArray("events");
        for (std::size_t i = 0; i < events->size(); ++i) {
            const std::string e = events->getElement<std::string>(static_cast<unsigned>(i));
            if (std::find(sub.events.begin(), sub.events.end(), e) == sub.events.end())
                sub.events.push_back(e);
        }
    }
    sub.description = sdk::optionalString(body, "description").value_or("");
    sub.secret = sdk::optionalString(body, "secret").value_or("");
    return Response::created(webhookJson(s.subscribe(rq.user(), sub), true), "Webhook created; keep the secret, it is shown only now");
}

Response listWebhooks(DeliveryService& s, const sdk::Request& rq)
{
    sdk::Page page = sdk::parsePage(rq);
    Slice<WebhookSubscription> slice = s.subscriptions(rq.user(), page.limit, page.offset);
    sdk::JsonArray items = sdk::makeArray();
    for (const auto& w : slice.items)
        items->add(webhookJson(w, false));
    return Response::list(items, page, slice.total);
}

Response getWebhook(DeliveryService& s, const sdk::Request& rq)
{
    return Response::ok(webhookJson(s.subscription(rq.user(), rq.idParam("id")), false));
}

Response deleteWebhook(DeliveryService& s, const sdk::Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    s.unsubscribe(rq.user(), id);
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", id);
    return Response::ok(o, "Webhook deleted");
}

Response webhookAttempts(DeliveryService& s, const sdk::Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    sdk::Page page = sdk::parsePage(rq);
    Slice<WebhookAttempt> slice = s.attempts(rq.user(), id, page.limit, page.offset);
    sdk::JsonArray items = sdk::makeArray();
    for (const auto& a : slice.items)
        items->add(attemptJson(a));
    return Response::list(items, page, slice.total);
}

} // namespace

void addDeliveryRoutes(sdk::Router& router, DeliveryService& service, StatusTicker& ticker)
{
    // ---------------------------------------------------------------- deliveries
    router.add(Route(Method::Post, "/deliveries", Access::roles({role::kClient}), sdk::bind(service, createDelivery))
        .withBody(createSchema()).idempotent()
        .withSummary("Create a delivery (client); idempotent per foreign_order_id and foreign_shipment_id"));
    router.add(Route(Method::Get, "/deliveries", Access::authenticated(), sdk::bind(service, listDeliveries))
        .withSummary("Deliveries the caller may see (a client: its own)")
        .withQuery("status", "only deliveries in this status").withQuery("foreign_order_id", "only this order's")
        .withQuery("foreign_shipment_id", "only this shipment's")
        .withQuery("limit", "page size, 1..500").withQuery("offset", "rows to skip"));
    router.add(Route(Method::Get, "/deliveries/{tracking_number}", Access::authenticated(), sdk::bind(service, getDelivery))
        .withSummary("A delivery (owner or admin)"));
    router.add(Route(Method::Put, "/deliveries/{tracking_number}", Access::authenticated(), sdk::bind(service, updateDelivery))
        .withBody(updateSchema())
        .withSummary("Change origin, destination or products while READY_FOR_PICK_UP"));
    router.add(Route(Method::Delete, "/deliveries/{tracking_number}", Access::authenticated(), sdk::bind(service, cancelDelivery))
        .withSummary("Cancel a delivery while READY_FOR_PICK_UP"));
    router.add(Route(Method::Get, "/deliveries/{tracking_number}/tracking", Access::authenticated(), sdk::bind(service, deliveryTracking))
        .withSummary("The delivery's status history, oldest first"));
    router.add(Route(Method::Get, "/deliveries-history", Access::authenticated(), sdk::bind(service, deliveriesHistory))
        .withSummary("Seed-compatible status history: tracking_number and foreing_order_id must name the same delivery")
        .withQuery("tracking_number", "the delivery").withQuery("foreing_order_id", "its order (alias foreign_order_id)"));
    router.add(Route(Method::Get, "/track/{tracking_number}", Access::anyone(), sdk::bind(service, publicTracking))
        .withSummary("Public tracking (no names or addresses): JSON, or an HTML page when Accept prefers text/html"));
    router.add(Route(Method::Post, "/admin/tick", Access::admin(), sdk::bind(ticker, runTick))
        .withSummary("Run one status tick now (admin)"));

    // ---------------------------------------------------------------- webhooks
    router.add(Route(Method::Post, "/webhooks", Access::roles({role::kClient}), sdk::bind(service, createWebhook))
        .withBody(webhookSchema()).idempotent()
        .withSummary("Subscribe a URL to status changes of the caller's deliveries"));
    router.add(Route(Method::Get, "/webhooks", Access::authenticated(), sdk::bind(service, listWebhooks))
        .withSummary("Webhook subscriptions the caller may see")
        .withQuery("limit", "page size, 1..500").withQuery("offset", "rows to skip"));
    router.add(Route(Method::Get, "/webhooks/{id}", Access::authenticated(), sdk::bind(service, getWebhook))
        .withSummary("A webhook subscription (no secret)"));
    router.add(Route(Method::Delete, "/webhooks/{id}", Access::authenticated(), sdk::bind(service, deleteWebhook))
        .withSummary("Delete a webhook subscription"));
    router.add(Route(Method::Get, "/webhooks/{id}/deliveries", Access::authenticated(), sdk::bind(service, webhookAttempts))
        .withSummary("Recent sending attempts of a subscription, newest first")
        .withQuery("limit", "page size, 1..500").withQuery("offset", "rows to skip"));
}

} // namespace mercato::delivery
