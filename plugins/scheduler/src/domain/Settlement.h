#pragma once
// What becomes of a job after one attempt: the handler's JobResult read against the type's retry
// policy. Pure.
#include "mercato/sdk/Jobs.h"

#include <cstdint>
#include <string>

namespace mercato::scheduler {

struct Settlement {
    enum class Kind { Done, Retry, Dead, Defer };
    Kind kind = Kind::Done;
    std::int64_t delaySeconds = 0; ///< Retry, Defer: seconds until the next attempt
    std::string error;             ///< Retry, Dead: the reason kept on the job
};

/// `attempt` is the number of the attempt that just ended (1 = first), `ageSeconds` the job's age
/// (since it was appended, or re-queued by an admin).
Settlement settle(const sdk::JobResult& result, int attempt, std::int64_t ageSeconds, const sdk::RetryPolicy& policy);

} // namespace mercato::scheduler
