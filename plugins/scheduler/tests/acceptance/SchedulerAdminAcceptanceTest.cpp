// The scheduler's admin surface over HTTP: who may list and retry jobs, bad filters, a job that
// goes dead when its target can never be reached within its policy, is listed with its reason,
// re-queued by the admin, and shows on /metrics.
#include "TwoServices.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mercato::test;

namespace {

/// GET `path` as `token` until `done(reply)` or 20 s pass; returns the last reply.
template <class F>
HttpReply pollUntil(const EcommerceService& svc, const std::string& path, const std::string& token, F done)
{
    HttpReply r;
    eventually([&] {
        r = svc.http().get(path, token);
        return done(r);
    }, 20);
    return r;
}

} // namespace

class SchedulerAdminAcceptanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SchedulerAdminAcceptanceTest);
    CPPUNIT_TEST(jobsAreForTheAdminOnly);
    CPPUNIT_TEST(unreachableDeliveryServiceMakesADeadJobTheAdminRetries);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override
    {
        _svc = std::make_unique<EcommerceService>(Backend::SQLite, std::map<std::string, std::string>{
            {"plugins.load", "accounts, ecommerce, scheduler"},
            {"scheduler.pollMillis", "50"},
            {"ecommerce.delivery.url", "http://127.0.0.1:" + std::to_string(freePort())},
            {"ecommerce.delivery.username", "delivery@example.com"},
            {"ecommerce.delivery.password", "password"},
            {"ecommerce.delivery.timeout", "2"},
            {"ecommerce.delivery.retrySchedule", "1"},
            {"ecommerce.delivery.retryEvery", "1"},
            {"ecommerce.delivery.giveUpAfter", "2"},
        });
    }
    void tearDown() override { _svc.reset(); }

    void jobsAreForTheAdminOnly()
    {
        const auto& http = _svc->http();
        CPPUNIT_ASSERT_EQUAL(401, http.get("/admin/jobs").status);
        CPPUNIT_ASSERT_EQUAL(403, http.get("/admin/jobs", _svc->buyer()).status);
        CPPUNIT_ASSERT_EQUAL(403, http.post("/admin/jobs/1/retry", "", _svc->seller()).status);
        HttpReply bad = http.get("/admin/jobs?state=stuck", _svc->admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(bad.body, 400, bad.status);
        CPPUNIT_ASSERT(bad.errorCodes() == std::vector<std::string>({"state:invalid_value"}));
        CPPUNIT_ASSERT_EQUAL(404, http.get("/admin/jobs/999", _svc->admin()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.post("/admin/jobs/999/retry", "", _svc->admin()).status);
        CPPUNIT_ASSERT_EQUAL(404, http.get("/admin/jobs/abc", _svc->admin()).status);
        HttpReply empty = http.get("/admin/jobs?state=dead", _svc->admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(empty.body, 200, empty.status);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), totalOf(empty));
    }

    void unreachableDeliveryServiceMakesADeadJobTheAdminRetries()
    {
        Market m = makeMarket(*_svc);
        const std::int64_t order = orderIn(*_svc, m, "DISPATCHED");
        const std::string path = "/admin/jobs?type=ecommerce.order.dispatched&state=dead";
        HttpReply dead = pollUntil(*_svc, path, _svc->admin(), [](const HttpReply& r) { return r.status == 200 && totalOf(r) == 1; });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(dead.body, std::int64_t(1), totalOf(dead));
        auto job = itemsOf(dead)->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::to_string(order), job->getValue<std::string>("key"));
        CPPUNIT_ASSERT(job->getValue<int>("attempts") >= 1);
        const std::string error = job->getValue<std::string>("last_error");
        CPPUNIT_ASSERT_MESSAGE(error, error.find("gave up after") != std::string::npos);
        CPPUNIT_ASSERT(dataOf(_svc->http().get("/orders/" + str(order), _svc->buyer()))->isNull("delivery"));

        const std::int64_t id = job->getValue<std::int64_t>("id");
        HttpReply metrics = _svc->http().get("/metrics");
        CPPUNIT_ASSERT_MESSAGE(metrics.body,
                               metrics.body.find("mercato_jobs{type=\"ecommerce.order.dispatched\",state=\"dead\"} 1") != std::string::npos);
        CPPUNIT_ASSERT(metrics.body.find("mercato_job_attempts_total{type=\"ecommerce.order.dispatched\",outcome=\"dead\"} 1")
                       != std::string::npos);

        HttpReply retried = _svc->http().post("/admin/jobs/" + str(id) + "/retry", "", _svc->admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(retried.body, 200, retried.status);
        CPPUNIT_ASSERT_EQUAL(0, dataOf(retried)->getValue<int>("attempts"));
        // It runs again (and, the delivery service still being away, dies again).
        HttpReply again = pollUntil(*_svc, "/admin/jobs/" + str(id), _svc->admin(), [](const HttpReply& r) {
            return r.status == 200 && dataOf(r)->getValue<std::string>("state") == "dead" && dataOf(r)->getValue<int>("attempts") >= 1;
        });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(again.body, std::string("dead"), dataOf(again)->getValue<std::string>("state"));
        HttpReply twice = _svc->http().post("/admin/jobs/" + str(id) + "/retry", "", _svc->admin());
        CPPUNIT_ASSERT_EQUAL(200, twice.status);
        HttpReply notDead = _svc->http().post("/admin/jobs/" + str(id) + "/retry", "", _svc->admin());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(notDead.body, 409, notDead.status); // ready or running now: not dead
    }

private:
    std::unique_ptr<EcommerceService> _svc;
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SchedulerAdminAcceptanceTest, "acceptance");
