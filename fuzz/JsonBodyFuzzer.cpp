// The request body path of the host (HttpFrontend): sdk::parseJsonStrict, then a route's
// sdk::Schema. Properties: malformed or refused input is only ever a BadRequest with field errors
// (anything else would be a 500), and a body that passes validates again to the same JSON
// (the normalized copy is itself a valid body).
#include "FuzzSupport.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Validator.h"

#include <typeinfo>

using namespace mercato::sdk;

namespace {

/// Schemas using every Schema feature the services' routes use (sdk::fields limits, nested
/// objects and arrays, aliases, enums, e-mail/URL formats, untrimmed passwords, numbers, any).
const std::vector<Schema>& schemas()
{
    static const std::vector<Schema> all = [] {
        std::vector<Schema> s;
        s.push_back(Schema::object({required("username", fields::username()), required("password", fields::password()),
                                    optional("name", fields::name()), optional("shipping_address", fields::address())}));
        s.push_back(Schema::object(
            {required("order", Schema::object({required("foreign_order_id", fields::id()).alias("foreing_order_id"),
                                               required("products", Schema::array(Schema::object(
                                                                                      {required("sku", fields::id()),
                                                                                       required("name", fields::name()),
                                                                                       required("quantity", fields::lineQuantity())}))
                                                                        .minItems(1)
                                                                        .maxItems(100))})),
             optional("origin", Schema::object({required("address", fields::address())})),
             optional("callback_url", fields::url())}));
        s.push_back(Schema::object({optional("status", Schema::string().oneOf({"created", "paid", "shipped"})),
                                    optional("tags", Schema::array(Schema::string().maxLength(30).allowEmpty()).maxItems(10)),
                                    optional("price", Schema::number().min(0).max(1'000'000)),
                                    optional("stock", fields::quantity()), optional("active", Schema::boolean()),
                                    optional("description", fields::description()), optional("code", Schema::string().minLength(3).noTrim()),
                                    optional("extra", Schema::any())}));
        return s;
    }();
    return all;
}

void checkBadRequest(const ApiError& e)
{
    if (e.status() != 400)
        mercato::fuzz::fail("status " + std::to_string(e.status()) + " for a bad body: " + e.what());
    if (e.errors().empty())
        mercato::fuzz::fail(std::string("BadRequest without field errors: ") + e.what());
    for (const auto& f : e.errors())
        if (f.field.empty() || f.code.empty())
            mercato::fuzz::fail("field error with an empty field or code: " + f.field + "/" + f.code);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    Poco::Dynamic::Var parsed;
    try {
        parsed = parseJsonStrict(text);
    } catch (const ApiError& e) {
        checkBadRequest(e);
        return 0;
    }
    // What the host stores for idempotency and renders back: any parsed value must serialize.
    (void)toJson(parsed);
    if (parsed.type() != typeid(JsonObject))
        return 0;
    for (const Schema& schema : schemas()) {
        Poco::Dynamic::Var valid;
        try {
            valid = schema.validate(parsed);
        } catch (const ApiError& e) {
            checkBadRequest(e);
            continue;
        }
        const std::string once = toJson(valid);
        Poco::Dynamic::Var again;
        try {
            again = schema.validate(parseJsonStrict(once));
        } catch (const ApiError& e) {
            mercato::fuzz::fail("the normalized body " + once + " is refused: " + e.what());
        }
        if (toJson(again) != once)
            mercato::fuzz::fail("normalizing twice differs: " + once + " then " + toJson(again));
    }
    return 0;
}
