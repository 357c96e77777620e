#pragma once
// The one place where the ecommerce domain's refusals become HTTP errors.
#include "domain/Refusal.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Router.h"

namespace mercato::ecommerce {

/// Invalid → 400, Forbidden → 403, NotFound → 404, Conflict → 409, with the refusal's message and
/// its problems as the envelope's `errors[]`.
sdk::ApiError toApiError(const Refusal& refusal);

/// `handler` with every Refusal it throws rethrown as toApiError's error.
sdk::Handler mappingRefusals(sdk::Handler handler);

/// The handler of a route: `fn(service, request)`, refusals mapped.
template <class Service>
sdk::Handler handledBy(Service& service, sdk::Response (*fn)(Service&, const sdk::Request&))
{
    return mappingRefusals([&service, fn](const sdk::Request& rq) { return fn(service, rq); });
}

} // namespace mercato::ecommerce
