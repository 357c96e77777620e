#pragma once
#include "domain/JobStore.h"
#include "domain/Clock.h"

#include "mercato/sdk/Router.h"

namespace mercato::scheduler {

/// GET /admin/jobs, GET /admin/jobs/{id}, POST /admin/jobs/{id}/retry (the service's admin).
void addSchedulerRoutes(sdk::Router& router, JobStore& jobs, Clock clock);

} // namespace mercato::scheduler
