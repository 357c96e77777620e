// The smallest useful Mercato plugin: one config key, one migration, one route.
//
//   hello.greeting = hello            (etc/*.properties; the key is declared in info())
//   GET /hello/{name}  →  {"code":"success","data":{"message":"hello, ada","visits":1}}
#include <mercato/sdk/Sdk.h>

#include <Poco/Data/Session.h>

using namespace mercato::sdk;
using namespace Poco::Data::Keywords;

const MigrationSet& helloMigrations(); // generated from sql/ by mercato_add_plugin(... MIGRATIONS)

class HelloPlugin final : public Plugin {
public:
    PluginInfo info() const override
    {
        return {"hello", "1.0.0", /*dependencies*/ {}, {stringKey("greeting", "hello", "the word the route greets with")},
                "Greets visitors and counts their visits"};
    }

    void start(PluginContext& ctx) override
    {
        _greeting = ctx.config().getString("greeting");
        ctx.database().migrate("hello", helloMigrations());
        Database* db = &ctx.database();
        ctx.router().add(Route(Method::Get, "/hello/{name}", Access::anyone(), [this, db](const Request& rq) {
            std::string name = *rq.param("name");
            if (name.size() > 120)
                throw BadRequest("name", "too_long", "must be at most 120 characters");
            Poco::Int64 visits = 0;
            Transaction tx(*db);
            // Count the visit; the upsert differs by dialect, the rest is the same SQL.
            tx.session() << (tx.dialect() == Dialect::MySQL
                                 ? "INSERT INTO hello_visits (name, visits) VALUES (?, 1) ON DUPLICATE KEY UPDATE visits = visits + 1"
                                 : "INSERT INTO hello_visits (name, visits) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET visits = visits + 1"),
                use(name), now;
            tx.session() << "SELECT visits FROM hello_visits WHERE name = ?", use(name), into(visits), now;
            tx.commit();
            JsonObject data = makeObject();
            data->set("message", _greeting + ", " + name);
            data->set("visits", visits);
            return Response::ok(data);
        }).withSummary("Greet someone by name"));
    }

    void stop() override {}

private:
    std::string _greeting;
};

MERCATO_PLUGIN(HelloPlugin)
