// /stores (API.md §2 "Stores").
#include "http/Inputs.h"
#include "http/Refusals.h"
#include "http/Routes.h"
#include "http/Views.h"

#include "mercato/sdk/Json.h"
#include "mercato/sdk/Pagination.h"
#include "mercato/sdk/Query.h"
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

Schema usersIdsSchema() { return Schema::array(fields::id()).minItems(1).maxItems(100); }

Schema createSchema()
{
    return Schema::object({sdk::required("name", fields::name()), sdk::required("description", fields::description()),
                           sdk::optional("warehouse_address", fields::address().allowEmpty()),
                           sdk::required("users_ids", usersIdsSchema())});
}

Schema updateSchema()
{
    return Schema::object({sdk::optional("name", fields::name()), sdk::optional("description", fields::description()),
                           sdk::optional("warehouse_address", fields::address().allowEmpty()),
                           sdk::optional("users_ids", usersIdsSchema())});
}

Response createStore(Catalog& catalog, const Request& rq)
{
    sdk::JsonObject body = rq.body();
    Store s;
    s.name = body->getValue<std::string>("name");
    s.description = body->getValue<std::string>("description");
    s.warehouseAddress = sdk::optionalString(body, "warehouse_address").value_or("");
    s.usersIds = *sdk::optionalIntArray(body, "users_ids");
    return Response::created(storeJson(catalog.createStore(s)), "Store created");
}

Response listStores(Catalog& catalog, const Request& rq)
{
    sdk::Page page = sdk::parsePage(rq);
    StoreQuery q;
    q.nameContains = sdk::queryText(rq, "name", kNameFilterLength).value_or("");
    q.limit = page.limit;
    q.offset = page.offset;
    auto slice = catalog.stores(rq.user(), q, sdk::queryBool(rq, "mine").value_or(false));
    return Response::list(arrayOf(slice.items, storeJson), page, slice.total);
}

Response getStore(Catalog& catalog, const Request& rq)
{
    return Response::ok(storeJson(catalog.store(rq.idParam("id"))));
}

Response updateStore(Catalog& catalog, const Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    sdk::JsonObject body = rq.body();
    requireSomeField(body);
    StorePatch patch;
    patch.name = sdk::optionalString(body, "name");
    patch.description = sdk::optionalString(body, "description");
    patch.warehouseAddress = sdk::optionalString(body, "warehouse_address");
    patch.usersIds = sdk::optionalIntArray(body, "users_ids");
    return Response::ok(storeJson(catalog.updateStore(rq.user(), id, patch)), "Store updated");
}

Response deleteStore(Catalog& catalog, const Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    Store s = catalog.store(id);
    catalog.deleteStore(id);
    return Response::ok(storeJson(s), "Store deleted");
}

} // namespace

void addStoreRoutes(sdk::Router& router, Catalog& catalog)
{
    const std::vector<std::string> sellersAndAdmin{role::kSeller, role::kAdmin};
    router.add(Route(Method::Post, "/stores", Access::admin(), handledBy(catalog, createStore))
                   .withBody(createSchema())
                   .withSummary("Create a store (admin)"));
    router.add(Route(Method::Get, "/stores", Access::authenticated(), handledBy(catalog, listStores))
                   .withSummary("List live stores")
                   .withQuery("name", "name substring")
                   .withQuery("mine", "true: only the caller's stores")
                   .withQuery("limit", "page size, 1..500")
                   .withQuery("offset", "rows to skip"));
    router.add(Route(Method::Get, "/stores/{id}", Access::authenticated(), handledBy(catalog, getStore)).withSummary("A store"));
    router.add(Route(Method::Put, "/stores/{id}", Access::roles(sellersAndAdmin), handledBy(catalog, updateStore))
                   .withBody(updateSchema())
                   .withSummary("Change a store (admin, or a seller of the store; users_ids: admin only)"));
    router.add(Route(Method::Delete, "/stores/{id}", Access::admin(), handledBy(catalog, deleteStore))
                   .withSummary("Soft-delete a store and hide its products (admin)"));
}

} // namespace mercato::ecommerce
