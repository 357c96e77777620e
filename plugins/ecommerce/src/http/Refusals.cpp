#include "http/Refusals.h"

namespace mercato::ecommerce {

sdk::ApiError toApiError(const Refusal& refusal)
{
    std::vector<sdk::FieldError> errors;
    for (const auto& p : refusal.problems())
        errors.push_back({p.field, p.code, p.message});
    switch (refusal.kind()) {
    case Refusal::Kind::Invalid: return sdk::BadRequest(refusal.what(), std::move(errors));
    case Refusal::Kind::Forbidden: return sdk::ApiError(403, refusal.what(), std::move(errors));
    case Refusal::Kind::NotFound: return sdk::ApiError(404, refusal.what(), std::move(errors));
    case Refusal::Kind::Conflict: break;
    }
    return sdk::Conflict(refusal.what(), std::move(errors));
}

sdk::Handler mappingRefusals(sdk::Handler handler)
{
    return [handler = std::move(handler)](const sdk::Request& rq) {
        try {
            return handler(rq);
        } catch (const Refusal& refusal) {
            throw toApiError(refusal);
        }
    };
}

} // namespace mercato::ecommerce
