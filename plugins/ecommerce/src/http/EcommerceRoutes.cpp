#include "http/EcommerceRoutes.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Pagination.h"
#include "mercato/sdk/Query.h"
#include "mercato/sdk/Request.h"
#include "mercato/sdk/Validator.h"
#include "mercato/sdk/WebhookSignature.h"

#include <algorithm>

#include <Poco/Timestamp.h>

namespace mercato::ecommerce {

using sdk::Access;
using sdk::Method;
using sdk::Response;
using sdk::Route;
using sdk::Schema;

namespace {

namespace fields = sdk::fields; // API.md §1 input rules

// ---- schemas
Schema usersIdsSchema() { return Schema::array(fields::id()).minItems(1).maxItems(100); }
Schema lineSchema() { return Schema::object({sdk::required("product_id", fields::id()), sdk::required("quantity", fields::lineQuantity())}); }

const std::vector<std::string> kSellersAndAdmin{role::kSeller, role::kAdmin};

// ---- JSON views
sdk::JsonObject storeJson(const Store& s)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", s.id);
    o->set("name", s.name);
    o->set("description", s.description);
    if (s.warehouseAddress.empty())
        o->set("warehouse_address", Poco::Dynamic::Var());
    else
        o->set("warehouse_address", s.warehouseAddress);
    sdk::JsonArray ids = sdk::makeArray();
    for (auto id : s.usersIds)
        ids->add(id);
    o->set("users_ids", ids);
    o->set("created_at", s.createdAt);
    o->set("updated_at", s.updatedAt);
    return o;
}

sdk::JsonObject productJson(const Product& p)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", p.id);
    o->set("name", p.name);
    o->set("short_description", p.shortDescription);
    o->set("quantity", p.quantity);
    o->set("store_id", p.storeId);
    o->set("created_at", p.createdAt);
    o->set("updated_at", p.updatedAt);
    return o;
}

sdk::JsonObject lineJson(const OrderLine& l)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", l.id);
    o->set("order_id", l.orderId);
    o->set("product_id", l.productId);
    o->set("store_id", l.storeId);
    o->set("name", l.name);
    o->set("quantity", l.quantity);
    o->set("created_at", l.createdAt);
    return o;
}

sdk::JsonArray linesJson(const std::vector<OrderLine>& lines)
{
    sdk::JsonArray a = sdk::makeArray();
    for (const auto& l : lines)
        a->add(lineJson(l));
    return a;
}

sdk::JsonObject orderJson(const Order& order)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", order.id);
    o->set("status", toString(order.status));
    o->set("user_id", order.userId);
    o->set("delivery_address", order.deliveryAddress);
    o->set("products", linesJson(order.lines));
    if (order.delivery) {
        sdk::JsonObject d = sdk::makeObject();
        d->set("tracking_number", order.delivery->trackingNumber);
        d->set("status", order.delivery->status);
        o->set("delivery", d);
    } else {
        o->set("delivery", Poco::Dynamic::Var());
    }
    o->set("created_at", order.createdAt);
    o->set("updated_at", order.updatedAt);
    return o;
}

// ---- query parameters
/// Longest name substring filter: names have at most 120 characters (sdk::fields::name).
constexpr std::size_t kNameFilterLength = 120;

std::optional<OrderStatus> statusQuery(const sdk::Request& rq)
{
    auto value = rq.query("status");
    if (!value)
        return std::nullopt;
    auto status = parseOrderStatus(*value);
    if (!status)
        throw sdk::BadRequest("status", "invalid_value", "status must be one of CREATED, CONFIRMED, DISPATCHED, DELIVERED, CANCELLED");
    return status;
}

/// At least one of the fields of a partial update (`{}` changes nothing and is a client mistake).
void requireSomeField(const sdk::JsonObject& body)
{
    if (body.isNull() || body->size() == 0)
        throw sdk::BadRequest("Nothing to update", {{"body", "empty_body", "give at least one field to change"}});
}

std::vector<LineRequest> lineRequests(const sdk::JsonObject& body)
{
    std::vector<LineRequest> lines;
    if (!body.isNull() && body->has("products") && !body->isNull("products")) {
        sdk::JsonArray products = body->getArray("products");
        for (std::size_t i = 0; i < products->size(); ++i) {
            sdk::JsonObject p = products->getObject(static_cast<unsigned>(i));
            lines.push_back({p->getValue<std::int64_t>("product_id"), p->getValue<std::int64_t>("quantity")});
        }
    }
    return lines;
}

std::string header(const sdk::Request& rq, const std::string& name)
{
    return rq.header(name).value_or("");
}

} // namespace

