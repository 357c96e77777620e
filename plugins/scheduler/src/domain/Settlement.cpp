#include "domain/Settlement.h"

namespace mercato::scheduler {

Settlement settle(const sdk::JobResult& result, int attempt, std::int64_t ageSeconds, const sdk::RetryPolicy& policy)
{
    using Kind = sdk::JobResult::Kind;
    switch (result.kind) {
    case Kind::Done:
        return {Settlement::Kind::Done, 0, ""};
    case Kind::Defer:
        return {Settlement::Kind::Defer, result.deferSeconds < 0 ? 0 : result.deferSeconds, ""};
    case Kind::Fail:
        return {Settlement::Kind::Dead, 0, result.error.empty() ? "refused for good" : result.error};
    case Kind::Retry:
        break;
    }
    const std::string error = result.error.empty() ? "failed" : result.error;
    if (auto delay = policy.nextDelay(attempt, ageSeconds))
        return {Settlement::Kind::Retry, *delay, error};
    return {Settlement::Kind::Dead, 0, "gave up after " + std::to_string(attempt) + " attempts: " + error};
}

} // namespace mercato::scheduler
