// /products (API.md §2 "Products").
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

Schema createSchema()
{
    return Schema::object({sdk::required("name", fields::name()), sdk::required("short_description", fields::description()),
                           sdk::required("quantity", fields::quantity()), sdk::required("store_id", fields::id())});
}

Schema updateSchema()
{
    return Schema::object({sdk::optional("name", fields::name()), sdk::optional("short_description", fields::description()),
                           sdk::optional("quantity", fields::quantity())});
}

Response listProducts(Catalog& catalog, const Request& rq)
{
    sdk::Page page = sdk::parsePage(rq);
    ProductQuery q;
    q.storeId = sdk::queryId(rq, "store_id");
    q.nameContains = sdk::queryText(rq, "q", kNameFilterLength).value_or("");
    q.inStockOnly = sdk::queryBool(rq, "in_stock").value_or(false);
    q.limit = page.limit;
    q.offset = page.offset;
    auto slice = catalog.products(q);
    return Response::list(arrayOf(slice.items, productJson), page, slice.total);
}

Response getProduct(Catalog& catalog, const Request& rq)
{
    return Response::ok(productJson(catalog.product(rq.idParam("id"))));
}

Response createProduct(Catalog& catalog, const Request& rq)
{
    sdk::JsonObject body = rq.body();
    Product p;
    p.name = body->getValue<std::string>("name");
    p.shortDescription = body->getValue<std::string>("short_description");
    p.quantity = body->getValue<std::int64_t>("quantity");
    p.storeId = body->getValue<std::int64_t>("store_id");
    return Response::created(productJson(catalog.createProduct(rq.user(), p)), "Product created");
}

Response updateProduct(Catalog& catalog, const Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    sdk::JsonObject body = rq.body();
    requireSomeField(body);
    ProductPatch patch;
    patch.name = sdk::optionalString(body, "name");
    patch.shortDescription = sdk::optionalString(body, "short_description");
    patch.quantity = sdk::optionalInt(body, "quantity");
    return Response::ok(productJson(catalog.updateProduct(rq.user(), id, patch)), "Product updated");
}

Response deleteProduct(Catalog& catalog, const Request& rq)
{
    const std::int64_t id = rq.idParam("id");
    Product p = catalog.product(id);
    catalog.deleteProduct(rq.user(), id);
    return Response::ok(productJson(p), "Product deleted");
}

} // namespace

void addProductRoutes(sdk::Router& router, Catalog& catalog)
{
    const std::vector<std::string> sellersAndAdmin{role::kSeller, role::kAdmin};
    router.add(Route(Method::Get, "/products", Access::authenticated(), handledBy(catalog, listProducts))
                   .withSummary("List products of live stores")
                   .withQuery("store_id", "only this store's")
                   .withQuery("q", "name substring")
                   .withQuery("in_stock", "true: only quantity > 0")
                   .withQuery("limit", "page size, 1..500")
                   .withQuery("offset", "rows to skip"));
    router.add(Route(Method::Get, "/products/{id}", Access::authenticated(), handledBy(catalog, getProduct)).withSummary("A product"));
    router.add(Route(Method::Post, "/products", Access::roles(sellersAndAdmin), handledBy(catalog, createProduct))
                   .withBody(createSchema())
                   .withSummary("Create a product in a store (its sellers, or admin)"));
    router.add(Route(Method::Put, "/products/{id}", Access::roles(sellersAndAdmin), handledBy(catalog, updateProduct))
                   .withBody(updateSchema())
                   .withSummary("Change a product (its store's sellers, or admin)"));
    router.add(Route(Method::Delete, "/products/{id}", Access::roles(sellersAndAdmin), handledBy(catalog, deleteProduct))
                   .withSummary("Soft-delete a product (its store's sellers, or admin)"));
}

} // namespace mercato::ecommerce
