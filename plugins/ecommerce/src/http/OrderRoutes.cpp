// /orders and their lines (API.md §2 "Orders"); the lines also under the seed's /order prefix.
#include "http/Refusals.h"
#include "http/Routes.h"
#include "http/Views.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Pagination.h"
#include "mercato/sdk/Request.h"
#include "mercato/sdk/Validator.h"

namespace mercato::ecommerce {

using sdk::Access;
using sdk::Method;
using sdk::Request;
using sdk::Response;
using sdk::Route;
using sdk::Schema;

namespace {

namespace fields = sdk::fields; // API.md §1 input rules

Schema lineSchema()
{
    return Schema::object({sdk::required("product_id", fields::id()), sdk::required("quantity", fields::lineQuantity())});
}

Schema createSchema()
{
    return Schema::object({sdk::optional("delivery_address", fields::address()),
                           sdk::optional("products", Schema::array(lineSchema()).maxItems(100))});
}

Schema statusSchema() { return Schema::object({sdk::required("status", Schema::string().oneOf(orderStatusNames()))}); }

std::optional<OrderStatus> statusQuery(const Request& rq)
{
    auto value = rq.query("status");
    if (!value)
        return std::nullopt;
    auto status = parseOrderStatus(*value);
    if (!status)
        throw sdk::BadRequest("status", "invalid_value", "status must be one of CREATED, CONFIRMED, DISPATCHED, DELIVERED, CANCELLED");
    return status;
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

Response createOrder(Orders& orders, const Request& rq)
{
    sdk::JsonObject body = rq.bodyOrEmpty();
    Order o = orders.createOrder(rq.user(), sdk::optionalString(body, "delivery_address"), lineRequests(body));
    return Response::created(orderJson(o), "Order created");
}

Response listOrders(Orders& orders, const Request& rq)
{
    sdk::Page page = sdk::parsePage(rq);
    auto slice = orders.orders(rq.user(), statusQuery(rq), page.limit, page.offset);
    return Response::list(arrayOf(slice.items, orderJson), page, slice.total);
}

Response getOrder(Orders& orders, const Request& rq)
{
    return Response::ok(orderJson(orders.order(rq.user(), rq.idParam("id"))));
}

Response changeStatus(Orders& orders, const Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    OrderStatus target = *parseOrderStatus(rq.body()->getValue<std::string>("status"));
    return Response::ok(orderJson(orders.changeStatus(rq.user(), id, target)), "Order updated");
}

Response changeShipmentStatus(Orders& orders, const Request& rq)
{
    const std::int64_t id = rq.idParam("id"), shipmentId = rq.idParam("sid");
    OrderStatus target = *parseOrderStatus(rq.body()->getValue<std::string>("status"));
    return Response::ok(orderJson(orders.changeShipmentStatus(rq.user(), id, shipmentId, target)), "Shipment updated");
}

Response orderEvents(Orders& orders, const Request& rq)
{
    return Response::ok(arrayOf(orders.events(rq.user(), rq.idParam("id")), eventJson));
}

Response cancelOrder(Orders& orders, const Request& rq)
{
    return Response::ok(orderJson(orders.changeStatus(rq.user(), rq.idParam("id"), OrderStatus::Cancelled)), "Order cancelled");
}

Response addLine(Orders& orders, const Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    sdk::JsonObject body = rq.body();
    LineRequest line{body->getValue<std::int64_t>("product_id"), body->getValue<std::int64_t>("quantity")};
    return Response::created(lineJson(orders.addLine(rq.user(), id, line)), "Product added to the order");
}

Response listLines(Orders& orders, const Request& rq)
{
    return Response::ok(linesJson(orders.order(rq.user(), rq.idParam("id")).lines));
}

Response removeLine(Orders& orders, const Request& rq)
{
    const std::int64_t id = rq.idParam("id"), lineId = rq.idParam("line_id");
    orders.removeLine(rq.user(), id, lineId);
    return Response::ok(orderJson(orders.order(rq.user(), id)), "Product removed from the order");
}

} // namespace

void addOrderRoutes(sdk::Router& router, Orders& orders)
{
    router.add(Route(Method::Post, "/orders", Access::roles({role::kBuyer}), handledBy(orders, createOrder))
                   .withBody(createSchema(), false)
                   .idempotent()
                   .withSummary("Create an order, optionally buying products in the same transaction (buyers)"));
    router.add(Route(Method::Get, "/orders", Access::authenticated(), handledBy(orders, listOrders))
                   .withSummary("Orders the caller may see")
                   .withQuery("status", "only orders in this status")
                   .withQuery("limit", "page size, 1..500")
                   .withQuery("offset", "rows to skip"));
    router.add(Route(Method::Get, "/orders/{id}", Access::authenticated(), handledBy(orders, getOrder))
                   .withSummary("An order the caller may see"));
    router.add(Route(Method::Put, "/orders/{id}", Access::authenticated(), handledBy(orders, changeStatus))
                   .withBody(statusSchema())
                   .withSummary("Move every shipment of the order the caller may move to another status (see the status machine)"));
    router.add(Route(Method::Put, "/orders/{id}/shipments/{sid}", Access::authenticated(), handledBy(orders, changeShipmentStatus))
                   .withBody(statusSchema())
                   .withSummary("Move one shipment to another status (a seller: their stores' shipments; cancelling one: admin)"));
    router.add(Route(Method::Get, "/orders/{id}/events", Access::authenticated(), handledBy(orders, orderEvents))
                   .withSummary("The order's event log, oldest first (a seller: their shipments' events)"));
    router.add(Route(Method::Delete, "/orders/{id}", Access::authenticated(), handledBy(orders, cancelOrder))
                   .withSummary("Cancel an order and restore its stock"));
    for (const std::string prefix : {"/orders", "/order"}) {
        router.add(Route(Method::Post, prefix + "/{id}/products", Access::authenticated(), handledBy(orders, addLine))
                       .withBody(lineSchema())
                       .idempotent()
                       .withSummary("Buy a product into a CREATED order (its buyer)"));
        router.add(Route(Method::Get, prefix + "/{id}/products", Access::authenticated(), handledBy(orders, listLines))
                       .withSummary("The lines of an order the caller may see"));
        router.add(Route(Method::Delete, prefix + "/{id}/products/{line_id}", Access::authenticated(), handledBy(orders, removeLine))
                       .withSummary("Remove a line of a CREATED order and restore its stock (its buyer)"));
    }
}

} // namespace mercato::ecommerce
