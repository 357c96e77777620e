#include "http/SchedulerRoutes.h"

#include "mercato/sdk/ApiError.h"
#include "mercato/sdk/Json.h"
#include "mercato/sdk/Pagination.h"
#include "mercato/sdk/Query.h"
#include "mercato/sdk/Request.h"

#include <algorithm>

namespace mercato::scheduler {

using sdk::Access;
using sdk::Method;
using sdk::Response;
using sdk::Route;

namespace {

const std::vector<std::string> kStates{"ready", "running", "retrying", "done", "dead"};

Poco::Dynamic::Var orNull(const std::string& text)
{
    return text.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(text);
}

sdk::JsonObject jobJson(const JobRow& r)
{
    sdk::JsonObject o = sdk::makeObject();
    o->set("id", r.id);
    o->set("type", r.type);
    o->set("key", r.key);
    o->set("state", r.state);
    o->set("attempts", r.attempts);
    o->set("rescues", r.rescues);
    o->set("last_error", orNull(r.lastError));
    o->set("next_attempt_at", r.state == "ready" || r.state == "retrying" ? orNull(r.nextAttemptAt) : Poco::Dynamic::Var());
    o->set("claimed_by", orNull(r.claimedBy));
    o->set("lease_until", orNull(r.leaseUntil));
    o->set("created_at", r.createdAt);
    o->set("done_at", orNull(r.doneAt));
    o->set("dead_at", orNull(r.deadAt));
    return o;
}

} // namespace

void addSchedulerRoutes(sdk::Router& router, JobStore& jobs, Clock clock)
{
    JobStore* store = &jobs;
    router.add(Route(Method::Get, "/admin/jobs", Access::admin(), [store](const sdk::Request& rq) {
        sdk::Page page = sdk::parsePage(rq);
        JobListQuery q;
        q.state = sdk::queryText(rq, "state", 20);
        if (q.state && std::find(kStates.begin(), kStates.end(), *q.state) == kStates.end())
            throw sdk::BadRequest("state", "invalid_value", "state must be one of ready, running, retrying, done, dead");
        q.type = sdk::queryText(rq, "type", 100);
        q.limit = page.limit;
        q.offset = page.offset;
        std::int64_t total = 0;
        auto rows = store->list(q, total);
        sdk::JsonArray items = sdk::makeArray();
        for (const auto& r : rows)
            items->add(jobJson(r));
        return Response::list(items, page, total);
    })
                   .withQuery("state", "ready, running, retrying, done or dead")
                   .withQuery("type", "job type (outbox topic)")
                   .withSummary("Background jobs with their state and last error (admin)"));

    router.add(Route(Method::Get, "/admin/jobs/{id}", Access::admin(), [store](const sdk::Request& rq) {
        auto row = store->find(rq.idParam("id"));
        if (!row)
            throw sdk::NotFound("No such job");
        return Response::ok(jobJson(*row));
    }).withSummary("One background job (admin)"));

    router.add(Route(Method::Post, "/admin/jobs/{id}/retry", Access::admin(), [store, clock](const sdk::Request& rq) {
        const std::int64_t id = rq.idParam("id");
        if (!store->requeue(id, clock() / 1000)) {
            auto row = store->find(id);
            if (!row)
                throw sdk::NotFound("No such job");
            throw sdk::Conflict("Only a dead job can be retried; this one is " + row->state,
                                {{"state", "invalid_value", "the job is " + row->state}});
        }
        return Response::ok(jobJson(*store->find(id)), "Job queued again");
    }).withSummary("Queue a dead job again, its attempts reset (admin)"));
}

} // namespace mercato::scheduler
