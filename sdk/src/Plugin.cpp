// Key functions of the SDK's interfaces: defining the destructors here emits their vtables and
// typeinfo once, in libmercato-sdk, so dynamic_cast and catch work across plugin boundaries.
#include "mercato/sdk/Cli.h"
#include "mercato/sdk/Config.h"
#include "mercato/sdk/Database.h"
#include "mercato/sdk/Jobs.h"
#include "mercato/sdk/Metrics.h"
#include "mercato/sdk/Outbox.h"
#include "mercato/sdk/PeriodicTasks.h"
#include "mercato/sdk/Plugin.h"
#include "mercato/sdk/PluginContext.h"
#include "mercato/sdk/Request.h"
#include "mercato/sdk/Router.h"
#include "mercato/sdk/ServiceRegistry.h"
#include "mercato/sdk/UserDirectory.h"

namespace mercato::sdk {

Plugin::~Plugin() = default;
PluginContext::~PluginContext() = default;
Router::~Router() = default;
ServiceRegistry::~ServiceRegistry() = default;
UserDirectory::~UserDirectory() = default;
TokenIssuer::~TokenIssuer() = default;
Cli::~Cli() = default;
Metrics::~Metrics() = default;
Config::~Config() = default;
Database::~Database() = default;
Request::~Request() = default;
Outbox::~Outbox() = default;
Jobs::~Jobs() = default;
PeriodicTasks::~PeriodicTasks() = default;

void Outbox::appendAll(Transaction& tx, const std::vector<OutboxDraft>& messages)
{
    for (const auto& m : messages)
        append(tx, m.topic, m.key, m.payload);
}

} // namespace mercato::sdk
