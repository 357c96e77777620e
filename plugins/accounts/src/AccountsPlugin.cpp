// The accounts plugin: users, roles, sign-up/sign-in and the user directory the host authenticates
// requests against. Wiring only; the rules live in domain/, SQL in repository/, JSON in http/.
#include "domain/AccountService.h"
#include "domain/HashGate.h"
#include "domain/PasswordHasher.h"
#include "domain/SigninLimiter.h"
#include "http/AccountRoutes.h"
#include "repository/SqlUserStore.h"

#include "mercato/sdk/Plugin.h"

#include <Poco/String.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

const mercato::sdk::MigrationSet& accountsMigrations();

namespace mercato::accounts {

namespace {

/// `username:ROLE[:Display name]` items of `accounts.mockUsers`.
std::vector<MockAccount> parseMockAccounts(const std::vector<std::string>& items, const AccountPolicy& policy)
{
    std::vector<MockAccount> accounts;
    for (const auto& item : items) {
        auto first = item.find(':');
        if (first == std::string::npos)
            throw std::invalid_argument("accounts.mockUsers: '" + item + "' is not username:ROLE[:Name]");
        auto second = item.find(':', first + 1);
        MockAccount a;
        a.username = Poco::toLower(Poco::trim(item.substr(0, first)));
        a.role = Poco::trim(item.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1));
        a.name = second == std::string::npos ? a.username.substr(0, a.username.find('@')) : Poco::trim(item.substr(second + 1));
        if (!policy.isRole(a.role))
            throw std::invalid_argument("accounts.mockUsers: role '" + a.role + "' of " + a.username + " is not in accounts.roles");
        accounts.push_back(std::move(a));
    }
    return accounts;
}

} // namespace

