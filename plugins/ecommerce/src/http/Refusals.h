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

/// The handler of a route: `fn(service, request)` (see sdk::bind), refusals mapped.
template <class Service, class Fn>
sdk::Handler handledBy(Service&& service, Fn fn)
{
    return mappingRefusals(sdk::bind(std::forward<Service>(service), fn));
}

} // namespace mercato::ecommerce