void addEcommerceRoutes(sdk::Router& router, Marketplace& market, MarketStore& store, WebhookSettings webhook)
{
    Marketplace* m = &market;
    MarketStore* db = &store;

    // ---------------------------------------------------------------- stores
    router.add(Route(Method::Post, "/stores", Access::admin(), [m](const sdk::Request& rq) {
        sdk::JsonObject body = rq.body();
        Store s;
        s.name = body->getValue<std::string>("name");
        s.description = body->getValue<std::string>("description");
        s.warehouseAddress = sdk::optionalString(body, "warehouse_address").value_or("");
        s.usersIds = *sdk::optionalIntArray(body, "users_ids");
        return Response::created(storeJson(m->createStore(s)), "Store created");
    }).withBody(Schema::object({sdk::required("name", fields::name()), sdk::required("description", fields::description()),
                                sdk::optional("warehouse_address", fields::address().allowEmpty()),
                                sdk::required("users_ids", usersIdsSchema())}))
                   .withSummary("Create a store (admin)"));

    router.add(Route(Method::Get, "/stores", Access::authenticated(), [m](const sdk::Request& rq) {
        sdk::Page page = sdk::parsePage(rq);
        StoreQuery q;
        q.nameContains = sdk::queryText(rq, "name", kNameFilterLength).value_or("");
        q.limit = page.limit;
        q.offset = page.offset;
        auto slice = m->stores(rq.user(), q, sdk::queryBool(rq, "mine").value_or(false));
        sdk::JsonArray items = sdk::makeArray();
        for (const auto& s : slice.items)
            items->add(storeJson(s));
        return Response::list(items, page, slice.total);
    }).withSummary("List live stores").withQuery("name", "name substring").withQuery("mine", "true: only the caller's stores")
                   .withQuery("limit", "page size, 1..500").withQuery("offset", "rows to skip"));

    router.add(Route(Method::Get, "/stores/{id}", Access::authenticated(), [m](const sdk::Request& rq) {
        return Response::ok(storeJson(m->store(rq.idParam("id"))));
    }).withSummary("A store"));

    router.add(Route(Method::Put, "/stores/{id}", Access::roles(kSellersAndAdmin), [m](const sdk::Request& rq) {
        const std::int64_t id = rq.idParam("id");
        sdk::JsonObject body = rq.body();
        requireSomeField(body);
        StorePatch patch;
        patch.name = sdk::optionalString(body, "name");
        patch.description = sdk::optionalString(body, "description");
        patch.warehouseAddress = sdk::optionalString(body, "warehouse_address");
        patch.usersIds = sdk::optionalIntArray(body, "users_ids");
        return Response::ok(storeJson(m->updateStore(rq.user(), id, patch)), "Store updated");
    }).withBody(Schema::object({sdk::optional("name", fields::name()), sdk::optional("description", fields::description()),
                                sdk::optional("warehouse_address", fields::address().allowEmpty()),
                                sdk::optional("users_ids", usersIdsSchema())}))
                   .withSummary("Change a store (admin, or a seller of the store; users_ids: admin only)"));

    router.add(Route(Method::Delete, "/stores/{id}", Access::admin(), [m](const sdk::Request& rq) {
        const std::int64_t id = rq.idParam("id");
        Store s = m->store(id);
        m->deleteStore(id);
        return Response::ok(storeJson(s), "Store deleted");
    }).withSummary("Soft-delete a store and hide its products (admin)"));

    // ---------------------------------------------------------------- products
    router.add(Route(Method::Get, "/products", Access::authenticated(), [m](const sdk::Request& rq) {
        sdk::Page page = sdk::parsePage(rq);
        ProductQuery q;
        q.storeId = sdk::queryId(rq, "store_id");
        q.nameContains = sdk::queryText(rq, "q", kNameFilterLength).value_or("");
        q.inStockOnly = sdk::queryBool(rq, "in_stock").value_or(false);
        q.limit = page.limit;
        q.offset = page.offset;
        auto slice = m->products(q);
        sdk::JsonArray items = sdk::makeArray();
        for (const auto& p : slice.items)
            items->add(productJson(p));
        return Response::list(items, page, slice.total);
    }).withSummary("List products of live stores").withQuery("store_id", "only this store's").withQuery("q", "name substring")
                   .withQuery("in_stock", "true: only quantity > 0").withQuery("limit", "page size, 1..500")
                   .withQuery("offset", "rows to skip"));

    router.add(Route(Method::Get, "/products/{id}", Access::authenticated(), [m](const sdk::Request& rq) {
        return Response::ok(productJson(m->product(rq.idParam("id"))));
    }).withSummary("A product"));

    router.add(Route(Method::Post, "/products", Access::roles(kSellersAndAdmin), [m](const sdk::Request& rq) {
        sdk::JsonObject body = rq.body();
        Product p;
        p.name = body->getValue<std::string>("name");
        p.shortDescription = body->getValue<std::string>("short_description");
        p.quantity = body->getValue<std::int64_t>("quantity");
        p.storeId = body->getValue<std::int64_t>("store_id");
        return Response::created(productJson(m->createProduct(rq.user(), p)), "Product created");
    }).withBody(Schema::object({sdk::required("name", fields::name()), sdk::required("short_description", fields::description()),
                                sdk::required("quantity", fields::quantity()), sdk::required("store_id", fields::id())}))
                   .withSummary("Create a product in a store (its sellers, or admin)"));

    router.add(Route(Method::Put, "/products/{id}", Access::roles(kSellersAndAdmin), [m](const sdk::Request& rq) {
        const std::int64_t id = rq.idParam("id");
        sdk::JsonObject body = rq.body();
        requireSomeField(body);
        ProductPatch patch;
        patch.name = sdk::optionalString(body, "name");
        patch.shortDescription = sdk::optionalString(body, "short_description");
        patch.quantity = sdk::optionalInt(body, "quantity");
        return Response::ok(productJson(m->updateProduct(rq.user(), id, patch)), "Product updated");
    }).withBody(Schema::object({sdk::optional("name", fields::name()), sdk::optional("short_description", fields::description()),
                                sdk::optional("quantity", fields::quantity())}))
                   .withSummary("Change a product (its store's sellers, or admin)"));

    router.add(Route(Method::Delete, "/products/{id}", Access::roles(kSellersAndAdmin), [m](const sdk::Request& rq) {
        const std::int64_t id = rq.idParam("id");
        Product p = m->product(id);
        m->deleteProduct(rq.user(), id);
        return Response::ok(productJson(p), "Product deleted");
    }).withSummary("Soft-delete a product (its store's sellers, or admin)"));

    // ---------------------------------------------------------------- orders
    router.add(Route(Method::Post, "/orders", Access::roles({role::kBuyer}), [m](const sdk::Request& rq) {
        sdk::JsonObject body = rq.bodyOrEmpty();
        Order o = m->createOrder(rq.user(), sdk::optionalString(body, "delivery_address"), lineRequests(body));
        return Response::created(orderJson(o), "Order created");
    }).withBody(Schema::object({sdk::optional("delivery_address", fields::address()),
                                sdk::optional("products", Schema::array(lineSchema()).maxItems(100))}),
                false)
                   .idempotent()
                   .withSummary("Create an order, optionally buying products in the same transaction (buyers)"));

    router.add(Route(Method::Get, "/orders", Access::authenticated(), [m](const sdk::Request& rq) {
        sdk::Page page = sdk::parsePage(rq);
        auto slice = m->orders(rq.user(), statusQuery(rq), page.limit, page.offset);
        sdk::JsonArray items = sdk::makeArray();
        for (const auto& o : slice.items)
            items->add(orderJson(o));
        return Response::list(items, page, slice.total);
    }).withSummary("Orders the caller may see").withQuery("status", "only orders in this status")
                   .withQuery("limit", "page size, 1..500").withQuery("offset", "rows to skip"));

    router.add(Route(Method::Get, "/orders/{id}", Access::authenticated(), [m](const sdk::Request& rq) {
        return Response::ok(orderJson(m->order(rq.user(), rq.idParam("id"))));
    }).withSummary("An order the caller may see"));

    router.add(Route(Method::Put, "/orders/{id}", Access::authenticated(), [m](const sdk::Request& rq) {
        const std::int64_t id = rq.idParam("id");
        OrderStatus target = *parseOrderStatus(rq.body()->getValue<std::string>("status"));
        return Response::ok(orderJson(m->changeStatus(rq.user(), id, target)), "Order updated");
    }).withBody(Schema::object({sdk::required("status", Schema::string().oneOf(orderStatusNames()))}))
                   .withSummary("Move an order to another status (see the status machine)"));

    router.add(Route(Method::Delete, "/orders/{id}", Access::authenticated(), [m](const sdk::Request& rq) {
        return Response::ok(orderJson(m->changeStatus(rq.user(), rq.idParam("id"), OrderStatus::Cancelled)), "Order cancelled");
    }).withSummary("Cancel an order and restore its stock"));

    for (const std::string prefix : {"/orders", "/order"}) {
        router.add(Route(Method::Post, prefix + "/{id}/products", Access::authenticated(), [m](const sdk::Request& rq) {
            const std::int64_t id = rq.idParam("id");
            sdk::JsonObject body = rq.body();
            LineRequest line{body->getValue<std::int64_t>("product_id"), body->getValue<std::int64_t>("quantity")};
            return Response::created(lineJson(m->addLine(rq.user(), id, line)), "Product added to the order");
        }).withBody(lineSchema()).idempotent().withSummary("Buy a product into a CREATED order (its buyer)"));

        router.add(Route(Method::Get, prefix + "/{id}/products", Access::authenticated(), [m](const sdk::Request& rq) {
            Order o = m->order(rq.user(), rq.idParam("id"));
            return Response::ok(linesJson(o.lines));
        }).withSummary("The lines of an order the caller may see"));

        router.add(Route(Method::Delete, prefix + "/{id}/products/{line_id}", Access::authenticated(), [m](const sdk::Request& rq) {
            const std::int64_t id = rq.idParam("id"), lineId = rq.idParam("line_id");
            m->removeLine(rq.user(), id, lineId);
            return Response::ok(orderJson(m->order(rq.user(), id)), "Product removed from the order");
        }).withSummary("Remove a line of a CREATED order and restore its stock (its buyer)"));
    }

    // ---------------------------------------------------------------- delivery webhook
    router.add(Route(Method::Post, "/webhooks/delivery", Access::anyone(), [db, webhook](const sdk::Request& rq) {
        const std::string id = header(rq, "webhook-id");
        auto verdict = sdk::webhook::verify(webhook.secret, id, header(rq, "webhook-timestamp"), header(rq, "webhook-signature"),
                                            rq.rawBody(), Poco::Timestamp().epochTime(), webhook.toleranceSeconds);
        switch (verdict) {
        case sdk::webhook::Verdict::Valid: break;
        case sdk::webhook::Verdict::MissingHeaders: throw sdk::Unauthorized("Missing webhook-id, webhook-timestamp or webhook-signature");
        case sdk::webhook::Verdict::StaleTimestamp: throw sdk::Unauthorized("webhook-timestamp is missing, malformed or too far from now");
        case sdk::webhook::Verdict::BadSignature: throw sdk::Unauthorized("Invalid webhook signature");
        }
        if (id.size() > 255)
            throw sdk::BadRequest("webhook-id", "too_long", "webhook-id has at most 255 characters");
        static const Schema event = Schema::object({
            sdk::required("id", Schema::string().maxLength(255)),
            sdk::required("type", Schema::string().maxLength(100)),
            sdk::required("created_at", Schema::any()),
            sdk::required("data", Schema::object({
                sdk::required("tracking_number", Schema::string().maxLength(64)),
                sdk::required("foreign_order_id", Schema::integer()),
                sdk::required("status", Schema::string().maxLength(40)),
                sdk::optional("previous_status", Schema::string().maxLength(40)),
                sdk::required("sequence", Schema::integer().min(1)),
            })),
        });
        sdk::JsonObject body = event.validate(rq.body());
        sdk::JsonObject data = body->getObject("data");
        // Only the delivery service's own status names are applied (API.md §3).
        static const std::vector<std::string> kDeliveryStatuses{"READY_FOR_PICK_UP", "IN_ORIGIN", "IN_ROUTE_OF_DELIVERY",
                                                                "DELIVERED", "NOT_DELIVERED", "CANCELLED"};
        for (const char* field : {"status", "previous_status"}) {
            auto value = sdk::optionalString(data, field);
            if (value && std::find(kDeliveryStatuses.begin(), kDeliveryStatuses.end(), *value) == kDeliveryStatuses.end())
                throw sdk::BadRequest(std::string("data.") + field, "invalid_value", std::string("data.") + field + " is not a delivery status");
        }
        const std::string type = body->getValue<std::string>("type");
        const std::int64_t orderId = data->getValue<std::int64_t>("foreign_order_id");
        auto outcome = db->applyDeliveryEvent(id, type, orderId > 0 ? std::optional<std::int64_t>(orderId) : std::nullopt,
                                              {data->getValue<std::string>("tracking_number"), data->getValue<std::string>("status")},
                                              data->getValue<std::int64_t>("sequence"));
        sdk::JsonObject result = sdk::makeObject();
        result->set("duplicate", outcome == WebhookOutcome::Duplicate);
        result->set("applied", outcome == WebhookOutcome::Applied);
        return Response::ok(result, outcome == WebhookOutcome::Duplicate ? "Already processed" : "Received");
    }).withSummary("Delivery status events from the delivery service (Standard Webhooks signature)"));
}

} // namespace mercato::ecommerce