class AccountsPlugin final : public sdk::Plugin {
public:
    sdk::PluginInfo info() const override
    {
        using namespace sdk;
        return {"accounts",
                "1.0.0",
                {},
                {listKey("roles", "", "every role of this service, e.g. MARKETPLACE_ADMIN, SELLER, MARKETPLACE_USER"),
                 requiredKey("adminRole", "the role that administers users and may call admin routes"),
                 stringKey("signupRole", "", "role given by POST /signup; empty: no public sign-up"),
                 booleanKey("shippingAddress", false, "users carry a shipping_address (ecommerce buyers)"),
                 listKey("mockUsers", "", "accounts made by `users mock-users`: username:ROLE[:Name], comma-separated"),
                 [] {
                     ConfigKey k = stringKey("mockPassword", "password", "password of the mock users");
                     k.secret = true;
                     return k;
                 }(),
                 choiceKey("hashScheme", "yescrypt", {"yescrypt", "bcrypt"}, "password hash for new passwords (both verify)"),
                 integerKey("hashCost", 0, 0, 31, "hash cost; 0: the library's default (yescrypt 5, bcrypt 12)"),
                 integerKey("userCacheMillis", 2000, 0, 60'000,
                            "how long the user behind a request's token is reused before it is read again; 0: read on "
                            "every request. Changes through this host apply at once, other hosts' within this time"),
                 integerKey("hashConcurrency", 0, 0, 1024,
                            "password hashes (sign-in, sign-up, password change) run at once at most; 0: half the cores, at least 1"),
                 integerKey("hashQueueLength", 16, 0, 10'000, "requests that may wait for a hashing slot; one more is 503 with Retry-After"),
                 integerKey("hashQueueMillis", 2000, 0, 60'000, "how long a request waits for a hashing slot before it is 503 with Retry-After"),
                 integerKey("signin.usernameLimit", 10, 0, 1'000'000,
                            "failed sign-ins per username (existing or not) in a window, then 429; 0: no limit. A success resets it"),
                 integerKey("signin.usernameWindowSeconds", 300, 1, 86'400, "the window of signin.usernameLimit, from its first failure"),
                 integerKey("signin.addressLimit", 100, 0, 1'000'000,
                            "failed sign-ins per client address in a window, then 429; 0: no limit. Counted in each host's memory"),
                 integerKey("signin.addressWindowSeconds", 300, 1, 86'400, "the window of signin.addressLimit, from its first failure")},
                "Users, roles, sign-up and sign-in, token issuing"};
    }

    void start(sdk::PluginContext& ctx) override
    {
        const sdk::Config& config = ctx.config();
        AccountPolicy policy;
        policy.roles = config.getList("roles");
        policy.adminRole = config.getString("adminRole");
        policy.signupRole = config.getString("signupRole");
        policy.shippingAddress = config.getBool("shippingAddress");
        policy.mockPassword = config.getString("mockPassword");
        policy.userCacheMillis = static_cast<long>(config.getInt("userCacheMillis"));
        if (policy.roles.empty())
            throw std::invalid_argument("accounts.roles must name at least one role");
        if (!policy.isRole(policy.adminRole))
            throw std::invalid_argument("accounts.adminRole '" + policy.adminRole + "' is not in accounts.roles");
        if (!policy.signupRole.empty() && !policy.isRole(policy.signupRole))
            throw std::invalid_argument("accounts.signupRole '" + policy.signupRole + "' is not in accounts.roles");
        policy.mockAccounts = parseMockAccounts(config.getList("mockUsers"), policy);

        ctx.database().migrate("accounts", accountsMigrations());
        HashGate::Settings gate;
        gate.maxConcurrent = config.getInt("hashConcurrency") > 0 ? static_cast<std::size_t>(config.getInt("hashConcurrency"))
                                                                  : HashGate::defaultConcurrency(std::thread::hardware_concurrency());
        gate.maxWaiting = static_cast<std::size_t>(config.getInt("hashQueueLength"));
        gate.maxWait = std::chrono::milliseconds(config.getInt("hashQueueMillis"));
        _gate = std::make_unique<HashGate>(gate);
        SigninLimits limits;
        limits.perUsername = {config.getInt("signin.usernameLimit"), config.getInt("signin.usernameWindowSeconds") * 1000};
        limits.perAddress = {config.getInt("signin.addressLimit"), config.getInt("signin.addressWindowSeconds") * 1000};
        _limiter = std::make_unique<SigninLimiter>(limits);
        _hasher = std::make_unique<PasswordHasher>(config.getString("hashScheme") == "bcrypt" ? PasswordHasher::Scheme::Bcrypt
                                                                                             : PasswordHasher::Scheme::Yescrypt,
                                                   static_cast<unsigned long>(config.getInt("hashCost")));
        _store = std::make_unique<SqlUserStore>(ctx.database());
        _service = std::make_unique<AccountService>(*_store, *_hasher, *_gate, policy);
        ctx.services().provide<sdk::UserDirectory>(std::make_shared<AccountDirectory>(*_service));
        addAccountRoutes(ctx.router(), *_service, ctx.tokens(), *_limiter);

        AccountService* service = _service.get();
        const sdk::TokenIssuer* tokens = &ctx.tokens();
        ctx.cli().add({"users mock-users", "create the configured mock accounts (idempotent) and print a token for each",
                       [service, tokens](const std::vector<std::string>& args, std::ostream& out) {
                           if (!args.empty())
                               throw std::invalid_argument("users mock-users takes no arguments");
                           if (service->policy().mockAccounts.empty())
                               throw std::invalid_argument("no mock accounts configured (accounts.mockUsers)");
                           for (const User& u : service->ensureMockAccounts())
                               out << u.username << '\t' << tokens->issue(principalOf(u)) << '\n';
                           return 0;
                       }});
    }

    void stop() override {}

private:
    std::unique_ptr<HashGate> _gate;
    std::unique_ptr<SigninLimiter> _limiter;
    std::unique_ptr<PasswordHasher> _hasher;
    std::unique_ptr<SqlUserStore> _store;
    std::unique_ptr<AccountService> _service;
};

} // namespace mercato::accounts

MERCATO_PLUGIN(mercato::accounts::AccountsPlugin)
